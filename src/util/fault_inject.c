// SPDX-License-Identifier: MIT
/*
 * Fault injection: count the should_fail() points a thread passes and fail
 * the N-th.
 *
 * State: one global flag, `fault_inject_armed`, true while at least one
 * thread is armed (it is the only thing the disarmed fast path reads), plus a
 * thread-local record per thread: armed or not, the 1-based point to fail
 * (`nth`, 0 = count only), how many points were passed since arming, and
 * whether the failure was delivered.  A point reached by a thread that is not
 * armed is not counted and never fails, even while another thread is armed,
 * so a sweep in one thread is deterministic whatever else runs.
 *
 * The global flag is derived from `armed_threads` under `arm_lock`, so an arm
 * racing a disarm can never leave it false while a thread is armed.  A thread
 * that exits while armed keeps the flag set (costing only the slow path to
 * others); tests disarm before their threads exit.
 *
 * Counting: `count` is a 64-bit counter; a scenario would need 2^64 points to
 * wrap it.  Exactly one point fails per arming: the one where count == nth.
 */
#include "util/fault_inject.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

bool fault_inject_armed;

static pthread_mutex_t arm_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long armed_threads; /* guarded by arm_lock */
static bool trace_on;
static fault_inject_observer_fn observer;

struct fi_thread_state {
	bool armed;
	bool fired;
	uint64_t nth;
	uint64_t count;
};

static __thread struct fi_thread_state fi_tls;

bool fault_inject_hit(const char *name)
{
	struct fi_thread_state *st = &fi_tls;
	bool fail;

	if (!st->armed)
		return false;
	st->count++;
	fail = st->nth != 0 && st->count == st->nth;
	if (fail)
		st->fired = true;
	if (__atomic_load_n(&trace_on, __ATOMIC_RELAXED))
		fprintf(stderr, "uiommufd: fault point %llu %s%s\n",
			(unsigned long long)st->count, name ? name : "?",
			fail ? " FAIL" : "");
	fault_inject_observer_fn fn = __atomic_load_n(&observer, __ATOMIC_ACQUIRE);
	if (fn)
		fn(name ? name : "?", fail);
	return fail;
}

void fault_inject_arm(uint64_t nth)
{
	struct fi_thread_state *st = &fi_tls;

	if (!st->armed) {
		pthread_mutex_lock(&arm_lock);
		armed_threads++;
		__atomic_store_n(&fault_inject_armed, true, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&arm_lock);
	}
	st->armed = true;
	st->fired = false;
	st->nth = nth;
	st->count = 0;
}

uint64_t fault_inject_disarm(void)
{
	struct fi_thread_state *st = &fi_tls;
	uint64_t count = st->count;

	if (st->armed) {
		pthread_mutex_lock(&arm_lock);
		armed_threads--;
		__atomic_store_n(&fault_inject_armed, armed_threads != 0,
				 __ATOMIC_RELAXED);
		pthread_mutex_unlock(&arm_lock);
	}
	st->armed = false;
	st->count = 0; /* a second disarm reports 0 */
	return count;
}

bool fault_inject_fired(void)
{
	return fi_tls.fired;
}

void fault_inject_set_observer(fault_inject_observer_fn fn)
{
	__atomic_store_n(&observer, fn, __ATOMIC_RELEASE);
}

void fault_inject_set_trace(bool on)
{
	__atomic_store_n(&trace_on, on, __ATOMIC_RELAXED);
}

/* malloc(0) may legally return NULL; ask for one byte so NULL means failure. */
void *fi_malloc(const char *name, uint64_t size)
{
	(void)name;
	if (should_fail(name))
		return NULL;
	if (size > SIZE_MAX)
		return NULL;
	return malloc(size ? (size_t)size : 1);
}

void *fi_calloc(const char *name, uint64_t n, uint64_t size)
{
	uint64_t total;

	(void)name;
	if (should_fail(name))
		return NULL;
	if (__builtin_mul_overflow(n, size, &total) || total > SIZE_MAX)
		return NULL;
	if (total == 0)
		return calloc(1, 1);
	return calloc((size_t)n, (size_t)size);
}

/* On failure `p` is left allocated and unchanged, as with realloc(). */
void *fi_realloc(const char *name, void *p, uint64_t size)
{
	(void)name;
	if (should_fail(name))
		return NULL;
	if (size > SIZE_MAX)
		return NULL;
	return realloc(p, size ? (size_t)size : 1);
}

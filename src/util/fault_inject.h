/* SPDX-License-Identifier: MIT */
/*
 * Fault-injection points.  should_fail() marks every allocation and every
 * fallible step.  When no test has armed injection it costs one load and one
 * predictable branch (`fault_inject_armed` is false).  When armed, the points
 * are counted per thread in the order they are reached and the N-th one
 * reports failure, which lets a sweep fail point 1, 2, ... N of a scenario.
 *
 * The name is for the trace only; the point's identity is its order.
 */
#ifndef UIOMMUFD_UTIL_FAULT_INJECT_H
#define UIOMMUFD_UTIL_FAULT_INJECT_H

#include <stdbool.h>
#include <stdint.h>

extern bool fault_inject_armed;
bool fault_inject_hit(const char *name);

/*
 * The flag is written by other threads (arm/disarm), so it is read with a
 * relaxed atomic load: the same single load, but not a data race.  The flag
 * only gates the slow path; fault_inject_hit() then consults the calling
 * thread's own state, so a stale read can never make an unarmed thread fail.
 */
#ifdef UIOMMUFD_FAULT_INJECTION
#define should_fail(name)                                                     \
	(__builtin_expect(__atomic_load_n(&fault_inject_armed, __ATOMIC_RELAXED), \
			  0) &&                                               \
	 fault_inject_hit(name))
#else
#define should_fail(name) false
#endif

/*
 * Arm the calling thread: the nth point reached from now on (1-based) fails;
 * nth = 0 counts without failing.  Other threads are not affected.
 */
void fault_inject_arm(uint64_t nth);
/*
 * Disarm; returns how many points the thread reached while armed (0 if it
 * was not armed).  fault_inject_fired() keeps its value until the next arm.
 */
uint64_t fault_inject_disarm(void);
/* Whether the armed failure has already been delivered. */
bool fault_inject_fired(void);
/* Optional trace of every point passed (for debugging a sweep). */
void fault_inject_set_trace(bool on);
/*
 * Optional observer, called for every point an armed thread passes, with the
 * point's name and whether it is the one failing.  A sweep uses it to learn
 * which named points it reached.  NULL removes it.  The observer runs in the
 * armed thread and must not pass points itself.
 */
typedef void (*fault_inject_observer_fn)(const char *name, bool failed);
void fault_inject_set_observer(fault_inject_observer_fn fn);

/*
 * Allocation wrappers that honour the injection points.  They return NULL on
 * an injected failure, on a size that does not fit size_t (or, for calloc, an
 * n * size that overflows), or when the allocator fails.  A size of 0 still
 * returns a unique pointer, so NULL always means failure.  fi_realloc leaves
 * `p` untouched when it fails.  Free with free().
 */
void *fi_malloc(const char *name, uint64_t size);
void *fi_calloc(const char *name, uint64_t n, uint64_t size);
void *fi_realloc(const char *name, void *p, uint64_t size);

#endif

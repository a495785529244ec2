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

#ifdef UIOMMUFD_FAULT_INJECTION
#define should_fail(name) \
	(__builtin_expect(fault_inject_armed, 0) && fault_inject_hit(name))
#else
#define should_fail(name) false
#endif

/*
 * Arm the calling thread: the nth point reached from now on (1-based) fails;
 * nth = 0 counts without failing.  Other threads are not affected.
 */
void fault_inject_arm(uint64_t nth);
/* Disarm; returns how many points the thread reached while armed. */
uint64_t fault_inject_disarm(void);
/* Whether the armed failure has already been delivered. */
bool fault_inject_fired(void);
/* Optional trace of every point passed (for debugging a sweep). */
void fault_inject_set_trace(bool on);

/* Allocation wrappers that honour the injection points. */
void *fi_malloc(const char *name, uint64_t size);
void *fi_calloc(const char *name, uint64_t n, uint64_t size);
void *fi_realloc(const char *name, void *p, uint64_t size);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Fork guard: fork() never happens while another thread is inside the
 * library, so every lock the library owns is free in the child.
 *
 * Each thread that enters the library through a public entry point counts
 * its nesting depth in a thread-local slot; a pthread_atfork() prepare
 * handler raises a global "fork pending" flag and waits until every other
 * thread's depth is zero.  An entering thread that sees the flag steps back
 * out and waits for the fork to finish.  The flag store and the depth loads
 * (and the depth increment and the flag load) are sequentially consistent,
 * so either the forker sees the thread inside or the thread sees the flag.
 *
 * Cost on the way in and out: two atomic operations on the thread's own
 * cache line and one load of a read-mostly global: no shared lock.
 *
 * Not covered: a thread that forks from inside the library (from an unmap
 * callback, say) forks with its own locks held; that is not supported.
 */
#ifndef UIOMMUFD_UTIL_FORK_GUARD_H
#define UIOMMUFD_UTIL_FORK_GUARD_H

void fork_guard_enter(void);
void fork_guard_exit(void);

static inline void fork_guard_cleanup(int *token)
{
	(void)token;
	fork_guard_exit();
}

/* First statement of a public entry point: entered here, left on return. */
#define FORK_GUARD()                                                          \
	int fork_guard_token_ __attribute__((cleanup(fork_guard_cleanup),     \
					     unused)) = (fork_guard_enter(), 0)

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Which descriptors are emulated /dev/iommu files, and which context each
 * one reaches.
 *
 * The kernel object is the open file description, not the descriptor:
 * dup(), dup2(), dup3(), fcntl(F_DUPFD*), fork() and SCM_RIGHTS all give
 * more descriptors for one description, and the context lives until the
 * last of them is closed.  Every emulated description is backed by a sealed,
 * empty memfd, so it has a kernel identity of its own: (st_dev, st_ino).
 *
 *   struct shim_desc  one per emulated description, keyed by (dev, ino);
 *                     holds the context's "file" reference and the O_ACCMODE
 *                     the program asked for; nfds = table entries naming it.
 *   fd map            fd -> shim_desc (NULL: not ours), grown on demand.
 *
 * Invariants (under fdt_lock): desc->nfds == number of map entries pointing
 * at desc; a desc with nfds == 0 is unlinked and its reference dropped, but
 * only after /proc/self/fd was searched for descriptors the shim never saw
 * being created (raw dup syscalls, SCM_RIGHTS), which are adopted instead.
 * A map entry can go stale when a descriptor is closed behind the shim's back
 * (syscall(SYS_close)); lookups therefore compare the fd's current
 * (dev, ino) with the desc and drop stale entries.
 *
 * Locking: one rwlock.  Lookups take it shared and leave with a context
 * reference of their own, so the ioctl itself runs unlocked and a concurrent
 * close() cannot free the context under it.  Changes take it exclusive.
 * Contexts are put only after the lock is released.  fork() is made safe by
 * pthread_atfork handlers that hold the lock across the fork.
 */
#ifndef UIOMMUFD_SHIM_FDTABLE_H
#define UIOMMUFD_SHIM_FDTABLE_H

#include <stdbool.h>

#include "shim/transport.h"

/* Cheap check without locking: false when no descriptor is ours at all. */
bool shim_fdt_any(void);

/* Record the new emulated descriptor `fd` (a fresh description); takes over
 * the caller's reference on `tctx` on success.  0 or -ENOMEM / -errno. */
int shim_fdt_install(int fd, struct shim_tctx *tctx, int accmode);

/* The context behind `fd`, with a new reference the caller must put, and
 * the access mode it was opened with; NULL when `fd` is not ours. */
struct shim_tctx *shim_fdt_get(int fd, int *accmode);

/* `fd` is not in the map: is it another descriptor for a description we
 * know (received or duplicated behind our back)?  If so record it. */
bool shim_fdt_adopt(int fd);

/* close(fd) of a possibly-emulated descriptor; `real_close` does the
 * kernel close.  Returns what real_close returned (with errno set), or 1
 * in *handled = false when fd was not ours (nothing was done). */
int shim_fdt_close(int fd, int (*real_close)(int), bool *handled);

/*
 * Run `dupfn` (a real dup/dup2/dup3/fcntl call producing a new descriptor)
 * with the table locked, and record the result as another descriptor of
 * oldfd's description.  `target` is the descriptor dup2/dup3 replace, -1 for
 * dup/F_DUPFD.  Returns dupfn's result with errno preserved.
 */
int shim_fdt_dup(int oldfd, int target, int (*dupfn)(void *), void *arg);

/* Every tracked descriptor in [first, last], for close_range(). Returns the
 * count written to fds (at most max). */
int shim_fdt_list(unsigned int first, unsigned int last, int *fds, int max);

void shim_fdt_atfork_init(void);

#endif

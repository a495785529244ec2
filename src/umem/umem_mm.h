/* SPDX-License-Identifier: MIT */
/*
 * Private layout of struct umem_mm: one source address space.
 *
 * An mm is a reference-counted object with an ops table.  The ops are the
 * only part that knows *how* the memory is reached; everything generic (the
 * pin-count table, accounting, reference counting) lives here and in the
 * files of src/umem and is shared by every implementation.
 *
 *   in-process (mm_self.c): the memory of the process that created the
 *     object, reached directly; pins fault pages in with madvise().
 *   remote (later): another process's memory, reached over
 *     process_vm_readv()/a socket; plugs in through the same ops.
 *
 * Page numbers: `pfn`-like indexes here are *virtual* page numbers
 * (uaddr >> PAGE_SHIFT) of the source address space, never physical.
 *
 * Locking: `lock` guards `pins` and `locked_pages`.  It is a leaf lock:
 * nothing else is taken while it is held, and no system call that can
 * block for long (madvise, /proc reads) runs under it.
 */
#ifndef UIOMMUFD_UMEM_UMEM_MM_H
#define UIOMMUFD_UMEM_UMEM_MM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "umem/pin_table.h"
#include "umem/umem.h"

struct umem_mm_ops {
	/*
	 * Check that [uaddr, uaddr + npages pages) is mapped (and writable
	 * when `write`) and fault it in.  0, -EFAULT or -ENOMEM.  No state of
	 * the mm changes.
	 */
	int (*fault_in)(struct umem_mm *mm, uint64_t uaddr, uint64_t npages,
			bool write);
	/* Address in this process through which byte `uaddr` is reached. */
	void *(*host_addr)(struct umem_mm *mm, uint64_t uaddr);
	/* Optional: bytes from `uaddr` (at most `max`) whose host addresses
	 * are contiguous; without it they are compared page by page. */
	uint64_t (*host_contiguous)(struct umem_mm *mm, uint64_t uaddr,
				    uint64_t max);
	/* Identities of `npages` consecutive pages from page-aligned uaddr. */
	int (*page_identities)(struct umem_mm *mm, uint64_t uaddr,
			       uint64_t npages, struct umem_page_id *ids);
	bool (*alive)(const struct umem_mm *mm);
	/* RLIMIT_MEMLOCK (soft) of the process in pages; UINT64_MAX = none. */
	uint64_t (*memlock_limit_pages)(struct umem_mm *mm);
	/* Free implementation-private state (the generic part is freed by
	 * the caller afterwards). */
	void (*release)(struct umem_mm *mm);
};

struct umem_mm {
	const struct umem_mm_ops *ops;
	atomic_uint_fast64_t refs;
	pid_t pid;
	uid_t uid;
	/* Unique among the mm objects any one process can see; never 0. */
	uint64_t serial;

	pthread_mutex_t lock;
	struct pin_table pins;   /* guarded by lock */
	uint64_t locked_pages;   /* MM-mode charge, guarded by lock */
};

/* Generic part of creating / destroying an mm (mm.c). */
int umem_mm_init(struct umem_mm *mm, const struct umem_mm_ops *ops,
		 pid_t pid, uid_t uid);
uint64_t umem_next_serial(void);
/* getpid(), cached and reset in fork children (copy.c). */
pid_t umem_self_pid_get(void);

#endif

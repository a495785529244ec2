/* SPDX-License-Identifier: MIT */
/*
 * The user-memory interface: the only door through which uiommufd touches
 * memory that a user (an ioctl caller, or the process that created a mapping)
 * named by address.  Nothing else in the tree dereferences a user pointer.
 *
 * Three services:
 *
 *  1. Copying ioctl arguments: umem_copy_from_user() / umem_copy_to_user()
 *     act on the calling process and return -EFAULT for any address that is
 *     not readable / writable, instead of crashing.
 *
 *  2. Pinning: a pin names a run of whole pages of one source address space
 *     (struct umem_mm).  Pinning validates the run (every page mapped; also
 *     writable when the pin is for write), faults it in, and adds one to the
 *     per-page pin count that MD_CHECK_REFS reads.  A pinned page has a host
 *     address through which the library reads and writes it (DMA).  Pins are
 *     all-or-nothing: a failing umem_pin() leaves no count raised.
 *
 *  3. Page identity: which physical page backs an address.  Two mappings of
 *     the same shared memory (MAP_SHARED, memfd, shmem after fork) yield the
 *     same identity; private anonymous memory is identified by its source
 *     address space and address.
 *
 * Plus RLIMIT_MEMLOCK accounting, which the pinning code charges through
 * umem_account_*(), and the capability checks the spec ties to it.
 *
 * Address spaces: struct umem_mm is reference counted and carries an ops
 * table, so a second implementation (another process's memory, reached over
 * a socket or process_vm_readv) can stand beside the in-process one without
 * changing any caller.
 */
#ifndef UIOMMUFD_UMEM_UMEM_H
#define UIOMMUFD_UMEM_UMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct umem_mm;

/* The calling process's address space (new reference). NULL on ENOMEM. */
struct umem_mm *umem_mm_current(void);
void umem_mm_get(struct umem_mm *mm);
void umem_mm_put(struct umem_mm *mm);
/* False once the process behind `mm` has gone (pins then fail -EFAULT). */
bool umem_mm_alive(const struct umem_mm *mm);
pid_t umem_mm_pid(const struct umem_mm *mm);
uid_t umem_mm_uid(const struct umem_mm *mm);

/* --- 1. argument copying, in the calling process --- */
int umem_copy_from_user(void *dst, uint64_t uaddr, size_t len);
/* Bytes of the readable prefix copied (> 0), or -EFAULT. */
ssize_t umem_copy_from_user_prefix(void *dst, uint64_t uaddr, size_t len);
int umem_copy_to_user(uint64_t uaddr, const void *src, size_t len);
/* Several copy-outs (at most UMEM_OUT_MAX) in one call, in order. */
struct umem_out {
	uint64_t uaddr;
	const void *src;
	size_t len;
};
#define UMEM_OUT_MAX 4
int umem_copy_to_user_vec(const struct umem_out *outs, unsigned int n);
/* 0 if [uaddr, uaddr+len) is all zero bytes, -E2BIG if not, -EFAULT. */
int umem_check_zeroed_user(uint64_t uaddr, size_t len);

/* --- 2. pinning --- */
/*
 * Pin `npages` pages starting at the page-aligned `uaddr` of `mm`.
 * -EFAULT: a page is not mapped, is PROT_NONE, or (write) is not writable,
 * or the process is gone.  -ENOMEM: out of memory.  All or nothing.
 */
int umem_pin(struct umem_mm *mm, uint64_t uaddr, uint64_t npages, bool write);
void umem_unpin(struct umem_mm *mm, uint64_t uaddr, uint64_t npages);
/* Long-term pins currently held on the page at `uaddr` of `mm`. */
uint32_t umem_pin_count(struct umem_mm *mm, uint64_t uaddr);
/* Total pins held on pages of `mm`: the sum of every page's pin count
 * (0 exactly when nothing is pinned; for teardown checks). */
uint64_t umem_pinned_total(struct umem_mm *mm);
/*
 * Host address of byte `uaddr` of a pinned page: the address through which
 * this process may read and write it.  Valid while the pin is held.
 */
void *umem_host_addr(struct umem_mm *mm, uint64_t uaddr);
/* How many bytes from `uaddr` (at most `max`) are contiguous in host
 * address space, so that one domain mapping can cover them. */
uint64_t umem_host_contiguous(struct umem_mm *mm, uint64_t uaddr, uint64_t max);

/* --- 3. page identity --- */
struct umem_page_id {
	uint64_t kind; /* UMEM_PAGE_* */
	uint64_t a, b; /* private anon: (mm serial, page address); shared: (dev, inode) + c */
	uint64_t c;    /* shared: page offset in the backing object */
};
enum { UMEM_PAGE_PRIVATE = 1, UMEM_PAGE_SHARED = 2 };
/* -EFAULT if nothing is mapped at `uaddr`. */
int umem_page_identity(struct umem_mm *mm, uint64_t uaddr,
		       struct umem_page_id *id);
/* The same for `npages` pages from the page-aligned `uaddr`, reading the
 * map of the address space once; -EFAULT if any page is unmapped. */
int umem_page_identities(struct umem_mm *mm, uint64_t uaddr, uint64_t npages,
			 struct umem_page_id *ids);
bool umem_page_id_equal(const struct umem_page_id *x,
			const struct umem_page_id *y);

/* --- accounting --- */
enum umem_account_mode {
	UMEM_ACCOUNT_NONE = 0, /* CAP_IPC_LOCK at map time: nothing charged */
	UMEM_ACCOUNT_USER = 1, /* per-user locked memory (default) */
	UMEM_ACCOUNT_MM = 2,   /* the source process's locked_vm */
};
/* The mode a new pages object gets: NONE if the caller has CAP_IPC_LOCK,
 * else USER (rlimit_mode 0) or MM (rlimit_mode 1). */
enum umem_account_mode umem_account_mode_for(int rlimit_mode);
/* Charge (delta > 0) or refund (delta < 0) pinned pages; -ENOMEM when the
 * charge would pass RLIMIT_MEMLOCK of `mm`'s process.  Refunds never fail. */
int umem_account(struct umem_mm *mm, enum umem_account_mode mode, int64_t delta);
/* Pages currently charged: per user (USER) or per process (MM). */
uint64_t umem_accounted(struct umem_mm *mm, enum umem_account_mode mode);
/* Whether the calling thread has the capability (CAP_* from linux/capability.h). */
bool umem_capable(int cap);

#endif

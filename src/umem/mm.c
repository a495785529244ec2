// SPDX-License-Identifier: MIT
/*
 * The generic half of struct umem_mm: reference counting, pinning on top of
 * the per-mm pin-count table, page identity comparison.  Everything that
 * depends on how the memory is reached goes through mm->ops (umem_mm.h).
 *
 * Pin protocol (umem_pin):
 *   1. checks that need no lock: alignment, byte-range overflow, liveness;
 *   2. ops->fault_in validates and faults the run in, without mm->lock
 *      (it may sleep in the kernel for a long time on a large run);
 *   3. under mm->lock, the pin table raises one count per page, all or
 *      nothing.
 * Between 2 and 3 the caller may unmap the memory; the in-process
 * implementation then holds a count on a page that is gone, which is what
 * the kernel's long-term pin would also observe as "the pin outlives the
 * mapping".  Pins are emulated bookkeeping; they keep nothing resident.
 *
 * Glossary: `uaddr` is page aligned; `npages` pages run from uaddr, i.e.
 * the byte range [uaddr, uaddr + npages * PAGE_SIZE), whose end may not
 * wrap (checked once here; the table then works on page numbers).
 *
 * Serials: each mm gets a number from a process-global counter at creation.
 * A forked child inherits the counter, so serials are unique among the
 * objects any single process can hold, which is all page identity needs.
 */
#include <errno.h>
#include <stdlib.h>

#include "umem/umem_mm.h"
#include "util/debug.h"
#include "util/fault_inject.h"
#include "util/page.h"

static atomic_uint_fast64_t umem_serial_counter = 1;

uint64_t umem_next_serial(void)
{
	return atomic_fetch_add(&umem_serial_counter, 1);
}

int umem_mm_init(struct umem_mm *mm, const struct umem_mm_ops *ops, pid_t pid,
		 uid_t uid)
{
	mm->ops = ops;
	atomic_init(&mm->refs, 1);
	mm->pid = pid;
	mm->uid = uid;
	mm->serial = umem_next_serial();
	mm->locked_pages = 0;
	pin_table_init(&mm->pins);
	if (pthread_mutex_init(&mm->lock, NULL))
		return -ENOMEM;
	return 0;
}

void umem_mm_get(struct umem_mm *mm)
{
	uint_fast64_t old = atomic_fetch_add(&mm->refs, 1);

	UIO_ASSERT(old > 0);
	(void)old;
}

void umem_mm_put(struct umem_mm *mm)
{
	uint_fast64_t old;

	if (!mm)
		return;
	old = atomic_fetch_sub(&mm->refs, 1);
	UIO_ASSERT(old > 0);
	if (old != 1)
		return;
	/* Whoever drops the last reference must have dropped every pin and
	 * every MM-mode charge first. */
	UIO_ASSERT(mm->pins.total == 0);
	UIO_ASSERT(mm->locked_pages == 0);
	mm->ops->release(mm);
	pin_table_destroy(&mm->pins);
	pthread_mutex_destroy(&mm->lock);
	free(mm);
}

bool umem_mm_alive(const struct umem_mm *mm)
{
	return mm->ops->alive(mm);
}

pid_t umem_mm_pid(const struct umem_mm *mm)
{
	return mm->pid;
}

uid_t umem_mm_uid(const struct umem_mm *mm)
{
	return mm->uid;
}

/* The byte range of a run, or -EFAULT when it wraps or is misaligned. */
static int umem_run_check(uint64_t uaddr, uint64_t npages)
{
	uint64_t bytes, last;

	if (page_offset_of(uaddr))
		return -EINVAL;
	if (npages > (UINT64_MAX >> PAGE_SHIFT))
		return -EFAULT;
	bytes = npages << PAGE_SHIFT;
	if (__builtin_add_overflow(uaddr, bytes - 1, &last))
		return -EFAULT;
	return 0;
}

int umem_pin(struct umem_mm *mm, uint64_t uaddr, uint64_t npages, bool write)
{
	int ret;

	if (!npages)
		return 0;
	ret = umem_run_check(uaddr, npages);
	UIO_ASSERT(ret != -EINVAL); /* callers pass page-aligned addresses */
	if (ret)
		return ret;
	if (!mm->ops->alive(mm))
		return -EFAULT;
	if (should_fail("umem.pin"))
		return -EFAULT;
	ret = mm->ops->fault_in(mm, uaddr, npages, write);
	if (ret)
		return ret;

	pthread_mutex_lock(&mm->lock);
	ret = pin_table_add(&mm->pins, uaddr >> PAGE_SHIFT, npages);
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

void umem_unpin(struct umem_mm *mm, uint64_t uaddr, uint64_t npages)
{
	if (!npages)
		return;
	UIO_ASSERT(umem_run_check(uaddr, npages) == 0);
	pthread_mutex_lock(&mm->lock);
	pin_table_sub(&mm->pins, uaddr >> PAGE_SHIFT, npages);
	pthread_mutex_unlock(&mm->lock);
}

uint32_t umem_pin_count(struct umem_mm *mm, uint64_t uaddr)
{
	uint32_t c;

	pthread_mutex_lock(&mm->lock);
	c = pin_table_count(&mm->pins, uaddr >> PAGE_SHIFT);
	pthread_mutex_unlock(&mm->lock);
	return c;
}

uint64_t umem_pinned_total(struct umem_mm *mm)
{
	uint64_t t;

	pthread_mutex_lock(&mm->lock);
	t = mm->pins.total;
	pthread_mutex_unlock(&mm->lock);
	return t;
}

void *umem_host_addr(struct umem_mm *mm, uint64_t uaddr)
{
	return mm->ops->host_addr(mm, uaddr);
}

uint64_t umem_host_contiguous(struct umem_mm *mm, uint64_t uaddr, uint64_t max)
{
	char *first;
	uint64_t run;

	if (mm->ops->host_contiguous)
		return mm->ops->host_contiguous(mm, uaddr, max);
	first = mm->ops->host_addr(mm, uaddr);
	run = PAGE_SIZE - page_offset_of(uaddr);
	while (run < max && (char *)mm->ops->host_addr(mm, uaddr + run) == first + run)
		run += PAGE_SIZE;
	return run < max ? run : max;
}

int umem_page_identity(struct umem_mm *mm, uint64_t uaddr,
		       struct umem_page_id *id)
{
	return mm->ops->page_identities(mm, page_align_down(uaddr), 1, id);
}

int umem_page_identities(struct umem_mm *mm, uint64_t uaddr, uint64_t npages,
			 struct umem_page_id *ids)
{
	int ret;

	if (!npages)
		return 0;
	ret = umem_run_check(uaddr, npages);
	if (ret)
		return ret;
	return mm->ops->page_identities(mm, uaddr, npages, ids);
}

bool umem_page_id_equal(const struct umem_page_id *x,
			const struct umem_page_id *y)
{
	return x->kind == y->kind && x->a == y->a && x->b == y->b &&
	       x->c == y->c;
}

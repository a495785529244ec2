/* SPDX-License-Identifier: MIT */
/*
 * Pages objects: one contiguous run of user memory (created by one MAP) cut
 * into PAGE-sized indexes 0 .. npages-1, shared by every area that COPY made
 * from it.
 *
 * An index is pinned exactly once while at least one holder covers it, and
 * unpinned when the last one lets go.  Holders are intervals of indexes in
 * two trees: domains_itree (one node per area stored in an IOAS that has
 * domains) and access_itree (one node per access pin).  So pinning a new
 * holder pins only the holes of the union of both trees inside its range,
 * and releasing one unpins only what became a hole.  However many domains,
 * IOASes and accesses use a page, its pin count from this object is 1, and
 * it is charged to RLIMIT_MEMLOCK once (npinned).
 *
 * Glossary: `first`/`last` are page indexes, inclusive; `byte` is an offset
 * from `uptr`.  `last + 1` is computed only when last < npages - 1... never
 * wraps because npages < 2^52.
 *
 * Locking: pages->mutex guards both trees and npinned.  It nests inside the
 * io_pagetable locks and takes no other lock except what umem takes inside.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "core/io_pagetable.h"
#include "util/debug.h"
#include "util/fault_inject.h"
#include "util/overflow.h"
#include "util/page.h"

int iopt_alloc_user_pages(struct umem_mm *mm, uint64_t uaddr, uint64_t length,
			  bool writable, enum umem_account_mode mode,
			  struct iopt_pages **pagesp)
{
	struct iopt_pages *pages;
	uint64_t start = page_align_down(uaddr);
	uint64_t end;

	/* upstream order: the user range wrapping first, then the length */
	if (check_add_overflow(uaddr, length, &end))
		return -EOVERFLOW;
	if (length == 0 || length > UINT64_MAX - PAGE_SIZE)
		return -EINVAL;
	if (round_up_overflows(end, PAGE_SIZE, &end))
		return -EOVERFLOW;

	pages = fi_calloc("pages.alloc", 1, sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	atomic_init(&pages->refs, 1);
	pthread_mutex_init(&pages->mutex, NULL);
	umem_mm_get(mm);
	pages->source_mm = mm;
	pages->uptr = start;
	pages->npages = (end - start) >> PAGE_SHIFT;
	pages->writable = writable;
	pages->account_mode = mode;
	*pagesp = pages;
	return 0;
}

void iopt_pages_get(struct iopt_pages *pages)
{
	atomic_fetch_add(&pages->refs, 1);
}

void iopt_pages_put(struct iopt_pages *pages)
{
	if (atomic_fetch_sub(&pages->refs, 1) != 1)
		return;
	UIO_ASSERT(interval_tree_empty(&pages->domains_itree));
	UIO_ASSERT(interval_tree_empty(&pages->access_itree));
	UIO_ASSERT(pages->npinned == 0);
	umem_mm_put(pages->source_mm);
	pthread_mutex_destroy(&pages->mutex);
	free(pages);
}

static void unpin_run(struct iopt_pages *pages, uint64_t first, uint64_t last)
{
	uint64_t n = last - first + 1;

	umem_unpin(pages->source_mm, pages->uptr + (first << PAGE_SHIFT), n);
	pages->npinned -= n;
	umem_account(pages->source_mm, pages->account_mode, -(int64_t)n);
}

/* Unpin the holes of [first, last] left by the union of both trees. */
static void unpin_holes_locked(struct iopt_pages *pages, uint64_t first,
			       uint64_t last)
{
	struct interval_tree_double_span_iter span;

	for (interval_tree_double_span_iter_first(&span, &pages->domains_itree,
						  &pages->access_itree, first, last);
	     !interval_tree_double_span_iter_done(&span);
	     interval_tree_double_span_iter_next(&span))
		if (span.is_used == 0)
			unpin_run(pages, span.start_hole, span.last_hole);
}

/*
 * Pin batch size.  The kernel sizes its pin batches from a memory budget
 * that the test op SET_TEMP_MEMORY_LIMIT can shrink to a few bytes; the same
 * budget here buys 8 bytes per page of a batch (at least one page), so a tiny
 * limit really makes pinning go page by page.
 */
static atomic_uint iopt_temp_memory_limit = 65536;

void iopt_set_temp_memory_limit(unsigned int limit)
{
	atomic_store(&iopt_temp_memory_limit, limit);
}

unsigned int iopt_get_temp_memory_limit(void)
{
	return atomic_load(&iopt_temp_memory_limit);
}

static uint64_t iopt_pin_batch_pages(void)
{
	uint64_t n = atomic_load(&iopt_temp_memory_limit) / 8;

	return n ? n : 1;
}

/* Pin the holes of [first, last]; all or nothing.  pages->mutex held. */
static int pin_holes_locked(struct iopt_pages *pages, uint64_t first,
			    uint64_t last)
{
	struct interval_tree_double_span_iter span;
	uint64_t done_last = 0;
	bool any_done = false;
	int rc = 0;

	for (interval_tree_double_span_iter_first(&span, &pages->domains_itree,
						  &pages->access_itree, first, last);
	     !interval_tree_double_span_iter_done(&span);
	     interval_tree_double_span_iter_next(&span)) {
		uint64_t n;

		if (span.is_used != 0)
			continue;
		/* in batches, as the kernel's reader does; the test op
		 * SET_TEMP_MEMORY_LIMIT shrinks them */
		for (uint64_t idx = span.start_hole; idx <= span.last_hole; idx += n) {
			n = MIN_T(uint64_t, span.last_hole - idx + 1, iopt_pin_batch_pages());
			rc = umem_account(pages->source_mm, pages->account_mode, (int64_t)n);
			if (rc)
				goto err_undo;
			rc = umem_pin(pages->source_mm, pages->uptr + (idx << PAGE_SHIFT),
				      n, pages->writable);
			if (rc) {
				umem_account(pages->source_mm, pages->account_mode,
					     -(int64_t)n);
				goto err_undo;
			}
			pages->npinned += n;
			done_last = idx + n - 1;
			any_done = true;
		}
	}
	return 0;

err_undo:
	/* Everything pinned so far lies in holes of [first, done_last]. */
	if (any_done)
		unpin_holes_locked(pages, first, done_last);
	return rc;
}

int iopt_pages_hold(struct iopt_pages *pages, struct interval_tree_root *tree,
		    struct interval_tree_node *node, uint64_t first, uint64_t last)
{
	int rc;

	UIO_ASSERT(first <= last && last < pages->npages);
	pthread_mutex_lock(&pages->mutex);
	rc = pin_holes_locked(pages, first, last);
	if (!rc) {
		node->start = first;
		node->last = last;
		interval_tree_insert(node, tree);
	}
	pthread_mutex_unlock(&pages->mutex);
	return rc;
}

/*
 * Access pins.  access_itree holds one struct iopt_pages_access per distinct
 * [first, last]; `users` counts how many pins named exactly that interval,
 * so two accesses (or one access twice) pinning the same slice share a node
 * and the pages under it are pinned once.  Callers hold the IOAS's
 * iova_rwsem (read) so the area cannot go away; area->num_accesses is
 * changed under pages->mutex, and UNMAP reads it with iova_rwsem held for
 * write, which excludes every pinner.
 */
struct iopt_pages_access {
	struct interval_tree_node node;
	unsigned int users;
};

static struct iopt_pages_access *find_exact_locked(struct iopt_pages *pages,
						   uint64_t first, uint64_t last)
{
	struct interval_tree_node *node;

	for (node = interval_tree_iter_first(&pages->access_itree, first, last);
	     node; node = interval_tree_iter_next(node, first, last))
		if (node->start == first && node->last == last)
			return container_of(node, struct iopt_pages_access, node);
	return NULL;
}

int iopt_area_add_access(struct iopt_area *area, uint64_t first, uint64_t last)
{
	struct iopt_pages *pages = area->pages;
	struct iopt_pages_access *acc;
	int rc = 0;

	UIO_ASSERT(first <= last && last < pages->npages);
	pthread_mutex_lock(&pages->mutex);
	acc = find_exact_locked(pages, first, last);
	if (acc) {
		acc->users++;
		goto out_count;
	}
	acc = fi_calloc("pages.access", 1, sizeof(*acc));
	if (!acc) {
		rc = -ENOMEM;
		goto out_unlock;
	}
	rc = pin_holes_locked(pages, first, last);
	if (rc) {
		free(acc);
		goto out_unlock;
	}
	acc->users = 1;
	acc->node.start = first;
	acc->node.last = last;
	interval_tree_insert(&acc->node, &pages->access_itree);
out_count:
	area->num_accesses++;
out_unlock:
	pthread_mutex_unlock(&pages->mutex);
	return rc;
}

int iopt_area_remove_access(struct iopt_area *area, uint64_t first, uint64_t last)
{
	struct iopt_pages *pages = area->pages;
	struct iopt_pages_access *acc;
	int rc = 0;

	pthread_mutex_lock(&pages->mutex);
	acc = find_exact_locked(pages, first, last);
	if (acc && acc->users == 1 && atomic_load(&pages->access_readers)) {
		/*
		 * The last user goes: its pages may be unpinned.  A copy that
		 * saw them covered may still be running without the mutex;
		 * keep new ones out and let those finish (one memcpy each)
		 * while the interval is still in the tree, so nothing pinned
		 * meanwhile can take a page for a hole.  Then look again: the
		 * tree may have changed while the mutex was dropped.
		 */
		pages->access_draining++;
		while (atomic_load(&pages->access_readers)) {
			pthread_mutex_unlock(&pages->mutex);
			sched_yield();
			pthread_mutex_lock(&pages->mutex);
		}
		pages->access_draining--;
		acc = find_exact_locked(pages, first, last);
	}
	if (!acc || !area->num_accesses) {
		rc = -ENOENT;
		goto out_unlock;
	}
	area->num_accesses--;
	if (--acc->users)
		goto out_unlock;
	interval_tree_remove(&acc->node, &pages->access_itree);
	unpin_holes_locked(pages, first, last);
	free(acc);
out_unlock:
	pthread_mutex_unlock(&pages->mutex);
	return rc;
}

bool iopt_pages_access_read_begin(struct iopt_pages *pages, uint64_t first,
				  uint64_t last)
{
	struct interval_tree_span_iter span;
	bool covered = true;

	pthread_mutex_lock(&pages->mutex);
	if (pages->access_draining)
		covered = false; /* an unpin is waiting: take the pinning path */
	for (interval_tree_span_iter_first(&span, &pages->access_itree, first, last);
	     covered && !interval_tree_span_iter_done(&span);
	     interval_tree_span_iter_next(&span)) {
		if (span.is_hole) {
			covered = false;
			break;
		}
	}
	if (covered)
		atomic_fetch_add(&pages->access_readers, 1);
	pthread_mutex_unlock(&pages->mutex);
	return covered;
}

void iopt_pages_access_read_end(struct iopt_pages *pages)
{
	atomic_fetch_sub(&pages->access_readers, 1);
}

void iopt_pages_release(struct iopt_pages *pages, struct interval_tree_root *tree,
			struct interval_tree_node *node)
{
	pthread_mutex_lock(&pages->mutex);
	interval_tree_remove(node, tree);
	unpin_holes_locked(pages, node->start, node->last);
	pthread_mutex_unlock(&pages->mutex);
}

void *iopt_pages_host(struct iopt_pages *pages, uint64_t byte)
{
	return umem_host_addr(pages->source_mm, pages->uptr + byte);
}

uint64_t iopt_pages_host_run(struct iopt_pages *pages, uint64_t byte, uint64_t max)
{
	return umem_host_contiguous(pages->source_mm, pages->uptr + byte, max);
}

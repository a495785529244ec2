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

	if (length == 0 || length > UINT64_MAX - PAGE_SIZE)
		return -EINVAL;
	if (check_add_overflow(uaddr, length, &end) ||
	    round_up_overflows(end, PAGE_SIZE, &end))
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

int iopt_pages_hold(struct iopt_pages *pages, struct interval_tree_root *tree,
		    struct interval_tree_node *node, uint64_t first, uint64_t last)
{
	struct interval_tree_double_span_iter span;
	uint64_t done_last = 0;
	bool any_done = false;
	int rc = 0;

	UIO_ASSERT(first <= last && last < pages->npages);
	pthread_mutex_lock(&pages->mutex);
	for (interval_tree_double_span_iter_first(&span, &pages->domains_itree,
						  &pages->access_itree, first, last);
	     !interval_tree_double_span_iter_done(&span);
	     interval_tree_double_span_iter_next(&span)) {
		uint64_t n;

		if (span.is_used != 0)
			continue;
		n = span.last_hole - span.start_hole + 1;
		rc = umem_account(pages->source_mm, pages->account_mode, (int64_t)n);
		if (rc)
			goto err_undo;
		rc = umem_pin(pages->source_mm,
			      pages->uptr + (span.start_hole << PAGE_SHIFT), n,
			      pages->writable);
		if (rc) {
			umem_account(pages->source_mm, pages->account_mode, -(int64_t)n);
			goto err_undo;
		}
		pages->npinned += n;
		done_last = span.last_hole;
		any_done = true;
	}
	node->start = first;
	node->last = last;
	interval_tree_insert(node, tree);
	pthread_mutex_unlock(&pages->mutex);
	return 0;

err_undo:
	/* Everything pinned so far lies in holes of [first, done_last]. */
	if (any_done)
		unpin_holes_locked(pages, first, done_last);
	pthread_mutex_unlock(&pages->mutex);
	return rc;
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
	char *first = iopt_pages_host(pages, byte);
	uint64_t run = PAGE_SIZE - page_offset_of(byte);

	while (run < max) {
		if ((char *)iopt_pages_host(pages, byte + run) != first + run)
			break;
		run += PAGE_SIZE;
	}
	return run < max ? run : max;
}

/* SPDX-License-Identifier: MIT */
/*
 * Cutting areas (iopt_cut_iova / iopt_area_split), for the VFIO type1 (v1)
 * compat mode, where any page-aligned sub-range of a mapping may be unmapped.
 *
 * A cut at `iova` makes `iova` the last byte of the left piece.  The two
 * pieces share the area's pages object (one more reference); a stored area's
 * page-index interval is replaced by the two pieces' intervals, whose union
 * is the same, so nothing is pinned or unpinned.  The domains need no change
 * because type1 mode maps everything in the smallest page size (large pages
 * disabled), so each piece can later be unmapped on its own.
 *
 * Refused (and nothing changes): a piece that would not start aligned to the
 * IOAS alignment in IOVA or in page offset (-EINVAL), an area with access
 * pins (-EINVAL: their intervals cannot be split), a stored area while large
 * pages are enabled (-EINVAL), an area in transition (-EBUSY).  Cuts already
 * made by a multi-cut call stay made when a later one fails, as in the kernel.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/io_pagetable.h"
#include "util/fault_inject.h"
#include "util/overflow.h"
#include "util/page.h"

static int iopt_area_split(struct io_pagetable *iopt, struct iopt_area *area,
			   uint64_t iova)
{
	uint64_t start = iopt_area_iova(area), last = iopt_area_last_iova(area);
	uint64_t new_start = iova + 1, align = iopt->iova_alignment;
	struct iopt_pages *pages = area->pages;
	struct iopt_area *lhs, *rhs;

	if (iova == start || iova == last)
		return 0;
	if (!area->live || area->prevent_access)
		return -EBUSY;
	if ((new_start & (align - 1)) ||
	    (page_offset_of(area->pages_byte + (new_start - start)) & (align - 1)))
		return -EINVAL;
	lhs = fi_calloc("iopt.split.lhs", 1, sizeof(*lhs));
	rhs = fi_calloc("iopt.split.rhs", 1, sizeof(*rhs));
	if (!lhs || !rhs) {
		free(lhs);
		free(rhs);
		return -ENOMEM;
	}
	pthread_mutex_lock(&pages->mutex);
	if (area->num_accesses || (area->stored && !iopt->disable_large_pages)) {
		pthread_mutex_unlock(&pages->mutex);
		free(lhs);
		free(rhs);
		return -EINVAL;
	}
	*lhs = *area;
	*rhs = *area;
	lhs->node.start = start;
	lhs->node.last = iova;
	rhs->node.start = new_start;
	rhs->node.last = last;
	rhs->pages_byte = area->pages_byte + (new_start - start);
	interval_tree_remove(&area->node, &iopt->area_itree);
	interval_tree_insert(&lhs->node, &iopt->area_itree);
	interval_tree_insert(&rhs->node, &iopt->area_itree);
	if (area->stored) {
		interval_tree_remove(&area->pages_node, &pages->domains_itree);
		lhs->pages_node.start = lhs->pages_byte >> PAGE_SHIFT;
		lhs->pages_node.last = (lhs->pages_byte + (iova - start)) >> PAGE_SHIFT;
		rhs->pages_node.start = rhs->pages_byte >> PAGE_SHIFT;
		rhs->pages_node.last = (rhs->pages_byte + (last - new_start)) >> PAGE_SHIFT;
		interval_tree_insert(&lhs->pages_node, &pages->domains_itree);
		interval_tree_insert(&rhs->pages_node, &pages->domains_itree);
	}
	pthread_mutex_unlock(&pages->mutex);
	iopt_pages_get(pages); /* one reference for each piece */
	free(area);
	return 0;
}

int iopt_cut_iova(struct io_pagetable *iopt, const uint64_t *iovas, unsigned int n)
{
	int rc = 0;

	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	for (unsigned int i = 0; i < n && !rc; i++) {
		struct interval_tree_node *node =
			interval_tree_iter_first(&iopt->area_itree, iovas[i], iovas[i]);

		if (node)
			rc = iopt_area_split(iopt,
					     container_of(node, struct iopt_area, node),
					     iovas[i]);
	}
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	return rc;
}

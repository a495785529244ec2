/* SPDX-License-Identifier: MIT */
/*
 * The io_pagetable operations: IOVA allocation, MAP/COPY/UNMAP of areas,
 * reserved and allowed ranges, alignment, and mirroring areas into domains.
 * Data structure, invariants and lock order: io_pagetable.h.
 *
 * The shape of MAP and COPY (iopt_map_pages):
 *   1. under both locks, choose or check the IOVA and insert the new areas
 *      in transition (not live): the range is now occupied;
 *   2. drop the IOVA lock (keep domains_rwsem for read, so the domain list
 *      cannot change) and store the areas: hold their pages and write them
 *      into every domain; this is where memory is pinned;
 *   3. retake the IOVA lock and either mark the areas live or, on failure,
 *      remove them: no trace of a failed MAP remains.
 * UNMAP removes one area at a time (the walk is not atomic across areas,
 * as in the kernel: earlier areas stay removed when a later one fails).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/io_pagetable.h"
#include "util/debug.h"
#include "util/fault_inject.h"
#include "util/overflow.h"
#include "util/page.h"

#define IOPT_UNMAP_ACCESS_RETRIES 100

struct iopt_reserved {
	struct interval_tree_node node;
	const void *owner;
};

struct iopt_allowed {
	struct interval_tree_node node;
};

static inline struct iopt_area *area_of(struct interval_tree_node *node)
{
	return node ? container_of(node, struct iopt_area, node) : NULL;
}

static struct iopt_area *iopt_area_iter_first(struct io_pagetable *iopt,
					      uint64_t start, uint64_t last)
{
	return area_of(interval_tree_iter_first(&iopt->area_itree, start, last));
}

static struct iopt_area *iopt_area_iter_next(struct iopt_area *area,
					     uint64_t start, uint64_t last)
{
	return area_of(interval_tree_iter_next(&area->node, start, last));
}

void iopt_init_table(struct io_pagetable *iopt)
{
	memset(iopt, 0, sizeof(*iopt));
	pthread_rwlock_init(&iopt->domains_rwsem, NULL);
	pthread_rwlock_init(&iopt->iova_rwsem, NULL);
	pthread_mutex_init(&iopt->notify_lock, NULL);
	iopt->iova_alignment = 1;
}

static void free_tree(struct interval_tree_root *root, size_t node_offset)
{
	struct interval_tree_node *node;

	while ((node = interval_tree_first(root))) {
		interval_tree_remove(node, root);
		free((char *)node - node_offset);
	}
}

void iopt_destroy_table(struct io_pagetable *iopt)
{
	/* The IOAS's destroy unmapped everything and no domain can remain:
	 * every HWPT holds a reference on its IOAS. */
	UIO_ASSERT(interval_tree_empty(&iopt->area_itree));
	UIO_ASSERT(iopt->ndomains == 0 && iopt->naccesses == 0);
	free_tree(&iopt->reserved_itree, offsetof(struct iopt_reserved, node));
	free_tree(&iopt->allowed_itree, offsetof(struct iopt_allowed, node));
	free(iopt->domains);
	free(iopt->accesses);
	pthread_mutex_destroy(&iopt->notify_lock);
	pthread_rwlock_destroy(&iopt->iova_rwsem);
	pthread_rwlock_destroy(&iopt->domains_rwsem);
}

/* ------------------------------------------------------------------ */
/* Alignment                                                            */

static uint64_t iopt_wanted_alignment(struct io_pagetable *iopt)
{
	uint64_t align = 1;

	if (iopt->disable_large_pages)
		align = PAGE_SIZE;
	for (unsigned int i = 0; i < iopt->ndomains; i++)
		align = MAX_T(uint64_t, align,
			      lowest_set_bit_u64(iopt->domains[i]->pgsize_bitmap));
	if (iopt->naccess_pinners)
		align = MAX_T(uint64_t, align, PAGE_SIZE);
	return align;
}

/* -EADDRINUSE if an area does not fit `align` (iova, length, page offset). */
static int iopt_check_iova_alignment(struct io_pagetable *iopt, uint64_t align)
{
	struct interval_tree_node *node;

	if (align <= iopt->iova_alignment)
		return 0;
	for (node = interval_tree_first(&iopt->area_itree); node;
	     node = interval_tree_next(node)) {
		struct iopt_area *area = area_of(node);

		if ((iopt_area_iova(area) & (align - 1)) ||
		    (iopt_area_length(area) & (align - 1)) ||
		    (page_offset_of(area->pages_byte) & (align - 1)))
			return -EADDRINUSE;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* IOVA allocation (semantics.md §4)                                    */

/*
 * Does a run of `length` bytes, aligned to `align` plus the in-page offset
 * `page_offset`, fit in [*start, last]?  On success *start is moved to it.
 * An alignment that overflows does not fit; so does a run whose first byte
 * would be `last` itself (the kernel's test is `t >= last`).
 */
static bool iova_fits(uint64_t *start, uint64_t last, uint64_t length,
		      uint64_t align, uint64_t page_offset)
{
	uint64_t t;

	if (round_up_overflows(*start, align, &t))
		return false;
	t |= page_offset;
	if (t >= last || last - t < length - 1)
		return false;
	*start = t;
	return true;
}

static uint64_t iova_alloc_cap(void)
{
	/* PMD size: the largest alignment worth asking for */
	return PAGE_SIZE * (PAGE_SIZE / 8);
}

static int iopt_alloc_iova(struct io_pagetable *iopt, uint64_t *iova,
			   uint64_t addr, uint64_t length)
{
	uint64_t page_offset = page_offset_of(addr);
	uint64_t align, win_first = PAGE_SIZE, win_last = UINT64_MAX - PAGE_SIZE;
	struct interval_tree_span_iter allowed;
	bool no_allowed = interval_tree_empty(&iopt->allowed_itree);

	/* keeps roundup_pow_of_two() in range: upstream's ULONG_MAX / 2 */
	if (length == 0 || length >= UINT64_MAX / 2)
		return -EOVERFLOW;
	align = roundup_pow_of_two_u64(length);
	if (addr)
		align = MIN_T(uint64_t, align, lowest_set_bit_u64(addr));
	if (align >= iova_alloc_cap())
		align = iova_alloc_cap();
	if (align < iopt->iova_alignment)
		return -EINVAL;

	for (interval_tree_span_iter_first(&allowed, &iopt->allowed_itree,
					   win_first, win_last);
	     !interval_tree_span_iter_done(&allowed);
	     interval_tree_span_iter_next(&allowed)) {
		struct interval_tree_double_span_iter used;
		uint64_t start, last;

		if (no_allowed) {
			start = win_first;
			last = win_last;
		} else if (allowed.is_hole) {
			continue;
		} else {
			start = allowed.start_used;
			last = allowed.last_used;
		}
		if (!iova_fits(&start, last, length, align, page_offset))
			goto next_region;

		for (interval_tree_double_span_iter_first(&used, &iopt->reserved_itree,
							  &iopt->area_itree,
							  start, last);
		     !interval_tree_double_span_iter_done(&used);
		     interval_tree_double_span_iter_next(&used)) {
			uint64_t hole = used.start_hole;

			if (used.is_used)
				continue;
			if (!iova_fits(&hole, used.last_hole, length, align,
				       page_offset))
				continue;
			*iova = hole;
			return 0;
		}
next_region:
		if (no_allowed)
			break;
	}
	return -ENOSPC;
}

static int iopt_check_iova(struct io_pagetable *iopt, uint64_t iova,
			   uint64_t length)
{
	uint64_t last;

	if (iova & (iopt->iova_alignment - 1))
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	if (interval_tree_iter_first(&iopt->reserved_itree, iova, last))
		return -EINVAL;
	if (interval_tree_iter_first(&iopt->area_itree, iova, last))
		return -EEXIST;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Storing areas: pages held + written into every domain                */

static void area_first_last_index(struct iopt_area *area, uint64_t *first,
				  uint64_t *last)
{
	*first = area->pages_byte >> PAGE_SHIFT;
	*last = (area->pages_byte + iopt_area_length(area) - 1) >> PAGE_SHIFT;
}

/* Write the area into one domain, in runs of contiguous host memory. */
static int area_map_domain(struct io_pagetable *iopt, struct iopt_area *area,
			   struct iommu_domain *domain)
{
	uint64_t done = 0, length = iopt_area_length(area);
	int rc;

	while (done < length) {
		uint64_t run = iopt_pages_host_run(area->pages, area->pages_byte + done,
						   length - done);
		void *host = iopt_pages_host(area->pages, area->pages_byte + done);

		rc = domain->ops->map(domain, iopt_area_iova(area) + done,
				      (uint64_t)(uintptr_t)host, run,
				      area->iommu_prot, !iopt->disable_large_pages);
		if (rc)
			goto err_unmap;
		done += run;
	}
	return 0;

err_unmap:
	if (done)
		domain->ops->unmap(domain, iopt_area_iova(area), done);
	return rc;
}

static void area_unmap_domain(struct iopt_area *area, struct iommu_domain *domain)
{
	uint64_t n = domain->ops->unmap(domain, iopt_area_iova(area),
					iopt_area_length(area));

	UIO_ASSERT(n == iopt_area_length(area));
	(void)n;
}

/* Hold the area's pages and write it into domains [0, ndomains). */
static int area_store(struct io_pagetable *iopt, struct iopt_area *area,
		      unsigned int ndomains)
{
	uint64_t first, last;
	unsigned int i;
	int rc;

	area_first_last_index(area, &first, &last);
	rc = iopt_pages_hold(area->pages, &area->pages->domains_itree,
			     &area->pages_node, first, last);
	if (rc)
		return rc;
	area->stored = true;
	for (i = 0; i < ndomains; i++) {
		rc = area_map_domain(iopt, area, iopt->domains[i]);
		if (rc)
			goto err_unmap;
	}
	return 0;

err_unmap:
	while (i--)
		area_unmap_domain(area, iopt->domains[i]);
	iopt_pages_release(area->pages, &area->pages->domains_itree,
			   &area->pages_node);
	area->stored = false;
	return rc;
}

static void area_unstore(struct io_pagetable *iopt, struct iopt_area *area)
{
	if (!area->stored)
		return;
	for (unsigned int i = 0; i < iopt->ndomains; i++)
		area_unmap_domain(area, iopt->domains[i]);
	iopt_pages_release(area->pages, &area->pages->domains_itree,
			   &area->pages_node);
	area->stored = false;
}

/* ------------------------------------------------------------------ */
/* MAP and COPY                                                         */

static void area_free(struct iopt_area *area)
{
	iopt_pages_put(area->pages);
	free(area);
}

int iopt_map_pages(struct io_pagetable *iopt, struct iopt_pages_slice *slices,
		   unsigned int nslices, uint64_t length, uint64_t *iova,
		   int iommu_prot, bool fixed)
{
	struct iopt_area **areas;
	uint64_t cur;
	unsigned int i, ninserted = 0;
	int rc;

	areas = fi_calloc("iopt.map.areas", nslices, sizeof(*areas));
	if (!areas)
		return -ENOMEM;
	for (i = 0; i < nslices; i++) {
		areas[i] = fi_calloc("iopt.map.area", 1, sizeof(**areas));
		if (!areas[i]) {
			rc = -ENOMEM;
			goto out_free;
		}
	}

	pthread_rwlock_rdlock(&iopt->domains_rwsem);
	pthread_rwlock_wrlock(&iopt->iova_rwsem);

	if (length & (iopt->iova_alignment - 1)) {
		rc = -EINVAL;
		goto err_unlock;
	}
	if (fixed)
		rc = iopt_check_iova(iopt, *iova, length);
	else
		rc = iopt_alloc_iova(iopt, iova,
				     slices[0].pages->uptr + slices[0].pages_byte,
				     length);
	if (rc)
		goto err_unlock;

	cur = *iova;
	for (i = 0; i < nslices; i++) {
		struct iopt_area *area = areas[i];

		if ((iommu_prot & IOMMU_WRITE) && !slices[i].pages->writable) {
			rc = -EPERM;
			goto err_remove;
		}
		if (page_offset_of(slices[i].pages_byte) & (iopt->iova_alignment - 1)) {
			rc = -EINVAL;
			goto err_remove;
		}
		area->node.start = cur;
		area->node.last = cur + slices[i].length - 1;
		area->iopt = iopt;
		area->pages = slices[i].pages;
		iopt_pages_get(area->pages);
		area->pages_byte = slices[i].pages_byte;
		area->iommu_prot = iommu_prot;
		interval_tree_insert(&area->node, &iopt->area_itree);
		ninserted++;
		cur += slices[i].length;
	}
	pthread_rwlock_unlock(&iopt->iova_rwsem);

	if (iopt->ndomains) {
		for (i = 0; i < nslices; i++) {
			rc = area_store(iopt, areas[i], iopt->ndomains);
			if (rc) {
				while (i--)
					area_unstore(iopt, areas[i]);
				pthread_rwlock_wrlock(&iopt->iova_rwsem);
				goto err_remove;
			}
		}
	}

	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	for (i = 0; i < nslices; i++)
		areas[i]->live = true;
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&iopt->domains_rwsem);
	free(areas);
	return 0;

err_remove:
	for (i = 0; i < ninserted; i++)
		interval_tree_remove(&areas[i]->node, &iopt->area_itree);
err_unlock:
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&iopt->domains_rwsem);
	for (i = 0; i < ninserted; i++)
		iopt_pages_put(areas[i]->pages);
out_free:
	for (i = 0; i < nslices; i++)
		free(areas[i]);
	free(areas);
	return rc;
}

int iopt_map_user_pages(struct io_pagetable *iopt, struct umem_mm *mm,
			uint64_t *iova, uint64_t uaddr, uint64_t length,
			int iommu_prot, bool fixed, int rlimit_mode)
{
	struct iopt_pages_slice slice;
	int rc;

	rc = iopt_alloc_user_pages(mm, uaddr, length, iommu_prot & IOMMU_WRITE,
				   umem_account_mode_for(rlimit_mode), &slice.pages);
	if (rc)
		return rc;
	slice.pages_byte = page_offset_of(uaddr);
	slice.length = length;
	rc = iopt_map_pages(iopt, &slice, 1, length, iova, iommu_prot, fixed);
	iopt_pages_put(slice.pages);
	return rc;
}

void iopt_put_pages_slices(struct iopt_pages_slice *slices, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		iopt_pages_put(slices[i].pages);
	free(slices);
}

int iopt_get_pages(struct io_pagetable *iopt, uint64_t iova, uint64_t length,
		   struct iopt_pages_slice **slicesp, unsigned int *nslicesp)
{
	struct iopt_pages_slice *slices = NULL;
	unsigned int n = 0, cap = 0;
	struct iopt_area *area;
	uint64_t last, next = iova;
	int rc = 0;

	if (length == 0)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;

	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	for (area = iopt_area_iter_first(iopt, iova, last); area;
	     area = iopt_area_iter_next(area, iova, last)) {
		uint64_t s, e;

		if (!area->live || iopt_area_iova(area) > next) {
			rc = -ENOENT;
			goto err;
		}
		if (n == cap) {
			struct iopt_pages_slice *grown;

			cap = cap ? cap * 2 : 4;
			grown = fi_realloc("iopt.get_pages", slices,
					   (uint64_t)cap * sizeof(*slices));
			if (!grown) {
				rc = -ENOMEM;
				goto err;
			}
			slices = grown;
		}
		s = MAX_T(uint64_t, iova, iopt_area_iova(area));
		e = MIN_T(uint64_t, last, iopt_area_last_iova(area));
		slices[n].pages = area->pages;
		iopt_pages_get(area->pages);
		slices[n].pages_byte = area->pages_byte + (s - iopt_area_iova(area));
		slices[n].length = e - s + 1;
		n++;
		if (e == last)
			break;
		next = e + 1;
	}
	if (!n || slices[n - 1].length == 0 ||
	    !area || iopt_area_last_iova(area) < last) {
		rc = -ENOENT;
		goto err;
	}
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	*slicesp = slices;
	*nslicesp = n;
	return 0;

err:
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	iopt_put_pages_slices(slices, n);
	return rc;
}

/* ------------------------------------------------------------------ */
/* UNMAP                                                                */

/*
 * Ask every access to drop its pins inside the area; called without the
 * IOVA locks (the callbacks unpin, which takes iova_rwsem).  notify_lock
 * keeps every hook attached while it is called.  The list cannot change
 * while notify_lock is held (iopt_remove_access takes it; an add during the
 * walk is harmless: a new access holds no pins yet), so it is read in
 * place under iova_rwsem one entry at a time.
 */
static void iopt_notify_accesses(struct io_pagetable *iopt, uint64_t iova,
				 uint64_t length)
{
	pthread_mutex_lock(&iopt->notify_lock);
	for (unsigned int i = 0;; i++) {
		struct iopt_access_hook *hook = NULL;

		pthread_rwlock_rdlock(&iopt->iova_rwsem);
		if (i < iopt->naccesses)
			hook = iopt->accesses[i];
		pthread_rwlock_unlock(&iopt->iova_rwsem);
		if (!hook)
			break;
		hook->unmap(hook->priv, iova, length);
	}
	pthread_mutex_unlock(&iopt->notify_lock);
}

static int iopt_unmap_iova_range(struct io_pagetable *iopt, uint64_t start,
				 uint64_t last, uint64_t *unmapped)
{
	uint64_t total = 0;
	unsigned int tries = 0;
	int rc = 0;

	for (;;) {
		struct iopt_area *area;
		uint64_t area_iova, area_last;

		pthread_rwlock_rdlock(&iopt->domains_rwsem);
		pthread_rwlock_wrlock(&iopt->iova_rwsem);
		area = iopt_area_iter_first(iopt, start, last);
		if (!area)
			goto out_unlock;
		if (!area->live) {
			rc = -EBUSY;
			goto out_unlock;
		}
		area_iova = iopt_area_iova(area);
		area_last = iopt_area_last_iova(area);
		if (area_iova < start || area_last > last) {
			rc = -ENOENT;
			goto out_unlock;
		}
		if (area->num_accesses) {
			uint64_t len = iopt_area_length(area);

			if (++tries > IOPT_UNMAP_ACCESS_RETRIES) {
				area->prevent_access = false;
				rc = -EDEADLOCK;
				goto out_unlock;
			}
			area->prevent_access = true;
			pthread_rwlock_unlock(&iopt->iova_rwsem);
			pthread_rwlock_unlock(&iopt->domains_rwsem);
			iopt_notify_accesses(iopt, area_iova, len);
			continue;
		}
		tries = 0;
		interval_tree_remove(&area->node, &iopt->area_itree);
		area_unstore(iopt, area);
		total += area_last - area_iova + 1;
		pthread_rwlock_unlock(&iopt->iova_rwsem);
		pthread_rwlock_unlock(&iopt->domains_rwsem);
		area_free(area);
		if (area_last >= last)
			break;
		start = area_last + 1;
	}
	*unmapped = total;
	return 0;

out_unlock:
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&iopt->domains_rwsem);
	*unmapped = total;
	return rc;
}

int iopt_unmap_iova(struct io_pagetable *iopt, uint64_t iova, uint64_t length,
		    uint64_t *unmapped)
{
	uint64_t last;

	if (length == 0)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	return iopt_unmap_iova_range(iopt, iova, last, unmapped);
}

int iopt_unmap_all(struct io_pagetable *iopt, uint64_t *unmapped)
{
	return iopt_unmap_iova_range(iopt, 0, UINT64_MAX, unmapped);
}

/* ------------------------------------------------------------------ */
/* Reserved and allowed ranges, IOVA_RANGES                             */

static int iopt_reserve_iova_locked(struct io_pagetable *iopt, uint64_t start,
				    uint64_t last, const void *owner)
{
	struct iopt_reserved *res;

	if (interval_tree_iter_first(&iopt->area_itree, start, last) ||
	    interval_tree_iter_first(&iopt->allowed_itree, start, last))
		return -EADDRINUSE;
	res = fi_calloc("iopt.reserve", 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	res->node.start = start;
	res->node.last = last;
	res->owner = owner;
	interval_tree_insert(&res->node, &iopt->reserved_itree);
	return 0;
}

int iopt_reserve_iova(struct io_pagetable *iopt, uint64_t start, uint64_t last,
		      const void *owner)
{
	int rc;

	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	rc = iopt_reserve_iova_locked(iopt, start, last, owner);
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	return rc;
}

static void iopt_remove_reserved_iova_locked(struct io_pagetable *iopt,
					     const void *owner)
{
	struct interval_tree_node *node, *next;

	for (node = interval_tree_first(&iopt->reserved_itree); node; node = next) {
		struct iopt_reserved *res = container_of(node, struct iopt_reserved, node);

		next = interval_tree_next(node);
		if (res->owner != owner)
			continue;
		interval_tree_remove(node, &iopt->reserved_itree);
		free(res);
	}
}

void iopt_remove_reserved_iova(struct io_pagetable *iopt, const void *owner)
{
	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	iopt_remove_reserved_iova_locked(iopt, owner);
	pthread_rwlock_unlock(&iopt->iova_rwsem);
}

int iopt_set_allow_iova(struct io_pagetable *iopt,
			const uint64_t (*ranges)[2], unsigned int n)
{
	struct interval_tree_root fresh = INTERVAL_TREE_ROOT_INIT, old;
	struct iopt_allowed *allowed;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		allowed = fi_calloc("iopt.allow", 1, sizeof(*allowed));
		if (!allowed) {
			rc = -ENOMEM;
			goto out_free;
		}
		allowed->node.start = ranges[i][0];
		allowed->node.last = ranges[i][1];
		interval_tree_insert(&allowed->node, &fresh);
	}

	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	for (i = 0; i < n; i++) {
		if (interval_tree_iter_first(&iopt->reserved_itree, ranges[i][0],
					     ranges[i][1])) {
			rc = -EADDRINUSE;
			break;
		}
	}
	if (!rc) {
		old = iopt->allowed_itree;
		iopt->allowed_itree = fresh;
		fresh = old;
	}
	pthread_rwlock_unlock(&iopt->iova_rwsem);
out_free:
	free_tree(&fresh, offsetof(struct iopt_allowed, node));
	return rc;
}

unsigned int iopt_get_iova_ranges(struct io_pagetable *iopt,
				  uint64_t (*out)[2], unsigned int cap,
				  uint64_t *alignment)
{
	struct interval_tree_span_iter span;
	unsigned int n = 0;

	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	for (interval_tree_span_iter_first(&span, &iopt->reserved_itree, 0,
					   UINT64_MAX);
	     !interval_tree_span_iter_done(&span);
	     interval_tree_span_iter_next(&span)) {
		if (!span.is_hole)
			continue;
		if (n < cap) {
			out[n][0] = span.start_hole;
			out[n][1] = span.last_hole;
		}
		n++;
	}
	if (alignment)
		*alignment = iopt->iova_alignment;
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	return n;
}

/* ------------------------------------------------------------------ */
/* HUGE_PAGES                                                           */

int iopt_disable_large_pages(struct io_pagetable *iopt)
{
	uint64_t align;
	int rc = 0;

	pthread_rwlock_wrlock(&iopt->domains_rwsem);
	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	if (iopt->disable_large_pages)
		goto out_unlock;
	if (iopt->ndomains && !interval_tree_empty(&iopt->area_itree)) {
		rc = -EINVAL;
		goto out_unlock;
	}
	iopt->disable_large_pages = true;
	align = iopt_wanted_alignment(iopt);
	rc = iopt_check_iova_alignment(iopt, align);
	if (rc) {
		iopt->disable_large_pages = false;
		goto out_unlock;
	}
	iopt->iova_alignment = align;
out_unlock:
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&iopt->domains_rwsem);
	return rc;
}

void iopt_enable_large_pages(struct io_pagetable *iopt)
{
	pthread_rwlock_wrlock(&iopt->domains_rwsem);
	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	iopt->disable_large_pages = false;
	iopt->iova_alignment = iopt_wanted_alignment(iopt);
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&iopt->domains_rwsem);
}

bool iopt_large_pages_enabled(struct io_pagetable *iopt)
{
	bool ret;

	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	ret = !iopt->disable_large_pages;
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Domains (semantics.md §8.1, §8.2)                                    */

static int domains_grow(struct io_pagetable *iopt)
{
	struct iommu_domain **d;
	unsigned int cap = iopt->domains_cap ? iopt->domains_cap * 2 : 4;

	if (iopt->ndomains < iopt->domains_cap)
		return 0;
	d = fi_realloc("iopt.domains", iopt->domains, cap * sizeof(*d));
	if (!d)
		return -ENOMEM;
	iopt->domains = d;
	iopt->domains_cap = cap;
	return 0;
}

/* Put one area into a domain being added; the first domain also stores it. */
static int area_fill_new_domain(struct io_pagetable *iopt, struct iopt_area *area,
				struct iommu_domain *domain)
{
	int rc;

	UIO_ASSERT(area->live);
	if (!iopt->ndomains) {
		rc = area_store(iopt, area, 0);
		if (rc)
			return rc;
	}
	rc = area_map_domain(iopt, area, domain);
	if (rc && !iopt->ndomains) {
		iopt_pages_release(area->pages, &area->pages->domains_itree,
				   &area->pages_node);
		area->stored = false;
	}
	return rc;
}

/* Undo area_fill_new_domain(); `domain` is not (or no longer) in the list. */
static void area_unfill_new_domain(struct io_pagetable *iopt,
				   struct iopt_area *area,
				   struct iommu_domain *domain)
{
	area_unmap_domain(area, domain);
	if (!iopt->ndomains && area->stored) {
		iopt_pages_release(area->pages, &area->pages->domains_itree,
				   &area->pages_node);
		area->stored = false;
	}
}

int iopt_table_add_domain(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	uint64_t min_page = lowest_set_bit_u64(domain->pgsize_bitmap);
	struct interval_tree_node *node;
	uint64_t align;
	int rc;

	pthread_rwlock_wrlock(&iopt->domains_rwsem);
	pthread_rwlock_wrlock(&iopt->iova_rwsem);

	if (min_page == 0 || min_page > PAGE_SIZE) {
		rc = -EINVAL;
		goto out_unlock;
	}
	rc = domains_grow(iopt);
	if (rc)
		goto out_unlock;
	align = MAX_T(uint64_t, iopt->iova_alignment, min_page);
	rc = iopt_check_iova_alignment(iopt, align);
	if (rc)
		goto out_unlock;

	if (domain->aperture_start) {
		rc = iopt_reserve_iova_locked(iopt, 0, domain->aperture_start - 1,
					      domain);
		if (rc)
			goto err_reserved;
	}
	if (domain->aperture_end != UINT64_MAX) {
		rc = iopt_reserve_iova_locked(iopt, domain->aperture_end + 1,
					      UINT64_MAX, domain);
		if (rc)
			goto err_reserved;
	}

	/* Every area is live here: MAP/COPY/UNMAP hold domains_rwsem. */
	for (node = interval_tree_first(&iopt->area_itree); node;
	     node = interval_tree_next(node)) {
		rc = area_fill_new_domain(iopt, area_of(node), domain);
		if (rc)
			goto err_unfill;
	}

	iopt->domains[iopt->ndomains++] = domain;
	iopt->iova_alignment = align;
	rc = 0;
	goto out_unlock;

err_unfill:
	for (struct interval_tree_node *done = interval_tree_first(&iopt->area_itree);
	     done != node; done = interval_tree_next(done))
		area_unfill_new_domain(iopt, area_of(done), domain);
err_reserved:
	iopt_remove_reserved_iova_locked(iopt, domain);
out_unlock:
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&iopt->domains_rwsem);
	return rc;
}

void iopt_table_remove_domain(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	struct interval_tree_node *node;
	unsigned int i;

	pthread_rwlock_wrlock(&iopt->domains_rwsem);
	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	for (i = 0; i < iopt->ndomains; i++)
		if (iopt->domains[i] == domain)
			break;
	UIO_ASSERT(i < iopt->ndomains);
	if (i == iopt->ndomains)
		goto out_unlock;
	/* The last domain swaps into the hole (attach order is not kept). */
	iopt->domains[i] = iopt->domains[iopt->ndomains - 1];
	iopt->ndomains--;

	for (node = interval_tree_first(&iopt->area_itree); node;
	     node = interval_tree_next(node))
		area_unfill_new_domain(iopt, area_of(node), domain);
	iopt_remove_reserved_iova_locked(iopt, domain);
	iopt->iova_alignment = iopt_wanted_alignment(iopt);
out_unlock:
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&iopt->domains_rwsem);
}

/* ------------------------------------------------------------------ */
/* Accesses                                                             */

int iopt_add_access(struct io_pagetable *iopt, struct iopt_access_hook *hook)
{
	uint64_t align;
	int rc = 0;

	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	if (iopt->naccesses >= 65536) {
		rc = -ENOSPC;
		goto out_unlock;
	}
	if (iopt->naccesses == iopt->accesses_cap) {
		unsigned int cap = iopt->accesses_cap ? iopt->accesses_cap * 2 : 4;
		struct iopt_access_hook **a;

		a = fi_realloc("iopt.accesses", iopt->accesses, cap * sizeof(*a));
		if (!a) {
			rc = -ENOMEM;
			goto out_unlock;
		}
		iopt->accesses = a;
		iopt->accesses_cap = cap;
	}
	if (hook->pins_pages) {
		iopt->naccess_pinners++;
		align = iopt_wanted_alignment(iopt);
		rc = iopt_check_iova_alignment(iopt, align);
		if (rc) {
			iopt->naccess_pinners--;
			goto out_unlock;
		}
		iopt->iova_alignment = align;
	}
	iopt->accesses[iopt->naccesses++] = hook;
out_unlock:
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	return rc;
}

void iopt_remove_access(struct io_pagetable *iopt, struct iopt_access_hook *hook)
{
	pthread_mutex_lock(&iopt->notify_lock);
	pthread_rwlock_wrlock(&iopt->iova_rwsem);
	for (unsigned int i = 0; i < iopt->naccesses; i++) {
		if (iopt->accesses[i] != hook)
			continue;
		iopt->accesses[i] = iopt->accesses[--iopt->naccesses];
		if (hook->pins_pages) {
			iopt->naccess_pinners--;
			iopt->iova_alignment = iopt_wanted_alignment(iopt);
		}
		break;
	}
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_mutex_unlock(&iopt->notify_lock);
}

uint64_t iopt_get_iova_alignment(struct io_pagetable *iopt)
{
	uint64_t align;

	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	align = iopt->iova_alignment;
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	return align;
}

unsigned int iopt_domains_pgsize(struct io_pagetable *iopt, uint64_t *bitmap)
{
	unsigned int n;

	*bitmap = UINT64_MAX;
	pthread_rwlock_rdlock(&iopt->domains_rwsem);
	n = iopt->ndomains;
	for (unsigned int i = 0; i < n; i++)
		*bitmap &= iopt->domains[i]->pgsize_bitmap;
	pthread_rwlock_unlock(&iopt->domains_rwsem);
	return n;
}

bool iopt_nth_area_start(struct io_pagetable *iopt, uint64_t n, uint64_t *start)
{
	struct interval_tree_node *node;

	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	for (node = interval_tree_first(&iopt->area_itree); node && n;
	     node = interval_tree_next(node))
		n--;
	if (node)
		*start = node->start;
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	return node != NULL;
}

/* O(log n): the area containing `iova`, or NULL.  iova_rwsem held. */
struct iopt_area *iopt_area_find(struct io_pagetable *iopt, uint64_t iova)
{
	return iopt_area_iter_first(iopt, iova, iova);
}

void iopt_for_each_area(struct io_pagetable *iopt,
			void (*fn)(struct iopt_area *area, void *arg), void *arg)
{
	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	for (struct interval_tree_node *node = interval_tree_first(&iopt->area_itree);
	     node; node = interval_tree_next(node))
		fn(area_of(node), arg);
	pthread_rwlock_unlock(&iopt->iova_rwsem);
}

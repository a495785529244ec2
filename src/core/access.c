/* SPDX-License-Identifier: MIT */
/*
 * Access objects: attach/replace/detach, pin/unpin, read/write through an
 * IOAS.  Data structure, invariants and locks: access.h.
 *
 * Every operation on a range walks it one area slice at a time: find the
 * area holding the current IOVA (one O(log n) tree descent), act on
 * [cur, min(last, area last)], continue just after.  A transfer inside one
 * area therefore costs one descent, whatever the number of areas.  An area
 * in transition (not live) or no area at all is a hole: -ENOENT.
 *
 * How rw reaches the bytes of a slice, fastest first:
 *   1. the area is stored (its IOAS has a domain): every page of it is
 *      pinned for as long as we hold iova_rwsem, copy through the host
 *      addresses;
 *   2. access pins cover the slice's pages: the coverage check (under
 *      pages->mutex) counts us in pages->access_readers, and removing an
 *      access pin waits for that count to drain before unpinning, so the
 *      copy runs without the mutex and copies of several threads through
 *      one mapping proceed in parallel;
 *   3. otherwise (or with SLOW_PATH) pin the slice for the copy only,
 *      through the same exact-interval machinery as a real pin, and release
 *      it right after.
 * The copy itself goes through the host address of each page (umem), so a
 * DMA write is visible to the process at once and a read sees what the
 * process's memory holds now.
 *
 * Overflow hazards: `last` is computed once with an overflow check; the
 * walk stops when a slice ends at `last`, before `slice_last + 1` is
 * formed, so IOVA 2^64-1 is handled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/ioas.h"
#include "util/debug.h"
#include "util/fault_inject.h"
#include "util/overflow.h"
#include "util/page.h"

/* ------------------------------------------------------------------ */
/* Object lifetime                                                      */

static void access_obj_destroy(struct iommufd_object *obj)
{
	struct iommufd_access *access =
		container_of(obj, struct iommufd_access, obj);

	UIO_ASSERT(!access->ioas && !access->ioas_unpin);
	pthread_rwlock_destroy(&access->ioas_lock);
	iommufd_ctx_put(access->ictx);
}

const struct iommufd_object_ops iommufd_access_obj_ops = {
	.destroy = access_obj_destroy,
};

static void access_hook_unmap(void *priv, uint64_t iova, uint64_t length)
{
	struct iommufd_access *access = priv;

	if (access->ops->unmap)
		access->ops->unmap(access->data, iova, length);
}

int iommufd_access_create(struct iommufd_ctx *ictx,
			  const struct iommufd_access_ops *ops, void *data,
			  struct iommufd_access **accessp)
{
	struct iommufd_access *access;
	int rc;

	access = fi_calloc("access.alloc", 1, sizeof(*access));
	if (!access)
		return -ENOMEM;
	rc = iommufd_object_alloc(ictx, &access->obj, IOMMUFD_OBJ_ACCESS);
	if (rc) {
		free(access);
		return rc;
	}
	pthread_rwlock_init(&access->ioas_lock, NULL);
	access->ops = ops;
	access->data = data;
	access->hook.unmap = access_hook_unmap;
	access->hook.priv = access;
	access->hook.pins_pages = ops->needs_pin_pages;
	iommufd_ctx_get(ictx);
	access->ictx = ictx;
	/* The creator's reference: IOMMU_DESTROY now answers -EBUSY. */
	iommufd_object_ref(&access->obj);
	iommufd_object_finalize(ictx, &access->obj);
	*accessp = access;
	return 0;
}

void iommufd_access_destroy(struct iommufd_access *access)
{
	struct iommufd_ctx *ictx = access->ictx;
	int rc;

	iommufd_access_detach(access);
	/* Keep the context while removing: the destroy may drop the access's
	 * context reference before we are done with `ictx`. */
	iommufd_ctx_get(ictx);
	/* Nobody else holds an access long-term: this removes it. */
	rc = iommufd_object_put_and_remove(ictx, &access->obj);
	UIO_ASSERT(rc == 0);
	(void)rc;
	iommufd_ctx_put(ictx);
}

/* ------------------------------------------------------------------ */
/* Attach, replace, detach                                              */

int iommufd_access_attach(struct iommufd_access *access, uint32_t ioas_id)
{
	struct iommufd_ioas *ioas;
	int rc;

	pthread_rwlock_wrlock(&access->ioas_lock);
	if (access->ioas_unpin || access->changing) {
		rc = -EINVAL;
		goto out_unlock;
	}
	/* The lookup's users reference becomes the attachment's. */
	rc = iommufd_get_ioas(access->ictx, ioas_id, &ioas);
	if (rc)
		goto out_unlock;
	rc = iopt_add_access(&ioas->iopt, &access->hook);
	if (rc) {
		iommufd_put_ioas(ioas);
		goto out_unlock;
	}
	access->ioas = ioas;
	access->ioas_unpin = ioas;
out_unlock:
	pthread_rwlock_unlock(&access->ioas_lock);
	return rc;
}

/*
 * Second half of replace and detach: `old` is no longer reachable for new
 * pins (access->ioas is NULL, `changing` set).  Ask the owner to drop every
 * pin, then leave the old IOAS.  No access lock is held here.
 */
static void access_leave_ioas(struct iommufd_access *access,
			      struct iommufd_ioas *old,
			      struct iommufd_ioas *new_ioas)
{
	if (access->ops->unmap)
		access->ops->unmap(access->data, 0, UINT64_MAX);
	iopt_remove_access(&old->iopt, &access->hook);

	pthread_rwlock_wrlock(&access->ioas_lock);
	access->ioas = new_ioas;
	access->ioas_unpin = new_ioas;
	access->changing = false;
	pthread_rwlock_unlock(&access->ioas_lock);
	iommufd_put_ioas(old);
}

int iommufd_access_replace(struct iommufd_access *access, uint32_t ioas_id)
{
	struct iommufd_ioas *ioas, *old;
	int rc;

	pthread_rwlock_wrlock(&access->ioas_lock);
	if (!access->ioas_unpin) {
		rc = -ENOENT;
		goto out_unlock;
	}
	rc = iommufd_get_ioas(access->ictx, ioas_id, &ioas);
	if (rc)
		goto out_unlock;
	if (access->changing) {
		rc = -EBUSY;
		goto err_put;
	}
	old = access->ioas;
	if (ioas == old) {
		rc = 0;
		goto err_put;
	}
	rc = iopt_add_access(&ioas->iopt, &access->hook);
	if (rc)
		goto err_put;
	access->ioas = NULL;
	access->changing = true;
	pthread_rwlock_unlock(&access->ioas_lock);
	access_leave_ioas(access, old, ioas);
	return 0;

err_put:
	iommufd_put_ioas(ioas);
out_unlock:
	pthread_rwlock_unlock(&access->ioas_lock);
	return rc;
}

void iommufd_access_detach(struct iommufd_access *access)
{
	struct iommufd_ioas *old;

	pthread_rwlock_wrlock(&access->ioas_lock);
	old = access->ioas;
	if (!old || access->changing) {
		pthread_rwlock_unlock(&access->ioas_lock);
		return;
	}
	access->ioas = NULL;
	access->changing = true;
	pthread_rwlock_unlock(&access->ioas_lock);
	access_leave_ioas(access, old, NULL);
}

bool iommufd_access_nth_area_start(struct iommufd_access *access, uint64_t n,
				   uint64_t *start)
{
	bool found = false;

	pthread_rwlock_rdlock(&access->ioas_lock);
	if (access->ioas)
		found = iopt_nth_area_start(&access->ioas->iopt, n, start);
	pthread_rwlock_unlock(&access->ioas_lock);
	return found;
}

/* ------------------------------------------------------------------ */
/* The slice walk                                                       */

struct access_slice {
	struct iopt_area *area;
	uint64_t iova, last;	/* this slice, inclusive */
	uint64_t byte;		/* offset of `iova` inside area->pages */
	uint64_t first_index, last_index;
};

/* The slice of [cur, last] in the area holding `cur`; -ENOENT on a hole. */
static int access_slice_at(struct io_pagetable *iopt, uint64_t cur,
			   uint64_t last, struct access_slice *s)
{
	struct iopt_area *area = iopt_area_find(iopt, cur);

	if (!area || !area->live)
		return -ENOENT;
	s->area = area;
	s->iova = cur;
	s->last = MIN_T(uint64_t, last, iopt_area_last_iova(area));
	s->byte = area->pages_byte + (cur - iopt_area_iova(area));
	s->first_index = s->byte >> PAGE_SHIFT;
	s->last_index = (s->byte + (s->last - s->iova)) >> PAGE_SHIFT;
	return 0;
}

static int access_check_prot(struct iopt_area *area, unsigned int flags)
{
	if (flags & IOMMUFD_ACCESS_RW_WRITE) {
		if (!(area->iommu_prot & IOMMU_WRITE) || !area->pages->writable)
			return -EPERM;
	} else if (!(area->iommu_prot & IOMMU_READ)) {
		return -EPERM;
	}
	return 0;
}

/* Release the slices of [iova, upto] (every one of them pinned by us). */
static int access_unpin_range(struct io_pagetable *iopt, uint64_t iova,
			      uint64_t upto)
{
	struct access_slice s;
	uint64_t cur = iova;
	int rc, ret = 0;

	for (;;) {
		rc = access_slice_at(iopt, cur, upto, &s);
		if (rc)
			return rc;
		rc = iopt_area_remove_access(s.area, s.first_index, s.last_index);
		if (rc)
			ret = rc;
		if (s.last == upto)
			return ret;
		cur = s.last + 1;
	}
}

/* Append the host memory of a slice to runs[], merging contiguous runs. */
static void access_add_runs(struct access_slice *s,
			    struct iommufd_access_run *runs, size_t cap,
			    size_t *n)
{
	struct iopt_pages *pages = s->area->pages;
	uint64_t left = s->last - s->iova + 1, byte = s->byte;

	while (left) {
		uint64_t run = iopt_pages_host_run(pages, byte, left);
		char *host = iopt_pages_host(pages, byte);

		if (*n && *n <= cap &&
		    (char *)runs[*n - 1].host + runs[*n - 1].length == host)
			runs[*n - 1].length += run;
		else {
			if (*n < cap) {
				runs[*n].host = host;
				runs[*n].length = run;
			}
			(*n)++;
		}
		byte += run;
		left -= run;
	}
}

/* ------------------------------------------------------------------ */
/* Pin and unpin                                                        */

int iommufd_access_pin_pages(struct iommufd_access *access, uint64_t iova,
			     uint64_t length, unsigned int flags,
			     struct iommufd_access_run *runs, size_t cap,
			     size_t *nruns)
{
	struct io_pagetable *iopt;
	struct access_slice s;
	uint64_t last, cur = iova;
	bool any = false;
	size_t n = 0;
	int rc;

	if (length == 0)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;

	pthread_rwlock_rdlock(&access->ioas_lock);
	if (!access->ioas) {
		rc = -ENOENT;
		goto out_unlock_access;
	}
	if (!access->ops->needs_pin_pages) {
		rc = -EOPNOTSUPP;
		goto out_unlock_access;
	}
	iopt = &access->ioas->iopt;
	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	for (;;) {
		rc = access_slice_at(iopt, cur, last, &s);
		if (rc)
			goto err_unpin;
		if (s.area->prevent_access || page_offset_of(s.byte) ||
		    (s.last != last &&
		     page_offset_of(s.byte + (s.last - s.iova)) != PAGE_SIZE - 1)) {
			rc = -EINVAL;
			goto err_unpin;
		}
		rc = access_check_prot(s.area, flags);
		if (rc)
			goto err_unpin;
		rc = iopt_area_add_access(s.area, s.first_index, s.last_index);
		if (rc)
			goto err_unpin;
		any = true;
		if (runs)
			access_add_runs(&s, runs, cap, &n);
		if (s.last == last)
			break;
		cur = s.last + 1;
	}
	if (runs && n > cap) {
		rc = -EMSGSIZE;
		goto err_unpin_all;
	}
	if (nruns)
		*nruns = n;
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&access->ioas_lock);
	return 0;

err_unpin:
	/* Slices before `cur` are pinned; `cur`'s own slice is not. */
	if (any)
		access_unpin_range(iopt, iova, cur - 1);
	goto out_unlock;
err_unpin_all:
	access_unpin_range(iopt, iova, last);
	if (nruns)
		*nruns = n;
out_unlock:
	pthread_rwlock_unlock(&iopt->iova_rwsem);
out_unlock_access:
	pthread_rwlock_unlock(&access->ioas_lock);
	return rc;
}

int iommufd_access_unpin_pages(struct iommufd_access *access, uint64_t iova,
			       uint64_t length)
{
	struct io_pagetable *iopt;
	uint64_t last;
	int rc;

	if (length == 0)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	pthread_rwlock_rdlock(&access->ioas_lock);
	if (!access->ioas_unpin) {
		pthread_rwlock_unlock(&access->ioas_lock);
		return -ENOENT;
	}
	iopt = &access->ioas_unpin->iopt;
	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	rc = access_unpin_range(iopt, iova, last);
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&access->ioas_lock);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Read / write                                                         */

static void access_copy_slice(struct access_slice *s, char *buf, bool write)
{
	struct iopt_pages *pages = s->area->pages;
	uint64_t left = s->last - s->iova + 1, byte = s->byte;

	while (left) {
		uint64_t run = iopt_pages_host_run(pages, byte, left);
		char *host = iopt_pages_host(pages, byte);

		if (write)
			memcpy(host, buf, run);
		else
			memcpy(buf, host, run);
		buf += run;
		byte += run;
		left -= run;
	}
}

static int access_rw_slice(struct access_slice *s, char *buf,
			   unsigned int flags)
{
	struct iopt_pages *pages = s->area->pages;
	bool write = flags & IOMMUFD_ACCESS_RW_WRITE;
	int rc;

	if (!(flags & IOMMUFD_ACCESS_RW_SLOW_PATH)) {
		if (s->area->stored) {
			access_copy_slice(s, buf, write);
			return 0;
		}
		if (iopt_pages_access_read_begin(pages, s->first_index,
						 s->last_index)) {
			access_copy_slice(s, buf, write);
			iopt_pages_access_read_end(pages);
			return 0;
		}
	}
	rc = iopt_area_add_access(s->area, s->first_index, s->last_index);
	if (rc)
		return rc;
	access_copy_slice(s, buf, write);
	iopt_area_remove_access(s->area, s->first_index, s->last_index);
	return 0;
}

int iommufd_access_rw(struct iommufd_access *access, uint64_t iova, void *buf,
		      uint64_t length, unsigned int flags)
{
	struct io_pagetable *iopt;
	struct access_slice s;
	uint64_t last, cur = iova;
	char *p = buf;
	int rc;

	if (length == 0)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;

	pthread_rwlock_rdlock(&access->ioas_lock);
	if (!access->ioas) {
		pthread_rwlock_unlock(&access->ioas_lock);
		return -ENOENT;
	}
	iopt = &access->ioas->iopt;
	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	for (;;) {
		rc = access_slice_at(iopt, cur, last, &s);
		if (rc)
			break;
		if (s.area->prevent_access) {
			rc = -EINVAL;
			break;
		}
		rc = access_check_prot(s.area, flags);
		if (rc)
			break;
		rc = access_rw_slice(&s, p, flags);
		if (rc || s.last == last)
			break;
		p += s.last - s.iova + 1;
		cur = s.last + 1;
	}
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&access->ioas_lock);
	return rc;
}

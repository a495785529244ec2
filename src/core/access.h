/* SPDX-License-Identifier: MIT */
/*
 * Access objects: an emulated device (a test access, a vfio-user server, a
 * virtio backend) that reaches an IOAS through the CPU instead of through a
 * translation table.
 *
 * An access is an object in the context's table (it consumes an ID) whose
 * creator keeps a second users reference, so IOMMU_DESTROY of it answers
 * -EBUSY: only its owner destroys it (closing the test access fd, or
 * uiommufd_access_close()).  It holds a reference on the context, and while
 * attached a users reference on its IOAS plus a hook in the IOAS's access
 * list (io_pagetable.h), through which UNMAP tells it to drop its pins.
 *
 * Pins are not recorded here: each pin of [iova, last] is one exact
 * interval per area slice in that area's pages->access_itree
 * (reference-counted), and area->num_accesses counts them.  Unpin names the
 * same [iova, last] again and finds the same slices, because an area with
 * pins can not be unmapped.
 *
 * Fields and locks:
 *   ioas_lock (rwlock) guards `ioas`, `ioas_unpin` and `changing`.  Pin,
 *   rw and unpin hold it for read for their whole run, then take the IOAS's
 *   iova_rwsem for read: the common case takes no lock that another access
 *   or IOAS shares except that one read lock (and, for pages held only by
 *   access pins, the pages object's mutex around the coverage check, not
 *   around the copy).  Attach/replace/detach hold it
 *   for write, but never while calling the unmap callback or
 *   iopt_remove_access() (the callback unpins, which needs it for read).
 *   `ioas` is where new pins and rw go (NULL: not attached); `ioas_unpin`
 *   is where existing pins live, which differs from `ioas` only in the
 *   middle of replace/detach (`changing` set).
 *
 * Lock order: ioas_lock -> iopt->iova_rwsem -> pages->mutex; the IOAS's
 * notify_lock is outside ioas_lock (callbacks run under notify_lock and take
 * ioas_lock).
 *
 * Glossary: `last` is inclusive; `length` 0 is always -EINVAL here;
 * `iova + length - 1` may wrap, which is -EOVERFLOW.
 */
#ifndef UIOMMUFD_CORE_ACCESS_H
#define UIOMMUFD_CORE_ACCESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/io_pagetable.h"
#include "core/iommufd_private.h"

struct iommufd_ioas;

/* Flags of pin and rw. */
#define IOMMUFD_ACCESS_RW_READ 0
#define IOMMUFD_ACCESS_RW_WRITE (1 << 0)
/* rw: never copy through already-held pages; pin for the copy only. */
#define IOMMUFD_ACCESS_RW_SLOW_PATH (1 << 1)

struct iommufd_access_ops {
	/* May pin pages: forces PAGE alignment on the IOAS (semantics §13). */
	bool needs_pin_pages;
	/* Drop every pin inside [iova, iova + length - 1] before returning.
	 * Called without any lock of the access or of the IOAS held; must not
	 * detach or destroy the access. */
	void (*unmap)(void *data, uint64_t iova, uint64_t length);
};

struct iommufd_access {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;	/* referenced */
	const struct iommufd_access_ops *ops;
	void *data;
	struct iopt_access_hook hook;

	pthread_rwlock_t ioas_lock;
	struct iommufd_ioas *ioas;	/* users ref while set */
	struct iommufd_ioas *ioas_unpin;
	bool changing;
};

/* One run of host memory backing a pinned range. */
struct iommufd_access_run {
	void *host;
	uint64_t length;
};

/* Create a published, unattached access; its ID in (*accessp)->obj.id. */
int iommufd_access_create(struct iommufd_ctx *ictx,
			  const struct iommufd_access_ops *ops, void *data,
			  struct iommufd_access **accessp);
/* Detach (unmap callback over everything first) and destroy.  Never fails. */
void iommufd_access_destroy(struct iommufd_access *access);

/* -ENOENT (no such IOAS), -EINVAL (already attached), -EADDRINUSE. */
int iommufd_access_attach(struct iommufd_access *access, uint32_t ioas_id);
/* -ENOENT (not attached / no such IOAS), -EBUSY (replace or detach under
 * way), -EADDRINUSE; same IOAS: 0, nothing done. */
int iommufd_access_replace(struct iommufd_access *access, uint32_t ioas_id);
void iommufd_access_detach(struct iommufd_access *access);

/*
 * Pin [iova, iova + length - 1] (checks in the order of semantics §13).  If
 * `runs` is not NULL the host memory is described in runs[0 .. *nruns - 1];
 * with more than `cap` runs nothing stays pinned and the answer is
 * -EMSGSIZE with *nruns the number needed.
 */
int iommufd_access_pin_pages(struct iommufd_access *access, uint64_t iova,
			     uint64_t length, unsigned int flags,
			     struct iommufd_access_run *runs, size_t cap,
			     size_t *nruns);
/* Undo one pin of exactly that range; -ENOENT if no such pin exists. */
int iommufd_access_unpin_pages(struct iommufd_access *access, uint64_t iova,
			       uint64_t length);
/* Copy between `buf` (library memory) and the IOAS; any alignment. */
int iommufd_access_rw(struct iommufd_access *access, uint64_t iova, void *buf,
		      uint64_t length, unsigned int flags);
/* Start of the n-th area of the access's current IOAS (the test ops'
 * fuzzer IOVA encoding); false when detached or there is no such area. */
bool iommufd_access_nth_area_start(struct iommufd_access *access, uint64_t n,
				   uint64_t *start);

extern const struct iommufd_object_ops iommufd_access_obj_ops;

#endif

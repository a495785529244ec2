/* SPDX-License-Identifier: MIT */
/*
 * DEVICE objects and RID attach / replace / detach (semantics.md §8.3; the
 * data structure and locking are described in device.h).
 *
 * Attach to a HWPT, in order: already attached -> EBUSY; the device's
 * reserved regions are reserved in the HWPT's IOAS (EADDRINUSE); the
 * driver's attach hook (EINVAL: dirty domain on a device without the
 * capability, domain of another IOMMU); then the references are taken.
 *
 * Attach to an IOAS (automatic domain), under ioas->mutex: try the IOAS's
 * auto HWPTs in ID order, -EINVAL meaning "incompatible, try the next", any
 * other error aborting; if none accepts, a new auto HWPT (flags 0, no driver
 * data) is created, its domain added to the IOAS, the device attached, and
 * only then is the HWPT published.
 *
 * Replace works like attach but keeps the device attached to the old HWPT
 * until the new one has accepted it; moving to another IOAS reserves the
 * device's regions there first and removes them from the old IOAS last.  The
 * old HWPT is released afterwards (an auto HWPT without devices vanishes).
 */
#include <errno.h>
#include <stdlib.h>

#include "core/device.h"
#include "util/fault_inject.h"

static void device_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev = container_of(obj, struct iommufd_device, obj);

	UIO_ASSERT(!idev->hwpt);
	pthread_mutex_destroy(&idev->lock);
}

const struct iommufd_object_ops iommufd_device_ops = {
	.destroy = device_destroy,
};

int iommufd_device_bind(struct iommufd_ctx *ictx,
			const struct emu_iommu_props *props,
			struct iommufd_device **idevp)
{
	struct iommufd_device *idev;
	int rc;

	idev = fi_calloc("device.alloc", 1, sizeof(*idev));
	if (!idev)
		return -ENOMEM;
	rc = iommufd_object_alloc(ictx, &idev->obj, IOMMUFD_OBJ_DEVICE);
	if (rc) {
		free(idev);
		return rc;
	}
	idev->props = *props;
	pthread_mutex_init(&idev->lock, NULL);
	/* The binder's reference: DESTROY(idev) is EBUSY from now on. */
	iommufd_object_ref(&idev->obj);
	iommufd_object_finalize(ictx, &idev->obj);
	*idevp = idev;
	return 0;
}

void iommufd_device_unbind(struct iommufd_device *idev)
{
	UIO_ASSERT(!idev->hwpt);
	/* Only the binder holds a device long-term: this always removes it. */
	iommufd_object_put_and_remove(idev->obj.ictx, &idev->obj);
}

int iommufd_get_device(struct iommufd_ctx *ictx, uint32_t id,
		       struct iommufd_device **idevp)
{
	struct iommufd_object *obj;
	int rc;

	rc = iommufd_get_object(ictx, id, IOMMUFD_OBJ_DEVICE, &obj);
	if (rc)
		return rc;
	*idevp = container_of(obj, struct iommufd_device, obj);
	return 0;
}

uint32_t iommufd_device_hwpt_id(struct iommufd_device *idev)
{
	uint32_t id;

	pthread_mutex_lock(&idev->lock);
	id = idev->hwpt ? idev->hwpt->obj.id : 0;
	pthread_mutex_unlock(&idev->lock);
	return id;
}

/* Reserve the device's regions in `ioas`, all or nothing. */
static int device_enforce_resv(struct iommufd_device *idev,
			       struct iommufd_ioas *ioas)
{
	for (unsigned int i = 0; i < idev->props.nresv; i++) {
		int rc = iopt_reserve_iova(&ioas->iopt, idev->props.resv[i].start,
					   idev->props.resv[i].last, idev);

		if (rc) {
			iopt_remove_reserved_iova(&ioas->iopt, idev);
			return rc;
		}
	}
	return 0;
}

/*
 * Attach (old == NULL) or replace (old == idev->hwpt) to `hwpt`.  Caller
 * holds idev->lock and hwpt->ioas->mutex.  On success the device holds its
 * reference on `hwpt`; the old HWPT's reference is still held and must be
 * released by the caller.
 */
static int device_do_attach(struct iommufd_device *idev,
			    struct iommufd_hw_pagetable *hwpt)
{
	struct iommufd_hw_pagetable *old = idev->hwpt;
	bool new_ioas = !old || old->ioas != hwpt->ioas;
	int rc;

	if (old == hwpt)
		return 0;
	if (new_ioas) {
		rc = device_enforce_resv(idev, hwpt->ioas);
		if (rc)
			return rc;
	}
	rc = emu_domain_attach_check(hwpt->domain, &idev->props);
	if (rc) {
		if (new_ioas)
			iopt_remove_reserved_iova(&hwpt->ioas->iopt, idev);
		return rc;
	}
	hwpt->ndevices++;
	iommufd_object_ref(&hwpt->obj);
	idev->hwpt = hwpt;
	if (!old) {
		iommufd_object_ref(&idev->obj);
	} else if (new_ioas) {
		iopt_remove_reserved_iova(&old->ioas->iopt, idev);
	}
	return 0;
}

/* Automatic domain selection; caller holds idev->lock. */
static int device_auto_attach(struct iommufd_device *idev,
			      struct iommufd_ioas *ioas)
{
	struct iommufd_hw_pagetable **list, *hwpt;
	unsigned int n;
	int rc;

	pthread_mutex_lock(&ioas->mutex);
	rc = iommufd_hwpt_auto_list(ioas, &list, &n);
	if (rc)
		goto out_unlock;
	rc = -EINVAL;
	for (unsigned int i = 0; i < n && rc == -EINVAL; i++)
		rc = device_do_attach(idev, list[i]);
	for (unsigned int i = 0; i < n; i++)
		iommufd_put_hwpt(list[i]);
	free(list);
	if (rc != -EINVAL)
		goto out_unlock;

	rc = iommufd_hwpt_paging_alloc(ioas->obj.ictx, ioas, &idev->props, 0,
				       EMU_PGTABLE_DEFAULT, true, &hwpt);
	if (rc)
		goto out_unlock;
	rc = device_do_attach(idev, hwpt);
	if (rc) {
		iommufd_object_abort_and_destroy(ioas->obj.ictx, &hwpt->obj);
		goto out_unlock;
	}
	iommufd_object_finalize(ioas->obj.ictx, &hwpt->obj);
out_unlock:
	pthread_mutex_unlock(&ioas->mutex);
	return rc;
}

static int device_hwpt_attach(struct iommufd_device *idev,
			      struct iommufd_hw_pagetable *hwpt)
{
	int rc;

	pthread_mutex_lock(&hwpt->ioas->mutex);
	rc = device_do_attach(idev, hwpt);
	pthread_mutex_unlock(&hwpt->ioas->mutex);
	return rc;
}

/* Drop the device's reference on `old` under its IOAS's mutex. */
static void device_release_hwpt(struct iommufd_hw_pagetable *old)
{
	struct iommufd_ioas *ioas = old->ioas;
	struct iommufd_ctx *ictx = old->obj.ictx;
	bool last;

	/* Keep the IOAS alive across a possible destroy of `old`. */
	iommufd_object_ref(&ioas->obj);
	pthread_mutex_lock(&ioas->mutex);
	last = iommufd_hwpt_release_device(old);
	pthread_mutex_unlock(&ioas->mutex);
	/* The last device left an auto HWPT: it goes away once in-flight
	 * lookups are done, unless a new device took it meanwhile. */
	if (last)
		iommufd_object_put_and_remove(ictx, &old->obj);
	else
		iommufd_object_unref(&old->obj);
	iommufd_object_unref(&ioas->obj);
}

static int device_change_pt(struct iommufd_device *idev, uint32_t *pt_id,
			    bool replace)
{
	struct iommufd_ctx *ictx = idev->obj.ictx;
	struct iommufd_hw_pagetable *old, *release = NULL;
	struct iommufd_object *pt;
	int rc;

	rc = iommufd_get_object(ictx, *pt_id, IOMMUFD_OBJ_ANY, &pt);
	if (rc)
		return rc;
	if (pt->type != IOMMUFD_OBJ_HWPT_PAGING && pt->type != IOMMUFD_OBJ_IOAS) {
		rc = -EINVAL;
		goto out_put;
	}

	pthread_mutex_lock(&idev->lock);
	old = idev->hwpt;
	if (replace ? !old : old != NULL) {
		rc = replace ? -EINVAL : -EBUSY;
		goto out_unlock;
	}
	if (pt->type == IOMMUFD_OBJ_IOAS)
		rc = device_auto_attach(idev, container_of(pt, struct iommufd_ioas, obj));
	else
		rc = device_hwpt_attach(idev, container_of(pt, struct iommufd_hw_pagetable, obj));
	if (rc)
		goto out_unlock;
	*pt_id = idev->hwpt->obj.id;
	if (old && old != idev->hwpt)
		release = old;
out_unlock:
	pthread_mutex_unlock(&idev->lock);
	/* Released unlocked: removing an auto HWPT waits for lookups of it,
	 * and a lookup holder may be waiting for idev->lock. */
	if (release)
		device_release_hwpt(release);
out_put:
	iommufd_put_object(ictx, pt);
	return rc;
}

int iommufd_device_attach(struct iommufd_device *idev, uint32_t *pt_id)
{
	return device_change_pt(idev, pt_id, false);
}

int iommufd_device_replace(struct iommufd_device *idev, uint32_t *pt_id)
{
	return device_change_pt(idev, pt_id, true);
}

void iommufd_device_detach(struct iommufd_device *idev)
{
	struct iommufd_hw_pagetable *old;

	pthread_mutex_lock(&idev->lock);
	old = idev->hwpt;
	if (!old)
		goto out_unlock;
	iopt_remove_reserved_iova(&old->ioas->iopt, idev);
	idev->hwpt = NULL;
	iommufd_object_unref(&idev->obj);
out_unlock:
	pthread_mutex_unlock(&idev->lock);
	/* unlocked, for the reason given in device_change_pt() */
	if (old)
		device_release_hwpt(old);
}

/* SPDX-License-Identifier: MIT */
/*
 * SELFTEST objects (see selftest.h).  The ID order stdev, idev, hwpt comes
 * from doing the steps in that order: the stdev ID is reserved first, the
 * bind allocates the DEVICE, the attach may allocate an auto HWPT.
 *
 * The stdev's destroy() is also its abort path, so it must cope with a
 * half-built object: no device yet (bind failed) or a device that never got
 * attached.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/selftest.h"
#include "util/fault_inject.h"

static void selftest_destroy(struct iommufd_object *obj)
{
	struct iommufd_selftest *stdev =
		container_of(obj, struct iommufd_selftest, obj);

	if (!stdev->idev)
		return;
	iommufd_device_detach(stdev->idev);
	iommufd_device_unbind(stdev->idev);
	stdev->idev = NULL;
}

const struct iommufd_object_ops iommufd_selftest_ops = {
	.destroy = selftest_destroy,
};

int iommufd_selftest_create_props(struct iommufd_ctx *ictx,
				  const struct emu_iommu_props *props,
				  uint32_t *pt_id, struct iommufd_selftest **stdevp)
{
	struct iommufd_selftest *stdev;
	int rc;

	stdev = fi_calloc("selftest.alloc", 1, sizeof(*stdev));
	if (!stdev)
		return -ENOMEM;
	rc = iommufd_object_alloc(ictx, &stdev->obj, IOMMUFD_OBJ_SELFTEST);
	if (rc) {
		free(stdev);
		return rc;
	}
	rc = iommufd_device_bind(ictx, props, &stdev->idev);
	if (rc)
		goto err_abort;
	rc = iommufd_device_attach(stdev->idev, pt_id);
	if (rc)
		goto err_abort;
	*stdevp = stdev;
	return 0;

err_abort:
	iommufd_object_abort_and_destroy(ictx, &stdev->obj);
	return rc;
}

int iommufd_selftest_create(struct iommufd_ctx *ictx, uint32_t dev_flags,
			    uint32_t *pt_id, struct iommufd_selftest **stdevp)
{
	struct emu_iommu_props props;
	int rc;

	/* (errors.md T puts the object's ENOMEM before this EINVAL; only
	 * fault injection can tell the difference.) */
	rc = emu_mock_props(dev_flags, &props);
	if (rc)
		return rc;
	return iommufd_selftest_create_props(ictx, &props, pt_id, stdevp);
}

int iommufd_get_selftest(struct iommufd_ctx *ictx, uint32_t id,
			 struct iommufd_selftest **stdevp)
{
	struct iommufd_object *obj;
	int rc;

	rc = iommufd_get_object(ictx, id, IOMMUFD_OBJ_SELFTEST, &obj);
	if (rc)
		return rc;
	*stdevp = container_of(obj, struct iommufd_selftest, obj);
	return 0;
}

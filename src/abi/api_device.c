/* SPDX-License-Identifier: MIT */
/*
 * Public C API of emulated devices (uiommufd.h "Emulated devices and IOMMU
 * profiles").  A handle is a bound DEVICE object plus a reference on its
 * context: the binding keeps the DEVICE's users count above one, so the
 * context could never tear it down on its own; the handle's context
 * reference makes close() wait for uiommufd_device_destroy() instead.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/device.h"
#include "core/profiles.h"
#include "uiommufd/uiommufd.h"
#include "util/debug.h"
#include "util/fork_guard.h"
#include "util/fault_inject.h"

struct uiommufd_device {
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev;
};

static int device_create(struct uiommufd_ctx *ctx,
			 const struct emu_iommu_props *props,
			 struct uiommufd_device **devp)
{
	struct iommufd_ctx *ictx = (struct iommufd_ctx *)ctx;
	struct uiommufd_device *dev;
	int rc;

	dev = fi_calloc("api.device", 1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	rc = iommufd_device_bind(ictx, props, &dev->idev);
	if (rc) {
		free(dev);
		return rc;
	}
	iommufd_ctx_get(ictx);
	dev->ictx = ictx;
	*devp = dev;
	return 0;
}

UIO_EXPORT int uiommufd_device_create(struct uiommufd_ctx *ctx,
				      const char *profile,
				      struct uiommufd_device **devp)
{
	FORK_GUARD();
	struct emu_iommu_props props;
	int rc;

	if (!ctx || !profile || !devp)
		return -EINVAL;
	rc = emu_profile_lookup(profile, &props);
	if (rc)
		return rc;
	return device_create(ctx, &props, devp);
}

UIO_EXPORT int uiommufd_device_create_from_file(struct uiommufd_ctx *ctx,
						const char *path,
						struct uiommufd_device **devp,
						unsigned int *bad_line)
{
	FORK_GUARD();
	struct emu_iommu_props props;
	unsigned int line;
	int rc;

	if (!ctx || !path || !devp)
		return -EINVAL;
	rc = emu_profile_parse_file(path, &props, &line);
	if (bad_line)
		*bad_line = line;
	if (rc)
		return rc;
	return device_create(ctx, &props, devp);
}

UIO_EXPORT const char *const *uiommufd_profile_names(void)
{
	FORK_GUARD();
	return emu_profile_names();
}

UIO_EXPORT uint32_t uiommufd_device_id(struct uiommufd_device *dev)
{
	FORK_GUARD();
	return dev ? dev->idev->obj.id : 0;
}

UIO_EXPORT int uiommufd_device_attach(struct uiommufd_device *dev, uint32_t pt_id,
				      uint32_t *hwpt_id)
{
	FORK_GUARD();
	int rc;

	if (!dev)
		return -EINVAL;
	rc = iommufd_device_attach(dev->idev, &pt_id);
	if (!rc && hwpt_id)
		*hwpt_id = pt_id;
	return rc;
}

UIO_EXPORT int uiommufd_device_replace(struct uiommufd_device *dev, uint32_t pt_id,
				       uint32_t *hwpt_id)
{
	FORK_GUARD();
	int rc;

	if (!dev)
		return -EINVAL;
	rc = iommufd_device_replace(dev->idev, &pt_id);
	if (!rc && hwpt_id)
		*hwpt_id = pt_id;
	return rc;
}

UIO_EXPORT int uiommufd_device_detach(struct uiommufd_device *dev)
{
	FORK_GUARD();
	if (!dev)
		return -EINVAL;
	iommufd_device_detach(dev->idev);
	return 0;
}

UIO_EXPORT void uiommufd_device_destroy(struct uiommufd_device *dev)
{
	FORK_GUARD();
	if (!dev)
		return;
	iommufd_device_detach(dev->idev);
	iommufd_device_unbind(dev->idev);
	iommufd_ctx_put(dev->ictx);
	free(dev);
}

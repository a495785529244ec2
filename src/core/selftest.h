/* SPDX-License-Identifier: MIT */
/*
 * SELFTEST objects ("stdev"): the kernel's mock device as seen by
 * IOMMU_TEST_OP_MOCK_DOMAIN* (selftest-mock.md §3).
 *
 * A stdev owns one mock device: creating it reserves the stdev ID, binds a
 * DEVICE (next ID) and attaches its RID to an IOAS or HWPT (an auto HWPT, if
 * one is created, takes the next ID).  The stdev stays unpublished until the
 * ABI layer has written the IDs back; then it is finalized, or aborted with
 * everything undone.  Destroying it detaches (an auto HWPT losing its last
 * device goes too) and unbinds (the DEVICE object goes).
 */
#ifndef UIOMMUFD_CORE_SELFTEST_H
#define UIOMMUFD_CORE_SELFTEST_H

#include "core/device.h"

struct iommufd_selftest {
	struct iommufd_object obj;
	struct iommufd_device *idev;
};

/*
 * Create an unpublished stdev with mock flags `dev_flags` attached to
 * `*pt_id` (which receives the HWPT ID).  -ENOMEM, -EINVAL (flags), attach
 * errors.  The caller finalizes or abort_and_destroys it.
 */
int iommufd_selftest_create(struct iommufd_ctx *ictx, uint32_t dev_flags,
			    uint32_t *pt_id, struct iommufd_selftest **stdevp);
/* The same for a device with arbitrary props (C API profile devices). */
int iommufd_selftest_create_props(struct iommufd_ctx *ictx,
				  const struct emu_iommu_props *props,
				  uint32_t *pt_id, struct iommufd_selftest **stdevp);

int iommufd_get_selftest(struct iommufd_ctx *ictx, uint32_t id,
			 struct iommufd_selftest **stdevp);

extern const struct iommufd_object_ops iommufd_selftest_ops;

#endif

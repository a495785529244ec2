/* SPDX-License-Identifier: MIT */
/*
 * abi_layout_kernel.c - the coexistence unit: it includes the system's
 * <linux/iommufd.h> and <linux/vfio.h> (when installed) BEFORE
 * <uiommufd/iommufd_abi.h>.
 *
 * That this file compiles at all is the first half of the test: our header
 * must notice the kernel's include guards and skip its own copy instead of
 * redefining the structs.  The second half: with the kernel's definitions
 * in effect, our header's own compile-time checks (part 5) run against the
 * kernel's structs, the static assertions below pin the kernel's layouts of
 * later structs to the spec numbers, and the tables exported here let
 * test_abi_layout.c compare the kernel's sizes and offsets with ours at run
 * time, name by name.
 *
 * When a system header is missing, the tables are NULL and the test
 * reports the comparison as skipped; nothing is compared against itself.
 */
#ifndef UIOMMUFD_TEST_WITH_KERNEL_HEADERS
#error "build this unit with -DUIOMMUFD_TEST_WITH_KERNEL_HEADERS"
#endif

#include <stddef.h>

#if defined(__has_include)
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#define ABI_HAVE_KERNEL_IOMMUFD 1
#endif
#if __has_include(<linux/vfio.h>)
#include <linux/vfio.h>
#define ABI_HAVE_KERNEL_VFIO 1
#endif
#endif

#include <uiommufd/iommufd_abi.h>

#include "abi_layout_kernel.h"
#include "abi_layout_list.h"

#ifdef ABI_HAVE_KERNEL_IOMMUFD
#ifdef UIOMMUFD_ABI_OWN_IOMMUFD
#error "kernel <linux/iommufd.h> was included but our header redefined it"
#endif

/*
 * Later structs whose layout never changed: a kernel header that has the
 * request macro has the struct, and it must match the spec exactly.
 */
#ifdef IOMMU_HWPT_SET_DIRTY_TRACKING
_Static_assert(sizeof(struct iommu_hwpt_set_dirty_tracking) == 16, "dirty");
#endif
#ifdef IOMMU_HWPT_GET_DIRTY_BITMAP
_Static_assert(sizeof(struct iommu_hwpt_get_dirty_bitmap) == 48, "bitmap");
#endif
#ifdef IOMMU_HWPT_INVALIDATE
_Static_assert(sizeof(struct iommu_hwpt_invalidate) == 32, "invalidate");
#endif
#ifdef IOMMU_FAULT_QUEUE_ALLOC
_Static_assert(sizeof(struct iommu_fault_alloc) == 16, "fault_alloc");
_Static_assert(sizeof(struct iommu_hwpt_pgfault) == 40, "pgfault");
_Static_assert(sizeof(struct iommu_hwpt_page_response) == 8, "page_resp");
#endif
#ifdef IOMMU_IOAS_MAP_FILE
_Static_assert(sizeof(struct iommu_ioas_map_file) == 40, "map_file");
#endif
#ifdef IOMMU_VDEVICE_ALLOC
_Static_assert(sizeof(struct iommu_vdevice_alloc) == 24, "vdevice");
#endif
#ifdef IOMMU_IOAS_CHANGE_PROCESS
_Static_assert(sizeof(struct iommu_ioas_change_process) == 8, "change_proc");
#endif
#ifdef IOMMU_VEVENTQ_ALLOC
_Static_assert(sizeof(struct iommu_veventq_alloc) == 32, "veventq");
_Static_assert(sizeof(struct iommufd_vevent_header) == 8, "vevent_header");
#endif
#ifdef IOMMU_HW_QUEUE_ALLOC
_Static_assert(sizeof(struct iommu_hw_queue_alloc) == 40, "hw_queue");
#endif

/* Structs that grew: the kernel's size must be one the spec lists. */
#ifdef IOMMU_HWPT_ALLOC
_Static_assert(sizeof(struct iommu_hwpt_alloc) == 24 ||
	       sizeof(struct iommu_hwpt_alloc) == 40 ||
	       sizeof(struct iommu_hwpt_alloc) == 48, "hwpt_alloc history");
#endif
#ifdef IOMMU_GET_HW_INFO
_Static_assert(sizeof(struct iommu_hw_info) == 32 ||
	       sizeof(struct iommu_hw_info) == 40, "hw_info history");
#endif
#ifdef IOMMU_VIOMMU_ALLOC
_Static_assert(sizeof(struct iommu_viommu_alloc) == 24 ||
	       sizeof(struct iommu_viommu_alloc) == 40, "viommu_alloc history");
#endif

static const struct abi_layout_entry kernel_iommufd[] = {
	ABI_LIST_IOMMUFD_CORE(ABI_LIST_ENTRY_SIZE, ABI_LIST_ENTRY_OFF)
};
#endif /* ABI_HAVE_KERNEL_IOMMUFD */

#ifdef ABI_HAVE_KERNEL_VFIO
#ifdef UIOMMUFD_ABI_OWN_VFIO
#error "kernel <linux/vfio.h> was included but our header redefined it"
#endif
static const struct abi_layout_entry kernel_vfio[] = {
	ABI_LIST_VFIO(ABI_LIST_ENTRY_SIZE, ABI_LIST_ENTRY_OFF)
};
#endif

/* The test-only part is never in a kernel header: it must always be ours. */
_Static_assert(sizeof(struct iommu_test_cmd) == 72, "test cmd");
_Static_assert(IOMMU_TEST_CMD == 0x3ba0, "test cmd request");

const struct abi_layout_entry *abi_kernel_iommufd_layout(size_t *n)
{
#ifdef ABI_HAVE_KERNEL_IOMMUFD
	*n = sizeof(kernel_iommufd) / sizeof(kernel_iommufd[0]);
	return kernel_iommufd;
#else
	*n = 0;
	return NULL;
#endif
}

const struct abi_layout_entry *abi_kernel_vfio_layout(size_t *n)
{
#ifdef ABI_HAVE_KERNEL_VFIO
	*n = sizeof(kernel_vfio) / sizeof(kernel_vfio[0]);
	return kernel_vfio;
#else
	*n = 0;
	return NULL;
#endif
}

/* SPDX-License-Identifier: MIT */
/*
 * test_abi_layout.c - run-time checks of <uiommufd/iommufd_abi.h> against
 * the numbers of spec/abi.md.
 *
 * The header already asserts every size and offset at compile time; this
 * program is the independent witness.  Every expected value below is typed
 * in from the spec tables (never computed from the header), and several
 * tests go one step further than offsetof: they store a value through the
 * struct and find it at the spec's byte offset in the raw memory, which is
 * what the kernel side (a byte-wise copy_from_user) will see.
 *
 * The coexistence half compares, name by name, the layouts measured in a
 * unit that included the system's <linux/iommufd.h> / <linux/vfio.h> first
 * (abi_layout_kernel.c) with ours.  A missing system header is reported as
 * a skipped test, not as a pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <uiommufd/iommufd_abi.h>

#include "abi_layout_kernel.h"
#include "abi_layout_list.h"

/* Read a little-endian-agnostic host integer at a byte offset. */
static uint64_t load_u64(const void *base, size_t off)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)base + off, sizeof(v));
	return v;
}

static uint32_t load_u32(const void *base, size_t off)
{
	uint32_t v;

	memcpy(&v, (const unsigned char *)base + off, sizeof(v));
	return v;
}

static uint16_t load_u16(const void *base, size_t off)
{
	uint16_t v;

	memcpy(&v, (const unsigned char *)base + off, sizeof(v));
	return v;
}

/* ---- request numbers (spec §1, §5, §6.1) -------------------------------- */

static void test_request_numbers(void **state)
{
	(void)state;
	assert_int_equal(IOMMU_DESTROY, 0x3b80);
	assert_int_equal(IOMMU_IOAS_ALLOC, 0x3b81);
	assert_int_equal(IOMMU_IOAS_ALLOW_IOVAS, 0x3b82);
	assert_int_equal(IOMMU_IOAS_COPY, 0x3b83);
	assert_int_equal(IOMMU_IOAS_IOVA_RANGES, 0x3b84);
	assert_int_equal(IOMMU_IOAS_MAP, 0x3b85);
	assert_int_equal(IOMMU_IOAS_UNMAP, 0x3b86);
	assert_int_equal(IOMMU_OPTION, 0x3b87);
	assert_int_equal(IOMMU_VFIO_IOAS, 0x3b88);
	assert_int_equal(IOMMU_HWPT_ALLOC, 0x3b89);
	assert_int_equal(IOMMU_GET_HW_INFO, 0x3b8a);
	assert_int_equal(IOMMU_HWPT_SET_DIRTY_TRACKING, 0x3b8b);
	assert_int_equal(IOMMU_HWPT_GET_DIRTY_BITMAP, 0x3b8c);
	assert_int_equal(IOMMU_HWPT_INVALIDATE, 0x3b8d);
	assert_int_equal(IOMMU_FAULT_QUEUE_ALLOC, 0x3b8e);
	assert_int_equal(IOMMU_IOAS_MAP_FILE, 0x3b8f);
	assert_int_equal(IOMMU_VIOMMU_ALLOC, 0x3b90);
	assert_int_equal(IOMMU_VDEVICE_ALLOC, 0x3b91);
	assert_int_equal(IOMMU_IOAS_CHANGE_PROCESS, 0x3b92);
	assert_int_equal(IOMMU_VEVENTQ_ALLOC, 0x3b93);
	assert_int_equal(IOMMU_HW_QUEUE_ALLOC, 0x3b94);
	assert_int_equal(IOMMU_TEST_CMD, 0x3ba0);

	assert_int_equal(VFIO_GET_API_VERSION, 0x3b64);
	assert_int_equal(VFIO_CHECK_EXTENSION, 0x3b65);
	assert_int_equal(VFIO_SET_IOMMU, 0x3b66);
	assert_int_equal(VFIO_IOMMU_GET_INFO, 0x3b70);
	assert_int_equal(VFIO_IOMMU_MAP_DMA, 0x3b71);
	assert_int_equal(VFIO_IOMMU_UNMAP_DMA, 0x3b72);
	assert_int_equal(VFIO_IOMMU_DIRTY_PAGES, 0x3b75);
}

/* _IO(): no direction and no size bits, so the number is 0x3b00 | nr. */
static void test_request_encoding(void **state)
{
	(void)state;
	assert_int_equal(_IOC_DIR(IOMMU_IOAS_MAP), 0);
	assert_int_equal(_IOC_SIZE(IOMMU_IOAS_MAP), 0);
	assert_int_equal(_IOC_TYPE(IOMMU_IOAS_MAP), 0x3b);
	assert_int_equal(_IOC_NR(IOMMU_IOAS_MAP), 0x85);
	assert_int_equal(_IOC_DIR(IOMMU_TEST_CMD), 0);
	assert_int_equal(_IOC_SIZE(IOMMU_TEST_CMD), 0);

	assert_int_equal(UIOMMUFD_IOCTL_NR(IOMMU_DESTROY), 0x80);
	assert_int_equal(UIOMMUFD_IOCTL_NR(IOMMU_HW_QUEUE_ALLOC), 0x94);
	assert_int_equal(UIOMMUFD_IOCTL_NR(IOMMU_TEST_CMD), 0xa0);
	assert_int_equal(UIOMMUFD_IOCTL_NR(VFIO_IOMMU_MAP_DMA), 0x71);
	assert_int_equal(UIOMMUFD_IOCTL_TYPE_OF(IOMMU_OPTION), 0x3b);
	assert_int_equal(UIOMMUFD_IOCTL_TYPE_OF(VFIO_SET_IOMMU), 0x3b);
	assert_int_equal(UIOMMUFD_CMD_FIRST, 0x80);
	assert_int_equal(UIOMMUFD_CMD_LAST, 0x94);
	assert_int_equal(UIOMMUFD_CMD_TEST, 0xa0);

	/* A request with a size encoded is a different number (ENOTTY). */
	assert_int_not_equal(_IOW(';', 0x81, struct iommu_ioas_alloc),
			     IOMMU_IOAS_ALLOC);
}

/* ---- §3 core structs: sizes and offsets --------------------------------- */

static void test_core_sizes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct iommu_destroy), 8);
	assert_int_equal(sizeof(struct iommu_ioas_alloc), 12);
	assert_int_equal(sizeof(struct iommu_iova_range), 16);
	assert_int_equal(sizeof(struct iommu_ioas_iova_ranges), 32);
	assert_int_equal(sizeof(struct iommu_ioas_allow_iovas), 24);
	assert_int_equal(sizeof(struct iommu_ioas_map), 40);
	assert_int_equal(sizeof(struct iommu_ioas_copy), 40);
	assert_int_equal(sizeof(struct iommu_ioas_unmap), 24);
	assert_int_equal(sizeof(struct iommu_option), 24);
	assert_int_equal(sizeof(struct iommu_vfio_ioas), 12);
}

static void test_core_offsets(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct iommu_destroy, id), 4);
	assert_int_equal(offsetof(struct iommu_ioas_alloc, out_ioas_id), 8);
	assert_int_equal(offsetof(struct iommu_iova_range, last), 8);
	assert_int_equal(offsetof(struct iommu_ioas_iova_ranges, num_iovas), 8);
	assert_int_equal(offsetof(struct iommu_ioas_iova_ranges, allowed_iovas),
			 16);
	assert_int_equal(offsetof(struct iommu_ioas_iova_ranges,
				  out_iova_alignment), 24);
	assert_int_equal(offsetof(struct iommu_ioas_allow_iovas, allowed_iovas),
			 16);
	assert_int_equal(offsetof(struct iommu_ioas_map, __reserved), 12);
	assert_int_equal(offsetof(struct iommu_ioas_map, user_va), 16);
	assert_int_equal(offsetof(struct iommu_ioas_map, iova), 32);
	assert_int_equal(offsetof(struct iommu_ioas_copy, src_ioas_id), 12);
	assert_int_equal(offsetof(struct iommu_ioas_copy, length), 16);
	assert_int_equal(offsetof(struct iommu_ioas_copy, src_iova), 32);
	assert_int_equal(offsetof(struct iommu_ioas_unmap, iova), 8);
	assert_int_equal(offsetof(struct iommu_ioas_unmap, length), 16);
	assert_int_equal(offsetof(struct iommu_option, op), 8);
	assert_int_equal(offsetof(struct iommu_option, __reserved), 10);
	assert_int_equal(offsetof(struct iommu_option, object_id), 12);
	assert_int_equal(offsetof(struct iommu_option, val64), 16);
	assert_int_equal(offsetof(struct iommu_vfio_ioas, op), 8);
	assert_int_equal(offsetof(struct iommu_vfio_ioas, __reserved), 10);
}

/* Values stored through the struct land at the spec's byte offsets. */
static void test_core_bytes(void **state)
{
	struct iommu_ioas_map map;
	struct iommu_option opt;
	struct iommu_vfio_ioas vi;

	(void)state;
	memset(&map, 0, sizeof(map));
	map.size = sizeof(map);
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE;
	map.ioas_id = 7;
	map.user_va = 0x1122334455667788ULL;
	map.length = 0x200000;
	map.iova = 0xfedcba9876543210ULL;
	assert_int_equal(load_u32(&map, 0), 40);
	assert_int_equal(load_u32(&map, 4), 5);
	assert_int_equal(load_u32(&map, 8), 7);
	assert_int_equal(load_u32(&map, 12), 0);
	assert_true(load_u64(&map, 16) == 0x1122334455667788ULL);
	assert_true(load_u64(&map, 24) == 0x200000);
	assert_true(load_u64(&map, 32) == 0xfedcba9876543210ULL);

	memset(&opt, 0, sizeof(opt));
	opt.option_id = IOMMU_OPTION_HUGE_PAGES;
	opt.op = IOMMU_OPTION_OP_GET;
	opt.object_id = 3;
	opt.val64 = ~0ULL;
	assert_int_equal(load_u32(&opt, 4), 1);
	assert_int_equal(load_u16(&opt, 8), 1);
	assert_int_equal(load_u16(&opt, 10), 0);
	assert_int_equal(load_u32(&opt, 12), 3);
	assert_true(load_u64(&opt, 16) == ~0ULL);

	memset(&vi, 0, sizeof(vi));
	vi.ioas_id = 9;
	vi.op = IOMMU_VFIO_IOAS_CLEAR;
	assert_int_equal(load_u32(&vi, 4), 9);
	assert_int_equal(load_u16(&vi, 8), 2);
}

static void test_core_constants(void **state)
{
	(void)state;
	assert_int_equal(IOMMUFD_TYPE, 0x3b);
	assert_int_equal(IOMMUFD_CMD_BASE, 0x80);
	assert_int_equal(IOMMU_IOAS_MAP_FIXED_IOVA, 1);
	assert_int_equal(IOMMU_IOAS_MAP_WRITEABLE, 2);
	assert_int_equal(IOMMU_IOAS_MAP_READABLE, 4);
	assert_int_equal(IOMMU_OPTION_RLIMIT_MODE, 0);
	assert_int_equal(IOMMU_OPTION_HUGE_PAGES, 1);
	assert_int_equal(IOMMU_OPTION_OP_SET, 0);
	assert_int_equal(IOMMU_OPTION_OP_GET, 1);
	assert_int_equal(IOMMU_VFIO_IOAS_GET, 0);
	assert_int_equal(IOMMU_VFIO_IOAS_SET, 1);
	assert_int_equal(IOMMU_VFIO_IOAS_CLEAR, 2);
}

/* ---- §4 later structs ------------------------------------------------------ */

static void test_later_sizes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct iommu_hwpt_alloc), 48);
	assert_int_equal(sizeof(struct iommu_hw_info), 40);
	assert_int_equal(sizeof(struct iommu_hwpt_set_dirty_tracking), 16);
	assert_int_equal(sizeof(struct iommu_hwpt_get_dirty_bitmap), 48);
	assert_int_equal(sizeof(struct iommu_hwpt_invalidate), 32);
	assert_int_equal(sizeof(struct iommu_fault_alloc), 16);
	assert_int_equal(sizeof(struct iommu_ioas_map_file), 40);
	assert_int_equal(sizeof(struct iommu_viommu_alloc), 40);
	assert_int_equal(sizeof(struct iommu_vdevice_alloc), 24);
	assert_int_equal(sizeof(struct iommu_ioas_change_process), 8);
	assert_int_equal(sizeof(struct iommu_veventq_alloc), 32);
	assert_int_equal(sizeof(struct iommu_hw_queue_alloc), 40);

	assert_int_equal(sizeof(struct iommu_hwpt_vtd_s1), 24);
	assert_int_equal(sizeof(struct iommu_hwpt_arm_smmuv3), 16);
	assert_int_equal(sizeof(struct iommu_hwpt_amd_guest), 32);
	assert_int_equal(sizeof(struct iommu_hw_info_vtd), 24);
	assert_int_equal(sizeof(struct iommu_hw_info_arm_smmuv3), 40);
	assert_int_equal(sizeof(struct iommu_hw_info_tegra241_cmdqv), 8);
	assert_int_equal(sizeof(struct iommu_hw_info_amd), 16);
	assert_int_equal(sizeof(struct iommu_hwpt_vtd_s1_invalidate), 24);
	assert_int_equal(sizeof(struct iommu_viommu_arm_smmuv3_invalidate), 16);
	assert_int_equal(sizeof(struct iommu_hwpt_pgfault), 40);
	assert_int_equal(sizeof(struct iommu_hwpt_page_response), 8);
	assert_int_equal(sizeof(struct iommu_viommu_tegra241_cmdqv), 16);
	assert_int_equal(sizeof(struct iommufd_vevent_header), 8);
	assert_int_equal(sizeof(struct iommu_vevent_arm_smmuv3), 32);
	assert_int_equal(sizeof(struct iommu_vevent_tegra241_cmdqv), 16);
}

/*
 * The minimum sizes of spec §2.1 fall on field ends: the ABI layer will
 * compute them with UIOMMUFD_OFFSETOFEND, so check that they come out right.
 */
static void test_later_min_sizes(void **state)
{
	(void)state;
	assert_int_equal(UIOMMUFD_OFFSETOFEND(struct iommu_hwpt_alloc,
					      __reserved), 24);
	assert_int_equal(UIOMMUFD_OFFSETOFEND(struct iommu_hw_info,
					      __reserved), 32);
	assert_int_equal(UIOMMUFD_OFFSETOFEND(struct iommu_viommu_alloc,
					      out_viommu_id), 24);
	assert_int_equal(UIOMMUFD_OFFSETOFEND(struct iommu_veventq_alloc,
					      out_veventq_fd), 28);
	assert_int_equal(UIOMMUFD_OFFSETOFEND(struct iommu_hw_queue_alloc,
					      length), 40);
	assert_int_equal(UIOMMUFD_OFFSETOFEND(struct iommu_ioas_iova_ranges,
					      out_iova_alignment), 32);
	assert_int_equal(UIOMMUFD_OFFSETOFEND(struct iommu_test_cmd, last), 68);
	assert_int_equal(UIOMMUFD_TEST_CMD_MIN_SIZE, 68);
}

static void test_later_offsets(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct iommu_hwpt_alloc, data_type), 24);
	assert_int_equal(offsetof(struct iommu_hwpt_alloc, data_uptr), 32);
	assert_int_equal(offsetof(struct iommu_hwpt_alloc, fault_id), 40);
	assert_int_equal(offsetof(struct iommu_hwpt_alloc, __reserved2), 44);
	assert_int_equal(offsetof(struct iommu_hw_info, data_uptr), 16);
	assert_int_equal(offsetof(struct iommu_hw_info, in_data_type), 24);
	assert_int_equal(offsetof(struct iommu_hw_info, out_data_type), 24);
	assert_int_equal(offsetof(struct iommu_hw_info, out_max_pasid_log2), 28);
	assert_int_equal(offsetof(struct iommu_hw_info, __reserved), 29);
	assert_int_equal(offsetof(struct iommu_hw_info, out_capabilities), 32);
	assert_int_equal(offsetof(struct iommu_hwpt_get_dirty_bitmap, page_size),
			 32);
	assert_int_equal(offsetof(struct iommu_hwpt_get_dirty_bitmap, data), 40);
	assert_int_equal(offsetof(struct iommu_hwpt_invalidate, data_uptr), 8);
	assert_int_equal(offsetof(struct iommu_hwpt_invalidate, entry_num), 24);
	assert_int_equal(offsetof(struct iommu_fault_alloc, out_fault_fd), 12);
	assert_int_equal(offsetof(struct iommu_hwpt_pgfault, addr), 24);
	assert_int_equal(offsetof(struct iommu_hwpt_pgfault, cookie), 36);
	assert_int_equal(offsetof(struct iommu_ioas_map_file, fd), 12);
	assert_int_equal(offsetof(struct iommu_ioas_map_file, start), 16);
	assert_int_equal(offsetof(struct iommu_viommu_alloc, data_len), 24);
	assert_int_equal(offsetof(struct iommu_viommu_alloc, data_uptr), 32);
	assert_int_equal(offsetof(struct iommu_vdevice_alloc, virt_id), 16);
	assert_int_equal(offsetof(struct iommu_veventq_alloc, veventq_depth),
			 16);
	assert_int_equal(offsetof(struct iommu_veventq_alloc, __reserved), 28);
	assert_int_equal(offsetof(struct iommu_hw_queue_alloc,
				  nesting_parent_iova), 24);
	assert_int_equal(offsetof(struct iommu_hw_info_arm_smmuv3, iidr), 32);
	assert_int_equal(offsetof(struct iommu_hw_info_tegra241_cmdqv,
				  log2vsids), 6);
	assert_int_equal(offsetof(struct iommu_hwpt_vtd_s1, addr_width), 16);
}

/* in_data_type and out_data_type share one u32 at offset 24. */
static void test_hw_info_union(void **state)
{
	struct iommu_hw_info info;

	(void)state;
	memset(&info, 0, sizeof(info));
	info.in_data_type = 0x01020304;
	assert_int_equal(info.out_data_type, 0x01020304);
	assert_int_equal(load_u32(&info, 24), 0x01020304);
	info.out_max_pasid_log2 = 20;
	assert_int_equal(((unsigned char *)&info)[28], 20);
	info.out_capabilities = IOMMU_HW_CAP_DIRTY_TRACKING;
	assert_true(load_u64(&info, 32) == 1);
}

static void test_later_constants(void **state)
{
	(void)state;
	assert_int_equal(IOMMU_HWPT_ALLOC_NEST_PARENT, 1);
	assert_int_equal(IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 2);
	assert_int_equal(IOMMU_HWPT_FAULT_ID_VALID, 4);
	assert_int_equal(IOMMU_HWPT_ALLOC_PASID, 8);
	assert_int_equal(IOMMU_HWPT_DATA_NONE, 0);
	assert_int_equal(IOMMU_HWPT_DATA_VTD_S1, 1);
	assert_int_equal(IOMMU_HWPT_DATA_ARM_SMMUV3, 2);
	assert_int_equal(IOMMU_HWPT_DATA_AMD_GUEST, 3);
	assert_int_equal(IOMMU_HW_INFO_TYPE_NONE, 0);
	assert_int_equal(IOMMU_HW_INFO_TYPE_DEFAULT, 0);
	assert_int_equal(IOMMU_HW_INFO_TYPE_INTEL_VTD, 1);
	assert_int_equal(IOMMU_HW_INFO_TYPE_ARM_SMMUV3, 2);
	assert_int_equal(IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, 3);
	assert_int_equal(IOMMU_HW_INFO_TYPE_AMD, 4);
	assert_int_equal(IOMMU_HW_INFO_FLAG_INPUT_TYPE, 1);
	assert_int_equal(IOMMU_HW_CAP_DIRTY_TRACKING, 1);
	assert_int_equal(IOMMU_HW_CAP_PCI_PASID_EXEC, 2);
	assert_int_equal(IOMMU_HW_CAP_PCI_PASID_PRIV, 4);
	assert_int_equal(IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED, 8);
	assert_int_equal(IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 1);
	assert_int_equal(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, 1);
	assert_int_equal(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, 0);
	assert_int_equal(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, 1);
	assert_int_equal(IOMMU_PGFAULT_FLAGS_PASID_VALID, 1);
	assert_int_equal(IOMMU_PGFAULT_FLAGS_LAST_PAGE, 2);
	assert_int_equal(IOMMU_PGFAULT_PERM_PRIV, 8);
	assert_int_equal(IOMMUFD_PAGE_RESP_SUCCESS, 0);
	assert_int_equal(IOMMUFD_PAGE_RESP_INVALID, 1);
	assert_int_equal(IOMMU_VIOMMU_TYPE_DEFAULT, 0);
	assert_int_equal(IOMMU_VIOMMU_TYPE_ARM_SMMUV3, 1);
	assert_int_equal(IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, 2);
	assert_int_equal(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1);
	assert_int_equal(IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, 2);
	assert_int_equal(IOMMU_VEVENTQ_FLAG_LOST_EVENTS, 1);
	assert_int_equal(IOMMU_HW_QUEUE_TYPE_DEFAULT, 0);
	assert_int_equal(IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV, 1);
}

/* ---- §5 VFIO compatibility --------------------------------------------------- */

static void test_vfio_layout(void **state)
{
	struct vfio_iommu_type1_dma_unmap un;

	(void)state;
	assert_int_equal(sizeof(struct vfio_info_cap_header), 8);
	assert_int_equal(sizeof(struct vfio_iommu_type1_info), 24);
	assert_int_equal(offsetof(struct vfio_iommu_type1_info, iova_pgsizes), 8);
	assert_int_equal(offsetof(struct vfio_iommu_type1_info, cap_offset), 16);
	assert_int_equal(offsetof(struct vfio_iommu_type1_info, pad), 20);
	assert_int_equal(sizeof(struct vfio_iova_range), 16);
	assert_int_equal(sizeof(struct vfio_iommu_type1_info_cap_iova_range), 16);
	assert_int_equal(sizeof(struct vfio_iommu_type1_info_dma_avail), 12);
	assert_int_equal(offsetof(struct vfio_iommu_type1_info_dma_avail, avail),
			 8);
	assert_int_equal(sizeof(struct vfio_iommu_type1_dma_map), 32);
	assert_int_equal(offsetof(struct vfio_iommu_type1_dma_map, vaddr), 8);
	assert_int_equal(offsetof(struct vfio_iommu_type1_dma_map, iova), 16);
	assert_int_equal(offsetof(struct vfio_iommu_type1_dma_map, size), 24);
	assert_int_equal(sizeof(struct vfio_iommu_type1_dma_unmap), 24);

	memset(&un, 0, sizeof(un));
	un.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	un.iova = 0x1000;
	un.size = 0x3000;
	assert_int_equal(load_u32(&un, 4), 2);
	assert_true(load_u64(&un, 8) == 0x1000);
	assert_true(load_u64(&un, 16) == 0x3000);
}

static void test_vfio_constants(void **state)
{
	(void)state;
	assert_int_equal(VFIO_API_VERSION, 0);
	assert_int_equal(VFIO_TYPE1_IOMMU, 1);
	assert_int_equal(VFIO_TYPE1v2_IOMMU, 3);
	assert_int_equal(VFIO_DMA_CC_IOMMU, 4);
	assert_int_equal(VFIO_TYPE1_NESTING_IOMMU, 6);
	assert_int_equal(VFIO_NOIOMMU_IOMMU, 8);
	assert_int_equal(VFIO_UNMAP_ALL, 9);
	assert_int_equal(VFIO_UPDATE_VADDR, 10);
	assert_int_equal(VFIO_IOMMU_INFO_PGSIZES, 1);
	assert_int_equal(VFIO_IOMMU_INFO_CAPS, 2);
	assert_int_equal(VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	assert_int_equal(VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 3);
	assert_int_equal(VFIO_DMA_MAP_FLAG_READ, 1);
	assert_int_equal(VFIO_DMA_MAP_FLAG_WRITE, 2);
	assert_int_equal(VFIO_DMA_MAP_FLAG_VADDR, 4);
	assert_int_equal(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, 1);
	assert_int_equal(VFIO_DMA_UNMAP_FLAG_ALL, 2);
	assert_int_equal(VFIO_DMA_UNMAP_FLAG_VADDR, 4);
}

/* ---- §6 IOMMU_TEST_CMD ----------------------------------------------------- */

static void test_test_cmd_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct iommu_test_cmd), 72);
	assert_int_equal(offsetof(struct iommu_test_cmd, op), 4);
	assert_int_equal(offsetof(struct iommu_test_cmd, id), 8);
	assert_int_equal(offsetof(struct iommu_test_cmd, __reserved), 12);
	assert_int_equal(offsetof(struct iommu_test_cmd, add_reserved), 16);
	assert_int_equal(offsetof(struct iommu_test_cmd, last), 64);
	assert_int_equal(offsetof(struct iommu_test_cmd,
				  mock_domain_flags.dev_flags), 28);
	assert_int_equal(offsetof(struct iommu_test_cmd, check_refs.refs), 32);
	assert_int_equal(offsetof(struct iommu_test_cmd,
				  access_pages.out_access_pages_id), 20);
	assert_int_equal(offsetof(struct iommu_test_cmd, access_pages.uptr), 40);
	assert_int_equal(offsetof(struct iommu_test_cmd, access_rw.flags), 40);
	assert_int_equal(offsetof(struct iommu_test_cmd, dirty.iova), 24);
	assert_int_equal(offsetof(struct iommu_test_cmd, dirty.out_nr_dirty), 56);
	assert_int_equal(offsetof(struct iommu_test_cmd, trigger_iopf.addr), 32);
	assert_int_equal(offsetof(struct iommu_test_cmd, pasid_check.hwpt_id),
			 20);
	assert_int_equal(offsetof(struct iommu_test_cmd, dmabuf_get.open_flags),
			 20);
	assert_int_equal(offsetof(struct iommu_test_cmd, dmabuf_revoke.revoked),
			 20);
}

/* The largest payload (DIRTY) reaches byte 64 exactly, where `last` starts. */
static void test_test_cmd_bytes(void **state)
{
	struct iommu_test_cmd cmd;

	(void)state;
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.op = IOMMU_TEST_OP_DIRTY;
	cmd.id = 5;
	cmd.dirty.flags = 0xaaaaaaaa;
	cmd.dirty.iova = 0x1000000;
	cmd.dirty.length = 0x10000;
	cmd.dirty.page_size = 2048;
	cmd.dirty.uptr = 0x7f0000001000ULL;
	cmd.dirty.out_nr_dirty = 0x0102030405060708ULL;
	cmd.last = 0x55;
	assert_int_equal(load_u32(&cmd, 0), 72);
	assert_int_equal(load_u32(&cmd, 4), 13);
	assert_int_equal(load_u32(&cmd, 8), 5);
	assert_int_equal(load_u32(&cmd, 16), 0xaaaaaaaa);
	assert_int_equal(load_u32(&cmd, 20), 0);	/* padding stays zero */
	assert_true(load_u64(&cmd, 24) == 0x1000000);
	assert_true(load_u64(&cmd, 32) == 0x10000);
	assert_true(load_u64(&cmd, 40) == 2048);
	assert_true(load_u64(&cmd, 48) == 0x7f0000001000ULL);
	assert_true(load_u64(&cmd, 56) == 0x0102030405060708ULL);
	assert_int_equal(load_u32(&cmd, 64), 0x55);

	/* Members of the union overlay each other from byte 16. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.mock_domain.out_stdev_id = 11;
	cmd.mock_domain.out_hwpt_id = 12;
	cmd.mock_domain.out_idev_id = 13;
	assert_int_equal(cmd.mock_domain_flags.out_idev_id, 13);
	assert_int_equal(load_u32(&cmd, 16), 11);
	assert_int_equal(load_u32(&cmd, 20), 12);
	assert_int_equal(load_u32(&cmd, 24), 13);
}

static void test_test_ops(void **state)
{
	(void)state;
	assert_int_equal(IOMMU_TEST_OP_ADD_RESERVED, 1);
	assert_int_equal(IOMMU_TEST_OP_MOCK_DOMAIN, 2);
	assert_int_equal(IOMMU_TEST_OP_MD_CHECK_MAP, 3);
	assert_int_equal(IOMMU_TEST_OP_MD_CHECK_REFS, 4);
	assert_int_equal(IOMMU_TEST_OP_CREATE_ACCESS, 5);
	assert_int_equal(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, 6);
	assert_int_equal(IOMMU_TEST_OP_ACCESS_PAGES, 7);
	assert_int_equal(IOMMU_TEST_OP_ACCESS_RW, 8);
	assert_int_equal(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 9);
	assert_int_equal(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, 10);
	assert_int_equal(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, 11);
	assert_int_equal(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, 12);
	assert_int_equal(IOMMU_TEST_OP_DIRTY, 13);
	assert_int_equal(IOMMU_TEST_OP_MD_CHECK_IOTLB, 14);
	assert_int_equal(IOMMU_TEST_OP_TRIGGER_IOPF, 15);
	assert_int_equal(IOMMU_TEST_OP_DEV_CHECK_CACHE, 16);
	assert_int_equal(IOMMU_TEST_OP_TRIGGER_VEVENT, 17);
	assert_int_equal(IOMMU_TEST_OP_PASID_ATTACH, 18);
	assert_int_equal(IOMMU_TEST_OP_PASID_REPLACE, 19);
	assert_int_equal(IOMMU_TEST_OP_PASID_DETACH, 20);
	assert_int_equal(IOMMU_TEST_OP_PASID_CHECK_HWPT, 21);
	assert_int_equal(IOMMU_TEST_OP_DMABUF_GET, 22);
	assert_int_equal(IOMMU_TEST_OP_DMABUF_REVOKE, 23);
}

static void test_test_structs_and_constants(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct iommu_test_hw_info), 8);
	assert_int_equal(offsetof(struct iommu_test_hw_info, test_reg), 4);
	assert_int_equal(sizeof(struct iommu_hwpt_selftest), 8);
	assert_int_equal(offsetof(struct iommu_hwpt_selftest, pagetable_type), 4);
	assert_int_equal(sizeof(struct iommu_hwpt_invalidate_selftest), 8);
	assert_int_equal(offsetof(struct iommu_hwpt_invalidate_selftest,
				  iotlb_id), 4);
	assert_int_equal(sizeof(struct iommu_viommu_selftest), 24);
	assert_int_equal(offsetof(struct iommu_viommu_selftest, out_mmap_offset),
			 8);
	assert_int_equal(offsetof(struct iommu_viommu_selftest, out_mmap_length),
			 16);
	assert_int_equal(sizeof(struct iommu_viommu_invalidate_selftest), 12);
	assert_int_equal(offsetof(struct iommu_viommu_invalidate_selftest,
				  cache_id), 8);
	assert_int_equal(sizeof(struct iommu_viommu_event_selftest), 4);

	assert_int_equal(MOCK_IOMMUPT_DEFAULT, 0);
	assert_int_equal(MOCK_IOMMUPT_HUGE, 1);
	assert_int_equal(MOCK_APERTURE_START, 0x1000000);
	assert_int_equal(MOCK_APERTURE_LAST, 0x7fffffff);
	assert_int_equal(MOCK_PAGE_SIZE, 2048);
	assert_int_equal(MOCK_HUGE_PAGE_SIZE, 0x100000);
	assert_int_equal(MOCK_FLAGS_ACCESS_WRITE, 1);
	assert_int_equal(MOCK_FLAGS_ACCESS_SYZ, 0x10000);
	assert_int_equal(MOCK_ACCESS_RW_WRITE, 1);
	assert_int_equal(MOCK_ACCESS_RW_SLOW_PATH, 4);
	assert_int_equal(MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, 1);
	assert_int_equal(MOCK_FLAGS_DEVICE_NO_DIRTY, 1);
	assert_int_equal(MOCK_FLAGS_DEVICE_PASID, 4);
	assert_int_equal(MOCK_NESTED_DOMAIN_IOTLB_ID_MAX, 3);
	assert_int_equal(MOCK_NESTED_DOMAIN_IOTLB_NUM, 4);
	assert_int_equal(MOCK_DEV_CACHE_ID_MAX, 3);
	assert_int_equal(MOCK_DEV_CACHE_NUM, 4);
	assert_int_equal(IOMMU_TEST_PASID_RESERVED, 1024);
	assert_int_equal(MOCK_PASID_WIDTH, 20);
	assert_int_equal(IOMMU_HW_INFO_TYPE_SELFTEST, 0xfeedbeef);
	assert_int_equal(IOMMU_HW_INFO_SELFTEST_REGVAL, 0xdeadbeef);
	assert_int_equal(IOMMU_HWPT_DATA_SELFTEST, 0xdead);
	assert_int_equal(IOMMU_TEST_IOTLB_DEFAULT, 0xbadbeef);
	assert_int_equal(IOMMU_TEST_DEV_CACHE_DEFAULT, 0xbaddad);
	assert_int_equal(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, 0xdeadbeef);
	assert_int_equal(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID, 0xdadbeef);
	assert_int_equal(IOMMU_TEST_INVALIDATE_FLAG_ALL, 1);
	assert_int_equal(IOMMU_VIOMMU_TYPE_SELFTEST, 0xdeadbeef);
	assert_int_equal(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, 0xdeadbeef);
	assert_int_equal(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID,
			 0xdadbeef);
	assert_int_equal(IOMMU_VEVENTQ_TYPE_SELFTEST, 0xbeefbeef);
	assert_int_equal(IOMMU_HW_QUEUE_TYPE_SELFTEST, 0xdeadbeef);
	assert_int_equal(IOMMU_TEST_HW_QUEUE_MAX, 2);
}

/* ---- coexistence with the system's kernel headers --------------------- */

static const struct abi_layout_entry ours_iommufd[] = {
	ABI_LIST_IOMMUFD_CORE(ABI_LIST_ENTRY_SIZE, ABI_LIST_ENTRY_OFF)
};

static const struct abi_layout_entry ours_vfio[] = {
	ABI_LIST_VFIO(ABI_LIST_ENTRY_SIZE, ABI_LIST_ENTRY_OFF)
};

/*
 * Every entry measured on the kernel's definition must equal ours, and
 * both lists must name the same things in the same order.
 */
static void compare_tables(const struct abi_layout_entry *kern, size_t nk,
			   const struct abi_layout_entry *ours, size_t no)
{
	size_t i;

	assert_int_equal(nk, no);
	for (i = 0; i < nk; i++) {
		assert_string_equal(kern[i].name, ours[i].name);
		if (kern[i].value != ours[i].value)
			fail_msg("%s: kernel %zu, ours %zu", kern[i].name,
				 kern[i].value, ours[i].value);
	}
}

static void test_coexist_kernel_iommufd(void **state)
{
	const struct abi_layout_entry *kern;
	size_t n;

	(void)state;
	kern = abi_kernel_iommufd_layout(&n);
	if (!kern)
		skip();	/* no <linux/iommufd.h> on this system */
	compare_tables(kern, n, ours_iommufd,
		       sizeof(ours_iommufd) / sizeof(ours_iommufd[0]));
}

static void test_coexist_kernel_vfio(void **state)
{
	const struct abi_layout_entry *kern;
	size_t n;

	(void)state;
	kern = abi_kernel_vfio_layout(&n);
	if (!kern)
		skip();	/* no <linux/vfio.h> on this system */
	compare_tables(kern, n, ours_vfio,
		       sizeof(ours_vfio) / sizeof(ours_vfio[0]));
}

/*
 * Usage: test_abi_layout [layout | iommufd | vfio]
 *
 * Without an argument every test runs, and a missing system header shows
 * up as a cmocka skip.  The meson registrations run the three groups
 * separately, because cmocka reports a skip in TAP as "not ok ... # SKIP",
 * which meson counts as a failure: a coexistence group whose header is
 * missing therefore prints the TAP plan "1..0 # SKIP <reason>" instead,
 * which meson reports as a skipped test.
 */
int main(int argc, char **argv)
{
	const struct CMUnitTest layout_tests[] = {
		cmocka_unit_test(test_request_numbers),
		cmocka_unit_test(test_request_encoding),
		cmocka_unit_test(test_core_sizes),
		cmocka_unit_test(test_core_offsets),
		cmocka_unit_test(test_core_bytes),
		cmocka_unit_test(test_core_constants),
		cmocka_unit_test(test_later_sizes),
		cmocka_unit_test(test_later_min_sizes),
		cmocka_unit_test(test_later_offsets),
		cmocka_unit_test(test_hw_info_union),
		cmocka_unit_test(test_later_constants),
		cmocka_unit_test(test_vfio_layout),
		cmocka_unit_test(test_vfio_constants),
		cmocka_unit_test(test_test_cmd_layout),
		cmocka_unit_test(test_test_cmd_bytes),
		cmocka_unit_test(test_test_ops),
		cmocka_unit_test(test_test_structs_and_constants),
	};
	const struct CMUnitTest iommufd_tests[] = {
		cmocka_unit_test(test_coexist_kernel_iommufd),
	};
	const struct CMUnitTest vfio_tests[] = {
		cmocka_unit_test(test_coexist_kernel_vfio),
	};
	const struct CMUnitTest all_tests[] = {
		cmocka_unit_test(test_request_numbers),
		cmocka_unit_test(test_request_encoding),
		cmocka_unit_test(test_core_sizes),
		cmocka_unit_test(test_core_offsets),
		cmocka_unit_test(test_core_bytes),
		cmocka_unit_test(test_core_constants),
		cmocka_unit_test(test_later_sizes),
		cmocka_unit_test(test_later_min_sizes),
		cmocka_unit_test(test_later_offsets),
		cmocka_unit_test(test_hw_info_union),
		cmocka_unit_test(test_later_constants),
		cmocka_unit_test(test_vfio_layout),
		cmocka_unit_test(test_vfio_constants),
		cmocka_unit_test(test_test_cmd_layout),
		cmocka_unit_test(test_test_cmd_bytes),
		cmocka_unit_test(test_test_ops),
		cmocka_unit_test(test_test_structs_and_constants),
		cmocka_unit_test(test_coexist_kernel_iommufd),
		cmocka_unit_test(test_coexist_kernel_vfio),
	};
	size_t n;

	if (argc < 2)
		return cmocka_run_group_tests(all_tests, NULL, NULL);
	if (strcmp(argv[1], "layout") == 0)
		return cmocka_run_group_tests(layout_tests, NULL, NULL);
	if (strcmp(argv[1], "iommufd") == 0) {
		if (!abi_kernel_iommufd_layout(&n)) {
			printf("1..0 # SKIP no <linux/iommufd.h> on this system\n");
			return 0;
		}
		return cmocka_run_group_tests(iommufd_tests, NULL, NULL);
	}
	if (strcmp(argv[1], "vfio") == 0) {
		if (!abi_kernel_vfio_layout(&n)) {
			printf("1..0 # SKIP no <linux/vfio.h> on this system\n");
			return 0;
		}
		return cmocka_run_group_tests(vfio_tests, NULL, NULL);
	}
	fprintf(stderr, "usage: %s [layout | iommufd | vfio]\n", argv[0]);
	return 2;
}

/* SPDX-License-Identifier: MIT */
/*
 * iommufd_abi.h - the binary interface of /dev/iommu, as a Linux 7.2 kernel
 * presents it, restated by uiommufd from spec/abi.md.
 *
 * What this header is.  Every ioctl on an iommufd takes a pointer to a
 * struct whose first u32 is its own size; the request number carries no
 * size and no direction (it is _IO(';', nr), i.e. 0x3b00 | nr).  This file
 * declares, under the same names the kernel uses, so a program can switch
 * between this header and the system one:
 *
 *   part 1  the iommufd uapi proper: command indexes, request numbers,
 *           every argument struct, every flag and type enum (spec §1, §3,
 *           §4), including the driver-data structs of VT-d, SMMUv3, AMD and
 *           Tegra241 and the records read from fault and vEVENT queues;
 *   part 2  the VFIO type1 container subset that an iommufd also answers
 *           (spec §5): API/extension/SET_IOMMU requests, GET_INFO with its
 *           capability chain, MAP_DMA, UNMAP_DMA;
 *   part 3  the IOMMU_TEST_CMD interface of kernels built with the iommufd
 *           selftest option (spec §6): the 72-byte command, its op numbers,
 *           the mock constants and the selftest driver-data structs.  No
 *           kernel header installs this part, so it is always declared;
 *   part 4  a few helpers of our own (UIOMMUFD_*);
 *   part 5  compile-time checks: every size, every field offset and every
 *           request number of the spec tables.  Each includer re-checks them,
 *           so a wrong edit anywhere stops the build.
 *
 * Coexistence.  A program may include <linux/iommufd.h> or <linux/vfio.h>
 * BEFORE this header; we then skip our copy of that part and the checks of
 * part 5 run against the kernel's definitions where the layout has been
 * stable since Linux 6.2.  The guards test both the in-tree spelling
 * (_UAPI_IOMMUFD_H, _UAPIVFIO_H) and the installed spelling, which the
 * kernel's header installation rewrites to _IOMMUFD_H and VFIO_H.  Including
 * a kernel header AFTER this one is not supported (duplicate definitions).
 * An older system iommufd.h lacks the newer names; that is the price of
 * choosing it.
 *
 * Glossary used in the comments.  `last` is an inclusive end (last byte or
 * IOVA that belongs to a range), `end` is exclusive; `iova + length` may
 * wrap at 2^64, which is why the kernel reports EOVERFLOW.  "MBZ" = must be
 * zero.  "aligned u64" = an 8-byte integer with 8-byte alignment even on
 * 32-bit hosts, so the layout is the same for 32- and 64-bit callers.
 * User pointers travel as __aligned_u64 values, never as C pointers.
 */
#ifndef UIOMMUFD_IOMMUFD_ABI_H
#define UIOMMUFD_IOMMUFD_ABI_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/ioctl.h>

#ifndef __aligned_u64
#define __aligned_u64 __u64 __attribute__((aligned(8)))
#endif
#ifndef __aligned_le64
#define __aligned_le64 __le64 __attribute__((aligned(8)))
#endif

/* ======================================================================
 * Part 1: iommufd uapi (spec §1, §3, §4)
 * ====================================================================== */
#if !defined(_UAPI_IOMMUFD_H) && !defined(_IOMMUFD_H)
#define UIOMMUFD_ABI_OWN_IOMMUFD 1

#define IOMMUFD_TYPE (';')

/* Command indexes: the low byte of every request number. */
enum {
	IOMMUFD_CMD_BASE = 0x80,
	IOMMUFD_CMD_DESTROY = IOMMUFD_CMD_BASE,		/* 0x80 */
	IOMMUFD_CMD_IOAS_ALLOC,				/* 0x81 */
	IOMMUFD_CMD_IOAS_ALLOW_IOVAS,			/* 0x82 */
	IOMMUFD_CMD_IOAS_COPY,				/* 0x83 */
	IOMMUFD_CMD_IOAS_IOVA_RANGES,			/* 0x84 */
	IOMMUFD_CMD_IOAS_MAP,				/* 0x85 */
	IOMMUFD_CMD_IOAS_UNMAP,				/* 0x86 */
	IOMMUFD_CMD_OPTION,				/* 0x87 */
	IOMMUFD_CMD_VFIO_IOAS,				/* 0x88 */
	IOMMUFD_CMD_HWPT_ALLOC,				/* 0x89, 6.6 */
	IOMMUFD_CMD_GET_HW_INFO,			/* 0x8a, 6.6 */
	IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING,		/* 0x8b, 6.7 */
	IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP,		/* 0x8c, 6.7 */
	IOMMUFD_CMD_HWPT_INVALIDATE,			/* 0x8d, 6.8 */
	IOMMUFD_CMD_FAULT_QUEUE_ALLOC,			/* 0x8e, 6.11 */
	IOMMUFD_CMD_IOAS_MAP_FILE,			/* 0x8f, 6.13 */
	IOMMUFD_CMD_VIOMMU_ALLOC,			/* 0x90, 6.13 */
	IOMMUFD_CMD_VDEVICE_ALLOC,			/* 0x91, 6.13 */
	IOMMUFD_CMD_IOAS_CHANGE_PROCESS,		/* 0x92, 6.13 */
	IOMMUFD_CMD_VEVENTQ_ALLOC,			/* 0x93, 6.15 */
	IOMMUFD_CMD_HW_QUEUE_ALLOC,			/* 0x94, 6.17 */
};

/* --- §3.1 DESTROY: release any object by ID. --------------------------- */
struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY)

/* --- §3.2 IOAS_ALLOC: flags MBZ, returns the new IOAS ID. -------------- */
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)

/* --- §3.3 One IOVA interval, [start, last] with `last` inclusive. ------ */
struct iommu_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/*
 * --- §3.4 IOAS_IOVA_RANGES: num_iovas is the array capacity on input and
 * the number of ranges that exist on output (EMSGSIZE when it did not fit).
 */
struct iommu_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;		/* user ptr to iommu_iova_range[] */
	__aligned_u64 out_iova_alignment;
};
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_IOVA_RANGES)

/* --- §3.5 IOAS_ALLOW_IOVAS: replaces the allowed list (0 = clear). ----- */
struct iommu_ioas_allow_iovas {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;		/* user ptr to iommu_iova_range[] */
};
#define IOMMU_IOAS_ALLOW_IOVAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOW_IOVAS)

/* --- §3.6 Flags of MAP, COPY and MAP_FILE. ----------------------------- */
enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

/* --- §3.7 IOAS_MAP: `iova` is an input with FIXED_IOVA, always output. - */
struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)

/* --- §3.8 IOAS_COPY: no reserved word; src range must match a mapping. - */
struct iommu_ioas_copy {
	__u32 size;
	__u32 flags;
	__u32 dst_ioas_id;
	__u32 src_ioas_id;
	__aligned_u64 length;
	__aligned_u64 dst_iova;
	__aligned_u64 src_iova;
};
#define IOMMU_IOAS_COPY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_COPY)

/*
 * --- §3.9 IOAS_UNMAP: `length` returns the bytes removed; iova 0 with
 * length U64_MAX means "everything".
 */
struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)

/* --- §3.10 OPTION: get/set one option; only val64 is written back. ---- */
enum iommufd_option {
	IOMMU_OPTION_RLIMIT_MODE = 0,		/* global, object_id 0 */
	IOMMU_OPTION_HUGE_PAGES = 1,		/* per IOAS */
};

enum iommufd_option_ops {
	IOMMU_OPTION_OP_SET = 0,
	IOMMU_OPTION_OP_GET = 1,
};

struct iommu_option {
	__u32 size;
	__u32 option_id;
	__u16 op;
	__u16 __reserved;
	__u32 object_id;
	__aligned_u64 val64;
};
#define IOMMU_OPTION _IO(IOMMUFD_TYPE, IOMMUFD_CMD_OPTION)

/* --- §3.11 VFIO_IOAS: choose the IOAS that VFIO-compat requests use. -- */
enum iommufd_vfio_ioas_op {
	IOMMU_VFIO_IOAS_GET = 0,
	IOMMU_VFIO_IOAS_SET = 1,
	IOMMU_VFIO_IOAS_CLEAR = 2,
};

struct iommu_vfio_ioas {
	__u32 size;
	__u32 ioas_id;
	__u16 op;
	__u16 __reserved;
};
#define IOMMU_VFIO_IOAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VFIO_IOAS)

/* --- §4.1 HWPT_ALLOC and its driver data. ------------------------------ */
enum iommufd_hwpt_alloc_flags {
	IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
	IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
	IOMMU_HWPT_FAULT_ID_VALID = 1 << 2,
	IOMMU_HWPT_ALLOC_PASID = 1 << 3,
};

enum iommu_hwpt_vtd_s1_flags {
	IOMMU_VTD_S1_SRE = 1 << 0,
	IOMMU_VTD_S1_EAFE = 1 << 1,
	IOMMU_VTD_S1_WPE = 1 << 2,
};

struct iommu_hwpt_vtd_s1 {
	__aligned_u64 flags;
	__aligned_u64 pgtbl_addr;
	__u32 addr_width;
	__u32 __reserved;
};

struct iommu_hwpt_arm_smmuv3 {
	__aligned_le64 ste[2];
};

struct iommu_hwpt_amd_guest {
	__aligned_u64 dte[4];
};

enum iommu_hwpt_data_type {
	IOMMU_HWPT_DATA_NONE = 0,
	IOMMU_HWPT_DATA_VTD_S1 = 1,
	IOMMU_HWPT_DATA_ARM_SMMUV3 = 2,
	IOMMU_HWPT_DATA_AMD_GUEST = 3,
};

/* Accepted sizes 24 (6.6), 40 (6.7), 48 (6.11). */
struct iommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;			/* IOAS, paging HWPT or vIOMMU */
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id;			/* used with IOMMU_HWPT_FAULT_ID_VALID */
	__u32 __reserved2;		/* padding, never checked */
};
#define IOMMU_HWPT_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_ALLOC)

/* --- §4.2 GET_HW_INFO and the per-driver info records. ---------------- */
enum iommu_hw_info_vtd_flags {
	IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 = 1 << 0,
};

struct iommu_hw_info_vtd {
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 cap_reg;
	__aligned_u64 ecap_reg;
};

struct iommu_hw_info_arm_smmuv3 {
	__u32 flags;
	__u32 __reserved;
	__u32 idr[6];
	__u32 iidr;
	__u32 aidr;
};

struct iommu_hw_info_tegra241_cmdqv {
	__u32 flags;
	__u8 version;
	__u8 log2vcmdqs;
	__u8 log2vsids;
	__u8 __reserved;
};

struct iommu_hw_info_amd {
	__aligned_u64 efr;
	__aligned_u64 efr2;
};

enum iommu_hw_info_type {
	IOMMU_HW_INFO_TYPE_NONE = 0,		/* as output */
	IOMMU_HW_INFO_TYPE_DEFAULT = 0,		/* as input */
	IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
	IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
	IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,
	IOMMU_HW_INFO_TYPE_AMD = 4,
};

enum iommufd_hw_capabilities {
	IOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,
	IOMMU_HW_CAP_PCI_PASID_EXEC = 1 << 1,
	IOMMU_HW_CAP_PCI_PASID_PRIV = 1 << 2,
	IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1 << 3,
};

enum iommufd_hw_info_flags {
	IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0,
};

/* Accepted sizes 32 (6.6) and 40 (6.7+). */
struct iommu_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;
	__aligned_u64 data_uptr;
	union {
		__u32 in_data_type;	/* read only with INPUT_TYPE */
		__u32 out_data_type;
	};
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};
#define IOMMU_GET_HW_INFO _IO(IOMMUFD_TYPE, IOMMUFD_CMD_GET_HW_INFO)

/* --- §4.3 HWPT_SET_DIRTY_TRACKING ------------------------------------- */
enum iommufd_hwpt_set_dirty_tracking_flags {
	IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1,
};

struct iommu_hwpt_set_dirty_tracking {
	__u32 size;
	__u32 flags;
	__u32 hwpt_id;
	__u32 __reserved;		/* not checked by the kernel */
};
#define IOMMU_HWPT_SET_DIRTY_TRACKING \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING)

/*
 * --- §4.4 HWPT_GET_DIRTY_BITMAP: bit n covers IOVA iova + n * page_size,
 * stored little endian in 64-bit words; bits are only ever set.
 */
enum iommufd_hwpt_get_dirty_bitmap_flags {
	IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1,
};

struct iommu_hwpt_get_dirty_bitmap {
	__u32 size;
	__u32 hwpt_id;
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 data;		/* user ptr to the bitmap */
};
#define IOMMU_HWPT_GET_DIRTY_BITMAP \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP)

/*
 * --- §4.5 HWPT_INVALIDATE: an array of entry_num entries of entry_len
 * bytes each; entry_num returns how many were handled, also on error.
 */
enum iommu_hwpt_invalidate_data_type {
	IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0,
	IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1,
};

enum iommu_hwpt_vtd_s1_invalidate_flags {
	IOMMU_VTD_INV_FLAGS_LEAF = 1 << 0,
};

struct iommu_hwpt_vtd_s1_invalidate {
	__aligned_u64 addr;
	__aligned_u64 npages;
	__u32 flags;
	__u32 __reserved;
};

struct iommu_viommu_arm_smmuv3_invalidate {
	__aligned_le64 cmd[2];
};

struct iommu_hwpt_invalidate {
	__u32 size;
	__u32 hwpt_id;			/* nested HWPT or vIOMMU */
	__aligned_u64 data_uptr;
	__u32 data_type;
	__u32 entry_len;
	__u32 entry_num;
	__u32 __reserved;
};
#define IOMMU_HWPT_INVALIDATE _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_INVALIDATE)

/* --- §4.6 FAULT_QUEUE_ALLOC and the records of the fault fd. ---------- */
enum iommu_hwpt_pgfault_flags {
	IOMMU_PGFAULT_FLAGS_PASID_VALID = 1 << 0,
	IOMMU_PGFAULT_FLAGS_LAST_PAGE = 1 << 1,
};

enum iommu_hwpt_pgfault_perm {
	IOMMU_PGFAULT_PERM_READ = 1 << 0,
	IOMMU_PGFAULT_PERM_WRITE = 1 << 1,
	IOMMU_PGFAULT_PERM_EXEC = 1 << 2,
	IOMMU_PGFAULT_PERM_PRIV = 1 << 3,
};

/* read() from the fault fd yields whole 40-byte records. */
struct iommu_hwpt_pgfault {
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u32 __reserved;
	__aligned_u64 addr;
	__u32 length;
	__u32 cookie;
};

enum iommufd_page_response_code {
	IOMMUFD_PAGE_RESP_SUCCESS = 0,
	IOMMUFD_PAGE_RESP_INVALID = 1,
};

/* write() to the fault fd takes whole 8-byte records. */
struct iommu_hwpt_page_response {
	__u32 cookie;
	__u32 code;
};

struct iommu_fault_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_fault_id;
	__u32 out_fault_fd;
};
#define IOMMU_FAULT_QUEUE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_FAULT_QUEUE_ALLOC)

/* --- §4.7 IOAS_MAP_FILE: map [start, start + length) of a memfd/dma-buf. */
struct iommu_ioas_map_file {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__s32 fd;
	__aligned_u64 start;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP_FILE _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP_FILE)

/* --- §4.8 VIOMMU_ALLOC ------------------------------------------------- */
enum iommu_viommu_type {
	IOMMU_VIOMMU_TYPE_DEFAULT = 0,
	IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV = 2,
};

struct iommu_viommu_tegra241_cmdqv {
	__aligned_u64 out_vintf_mmap_offset;
	__aligned_u64 out_vintf_mmap_length;
};

/* Accepted sizes 24 (6.13) and 40 (6.17+). */
struct iommu_viommu_alloc {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 dev_id;
	__u32 hwpt_id;
	__u32 out_viommu_id;
	__u32 data_len;
	__u32 __reserved;
	__aligned_u64 data_uptr;
};
#define IOMMU_VIOMMU_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VIOMMU_ALLOC)

/* --- §4.9 VDEVICE_ALLOC ------------------------------------------------ */
struct iommu_vdevice_alloc {
	__u32 size;
	__u32 viommu_id;
	__u32 dev_id;
	__u32 out_vdevice_id;
	__aligned_u64 virt_id;
};
#define IOMMU_VDEVICE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VDEVICE_ALLOC)

/* --- §4.10 IOAS_CHANGE_PROCESS ---------------------------------------- */
struct iommu_ioas_change_process {
	__u32 size;
	__u32 __reserved;
};
#define IOMMU_IOAS_CHANGE_PROCESS \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_CHANGE_PROCESS)

/*
 * --- §4.11 VEVENTQ_ALLOC; each event read from the queue fd is a
 * header immediately followed by the type's event data (none after a
 * LOST_EVENTS header).
 */
enum iommu_veventq_flag {
	IOMMU_VEVENTQ_FLAG_LOST_EVENTS = (1U << 0),
};

struct iommufd_vevent_header {
	__u32 flags;
	__u32 sequence;			/* 0 .. INT_MAX, then wraps to 0 */
};

enum iommu_veventq_type {
	IOMMU_VEVENTQ_TYPE_DEFAULT = 0,
	IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2,
};

struct iommu_vevent_arm_smmuv3 {
	__aligned_le64 evt[4];
};

struct iommu_vevent_tegra241_cmdqv {
	__aligned_le64 lvcmdq_err_map[2];
};

/* Accepted sizes 28 and 32; __reserved lies beyond the minimum. */
struct iommu_veventq_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 veventq_depth;
	__u32 out_veventq_id;
	__u32 out_veventq_fd;
	__u32 __reserved;
};
#define IOMMU_VEVENTQ_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VEVENTQ_ALLOC)

/* --- §4.12 HW_QUEUE_ALLOC --------------------------------------------- */
enum iommu_hw_queue_type {
	IOMMU_HW_QUEUE_TYPE_DEFAULT = 0,
	IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV = 1,
};

struct iommu_hw_queue_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 index;
	__u32 out_hw_queue_id;
	__aligned_u64 nesting_parent_iova;
	__aligned_u64 length;
};
#define IOMMU_HW_QUEUE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HW_QUEUE_ALLOC)

#endif /* part 1 */

/* ======================================================================
 * Part 2: VFIO type1 container compatibility (spec §5)
 * ====================================================================== */
#if !defined(_UAPIVFIO_H) && !defined(VFIO_H) && !defined(VFIO_API_VERSION)
#define UIOMMUFD_ABI_OWN_VFIO 1

#define VFIO_API_VERSION	0

/* Extension ids for VFIO_CHECK_EXTENSION, type ids for VFIO_SET_IOMMU. */
#define VFIO_TYPE1_IOMMU		1
#define VFIO_SPAPR_TCE_IOMMU		2
#define VFIO_TYPE1v2_IOMMU		3
#define VFIO_DMA_CC_IOMMU		4
#define VFIO_EEH			5
#define VFIO_TYPE1_NESTING_IOMMU	6
#define VFIO_SPAPR_TCE_v2_IOMMU		7
#define VFIO_NOIOMMU_IOMMU		8
#define VFIO_UNMAP_ALL			9
#define VFIO_UPDATE_VADDR		10

#define VFIO_TYPE	(';')
#define VFIO_BASE	100

/* Header of every entry in a capability chain; `next` is a byte offset. */
struct vfio_info_cap_header {
	__u16 id;
	__u16 version;
	__u32 next;
};

#define VFIO_GET_API_VERSION	_IO(VFIO_TYPE, VFIO_BASE + 0)	/* 0x3b64 */
#define VFIO_CHECK_EXTENSION	_IO(VFIO_TYPE, VFIO_BASE + 1)	/* 0x3b65 */
#define VFIO_SET_IOMMU		_IO(VFIO_TYPE, VFIO_BASE + 2)	/* 0x3b66 */

struct vfio_iommu_type1_info {
	__u32 argsz;
	__u32 flags;
#define VFIO_IOMMU_INFO_PGSIZES	(1 << 0)
#define VFIO_IOMMU_INFO_CAPS	(1 << 1)
	__u64 iova_pgsizes;
	__u32 cap_offset;		/* 0 when the chain did not fit */
	__u32 pad;
};

/* Capability IOVA_RANGE: here `end` is inclusive, like iommufd's `last`. */
#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE	1

struct vfio_iova_range {
	__u64 start;
	__u64 end;
};

struct vfio_iommu_type1_info_cap_iova_range {
	struct vfio_info_cap_header header;
	__u32 nr_iovas;
	__u32 reserved;
	struct vfio_iova_range iova_ranges[];
};

/* Capability DMA_AVAIL: the number of mappings still allowed. */
#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL		3

struct vfio_iommu_type1_info_dma_avail {
	struct vfio_info_cap_header header;
	__u32 avail;
};

#define VFIO_IOMMU_GET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)	/* 0x3b70 */

struct vfio_iommu_type1_dma_map {
	__u32 argsz;
	__u32 flags;
#define VFIO_DMA_MAP_FLAG_READ	(1 << 0)
#define VFIO_DMA_MAP_FLAG_WRITE	(1 << 1)
#define VFIO_DMA_MAP_FLAG_VADDR	(1 << 2)
	__u64 vaddr;
	__u64 iova;
	__u64 size;
};

#define VFIO_IOMMU_MAP_DMA	_IO(VFIO_TYPE, VFIO_BASE + 13)	/* 0x3b71 */

struct vfio_iommu_type1_dma_unmap {
	__u32 argsz;
	__u32 flags;
#define VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP	(1 << 0)
#define VFIO_DMA_UNMAP_FLAG_ALL			(1 << 1)
#define VFIO_DMA_UNMAP_FLAG_VADDR		(1 << 2)
	__u64 iova;
	__u64 size;
	__u8 data[];
};

#define VFIO_IOMMU_UNMAP_DMA	_IO(VFIO_TYPE, VFIO_BASE + 14)	/* 0x3b72 */

/* Recognised only to be refused with ENOTTY by an iommufd. */
#define VFIO_IOMMU_DIRTY_PAGES	_IO(VFIO_TYPE, VFIO_BASE + 17)	/* 0x3b75 */

#endif /* part 2 */

/* ======================================================================
 * Part 3: IOMMU_TEST_CMD, the selftest interface (spec §6)
 * ====================================================================== */
#ifndef UIOMMUFD_ABI_TEST_CMD_DEFINED
#define UIOMMUFD_ABI_TEST_CMD_DEFINED 1

/* 0x3ba0: nr 0x80 + 32, well past the last regular command. */
#define IOMMU_TEST_CMD _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)

enum {
	IOMMU_TEST_OP_ADD_RESERVED = 1,
	IOMMU_TEST_OP_MOCK_DOMAIN = 2,
	IOMMU_TEST_OP_MD_CHECK_MAP = 3,
	IOMMU_TEST_OP_MD_CHECK_REFS = 4,
	IOMMU_TEST_OP_CREATE_ACCESS = 5,
	IOMMU_TEST_OP_DESTROY_ACCESS_PAGES = 6,
	IOMMU_TEST_OP_ACCESS_PAGES = 7,
	IOMMU_TEST_OP_ACCESS_RW = 8,
	IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT = 9,
	IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE = 10,
	IOMMU_TEST_OP_ACCESS_REPLACE_IOAS = 11,
	IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS = 12,
	IOMMU_TEST_OP_DIRTY = 13,
	IOMMU_TEST_OP_MD_CHECK_IOTLB = 14,
	IOMMU_TEST_OP_TRIGGER_IOPF = 15,
	IOMMU_TEST_OP_DEV_CHECK_CACHE = 16,
	IOMMU_TEST_OP_TRIGGER_VEVENT = 17,
	IOMMU_TEST_OP_PASID_ATTACH = 18,
	IOMMU_TEST_OP_PASID_REPLACE = 19,
	IOMMU_TEST_OP_PASID_DETACH = 20,
	IOMMU_TEST_OP_PASID_CHECK_HWPT = 21,
	IOMMU_TEST_OP_DMABUF_GET = 22,
	IOMMU_TEST_OP_DMABUF_REVOKE = 23,
};

/* Mock domain geometry (DEFAULT page-table type). */
#define MOCK_APERTURE_START	(1UL << 24)		/* 0x1000000 */
#define MOCK_APERTURE_LAST	((1UL << 31) - 1)	/* 0x7fffffff, inclusive */
#define MOCK_PAGE_SIZE		2048UL
#define MOCK_HUGE_PAGE_SIZE	(512UL * MOCK_PAGE_SIZE)	/* 1 MiB */

enum {
	MOCK_IOMMUPT_DEFAULT = 0,
	MOCK_IOMMUPT_HUGE = 1,
};

/* ACCESS_PAGES flags */
#define MOCK_FLAGS_ACCESS_WRITE			(1 << 0)
#define MOCK_FLAGS_ACCESS_SYZ			(1 << 16)
/* ACCESS_RW flags */
#define MOCK_ACCESS_RW_WRITE			(1 << 0)
#define MOCK_ACCESS_RW_SLOW_PATH		(1 << 2)
/* CREATE_ACCESS flags */
#define MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES	(1 << 0)
/* MOCK_DOMAIN_FLAGS dev_flags (bit 1 is retired and now rejected) */
#define MOCK_FLAGS_DEVICE_NO_DIRTY		(1 << 0)
#define MOCK_FLAGS_DEVICE_PASID			(1 << 2)

#define MOCK_NESTED_DOMAIN_IOTLB_ID_MAX		3
#define MOCK_NESTED_DOMAIN_IOTLB_NUM		4
#define MOCK_DEV_CACHE_ID_MAX			3
#define MOCK_DEV_CACHE_NUM			4
#define MOCK_PASID_WIDTH			20
#define IOMMU_TEST_PASID_RESERVED		1024
#define IOMMU_TEST_HW_QUEUE_MAX			2

/*
 * Selftest type constants.  Several exceed INT_MAX, so they are unsigned
 * macros rather than enumerators (an enum constant must fit in int in ISO
 * C11).  They share values on purpose: each is looked up in its own field.
 */
#define IOMMU_HW_INFO_TYPE_SELFTEST			0xfeedbeefU
#define IOMMU_HW_INFO_SELFTEST_REGVAL			0xdeadbeefU
#define IOMMU_HWPT_DATA_SELFTEST			0xdeadU
#define IOMMU_TEST_IOTLB_DEFAULT			0xbadbeefU
#define IOMMU_TEST_DEV_CACHE_DEFAULT			0xbaddadU
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST		0xdeadbeefU
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID	0xdadbeefU
#define IOMMU_VIOMMU_TYPE_SELFTEST			0xdeadbeefU
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST		0xdeadbeefU
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID	0xdadbeefU
#define IOMMU_VEVENTQ_TYPE_SELFTEST			0xbeefbeefU
#define IOMMU_HW_QUEUE_TYPE_SELFTEST			0xdeadbeefU
#define IOMMU_TEST_INVALIDATE_FLAG_ALL			(1 << 0)

/*
 * The command.  The union holds one payload per op (8-byte aligned, 48
 * bytes); `last` marks the end of the mandatory part, so the smallest
 * accepted size is offsetof(last) + 4 = 68 while sizeof is 72.
 */
struct iommu_test_cmd {
	__u32 size;
	__u32 op;
	__u32 id;			/* IOAS, HWPT, DEVICE, stdev or an access fd */
	__u32 __reserved;
	union {
		struct {
			__aligned_u64 start;
			__aligned_u64 length;
		} add_reserved;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
		} mock_domain;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
			__u32 dev_flags;
		} mock_domain_flags;
		struct {
			__u32 pt_id;
		} mock_domain_replace;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} check_map;
		struct {
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 refs;
		} check_refs;
		struct {
			__u32 out_access_fd;
			__u32 flags;
		} create_access;
		struct {
			__u32 access_pages_id;
		} destroy_access_pages;
		struct {
			__u32 flags;
			__u32 out_access_pages_id;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} access_pages;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 flags;
		} access_rw;
		struct {
			__u32 limit;
		} memory_limit;
		struct {
			__u32 ioas_id;
		} access_replace_ioas;
		struct {
			__u32 flags;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 page_size;
			__aligned_u64 uptr;
			__aligned_u64 out_nr_dirty;
		} dirty;
		struct {
			__u32 id;
			__u32 iotlb;
		} check_iotlb;
		struct {
			__u32 dev_id;
			__u32 pasid;
			__u32 grpid;
			__u32 perm;
			__u64 addr;
		} trigger_iopf;
		struct {
			__u32 id;
			__u32 cache;
		} check_dev_cache;
		struct {
			__u32 dev_id;
		} trigger_vevent;
		struct {
			__u32 pasid;
			__u32 pt_id;
		} pasid_attach;
		struct {
			__u32 pasid;
			__u32 pt_id;
		} pasid_replace;
		struct {
			__u32 pasid;
		} pasid_detach;
		struct {
			__u32 pasid;
			__u32 hwpt_id;
		} pasid_check;
		struct {
			__u32 length;
			__u32 open_flags;
		} dmabuf_get;
		struct {
			__s32 dmabuf_fd;
			__u32 revoked;
		} dmabuf_revoke;
	};
	__u32 last;
};

/* GET_HW_INFO data of a mock device (type IOMMU_HW_INFO_TYPE_SELFTEST). */
struct iommu_test_hw_info {
	__u32 flags;
	__u32 test_reg;
};

/* HWPT_ALLOC driver data (type IOMMU_HWPT_DATA_SELFTEST). */
struct iommu_hwpt_selftest {
	__u32 iotlb;
	__u32 pagetable_type;		/* MOCK_IOMMUPT_* */
};

/* HWPT_INVALIDATE entry for a mock nested HWPT. */
struct iommu_hwpt_invalidate_selftest {
	__u32 flags;			/* IOMMU_TEST_INVALIDATE_FLAG_ALL */
	__u32 iotlb_id;
};

/* VIOMMU_ALLOC driver data (type IOMMU_VIOMMU_TYPE_SELFTEST). */
struct iommu_viommu_selftest {
	__u32 in_data;
	__u32 out_data;
	__aligned_u64 out_mmap_offset;
	__aligned_u64 out_mmap_length;
};

/* HWPT_INVALIDATE entry for a mock vIOMMU. */
struct iommu_viommu_invalidate_selftest {
	__u32 flags;			/* IOMMU_TEST_INVALIDATE_FLAG_ALL */
	__u32 vdev_id;			/* the vDEVICE's virt_id */
	__u32 cache_id;
};

/* Payload of a SELFTEST vEVENT. */
struct iommu_viommu_event_selftest {
	__u32 virt_id;
};

#endif /* part 3 */

/* ======================================================================
 * Part 4: uiommufd helpers
 * ====================================================================== */
#ifndef UIOMMUFD_IOCTL_TYPE
#define UIOMMUFD_IOCTL_TYPE		0x3b
/* The command index of a request number (its low 8 bits). */
#define UIOMMUFD_IOCTL_NR(request)	((unsigned int)(request) & 0xffU)
/* The type byte of a request number (0x3b for iommufd and VFIO). */
#define UIOMMUFD_IOCTL_TYPE_OF(request)	(((unsigned int)(request) >> 8) & 0xffU)
/* First and last regular command index of Linux 7.2, and the test slot. */
#define UIOMMUFD_CMD_FIRST		0x80
#define UIOMMUFD_CMD_LAST		0x94
#define UIOMMUFD_CMD_TEST		0xa0
/* Smallest byte count that still contains all of `field`. */
#define UIOMMUFD_OFFSETOFEND(type, field) \
	(offsetof(type, field) + sizeof(((type *)0)->field))
/* Accepted `size` range of IOMMU_TEST_CMD in 7.2. */
#define UIOMMUFD_TEST_CMD_MIN_SIZE	68
#endif

/* ======================================================================
 * Part 5: compile-time checks against the spec tables
 * ====================================================================== */
#ifdef __cplusplus
#define UIOMMUFD_ABI_ASSERT(cond, what) static_assert(cond, what)
#else
#define UIOMMUFD_ABI_ASSERT(cond, what) _Static_assert(cond, what)
#endif
#define UIOMMUFD_ABI_SIZE(type, n) \
	UIOMMUFD_ABI_ASSERT(sizeof(type) == (n), "sizeof " #type)
#define UIOMMUFD_ABI_OFF(type, field, n) \
	UIOMMUFD_ABI_ASSERT(offsetof(type, field) == (n), \
			    "offsetof " #type "." #field)
#define UIOMMUFD_ABI_REQ(req, n) \
	UIOMMUFD_ABI_ASSERT((req) == (n), "request number " #req)

/*
 * Layouts that have been the same since Linux 6.2: checked whoever defined
 * them (us, or a system <linux/iommufd.h> included earlier).
 */
UIOMMUFD_ABI_ASSERT(IOMMUFD_TYPE == 0x3b, "IOMMUFD_TYPE");
UIOMMUFD_ABI_ASSERT(IOMMUFD_CMD_BASE == 0x80, "IOMMUFD_CMD_BASE");

UIOMMUFD_ABI_REQ(IOMMU_DESTROY, 0x3b80);
UIOMMUFD_ABI_REQ(IOMMU_IOAS_ALLOC, 0x3b81);
UIOMMUFD_ABI_REQ(IOMMU_IOAS_ALLOW_IOVAS, 0x3b82);
UIOMMUFD_ABI_REQ(IOMMU_IOAS_COPY, 0x3b83);
UIOMMUFD_ABI_REQ(IOMMU_IOAS_IOVA_RANGES, 0x3b84);
UIOMMUFD_ABI_REQ(IOMMU_IOAS_MAP, 0x3b85);
UIOMMUFD_ABI_REQ(IOMMU_IOAS_UNMAP, 0x3b86);
UIOMMUFD_ABI_REQ(IOMMU_OPTION, 0x3b87);
UIOMMUFD_ABI_REQ(IOMMU_VFIO_IOAS, 0x3b88);

UIOMMUFD_ABI_SIZE(struct iommu_destroy, 8);
UIOMMUFD_ABI_OFF(struct iommu_destroy, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_destroy, id, 4);

UIOMMUFD_ABI_SIZE(struct iommu_ioas_alloc, 12);
UIOMMUFD_ABI_OFF(struct iommu_ioas_alloc, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_ioas_alloc, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_ioas_alloc, out_ioas_id, 8);

UIOMMUFD_ABI_SIZE(struct iommu_iova_range, 16);
UIOMMUFD_ABI_OFF(struct iommu_iova_range, start, 0);
UIOMMUFD_ABI_OFF(struct iommu_iova_range, last, 8);

UIOMMUFD_ABI_SIZE(struct iommu_ioas_iova_ranges, 32);
UIOMMUFD_ABI_OFF(struct iommu_ioas_iova_ranges, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_ioas_iova_ranges, ioas_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_ioas_iova_ranges, num_iovas, 8);
UIOMMUFD_ABI_OFF(struct iommu_ioas_iova_ranges, __reserved, 12);
UIOMMUFD_ABI_OFF(struct iommu_ioas_iova_ranges, allowed_iovas, 16);
UIOMMUFD_ABI_OFF(struct iommu_ioas_iova_ranges, out_iova_alignment, 24);

UIOMMUFD_ABI_SIZE(struct iommu_ioas_allow_iovas, 24);
UIOMMUFD_ABI_OFF(struct iommu_ioas_allow_iovas, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_ioas_allow_iovas, ioas_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_ioas_allow_iovas, num_iovas, 8);
UIOMMUFD_ABI_OFF(struct iommu_ioas_allow_iovas, __reserved, 12);
UIOMMUFD_ABI_OFF(struct iommu_ioas_allow_iovas, allowed_iovas, 16);

UIOMMUFD_ABI_ASSERT(IOMMU_IOAS_MAP_FIXED_IOVA == 1, "MAP_FIXED_IOVA");
UIOMMUFD_ABI_ASSERT(IOMMU_IOAS_MAP_WRITEABLE == 2, "MAP_WRITEABLE");
UIOMMUFD_ABI_ASSERT(IOMMU_IOAS_MAP_READABLE == 4, "MAP_READABLE");

UIOMMUFD_ABI_SIZE(struct iommu_ioas_map, 40);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map, ioas_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map, __reserved, 12);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map, user_va, 16);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map, length, 24);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map, iova, 32);

UIOMMUFD_ABI_SIZE(struct iommu_ioas_copy, 40);
UIOMMUFD_ABI_OFF(struct iommu_ioas_copy, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_ioas_copy, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_ioas_copy, dst_ioas_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_ioas_copy, src_ioas_id, 12);
UIOMMUFD_ABI_OFF(struct iommu_ioas_copy, length, 16);
UIOMMUFD_ABI_OFF(struct iommu_ioas_copy, dst_iova, 24);
UIOMMUFD_ABI_OFF(struct iommu_ioas_copy, src_iova, 32);

UIOMMUFD_ABI_SIZE(struct iommu_ioas_unmap, 24);
UIOMMUFD_ABI_OFF(struct iommu_ioas_unmap, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_ioas_unmap, ioas_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_ioas_unmap, iova, 8);
UIOMMUFD_ABI_OFF(struct iommu_ioas_unmap, length, 16);

UIOMMUFD_ABI_ASSERT(IOMMU_OPTION_RLIMIT_MODE == 0, "OPTION_RLIMIT_MODE");
UIOMMUFD_ABI_ASSERT(IOMMU_OPTION_HUGE_PAGES == 1, "OPTION_HUGE_PAGES");
UIOMMUFD_ABI_ASSERT(IOMMU_OPTION_OP_SET == 0, "OPTION_OP_SET");
UIOMMUFD_ABI_ASSERT(IOMMU_OPTION_OP_GET == 1, "OPTION_OP_GET");

UIOMMUFD_ABI_SIZE(struct iommu_option, 24);
UIOMMUFD_ABI_OFF(struct iommu_option, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_option, option_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_option, op, 8);
UIOMMUFD_ABI_OFF(struct iommu_option, __reserved, 10);
UIOMMUFD_ABI_OFF(struct iommu_option, object_id, 12);
UIOMMUFD_ABI_OFF(struct iommu_option, val64, 16);

UIOMMUFD_ABI_ASSERT(IOMMU_VFIO_IOAS_GET == 0, "VFIO_IOAS_GET");
UIOMMUFD_ABI_ASSERT(IOMMU_VFIO_IOAS_SET == 1, "VFIO_IOAS_SET");
UIOMMUFD_ABI_ASSERT(IOMMU_VFIO_IOAS_CLEAR == 2, "VFIO_IOAS_CLEAR");

UIOMMUFD_ABI_SIZE(struct iommu_vfio_ioas, 12);
UIOMMUFD_ABI_OFF(struct iommu_vfio_ioas, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_vfio_ioas, ioas_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_vfio_ioas, op, 8);
UIOMMUFD_ABI_OFF(struct iommu_vfio_ioas, __reserved, 10);

#ifdef UIOMMUFD_ABI_OWN_IOMMUFD
/* Layouts that grew after 6.2: checked only on our own definitions. */
UIOMMUFD_ABI_REQ(IOMMU_HWPT_ALLOC, 0x3b89);
UIOMMUFD_ABI_REQ(IOMMU_GET_HW_INFO, 0x3b8a);
UIOMMUFD_ABI_REQ(IOMMU_HWPT_SET_DIRTY_TRACKING, 0x3b8b);
UIOMMUFD_ABI_REQ(IOMMU_HWPT_GET_DIRTY_BITMAP, 0x3b8c);
UIOMMUFD_ABI_REQ(IOMMU_HWPT_INVALIDATE, 0x3b8d);
UIOMMUFD_ABI_REQ(IOMMU_FAULT_QUEUE_ALLOC, 0x3b8e);
UIOMMUFD_ABI_REQ(IOMMU_IOAS_MAP_FILE, 0x3b8f);
UIOMMUFD_ABI_REQ(IOMMU_VIOMMU_ALLOC, 0x3b90);
UIOMMUFD_ABI_REQ(IOMMU_VDEVICE_ALLOC, 0x3b91);
UIOMMUFD_ABI_REQ(IOMMU_IOAS_CHANGE_PROCESS, 0x3b92);
UIOMMUFD_ABI_REQ(IOMMU_VEVENTQ_ALLOC, 0x3b93);
UIOMMUFD_ABI_REQ(IOMMU_HW_QUEUE_ALLOC, 0x3b94);
UIOMMUFD_ABI_ASSERT(IOMMUFD_CMD_HW_QUEUE_ALLOC == UIOMMUFD_CMD_LAST,
		    "UIOMMUFD_CMD_LAST");

UIOMMUFD_ABI_SIZE(struct iommu_hwpt_alloc, 48);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, dev_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, pt_id, 12);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, out_hwpt_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, __reserved, 20);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, data_type, 24);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, data_len, 28);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, data_uptr, 32);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, fault_id, 40);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_alloc, __reserved2, 44);
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_ALLOC_NEST_PARENT == 1, "NEST_PARENT");
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_ALLOC_DIRTY_TRACKING == 2, "DIRTY_TRACKING");
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_FAULT_ID_VALID == 4, "FAULT_ID_VALID");
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_ALLOC_PASID == 8, "ALLOC_PASID");
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_DATA_NONE == 0, "DATA_NONE");
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_DATA_VTD_S1 == 1, "DATA_VTD_S1");
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_DATA_ARM_SMMUV3 == 2, "DATA_ARM_SMMUV3");
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_DATA_AMD_GUEST == 3, "DATA_AMD_GUEST");

UIOMMUFD_ABI_SIZE(struct iommu_hwpt_vtd_s1, 24);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_vtd_s1, flags, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_vtd_s1, pgtbl_addr, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_vtd_s1, addr_width, 16);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_vtd_s1, __reserved, 20);
UIOMMUFD_ABI_SIZE(struct iommu_hwpt_arm_smmuv3, 16);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_arm_smmuv3, ste, 0);
UIOMMUFD_ABI_SIZE(struct iommu_hwpt_amd_guest, 32);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_amd_guest, dte, 0);

UIOMMUFD_ABI_SIZE(struct iommu_hw_info, 40);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, dev_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, data_len, 12);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, data_uptr, 16);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, in_data_type, 24);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, out_data_type, 24);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, out_max_pasid_log2, 28);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, __reserved, 29);
UIOMMUFD_ABI_OFF(struct iommu_hw_info, out_capabilities, 32);
UIOMMUFD_ABI_ASSERT(IOMMU_HW_INFO_TYPE_NONE == 0, "HW_INFO_TYPE_NONE");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_INFO_TYPE_DEFAULT == 0, "HW_INFO_TYPE_DEFAULT");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_INFO_TYPE_INTEL_VTD == 1, "TYPE_INTEL_VTD");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_INFO_TYPE_ARM_SMMUV3 == 2, "TYPE_ARM_SMMUV3");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV == 3, "TYPE_TEGRA");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_INFO_TYPE_AMD == 4, "HW_INFO_TYPE_AMD");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_INFO_FLAG_INPUT_TYPE == 1, "FLAG_INPUT_TYPE");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_CAP_DIRTY_TRACKING == 1, "CAP_DIRTY");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_CAP_PCI_PASID_EXEC == 2, "CAP_PASID_EXEC");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_CAP_PCI_PASID_PRIV == 4, "CAP_PASID_PRIV");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED == 8, "CAP_ATS");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 == 1, "VTD_ERRATA");

UIOMMUFD_ABI_SIZE(struct iommu_hw_info_vtd, 24);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_vtd, flags, 0);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_vtd, __reserved, 4);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_vtd, cap_reg, 8);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_vtd, ecap_reg, 16);
UIOMMUFD_ABI_SIZE(struct iommu_hw_info_arm_smmuv3, 40);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_arm_smmuv3, flags, 0);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_arm_smmuv3, __reserved, 4);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_arm_smmuv3, idr, 8);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_arm_smmuv3, iidr, 32);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_arm_smmuv3, aidr, 36);
UIOMMUFD_ABI_SIZE(struct iommu_hw_info_tegra241_cmdqv, 8);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_tegra241_cmdqv, flags, 0);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_tegra241_cmdqv, version, 4);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_tegra241_cmdqv, log2vcmdqs, 5);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_tegra241_cmdqv, log2vsids, 6);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_tegra241_cmdqv, __reserved, 7);
UIOMMUFD_ABI_SIZE(struct iommu_hw_info_amd, 16);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_amd, efr, 0);
UIOMMUFD_ABI_OFF(struct iommu_hw_info_amd, efr2, 8);

UIOMMUFD_ABI_SIZE(struct iommu_hwpt_set_dirty_tracking, 16);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_set_dirty_tracking, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_set_dirty_tracking, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_set_dirty_tracking, hwpt_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_set_dirty_tracking, __reserved, 12);
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_DIRTY_TRACKING_ENABLE == 1, "DIRTY_ENABLE");

UIOMMUFD_ABI_SIZE(struct iommu_hwpt_get_dirty_bitmap, 48);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_get_dirty_bitmap, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_get_dirty_bitmap, hwpt_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_get_dirty_bitmap, flags, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_get_dirty_bitmap, __reserved, 12);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_get_dirty_bitmap, iova, 16);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_get_dirty_bitmap, length, 24);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_get_dirty_bitmap, page_size, 32);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_get_dirty_bitmap, data, 40);
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR == 1, "NO_CLEAR");

UIOMMUFD_ABI_SIZE(struct iommu_hwpt_invalidate, 32);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate, hwpt_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate, data_uptr, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate, data_type, 16);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate, entry_len, 20);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate, entry_num, 24);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate, __reserved, 28);
UIOMMUFD_ABI_ASSERT(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 == 0, "INV_VTD_S1");
UIOMMUFD_ABI_ASSERT(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 == 1, "INV_SMMU");
UIOMMUFD_ABI_ASSERT(IOMMU_VTD_INV_FLAGS_LEAF == 1, "VTD_INV_FLAGS_LEAF");
UIOMMUFD_ABI_SIZE(struct iommu_hwpt_vtd_s1_invalidate, 24);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_vtd_s1_invalidate, addr, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_vtd_s1_invalidate, npages, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_vtd_s1_invalidate, flags, 16);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_vtd_s1_invalidate, __reserved, 20);
UIOMMUFD_ABI_SIZE(struct iommu_viommu_arm_smmuv3_invalidate, 16);
UIOMMUFD_ABI_OFF(struct iommu_viommu_arm_smmuv3_invalidate, cmd, 0);

UIOMMUFD_ABI_SIZE(struct iommu_fault_alloc, 16);
UIOMMUFD_ABI_OFF(struct iommu_fault_alloc, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_fault_alloc, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_fault_alloc, out_fault_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_fault_alloc, out_fault_fd, 12);
UIOMMUFD_ABI_SIZE(struct iommu_hwpt_pgfault, 40);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, flags, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, dev_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, pasid, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, grpid, 12);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, perm, 16);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, __reserved, 20);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, addr, 24);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, length, 32);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_pgfault, cookie, 36);
UIOMMUFD_ABI_ASSERT(IOMMU_PGFAULT_FLAGS_PASID_VALID == 1, "PASID_VALID");
UIOMMUFD_ABI_ASSERT(IOMMU_PGFAULT_FLAGS_LAST_PAGE == 2, "LAST_PAGE");
UIOMMUFD_ABI_ASSERT(IOMMU_PGFAULT_PERM_READ == 1, "PERM_READ");
UIOMMUFD_ABI_ASSERT(IOMMU_PGFAULT_PERM_WRITE == 2, "PERM_WRITE");
UIOMMUFD_ABI_ASSERT(IOMMU_PGFAULT_PERM_EXEC == 4, "PERM_EXEC");
UIOMMUFD_ABI_ASSERT(IOMMU_PGFAULT_PERM_PRIV == 8, "PERM_PRIV");
UIOMMUFD_ABI_SIZE(struct iommu_hwpt_page_response, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_page_response, cookie, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_page_response, code, 4);
UIOMMUFD_ABI_ASSERT(IOMMUFD_PAGE_RESP_SUCCESS == 0, "RESP_SUCCESS");
UIOMMUFD_ABI_ASSERT(IOMMUFD_PAGE_RESP_INVALID == 1, "RESP_INVALID");

UIOMMUFD_ABI_SIZE(struct iommu_ioas_map_file, 40);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map_file, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map_file, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map_file, ioas_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map_file, fd, 12);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map_file, start, 16);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map_file, length, 24);
UIOMMUFD_ABI_OFF(struct iommu_ioas_map_file, iova, 32);

UIOMMUFD_ABI_SIZE(struct iommu_viommu_alloc, 40);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, type, 8);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, dev_id, 12);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, hwpt_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, out_viommu_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, data_len, 24);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, __reserved, 28);
UIOMMUFD_ABI_OFF(struct iommu_viommu_alloc, data_uptr, 32);
UIOMMUFD_ABI_ASSERT(IOMMU_VIOMMU_TYPE_DEFAULT == 0, "VIOMMU_TYPE_DEFAULT");
UIOMMUFD_ABI_ASSERT(IOMMU_VIOMMU_TYPE_ARM_SMMUV3 == 1, "VIOMMU_TYPE_SMMU");
UIOMMUFD_ABI_ASSERT(IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV == 2, "VIOMMU_TEGRA");
UIOMMUFD_ABI_SIZE(struct iommu_viommu_tegra241_cmdqv, 16);
UIOMMUFD_ABI_OFF(struct iommu_viommu_tegra241_cmdqv, out_vintf_mmap_offset, 0);
UIOMMUFD_ABI_OFF(struct iommu_viommu_tegra241_cmdqv, out_vintf_mmap_length, 8);

UIOMMUFD_ABI_SIZE(struct iommu_vdevice_alloc, 24);
UIOMMUFD_ABI_OFF(struct iommu_vdevice_alloc, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_vdevice_alloc, viommu_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_vdevice_alloc, dev_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_vdevice_alloc, out_vdevice_id, 12);
UIOMMUFD_ABI_OFF(struct iommu_vdevice_alloc, virt_id, 16);

UIOMMUFD_ABI_SIZE(struct iommu_ioas_change_process, 8);
UIOMMUFD_ABI_OFF(struct iommu_ioas_change_process, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_ioas_change_process, __reserved, 4);

UIOMMUFD_ABI_SIZE(struct iommu_veventq_alloc, 32);
UIOMMUFD_ABI_OFF(struct iommu_veventq_alloc, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_veventq_alloc, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_veventq_alloc, viommu_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_veventq_alloc, type, 12);
UIOMMUFD_ABI_OFF(struct iommu_veventq_alloc, veventq_depth, 16);
UIOMMUFD_ABI_OFF(struct iommu_veventq_alloc, out_veventq_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_veventq_alloc, out_veventq_fd, 24);
UIOMMUFD_ABI_OFF(struct iommu_veventq_alloc, __reserved, 28);
UIOMMUFD_ABI_ASSERT(IOMMU_VEVENTQ_TYPE_DEFAULT == 0, "VEVENTQ_DEFAULT");
UIOMMUFD_ABI_ASSERT(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 == 1, "VEVENTQ_SMMU");
UIOMMUFD_ABI_ASSERT(IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV == 2, "VEVENTQ_TEGRA");
UIOMMUFD_ABI_ASSERT(IOMMU_VEVENTQ_FLAG_LOST_EVENTS == 1, "LOST_EVENTS");
UIOMMUFD_ABI_SIZE(struct iommufd_vevent_header, 8);
UIOMMUFD_ABI_OFF(struct iommufd_vevent_header, flags, 0);
UIOMMUFD_ABI_OFF(struct iommufd_vevent_header, sequence, 4);
UIOMMUFD_ABI_SIZE(struct iommu_vevent_arm_smmuv3, 32);
UIOMMUFD_ABI_OFF(struct iommu_vevent_arm_smmuv3, evt, 0);
UIOMMUFD_ABI_SIZE(struct iommu_vevent_tegra241_cmdqv, 16);
UIOMMUFD_ABI_OFF(struct iommu_vevent_tegra241_cmdqv, lvcmdq_err_map, 0);

UIOMMUFD_ABI_SIZE(struct iommu_hw_queue_alloc, 40);
UIOMMUFD_ABI_OFF(struct iommu_hw_queue_alloc, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_hw_queue_alloc, flags, 4);
UIOMMUFD_ABI_OFF(struct iommu_hw_queue_alloc, viommu_id, 8);
UIOMMUFD_ABI_OFF(struct iommu_hw_queue_alloc, type, 12);
UIOMMUFD_ABI_OFF(struct iommu_hw_queue_alloc, index, 16);
UIOMMUFD_ABI_OFF(struct iommu_hw_queue_alloc, out_hw_queue_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_hw_queue_alloc, nesting_parent_iova, 24);
UIOMMUFD_ABI_OFF(struct iommu_hw_queue_alloc, length, 32);
UIOMMUFD_ABI_ASSERT(IOMMU_HW_QUEUE_TYPE_DEFAULT == 0, "HW_QUEUE_DEFAULT");
UIOMMUFD_ABI_ASSERT(IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV == 1, "HW_QUEUE_TEGRA");
#endif /* UIOMMUFD_ABI_OWN_IOMMUFD */

/* VFIO: request numbers, ids and the layouts both VFIO headers share. */
UIOMMUFD_ABI_REQ(VFIO_GET_API_VERSION, 0x3b64);
UIOMMUFD_ABI_REQ(VFIO_CHECK_EXTENSION, 0x3b65);
UIOMMUFD_ABI_REQ(VFIO_SET_IOMMU, 0x3b66);
UIOMMUFD_ABI_REQ(VFIO_IOMMU_GET_INFO, 0x3b70);
UIOMMUFD_ABI_REQ(VFIO_IOMMU_MAP_DMA, 0x3b71);
UIOMMUFD_ABI_REQ(VFIO_IOMMU_UNMAP_DMA, 0x3b72);
UIOMMUFD_ABI_REQ(VFIO_IOMMU_DIRTY_PAGES, 0x3b75);
UIOMMUFD_ABI_ASSERT(VFIO_API_VERSION == 0, "VFIO_API_VERSION");
UIOMMUFD_ABI_ASSERT(VFIO_TYPE1_IOMMU == 1, "VFIO_TYPE1_IOMMU");
UIOMMUFD_ABI_ASSERT(VFIO_TYPE1v2_IOMMU == 3, "VFIO_TYPE1v2_IOMMU");
UIOMMUFD_ABI_ASSERT(VFIO_DMA_CC_IOMMU == 4, "VFIO_DMA_CC_IOMMU");
UIOMMUFD_ABI_ASSERT(VFIO_TYPE1_NESTING_IOMMU == 6, "VFIO_TYPE1_NESTING");
UIOMMUFD_ABI_ASSERT(VFIO_NOIOMMU_IOMMU == 8, "VFIO_NOIOMMU_IOMMU");
UIOMMUFD_ABI_ASSERT(VFIO_UNMAP_ALL == 9, "VFIO_UNMAP_ALL");
UIOMMUFD_ABI_ASSERT(VFIO_UPDATE_VADDR == 10, "VFIO_UPDATE_VADDR");
UIOMMUFD_ABI_ASSERT(VFIO_IOMMU_INFO_PGSIZES == 1, "INFO_PGSIZES");
UIOMMUFD_ABI_ASSERT(VFIO_IOMMU_INFO_CAPS == 2, "INFO_CAPS");
UIOMMUFD_ABI_ASSERT(VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE == 1, "CAP_IOVA");
UIOMMUFD_ABI_ASSERT(VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL == 3, "CAP_DMA_AVAIL");
UIOMMUFD_ABI_ASSERT(VFIO_DMA_MAP_FLAG_READ == 1, "MAP_FLAG_READ");
UIOMMUFD_ABI_ASSERT(VFIO_DMA_MAP_FLAG_WRITE == 2, "MAP_FLAG_WRITE");
UIOMMUFD_ABI_ASSERT(VFIO_DMA_MAP_FLAG_VADDR == 4, "MAP_FLAG_VADDR");
UIOMMUFD_ABI_ASSERT(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP == 1, "UNMAP_DIRTY");
UIOMMUFD_ABI_ASSERT(VFIO_DMA_UNMAP_FLAG_ALL == 2, "UNMAP_FLAG_ALL");
UIOMMUFD_ABI_ASSERT(VFIO_DMA_UNMAP_FLAG_VADDR == 4, "UNMAP_FLAG_VADDR");

UIOMMUFD_ABI_SIZE(struct vfio_info_cap_header, 8);
UIOMMUFD_ABI_OFF(struct vfio_info_cap_header, id, 0);
UIOMMUFD_ABI_OFF(struct vfio_info_cap_header, version, 2);
UIOMMUFD_ABI_OFF(struct vfio_info_cap_header, next, 4);
UIOMMUFD_ABI_SIZE(struct vfio_iommu_type1_info, 24);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info, argsz, 0);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info, flags, 4);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info, iova_pgsizes, 8);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info, cap_offset, 16);
UIOMMUFD_ABI_SIZE(struct vfio_iova_range, 16);
UIOMMUFD_ABI_OFF(struct vfio_iova_range, start, 0);
UIOMMUFD_ABI_OFF(struct vfio_iova_range, end, 8);
UIOMMUFD_ABI_SIZE(struct vfio_iommu_type1_info_cap_iova_range, 16);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info_cap_iova_range, header, 0);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info_cap_iova_range, nr_iovas, 8);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info_cap_iova_range, reserved, 12);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info_cap_iova_range, iova_ranges, 16);
UIOMMUFD_ABI_SIZE(struct vfio_iommu_type1_info_dma_avail, 12);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info_dma_avail, header, 0);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info_dma_avail, avail, 8);
UIOMMUFD_ABI_SIZE(struct vfio_iommu_type1_dma_map, 32);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_map, argsz, 0);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_map, flags, 4);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_map, vaddr, 8);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_map, iova, 16);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_map, size, 24);
UIOMMUFD_ABI_SIZE(struct vfio_iommu_type1_dma_unmap, 24);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_unmap, argsz, 0);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_unmap, flags, 4);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_unmap, iova, 8);
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_dma_unmap, size, 16);
#ifdef UIOMMUFD_ABI_OWN_VFIO
/* `pad` is named only in newer kernel headers; older ones leave a hole. */
UIOMMUFD_ABI_OFF(struct vfio_iommu_type1_info, pad, 20);
#endif

/* IOMMU_TEST_CMD (always ours). */
UIOMMUFD_ABI_REQ(IOMMU_TEST_CMD, 0x3ba0);
UIOMMUFD_ABI_ASSERT(UIOMMUFD_IOCTL_NR(IOMMU_TEST_CMD) == UIOMMUFD_CMD_TEST,
		    "UIOMMUFD_CMD_TEST");
UIOMMUFD_ABI_ASSERT(UIOMMUFD_OFFSETOFEND(struct iommu_test_cmd, last) ==
		    UIOMMUFD_TEST_CMD_MIN_SIZE, "UIOMMUFD_TEST_CMD_MIN_SIZE");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_ADD_RESERVED == 1, "OP_ADD_RESERVED");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_MOCK_DOMAIN == 2, "OP_MOCK_DOMAIN");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_MD_CHECK_MAP == 3, "OP_MD_CHECK_MAP");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_MD_CHECK_REFS == 4, "OP_MD_CHECK_REFS");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_CREATE_ACCESS == 5, "OP_CREATE_ACCESS");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES == 6, "OP_DESTROY_AP");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_ACCESS_PAGES == 7, "OP_ACCESS_PAGES");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_ACCESS_RW == 8, "OP_ACCESS_RW");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT == 9, "OP_MEMLIMIT");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE == 10, "OP_MD_REPLACE");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS == 11, "OP_AC_REPLACE");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS == 12, "OP_MD_FLAGS");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_DIRTY == 13, "OP_DIRTY");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_MD_CHECK_IOTLB == 14, "OP_MD_CHECK_IOTLB");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_TRIGGER_IOPF == 15, "OP_TRIGGER_IOPF");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_DEV_CHECK_CACHE == 16, "OP_DEV_CHECK_CACHE");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_TRIGGER_VEVENT == 17, "OP_TRIGGER_VEVENT");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_PASID_ATTACH == 18, "OP_PASID_ATTACH");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_PASID_REPLACE == 19, "OP_PASID_REPLACE");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_PASID_DETACH == 20, "OP_PASID_DETACH");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_PASID_CHECK_HWPT == 21, "OP_PASID_CHECK");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_DMABUF_GET == 22, "OP_DMABUF_GET");
UIOMMUFD_ABI_ASSERT(IOMMU_TEST_OP_DMABUF_REVOKE == 23, "OP_DMABUF_REVOKE");

UIOMMUFD_ABI_SIZE(struct iommu_test_cmd, 72);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, size, 0);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, op, 4);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, id, 8);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, __reserved, 12);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, last, 64);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, add_reserved.start, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, add_reserved.length, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, mock_domain.out_stdev_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, mock_domain.out_hwpt_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, mock_domain.out_idev_id, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, mock_domain_flags.out_stdev_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, mock_domain_flags.out_hwpt_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, mock_domain_flags.out_idev_id, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, mock_domain_flags.dev_flags, 28);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, mock_domain_replace.pt_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_map.iova, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_map.length, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_map.uptr, 32);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_refs.length, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_refs.uptr, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_refs.refs, 32);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, create_access.out_access_fd, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, create_access.flags, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd,
		 destroy_access_pages.access_pages_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_pages.flags, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_pages.out_access_pages_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_pages.iova, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_pages.length, 32);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_pages.uptr, 40);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_rw.iova, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_rw.length, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_rw.uptr, 32);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_rw.flags, 40);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, memory_limit.limit, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, access_replace_ioas.ioas_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dirty.flags, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dirty.iova, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dirty.length, 32);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dirty.page_size, 40);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dirty.uptr, 48);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dirty.out_nr_dirty, 56);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_iotlb.id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_iotlb.iotlb, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, trigger_iopf.dev_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, trigger_iopf.pasid, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, trigger_iopf.grpid, 24);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, trigger_iopf.perm, 28);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, trigger_iopf.addr, 32);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_dev_cache.id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, check_dev_cache.cache, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, trigger_vevent.dev_id, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, pasid_attach.pasid, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, pasid_attach.pt_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, pasid_replace.pasid, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, pasid_replace.pt_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, pasid_detach.pasid, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, pasid_check.pasid, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, pasid_check.hwpt_id, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dmabuf_get.length, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dmabuf_get.open_flags, 20);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dmabuf_revoke.dmabuf_fd, 16);
UIOMMUFD_ABI_OFF(struct iommu_test_cmd, dmabuf_revoke.revoked, 20);

UIOMMUFD_ABI_SIZE(struct iommu_test_hw_info, 8);
UIOMMUFD_ABI_OFF(struct iommu_test_hw_info, flags, 0);
UIOMMUFD_ABI_OFF(struct iommu_test_hw_info, test_reg, 4);
UIOMMUFD_ABI_SIZE(struct iommu_hwpt_selftest, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_selftest, iotlb, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_selftest, pagetable_type, 4);
UIOMMUFD_ABI_SIZE(struct iommu_hwpt_invalidate_selftest, 8);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate_selftest, flags, 0);
UIOMMUFD_ABI_OFF(struct iommu_hwpt_invalidate_selftest, iotlb_id, 4);
UIOMMUFD_ABI_SIZE(struct iommu_viommu_selftest, 24);
UIOMMUFD_ABI_OFF(struct iommu_viommu_selftest, in_data, 0);
UIOMMUFD_ABI_OFF(struct iommu_viommu_selftest, out_data, 4);
UIOMMUFD_ABI_OFF(struct iommu_viommu_selftest, out_mmap_offset, 8);
UIOMMUFD_ABI_OFF(struct iommu_viommu_selftest, out_mmap_length, 16);
UIOMMUFD_ABI_SIZE(struct iommu_viommu_invalidate_selftest, 12);
UIOMMUFD_ABI_OFF(struct iommu_viommu_invalidate_selftest, flags, 0);
UIOMMUFD_ABI_OFF(struct iommu_viommu_invalidate_selftest, vdev_id, 4);
UIOMMUFD_ABI_OFF(struct iommu_viommu_invalidate_selftest, cache_id, 8);
UIOMMUFD_ABI_SIZE(struct iommu_viommu_event_selftest, 4);
UIOMMUFD_ABI_OFF(struct iommu_viommu_event_selftest, virt_id, 0);

UIOMMUFD_ABI_ASSERT(MOCK_APERTURE_START == 0x1000000, "MOCK_APERTURE_START");
UIOMMUFD_ABI_ASSERT(MOCK_APERTURE_LAST == 0x7fffffff, "MOCK_APERTURE_LAST");
UIOMMUFD_ABI_ASSERT(MOCK_PAGE_SIZE == 2048, "MOCK_PAGE_SIZE");
UIOMMUFD_ABI_ASSERT(MOCK_HUGE_PAGE_SIZE == 0x100000, "MOCK_HUGE_PAGE_SIZE");
UIOMMUFD_ABI_ASSERT(MOCK_FLAGS_ACCESS_SYZ == 0x10000, "MOCK_FLAGS_ACCESS_SYZ");
UIOMMUFD_ABI_ASSERT(MOCK_ACCESS_RW_SLOW_PATH == 4, "MOCK_ACCESS_RW_SLOW_PATH");
UIOMMUFD_ABI_ASSERT(MOCK_FLAGS_DEVICE_PASID == 4, "MOCK_FLAGS_DEVICE_PASID");

#endif /* UIOMMUFD_IOMMUFD_ABI_H */

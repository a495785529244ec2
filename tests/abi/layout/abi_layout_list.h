/* SPDX-License-Identifier: MIT */
/*
 * abi_layout_list.h - the structs and fields whose layout both our header
 * and the kernel's headers define, as X-macro lists.  Both test units
 * expand the same list, so the names in their tables always correspond.
 *
 * Only layouts that have not changed since they first appeared are listed
 * (spec/abi.md §2.1 "Layout history"), so a system header of any release
 * that has them must agree with ours byte for byte.  Structs that grew
 * (HWPT_ALLOC, GET_HW_INFO, VIOMMU_ALLOC) are checked separately against
 * their list of historical sizes.
 */
#ifndef ABI_LAYOUT_LIST_H
#define ABI_LAYOUT_LIST_H

/* iommufd, present since 6.2 */
#define ABI_LIST_IOMMUFD_CORE(S, O)					\
	S(struct iommu_destroy)						\
	O(struct iommu_destroy, id)					\
	S(struct iommu_ioas_alloc)					\
	O(struct iommu_ioas_alloc, out_ioas_id)				\
	S(struct iommu_iova_range)					\
	O(struct iommu_iova_range, last)				\
	S(struct iommu_ioas_iova_ranges)				\
	O(struct iommu_ioas_iova_ranges, allowed_iovas)			\
	O(struct iommu_ioas_iova_ranges, out_iova_alignment)		\
	S(struct iommu_ioas_allow_iovas)				\
	O(struct iommu_ioas_allow_iovas, allowed_iovas)			\
	S(struct iommu_ioas_map)					\
	O(struct iommu_ioas_map, user_va)				\
	O(struct iommu_ioas_map, length)				\
	O(struct iommu_ioas_map, iova)					\
	S(struct iommu_ioas_copy)					\
	O(struct iommu_ioas_copy, src_ioas_id)				\
	O(struct iommu_ioas_copy, dst_iova)				\
	O(struct iommu_ioas_copy, src_iova)				\
	S(struct iommu_ioas_unmap)					\
	O(struct iommu_ioas_unmap, iova)				\
	O(struct iommu_ioas_unmap, length)				\
	S(struct iommu_option)						\
	O(struct iommu_option, op)					\
	O(struct iommu_option, object_id)				\
	O(struct iommu_option, val64)					\
	S(struct iommu_vfio_ioas)					\
	O(struct iommu_vfio_ioas, op)

/* VFIO type1, present in every VFIO header of interest */
#define ABI_LIST_VFIO(S, O)						\
	S(struct vfio_info_cap_header)					\
	O(struct vfio_info_cap_header, next)				\
	S(struct vfio_iommu_type1_info)					\
	O(struct vfio_iommu_type1_info, iova_pgsizes)			\
	O(struct vfio_iommu_type1_info, cap_offset)			\
	S(struct vfio_iova_range)					\
	O(struct vfio_iova_range, end)					\
	S(struct vfio_iommu_type1_info_cap_iova_range)			\
	O(struct vfio_iommu_type1_info_cap_iova_range, nr_iovas)	\
	O(struct vfio_iommu_type1_info_cap_iova_range, iova_ranges)	\
	S(struct vfio_iommu_type1_info_dma_avail)			\
	O(struct vfio_iommu_type1_info_dma_avail, avail)		\
	S(struct vfio_iommu_type1_dma_map)				\
	O(struct vfio_iommu_type1_dma_map, vaddr)			\
	O(struct vfio_iommu_type1_dma_map, iova)			\
	O(struct vfio_iommu_type1_dma_map, size)			\
	S(struct vfio_iommu_type1_dma_unmap)				\
	O(struct vfio_iommu_type1_dma_unmap, iova)			\
	O(struct vfio_iommu_type1_dma_unmap, size)

#define ABI_LIST_ENTRY_SIZE(t)		{ #t, sizeof(t) },
#define ABI_LIST_ENTRY_OFF(t, f)	{ #t "." #f, offsetof(t, f) },

#endif

/* SPDX-License-Identifier: MIT */
/*
 * VFIO container compatibility (abi.md §5, semantics.md §14, errors.md §V):
 * requests whose number lies outside the iommufd table land here and are
 * matched on their full request number.  They act on the context's compat
 * IOAS (chosen with IOMMU_VFIO_IOAS); without one they fail -ENODEV after
 * their own argument checks.  Anything this table does not know is -ENOTTY,
 * as the kernel's VFS turns ENOIOCTLCMD into ENOTTY.
 *
 * Type1 (v1) is emulated by disabling large pages on the compat IOAS, which
 * lets UNMAP_DMA cut areas at any aligned boundary; type1v2 refuses partial
 * unmaps like IOAS_UNMAP.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "abi/abi.h"
#include "core/ioas.h"
#include "umem/umem.h"
#include "util/fault_inject.h"
#include "util/page.h"

static int vfio_check_extension(struct iommufd_ctx *ictx, unsigned long type)
{
	struct iommufd_ioas *ioas;
	uint64_t bitmap;
	int rc;

	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_DMA_CC_IOMMU:
		/* 1 when every domain enforces cache coherency; emulated
		 * domains never do, and an IOAS without domains trivially does. */
		rc = iommufd_vfio_ioas_get(ictx, &ioas);
		if (rc)
			return rc;
		rc = iopt_domains_pgsize(&ioas->iopt, &bitmap) == 0;
		iommufd_put_ioas(ioas);
		return rc;
	default:
		/* NOIOMMU: uiommufd offers no no-iommu mode */
		return 0;
	}
}

static int vfio_set_iommu(struct iommufd_ctx *ictx, unsigned long type)
{
	struct iommufd_ioas *ioas;
	int rc = 0;

	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU)
		return -EINVAL;
	rc = iommufd_vfio_ioas_get(ictx, &ioas);
	if (rc)
		return rc;
	if (type == VFIO_TYPE1_IOMMU)
		rc = iopt_disable_large_pages(&ioas->iopt);
	iommufd_put_ioas(ioas);
	return rc;
}

/* AND of every domain's page sizes, sub-page sizes folded into PAGE, and at
 * least the IOAS alignment (iommufd_get_pagesizes). */
static uint64_t vfio_pagesizes(struct io_pagetable *iopt)
{
	uint64_t bitmap, align = iopt_get_iova_alignment(iopt);

	iopt_domains_pgsize(iopt, &bitmap);
	if (bitmap & ~PAGE_MASK) {
		bitmap &= PAGE_MASK;
		bitmap |= PAGE_SIZE;
	}
	return bitmap < align ? align : bitmap;
}

/* Each fill writes its capability at `at` only if `avail` bytes hold all of
 * it, and returns its size. */
static int fill_cap_dma_avail(struct io_pagetable *iopt, uint64_t at, uint64_t avail)
{
	struct vfio_iommu_type1_info_dma_avail cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 },
		.avail = UINT32_MAX, /* iommufd sets no limit on mappings */
	};
	int rc;

	(void)iopt;
	if (avail >= sizeof(cap)) {
		rc = umem_copy_to_user(at, &cap, sizeof(cap));
		if (rc)
			return rc;
	}
	return sizeof(cap);
}

static int fill_cap_iova(struct io_pagetable *iopt, uint64_t at, uint64_t avail)
{
	struct vfio_iommu_type1_info_cap_iova_range cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1 },
	};
	const uint64_t hdr = sizeof(cap), each = sizeof(struct vfio_iova_range);
	uint64_t (*ranges)[2];
	unsigned int n;
	int rc = 0;

	n = iopt_get_iova_ranges(iopt, NULL, 0, NULL);
	ranges = fi_calloc("vfio.iova_ranges", n ? n : 1, sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	/* a concurrent change may shrink or grow the list: report what we read */
	{
		unsigned int again = iopt_get_iova_ranges(iopt, ranges, n, NULL);

		if (again < n)
			n = again;
	}
	cap.nr_iovas = n;
	for (unsigned int i = 0; i < n; i++) {
		struct vfio_iova_range r = { ranges[i][0], ranges[i][1] };

		if (avail >= hdr + (i + 1) * each) {
			rc = umem_copy_to_user(at + hdr + i * each, &r, sizeof(r));
			if (rc)
				goto out;
		}
	}
	if (avail >= hdr + n * each) {
		rc = umem_copy_to_user(at, &cap, sizeof(cap));
		if (rc)
			goto out;
	}
	rc = (int)(hdr + n * each);
out:
	free(ranges);
	return rc;
}

static int vfio_get_info(struct iommufd_ctx *ictx, uint64_t arg)
{
	static int (*const fills[])(struct io_pagetable *, uint64_t, uint64_t) = {
		fill_cap_dma_avail,
		fill_cap_iova,
	};
	const uint64_t minsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes) +
			       sizeof(uint64_t);
	struct vfio_iommu_type1_info info = { 0 };
	uint64_t total = sizeof(info), last_cap = 0, outsz;
	struct iommufd_ioas *ioas;
	int rc;

	rc = umem_copy_from_user(&info, arg, minsz);
	if (rc)
		return rc;
	if (info.argsz < minsz)
		return -EINVAL;
	outsz = info.argsz < sizeof(info) ? info.argsz : sizeof(info);
	rc = iommufd_vfio_ioas_get(ictx, &ioas);
	if (rc)
		return rc;

	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = vfio_pagesizes(&ioas->iopt);
	info.cap_offset = 0;
	for (unsigned int i = 0; i < sizeof(fills) / sizeof(fills[0]); i++) {
		int size = fills[i](&ioas->iopt, arg + total,
				    info.argsz > total ? info.argsz - total : 0);

		if (size < 0) {
			rc = size;
			goto out_put;
		}
		size = (size + 7) & ~7;
		if (last_cap && info.argsz >= total) {
			uint32_t next = (uint32_t)total;

			rc = umem_copy_to_user(last_cap + offsetof(struct vfio_info_cap_header, next),
					       &next, sizeof(next));
			if (rc)
				goto out_put;
		}
		last_cap = arg + total;
		total += size;
	}
	if (info.argsz >= total)
		info.cap_offset = sizeof(info);
	info.argsz = (uint32_t)total;
	info.flags |= VFIO_IOMMU_INFO_CAPS;
	rc = umem_copy_to_user(arg, &info, outsz);
out_put:
	iommufd_put_ioas(ioas);
	return rc;
}

static int vfio_map_dma(struct iommufd_ctx *ictx, uint64_t arg)
{
	struct vfio_iommu_type1_dma_map map;
	struct iommufd_ioas *ioas;
	struct umem_mm *mm;
	int prot = IOMMU_CACHE, rc;
	uint64_t iova;

	rc = umem_copy_from_user(&map, arg, sizeof(map));
	if (rc)
		return rc;
	if (map.argsz < sizeof(map) ||
	    (map.flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)))
		return -EINVAL;
	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	rc = iommufd_vfio_ioas_get(ictx, &ioas);
	if (rc)
		return rc;
	mm = umem_mm_current();
	if (!mm) {
		rc = -ENOMEM;
		goto out_put;
	}
	iova = map.iova;
	rc = iopt_map_user_pages(&ioas->iopt, mm, &iova, map.vaddr, map.size, prot,
				 true, atomic_load(&ictx->account_mode));
	umem_mm_put(mm);
out_put:
	iommufd_put_ioas(ioas);
	return rc;
}

static int vfio_unmap_dma(struct iommufd_ctx *ictx, uint64_t arg)
{
	const size_t minsz = offsetof(struct vfio_iommu_type1_dma_unmap, size) +
			     sizeof(uint64_t);
	struct vfio_iommu_type1_dma_unmap unmap;
	struct iommufd_ioas *ioas;
	uint64_t unmapped = 0;
	int rc, wrc;

	rc = umem_copy_from_user(&unmap, arg, minsz);
	if (rc)
		return rc;
	if (unmap.argsz < minsz || (unmap.flags & ~VFIO_DMA_UNMAP_FLAG_ALL))
		return -EINVAL;
	rc = iommufd_vfio_ioas_get(ictx, &ioas);
	if (rc)
		return rc;
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (unmap.iova || unmap.size) {
			rc = -EINVAL;
			goto out_put;
		}
		rc = iopt_unmap_all(&ioas->iopt, &unmapped);
	} else {
		if (!iopt_large_pages_enabled(&ioas->iopt)) {
			/* cut at the last byte, and just before the first */
			uint64_t cuts[2] = { unmap.iova + unmap.size - 1, unmap.iova - 1 };

			rc = iopt_cut_iova(&ioas->iopt, cuts, unmap.iova ? 2 : 1);
			if (rc)
				goto out_put;
		}
		/* an empty range is a success with 0 bytes (7.2) */
		rc = iopt_unmap_iova(&ioas->iopt, unmap.iova, unmap.size, &unmapped);
	}
	unmap.size = unmapped;
	wrc = umem_copy_to_user(arg, &unmap, minsz);
	if (wrc)
		rc = wrc;
out_put:
	iommufd_put_ioas(ioas);
	return rc;
}

long abi_vfio_ioctl(struct iommufd_ctx *ictx, unsigned long request, uint64_t arg)
{
	switch (request) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return vfio_check_extension(ictx, arg);
	case VFIO_SET_IOMMU:
		return vfio_set_iommu(ictx, arg);
	case VFIO_IOMMU_GET_INFO:
		return vfio_get_info(ictx, arg);
	case VFIO_IOMMU_MAP_DMA:
		return vfio_map_dma(ictx, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return vfio_unmap_dma(ictx, arg);
	default: /* includes VFIO_IOMMU_DIRTY_PAGES */
		return -ENOTTY;
	}
}

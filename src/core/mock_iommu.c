/* SPDX-License-Identifier: MIT */
/*
 * Emulated IOMMU paging domains (see mock_iommu.h for the invariants).
 *
 * A domain is an io_pgtable plus a lock, a name of the IOMMU that made it and
 * its dirty state.  The io_pagetable calls map() with runs of host memory that
 * are contiguous in this process's address space ("paddr" is the host VA),
 * and unmap() with exactly the ranges it mapped, so a failed unmap would be a
 * bug in the core (asserted there).
 *
 * Mock domains (selftest-mock.md §5.2):
 *   DEFAULT: granule 2 KiB, every power of two >= 2 KiB the three-level table
 *            can express, aperture [0x1000000, 0x7fffffff];
 *   HUGE:    granule 2 KiB, page sizes exactly 1 MiB | PAGE_SIZE, aperture
 *            [0, 2^38 - 1] (the format's span; uncertain in the spec).
 * Profile domains take granule, page sizes and aperture from the profile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mock_iommu.h"
#include "util/fault_inject.h"
#include "util/overflow.h"
#include "util/page.h"

int emu_mock_props(uint32_t dev_flags, struct emu_iommu_props *props)
{
	struct {
		uint32_t flags;
		uint32_t test_reg;
	} info = { 0, EMU_MOCK_TEST_REG };

	if (dev_flags & ~(EMU_MOCK_DEV_NO_DIRTY | EMU_MOCK_DEV_PASID))
		return -EINVAL;
	memset(props, 0, sizeof(*props));
	strcpy(props->name, "mock");
	props->is_mock = true;
	props->mock_dev_flags = dev_flags;
	props->granule = EMU_MOCK_PAGE_SIZE;
	props->pgsize_bitmap = ~(EMU_MOCK_PAGE_SIZE - 1);
	props->aperture_start = EMU_MOCK_APERTURE_START;
	props->aperture_last = EMU_MOCK_APERTURE_LAST;
	props->dirty_cap = !(dev_flags & EMU_MOCK_DEV_NO_DIRTY);
	props->max_pasid_log2 = (dev_flags & EMU_MOCK_DEV_PASID) ? EMU_MOCK_PASID_WIDTH : 0;
	props->hw_info_type = EMU_MOCK_HW_INFO_TYPE;
	props->hw_info_len = sizeof(info);
	memcpy(props->hw_info, &info, sizeof(info));
	return 0;
}

static int emu_map(struct iommu_domain *domain, uint64_t iova, uint64_t paddr,
		   uint64_t length, int prot, bool allow_large)
{
	struct emu_domain *dom = to_emu_domain(domain);
	unsigned int ptprot = 0;
	int rc;

	if (prot & IOMMU_READ)
		ptprot |= IO_PGTABLE_READ;
	if (prot & IOMMU_WRITE)
		ptprot |= IO_PGTABLE_WRITE;
	pthread_mutex_lock(&dom->lock);
	rc = io_pgtable_map(dom->pt, iova, paddr, length, ptprot, allow_large);
	pthread_mutex_unlock(&dom->lock);
	return rc;
}

static uint64_t emu_unmap(struct iommu_domain *domain, uint64_t iova,
			  uint64_t length)
{
	struct emu_domain *dom = to_emu_domain(domain);
	uint64_t n;

	pthread_mutex_lock(&dom->lock);
	n = io_pgtable_unmap(dom->pt, iova, length);
	pthread_mutex_unlock(&dom->lock);
	return n;
}

static const struct iommu_domain_ops emu_domain_ops = {
	.map = emu_map,
	.unmap = emu_unmap,
};

int emu_domain_alloc(const struct emu_iommu_props *props, bool dirty,
		     uint32_t type, struct emu_domain **out)
{
	struct io_pgtable_cfg cfg = {
		.granule = props->granule,
		.pgsize_bitmap = props->pgsize_bitmap,
		.aperture_start = props->aperture_start,
		.aperture_last = props->aperture_last,
	};
	struct emu_domain *dom;
	int rc;

	if (type != EMU_PGTABLE_DEFAULT && type != EMU_PGTABLE_HUGE)
		return -EOPNOTSUPP;
	if (type == EMU_PGTABLE_HUGE) {
		/* Only the mock has the HUGE variant; profiles ignore it. */
		if (!props->is_mock)
			return -EOPNOTSUPP;
		cfg.granule = EMU_MOCK_PAGE_SIZE;
		cfg.pgsize_bitmap = EMU_MOCK_HUGE_PAGE_SIZE | PAGE_SIZE;
		cfg.aperture_start = 0;
		cfg.aperture_last = EMU_MOCK_HUGE_APERTURE_LAST;
	}

	dom = fi_calloc("emu.domain", 1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	rc = io_pgtable_alloc(&cfg, &dom->pt);
	if (rc) {
		free(dom);
		/* A bad profile geometry is refused when the profile is
		 * loaded; what is left here is memory. */
		return rc == -EINVAL ? -EINVAL : -ENOMEM;
	}
	pthread_mutex_init(&dom->lock, NULL);
	dom->domain.ops = &emu_domain_ops;
	dom->domain.pgsize_bitmap = io_pgtable_pgsize_bitmap(dom->pt);
	io_pgtable_aperture(dom->pt, &dom->domain.aperture_start,
			    &dom->domain.aperture_end);
	memcpy(dom->iommu_name, props->name, sizeof(dom->iommu_name));
	dom->props_granule = props->granule;
	dom->props_pgsize = props->pgsize_bitmap;
	dom->props_start = props->aperture_start;
	dom->props_last = props->aperture_last;
	dom->is_mock = props->is_mock;
	dom->type = type;
	dom->dirty_ops = dirty;
	*out = dom;
	return 0;
}

void emu_domain_free(struct emu_domain *dom)
{
	if (!dom)
		return;
	io_pgtable_free(dom->pt);
	pthread_mutex_destroy(&dom->lock);
	free(dom);
}

int emu_domain_attach_check(struct emu_domain *dom,
			    const struct emu_iommu_props *props)
{
	/* selftest-mock.md §6.1 step 1 */
	if (dom->dirty_ops && !props->dirty_cap)
		return -EINVAL;
	/* A domain belongs to one IOMMU (one mock instance, one per profile). */
	if (dom->is_mock != props->is_mock ||
	    strncmp(dom->iommu_name, props->name, EMU_NAME_MAX) ||
	    dom->props_granule != props->granule ||
	    dom->props_pgsize != props->pgsize_bitmap ||
	    dom->props_start != props->aperture_start ||
	    dom->props_last != props->aperture_last)
		return -EINVAL;
	return 0;
}

uint64_t emu_domain_granule(struct emu_domain *dom)
{
	return lowest_set_bit_u64(dom->domain.pgsize_bitmap);
}

int emu_domain_iova_to_phys(struct emu_domain *dom, uint64_t iova,
			    uint64_t *paddr)
{
	int rc;

	pthread_mutex_lock(&dom->lock);
	rc = io_pgtable_iova_to_phys(dom->pt, iova, paddr, NULL, NULL);
	pthread_mutex_unlock(&dom->lock);
	return rc;
}

static int dirty_discard(uint64_t leaf_iova, uint64_t leaf_size, void *arg)
{
	(void)leaf_iova;
	(void)leaf_size;
	(void)arg;
	return 0;
}

int emu_domain_set_dirty_tracking(struct emu_domain *dom, bool enable)
{
	if (!dom->dirty_ops)
		return enable ? -EINVAL : 0;
	pthread_mutex_lock(&dom->lock);
	if (enable && !dom->dirty_tracking) {
		uint64_t start, last;

		/* Start from a clean snapshot (semantics.md §15). */
		io_pgtable_aperture(dom->pt, &start, &last);
		if (last == UINT64_MAX && start == 0) {
			io_pgtable_read_and_clear_dirty(dom->pt, 0, 1ULL << 63,
							false, dirty_discard, NULL);
			io_pgtable_read_and_clear_dirty(dom->pt, 1ULL << 63,
							1ULL << 63, false,
							dirty_discard, NULL);
		} else {
			/* start > 0 or last < MAX: the length cannot wrap */
			io_pgtable_read_and_clear_dirty(dom->pt, start,
							last - start + 1, false,
							dirty_discard, NULL);
		}
	}
	dom->dirty_tracking = enable;
	pthread_mutex_unlock(&dom->lock);
	return 0;
}

bool emu_domain_dirty_tracking(struct emu_domain *dom)
{
	bool on;

	pthread_mutex_lock(&dom->lock);
	on = dom->dirty_tracking;
	pthread_mutex_unlock(&dom->lock);
	return on;
}

bool emu_domain_set_dirty(struct emu_domain *dom, uint64_t iova)
{
	bool ret;

	pthread_mutex_lock(&dom->lock);
	ret = io_pgtable_set_dirty(dom->pt, iova);
	pthread_mutex_unlock(&dom->lock);
	return ret;
}

int emu_domain_read_and_clear_dirty(struct emu_domain *dom, uint64_t iova,
				    uint64_t length, bool no_clear,
				    io_pgtable_dirty_fn fn, void *arg)
{
	int rc;

	pthread_mutex_lock(&dom->lock);
	rc = io_pgtable_read_and_clear_dirty(dom->pt, iova, length, no_clear,
					     fn, arg);
	pthread_mutex_unlock(&dom->lock);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * IOMMU_TEST_CMD ops of the mock IOMMU (selftest-mock.md §9.2, §9.3, §9.10,
 * §9.12, §9.13): MOCK_DOMAIN, MOCK_DOMAIN_FLAGS, MOCK_DOMAIN_REPLACE,
 * MD_CHECK_MAP and DIRTY.  Each checks in the order of errors.md §T.
 *
 * MD_CHECK_MAP compares *page identities*: the domain stores, for each IOVA,
 * the host address of the pinned byte, which in the in-process
 * implementation is a virtual address of this process.  The op asks the
 * user-memory layer which page backs the caller's `uptr` and which page
 * backs the translated host address, and requires the same page at the same
 * in-page offset.  So a COPY (same pages object) and a second mapping of the
 * same shared memory both check correctly.  When the translated address is
 * the caller's address itself the page is trivially the same, which spares
 * a lookup per page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abi/abi.h"
#include "abi/test_ops.h"
#include "core/hw_pagetable.h"
#include "core/selftest.h"
#include "umem/umem.h"
#include "util/fault_inject.h"
#include "util/overflow.h"
#include "util/page.h"

int abi_test_mock_domain(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	struct iommufd_selftest *stdev;
	uint32_t flags = 0, pt_id = cmd->id;
	int rc;

	if (cmd->op == IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)
		flags = cmd->mock_domain_flags.dev_flags;
	rc = iommufd_selftest_create(ucmd->ictx, flags, &pt_id, &stdev);
	if (rc)
		return rc;
	cmd->mock_domain.out_stdev_id = stdev->obj.id;
	cmd->mock_domain.out_hwpt_id = pt_id;
	cmd->mock_domain.out_idev_id = stdev->idev->obj.id;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		iommufd_object_abort_and_destroy(ucmd->ictx, &stdev->obj);
		return rc;
	}
	iommufd_object_finalize(ucmd->ictx, &stdev->obj);
	return 0;
}

int abi_test_mock_domain_replace(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	struct iommufd_selftest *stdev;
	uint32_t pt_id = cmd->mock_domain_replace.pt_id;
	int rc;

	rc = iommufd_get_selftest(ucmd->ictx, cmd->id, &stdev);
	if (rc)
		return rc;
	rc = iommufd_device_replace(stdev->idev, &pt_id);
	if (rc)
		goto out_put;
	cmd->mock_domain_replace.pt_id = pt_id;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	iommufd_put_object(ucmd->ictx, &stdev->obj);
	return rc;
}

/* A paging HWPT whose domain is a mock domain: ENOENT, then EINVAL. */
static int get_mock_hwpt(struct abi_ucmd *ucmd, uint32_t id,
			 struct iommufd_hw_pagetable **hwptp)
{
	int rc = iommufd_get_hwpt_paging(ucmd->ictx, id, hwptp);

	if (rc)
		return rc;
	if (!(*hwptp)->domain->is_mock) {
		iommufd_put_hwpt(*hwptp);
		return -EINVAL;
	}
	return 0;
}

int abi_test_md_check_map(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint64_t iova = cmd->check_map.iova, length = cmd->check_map.length;
	uint64_t uptr = cmd->check_map.uptr, end, first_page, npages, g;
	struct umem_page_id *ids = NULL, host_id;
	uint64_t host_page = 1; /* never a page address */
	struct iommufd_hw_pagetable *hwpt;
	struct umem_mm *mm = NULL;
	int rc;

	rc = get_mock_hwpt(ucmd, cmd->id, &hwpt);
	if (rc)
		return rc;
	g = emu_domain_granule(hwpt->domain);
	if (((iova | length | uptr) & (g - 1)) ||
	    check_add_overflow(uptr, length, &end)) {
		rc = -EINVAL;
		goto out_put;
	}
	if (!length)
		goto out_put;

	mm = umem_mm_current();
	if (!mm) {
		rc = -ENOMEM;
		goto out_put;
	}
	first_page = page_align_down(uptr);
	npages = (page_align_down(end - 1) - first_page) / PAGE_SIZE + 1;
	ids = fi_calloc("abi.check_map", npages, sizeof(*ids));
	if (!ids) {
		rc = -ENOMEM;
		goto out_put;
	}
	rc = umem_page_identities(mm, first_page, npages, ids);
	if (rc)
		goto out_put;

	for (uint64_t off = 0; off < length; off += g) {
		uint64_t va = uptr + off, pa;
		struct umem_page_id *want = &ids[(page_align_down(va) - first_page) / PAGE_SIZE];

		if (emu_domain_iova_to_phys(hwpt->domain, iova + off, &pa) ||
		    page_offset_of(pa) != page_offset_of(va)) {
			rc = -EINVAL;
			goto out_put;
		}
		if (page_align_down(pa) == page_align_down(va))
			continue;
		if (page_align_down(pa) != host_page) {
			if (umem_page_identity(mm, page_align_down(pa), &host_id)) {
				rc = -EINVAL;
				goto out_put;
			}
			host_page = page_align_down(pa);
		}
		if (!umem_page_id_equal(want, &host_id)) {
			rc = -EINVAL;
			goto out_put;
		}
	}
out_put:
	free(ids);
	if (mm)
		umem_mm_put(mm);
	iommufd_put_hwpt(hwpt);
	return rc;
}

#define DIRTY_MAX_BITS (1ULL << 27)

int abi_test_dirty(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint64_t iova = cmd->dirty.iova, length = cmd->dirty.length;
	uint64_t page_size = cmd->dirty.page_size, n, count = 0;
	struct iommufd_hw_pagetable *hwpt;
	uint8_t *bitmap = NULL;
	int rc;

	if (!page_size || !length || iova % page_size || length % page_size ||
	    !cmd->dirty.uptr)
		return -EINVAL;
	n = length / page_size;
	if (n > DIRTY_MAX_BITS)
		return -EOVERFLOW;
	rc = get_mock_hwpt(ucmd, cmd->id, &hwpt);
	if (rc)
		return rc;
	if (!hwpt->domain->dirty_ops || !emu_domain_dirty_tracking(hwpt->domain)) {
		rc = -EINVAL;
		goto out_put;
	}
	bitmap = fi_malloc("abi.dirty", (n + 7) / 8);
	if (!bitmap) {
		rc = -ENOMEM;
		goto out_put;
	}
	rc = umem_copy_from_user(bitmap, cmd->dirty.uptr, (n + 7) / 8);
	if (rc)
		goto out_put;
	for (uint64_t i = 0; i < n; i++) {
		if (!(bitmap[i / 8] & (1u << (i % 8))))
			continue;
		emu_domain_set_dirty(hwpt->domain, iova + i * page_size);
		count++;
	}
	cmd->dirty.out_nr_dirty = count;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	free(bitmap);
	iommufd_put_hwpt(hwpt);
	return rc;
}

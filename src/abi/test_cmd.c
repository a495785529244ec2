/* SPDX-License-Identifier: MIT */
/*
 * IOMMU_TEST_CMD: the kernel's test-only ioctl (selftest-mock.md §9).  One
 * table row per op; ops that belong to a later layer (mock devices, accesses)
 * are added to the table by that layer's file.  The size rule is the general
 * one with min 68 / ksize 72, enforced by the dispatcher; `__reserved` is
 * never checked; an op without a row answers -EOPNOTSUPP.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "abi/abi.h"
#include "abi/test_ops.h"
#include "core/ioas.h"
#include "umem/umem.h"
#include "util/overflow.h"
#include "util/page.h"

static int test_add_reserved(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	struct iommufd_ioas *ioas;
	uint64_t last;
	int rc;

	if (cmd->add_reserved.length == 0)
		return -EINVAL;
	if (check_add_overflow(cmd->add_reserved.start,
			       cmd->add_reserved.length - 1, &last))
		return -EOVERFLOW;
	rc = iommufd_get_ioas(ucmd->ictx, cmd->id, &ioas);
	if (rc)
		return rc;
	rc = iopt_reserve_iova(&ioas->iopt, cmd->add_reserved.start, last, NULL);
	iommufd_put_ioas(ioas);
	return rc;
}

static int test_md_check_refs(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint64_t uptr = cmd->check_refs.uptr, length = cmd->check_refs.length;
	enum { CHUNK = 512 };
	struct umem_page_id *ids;
	struct umem_mm *mm;
	uint64_t end;
	int rc = 0;

	(void)ucmd;
	if ((uptr | length) & (PAGE_SIZE - 1) ||
	    check_add_overflow(uptr, length, &end))
		return -EINVAL;
	mm = umem_mm_current();
	ids = calloc(CHUNK, sizeof(*ids));
	if (!mm || !ids) {
		rc = -ENOMEM;
		goto out;
	}
	/* Every page must be mapped (the lookup's error is returned), then
	 * carry exactly `refs` long-term pins. */
	for (uint64_t va = uptr; va < end && !rc;) {
		uint64_t n = MIN_T(uint64_t, CHUNK, (end - va) >> PAGE_SHIFT);

		rc = umem_page_identities(mm, va, n, ids);
		for (uint64_t i = 0; i < n && !rc; i++)
			if (umem_pin_count(mm, va + (i << PAGE_SHIFT)) !=
			    cmd->check_refs.refs)
				rc = -EIO;
		va += n << PAGE_SHIFT;
	}
out:
	free(ids);
	if (mm)
		umem_mm_put(mm);
	return rc;
}

static int test_set_temp_memory_limit(struct abi_ucmd *ucmd,
				      struct iommu_test_cmd *cmd)
{
	(void)ucmd;
	if (cmd->memory_limit.limit < 12)
		return -EINVAL;
	iopt_set_temp_memory_limit(cmd->memory_limit.limit);
	return 0;
}

static const abi_test_op_fn test_ops[] = {
	[IOMMU_TEST_OP_ADD_RESERVED] = test_add_reserved,
	[IOMMU_TEST_OP_MD_CHECK_REFS] = test_md_check_refs,
	[IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT] = test_set_temp_memory_limit,
	ABI_TEST_OPS_MOCK
	ABI_TEST_OPS_ACCESS
};

int abi_test_cmd(struct abi_ucmd *ucmd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;

	if (cmd->op >= sizeof(test_ops) / sizeof(test_ops[0]) || !test_ops[cmd->op])
		return -EOPNOTSUPP;
	return test_ops[cmd->op](ucmd, cmd);
}

/* The fuzzer's {u32 nth_area, u32 offset} encoding of an IOVA (abi.md §6.7). */
void abi_test_syz_decode(uint64_t iova, uint64_t *nth_area, uint64_t *offset)
{
	struct {
		uint32_t nth_area;
		uint32_t offset;
	} syz;

	memcpy(&syz, &iova, sizeof(syz));
	*nth_area = syz.nth_area;
	*offset = syz.offset;
}

/* The n-th area's start plus offset, or 0 when there is no such area. */
uint64_t abi_test_syz_conv_iova(struct io_pagetable *iopt, uint64_t iova)
{
	uint64_t n, offset, start;

	abi_test_syz_decode(iova, &n, &offset);
	return iopt_nth_area_start(iopt, n, &start) ? start + offset : 0;
}

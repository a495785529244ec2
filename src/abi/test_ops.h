/* SPDX-License-Identifier: MIT */
/*
 * Rows of the IOMMU_TEST_CMD op table contributed by later layers.  Each
 * layer that implements test ops defines its ABI_TEST_OPS_* macro here as a
 * list of designated initializers "[IOMMU_TEST_OP_X] = handler,".
 */
#ifndef UIOMMUFD_ABI_TEST_OPS_H
#define UIOMMUFD_ABI_TEST_OPS_H

#include "abi/abi.h"

typedef int (*abi_test_op_fn)(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd);

/* Mock devices and domains (issue 3, abi/test_mock.c). */
int abi_test_mock_domain(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd);
int abi_test_mock_domain_replace(struct abi_ucmd *ucmd,
				 struct iommu_test_cmd *cmd);
int abi_test_md_check_map(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd);
int abi_test_dirty(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd);
#define ABI_TEST_OPS_MOCK                                                     \
	[IOMMU_TEST_OP_MOCK_DOMAIN] = abi_test_mock_domain,                   \
	[IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS] = abi_test_mock_domain,             \
	[IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE] = abi_test_mock_domain_replace,   \
	[IOMMU_TEST_OP_MD_CHECK_MAP] = abi_test_md_check_map,                 \
	[IOMMU_TEST_OP_DIRTY] = abi_test_dirty,
/* Accesses (issue 4, abi/test_access.c): CREATE_ACCESS, ACCESS_PAGES, ... */
int abi_test_create_access(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd);
int abi_test_destroy_access_pages(struct abi_ucmd *ucmd,
				  struct iommu_test_cmd *cmd);
int abi_test_access_pages(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd);
int abi_test_access_rw(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd);
int abi_test_access_replace_ioas(struct abi_ucmd *ucmd,
				 struct iommu_test_cmd *cmd);
#define ABI_TEST_OPS_ACCESS                                                   \
	[IOMMU_TEST_OP_CREATE_ACCESS] = abi_test_create_access,               \
	[IOMMU_TEST_OP_DESTROY_ACCESS_PAGES] = abi_test_destroy_access_pages, \
	[IOMMU_TEST_OP_ACCESS_PAGES] = abi_test_access_pages,                 \
	[IOMMU_TEST_OP_ACCESS_RW] = abi_test_access_rw,                       \
	[IOMMU_TEST_OP_ACCESS_REPLACE_IOAS] = abi_test_access_replace_ioas,

#endif

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

/* Mock devices and domains (issue 3): MOCK_DOMAIN, MD_CHECK_MAP, ... */
#define ABI_TEST_OPS_MOCK
/* Accesses (issue 4): CREATE_ACCESS, ACCESS_PAGES, ACCESS_RW, ... */
#define ABI_TEST_OPS_ACCESS

#endif

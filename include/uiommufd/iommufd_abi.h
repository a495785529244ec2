/* SPDX-License-Identifier: MIT */
/* Being written from spec/abi.md (issue 2). */
#ifndef UIOMMUFD_IOMMUFD_ABI_H
#define UIOMMUFD_IOMMUFD_ABI_H
#endif

/* SPDX-License-Identifier: MIT */
/*
 * Platform profiles: named descriptions of real IOMMUs (as Linux reports
 * them to iommufd) that emulated devices can be created from, plus custom
 * profiles read from a small key=value file.  docs/profiles.md documents
 * each number and where it comes from.
 *
 * A profile is just a filled struct emu_iommu_props; devices copy it, so a
 * profile can be dropped after use.  Every profile that passes
 * emu_profile_validate() can make a paging domain and be attached.
 */
#ifndef UIOMMUFD_CORE_PROFILES_H
#define UIOMMUFD_CORE_PROFILES_H

#include <stddef.h>

#include "core/mock_iommu.h"

/* Fill `props` from a built-in profile; -ENOENT for an unknown name. */
int emu_profile_lookup(const char *name, struct emu_iommu_props *props);
/* Names of the built-in profiles, NULL-terminated. */
const char *const *emu_profile_names(void);

/*
 * Parse a profile description ("key = value" lines, '#' comments; see
 * docs/profiles.md).  -EINVAL with *bad_line (1-based; 0 = the result as a
 * whole) set for a syntax error, unknown key, bad value or an inconsistent
 * result; -ENOENT for an unknown `base`.
 */
int emu_profile_parse(const char *text, size_t len, struct emu_iommu_props *props,
		      unsigned int *bad_line);
/* The same for a file; -errno of open/read too. */
int emu_profile_parse_file(const char *path, struct emu_iommu_props *props,
			   unsigned int *bad_line);

/* 0 if the props describe an IOMMU we can emulate, else -EINVAL. */
int emu_profile_validate(const struct emu_iommu_props *props);

#endif

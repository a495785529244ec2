/* SPDX-License-Identifier: MIT */
/*
 * abi_layout_kernel.h - interface between test_abi_layout.c and the
 * translation unit that includes the system's kernel uapi headers before
 * ours (abi_layout_kernel.c).
 *
 * The two units see different definitions of the same struct names: the
 * main unit sees only ours, the kernel unit sees the kernel's wherever the
 * system installs them.  They therefore talk only through plain tables of
 * (name, size) and (name, offset) pairs, never through the structs.
 */
#ifndef ABI_LAYOUT_KERNEL_H
#define ABI_LAYOUT_KERNEL_H

#include <stddef.h>

struct abi_layout_entry {
	const char *name;	/* "struct x" or "struct x.field" */
	size_t value;		/* sizeof, or offsetof for a field entry */
};

/*
 * Measurements of the kernel's definitions.  Return NULL (and *n = 0) when
 * the system header is not installed; then nothing can be compared.
 */
const struct abi_layout_entry *abi_kernel_iommufd_layout(size_t *n);
const struct abi_layout_entry *abi_kernel_vfio_layout(size_t *n);

#endif

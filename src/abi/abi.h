/* SPDX-License-Identifier: MIT */
/*
 * The ABI layer: turns the /dev/iommu ioctl ABI into core calls.  It is the
 * only layer that knows the ioctl structs and the only producer of the errno
 * a user sees.
 *
 * A handler receives a `struct abi_ucmd`: the context, the user's argument
 * address, the size the user declared, and `cmd`, a kernel-side copy of the
 * struct already read with the extensible-struct rules (bytes the user did
 * not pass read as zero).  A handler checks its fields in the order of
 * spec/errors.md, calls the core, and writes results back with
 * abi_ucmd_respond(), which copies the whole struct truncated to what the
 * user passed.
 */
#ifndef UIOMMUFD_ABI_ABI_H
#define UIOMMUFD_ABI_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "core/iommufd_private.h"
#include "uiommufd/iommufd_abi.h"

struct abi_ucmd {
	struct iommufd_ctx *ictx;
	uint64_t ubuffer;	/* user address of the struct */
	uint32_t user_size;	/* the struct's declared size */
	void *cmd;		/* kernel copy, `ksize` bytes */
};

/* Copy `ksize` bytes of *ucmd->cmd back, truncated to the user's size. */
int abi_ucmd_respond(struct abi_ucmd *ucmd, size_t ksize);

/* Handlers (one per ioctl; abi/ioas.c, abi/test_cmd.c, ...) */
int abi_destroy(struct abi_ucmd *ucmd);
int abi_ioas_alloc(struct abi_ucmd *ucmd);
int abi_ioas_allow_iovas(struct abi_ucmd *ucmd);
int abi_ioas_copy(struct abi_ucmd *ucmd);
int abi_ioas_iova_ranges(struct abi_ucmd *ucmd);
int abi_ioas_map(struct abi_ucmd *ucmd);
int abi_ioas_unmap(struct abi_ucmd *ucmd);
int abi_option(struct abi_ucmd *ucmd);
int abi_vfio_ioas(struct abi_ucmd *ucmd);
int abi_test_cmd(struct abi_ucmd *ucmd);

/* VFIO container compatibility: requests outside the iommufd table. */
long abi_vfio_ioctl(struct iommufd_ctx *ictx, unsigned long request, uint64_t arg);

/* Test-op helper shared by COPY and the access ops: the fuzzer's
 * {nth area, offset} encoding of an IOVA (abi.md §6.7). */
struct io_pagetable;
void abi_test_syz_decode(uint64_t iova, uint64_t *nth_area, uint64_t *offset);
uint64_t abi_test_syz_conv_iova(struct io_pagetable *iopt, uint64_t iova);

long abi_dispatch(struct iommufd_ctx *ictx, unsigned long request, uint64_t arg);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * VFIO container compatibility (abi.md §5, semantics.md §14): requests whose
 * number lies outside the iommufd table land here.  Anything this table does
 * not know is -ENOTTY, as the kernel's VFS turns ENOIOCTLCMD into ENOTTY.
 */
#include <errno.h>

#include "abi/abi.h"

long abi_vfio_ioctl(struct iommufd_ctx *ictx, unsigned long request, uint64_t arg)
{
	(void)ictx;
	(void)request;
	(void)arg;
	return -ENOTTY;
}

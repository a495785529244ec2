/* SPDX-License-Identifier: MIT */
/*
 * Descriptors created by the library (see fd.c).  The owner supplies a
 * release() that runs once the descriptor is closed through
 * uiommufd_fd_close() and no abi_fd_get() user remains.
 */
#ifndef UIOMMUFD_ABI_FD_H
#define UIOMMUFD_ABI_FD_H

#include <stdbool.h>

struct abi_fd;

struct abi_fd_ops {
	const char *name;
	void (*release)(void *priv);
};

/* Create a real descriptor owned by `ops`/`priv`; -ENOMEM when none is free. */
int abi_fd_create(const char *name, bool cloexec, const struct abi_fd_ops *ops,
		  void *priv, int *fdp);
/* Find descriptor `fd` if it is one of `ops`'s; NULL otherwise. */
struct abi_fd *abi_fd_get(int fd, const struct abi_fd_ops *ops, void **privp);
void abi_fd_put(struct abi_fd *ent);

#endif

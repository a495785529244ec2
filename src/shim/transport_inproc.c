/* SPDX-License-Identifier: MIT */
/*
 * The in-process transport: the uiommufd library linked into the preload
 * library, one struct uiommufd_ctx per emulated open file description.
 *
 * What this means for the program (docs/shim.md has the long version):
 *  - a context is ordinary process memory, so after fork() the child owns an
 *    independent copy-on-write snapshot of every context, and exec() loses
 *    them all;
 *  - memory named in a mapping is the calling process's own memory.
 *
 * The functions are thin: reference counting, locking and every errno come
 * from the library.  A tctx pointer is a struct uiommufd_ctx pointer.
 */
#include <errno.h>

#include <uiommufd/uiommufd.h>

#include "shim/transport.h"

static inline struct uiommufd_ctx *to_ctx(struct shim_tctx *tctx)
{
	return (struct uiommufd_ctx *)tctx;
}

static int inproc_open(struct shim_tctx **tctxp)
{
	struct uiommufd_ctx *ctx;
	int rc;

	rc = uiommufd_open(&ctx);
	if (rc < 0)
		return rc;
	*tctxp = (struct shim_tctx *)ctx;
	return 0;
}

static void inproc_get(struct shim_tctx *tctx)
{
	uiommufd_ctx_get(to_ctx(tctx));
}

static void inproc_put(struct shim_tctx *tctx)
{
	uiommufd_close(to_ctx(tctx));
}

static long inproc_ioctl(struct shim_tctx *tctx, unsigned long request,
			 void *arg)
{
	return uiommufd_ioctl(to_ctx(tctx), request, arg);
}

static int inproc_mmap(struct shim_tctx *tctx, void *hint, size_t length,
		       int prot, int flags, off_t offset, void **addrp)
{
	(void)tctx; (void)hint; (void)length; (void)prot; (void)flags;
	(void)offset; (void)addrp;
	/* The library registers no mmap regions yet (semantics.md §25). */
	return -ENXIO;
}

static bool inproc_fd_is_ours(int fd)
{
	return uiommufd_fd_is_ours(fd) == 1;
}

static int inproc_fd_close(int fd)
{
	return uiommufd_fd_close(fd);
}

const struct shim_transport shim_transport_inproc = {
	.name = "in-process",
	.open = inproc_open,
	.get = inproc_get,
	.put = inproc_put,
	.ioctl = inproc_ioctl,
	.mmap = inproc_mmap,
	.fd_is_ours = inproc_fd_is_ours,
	.fd_close = inproc_fd_close,
};

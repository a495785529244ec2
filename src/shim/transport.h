/* SPDX-License-Identifier: MIT */
/*
 * The shim's transport: where an emulated /dev/iommu context actually lives.
 *
 * The shim itself only knows about file descriptors.  Everything iommufd is
 * reached through the operations below, on an opaque `struct shim_tctx`
 * ("transport context"): one per open() of /dev/iommu, shared by all the
 * descriptors that refer to that open file description.
 *
 * Today there is one implementation, shim_transport_inproc: the library runs
 * inside the calling process and a tctx is simply a struct uiommufd_ctx.
 * A later out-of-process server (one daemon, contexts shared across fork and
 * surviving exec) can provide the same operations over a socket without the
 * shim changing.
 *
 * Reference rule: open() returns a tctx holding one reference ("the file").
 * get() adds one, put() drops one; the context is destroyed when the last
 * reference goes.  ioctl() may only be called while holding a reference.
 *
 * Error rule: every operation returns 0 / a non-negative result or a negative
 * errno; only the shim's libc entry points turn that into -1 + errno.
 */
#ifndef UIOMMUFD_SHIM_TRANSPORT_H
#define UIOMMUFD_SHIM_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct shim_tctx;

struct shim_transport {
	const char *name;
	/* A new context, as one open("/dev/iommu") in the kernel. */
	int (*open)(struct shim_tctx **tctxp);
	void (*get)(struct shim_tctx *tctx);
	void (*put)(struct shim_tctx *tctx);
	/* One ioctl: >= 0 result or -errno (-EFAULT for bad pointers). */
	long (*ioctl)(struct shim_tctx *tctx, unsigned long request, void *arg);
	/*
	 * mmap() of the iommufd at `offset` for `length` bytes: on success
	 * *addrp receives the mapping.  -ENXIO when no region is registered
	 * at that offset (always, until the library exposes regions).
	 */
	int (*mmap)(struct shim_tctx *tctx, void *hint, size_t length, int prot,
		    int flags, off_t offset, void **addrp);
	/*
	 * Descriptors the transport created itself (test access fds, fault
	 * queue fds, dma-bufs...).  fd_close() returns 1 when `fd` was one of
	 * them and is now closed, 0 when it was not (nothing done).
	 */
	bool (*fd_is_ours)(int fd);
	int (*fd_close)(int fd);
};

extern const struct shim_transport shim_transport_inproc;

#endif

/* SPDX-License-Identifier: MIT */
/*
 * uiommufd: the Linux iommufd (/dev/iommu) subsystem as a userspace library.
 *
 * A context (struct uiommufd_ctx) is what one open() of /dev/iommu is in the
 * kernel: a table of objects (IOASes, HWPTs, devices, accesses) driven by the
 * kernel's own ioctl ABI.  uiommufd_ioctl() accepts exactly the request
 * numbers and argument structs of <linux/iommufd.h>; the other functions are
 * plain C conveniences built on it.
 *
 * Conventions: every function returns 0 (or a non-negative value where
 * documented) on success and a negative errno on failure; no function sets
 * errno.  Handles are opaque.  All functions are thread safe.
 */
#ifndef UIOMMUFD_H
#define UIOMMUFD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uiommufd_ctx;

/* Library version string, e.g. "0.1.0". */
const char *uiommufd_version(void);

/*
 * Create a new context, as open("/dev/iommu") does.  The caller holds one
 * reference ("the file"); uiommufd_close() drops it.  Objects that hand out
 * descriptors of their own (test accesses) keep the context alive until those
 * descriptors are closed with uiommufd_fd_close().
 */
int uiommufd_open(struct uiommufd_ctx **ctxp);

/* Drop the reference taken by uiommufd_open() or uiommufd_ctx_get(). */
void uiommufd_close(struct uiommufd_ctx *ctx);

/* Take another reference, e.g. for a dup()ed descriptor. */
void uiommufd_ctx_get(struct uiommufd_ctx *ctx);

/*
 * Run one iommufd (or VFIO container compatibility) ioctl.  `request` and
 * `arg` are exactly what ioctl(2) on /dev/iommu takes.  Returns the ioctl's
 * non-negative result (0 for almost every command, a descriptor for the test
 * DMABUF_GET op) or -errno.  A bad `arg` pointer gives -EFAULT, never a crash.
 */
long uiommufd_ioctl(struct uiommufd_ctx *ctx, unsigned long request, void *arg);

/*
 * Descriptors created by the library (for example the descriptor returned by
 * IOMMU_TEST_OP_CREATE_ACCESS) are real kernel file descriptors.  Closing one
 * must go through uiommufd_fd_close() so that the object behind it is
 * released; it returns 1 if `fd` belonged to the library (and is now closed),
 * 0 if it did not (nothing was done).
 */
int uiommufd_fd_close(int fd);

/* 1 if `fd` is a descriptor created by the library, else 0. */
int uiommufd_fd_is_ours(int fd);

/* --- IOAS conveniences (same semantics and errnos as the ioctls) --- */

struct uiommufd_iova_range {
	uint64_t start;
	uint64_t last; /* inclusive */
};

enum {
	UIOMMUFD_MAP_FIXED_IOVA = 1 << 0,
	UIOMMUFD_MAP_WRITEABLE = 1 << 1,
	UIOMMUFD_MAP_READABLE = 1 << 2,
};

int uiommufd_ioas_alloc(struct uiommufd_ctx *ctx, uint32_t *ioas_id);
int uiommufd_destroy(struct uiommufd_ctx *ctx, uint32_t id);

/* `*iova` is the IOVA to use with UIOMMUFD_MAP_FIXED_IOVA, and receives the
 * IOVA chosen otherwise. */
int uiommufd_ioas_map(struct uiommufd_ctx *ctx, uint32_t ioas_id, void *va,
		      uint64_t length, uint64_t *iova, uint32_t flags);
int uiommufd_ioas_copy(struct uiommufd_ctx *ctx, uint32_t dst_ioas_id,
		       uint32_t src_ioas_id, uint64_t src_iova, uint64_t length,
		       uint64_t *dst_iova, uint32_t flags);
/* `*unmapped` (may be NULL) receives the bytes actually unmapped. */
int uiommufd_ioas_unmap(struct uiommufd_ctx *ctx, uint32_t ioas_id,
			uint64_t iova, uint64_t length, uint64_t *unmapped);
int uiommufd_ioas_unmap_all(struct uiommufd_ctx *ctx, uint32_t ioas_id,
			    uint64_t *unmapped);

/*
 * Read the valid IOVA ranges.  `*num` is the capacity of `ranges` on entry
 * and the total number of ranges on return; -EMSGSIZE when the array was too
 * small (the first `capacity` entries are still filled).  `alignment` (may be
 * NULL) receives the IOVA/length alignment MAP and COPY require.
 */
int uiommufd_ioas_iova_ranges(struct uiommufd_ctx *ctx, uint32_t ioas_id,
			      struct uiommufd_iova_range *ranges, uint32_t *num,
			      uint64_t *alignment);
int uiommufd_ioas_allow_iovas(struct uiommufd_ctx *ctx, uint32_t ioas_id,
			      const struct uiommufd_iova_range *ranges,
			      uint32_t num);

/* IOMMU_OPTION_HUGE_PAGES of one IOAS: enable != 0 allows large mappings. */
int uiommufd_ioas_set_huge_pages(struct uiommufd_ctx *ctx, uint32_t ioas_id,
				 int enable);

/* --- DMA through an IOAS (device emulators) ---
 *
 * An access is how a device that is emulated in software (a vfio-user
 * server, a virtio backend, a DMA engine model) reads and writes guest
 * memory: through the IOVAs of one IOAS, with the mappings' permissions.
 * It is an object of the context (it consumes an ID, and IOMMU_DESTROY of
 * it answers -EBUSY); it keeps the context alive until
 * uiommufd_access_close(), and DESTROY of its IOAS answers -EBUSY meanwhile.
 *
 * Transfers: uiommufd_dma_read()/uiommufd_dma_write() copy any number of
 * bytes at any alignment, across page and mapping boundaries.  Errors:
 * -ENOENT some byte of the range is not mapped; -EPERM a write through a
 * mapping without UIOMMUFD_MAP_WRITEABLE (or a read without READABLE);
 * -EINVAL the mapping is being unmapped; -EOVERFLOW the range wraps;
 * -EFAULT the memory behind the mapping is gone.  A failed transfer may
 * have copied a prefix.  Data is coherent with the process: a DMA write is
 * visible at once, a DMA read sees the memory as it is now.
 *
 * Pins: uiommufd_dma_pin() pins a range and returns the host memory behind
 * it as a scatter-gather list, for zero-copy use until uiommufd_dma_unpin()
 * of exactly the same range.  Only an access opened with an unmap callback
 * may pin (else -EOPNOTSUPP), and such an access makes the IOAS require
 * page-aligned mappings (-EADDRINUSE at open if existing ones are not).
 * When an unmap reaches a mapping with pins, the callback runs with the
 * mapping's whole range; it must stop using and uiommufd_dma_unpin() every
 * pin overlapping that range before it returns (pins left there make the
 * unmap fail with -EDEADLOCK after retrying).  The callback runs on the
 * unmapping thread, must not close the access, and may be called for
 * ranges the access never pinned.  Pins still held at close are released.
 *
 * Every function is safe to call from several threads at once; a transfer
 * inside one mapping takes one shared (read) lock of the IOAS and costs one
 * O(log n) lookup in n mappings.
 */
struct uiommufd_access;

/* One piece of pinned memory: `length` bytes at host address `addr`. */
struct uiommufd_sg {
	void *addr;
	size_t length;
};

typedef void (*uiommufd_unmap_fn)(void *priv, uint64_t iova, uint64_t length);

/* -ENOENT no such IOAS; -EADDRINUSE (see above); -ENOMEM.  `unmap` may be
 * NULL (the access then only reads and writes). */
int uiommufd_access_open(struct uiommufd_ctx *ctx, uint32_t ioas_id,
			 uiommufd_unmap_fn unmap, void *priv,
			 struct uiommufd_access **accessp);
/* Release every pin, detach, destroy; drops the context reference. */
void uiommufd_access_close(struct uiommufd_access *access);
/* The access's object ID in its context. */
uint32_t uiommufd_access_id(struct uiommufd_access *access);

/* length 0 is a successful no-op. */
int uiommufd_dma_read(struct uiommufd_access *access, uint64_t iova, void *buf,
		      size_t length);
int uiommufd_dma_write(struct uiommufd_access *access, uint64_t iova,
		       const void *buf, size_t length);

/*
 * Pin [iova, iova + length) for reading, or for writing if `write` is
 * non-zero.  `iova` must sit at a page boundary of its mapping (-EINVAL).
 * On success sg[0 .. *nout - 1] describes the memory in IOVA order.  With
 * more than `n` pieces nothing is pinned, the answer is -EMSGSIZE and
 * *nout is the number needed.
 */
int uiommufd_dma_pin(struct uiommufd_access *access, uint64_t iova,
		     uint64_t length, int write, struct uiommufd_sg *sg,
		     size_t n, size_t *nout);
/* -ENOENT if no pin of exactly this range is held. */
int uiommufd_dma_unpin(struct uiommufd_access *access, uint64_t iova,
		       uint64_t length);

/* --- Emulated devices and IOMMU profiles --- */

/*
 * An emulated device behind an emulated IOMMU, bound to a context: it appears
 * as a DEVICE object (uiommufd_device_id()) usable with IOMMU_HWPT_ALLOC and
 * IOMMU_GET_HW_INFO, and is attached with the calls below exactly as a VFIO
 * device is (same auto-domain rules, IOVA_RANGES narrowing, EADDRINUSE).
 * A device keeps its context alive until uiommufd_device_destroy().
 *
 * Profiles (docs/profiles.md): "intel-vtd", "amd-vi", "arm-smmuv3", "dma32"
 * and "mock" (the kernel selftest's mock IOMMU), or a key=value file.
 */
struct uiommufd_device;

/* -ENOENT for an unknown profile name. */
int uiommufd_device_create(struct uiommufd_ctx *ctx, const char *profile,
			   struct uiommufd_device **devp);
/* -EINVAL for a bad file; `bad_line` (may be NULL) receives the 1-based line
 * of the first error (0: the profile as a whole is inconsistent). */
int uiommufd_device_create_from_file(struct uiommufd_ctx *ctx, const char *path,
				     struct uiommufd_device **devp,
				     unsigned int *bad_line);
/* NULL-terminated list of the built-in profile names. */
const char *const *uiommufd_profile_names(void);
/* The DEVICE object's ID. */
uint32_t uiommufd_device_id(struct uiommufd_device *dev);
/* Attach to an IOAS (automatic HWPT) or a paging HWPT; `*hwpt_id` (may be
 * NULL) receives the HWPT.  -EBUSY if attached already. */
int uiommufd_device_attach(struct uiommufd_device *dev, uint32_t pt_id,
			   uint32_t *hwpt_id);
/* Move an attached device atomically; -EINVAL if not attached. */
int uiommufd_device_replace(struct uiommufd_device *dev, uint32_t pt_id,
			    uint32_t *hwpt_id);
/* Detach (no-op if not attached). */
int uiommufd_device_detach(struct uiommufd_device *dev);
/* Detach, unbind and free; NULL is a no-op. */
void uiommufd_device_destroy(struct uiommufd_device *dev);

#ifdef __cplusplus
}
#endif
#endif /* UIOMMUFD_H */

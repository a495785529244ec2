/* SPDX-License-Identifier: MIT */
/*
 * The device-emulator C API of uiommufd.h ("DMA through an IOAS"): a thin
 * owner of one core access (core/access.h).
 *
 * What it adds to the core: a record of the pins the device holds, so that
 * uiommufd_dma_unpin() of a range that was never pinned is a clean -ENOENT
 * instead of corrupting another holder's count, and so that closing an
 * access releases whatever its device forgot.  The record is an array of
 * {iova, length} (duplicates allowed: pinning a range twice needs two
 * unpins), guarded by `lock`; a device typically holds a handful of pins
 * (rings, a few in-flight buffers), so linear search is the right cost.
 *
 * Transfers do not touch the record or `lock`: uiommufd_dma_read/write go
 * straight to iommufd_access_rw(), which takes the access's ioas_lock and
 * the IOAS's iova_rwsem for read only.
 *
 * Lock order: `lock` -> the core access's locks.  The unmap callback of the
 * user runs with no lock of ours held (it calls uiommufd_dma_unpin()).
 */
#include <errno.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/access.h"
#include "uiommufd/uiommufd.h"
#include "util/debug.h"
#include "util/fork_guard.h"
#include "util/fault_inject.h"

struct api_pin {
	uint64_t iova, length;
};

struct uiommufd_access {
	struct iommufd_access *access;
	struct iommufd_access_ops ops;
	uiommufd_unmap_fn unmap;
	void *priv;
	atomic_bool closing;		/* set before the final detach */

	pthread_mutex_t lock;		/* guards the pins record */
	struct api_pin *pins;
	size_t npins, pins_cap;
};

static bool api_pin_take(struct uiommufd_access *ua, uint64_t iova,
			 uint64_t length)
{
	for (size_t i = 0; i < ua->npins; i++) {
		if (ua->pins[i].iova != iova || ua->pins[i].length != length)
			continue;
		ua->pins[i] = ua->pins[--ua->npins];
		return true;
	}
	return false;
}

static void api_access_unmap(void *data, uint64_t iova, uint64_t length)
{
	struct uiommufd_access *ua = data;

	if (ua->unmap)
		ua->unmap(ua->priv, iova, length);
	if (!atomic_load(&ua->closing))
		return;
	/* Close: release what the device still holds. */
	pthread_mutex_lock(&ua->lock);
	while (ua->npins) {
		struct api_pin pin = ua->pins[--ua->npins];

		iommufd_access_unpin_pages(ua->access, pin.iova, pin.length);
	}
	pthread_mutex_unlock(&ua->lock);
}

UIO_EXPORT int uiommufd_access_open(struct uiommufd_ctx *ctx, uint32_t ioas_id,
				    uiommufd_unmap_fn unmap, void *priv,
				    struct uiommufd_access **accessp)
{
	FORK_GUARD();
	struct iommufd_ctx *ictx = (struct iommufd_ctx *)ctx;
	struct uiommufd_access *ua;
	int rc;

	if (!ctx || !accessp)
		return -EINVAL;
	ua = fi_calloc("api_access.alloc", 1, sizeof(*ua));
	if (!ua)
		return -ENOMEM;
	pthread_mutex_init(&ua->lock, NULL);
	ua->unmap = unmap;
	ua->priv = priv;
	ua->ops.needs_pin_pages = unmap != NULL;
	ua->ops.unmap = api_access_unmap;
	rc = iommufd_access_create(ictx, &ua->ops, ua, &ua->access);
	if (rc)
		goto err_free;
	rc = iommufd_access_attach(ua->access, ioas_id);
	if (rc)
		goto err_destroy;
	*accessp = ua;
	return 0;

err_destroy:
	iommufd_access_destroy(ua->access);
err_free:
	pthread_mutex_destroy(&ua->lock);
	free(ua);
	return rc;
}

UIO_EXPORT void uiommufd_access_close(struct uiommufd_access *ua)
{
	FORK_GUARD();
	if (!ua)
		return;
	atomic_store(&ua->closing, true);
	iommufd_access_destroy(ua->access);
	UIO_ASSERT(ua->npins == 0);
	free(ua->pins);
	pthread_mutex_destroy(&ua->lock);
	free(ua);
}

UIO_EXPORT uint32_t uiommufd_access_id(struct uiommufd_access *ua)
{
	FORK_GUARD();
	return ua->access->obj.id;
}

UIO_EXPORT int uiommufd_dma_read(struct uiommufd_access *ua, uint64_t iova,
				 void *buf, size_t length)
{
	FORK_GUARD();
	if (!length)
		return 0;
	return iommufd_access_rw(ua->access, iova, buf, length, 0);
}

UIO_EXPORT int uiommufd_dma_write(struct uiommufd_access *ua, uint64_t iova,
				  const void *buf, size_t length)
{
	FORK_GUARD();
	if (!length)
		return 0;
	/* the core only reads from `buf` for a write */
	return iommufd_access_rw(ua->access, iova, (void *)buf, length,
				 IOMMUFD_ACCESS_RW_WRITE);
}

UIO_EXPORT int uiommufd_dma_pin(struct uiommufd_access *ua, uint64_t iova,
				uint64_t length, int write,
				struct uiommufd_sg *sg, size_t n, size_t *nout)
{
	FORK_GUARD();
	struct iommufd_access_run *runs;
	size_t nruns = 0;
	int rc;

	if (!sg && n) /* sg NULL: pin without the list */
		return -EINVAL;
	pthread_mutex_lock(&ua->lock);
	if (ua->npins == ua->pins_cap) {
		size_t cap = ua->pins_cap ? ua->pins_cap * 2 : 8;
		struct api_pin *p = fi_realloc("api_access.pins", ua->pins,
					       cap * sizeof(*p));

		if (!p) {
			pthread_mutex_unlock(&ua->lock);
			return -ENOMEM;
		}
		ua->pins = p;
		ua->pins_cap = cap;
	}
	pthread_mutex_unlock(&ua->lock);

	/* struct uiommufd_sg and the core's run have the same shape. */
	_Static_assert(sizeof(struct uiommufd_sg) == sizeof(struct iommufd_access_run),
		       "sg layout");
	runs = (struct iommufd_access_run *)sg;
	rc = iommufd_access_pin_pages(ua->access, iova, length,
				      write ? IOMMUFD_ACCESS_RW_WRITE : 0,
				      runs, n, &nruns);
	if (nout && (rc == 0 || rc == -EMSGSIZE))
		*nout = nruns;
	if (rc)
		return rc;

	pthread_mutex_lock(&ua->lock);
	if (ua->npins == ua->pins_cap) {
		/* another thread used the slot we grew: grow again */
		size_t cap = ua->pins_cap * 2;
		struct api_pin *p = fi_realloc("api_access.pins", ua->pins,
					       cap * sizeof(*p));

		if (!p) {
			pthread_mutex_unlock(&ua->lock);
			iommufd_access_unpin_pages(ua->access, iova, length);
			return -ENOMEM;
		}
		ua->pins = p;
		ua->pins_cap = cap;
	}
	ua->pins[ua->npins].iova = iova;
	ua->pins[ua->npins].length = length;
	ua->npins++;
	pthread_mutex_unlock(&ua->lock);
	return 0;
}

UIO_EXPORT int uiommufd_dma_unpin(struct uiommufd_access *ua, uint64_t iova,
				  uint64_t length)
{
	FORK_GUARD();
	int rc = -ENOENT;

	pthread_mutex_lock(&ua->lock);
	if (api_pin_take(ua, iova, length))
		rc = iommufd_access_unpin_pages(ua->access, iova, length);
	pthread_mutex_unlock(&ua->lock);
	return rc;
}

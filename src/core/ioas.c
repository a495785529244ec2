/* SPDX-License-Identifier: MIT */
/*
 * IOAS object lifetime and the compat-IOAS pointer.  Destroying an IOAS
 * unmaps everything it still maps (releasing pins) and drops its reserved
 * and allowed ranges; it cannot have domains or accesses then, because
 * each of those holds a users reference.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/ioas.h"
#include "util/fault_inject.h"
#include "util/overflow.h"

static void ioas_destroy(struct iommufd_object *obj)
{
	struct iommufd_ioas *ioas = container_of(obj, struct iommufd_ioas, obj);
	uint64_t unmapped;
	int rc;

	rc = iopt_unmap_all(&ioas->iopt, &unmapped);
	UIO_ASSERT(rc == 0);
	(void)rc;
	iopt_destroy_table(&ioas->iopt);
	pthread_mutex_destroy(&ioas->mutex);
}

const struct iommufd_object_ops iommufd_ioas_ops = {
	.destroy = ioas_destroy,
};

int iommufd_ioas_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas **ioasp)
{
	struct iommufd_ioas *ioas;
	int rc;

	ioas = fi_calloc("ioas.alloc", 1, sizeof(*ioas));
	if (!ioas)
		return -ENOMEM;
	rc = iommufd_object_alloc(ictx, &ioas->obj, IOMMUFD_OBJ_IOAS);
	if (rc) {
		free(ioas);
		return rc;
	}
	iopt_init_table(&ioas->iopt);
	pthread_mutex_init(&ioas->mutex, NULL);
	*ioasp = ioas;
	return 0;
}

int iommufd_get_ioas(struct iommufd_ctx *ictx, uint32_t id,
		     struct iommufd_ioas **ioasp)
{
	struct iommufd_object *obj;
	int rc;

	rc = iommufd_get_object(ictx, id, IOMMUFD_OBJ_IOAS, &obj);
	if (rc)
		return rc;
	*ioasp = container_of(obj, struct iommufd_ioas, obj);
	return 0;
}

int iommufd_vfio_ioas_get(struct iommufd_ctx *ictx, struct iommufd_ioas **ioasp)
{
	struct iommufd_ioas *ioas;

	pthread_mutex_lock(&ictx->lock);
	ioas = ictx->vfio_ioas;
	if (ioas && ioas->obj.published && atomic_load(&ioas->obj.users) > 0) {
		/* the same reference a lookup takes (iommufd_put_ioas drops it) */
		iommufd_object_get_locked(&ioas->obj);
	} else
		ioas = NULL;
	pthread_mutex_unlock(&ictx->lock);
	if (!ioas)
		return -ENODEV;
	*ioasp = ioas;
	return 0;
}

int iommufd_vfio_ioas_set(struct iommufd_ctx *ictx, uint32_t id)
{
	struct iommufd_ioas *ioas;
	int rc;

	rc = iommufd_get_ioas(ictx, id, &ioas);
	if (rc)
		return rc;
	pthread_mutex_lock(&ictx->lock);
	ictx->vfio_ioas = ioas;
	pthread_mutex_unlock(&ictx->lock);
	iommufd_put_ioas(ioas);
	return 0;
}

void iommufd_vfio_ioas_clear(struct iommufd_ctx *ictx)
{
	pthread_mutex_lock(&ictx->lock);
	ictx->vfio_ioas = NULL;
	pthread_mutex_unlock(&ictx->lock);
}

/* SPDX-License-Identifier: MIT */
/*
 * IOAS objects: an object-table entry wrapping one io_pagetable.  HWPTs and
 * accesses built on an IOAS hold users references on it, which is what makes
 * IOMMU_DESTROY of a used IOAS fail with -EBUSY.
 */
#ifndef UIOMMUFD_CORE_IOAS_H
#define UIOMMUFD_CORE_IOAS_H

#include "core/io_pagetable.h"
#include "core/iommufd_private.h"

struct iommufd_ioas {
	struct iommufd_object obj;
	struct io_pagetable iopt;
	pthread_mutex_t mutex;	/* serialises auto-domain selection (devices) */
};

/* Allocate an unpublished IOAS; finalize or abort_and_destroy it. */
int iommufd_ioas_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas **ioasp);
/* Look up an IOAS and take a users reference. */
int iommufd_get_ioas(struct iommufd_ctx *ictx, uint32_t id,
		     struct iommufd_ioas **ioasp);
static inline void iommufd_put_ioas(struct iommufd_ioas *ioas)
{
	iommufd_put_object(ioas->obj.ictx, &ioas->obj);
}

/* Compat IOAS used by the VFIO container ioctls. */
int iommufd_vfio_ioas_get(struct iommufd_ctx *ictx, struct iommufd_ioas **ioasp);
int iommufd_vfio_ioas_set(struct iommufd_ctx *ictx, uint32_t id);
void iommufd_vfio_ioas_clear(struct iommufd_ctx *ictx);

#endif

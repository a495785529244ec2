/* SPDX-License-Identifier: MIT */
/*
 * Paging HWPT objects (see hw_pagetable.h for the invariants).
 *
 * Creation order matters for the visible IDs: the object (and so its ID) is
 * allocated first, then the domain is made and added to the IOAS; any failure
 * after the ID was reserved gives the ID back (abort), so a failed HWPT_ALLOC
 * or auto-domain creation leaves no trace.
 *
 * Finding the auto HWPTs of an IOAS walks the context's object table under
 * its lock (IDs in ascending order, which is creation order except when an ID
 * was reused); the IOAS itself keeps no list, so nothing here needs the IOAS
 * structure to change.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/hw_pagetable.h"
#include "util/fault_inject.h"

static void hwpt_paging_destroy(struct iommufd_object *obj)
{
	struct iommufd_hw_pagetable *hwpt =
		container_of(obj, struct iommufd_hw_pagetable, obj);

	UIO_ASSERT(hwpt->ndevices == 0);
	if (hwpt->domain) {
		iopt_table_remove_domain(&hwpt->ioas->iopt, &hwpt->domain->domain);
		emu_domain_free(hwpt->domain);
		hwpt->domain = NULL;
	}
	if (hwpt->ioas) {
		iommufd_object_unref(&hwpt->ioas->obj);
		hwpt->ioas = NULL;
	}
}

const struct iommufd_object_ops iommufd_hwpt_paging_ops = {
	.destroy = hwpt_paging_destroy,
};

int iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			      const struct emu_iommu_props *props, uint32_t flags,
			      uint32_t pgtable_type, bool auto_domain,
			      struct iommufd_hw_pagetable **hwptp)
{
	struct iommufd_hw_pagetable *hwpt;
	struct emu_domain *dom;
	int rc;

	hwpt = fi_calloc("hwpt.alloc", 1, sizeof(*hwpt));
	if (!hwpt)
		return -ENOMEM;
	rc = iommufd_object_alloc(ictx, &hwpt->obj, IOMMUFD_OBJ_HWPT_PAGING);
	if (rc) {
		free(hwpt);
		return rc;
	}
	rc = emu_domain_alloc(props, flags & HWPT_ALLOC_DIRTY_TRACKING,
			      pgtable_type, &dom);
	if (rc)
		goto err_abort;
	rc = iopt_table_add_domain(&ioas->iopt, &dom->domain);
	if (rc) {
		emu_domain_free(dom);
		goto err_abort;
	}
	hwpt->domain = dom;
	hwpt->ioas = ioas;
	iommufd_object_ref(&ioas->obj);
	hwpt->auto_domain = auto_domain;
	hwpt->nest_parent = flags & HWPT_ALLOC_NEST_PARENT;
	hwpt->pasid_compat = flags & HWPT_ALLOC_PASID;
	*hwptp = hwpt;
	return 0;

err_abort:
	iommufd_object_abort(ictx, &hwpt->obj);
	return rc;
}

int iommufd_get_hwpt_paging(struct iommufd_ctx *ictx, uint32_t id,
			    struct iommufd_hw_pagetable **hwptp)
{
	struct iommufd_object *obj;
	int rc;

	rc = iommufd_get_object(ictx, id, IOMMUFD_OBJ_HWPT_PAGING, &obj);
	if (rc)
		return rc;
	*hwptp = container_of(obj, struct iommufd_hw_pagetable, obj);
	return 0;
}

int iommufd_hwpt_auto_list(struct iommufd_ioas *ioas,
			   struct iommufd_hw_pagetable ***listp, unsigned int *np)
{
	struct iommufd_ctx *ictx = ioas->obj.ictx;
	struct iommufd_hw_pagetable **list = NULL;
	unsigned int n = 0, cap = 0;

	pthread_mutex_lock(&ictx->lock);
	for (uint32_t i = 0; i < ictx->nslots; i++) {
		struct iommufd_object *obj = ictx->slots[i];
		struct iommufd_hw_pagetable *hwpt;

		if (!obj || !obj->published || obj->type != IOMMUFD_OBJ_HWPT_PAGING ||
		    atomic_load(&obj->users) == 0)
			continue;
		hwpt = container_of(obj, struct iommufd_hw_pagetable, obj);
		if (!hwpt->auto_domain || hwpt->ioas != ioas)
			continue;
		if (n == cap) {
			unsigned int ncap = cap ? cap * 2 : 4;
			struct iommufd_hw_pagetable **nl;

			nl = fi_realloc("hwpt.auto_list", list, ncap * sizeof(*nl));
			if (!nl) {
				pthread_mutex_unlock(&ictx->lock);
				for (unsigned int k = 0; k < n; k++)
					iommufd_put_hwpt(list[k]);
				free(list);
				return -ENOMEM;
			}
			list = nl;
			cap = ncap;
		}
		iommufd_object_get_locked(obj);
		list[n++] = hwpt;
	}
	pthread_mutex_unlock(&ictx->lock);
	*listp = list;
	*np = n;
	return 0;
}

bool iommufd_hwpt_release_device(struct iommufd_hw_pagetable *hwpt)
{
	UIO_ASSERT(hwpt->ndevices > 0);
	hwpt->ndevices--;
	return hwpt->auto_domain && !hwpt->ndevices;
}

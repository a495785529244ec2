/* SPDX-License-Identifier: MIT */
/*
 * Context lifetime and the object table (see iommufd_private.h for the rules).
 *
 * The table is a plain array indexed by ID - 1 that grows by doubling; a
 * `lowest_free` hint makes lowest-free-first allocation cheap in the common
 * case (IDs are allocated and freed mostly in stack order).  Slot contents:
 * NULL (free) or an object, published or still being created; lookups skip
 * unpublished objects, so a reserved ID answers -ENOENT like a free one.
 */
#include <errno.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>

#include "core/iommufd_private.h"
#include "util/fault_inject.h"

extern const struct iommufd_object_ops iommufd_ioas_ops;
extern const struct iommufd_object_ops iommufd_device_ops;
extern const struct iommufd_object_ops iommufd_hwpt_paging_ops;
extern const struct iommufd_object_ops iommufd_selftest_ops;
extern const struct iommufd_object_ops iommufd_access_obj_ops;

/* One row per object type; each type's file defines its ops. */
static const struct iommufd_object_ops *const iommufd_object_ops_table[IOMMUFD_OBJ_MAX] = {
	[IOMMUFD_OBJ_IOAS] = &iommufd_ioas_ops,
	[IOMMUFD_OBJ_DEVICE] = &iommufd_device_ops,
	[IOMMUFD_OBJ_HWPT_PAGING] = &iommufd_hwpt_paging_ops,
	[IOMMUFD_OBJ_SELFTEST] = &iommufd_selftest_ops,
	[IOMMUFD_OBJ_ACCESS] = &iommufd_access_obj_ops,
};

const struct iommufd_object_ops *iommufd_object_ops_of(enum iommufd_object_type t)
{
	return iommufd_object_ops_table[t];
}

struct iommufd_ctx *iommufd_ctx_create(void)
{
	struct iommufd_ctx *ictx;

	ictx = fi_calloc("ctx.alloc", 1, sizeof(*ictx));
	if (!ictx)
		return NULL;
	atomic_init(&ictx->refs, 1);
	pthread_mutex_init(&ictx->lock, NULL);
	ictx->lowest_free = 1;
	return ictx;
}

void iommufd_ctx_get(struct iommufd_ctx *ictx)
{
	atomic_fetch_add(&ictx->refs, 1);
}

static void object_free(struct iommufd_object *obj)
{
	const struct iommufd_object_ops *ops = iommufd_object_ops_of(obj->type);

	if (ops && ops->free)
		ops->free(obj);
	else
		free(obj);
}

static void object_destroy_and_free(struct iommufd_object *obj)
{
	const struct iommufd_object_ops *ops = iommufd_object_ops_of(obj->type);

	if (ops && ops->destroy)
		ops->destroy(obj);
	object_free(obj);
}

static void slot_release_locked(struct iommufd_ctx *ictx, uint32_t id)
{
	ictx->slots[id - 1] = NULL;
	ictx->nobjs--;
	if (id < ictx->lowest_free)
		ictx->lowest_free = id;
}

/*
 * Last reference: destroy leaves first.  An object with users == 1 has no
 * dependants, so destroying it can only lower the count of others.
 */
static void ctx_destroy_all(struct iommufd_ctx *ictx)
{
	bool progress = true;

	while (ictx->nobjs && progress) {
		progress = false;
		for (uint32_t i = 0; i < ictx->nslots; i++) {
			struct iommufd_object *obj = ictx->slots[i];

			if (!obj || atomic_load(&obj->users) != 1)
				continue;
			UIO_ASSERT(obj->published);
			atomic_store(&obj->users, 0);
			slot_release_locked(ictx, obj->id);
			if (ictx->vfio_ioas == (void *)obj)
				ictx->vfio_ioas = NULL;
			object_destroy_and_free(obj);
			progress = true;
		}
	}
	/* A reference cycle would be a bug in uiommufd, not in the user. */
	UIO_ASSERT(ictx->nobjs == 0);
}

void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
	if (atomic_fetch_sub(&ictx->refs, 1) != 1)
		return;
	ctx_destroy_all(ictx);
	free(ictx->slots);
	pthread_mutex_destroy(&ictx->lock);
	free(ictx);
}

bool iommufd_ctx_has_objects(struct iommufd_ctx *ictx)
{
	bool ret;

	pthread_mutex_lock(&ictx->lock);
	ret = ictx->nobjs != 0;
	pthread_mutex_unlock(&ictx->lock);
	return ret;
}

static int slots_grow_locked(struct iommufd_ctx *ictx, uint32_t need)
{
	uint32_t n = ictx->nslots ? ictx->nslots : 16;
	struct iommufd_object **slots;

	while (n < need)
		n *= 2;
	if (n > IOMMUFD_ID_MAX)
		n = IOMMUFD_ID_MAX;
	if (n < need)
		return -EBUSY; /* ID space exhausted */
	slots = fi_realloc("ctx.slots", ictx->slots, (uint64_t)n * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memset(slots + ictx->nslots, 0, (size_t)(n - ictx->nslots) * sizeof(*slots));
	ictx->slots = slots;
	ictx->nslots = n;
	return 0;
}

int iommufd_object_alloc(struct iommufd_ctx *ictx, struct iommufd_object *obj,
			 enum iommufd_object_type type)
{
	uint32_t id;
	int rc = 0;

	if (should_fail("object.alloc"))
		return -ENOMEM;
	obj->type = type;
	obj->ictx = ictx;
	obj->published = false;
	atomic_init(&obj->users, 1);
	atomic_init(&obj->shortterm_users, 0);

	pthread_mutex_lock(&ictx->lock);
	for (id = ictx->lowest_free; id <= ictx->nslots; id++)
		if (!ictx->slots[id - 1])
			break;
	if (id > IOMMUFD_ID_MAX) {
		rc = -EBUSY;
		goto out_unlock;
	}
	if (id > ictx->nslots) {
		rc = slots_grow_locked(ictx, id);
		if (rc)
			goto out_unlock;
	}
	ictx->slots[id - 1] = obj;
	ictx->nobjs++;
	ictx->lowest_free = id + 1;
	obj->id = id;
out_unlock:
	pthread_mutex_unlock(&ictx->lock);
	return rc;
}

void iommufd_object_finalize(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	pthread_mutex_lock(&ictx->lock);
	UIO_ASSERT(ictx->slots[obj->id - 1] == obj && !obj->published);
	obj->published = true;
	pthread_mutex_unlock(&ictx->lock);
}

void iommufd_object_abort(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	pthread_mutex_lock(&ictx->lock);
	UIO_ASSERT(ictx->slots[obj->id - 1] == obj && !obj->published);
	slot_release_locked(ictx, obj->id);
	pthread_mutex_unlock(&ictx->lock);
	object_free(obj);
}

void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj)
{
	const struct iommufd_object_ops *ops = iommufd_object_ops_of(obj->type);

	if (ops && ops->destroy)
		ops->destroy(obj);
	iommufd_object_abort(ictx, obj);
}

int iommufd_get_object(struct iommufd_ctx *ictx, uint32_t id,
		       enum iommufd_object_type type, struct iommufd_object **objp)
{
	struct iommufd_object *obj = NULL;

	pthread_mutex_lock(&ictx->lock);
	if (id >= 1 && id <= ictx->nslots)
		obj = ictx->slots[id - 1];
	if (obj && (!obj->published ||
		    (type != IOMMUFD_OBJ_ANY && obj->type != type)))
		obj = NULL;
	if (obj) {
		iommufd_object_get_locked(obj);
	}
	pthread_mutex_unlock(&ictx->lock);
	if (!obj)
		return -ENOENT;
	*objp = obj;
	return 0;
}

void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	int old;

	(void)ictx;
	old = atomic_fetch_sub(&obj->shortterm_users, 1);
	UIO_ASSERT(old > 0);
	old = atomic_fetch_sub(&obj->users, 1);
	UIO_ASSERT(old > 1);
	(void)old;
}

int iommufd_object_remove(struct iommufd_ctx *ictx, uint32_t id)
{
	struct iommufd_object *obj = NULL;
	int expected = 1;

	pthread_mutex_lock(&ictx->lock);
	if (id >= 1 && id <= ictx->nslots)
		obj = ictx->slots[id - 1];
	if (!obj || !obj->published) {
		pthread_mutex_unlock(&ictx->lock);
		return -ENOENT;
	}
	if (!atomic_compare_exchange_strong(&obj->users, &expected, 0)) {
		pthread_mutex_unlock(&ictx->lock);
		return -EBUSY;
	}
	slot_release_locked(ictx, id);
	if (ictx->vfio_ioas == (void *)obj)
		ictx->vfio_ioas = NULL;
	pthread_mutex_unlock(&ictx->lock);

	object_destroy_and_free(obj);
	return 0;
}

int iommufd_object_put_and_remove(struct iommufd_ctx *ictx,
				  struct iommufd_object *obj)
{
	for (;;) {
		int expected = 2, users, shortterm;

		pthread_mutex_lock(&ictx->lock);
		UIO_ASSERT(ictx->slots[obj->id - 1] == obj);
		users = atomic_load(&obj->users);
		shortterm = atomic_load(&obj->shortterm_users);
		/* the table's reference and ours, plus lookups */
		if (users - shortterm != 2) {
			iommufd_object_unref(obj);
			pthread_mutex_unlock(&ictx->lock);
			return -EBUSY;
		}
		if (!shortterm &&
		    atomic_compare_exchange_strong(&obj->users, &expected, 0)) {
			slot_release_locked(ictx, obj->id);
			if (ictx->vfio_ioas == (void *)obj)
				ictx->vfio_ioas = NULL;
			pthread_mutex_unlock(&ictx->lock);
			object_destroy_and_free(obj);
			return 0;
		}
		pthread_mutex_unlock(&ictx->lock);
		/* lookups do not block on anything we hold: wait them out */
		sched_yield();
	}
}

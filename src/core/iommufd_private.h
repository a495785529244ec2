/* SPDX-License-Identifier: MIT */
/*
 * The context ("one open file of /dev/iommu") and its object table.
 *
 * Every object lives in the context's table under a 32-bit ID.  IDs are
 * handed out lowest-free-first from 1 up to 2^31-1 and reused after destroy;
 * ID 0 never exists.  Creation is two-phase: iommufd_object_alloc() reserves
 * the ID (the slot holds the object but lookups do not see it), then either
 * iommufd_object_finalize() publishes it once nothing can fail any more, or
 * iommufd_object_abort*() gives the ID back.
 *
 * Reference counts.  `users` counts long-term holders: 1 for the table
 * itself, plus one for every object that depends on this one (a HWPT on its
 * IOAS, an attached device on its HWPT, ...) and one for every in-flight
 * ioctl that looked it up (those also count in `shortterm_users`, so a
 * lookup is told apart from a long-term holder).  IOMMU_DESTROY succeeds only
 * when the table's reference is the last one (users == 1), otherwise -EBUSY
 * and nothing changes; it never waits.  Lookup and destroy both run under the table lock,
 * so a lookup can never resurrect an object that destroy has taken out.
 *
 * The context itself is reference counted (`refs`): one reference per open
 * "file" (uiommufd_open, dup), plus one per object that hands out a
 * descriptor of its own (test access fds).  When the last reference goes the
 * context destroys everything, leaves first: each pass destroys every object
 * whose users count is 1, until the table is empty.  Destroy never fails.
 *
 * Lock order: ctx->lock (table) is a leaf lock: no other lock is taken while
 * it is held, except in the final teardown where nothing else runs.
 */
#ifndef UIOMMUFD_CORE_IOMMUFD_PRIVATE_H
#define UIOMMUFD_CORE_IOMMUFD_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/debug.h"

#define IOMMUFD_ID_MAX 0x7fffffffU

enum iommufd_object_type {
	IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_ANY,
	IOMMUFD_OBJ_DEVICE,
	IOMMUFD_OBJ_HWPT_PAGING,
	IOMMUFD_OBJ_HWPT_NESTED,
	IOMMUFD_OBJ_IOAS,
	IOMMUFD_OBJ_ACCESS,
	IOMMUFD_OBJ_FAULT,
	IOMMUFD_OBJ_VIOMMU,
	IOMMUFD_OBJ_VDEVICE,
	IOMMUFD_OBJ_VEVENTQ,
	IOMMUFD_OBJ_HW_QUEUE,
	IOMMUFD_OBJ_SELFTEST,
	IOMMUFD_OBJ_MAX,
};

struct iommufd_object;
struct iommufd_ctx;

/* Per-type behaviour.  destroy() releases everything the object holds; it is
 * called with users already dropped to zero and must not fail.  free()
 * releases the memory (defaults to free()). */
struct iommufd_object_ops {
	void (*destroy)(struct iommufd_object *obj);
	void (*free)(struct iommufd_object *obj);
};

struct iommufd_object {
	enum iommufd_object_type type;
	uint32_t id;
	atomic_int users;
	atomic_int shortterm_users; /* the part of `users` held by lookups */
	bool published;		/* guarded by ctx->lock */
	struct iommufd_ctx *ictx;
};

struct iommufd_ioas;

struct iommufd_ctx {
	atomic_long refs;

	pthread_mutex_t lock;	/* guards everything below */
	struct iommufd_object **slots; /* slots[id - 1]; NULL = free */
	uint32_t nslots;	/* allocated length of slots[] */
	uint32_t nobjs;		/* slots in use, published or reserved */
	uint32_t lowest_free;	/* no free ID below this one */
	struct iommufd_ioas *vfio_ioas; /* compat IOAS, not referenced */

	/* 0 = per-user accounting, 1 = per-process; set by IOMMU_OPTION */
	atomic_int account_mode;
};

const struct iommufd_object_ops *iommufd_object_ops_of(enum iommufd_object_type t);

struct iommufd_ctx *iommufd_ctx_create(void);
void iommufd_ctx_get(struct iommufd_ctx *ictx);
void iommufd_ctx_put(struct iommufd_ctx *ictx);

/* Two-phase creation.  `obj` is zeroed memory of the type's full size. */
int iommufd_object_alloc(struct iommufd_ctx *ictx, struct iommufd_object *obj,
			 enum iommufd_object_type type);
void iommufd_object_finalize(struct iommufd_ctx *ictx, struct iommufd_object *obj);
/* Give the ID back and free the object without running destroy(). */
void iommufd_object_abort(struct iommufd_ctx *ictx, struct iommufd_object *obj);
/* Run destroy(), then abort: for objects that acquired resources already. */
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj);

/* Look up a published object of `type` (or any type with IOMMUFD_OBJ_ANY)
 * and take a users reference.  -ENOENT if there is none. */
int iommufd_get_object(struct iommufd_ctx *ictx, uint32_t id,
		       enum iommufd_object_type type, struct iommufd_object **objp);
void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj);
/* The reference iommufd_get_object() takes, for walkers of the table that
 * hold ctx->lock themselves; dropped with iommufd_put_object(). */
static inline void iommufd_object_get_locked(struct iommufd_object *obj)
{
	atomic_fetch_add(&obj->users, 1);
	atomic_fetch_add(&obj->shortterm_users, 1);
}

/* Long-term references between objects. */
static inline void iommufd_object_ref(struct iommufd_object *obj)
{
	atomic_fetch_add(&obj->users, 1);
}
static inline void iommufd_object_unref(struct iommufd_object *obj)
{
	int old = atomic_fetch_sub(&obj->users, 1);
	UIO_ASSERT(old > 1);
	(void)old;
}

/* IOMMU_DESTROY: -ENOENT, -EBUSY or 0. */
int iommufd_object_remove(struct iommufd_ctx *ictx, uint32_t id);
/*
 * Drop the caller's long-term reference and remove the object if nothing
 * else holds it: for objects the kernel takes away on its own (an auto HWPT
 * losing its last device, an unbound device, a closed access).  Keeping the
 * reference until the removal is decided is what stops a racing
 * IOMMU_DESTROY from freeing the object under us.  In-flight lookups are
 * short, so they are waited out; if another long-term holder exists the
 * reference is just dropped (-EBUSY) and that holder's release removes it.
 */
int iommufd_object_put_and_remove(struct iommufd_ctx *ictx,
				  struct iommufd_object *obj);

/* True if the context has any object, published or not. */
bool iommufd_ctx_has_objects(struct iommufd_ctx *ictx);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The test-access ops of IOMMU_TEST_CMD (selftest-mock.md §9.5-§9.8, §9.11):
 * CREATE_ACCESS, DESTROY_ACCESS_PAGES, ACCESS_PAGES, ACCESS_RW and
 * ACCESS_REPLACE_IOAS.
 *
 * A test access is a core access (core/access.h) plus a real descriptor
 * (abi/fd.h) and a list of "items": the pins ACCESS_PAGES made, each
 * {id, iova, length}, ids counting up from 0 per access and never reused.
 * The descriptor is the handle the ops take in `id`; a number that is not a
 * live test-access descriptor is -EBADFD.  Releasing the descriptor
 * (uiommufd_fd_close) destroys the access: detaching calls our unmap
 * callback over [0, 2^64-1], which unpins every item; the access's context
 * reference goes with it.
 *
 * The unmap callback unpins and forgets every item that overlaps the range
 * it is given (UNMAP passes a whole area), which is why an item can vanish
 * under its owner: DESTROY_ACCESS_PAGES then answers -ENOENT.
 *
 * Locking: staccess->lock guards the item list; it is taken before the
 * access's locks (the callback unpins while holding it).  An item is added
 * after its pin succeeded, so a concurrent UNMAP may call the callback
 * before the item exists; it simply retries (semantics §7).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "abi/abi.h"
#include "abi/fd.h"
#include "abi/test_ops.h"
#include "core/access.h"
#include "core/ioas.h"
#include "uiommufd/uiommufd.h"
#include "umem/umem.h"
#include "util/fault_inject.h"
#include "util/overflow.h"
#include "util/page.h"

#define TEST_ACCESS_MAX_LENGTH (16ULL << 20)

struct test_access_item {
	struct test_access_item *next;
	uint64_t iova, length;
	uint32_t id;
};

struct test_access {
	struct iommufd_access *access;
	bool needs_pin;
	pthread_mutex_t lock;
	struct test_access_item *items;	/* guarded by lock */
	uint32_t next_id;		/* guarded by lock */
};

static void test_access_unmap(void *data, uint64_t iova, uint64_t length)
{
	struct test_access *st = data;
	struct test_access_item **pp, *item;
	uint64_t last = iova + (length - 1); /* callers never wrap */

	pthread_mutex_lock(&st->lock);
	for (pp = &st->items; (item = *pp);) {
		uint64_t item_last = item->iova + (item->length - 1);

		if (item_last < iova || item->iova > last) {
			pp = &item->next;
			continue;
		}
		iommufd_access_unpin_pages(st->access, item->iova, item->length);
		*pp = item->next;
		free(item);
	}
	pthread_mutex_unlock(&st->lock);
}

static const struct iommufd_access_ops test_access_pin_ops = {
	.needs_pin_pages = true,
	.unmap = test_access_unmap,
};

static const struct iommufd_access_ops test_access_nopin_ops = {
	.needs_pin_pages = false,
	.unmap = test_access_unmap,
};

static void test_access_release(void *priv)
{
	struct test_access *st = priv;

	if (st->access)
		iommufd_access_destroy(st->access);
	UIO_ASSERT(!st->items);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static const struct abi_fd_ops test_access_fd_ops = {
	.name = "[iommufd_test_staccess]",
	.release = test_access_release,
};

static struct abi_fd *test_access_get(uint32_t fd, struct test_access **stp)
{
	void *priv;
	struct abi_fd *ent;

	if (fd > (uint32_t)INT32_MAX)
		return NULL;
	ent = abi_fd_get((int)fd, &test_access_fd_ops, &priv);
	if (ent)
		*stp = priv;
	return ent;
}

/* The fuzzer's IOVA encoding, resolved in the access's current IOAS. */
static uint64_t test_access_syz_iova(struct test_access *st, uint64_t iova)
{
	uint64_t n, offset, start;

	abi_test_syz_decode(iova, &n, &offset);
	return iommufd_access_nth_area_start(st->access, n, &start) ? start + offset : 0;
}

int abi_test_create_access(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint32_t flags = cmd->create_access.flags;
	struct test_access *st;
	int fd, rc;

	if (flags & ~MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES)
		return -EOPNOTSUPP;
	st = fi_calloc("test_access.alloc", 1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	pthread_mutex_init(&st->lock, NULL);
	st->needs_pin = flags & MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;
	rc = abi_fd_create("[iommufd_test_staccess]", true, &test_access_fd_ops,
			   st, &fd);
	if (rc) {
		pthread_mutex_destroy(&st->lock);
		free(st);
		return -ENOMEM;
	}
	/* From here on the descriptor owns `st`: closing it undoes all. */
	rc = iommufd_access_create(ucmd->ictx,
				   st->needs_pin ? &test_access_pin_ops :
						   &test_access_nopin_ops,
				   st, &st->access);
	if (rc)
		goto err_close;
	rc = iommufd_access_attach(st->access, cmd->id);
	if (rc)
		goto err_close;
	cmd->create_access.out_access_fd = (uint32_t)fd;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto err_close;
	return 0;

err_close:
	uiommufd_fd_close(fd);
	return rc;
}

int abi_test_destroy_access_pages(struct abi_ucmd *ucmd,
				     struct iommu_test_cmd *cmd)
{
	struct test_access_item **pp, *item;
	struct test_access *st;
	struct abi_fd *ent;
	int rc = -ENOENT;

	(void)ucmd;
	ent = test_access_get(cmd->id, &st);
	if (!ent)
		return -EBADFD;
	pthread_mutex_lock(&st->lock);
	for (pp = &st->items; (item = *pp); pp = &item->next) {
		if (item->id != cmd->destroy_access_pages.access_pages_id)
			continue;
		iommufd_access_unpin_pages(st->access, item->iova, item->length);
		*pp = item->next;
		free(item);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&st->lock);
	abi_fd_put(ent);
	return rc;
}

/* Each pinned page must be the page backing the caller's `uptr` run. */
static int test_check_pages(struct iommufd_access_run *runs, size_t nruns,
			    uint64_t uptr, uint64_t iova, uint64_t length)
{
	uint64_t va = uptr - page_offset_of(iova);
	uint64_t npages = (page_offset_of(iova) + length + PAGE_SIZE - 1) >> PAGE_SHIFT;
	uint64_t k = 0, skip = page_offset_of(iova);
	struct umem_mm *mm;
	int rc = 0;

	mm = umem_mm_current();
	if (!mm)
		return -ENOMEM;
	for (size_t r = 0; r < nruns && k < npages && !rc; r++) {
		uint64_t host = (uint64_t)(uintptr_t)runs[r].host;
		uint64_t end = host + runs[r].length;

		/* the first run starts `skip` bytes into its first page */
		for (host -= skip, skip = 0; host < end && k < npages;
		     host += PAGE_SIZE, k++, va += PAGE_SIZE) {
			struct umem_page_id want, got;

			rc = umem_page_identity(mm, va, &want);
			if (!rc)
				rc = umem_page_identity(mm, host, &got);
			if (!rc && !umem_page_id_equal(&want, &got))
				rc = -EBADE;
			if (rc)
				break;
		}
	}
	umem_mm_put(mm);
	return rc;
}

int abi_test_access_pages(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint32_t flags = cmd->access_pages.flags;
	uint64_t iova = cmd->access_pages.iova, length = cmd->access_pages.length;
	struct iommufd_access_run *runs = NULL;
	struct test_access_item *item = NULL;
	struct test_access *st;
	struct abi_fd *ent;
	size_t cap, nruns = 0;
	int rc;

	if (length > TEST_ACCESS_MAX_LENGTH)
		return -ENOMEM;
	if (flags & ~(MOCK_FLAGS_ACCESS_WRITE | MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;
	ent = test_access_get(cmd->id, &st);
	if (!ent)
		return -EBADFD;
	if (!st->needs_pin) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}
	cap = (length >> PAGE_SHIFT) + 2;
	runs = fi_calloc("test_access.runs", cap, sizeof(*runs));
	item = fi_calloc("test_access.item", 1, sizeof(*item));
	if (!runs || !item) {
		rc = -ENOMEM;
		goto out_free;
	}
	if (flags & MOCK_FLAGS_ACCESS_SYZ)
		iova = test_access_syz_iova(st, iova);
	/*
	 * st->lock covers the pin and the recording of its item, so the unmap
	 * callback (an UNMAP, or a replace leaving the IOAS) sees either no
	 * pin or a recorded item it can unpin, never a pin it cannot find.
	 * The callback takes st->lock with no access lock held, so holding it
	 * across the pin keeps the lock order.
	 */
	pthread_mutex_lock(&st->lock);
	rc = iommufd_access_pin_pages(st->access, iova, length,
				      (flags & MOCK_FLAGS_ACCESS_WRITE) ?
					      IOMMUFD_ACCESS_RW_WRITE : 0,
				      runs, cap, &nruns);
	if (rc) {
		pthread_mutex_unlock(&st->lock);
		goto out_free;
	}
	if (cmd->access_pages.uptr) {
		rc = test_check_pages(runs, nruns, cmd->access_pages.uptr, iova,
				      length);
		if (rc) {
			iommufd_access_unpin_pages(st->access, iova, length);
			pthread_mutex_unlock(&st->lock);
			goto out_free;
		}
	}
	item->iova = iova;
	item->length = length;
	item->id = st->next_id++;
	item->next = st->items;
	st->items = item;
	/* once unlocked, an unmap callback may free the item */
	cmd->access_pages.out_access_pages_id = item->id;
	pthread_mutex_unlock(&st->lock);
	item = NULL;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		/* forget the item again, unless an unmap already took it */
		struct test_access_item **pp, *it;

		pthread_mutex_lock(&st->lock);
		for (pp = &st->items; (it = *pp); pp = &it->next) {
			if (it->id != cmd->access_pages.out_access_pages_id)
				continue;
			iommufd_access_unpin_pages(st->access, it->iova,
						   it->length);
			*pp = it->next;
			free(it);
			break;
		}
		pthread_mutex_unlock(&st->lock);
	}
	goto out_free;

out_free:
	free(item);
	free(runs);
out_put:
	abi_fd_put(ent);
	return rc;
}

int abi_test_access_rw(struct abi_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint32_t flags = cmd->access_rw.flags;
	uint64_t iova = cmd->access_rw.iova, length = cmd->access_rw.length;
	unsigned int rw_flags = 0;
	struct test_access *st;
	struct abi_fd *ent;
	void *buf;
	int rc;

	(void)ucmd;
	if (length > TEST_ACCESS_MAX_LENGTH)
		return -ENOMEM;
	if (flags & ~(MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH |
		      MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;
	ent = test_access_get(cmd->id, &st);
	if (!ent)
		return -EBADFD;
	buf = fi_malloc("test_access.rw_buf", length ? length : 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out_put;
	}
	if (flags & MOCK_ACCESS_RW_WRITE) {
		rw_flags |= IOMMUFD_ACCESS_RW_WRITE;
		rc = umem_copy_from_user(buf, cmd->access_rw.uptr, length);
		if (rc)
			goto out_free;
	}
	if (flags & MOCK_ACCESS_RW_SLOW_PATH)
		rw_flags |= IOMMUFD_ACCESS_RW_SLOW_PATH;
	if (flags & MOCK_FLAGS_ACCESS_SYZ)
		iova = test_access_syz_iova(st, iova);
	rc = iommufd_access_rw(st->access, iova, buf, length, rw_flags);
	if (rc)
		goto out_free;
	if (!(flags & MOCK_ACCESS_RW_WRITE))
		rc = umem_copy_to_user(cmd->access_rw.uptr, buf, length);
out_free:
	free(buf);
out_put:
	abi_fd_put(ent);
	return rc;
}

int abi_test_access_replace_ioas(struct abi_ucmd *ucmd,
				    struct iommu_test_cmd *cmd)
{
	struct test_access *st;
	struct abi_fd *ent;
	int rc;

	(void)ucmd;
	ent = test_access_get(cmd->id, &st);
	if (!ent)
		return -EBADFD;
	rc = iommufd_access_replace(st->access,
				    cmd->access_replace_ioas.ioas_id);
	abi_fd_put(ent);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Review finding: ACCESS_PAGES racing ACCESS_REPLACE_IOAS leaves a pin in
 * the old IOAS that nobody can ever release.
 *
 * abi_test_access_pages() pins through iommufd_access_pin_pages() (old IOAS),
 * drops every access lock, checks the pages (slow: /proc reads when uptr is
 * given) and only then adds the item under st->lock.  If a replace runs in
 * that window, access_leave_ioas() calls the unmap callback (no item yet),
 * detaches from the old IOAS and switches ioas_unpin to the new one.  The
 * item is then added and later "unpinned" against the new IOAS (-ENOENT,
 * ignored), so the old area keeps num_accesses > 0 forever: UNMAP of it
 * fails with -EDEADLOCK, and destroying the old IOAS trips
 * UIO_ASSERT(rc == 0) in ioas_destroy() (abort).
 *
 * Pass = no stale pin after the race (both IOASes unmap cleanly).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "../access/access_util.h"

#define ITERS 3000

static struct uiommufd_ctx *ctx;
static uint32_t ioas[2];
static int afd;
static void *mem;
static atomic_int stop;

static void *pinner(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS && !atomic_load(&stop); i++) {
		uint32_t id;

		if (t_access_pages(ctx, afd, 0, 0x100000, page_size(), mem, &id) == 0)
			t_destroy_pages(ctx, afd, id);
	}
	atomic_store(&stop, 1);
	return NULL;
}

static void *replacer(void *arg)
{
	(void)arg;
	for (int i = 0; !atomic_load(&stop); i++)
		t_replace(ctx, afd, ioas[i & 1]);
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	uint64_t unmapped;
	long rc0, rc1;

	if (uiommufd_open(&ctx))
		return 77;
	mem = t_mem(page_size(), PROT_READ | PROT_WRITE, 1);
	if (t_ioas(ctx, &ioas[0]) || t_ioas(ctx, &ioas[1]))
		return 2;
	if (t_map(ctx, ioas[0], mem, page_size(), 0x100000, T_RW) ||
	    t_map(ctx, ioas[1], mem, page_size(), 0x100000, T_RW))
		return 2;
	if (t_create_access(ctx, ioas[0], MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd))
		return 2;
	pthread_create(&a, NULL, pinner, NULL);
	pthread_create(&b, NULL, replacer, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);

	/* No pins are outstanding now: each IOAS must unmap cleanly. */
	rc0 = t_unmap(ctx, ioas[0], 0x100000, page_size(), &unmapped);
	rc1 = t_unmap(ctx, ioas[1], 0x100000, page_size(), &unmapped);
	printf("unmap ioas0 rc=%ld ioas1 rc=%ld\n", rc0, rc1);
	if (rc0 || rc1) {
		printf("FAIL: stale access pin left in an IOAS the access left\n");
		/* Destroying that IOAS would hit the ioas_destroy assertion;
		 * exit without closing so the report stays readable. */
		fflush(stdout);
		if (getenv("RS_SHOW_ABORT")) { uiommufd_fd_close(afd); t_destroy(ctx, ioas[rc0 ? 0 : 1]); }
		_exit(1);
	}
	uiommufd_fd_close(afd);
	uiommufd_close(ctx);
	munmap(mem, page_size());
	printf("PASS\n");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Review finding (TSan): struct uiommufd_access::closing is a plain bool
 * written by uiommufd_access_close() without any lock and read by
 * api_access_unmap(), which an IOMMU_IOAS_UNMAP in another thread calls
 * through iopt_notify_accesses() while the access still has pins.
 *
 * Run under a -Db_sanitize=thread build: TSan reports the data race on
 * `closing` (src/abi/api_access.c).  Functionally it passes either way.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "../access/access_util.h"

#define ROUNDS 300

static struct uiommufd_ctx *ctx;
static uint32_t ioas;
static void *mem;
static atomic_int stop;

static void unmap_cb(void *priv, uint64_t iova, uint64_t length)
{
	struct uiommufd_access **pa = priv;

	(void)iova;
	(void)length;
	uiommufd_dma_unpin(*pa, 0x100000, page_size());
}

static void *unmapper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		uint64_t n;

		if (t_unmap(ctx, ioas, 0x100000, page_size(), &n) == 0)
			t_map(ctx, ioas, mem, page_size(), 0x100000, T_RW);
	}
	return NULL;
}

int main(void)
{
	static struct uiommufd_access *slot[ROUNDS];
	pthread_t th;

	if (uiommufd_open(&ctx) || uiommufd_ioas_alloc(ctx, &ioas))
		return 77;
	mem = t_mem(page_size(), PROT_READ | PROT_WRITE, 1);
	if (t_map(ctx, ioas, mem, page_size(), 0x100000, T_RW))
		return 2;
	pthread_create(&th, NULL, unmapper, NULL);
	for (int i = 0; i < ROUNDS; i++) {
		if (uiommufd_access_open(ctx, ioas, unmap_cb, &slot[i], &slot[i]))
			continue;
		uiommufd_dma_pin(slot[i], 0x100000, page_size(), 1, NULL, 0, NULL);
		uiommufd_access_close(slot[i]);
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	uiommufd_close(ctx);
	printf("done\n");
	return 0;
}

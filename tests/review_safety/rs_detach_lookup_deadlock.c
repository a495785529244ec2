/* SPDX-License-Identifier: MIT */
/*
 * Review finding: detaching the last device of an auto HWPT spins forever
 * while a lookup of that HWPT waits for the same device's lock.
 *
 * iommufd_device_detach() (and replace) hold idev->lock while
 * device_release_hwpt() calls iommufd_object_put_and_remove(), which loops
 * (sched_yield) until every short-term lookup of the HWPT is gone.
 * device_change_pt() takes its lookup of the target (iommufd_get_object)
 * BEFORE it locks idev->lock.  So:
 *   T1: uiommufd_device_attach(dev, H)  -> lookup ref on H, waits idev->lock
 *   T2: uiommufd_device_detach(dev)     -> holds idev->lock, H's last
 *       device leaves, put_and_remove(H) waits for T1's lookup to drop
 * Neither moves: a livelock at 100% CPU.
 *
 * Pass = both threads finish within the watchdog time.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <uiommufd/uiommufd.h>

#define ITERS 200000

static struct uiommufd_ctx *ctx;
static struct uiommufd_device *dev;
static uint32_t ioas;
static atomic_uint cur_hwpt;
static atomic_int done;

static void *detacher(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++) {
		uint32_t h;

		uiommufd_device_detach(dev);
		if (uiommufd_device_attach(dev, ioas, &h) == 0)
			atomic_store(&cur_hwpt, h);
	}
	atomic_fetch_add(&done, 1);
	return NULL;
}

static void *looker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++) {
		uint32_t h;

		/* Either outcome is fine (EBUSY: attached; ENOENT: gone);
		 * what matters is that the lookup happens before idev->lock. */
		uiommufd_device_replace(dev, atomic_load(&cur_hwpt), &h);
	}
	atomic_fetch_add(&done, 1);
	return NULL;
}

int main(void)
{
	pthread_t a, b[3];
	uint32_t h;

	if (uiommufd_open(&ctx) || uiommufd_ioas_alloc(ctx, &ioas))
		return 77;
	if (uiommufd_device_create(ctx, "mock", &dev))
		return 2;
	if (uiommufd_device_attach(dev, ioas, &h))
		return 2;
	atomic_store(&cur_hwpt, h);
	pthread_create(&a, NULL, detacher, NULL);
	for (int i = 0; i < 3; i++)
		pthread_create(&b[i], NULL, looker, NULL);
	for (int s = 0; s < 20 && atomic_load(&done) < 4; s++)
		sleep(1);
	if (atomic_load(&done) < 4) {
		printf("FAIL: detach/lookup livelock (threads done: %d)\n",
		       atomic_load(&done));
		fflush(stdout);
		_exit(1);
	}
	pthread_join(a, NULL);
	for (int i = 0; i < 3; i++)
		pthread_join(b[i], NULL);
	uiommufd_device_destroy(dev);
	uiommufd_close(ctx);
	printf("PASS\n");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * test_access_stress.c - several threads DMA through one access while
 * another thread maps and unmaps a second region of the same IOAS and a
 * third pins and unpins pages of that region (the unmap callback unpins).
 *
 * What must hold, checked while it runs:
 *   - a worker's own slice of the stable region always reads back exactly
 *     what that worker last wrote (no torn or lost DMA);
 *   - reads of the churning region answer 0, -ENOENT (not mapped now) or
 *     -EINVAL (being unmapped), never anything else, and when they succeed
 *     the bytes are the churn buffer's pattern;
 *   - every map and unmap of the churning region succeeds: never
 *     -EDEADLOCK, because the pinner records its pin under the lock the
 *     unmap callback takes, so the callback always finds and drops it;
 * and at the end every pin is gone (MD_CHECK_REFS 0).  Run it under TSan
 * as well: the common path must be free of data races.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "access_util.h"

#define NWORKERS 4
#define ITERS 4000
#define STABLE_IOVA 0x100000ULL
#define CHURN_IOVA 0x10000000ULL

static uint64_t PAGE;

struct stress {
	struct uiommufd_ctx *ctx;
	uint32_t ioas;
	struct uiommufd_access *a;
	unsigned char *stable, *churn;
	uint64_t stable_len, churn_len;
	atomic_bool stop;
	atomic_int failures;
	/* how often each interleaving happened (must all be seen) */
	atomic_int churn_ok, churn_gone, pins_ok, map_cycles;

	pthread_mutex_t pin_lock;	/* guards pinned */
	bool pinned;
};

struct worker {
	struct stress *s;
	unsigned int idx;
	unsigned int seed;
};

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "check failed: %s (line %d)\n", #cond, \
				__LINE__);                                 \
			atomic_fetch_add(&s->failures, 1);                 \
		}                                                          \
	} while (0)

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	uint64_t slice = s->stable_len / NWORKERS;
	uint64_t base = STABLE_IOVA + w->idx * slice;
	unsigned char *put = malloc(slice), *got = malloc(slice);

	for (int it = 0; it < ITERS; it++) {
		uint64_t off = (uint64_t)rand_r(&w->seed) % slice;
		uint64_t len = 1 + (uint64_t)rand_r(&w->seed) % (slice - off);
		int rc;

		for (uint64_t i = 0; i < len; i++)
			put[i] = (unsigned char)(it + i + w->idx);
		CHECK(uiommufd_dma_write(s->a, base + off, put, len) == 0);
		CHECK(uiommufd_dma_read(s->a, base + off, got, len) == 0);
		CHECK(memcmp(put, got, len) == 0);

		off = (uint64_t)rand_r(&w->seed) % s->churn_len;
		len = 1 + (uint64_t)rand_r(&w->seed) % (s->churn_len - off);
		if (len > slice)
			len = slice;
		rc = uiommufd_dma_read(s->a, CHURN_IOVA + off, got, len);
		CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
		if (rc == 0) {
			CHECK(memcmp(got, s->churn + off, len) == 0);
			atomic_fetch_add(&s->churn_ok, 1);
		} else {
			atomic_fetch_add(&s->churn_gone, 1);
		}

		/* inside the page the pinner pins: the pinned-pages path and
		 * its drain against the pinner's unpin */
		off = (uint64_t)rand_r(&w->seed) % PAGE;
		len = 1 + (uint64_t)rand_r(&w->seed) % (PAGE - off);
		rc = uiommufd_dma_read(s->a, CHURN_IOVA + off, got, len);
		CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
		if (rc == 0)
			CHECK(memcmp(got, s->churn + off, len) == 0);
	}
	free(put);
	free(got);
	return NULL;
}

static void unmap_cb(void *priv, uint64_t iova, uint64_t length)
{
	struct stress *s = priv;

	(void)iova;
	(void)length;
	pthread_mutex_lock(&s->pin_lock);
	if (s->pinned) {
		uiommufd_dma_unpin(s->a, CHURN_IOVA, PAGE);
		s->pinned = false;
	}
	pthread_mutex_unlock(&s->pin_lock);
}

static void *mapper_fn(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&s->stop)) {
		long rc = t_map(s->ctx, s->ioas, s->churn, s->churn_len, CHURN_IOVA,
				IOMMU_IOAS_MAP_READABLE);

		CHECK(rc == 0);
		if (rc)
			fprintf(stderr, "map: %ld\n", rc);
		rc = t_unmap(s->ctx, s->ioas, CHURN_IOVA, s->churn_len, NULL);
		CHECK(rc == 0);
		if (rc)
			fprintf(stderr, "unmap: %ld\n", rc);
		atomic_fetch_add(&s->map_cycles, 1);
	}
	return NULL;
}

static void *pinner_fn(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&s->stop)) {
		struct uiommufd_sg sg[2];
		size_t n;
		int rc;

		/* Pin and record under the lock the callback takes, so the
		 * callback never misses a pin that exists (a device must not
		 * hold a pin its unmap callback cannot find). */
		pthread_mutex_lock(&s->pin_lock);
		rc = uiommufd_dma_pin(s->a, CHURN_IOVA, PAGE, 0, sg, 2, &n);
		CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
		if (rc) {
			pthread_mutex_unlock(&s->pin_lock);
			continue;
		}
		atomic_fetch_add(&s->pins_ok, 1);
		/* the pinned page holds the churn pattern */
		CHECK(n == 1 && memcmp(sg[0].addr, s->churn, PAGE) == 0);
		s->pinned = true;
		pthread_mutex_unlock(&s->pin_lock);
		sched_yield();
		pthread_mutex_lock(&s->pin_lock);
		if (s->pinned) {
			CHECK(uiommufd_dma_unpin(s->a, CHURN_IOVA, PAGE) == 0);
			s->pinned = false;
		}
		pthread_mutex_unlock(&s->pin_lock);
	}
	return NULL;
}

static void stress_dma_vs_map_unmap(void **state)
{
	struct stress st = { 0 }, *s = &st;
	pthread_t workers[NWORKERS], mapper, pinner;
	struct worker w[NWORKERS];
	struct uiommufd_ctx *probe;

	(void)state;
	PAGE = page_size();
	pthread_mutex_init(&s->pin_lock, NULL);
	s->stable_len = 64 * PAGE;
	s->churn_len = 16 * PAGE;
	s->stable = t_mem(s->stable_len, PROT_READ | PROT_WRITE, 1);
	s->churn = t_mem(s->churn_len, PROT_READ | PROT_WRITE, 2);
	assert_non_null(s->stable);
	assert_non_null(s->churn);
	assert_int_equal(uiommufd_open(&s->ctx), 0);
	assert_int_equal(t_ioas(s->ctx, &s->ioas), 0);
	assert_int_equal(t_map(s->ctx, s->ioas, s->stable, s->stable_len,
			       STABLE_IOVA, T_RW), 0);
	assert_int_equal(uiommufd_access_open(s->ctx, s->ioas, unmap_cb, s, &s->a), 0);

	assert_int_equal(pthread_create(&mapper, NULL, mapper_fn, s), 0);
	assert_int_equal(pthread_create(&pinner, NULL, pinner_fn, s), 0);
	for (unsigned int i = 0; i < NWORKERS; i++) {
		w[i] = (struct worker){ .s = s, .idx = i, .seed = 1234 + i };
		assert_int_equal(pthread_create(&workers[i], NULL, worker_fn, &w[i]), 0);
	}
	for (unsigned int i = 0; i < NWORKERS; i++)
		pthread_join(workers[i], NULL);
	atomic_store(&s->stop, true);
	pthread_join(mapper, NULL);
	pthread_join(pinner, NULL);
	assert_int_equal(atomic_load(&s->failures), 0);
	assert_true(atomic_load(&s->churn_ok) > 0);
	assert_true(atomic_load(&s->churn_gone) > 0);
	assert_true(atomic_load(&s->pins_ok) > 0);
	assert_true(atomic_load(&s->map_cycles) > 0);
	fprintf(stderr, "# churn reads ok %d gone %d, pins %d, map/unmap cycles %d\n",
		atomic_load(&s->churn_ok), atomic_load(&s->churn_gone),
		atomic_load(&s->pins_ok), atomic_load(&s->map_cycles));

	/* the stable region holds what the workers wrote last, in the process */
	uiommufd_access_close(s->a);
	uiommufd_close(s->ctx);
	assert_int_equal(uiommufd_open(&probe), 0);
	assert_int_equal(t_check_refs(probe, s->stable, s->stable_len, 0), 0);
	assert_int_equal(t_check_refs(probe, s->churn, s->churn_len, 0), 0);
	uiommufd_close(probe);
	munmap(s->stable, s->stable_len);
	munmap(s->churn, s->churn_len);
	pthread_mutex_destroy(&s->pin_lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stress_dma_vs_map_unmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

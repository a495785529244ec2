// SPDX-License-Identifier: MIT
/*
 * Concurrency stress: threads issue random IOAS operations on one shared
 * context and on contexts of their own, then every invariant is checked.
 * Meant to run under TSan (build with -Db_sanitize=thread): any data race,
 * lock-order inversion or deadlock is a failure.
 *
 * Shared context layout:
 *   IOAS "own"   - each thread owns a private IOVA window (thread i:
 *                  [WIN(i), WIN(i+1))) where only it maps and unmaps, with
 *                  FIXED_IOVA, and it keeps an exact ledger of what it has
 *                  mapped there.  Nothing else may change a window: at the end
 *                  each thread's window must hold exactly its ledger
 *                  ("no lost mapping, no ghost mapping").
 *   IOAS "chaos" - everybody does anything: automatic maps, copies from the
 *                  windows of "own", unmaps of random ranges, ALLOW_IOVAS,
 *                  IOVA_RANGES, reserved ranges, huge-page option, DESTROY and
 *                  re-ALLOC of the chaos IOAS itself, and state dumps.
 * Every call must return 0 or an errno the spec allows for that call under
 * contention (never EFAULT, ENOMEM or anything else).  Afterwards: areas do
 * not overlap and are all live, UNMAP-all returns the sum of the areas that
 * remain, and after close no page is pinned or charged.
 *
 * Separate contexts: each thread opens, maps, copies, unmaps and closes its
 * own contexts in a loop (including closing with mappings still live), and
 * checks UNMAP-all against its own ledger every round.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/dump.h"
#include "core/ioas.h"
#include "uiommufd/iommufd_abi.h"
#include "uiommufd/uiommufd.h"
#include "umem/umem.h"

#define NTHREADS 6
#define OPS_PER_THREAD 8000
#define WIN_SIZE 0x1000000ULL
#define WIN(i) (0x10000000ULL + (uint64_t)(i) * WIN_SIZE)
#define SLOTS 32	/* fixed map slots per window */
#define NPAGES 64

static uint8_t *buf;
static size_t pg;
static struct uiommufd_ctx *shared;
static uint32_t own_ioas;
static atomic_uint chaos_ioas;
static atomic_int bad_result;	/* first unexpected errno seen by a thread */
static atomic_bool have_mock;

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void expect(long rc, const char *what, int ok_mask_count, ...)
{
	va_list ap;
	bool ok = rc == 0;

	va_start(ap, ok_mask_count);
	for (int i = 0; i < ok_mask_count; i++)
		if (rc == -va_arg(ap, int))
			ok = true;
	va_end(ap);
	if (!ok) {
		int zero = 0;

		if (atomic_compare_exchange_strong(&bad_result, &zero, (int)rc))
			fprintf(stderr, "stress: %s returned %ld\n", what, rc);
	}
}

static long map(struct uiommufd_ctx *ctx, uint32_t ioas, size_t page, size_t npages,
		uint64_t *iova, bool fixed)
{
	struct iommu_ioas_map c = {
		.size = sizeof(c),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.ioas_id = ioas,
		.user_va = (uintptr_t)(buf + page * pg),
		.length = npages * pg,
		.iova = fixed ? *iova : 0,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, &c);

	if (!rc)
		*iova = c.iova;
	return rc;
}

static long unmap(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t iova,
		  uint64_t len, uint64_t *out)
{
	struct iommu_ioas_unmap c = { .size = sizeof(c), .ioas_id = ioas, .iova = iova,
				      .length = len };
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &c);

	if (out)
		*out = rc ? 0 : c.length;
	return rc;
}

static long copy(struct uiommufd_ctx *ctx, uint32_t dst, uint32_t src, uint64_t src_iova,
		 uint64_t len, uint64_t *dst_iova, bool fixed)
{
	struct iommu_ioas_copy c = {
		.size = sizeof(c),
		.flags = IOMMU_IOAS_MAP_READABLE | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.dst_ioas_id = dst, .src_ioas_id = src, .length = len,
		.dst_iova = fixed ? *dst_iova : 0, .src_iova = src_iova,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_COPY, &c);

	if (!rc)
		*dst_iova = c.dst_iova;
	return rc;
}

static uint32_t ioas_alloc(struct uiommufd_ctx *ctx)
{
	struct iommu_ioas_alloc c = { .size = sizeof(c) };

	if (uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &c))
		return 0;
	return c.out_ioas_id;
}

/* ---- shared context ---- */
struct worker {
	int idx;
	uint64_t seed;
	uint64_t slot_len[SLOTS];	/* ledger: bytes mapped at slot s, 0 = none */
};

static void chaos_op(struct worker *w, unsigned int op)
{
	uint32_t chaos = atomic_load(&chaos_ioas);
	uint64_t iova, out;
	long rc;

	switch (op) {
	case 0:	/* automatic map */
		rc = map(shared, chaos, rnd(&w->seed) % (NPAGES - 8), 1 + rnd(&w->seed) % 8,
			 &iova, false);
		expect(rc, "chaos auto map", 2, ENOENT, ENOSPC);
		break;
	case 1: /* copy from somebody's window (may hit a hole) */
		iova = WIN(rnd(&w->seed) % NTHREADS) + (rnd(&w->seed) % SLOTS) * 16 * pg;
		rc = copy(shared, chaos, own_ioas, iova, pg * (1 + rnd(&w->seed) % 4), &out,
			  false);
		expect(rc, "chaos copy", 2, ENOENT, ENOSPC);
		break;
	case 2: /* unmap a random range, or everything */
		if (rnd(&w->seed) % 8 == 0)
			rc = unmap(shared, chaos, 0, UINT64_MAX, NULL);
		else
			rc = unmap(shared, chaos, (rnd(&w->seed) % 0x400) * pg,
				   (1 + rnd(&w->seed) % 0x100) * pg, NULL);
		expect(rc, "chaos unmap", 2, ENOENT, EBUSY);
		break;
	case 3: { /* allow ranges */
		struct iommu_iova_range r[2] = {
			{ 0x100000, 0x100000 + (1 + rnd(&w->seed) % 64) * 0x100000 - 1 },
			{ 0x40000000, 0x7fffffff },
		};
		struct iommu_ioas_allow_iovas c = {
			.size = sizeof(c), .ioas_id = chaos,
			.num_iovas = (uint32_t)(rnd(&w->seed) % 3),
			.allowed_iovas = (uintptr_t)r,
		};
		rc = uiommufd_ioctl(shared, IOMMU_IOAS_ALLOW_IOVAS, &c);
		expect(rc, "chaos allow", 2, ENOENT, EADDRINUSE);
		break;
	}
	case 4: { /* iova ranges */
		struct iommu_iova_range r[4];
		struct iommu_ioas_iova_ranges c = {
			.size = sizeof(c), .ioas_id = chaos, .num_iovas = 4,
			.allowed_iovas = (uintptr_t)r,
		};
		rc = uiommufd_ioctl(shared, IOMMU_IOAS_IOVA_RANGES, &c);
		expect(rc, "chaos iova_ranges", 2, ENOENT, EMSGSIZE);
		break;
	}
	case 5: { /* reserve something high, rarely */
		struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_ADD_RESERVED,
					    .id = chaos };
		c.add_reserved.start = 0x80000000ULL + (rnd(&w->seed) % 64) * 0x100000;
		c.add_reserved.length = pg;
		rc = uiommufd_ioctl(shared, IOMMU_TEST_CMD, &c);
		expect(rc, "chaos reserve", 2, ENOENT, EADDRINUSE);
		break;
	}
	case 6: { /* huge pages option */
		struct iommu_option c = {
			.size = sizeof(c), .option_id = IOMMU_OPTION_HUGE_PAGES,
			.op = IOMMU_OPTION_OP_SET, .object_id = chaos,
			.val64 = rnd(&w->seed) & 1,
		};
		rc = uiommufd_ioctl(shared, IOMMU_OPTION, &c);
		/* EINVAL: a transient mock domain plus areas (semantics.md §11) */
		expect(rc, "chaos option", 3, ENOENT, EADDRINUSE, EINVAL);
		break;
	}
	case 7: { /* destroy the chaos IOAS and publish a new one */
		struct iommu_destroy c = { .size = sizeof(c), .id = chaos };

		if (rnd(&w->seed) % 16)
			break;
		rc = uiommufd_ioctl(shared, IOMMU_DESTROY, &c);
		expect(rc, "chaos destroy", 2, ENOENT, EBUSY);
		if (!rc) {
			uint32_t n = ioas_alloc(shared);

			if (!n)
				expect(-ENOMEM, "chaos re-alloc", 0);
			atomic_store(&chaos_ioas, n);
		}
		break;
	}
	case 8: { /* a dump while everything moves */
		char *d;

		if (rnd(&w->seed) % 32)
			break;
		d = iommufd_ctx_dump((struct iommufd_ctx *)shared);
		if (!d)
			expect(-ENOMEM, "dump", 0);
		free(d);
		break;
	}
	case 10: { /* an access pins a random range, reads it, and goes away */
		struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_CREATE_ACCESS,
					    .id = chaos };
		uint8_t tmp[64];
		int fd;

		c.create_access.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;
		rc = uiommufd_ioctl(shared, IOMMU_TEST_CMD, &c);
		expect(rc, "chaos create access", 2, ENOENT, EADDRINUSE);
		if (rc)
			break;
		fd = (int)c.create_access.out_access_fd;
		iova = 0x1000000 + (rnd(&w->seed) % 0x100) * pg;
		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.op = IOMMU_TEST_OP_ACCESS_RW;
		c.id = (uint32_t)fd;
		c.access_rw.iova = iova;
		c.access_rw.length = sizeof(tmp);
		c.access_rw.uptr = (uintptr_t)tmp;
		rc = uiommufd_ioctl(shared, IOMMU_TEST_CMD, &c);
		expect(rc, "chaos access rw", 2, ENOENT, EINVAL);
		if (!uiommufd_fd_close(fd))
			expect(-EBADF, "access fd close", 0);
		break;
	}
	case 9: /* mock domain attach+detach on the chaos IOAS, when available */
		if (atomic_load(&have_mock)) {
			struct iommu_test_cmd c = { .size = sizeof(c),
						    .op = IOMMU_TEST_OP_MOCK_DOMAIN,
						    .id = chaos };
			rc = uiommufd_ioctl(shared, IOMMU_TEST_CMD, &c);
			expect(rc, "chaos mock domain", 4, ENOENT, EADDRINUSE, EINVAL, ENOSPC);
			if (!rc) {
				struct iommu_destroy d = { .size = sizeof(d),
							   .id = c.mock_domain.out_stdev_id };
				expect(uiommufd_ioctl(shared, IOMMU_DESTROY, &d), "detach", 0);
			}
		}
		break;
	}
}

static void own_op(struct worker *w)
{
	unsigned int s = rnd(&w->seed) % SLOTS;
	uint64_t iova = WIN(w->idx) + (uint64_t)s * 16 * pg, out;
	long rc;

	if (w->slot_len[s]) {
		rc = unmap(shared, own_ioas, iova, w->slot_len[s], &out);
		expect(rc, "own unmap", 0);
		if (!rc && out != w->slot_len[s])
			expect(-EIO, "own unmap length", 0);
		w->slot_len[s] = 0;
	} else {
		size_t npages = 1 + rnd(&w->seed) % 8;

		rc = map(shared, own_ioas, rnd(&w->seed) % (NPAGES - 8), npages, &iova, true);
		expect(rc, "own map", 0);
		if (!rc)
			w->slot_len[s] = npages * pg;
	}
}

static void *shared_worker(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < OPS_PER_THREAD; i++) {
		unsigned int op = rnd(&w->seed) % 15;

		if (op >= 11)
			own_op(w);
		else
			chaos_op(w, op);
	}
	return NULL;
}

struct area_check {
	uint64_t total;
	uint64_t prev_last;
	bool any;
	bool bad;
};

static void area_fn(struct iopt_area *area, void *arg)
{
	struct area_check *a = arg;

	if (!area->live || (a->any && area->node.start <= a->prev_last))
		a->bad = true;
	a->prev_last = area->node.last;
	a->any = true;
	a->total += iopt_area_length(area);
}

static uint64_t check_areas(struct uiommufd_ctx *ctx, uint32_t id)
{
	struct iommufd_ioas *ioas;
	struct area_check a = { 0 };

	assert_int_equal(iommufd_get_ioas((struct iommufd_ctx *)ctx, id, &ioas), 0);
	iopt_for_each_area(&ioas->iopt, area_fn, &a);
	iommufd_put_ioas(ioas);
	assert_false(a.bad);
	return a.total;
}

static void assert_no_pins(void)
{
	struct umem_mm *mm = umem_mm_current();

	assert_non_null(mm);
	assert_int_equal(umem_pinned_total(mm), 0);
	assert_int_equal(umem_accounted(mm, UMEM_ACCOUNT_USER), 0);
	assert_int_equal(umem_accounted(mm, UMEM_ACCOUNT_MM), 0);
	umem_mm_put(mm);
}

static void test_shared_context(void **state)
{
	pthread_t th[NTHREADS];
	struct worker w[NTHREADS];
	uint64_t total, out;
	struct iommu_test_cmd probe = { .size = sizeof(probe), .op = IOMMU_TEST_OP_MOCK_DOMAIN };
	uint32_t chaos;

	(void)state;
	atomic_store(&bad_result, 0);
	assert_int_equal(uiommufd_open(&shared), 0);
	own_ioas = ioas_alloc(shared);
	assert_true(own_ioas != 0);
	chaos = ioas_alloc(shared);
	assert_true(chaos != 0);
	atomic_store(&chaos_ioas, chaos);
	/* mock domains: probe on a scratch IOAS of the same context */
	probe.id = ioas_alloc(shared);
	{
		long rc = uiommufd_ioctl(shared, IOMMU_TEST_CMD, &probe);

		if (rc == 0) {
			struct iommu_destroy d = { .size = sizeof(d),
						   .id = probe.mock_domain.out_stdev_id };
			assert_int_equal(uiommufd_ioctl(shared, IOMMU_DESTROY, &d), 0);
			atomic_store(&have_mock, true);
		} else {
			assert_int_equal(rc, -EOPNOTSUPP);
		}
		assert_int_equal(uiommufd_destroy(shared, probe.id), 0);
	}
	printf("# mock domains %s\n", atomic_load(&have_mock) ? "exercised" : "not available");

	for (int i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].idx = i;
		w[i].seed = 0x1234567ULL * (uint64_t)(i + 1) | 1;
		assert_int_equal(pthread_create(&th[i], NULL, shared_worker, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(atomic_load(&bad_result), 0);

	/* every window holds exactly its ledger */
	for (int i = 0; i < NTHREADS; i++) {
		uint64_t want = 0;

		for (int s = 0; s < SLOTS; s++)
			want += w[i].slot_len[s];
		if (!want)
			continue;
		assert_int_equal(unmap(shared, own_ioas, WIN(i), WIN_SIZE, &out), 0);
		assert_int_equal(out, want);
	}
	assert_int_equal(check_areas(shared, own_ioas), 0);
	/* chaos: no overlap, unmap-all = the sum of what remains */
	chaos = atomic_load(&chaos_ioas);
	total = check_areas(shared, chaos);
	assert_int_equal(unmap(shared, chaos, 0, UINT64_MAX, &out), 0);
	assert_int_equal(out, total);
	uiommufd_close(shared);
	shared = NULL;
	assert_no_pins();
}

/* ---- separate contexts ---- */
static void *separate_worker(void *arg)
{
	struct worker *w = arg;

	for (int round = 0; round < 60; round++) {
		struct uiommufd_ctx *ctx;
		uint32_t a, b;
		uint64_t ledger = 0, copied = 0, iova, out;

		if (uiommufd_open(&ctx)) {
			expect(-ENOMEM, "open", 0);
			return NULL;
		}
		a = ioas_alloc(ctx);
		b = ioas_alloc(ctx);
		for (int i = 0; i < 20; i++) {
			size_t n = 1 + rnd(&w->seed) % 4;
			long rc = map(ctx, a, rnd(&w->seed) % (NPAGES - 8), n, &iova, false);

			expect(rc, "separate map", 0);
			if (!rc) {
				ledger += n * pg;
				rc = copy(ctx, b, a, iova, pg, &out, false);
				expect(rc, "separate copy", 0);
				if (!rc)
					copied += pg;
			}
		}
		if (round % 3) { /* sometimes close with everything live */
			expect(unmap(ctx, a, 0, UINT64_MAX, &out), "separate unmap", 0);
			if (out != ledger)
				expect(-EIO, "separate unmap length", 0);
			expect(unmap(ctx, b, 0, UINT64_MAX, &out), "separate unmap b", 0);
			if (out != copied)
				expect(-EIO, "separate unmap b length", 0);
		}
		uiommufd_close(ctx);
	}
	return NULL;
}

static void test_separate_contexts(void **state)
{
	pthread_t th[NTHREADS];
	struct worker w[NTHREADS];

	(void)state;
	atomic_store(&bad_result, 0);
	for (int i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].idx = i;
		w[i].seed = 0xabcdefULL * (uint64_t)(i + 3) | 1;
		assert_int_equal(pthread_create(&th[i], NULL, separate_worker, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(atomic_load(&bad_result), 0);
	assert_no_pins();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_context),
		cmocka_unit_test(test_separate_contexts),
	};
	int rc;

	pg = (size_t)sysconf(_SC_PAGESIZE);
	buf = mmap(NULL, NPAGES * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 0x3c, NPAGES * pg);
	rc = cmocka_run_group_tests_name("stress", tests, NULL, NULL);
	munmap(buf, NPAGES * pg);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Random MAP / UNMAP / COPY / attach / detach sequences on two IOASes,
 * checked after every step against a shadow model of what each domain must
 * translate (iova -> expected user page) and how many pins each page must
 * carry:
 *
 *   - every area of an IOAS is mapped in every HWPT of that IOAS, checked
 *     with MD_CHECK_MAP against the model's user address (for memfd-backed
 *     areas through the *other* mapping of the same memory, so the check is
 *     by page identity);
 *   - the IOVA just past an area that has no area after it is not mapped;
 *   - MD_CHECK_REFS of every buffer page equals the number of distinct
 *     pages objects (one per MAP, shared by COPY) that have an area covering
 *     the page in an IOAS with at least one domain;
 *   - IOVA_RANGES is [0x1000000, 0x7fffffff] with a domain, everything
 *     without.
 *
 * Variants: at most 0, 1 or 2 domains per IOAS (auto HWPT of mock devices;
 * the second is a manual HWPT_ALLOC HWPT), each with and without the tiny
 * SET_TEMP_MEMORY_LIMIT batch.  The seed is fixed; MOCK_MODEL_SEED overrides.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "mock_util.h"

#define NPAGES 32
#define MAX_AREAS 64
#define NIOAS 2
#define STEPS 250

static uint64_t PAGE;

struct area {
	uint64_t iova, len;
	int view;		/* 0: anon buffer, 1: memfd view A */
	uint64_t off;		/* byte offset into the buffer */
	int pages_id;
};

struct ioas_model {
	uint32_t id;
	struct area areas[MAX_AREAS];
	int nareas;
	uint32_t stdevs[2];	/* mock devices attached (auto HWPT) */
	int nstdev;
	uint32_t auto_hwpt;	/* 0 if none */
	uint32_t manual_hwpt;	/* 0 if none */
};

struct model {
	struct uiommufd_ctx *ctx;
	struct ioas_model ioas[NIOAS];
	uint32_t holder_idev;	/* device used for HWPT_ALLOC */
	char *anon, *memfd_a, *memfd_b;
	int max_domains;
	int next_pages_id;
	uint64_t rng;
};

static uint64_t rnd(struct model *m)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return m->rng;
}

static char *view_base(struct model *m, int view, bool check)
{
	if (view == 0)
		return m->anon;
	return check ? m->memfd_b : m->memfd_a;
}

static int ndomains(struct ioas_model *im)
{
	return (im->auto_hwpt != 0) + (im->manual_hwpt != 0);
}

static bool overlaps(struct ioas_model *im, uint64_t iova, uint64_t len)
{
	for (int i = 0; i < im->nareas; i++)
		if (iova < im->areas[i].iova + im->areas[i].len &&
		    im->areas[i].iova < iova + len)
			return true;
	return false;
}

static void check_model(struct model *m)
{
	static uint32_t expect[2][NPAGES];

	memset(expect, 0, sizeof(expect));
	for (int k = 0; k < NIOAS; k++) {
		struct ioas_model *im = &m->ioas[k];
		uint32_t hwpts[2] = { im->auto_hwpt, im->manual_hwpt };
		struct iommu_iova_range r[4];
		uint32_t n;
		uint64_t align;

		assert_int_equal(m_ranges(m->ctx, im->id, r, 4, &n, &align), 0);
		assert_int_equal(n, 1);
		if (ndomains(im)) {
			assert_int_equal(r[0].start, MOCK_START);
			assert_int_equal(r[0].last, MOCK_LAST);
			assert_int_equal(align, 2048);
		} else {
			assert_int_equal(r[0].start, 0);
			assert_int_equal(r[0].last, UINT64_MAX);
		}
		for (int h = 0; h < 2; h++) {
			if (!hwpts[h])
				continue;
			for (int i = 0; i < im->nareas; i++) {
				struct area *a = &im->areas[i];
				char *uva = view_base(m, a->view, true) + a->off;

				assert_int_equal(m_check_map(m->ctx, hwpts[h], a->iova,
							     uva, a->len), 0);
				if (!overlaps(im, a->iova + a->len, PAGE))
					assert_int_equal(m_check_map(m->ctx, hwpts[h],
								     a->iova + a->len,
								     uva, PAGE), -EINVAL);
			}
		}
	}
	/* pins: distinct pages objects with a stored area over each page */
	for (int v = 0; v < 2; v++) {
		for (int p = 0; p < NPAGES; p++) {
			uint32_t cnt = 0;

			for (int id = 0; id < m->next_pages_id; id++) {
				bool held = false;

				for (int k = 0; k < NIOAS && !held; k++) {
					struct ioas_model *im = &m->ioas[k];

					if (!ndomains(im))
						continue;
					for (int i = 0; i < im->nareas && !held; i++) {
						struct area *a = &im->areas[i];

						held = a->pages_id == id && a->view == v &&
						       a->off <= p * PAGE &&
						       p * PAGE < a->off + a->len;
					}
				}
				cnt += held;
			}
			expect[v][p] = cnt;
		}
		for (int p = 0; p < NPAGES; p++)
			assert_int_equal(m_check_refs(m->ctx, view_base(m, v, false) + p * PAGE,
						      PAGE, expect[v][p]), 0);
	}
}

static void op_map(struct model *m, struct ioas_model *im)
{
	uint64_t npg = 1 + rnd(m) % 4, first = rnd(m) % (NPAGES - npg + 1);
	uint64_t iova = MOCK_START + (rnd(m) % 64) * PAGE, len = npg * PAGE;
	int view = rnd(m) % 2;
	struct area *a;
	long rc;

	if (im->nareas == MAX_AREAS)
		return;
	rc = m_map(m->ctx, im->id, view_base(m, view, false) + first * PAGE, len,
		   &iova, true);
	if (overlaps(im, iova, len)) {
		assert_int_equal(rc, -EEXIST);
		return;
	}
	assert_int_equal(rc, 0);
	a = &im->areas[im->nareas++];
	*a = (struct area){ iova, len, view, first * PAGE, m->next_pages_id++ };
}

static void op_unmap(struct model *m, struct ioas_model *im)
{
	uint64_t unmapped;
	int i;

	if (!im->nareas)
		return;
	if (rnd(m) % 16 == 0) {
		assert_int_equal(m_unmap(m->ctx, im->id, 0, UINT64_MAX, &unmapped), 0);
		im->nareas = 0;
		return;
	}
	i = rnd(m) % im->nareas;
	assert_int_equal(m_unmap(m->ctx, im->id, im->areas[i].iova, im->areas[i].len,
				 &unmapped), 0);
	assert_int_equal(unmapped, im->areas[i].len);
	im->areas[i] = im->areas[--im->nareas];
}

static void op_copy(struct model *m, struct ioas_model *src, struct ioas_model *dst)
{
	uint64_t iova = MOCK_START + (rnd(m) % 64) * PAGE, off, len;
	struct area *s, *d;
	long rc;

	if (!src->nareas || dst->nareas == MAX_AREAS)
		return;
	s = &src->areas[rnd(m) % src->nareas];
	off = (rnd(m) % (s->len / PAGE)) * PAGE;
	len = (1 + rnd(m) % ((s->len - off) / PAGE)) * PAGE;
	rc = m_copy(m->ctx, dst->id, src->id, s->iova + off, len, &iova, true);
	if (overlaps(dst, iova, len)) {
		assert_int_equal(rc, -EEXIST);
		return;
	}
	assert_int_equal(rc, 0);
	d = &dst->areas[dst->nareas++];
	*d = (struct area){ iova, len, s->view, s->off + off, s->pages_id };
}

static void op_attach(struct model *m, struct ioas_model *im)
{
	if (m->max_domains == 0)
		return;
	if (im->nstdev < 2 && (rnd(m) & 1)) {
		uint32_t hwpt;

		assert_int_equal(m_mock_domain(m->ctx, im->id, &im->stdevs[im->nstdev],
					       &hwpt, NULL), 0);
		if (im->auto_hwpt)
			assert_int_equal(hwpt, im->auto_hwpt);
		im->auto_hwpt = hwpt;
		im->nstdev++;
	} else if (m->max_domains == 2 && !im->manual_hwpt) {
		struct iommu_hwpt_alloc cmd = {
			.size = sizeof(cmd), .dev_id = m->holder_idev, .pt_id = im->id,
		};

		assert_int_equal(uiommufd_ioctl(m->ctx, IOMMU_HWPT_ALLOC, &cmd), 0);
		im->manual_hwpt = cmd.out_hwpt_id;
	}
}

static void op_detach(struct model *m, struct ioas_model *im)
{
	if (im->nstdev && (rnd(m) & 1 || !im->manual_hwpt)) {
		assert_int_equal(m_destroy(m->ctx, im->stdevs[--im->nstdev]), 0);
		if (!im->nstdev) {
			assert_int_equal(m_destroy(m->ctx, im->auto_hwpt), -ENOENT);
			im->auto_hwpt = 0;
		}
	} else if (im->manual_hwpt) {
		assert_int_equal(m_destroy(m->ctx, im->manual_hwpt), 0);
		im->manual_hwpt = 0;
	}
}

static void run_variant(int max_domains, bool tiny_batch)
{
	struct model m = { .max_domains = max_domains };
	uint32_t holder_ioas;
	const char *seed = getenv("MOCK_MODEL_SEED");
	int fd;

	m.rng = seed ? strtoull(seed, NULL, 0) | 1 : 0x2545f4914f6cdd1dULL + max_domains;
	m.ctx = m_open();
	m.anon = m_buf(NPAGES * PAGE);
	fd = memfd_create("model", 0);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(NPAGES * PAGE)), 0);
	m.memfd_a = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m.memfd_b = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(m.memfd_a != MAP_FAILED && m.memfd_b != MAP_FAILED);
	close(fd);
	if (tiny_batch) {
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd), .op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
		};

		cmd.memory_limit.limit = 12;
		assert_int_equal(uiommufd_ioctl(m.ctx, IOMMU_TEST_CMD, &cmd), 0);
	}
	for (int k = 0; k < NIOAS; k++)
		assert_int_equal(m_ioas(m.ctx, &m.ioas[k].id), 0);
	assert_int_equal(m_ioas(m.ctx, &holder_ioas), 0);
	assert_int_equal(m_mock_domain(m.ctx, holder_ioas, NULL, NULL, &m.holder_idev), 0);

	check_model(&m);
	for (int step = 0; step < STEPS; step++) {
		int k = rnd(&m) % NIOAS;
		struct ioas_model *im = &m.ioas[k];

		switch (rnd(&m) % 8) {
		case 0: case 1: case 2:
			op_map(&m, im);
			break;
		case 3: case 4:
			op_unmap(&m, im);
			break;
		case 5:
			op_copy(&m, im, &m.ioas[!k]);
			break;
		case 6:
			op_attach(&m, im);
			break;
		case 7:
			op_detach(&m, im);
			break;
		}
		check_model(&m);
	}
	if (tiny_batch) {
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd), .op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
		};

		cmd.memory_limit.limit = 65536;
		uiommufd_ioctl(m.ctx, IOMMU_TEST_CMD, &cmd);
	}
	uiommufd_close(m.ctx);
	/* closing released every pin */
	{
		struct uiommufd_ctx *c = m_open();

		assert_int_equal(m_check_refs(c, m.anon, NPAGES * PAGE, 0), 0);
		assert_int_equal(m_check_refs(c, m.memfd_a, NPAGES * PAGE, 0), 0);
		uiommufd_close(c);
	}
	munmap(m.anon, NPAGES * PAGE);
	munmap(m.memfd_a, NPAGES * PAGE);
	munmap(m.memfd_b, NPAGES * PAGE);
}

static void test_model_0(void **state) { (void)state; run_variant(0, false); }
static void test_model_1(void **state) { (void)state; run_variant(1, false); }
static void test_model_2(void **state) { (void)state; run_variant(2, false); }
static void test_model_0_tiny(void **state) { (void)state; run_variant(0, true); }
static void test_model_1_tiny(void **state) { (void)state; run_variant(1, true); }
static void test_model_2_tiny(void **state) { (void)state; run_variant(2, true); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_0),
		cmocka_unit_test(test_model_1),
		cmocka_unit_test(test_model_2),
		cmocka_unit_test(test_model_0_tiny),
		cmocka_unit_test(test_model_1_tiny),
		cmocka_unit_test(test_model_2_tiny),
	};

	PAGE = page_size();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

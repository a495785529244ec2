/* SPDX-License-Identifier: MIT */
/*
 * The automatic IOVA allocator against a brute-force model.
 *
 * The model keeps reserved ranges, allowed ranges and areas as plain arrays
 * and answers "where must an automatic MAP of `length` bytes with address
 * hint `va` land?" by the rule of spec/semantics.md §4 evaluated the slow
 * way: build the sorted list of free gaps (outside every reserved range and
 * area) inside each candidate region, and take the first gap in which the
 * aligned start fits.  Random sequences of reserve / allow / map / unmap run
 * against the real io_pagetable and every automatic MAP must agree with the
 * model, including ENOSPC and EINVAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/io_pagetable.h"
#include "util/page.h"

#define MAXR 64

struct range {
	uint64_t start, last;
};

struct model {
	struct range reserved[MAXR];
	unsigned int nreserved;
	struct range allowed[MAXR];
	unsigned int nallowed;
	struct range areas[MAXR];
	unsigned int nareas;
	uint64_t alignment;
};

static bool overlaps(const struct range *set, unsigned int n, uint64_t s, uint64_t l)
{
	for (unsigned int i = 0; i < n; i++)
		if (set[i].start <= l && s <= set[i].last)
			return true;
	return false;
}

static uint64_t rnd(uint64_t n)
{
	return ((uint64_t)random() << 31 ^ (uint64_t)random()) % n;
}

/* Is x used by a reserved range or an area? */
static bool used(const struct model *m, uint64_t x)
{
	return overlaps(m->reserved, m->nreserved, x, x) ||
	       overlaps(m->areas, m->nareas, x, x);
}

static bool fits(uint64_t *start, uint64_t last, uint64_t length, uint64_t align,
		 uint64_t poff)
{
	uint64_t t;

	if (*start > UINT64_MAX - (align - 1))
		return false;
	t = ((*start + align - 1) & ~(align - 1)) | poff;
	if (t >= last || last - t < length - 1)
		return false;
	*start = t;
	return true;
}

/* The gaps are found by scanning the boundaries of every range: the free
 * space only changes at a range's start or just after its last byte. */
static int model_alloc(const struct model *m, uint64_t va, uint64_t length,
		       uint64_t *iova)
{
	uint64_t poff = va & (PAGE_SIZE - 1), align = 1, cap = PAGE_SIZE * (PAGE_SIZE / 8);
	struct range regions[MAXR + 1];
	unsigned int nregions = 0;

	while (align < length)
		align <<= 1;
	if (va && (va & -va) < align)
		align = va & -va;
	if (align >= cap)
		align = cap;
	if (align < m->alignment)
		return -EINVAL;

	if (!m->nallowed) {
		regions[nregions++] = (struct range){ PAGE_SIZE, UINT64_MAX - PAGE_SIZE };
	} else {
		/* allowed ranges in ascending order, clipped to the window */
		struct range sorted[MAXR];

		memcpy(sorted, m->allowed, m->nallowed * sizeof(sorted[0]));
		for (unsigned int i = 0; i < m->nallowed; i++)
			for (unsigned int j = i + 1; j < m->nallowed; j++)
				if (sorted[j].start < sorted[i].start) {
					struct range t = sorted[i];
					sorted[i] = sorted[j];
					sorted[j] = t;
				}
		for (unsigned int i = 0; i < m->nallowed; i++) {
			struct range r = sorted[i];

			if (r.last < PAGE_SIZE || r.start > UINT64_MAX - PAGE_SIZE)
				continue;
			if (r.start < PAGE_SIZE)
				r.start = PAGE_SIZE;
			if (r.last > UINT64_MAX - PAGE_SIZE)
				r.last = UINT64_MAX - PAGE_SIZE;
			regions[nregions++] = r;
		}
	}

	for (unsigned int i = 0; i < nregions; i++) {
		uint64_t s = regions[i].start, l = regions[i].last;
		uint64_t points[4 * MAXR + 2];
		unsigned int np = 0;

		if (!fits(&s, l, length, align, poff))
			continue;
		/* candidate gap starts: s, and one past the end of each range */
		points[np++] = s;
		for (unsigned int k = 0; k < m->nreserved; k++)
			if (m->reserved[k].last < UINT64_MAX)
				points[np++] = m->reserved[k].last + 1;
		for (unsigned int k = 0; k < m->nareas; k++)
			if (m->areas[k].last < UINT64_MAX)
				points[np++] = m->areas[k].last + 1;
		/* ascending */
		for (unsigned int a = 0; a < np; a++)
			for (unsigned int b = a + 1; b < np; b++)
				if (points[b] < points[a]) {
					uint64_t t = points[a];
					points[a] = points[b];
					points[b] = t;
				}
		for (unsigned int p = 0; p < np; p++) {
			uint64_t gs = points[p], ge;

			if (gs < s || gs > l || used(m, gs))
				continue;
			/* gap end: the byte before the next used range, or l */
			ge = l;
			for (unsigned int k = 0; k < m->nreserved; k++)
				if (m->reserved[k].start > gs && m->reserved[k].start - 1 < ge)
					ge = m->reserved[k].start - 1;
			for (unsigned int k = 0; k < m->nareas; k++)
				if (m->areas[k].start > gs && m->areas[k].start - 1 < ge)
					ge = m->areas[k].start - 1;
			if (!fits(&gs, ge, length, align, poff))
				continue;
			*iova = gs;
			return 0;
		}
	}
	return -ENOSPC;
}

static void random_run(unsigned int seed, bool use_allowed)
{
	struct io_pagetable iopt;
	struct umem_mm *mm = umem_mm_current();
	struct model m = { .alignment = 1 };
	/* a small space near 0 so gaps collide often */
	const uint64_t span = 256 * PAGE_SIZE;

	srandom(seed);
	assert_non_null(mm);
	iopt_init_table(&iopt);

	for (unsigned int step = 0; step < 400; step++) {
		unsigned int op = rnd(10);

		if (op == 0 && m.nreserved < MAXR) {
			uint64_t s = rnd(span), l = s + rnd(8 * PAGE_SIZE);
			int rc = iopt_reserve_iova(&iopt, s, l, NULL);
			bool conflict = overlaps(m.areas, m.nareas, s, l) ||
					overlaps(m.allowed, m.nallowed, s, l);

			assert_int_equal(rc, conflict ? -EADDRINUSE : 0);
			if (!rc)
				m.reserved[m.nreserved++] = (struct range){ s, l };
		} else if (op == 1 && use_allowed) {
			uint64_t ranges[4][2];
			unsigned int n = rnd(4);
			bool bad = false;

			for (unsigned int i = 0; i < n; i++) {
				ranges[i][0] = (i * span / 4) + rnd(span / 8);
				ranges[i][1] = ranges[i][0] + PAGE_SIZE + rnd(span / 8);
				if (overlaps(m.reserved, m.nreserved, ranges[i][0], ranges[i][1]))
					bad = true;
			}
			assert_int_equal(iopt_set_allow_iova(&iopt, (const uint64_t (*)[2])ranges, n),
					 bad ? -EADDRINUSE : 0);
			if (!bad) {
				m.nallowed = n;
				for (unsigned int i = 0; i < n; i++)
					m.allowed[i] = (struct range){ ranges[i][0], ranges[i][1] };
			}
		} else if (op <= 3 && m.nareas) {
			unsigned int k = rnd(m.nareas);
			uint64_t unmapped = 0;

			assert_int_equal(iopt_unmap_iova(&iopt, m.areas[k].start,
							 m.areas[k].last - m.areas[k].start + 1,
							 &unmapped), 0);
			assert_int_equal(unmapped, m.areas[k].last - m.areas[k].start + 1);
			m.areas[k] = m.areas[--m.nareas];
		} else if (m.nareas < MAXR) {
			/* hint: any address; its low bits set alignment and offset */
			uint64_t va = rnd(1ULL << 40) & ~(uint64_t)rnd(1ULL << rnd(24));
			uint64_t length = 1 + rnd(6 * PAGE_SIZE);
			uint64_t want = 0, got = 0;
			int expect = model_alloc(&m, va, length, &want);
			int rc = iopt_map_user_pages(&iopt, mm, &got, va, length,
						     IOMMU_READ, false, 0);

			assert_int_equal(rc, expect);
			if (!rc) {
				assert_true(got == want);
				m.areas[m.nareas++] = (struct range){ got, got + length - 1 };
			}
		}
	}
	{
		uint64_t unmapped;

		assert_int_equal(iopt_unmap_all(&iopt, &unmapped), 0);
	}
	iopt_destroy_table(&iopt);
	umem_mm_put(mm);
}

static void test_alloc_matches_model(void **state)
{
	(void)state;
	for (unsigned int seed = 1; seed <= 12; seed++)
		random_run(seed, false);
}

static void test_alloc_matches_model_allowed(void **state)
{
	(void)state;
	for (unsigned int seed = 100; seed <= 112; seed++)
		random_run(seed, true);
}

/* semantics.md §17: reserving [6, 0xffff_ffff_ffff_8006] leaves no room for
 * 0x5000 bytes at their natural (0x8000) alignment: rounding the free gap's
 * start up overflows, which must read as "does not fit". */
static void test_alloc_reserved_overflow(void **state)
{
	struct io_pagetable iopt;
	struct umem_mm *mm = umem_mm_current();
	uint64_t iova = 0;

	(void)state;
	iopt_init_table(&iopt);
	assert_int_equal(iopt_reserve_iova(&iopt, 6, 0xffffffffffff8006ULL, NULL), 0);
	assert_int_equal(iopt_map_user_pages(&iopt, mm, &iova, 0x7f0000200000ULL,
					     0x5000, IOMMU_READ, false, 0), -ENOSPC);
	iopt_destroy_table(&iopt);
	umem_mm_put(mm);
}

/* Never page 0 nor the last page; a fresh IOAS gives the first aligned slot. */
static void test_alloc_window(void **state)
{
	struct io_pagetable iopt;
	struct umem_mm *mm = umem_mm_current();
	uint64_t iova = 0, unmapped;

	(void)state;
	iopt_init_table(&iopt);
	assert_int_equal(iopt_map_user_pages(&iopt, mm, &iova, 0x10000, PAGE_SIZE,
					     IOMMU_READ, false, 0), 0);
	assert_int_equal(iova, PAGE_SIZE);
	/* in-page offset of the hint is reproduced */
	assert_int_equal(iopt_map_user_pages(&iopt, mm, &iova, 0x10123, 16,
					     IOMMU_READ, false, 0), 0);
	assert_int_equal(iova & (PAGE_SIZE - 1), 0x123);
	assert_int_equal(iopt_unmap_all(&iopt, &unmapped), 0);
	assert_int_equal(unmapped, PAGE_SIZE + 16);
	iopt_destroy_table(&iopt);
	umem_mm_put(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_window),
		cmocka_unit_test(test_alloc_reserved_overflow),
		cmocka_unit_test(test_alloc_matches_model),
		cmocka_unit_test(test_alloc_matches_model_allowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

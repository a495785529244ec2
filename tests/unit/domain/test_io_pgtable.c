/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the software IOMMU page table (src/core/io_pgtable.h).
 *
 * The central check is a brute-force shadow model: an array with one slot
 * per base page of a small aperture, holding the output address, the
 * permissions and the id of the map call that covers the page.  After every
 * operation every base page is looked up with io_pgtable_iova_to_phys() and
 * compared with the model, including the size of the leaf, which the model
 * derives on its own from the rule in io_pgtable.h (largest allowed size
 * both cursors are aligned to that fits in what is left).  The model also
 * predicts the table's leaf-entry counter.
 *
 * Configurations come from selftest-mock.md §5.2: DEFAULT (2 KiB granule,
 * every power of two >= 2 KiB, aperture [0x1000000, 0x7fffffff]) and HUGE
 * (2 KiB granule, 1 MiB | PAGE_SIZE).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/io_pgtable.h"
#include "util/fault_inject.h"
#include "util/overflow.h"
#include "util/page.h"

#define MIN_OF(a, b) ((a) < (b) ? (a) : (b))

#define SZ_2K 0x800ull
#define SZ_4K 0x1000ull
#define SZ_1M 0x100000ull
#define SZ_512M 0x20000000ull
#define MOCK_APERTURE_START 0x1000000ull
#define MOCK_APERTURE_LAST 0x7fffffffull
#define RW (IO_PGTABLE_READ | IO_PGTABLE_WRITE)

/* Every power of two from 2 KiB up. */
static const uint64_t all_from_2k = ~(SZ_2K - 1);

static struct io_pgtable *new_pt(uint64_t granule, uint64_t bitmap,
				 uint64_t start, uint64_t last)
{
	struct io_pgtable_cfg cfg = {
		.granule = granule,
		.pgsize_bitmap = bitmap,
		.aperture_start = start,
		.aperture_last = last,
	};
	struct io_pgtable *pt = NULL;

	assert_int_equal(io_pgtable_alloc(&cfg, &pt), 0);
	assert_non_null(pt);
	return pt;
}

static struct io_pgtable *new_default(void)
{
	return new_pt(SZ_2K, all_from_2k, MOCK_APERTURE_START,
		      MOCK_APERTURE_LAST);
}

static struct io_pgtable *new_huge(void)
{
	return new_pt(SZ_2K, SZ_1M | PAGE_SIZE, 0, (1ull << 38) - 1);
}

/* ------------------------------------------------------------- model */

struct model_slot {
	uint64_t paddr;		/* output address of the page's first byte */
	uint64_t leaf_iova;	/* expected leaf covering the page */
	uint64_t leaf_size;
	unsigned int prot;
	uint32_t id;		/* map call id, 0 = unmapped */
};

struct model {
	struct io_pgtable *pt;
	uint64_t start;		/* first IOVA modelled */
	uint64_t base;		/* base page */
	uint64_t granule;
	uint64_t bitmap;
	size_t npages;
	struct model_slot *s;
	uint32_t next_id;
	uint64_t leaf_entries;	/* expected nr_leaf_entries */
};

static void model_init(struct model *m, struct io_pgtable *pt, uint64_t start,
		       size_t npages, uint64_t granule)
{
	m->pt = pt;
	m->start = start;
	m->base = io_pgtable_base_page(pt);
	m->granule = granule;
	m->bitmap = io_pgtable_pgsize_bitmap(pt);
	m->npages = npages;
	m->s = calloc(npages, sizeof(*m->s));
	assert_non_null(m->s);
	m->next_id = 1;
	m->leaf_entries = 0;
}

/* Entries one leaf of size P uses: P divided by its level's entry size. */
static uint64_t entries_of(uint64_t granule, uint64_t P)
{
	uint64_t esz = granule;

	while (esz * 512 <= P)
		esz *= 512;
	return P / esz;
}

/* The page size the spec's rule picks at this cursor. */
static uint64_t expect_pick(uint64_t sizes, uint64_t iova, uint64_t paddr,
			    uint64_t rem)
{
	uint64_t best = 0;
	int b;

	for (b = 0; b < 64; b++) {
		uint64_t P = 1ull << b;

		if (!(sizes & P) || P > rem)
			continue;
		if ((iova | paddr) & (P - 1))
			continue;
		best = P;
	}
	return best;
}

static bool model_range_free(const struct model *m, uint64_t iova,
			     uint64_t size)
{
	size_t i, first = (iova - m->start) / m->base;

	for (i = 0; i < size / m->base; i++)
		if (m->s[first + i].id)
			return false;
	return true;
}

static void model_map(struct model *m, uint64_t iova, uint64_t paddr,
		      uint64_t size, unsigned int prot, bool large)
{
	uint64_t sizes = large ? m->bitmap : m->base;
	uint64_t off = 0;
	uint32_t id = m->next_id++;

	while (off < size) {
		uint64_t P = expect_pick(sizes, iova + off, paddr + off,
					 size - off);
		uint64_t o;

		assert_true(P != 0);
		for (o = 0; o < P; o += m->base) {
			struct model_slot *s =
				&m->s[(iova + off + o - m->start) / m->base];

			s->paddr = paddr + off + o;
			s->leaf_iova = iova + off;
			s->leaf_size = P;
			s->prot = prot;
			s->id = id;
		}
		m->leaf_entries += entries_of(m->granule, P);
		off += P;
	}
}

static void model_check(const struct model *m)
{
	struct io_pgtable_stats st;
	size_t i;

	for (i = 0; i < m->npages; i++) {
		const struct model_slot *s = &m->s[i];
		uint64_t iova = m->start + i * m->base;
		uint64_t pa = 0, leaf = 0;
		unsigned int prot = 0;
		int ret;

		ret = io_pgtable_iova_to_phys(m->pt, iova, &pa, &prot, &leaf);
		if (!s->id) {
			assert_int_equal(ret, -ENOENT);
			continue;
		}
		assert_int_equal(ret, 0);
		assert_int_equal(pa, s->paddr);
		assert_int_equal(prot, s->prot);
		assert_int_equal(leaf, s->leaf_size);
		/* A byte in the middle of the page translates too. */
		ret = io_pgtable_iova_to_phys(m->pt, iova + m->base / 2 + 8,
					      &pa, NULL, NULL);
		assert_int_equal(ret, 0);
		assert_int_equal(pa, s->paddr + m->base / 2 + 8);
	}
	io_pgtable_get_stats(m->pt, &st);
	assert_int_equal(st.nr_leaf_entries, m->leaf_entries);
}

/* ------------------------------------------------------------- tests */

static void test_cfg(void **state)
{
	struct io_pgtable_cfg cfg = { 0 };
	struct io_pgtable *pt = NULL;
	struct io_pgtable_stats st;
	uint64_t s, l;

	(void)state;
	cfg.aperture_last = MOCK_APERTURE_LAST;
	/* no page size */
	assert_int_equal(io_pgtable_alloc(&cfg, &pt), -EINVAL);
	/* granule below the format's minimum */
	cfg.pgsize_bitmap = 512;
	assert_int_equal(io_pgtable_alloc(&cfg, &pt), -EINVAL);
	/* granule not a power of two */
	cfg.pgsize_bitmap = SZ_4K;
	cfg.granule = 3000;
	assert_int_equal(io_pgtable_alloc(&cfg, &pt), -EINVAL);
	/* a page size smaller than the granule */
	cfg.granule = SZ_4K;
	cfg.pgsize_bitmap = SZ_2K | SZ_4K;
	assert_int_equal(io_pgtable_alloc(&cfg, &pt), -EINVAL);
	/* start > last */
	cfg.pgsize_bitmap = SZ_4K;
	cfg.aperture_start = 0x2000;
	cfg.aperture_last = 0x1fff;
	assert_int_equal(io_pgtable_alloc(&cfg, &pt), -EINVAL);
	assert_null(pt);

	/* DEFAULT mock geometry: three levels of 2 KiB, 1 MiB, 512 MiB. */
	pt = new_default();
	assert_int_equal(io_pgtable_levels(pt), 3);
	assert_int_equal(io_pgtable_base_page(pt), SZ_2K);
	/* Nothing of a whole top table (2^38) or more survives. */
	assert_int_equal(io_pgtable_pgsize_bitmap(pt),
			 all_from_2k & ((1ull << 38) - 1));
	io_pgtable_aperture(pt, &s, &l);
	assert_int_equal(s, MOCK_APERTURE_START);
	assert_int_equal(l, MOCK_APERTURE_LAST);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, 1);
	assert_int_equal(st.nr_leaf_entries, 0);
	io_pgtable_free(pt);

	/* granule 0 means the smallest page size; x86-like 48 bits: 4 levels */
	pt = new_pt(0, SZ_4K | (2 * SZ_1M) | (1ull << 30), 0,
		    (1ull << 48) - 1);
	assert_int_equal(io_pgtable_levels(pt), 4);
	assert_int_equal(io_pgtable_base_page(pt), SZ_4K);
	io_pgtable_free(pt);

	/* The whole 64-bit space works: 6 levels of 4 KiB granule. */
	pt = new_pt(SZ_4K, SZ_4K, 0, UINT64_MAX);
	assert_int_equal(io_pgtable_levels(pt), 6);
	assert_int_equal(io_pgtable_map(pt, UINT64_MAX - SZ_4K * 3 + 1, 0x5000,
					SZ_4K * 3, RW, true), 0);
	assert_int_equal(io_pgtable_iova_to_phys(pt, UINT64_MAX, &s, NULL, NULL),
			 0);
	assert_int_equal(s, 0x5000 + SZ_4K * 3 - 1);
	assert_int_equal(io_pgtable_unmap(pt, UINT64_MAX - SZ_4K * 3 + 1,
					  SZ_4K * 3),
			 SZ_4K * 3);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, 1);
	io_pgtable_free(pt);
}

static void test_map_errors(void **state)
{
	struct io_pgtable *pt = new_default();
	struct io_pgtable_stats st;
	const uint64_t A = MOCK_APERTURE_START;

	(void)state;
	/* misaligned iova, paddr, size (base page 2 KiB) */
	assert_int_equal(io_pgtable_map(pt, A + 0x400, 0, SZ_2K, RW, false),
			 -EINVAL);
	assert_int_equal(io_pgtable_map(pt, A, 0x400, SZ_2K, RW, false),
			 -EINVAL);
	assert_int_equal(io_pgtable_map(pt, A, 0, SZ_2K + 1, RW, false),
			 -EINVAL);
	assert_int_equal(io_pgtable_map(pt, A, 0, 0, RW, false), -EINVAL);
	/* unknown prot bit */
	assert_int_equal(io_pgtable_map(pt, A, 0, SZ_2K, 4, false), -EINVAL);
	/* aperture edges: one page before start, one page past last */
	assert_int_equal(io_pgtable_map(pt, A - SZ_2K, 0, SZ_4K, RW, false),
			 -EINVAL);
	assert_int_equal(io_pgtable_map(pt, MOCK_APERTURE_LAST + 1 - SZ_2K, 0,
					SZ_4K, RW, false),
			 -EINVAL);
	/* output range wraps */
	assert_int_equal(io_pgtable_map(pt, A, UINT64_MAX - SZ_2K + 1 - SZ_2K,
					SZ_4K * 2, RW, false),
			 -EINVAL);
	/* iova range wraps */
	assert_int_equal(io_pgtable_map(pt, UINT64_MAX - SZ_2K + 1, 0,
					SZ_4K, RW, false),
			 -EINVAL);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, 1);
	assert_int_equal(st.nr_leaf_entries, 0);

	/* The first and the last page of the aperture are usable. */
	assert_int_equal(io_pgtable_map(pt, A, 0x10000, SZ_2K, IO_PGTABLE_READ,
					true), 0);
	assert_int_equal(io_pgtable_map(pt, MOCK_APERTURE_LAST + 1 - SZ_2K,
					0x20000, SZ_2K, RW, true), 0);
	{
		uint64_t pa, leaf;
		unsigned int prot;

		assert_int_equal(io_pgtable_iova_to_phys(pt, A, &pa, &prot,
							 &leaf), 0);
		assert_int_equal(pa, 0x10000);
		assert_int_equal(prot, IO_PGTABLE_READ);
		assert_int_equal(leaf, SZ_2K);
		assert_int_equal(io_pgtable_iova_to_phys(pt, MOCK_APERTURE_LAST,
							 &pa, &prot, &leaf), 0);
		assert_int_equal(pa, 0x20000 + SZ_2K - 1);
		assert_int_equal(prot, RW);
		assert_int_equal(io_pgtable_iova_to_phys(pt, A - 1, &pa, NULL,
							 NULL), -ENOENT);
		assert_int_equal(io_pgtable_iova_to_phys(pt, MOCK_APERTURE_LAST + 1,
							 &pa, NULL, NULL), -ENOENT);
		assert_int_equal(io_pgtable_iova_to_phys(pt, A + SZ_2K, &pa,
							 NULL, NULL), -ENOENT);
	}
	/* Bad unmaps remove nothing. */
	assert_int_equal(io_pgtable_unmap(pt, A - SZ_2K, SZ_4K), 0);
	assert_int_equal(io_pgtable_unmap(pt, A + 0x400, SZ_2K), 0);
	assert_int_equal(io_pgtable_unmap(pt, A, 0), 0);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_leaf_entries, 2);
	/* Unmap across a hole counts only what was mapped. */
	assert_int_equal(io_pgtable_unmap(pt, A, MOCK_APERTURE_LAST + 1 - A),
			 2 * SZ_2K);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, 1);
	assert_int_equal(st.nr_leaf_entries, 0);
	io_pgtable_free(pt);
}

/* Leaf sizes of [iova, iova + size) mapped from paddr, in IOVA order. */
static int leaf_sizes(struct io_pgtable *pt, uint64_t iova, uint64_t size,
		      uint64_t *out, int max)
{
	uint64_t off = 0;
	int n = 0;

	while (off < size) {
		uint64_t leaf;

		assert_int_equal(io_pgtable_iova_to_phys(pt, iova + off, NULL,
							 NULL, &leaf), 0);
		assert_true(n < max);
		out[n++] = leaf;
		off += leaf;
	}
	assert_int_equal(off, size);
	return n;
}

static void test_large_only_when_aligned(void **state)
{
	struct io_pgtable *pt = new_default();
	struct io_pgtable_stats st;
	const uint64_t A = 0x10000000; /* 256 MiB: 1 MiB aligned */
	static uint64_t sz[1024];
	uint64_t pa, expect;
	int n, i;

	(void)state;
	/* Both aligned: one 1 MiB leaf (level 1), no bottom table. */
	assert_int_equal(io_pgtable_map(pt, A, 0x40000000, SZ_1M, RW, true), 0);
	assert_int_equal(leaf_sizes(pt, A, SZ_1M, sz, 1024), 1);
	assert_int_equal(sz[0], SZ_1M);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, 2);
	assert_int_equal(st.nr_leaf_entries, 1);

	/* The same without allow_large: 512 leaves of 2 KiB, one more table. */
	assert_int_equal(io_pgtable_map(pt, A + SZ_1M, 0x40100000, SZ_1M, RW,
					false), 0);
	n = leaf_sizes(pt, A + SZ_1M, SZ_1M, sz, 1024);
	assert_int_equal(n, 512);
	for (i = 0; i < n; i++)
		assert_int_equal(sz[i], SZ_2K);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, 3);
	assert_int_equal(st.nr_leaf_entries, 1 + 512);

	/* paddr only 4 KiB aligned: 4 KiB leaves (contiguous pairs). */
	assert_int_equal(io_pgtable_map(pt, A + 2 * SZ_1M, 0x40200000 + SZ_4K,
					SZ_1M, RW, true), 0);
	n = leaf_sizes(pt, A + 2 * SZ_1M, SZ_1M, sz, 1024);
	assert_int_equal(n, 256);
	for (i = 0; i < n; i++)
		assert_int_equal(sz[i], SZ_4K);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_leaf_entries, 1 + 512 + 512);

	/* Congruent but 2 KiB-offset cursors: sizes grow to 1 MiB. */
	assert_int_equal(io_pgtable_map(pt, A + 4 * SZ_1M + SZ_2K,
					0x50000000 + SZ_2K, 2 * SZ_1M - SZ_2K,
					RW, true), 0);
	n = leaf_sizes(pt, A + 4 * SZ_1M + SZ_2K, 2 * SZ_1M - SZ_2K, sz, 1024);
	assert_int_equal(n, 10);
	for (i = 0, expect = SZ_2K; i < n; i++, expect *= 2)
		assert_int_equal(sz[i], expect);
	assert_int_equal(io_pgtable_iova_to_phys(pt, A + 5 * SZ_1M + 12345, &pa,
						 NULL, NULL), 0);
	assert_int_equal(pa, 0x50000000 + SZ_1M + 12345);

	/* What is left decides too: 1 MiB, then 4 KiB, then 2 KiB. */
	assert_int_equal(io_pgtable_map(pt, A + 8 * SZ_1M, 0x60000000,
					SZ_1M + 3 * SZ_2K, RW, true), 0);
	n = leaf_sizes(pt, A + 8 * SZ_1M, SZ_1M + 3 * SZ_2K, sz, 1024);
	assert_int_equal(n, 3);
	assert_int_equal(sz[0], SZ_1M);
	assert_int_equal(sz[1], SZ_4K);
	assert_int_equal(sz[2], SZ_2K);

	/* A 512 MiB leaf sits in the root: no new table. */
	io_pgtable_get_stats(pt, &st);
	n = (int)st.nr_tables;
	assert_int_equal(io_pgtable_map(pt, SZ_512M, 0x80000000, SZ_512M,
					IO_PGTABLE_READ, true), 0);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, (uint64_t)n);
	assert_int_equal(io_pgtable_iova_to_phys(pt, SZ_512M + 0x1234567, &pa,
						 NULL, &expect), 0);
	assert_int_equal(pa, 0x80000000 + 0x1234567);
	assert_int_equal(expect, SZ_512M);

	/* Unmapping part of a leaf removes the whole leaf. */
	assert_int_equal(io_pgtable_unmap(pt, SZ_512M + SZ_1M, SZ_2K), SZ_512M);
	assert_int_equal(io_pgtable_iova_to_phys(pt, SZ_512M, &pa, NULL, NULL),
			 -ENOENT);
	assert_int_equal(io_pgtable_unmap(pt, A + SZ_4K, SZ_2K), SZ_1M);
	assert_int_equal(io_pgtable_iova_to_phys(pt, A, &pa, NULL, NULL),
			 -ENOENT);
	/* Half of a 4 KiB contiguous pair: the pair goes. */
	assert_int_equal(io_pgtable_unmap(pt, A + 2 * SZ_1M + SZ_2K, SZ_2K),
			 SZ_4K);
	assert_int_equal(io_pgtable_iova_to_phys(pt, A + 2 * SZ_1M, &pa, NULL,
						 NULL), -ENOENT);
	assert_int_equal(io_pgtable_iova_to_phys(pt, A + 2 * SZ_1M + SZ_4K, &pa,
						 NULL, NULL), 0);

	/* Everything else, then only the root is left. */
	assert_int_equal(io_pgtable_unmap(pt, A, 16 * SZ_1M),
			 SZ_1M + (SZ_1M - SZ_4K) + (2 * SZ_1M - SZ_2K) +
				 (SZ_1M + 3 * SZ_2K));
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, 1);
	assert_int_equal(st.nr_leaf_entries, 0);
	io_pgtable_free(pt);
}

/* ------------------------------------------------------------- dirty */

struct dirty_log {
	int n;
	uint64_t iova[64];
	uint64_t size[64];
	int stop_at;	/* return non-zero on this call (1-based), 0 = never */
};

static int log_dirty(uint64_t iova, uint64_t size, void *arg)
{
	struct dirty_log *l = arg;

	assert_true(l->n < 64);
	l->iova[l->n] = iova;
	l->size[l->n] = size;
	l->n++;
	return l->stop_at == l->n ? 7 : 0;
}

static int read_dirty(struct io_pgtable *pt, uint64_t iova, uint64_t len,
		      bool no_clear, struct dirty_log *l)
{
	memset(l, 0, sizeof(*l));
	assert_int_equal(io_pgtable_read_and_clear_dirty(pt, iova, len,
							 no_clear, log_dirty, l),
			 0);
	return l->n;
}

/* HUGE type: 2 KiB granule, but the pages are 1 MiB and the CPU page. */
static void test_huge_granule_below_cpu_page(void **state)
{
	struct io_pgtable *pt = new_huge();
	struct io_pgtable_stats st;
	uint64_t pa, leaf, P = PAGE_SIZE;
	unsigned int prot;

	(void)state;
	assert_int_equal(io_pgtable_base_page(pt), MIN_OF(P, SZ_1M));
	/* 2 KiB alignment is not enough when the CPU page is larger. */
	if (P > SZ_2K) {
		assert_int_equal(io_pgtable_map(pt, 0x200000 + SZ_2K, 0x3000000,
						P, RW, true), -EINVAL);
		assert_int_equal(io_pgtable_map(pt, 0x200000, 0x3000000 + SZ_2K,
						P, RW, true), -EINVAL);
	}
	/* 3 MiB, aligned: three 1 MiB leaves. */
	assert_int_equal(io_pgtable_map(pt, 0x200000, 0x3000000, 3 * SZ_1M, RW,
					true), 0);
	assert_int_equal(io_pgtable_iova_to_phys(pt, 0x2fffff, &pa, &prot, &leaf),
			 0);
	assert_int_equal(pa, 0x30fffff);
	assert_int_equal(leaf, SZ_1M);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_leaf_entries, 3);
	/* iova not 1 MiB aligned: CPU-page leaves, each P / 2 KiB entries. */
	assert_int_equal(io_pgtable_map(pt, 0x600000 + P, 0x4000000 + P, 2 * P,
					IO_PGTABLE_WRITE, true), 0);
	assert_int_equal(io_pgtable_iova_to_phys(pt, 0x600000 + P + SZ_2K, &pa,
						 &prot, &leaf), 0);
	assert_int_equal(pa, 0x4000000 + P + SZ_2K);
	assert_int_equal(prot, IO_PGTABLE_WRITE);
	assert_int_equal(leaf, P);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_leaf_entries, 3 + 2 * (P / SZ_2K));
	/* The second half of a CPU page is dirty: the whole page reports,
	 * and clearing cleans every entry of the run. */
	{
		struct dirty_log l;

		assert_true(io_pgtable_set_dirty(pt, 0x600000 + 2 * P - SZ_2K));
		assert_int_equal(read_dirty(pt, 0x600000 + 2 * P - SZ_2K, SZ_2K,
					    true, &l), 1);
		assert_int_equal(l.iova[0], 0x600000 + P);
		assert_int_equal(l.size[0], P);
		assert_int_equal(read_dirty(pt, 0x600000, 4 * P, false, &l), 1);
		assert_int_equal(read_dirty(pt, 0x600000, 4 * P, false, &l), 0);
		assert_true(io_pgtable_set_dirty(pt, 0x600000 + 2 * P - SZ_2K));
	}
	assert_int_equal(io_pgtable_unmap(pt, 0x600000 + P, 2 * P), 2 * P);
	assert_int_equal(io_pgtable_unmap(pt, 0x200000, 3 * SZ_1M), 3 * SZ_1M);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_tables, 1);
	assert_int_equal(st.nr_leaf_entries, 0);
	io_pgtable_free(pt);
}

static void test_dirty(void **state)
{
	struct io_pgtable *pt = new_default();
	struct dirty_log l;
	const uint64_t A = 0x2000000, B = 0x3000000;
	uint64_t pa;
	int pass;

	(void)state;
	assert_int_equal(io_pgtable_map(pt, A, 0x100000, 16 * SZ_2K, RW, false),
			 0);
	/* Nothing is dirty after a map. */
	assert_int_equal(read_dirty(pt, A, 16 * SZ_2K, false, &l), 0);
	assert_true(io_pgtable_set_dirty(pt, A + 1 * SZ_2K + 100));
	assert_true(io_pgtable_set_dirty(pt, A + 5 * SZ_2K));
	assert_false(io_pgtable_set_dirty(pt, A + 16 * SZ_2K));
	assert_false(io_pgtable_set_dirty(pt, MOCK_APERTURE_START - SZ_2K));
	/* Dirty bits do not disturb translation. */
	assert_int_equal(io_pgtable_iova_to_phys(pt, A + 5 * SZ_2K + 3, &pa,
						 NULL, NULL), 0);
	assert_int_equal(pa, 0x100000 + 5 * SZ_2K + 3);

	/* NO_CLEAR twice, then a clearing read, then nothing. */
	for (pass = 0; pass < 3; pass++) {
		assert_int_equal(read_dirty(pt, A, 16 * SZ_2K, pass < 2, &l), 2);
		assert_int_equal(l.iova[0], A + SZ_2K);
		assert_int_equal(l.size[0], SZ_2K);
		assert_int_equal(l.iova[1], A + 5 * SZ_2K);
		assert_int_equal(l.size[1], SZ_2K);
	}
	assert_int_equal(read_dirty(pt, A, 16 * SZ_2K, false, &l), 0);

	/* A sub-range sees only its leaves; clearing it leaves the rest. */
	assert_true(io_pgtable_set_dirty(pt, A + 2 * SZ_2K));
	assert_true(io_pgtable_set_dirty(pt, A + 9 * SZ_2K));
	assert_int_equal(read_dirty(pt, A + 8 * SZ_2K, 4 * SZ_2K, false, &l), 1);
	assert_int_equal(l.iova[0], A + 9 * SZ_2K);
	assert_int_equal(read_dirty(pt, A, 16 * SZ_2K, true, &l), 1);
	assert_int_equal(l.iova[0], A + 2 * SZ_2K);

	/* A callback that stops the walk: its value comes back, and the leaf
	 * it stopped on stays dirty. */
	assert_true(io_pgtable_set_dirty(pt, A + 12 * SZ_2K));
	memset(&l, 0, sizeof(l));
	l.stop_at = 1;
	assert_int_equal(io_pgtable_read_and_clear_dirty(pt, A, 16 * SZ_2K,
							 false, log_dirty, &l),
			 7);
	assert_int_equal(l.n, 1);
	assert_int_equal(read_dirty(pt, A, 16 * SZ_2K, false, &l), 2);

	/* A large leaf reports whole, even for a range inside it. */
	assert_int_equal(io_pgtable_map(pt, B, 0x200000, SZ_1M, RW, true), 0);
	assert_true(io_pgtable_set_dirty(pt, B + 300 * 1024));
	assert_int_equal(read_dirty(pt, B + 512 * 1024, SZ_2K, true, &l), 1);
	assert_int_equal(l.iova[0], B);
	assert_int_equal(l.size[0], SZ_1M);
	/* Unmap and map again: clean. */
	assert_int_equal(io_pgtable_unmap(pt, B, SZ_1M), SZ_1M);
	assert_int_equal(read_dirty(pt, B, SZ_1M, true, &l), 0);
	assert_int_equal(io_pgtable_map(pt, B, 0x200000, SZ_1M, RW, true), 0);
	assert_int_equal(read_dirty(pt, B, SZ_1M, true, &l), 0);

	/* Ranges: wrapping is EINVAL, outside the aperture is empty. */
	assert_int_equal(io_pgtable_read_and_clear_dirty(pt, UINT64_MAX, 2,
							 false, log_dirty, &l),
			 -EINVAL);
	assert_true(io_pgtable_set_dirty(pt, B));
	assert_int_equal(read_dirty(pt, 0, MOCK_APERTURE_START, false, &l), 0);
	assert_int_equal(read_dirty(pt, MOCK_APERTURE_LAST + 1, SZ_1M, false,
				    &l), 0);
	assert_int_equal(read_dirty(pt, B, 0, false, &l), 0);
	/* The whole 64-bit space, clamped to the aperture. */
	assert_int_equal(read_dirty(pt, 0, UINT64_MAX, false, &l), 1);
	assert_int_equal(l.iova[0], B);
	io_pgtable_free(pt);
}

/* DEFAULT domain with large pages off, the dirty contract of
 * selftest-mock.md §5.4: marking one 2 KiB unit at every 4 KiB boundary reads
 * back exactly those units, the neighbours stay clean. */
static void test_dirty_default_contract(void **state)
{
	struct io_pgtable *pt = new_default();
	struct dirty_log l;
	const uint64_t A = 0x8000000;
	int i;

	(void)state;
	assert_int_equal(io_pgtable_map(pt, A, 0x10000000, 32 * SZ_4K, RW,
					false), 0);
	for (i = 0; i < 32; i++)
		assert_true(io_pgtable_set_dirty(pt, A + i * SZ_4K));
	memset(&l, 0, sizeof(l));
	assert_int_equal(read_dirty(pt, A, 32 * SZ_4K, false, &l), 32);
	for (i = 0; i < 32; i++) {
		assert_int_equal(l.iova[i], A + i * SZ_4K);
		assert_int_equal(l.size[i], SZ_2K);
	}
	io_pgtable_free(pt);
}

/* HUGE domain, the dirty contract of selftest-mock.md §5.4: a 2 KiB mark
 * at every 2 MiB boundary reads back as the whole first 1 MiB. */
static void test_dirty_huge_contract(void **state)
{
	struct io_pgtable *pt = new_huge();
	struct dirty_log l;
	const uint64_t A = 0x4000000;
	int i;

	(void)state;
	assert_int_equal(io_pgtable_map(pt, A, 0x10000000, 8 * SZ_1M, RW, true),
			 0);
	for (i = 0; i < 4; i++)
		assert_true(io_pgtable_set_dirty(pt, A + i * 2 * SZ_1M));
	assert_int_equal(read_dirty(pt, A, 8 * SZ_1M, false, &l), 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(l.iova[i], A + i * 2 * SZ_1M);
		assert_int_equal(l.size[i], SZ_1M);
	}
	assert_int_equal(read_dirty(pt, A, 8 * SZ_1M, false, &l), 0);
	io_pgtable_free(pt);
}

/* ----------------------------------------------------- model tests */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* Expected table count: the root plus every distinct table below it on the
 * path of a leaf, computed from the model alone. */
static uint64_t model_tables(const struct model *m)
{
	unsigned int levels = io_pgtable_levels(m->pt);
	unsigned int gshift = __builtin_ctzll(m->granule);
	uint64_t total = 1;
	unsigned int k;

	for (k = 0; k + 1 < levels; k++) {
		/* Level-k tables are named by iova >> (gshift + 9(k+1)). */
		unsigned int s = gshift + 9 * (k + 1);
		uint64_t prev = UINT64_MAX;
		size_t i;

		for (i = 0; i < m->npages; i++) {
			const struct model_slot *sl = &m->s[i];
			uint64_t name;

			if (!sl->id)
				continue;
			/* The leaf lives at level L; tables 0..L-1 are not on
			 * its path. */
			if (sl->leaf_size >= (m->granule << (9 * (k + 1))))
				continue;
			name = (m->start + i * m->base) >> s;
			if (name != prev)
				total++;
			prev = name;
		}
	}
	return total;
}

/* Remove every leaf overlapping pages [a, b]; returns bytes. */
static uint64_t model_unmap_pages(struct model *m, size_t a, size_t b)
{
	uint64_t bytes = 0;
	size_t i;

	for (i = a; i <= b; i++) {
		struct model_slot *s = &m->s[i];
		size_t first, j, n;

		if (!s->id)
			continue;
		first = (s->leaf_iova - m->start) / m->base;
		n = s->leaf_size / m->base;
		bytes += s->leaf_size;
		m->leaf_entries -= entries_of(m->granule, s->leaf_size);
		for (j = first; j < first + n; j++)
			memset(&m->s[j], 0, sizeof(m->s[j]));
	}
	return bytes;
}

static void model_check_all(const struct model *m)
{
	struct io_pgtable_stats st;

	model_check(m);
	io_pgtable_get_stats(m->pt, &st);
	assert_int_equal(st.nr_tables, model_tables(m));
}

struct random_variant {
	const char *name;
	bool huge;	/* HUGE type bitmap instead of every power of two */
	int large;	/* 0 off, 1 on, 2 random per call */
	uint64_t start;
	uint64_t seed;
};

static void test_random_model(void **state)
{
	const struct random_variant *v = *state;
	const uint64_t span = 8 * SZ_1M;
	struct io_pgtable *pt;
	struct model m;
	int op, nmaps = 0, neexist = 0, nunmaps = 0;

	pt = new_pt(SZ_2K, v->huge ? (SZ_1M | PAGE_SIZE) : all_from_2k,
		    v->start, v->start + span - 1);
	model_init(&m, pt, v->start, span / io_pgtable_base_page(pt), SZ_2K);
	rng_state = v->seed;

	for (op = 0; op < 1200; op++) {
		uint64_t r = rnd_below(100);

		if (r < 55) {
			size_t n = 1 + (rnd_below(3) ? rnd_below(8) :
						       rnd_below(700));
			size_t first;
			uint64_t iova, paddr, size;
			unsigned int prot = 1 + rnd_below(3);
			bool large = v->large == 2 ? rnd_below(2) != 0 : v->large != 0;
			struct io_pgtable_stats before, after;
			int ret;

			if (n > m.npages)
				n = m.npages;
			first = rnd_below(m.npages - n + 1);
			iova = m.start + first * m.base;
			size = n * m.base;
			if (rnd_below(2))	/* congruent modulo 2 MiB */
				paddr = 0x40000000 + rnd_below(64) * 2 * SZ_1M +
					(iova & (2 * SZ_1M - 1));
			else
				paddr = rnd_below(1u << 20) * m.base;
			io_pgtable_get_stats(pt, &before);
			ret = io_pgtable_map(pt, iova, paddr, size, prot, large);
			if (model_range_free(&m, iova, size)) {
				assert_int_equal(ret, 0);
				model_map(&m, iova, paddr, size, prot, large);
				nmaps++;
			} else {
				assert_int_equal(ret, -EEXIST);
				io_pgtable_get_stats(pt, &after);
				assert_int_equal(after.nr_tables,
						 before.nr_tables);
				assert_int_equal(after.nr_leaf_entries,
						 before.nr_leaf_entries);
				neexist++;
			}
		} else if (r < 85) {
			/* Unmap one whole earlier map call. */
			size_t i = rnd_below(m.npages), a, b;
			uint32_t id = m.s[i].id;

			if (!id)
				continue;
			for (a = i; a > 0 && m.s[a - 1].id == id; a--)
				;
			for (b = i; b + 1 < m.npages && m.s[b + 1].id == id; b++)
				;
			assert_int_equal(io_pgtable_unmap(pt,
							  m.start + a * m.base,
							  (b - a + 1) * m.base),
					 model_unmap_pages(&m, a, b));
			nunmaps++;
		} else {
			/* Any range: holes skipped, straddling leaves whole. */
			size_t a = rnd_below(m.npages);
			size_t b = a + rnd_below(MIN_OF(m.npages - a, 600));

			assert_int_equal(io_pgtable_unmap(pt,
							  m.start + a * m.base,
							  (b - a + 1) * m.base),
					 model_unmap_pages(&m, a, b));
			nunmaps++;
		}
		model_check_all(&m);
	}
	/* The sequence did exercise all three outcomes. */
	assert_true(nmaps > 50);
	assert_true(neexist > 50);
	assert_true(nunmaps > 50);

	assert_int_equal(io_pgtable_unmap(pt, m.start, span),
			 model_unmap_pages(&m, 0, m.npages - 1));
	model_check_all(&m);
	{
		struct io_pgtable_stats st;

		io_pgtable_get_stats(pt, &st);
		assert_int_equal(st.nr_tables, 1);
		assert_int_equal(st.nr_leaf_entries, 0);
	}
	free(m.s);
	io_pgtable_free(pt);
}

/* -EEXIST in all its forms leaves the table exactly as it was. */
static void test_eexist_unchanged(void **state)
{
	const uint64_t S = 0x1ff00000; /* 1 MiB below a 512 MiB boundary */
	const uint64_t span = 4 * SZ_1M;
	struct io_pgtable *pt = new_pt(SZ_2K, all_from_2k, S, S + span - 1);
	struct io_pgtable_stats before, after;
	struct model m;
	struct {
		uint64_t iova, size;
		bool large;
	} bad[] = {
		/* exactly an existing range */
		{ S + 0x10000, 0x4000, false },
		/* starts in a hole, ends inside */
		{ S + 0xf000, 0x2000, false },
		/* a 1 MiB leaf where a 2 KiB leaf exists below */
		{ S, SZ_1M, true },
		/* a 2 KiB page inside an existing 1 MiB leaf */
		{ S + 2 * SZ_1M + 0x800, SZ_2K, false },
		/* long run across the 512 MiB boundary (new tables on both
		 * sides) that hits the 1 MiB leaf at its end */
		{ S + 0x20000, 2 * SZ_1M + SZ_2K, false },
		/* the last page only */
		{ S + 3 * SZ_1M + 0x7f800, SZ_2K, true },
	};
	size_t i;

	(void)state;
	model_init(&m, pt, S, span / SZ_2K, SZ_2K);
	assert_int_equal(io_pgtable_map(pt, S + 0x10000, 0x5550000, 0x4000, RW,
					false), 0);
	model_map(&m, S + 0x10000, 0x5550000, 0x4000, RW, false);
	assert_int_equal(io_pgtable_map(pt, S + 2 * SZ_1M, 0x7700000, SZ_1M, RW,
					true), 0);
	model_map(&m, S + 2 * SZ_1M, 0x7700000, SZ_1M, RW, true);
	assert_int_equal(io_pgtable_map(pt, S + 3 * SZ_1M + 0x7f800, 0x123000,
					SZ_2K, IO_PGTABLE_READ, true), 0);
	model_map(&m, S + 3 * SZ_1M + 0x7f800, 0x123000, SZ_2K,
		  IO_PGTABLE_READ, true);
	model_check_all(&m);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		io_pgtable_get_stats(pt, &before);
		assert_int_equal(io_pgtable_map(pt, bad[i].iova, 0x9000000,
						bad[i].size, RW, bad[i].large),
				 -EEXIST);
		io_pgtable_get_stats(pt, &after);
		assert_int_equal(after.nr_tables, before.nr_tables);
		assert_int_equal(after.nr_leaf_entries,
				 before.nr_leaf_entries);
		model_check_all(&m);
	}
	free(m.s);
	io_pgtable_free(pt);
}

/* ------------------------------------------------- fault injection */

static void test_fault_inject(void **state)
{
	const uint64_t S = 0x1fe00000;
	const uint64_t span = 8 * SZ_1M;
	struct io_pgtable *pt = new_pt(SZ_2K, all_from_2k, S, S + span - 1);
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = all_from_2k,
		.aperture_start = MOCK_APERTURE_START,
		.aperture_last = MOCK_APERTURE_LAST,
	};
	struct io_pgtable_stats before, after;
	struct io_pgtable *pt2;
	struct model m;
	/* Crosses the 512 MiB boundary at S + 2 MiB: needs new level-1 and
	 * level-0 tables on both sides. */
	const uint64_t iova = S + SZ_1M - 6 * SZ_2K, size = 3 * SZ_1M;
	uint64_t nth, failures = 0;
	int ret;

	(void)state;
	model_init(&m, pt, S, span / SZ_2K, SZ_2K);
	/* Something already there, sharing a bottom table with the map. */
	assert_int_equal(io_pgtable_map(pt, S + SZ_1M - 16 * SZ_2K, 0x10000,
					4 * SZ_2K, RW, false), 0);
	model_map(&m, S + SZ_1M - 16 * SZ_2K, 0x10000, 4 * SZ_2K, RW, false);

	for (nth = 1; nth < 100; nth++) {
		bool fired;

		io_pgtable_get_stats(pt, &before);
		fault_inject_arm(nth);
		ret = io_pgtable_map(pt, iova, 0x700000, size, RW, false);
		fired = fault_inject_fired();
		fault_inject_disarm();
		if (!fired) {
			assert_int_equal(ret, 0);
			model_map(&m, iova, 0x700000, size, RW, false);
			model_check_all(&m);
			break;
		}
		assert_int_equal(ret, -ENOMEM);
		io_pgtable_get_stats(pt, &after);
		assert_int_equal(after.nr_tables, before.nr_tables);
		assert_int_equal(after.nr_leaf_entries, before.nr_leaf_entries);
		model_check_all(&m);
		failures++;
	}
#ifdef UIOMMUFD_FAULT_INJECTION
	/* 2 level-1 tables... at least: a level-1 table and 3 bottom ones. */
	assert_true(failures >= 4);
	assert_true(nth < 100);

	/* alloc: the struct and the root table are both points. */
	fault_inject_arm(1);
	assert_int_equal(io_pgtable_alloc(&cfg, &pt2), -ENOMEM);
	fault_inject_disarm();
	fault_inject_arm(2);
	assert_int_equal(io_pgtable_alloc(&cfg, &pt2), -ENOMEM);
	fault_inject_disarm();
#else
	assert_int_equal(failures, 0);
#endif
	assert_int_equal(io_pgtable_alloc(&cfg, &pt2), 0);
	/* One page into an empty region: a level-1 and a level-0 table are
	 * made; failing either leaves only the root. */
	for (nth = 1; nth < 10; nth++) {
		bool fired;

		fault_inject_arm(nth);
		ret = io_pgtable_map(pt2, 0x30000000, 0x5000, SZ_2K, RW, true);
		fired = fault_inject_fired();
		fault_inject_disarm();
		io_pgtable_get_stats(pt2, &after);
		if (!fired) {
			assert_int_equal(ret, 0);
			assert_int_equal(after.nr_tables, 3);
			assert_int_equal(after.nr_leaf_entries, 1);
			break;
		}
		assert_int_equal(ret, -ENOMEM);
		assert_int_equal(after.nr_tables, 1);
		assert_int_equal(after.nr_leaf_entries, 0);
		assert_int_equal(io_pgtable_iova_to_phys(pt2, 0x30000000, NULL,
							 NULL, NULL), -ENOENT);
	}
#ifdef UIOMMUFD_FAULT_INJECTION
	assert_int_equal(nth, 3);
#endif
	/* And the single-page unmap frees both again. */
	assert_int_equal(io_pgtable_unmap(pt2, 0x30000000, SZ_2K), SZ_2K);
	io_pgtable_get_stats(pt2, &after);
	assert_int_equal(after.nr_tables, 1);
	io_pgtable_free(pt2);

	/* Large pages on, same sweep over a fresh range. */
	for (nth = 1; nth < 100; nth++) {
		bool fired;

		io_pgtable_get_stats(pt, &before);
		fault_inject_arm(nth);
		ret = io_pgtable_map(pt, S + 4 * SZ_1M + SZ_2K,
				     0x40000000 + SZ_2K, 3 * SZ_1M, RW, true);
		fired = fault_inject_fired();
		fault_inject_disarm();
		if (!fired) {
			assert_int_equal(ret, 0);
			model_map(&m, S + 4 * SZ_1M + SZ_2K, 0x40000000 + SZ_2K,
				  3 * SZ_1M, RW, true);
			model_check_all(&m);
			break;
		}
		assert_int_equal(ret, -ENOMEM);
		io_pgtable_get_stats(pt, &after);
		assert_int_equal(after.nr_tables, before.nr_tables);
		assert_int_equal(after.nr_leaf_entries, before.nr_leaf_entries);
		model_check_all(&m);
	}
	assert_true(nth < 100);
	free(m.s);
	io_pgtable_free(pt);
}

/* Freeing a table that still maps things releases everything (ASan's leak
 * check is the assertion that matters here). */
static void test_free_mapped(void **state)
{
	struct io_pgtable *pt = new_default();
	struct io_pgtable_stats st;

	(void)state;
	assert_int_equal(io_pgtable_map(pt, 0x2000000, 0, 5 * SZ_1M + SZ_2K, RW,
					false), 0);
	assert_int_equal(io_pgtable_map(pt, 0x40000000, 0, SZ_512M + SZ_1M, RW,
					true), 0);
	io_pgtable_get_stats(pt, &st);
	assert_int_equal(st.nr_leaf_entries, 5 * 512 + 1 + 1 + 1);
	assert_int_equal(st.nr_tables, 1 + 1 + 6 + 1);
	/* A table is at least its 512 eight-byte entries. */
	assert_true(st.table_bytes >= st.nr_tables * 4096);
	io_pgtable_free(pt);
	io_pgtable_free(NULL);
}

static const struct random_variant v_small = {
	"small pages", false, 0, 0x1000000, 0x9e3779b97f4a7c15ull
};
static const struct random_variant v_large = {
	"large pages", false, 1, 0x1000000, 0x2545f4914f6cdd1dull
};
static const struct random_variant v_mixed_odd = {
	"mixed, aperture off 1 MiB", false, 2, 0x1ffc0800, 0x853c49e6748fea9bull
};
static const struct random_variant v_huge = {
	"HUGE type", true, 1, 0x400000, 0xda3e39cb94b95bdbull
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg),
		cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_large_only_when_aligned),
		cmocka_unit_test(test_huge_granule_below_cpu_page),
		cmocka_unit_test(test_dirty),
		cmocka_unit_test(test_dirty_default_contract),
		cmocka_unit_test(test_dirty_huge_contract),
		cmocka_unit_test(test_eexist_unchanged),
		cmocka_unit_test_prestate(test_random_model, (void *)&v_small),
		cmocka_unit_test_prestate(test_random_model, (void *)&v_large),
		cmocka_unit_test_prestate(test_random_model,
					  (void *)&v_mixed_odd),
		cmocka_unit_test_prestate(test_random_model, (void *)&v_huge),
		cmocka_unit_test(test_fault_inject),
		cmocka_unit_test(test_free_mapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

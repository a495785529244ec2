/* SPDX-License-Identifier: MIT */
/*
 * The core IOAS behaviour (MAP, COPY, UNMAP, IOVA_RANGES, ALLOW_IOVAS,
 * ADD_RESERVED, the HUGE_PAGES option, pin counts) re-run under one
 * "variant", named by the first argument:
 *
 *   d0, d1, d2   every IOAS a case creates carries 0, 1 or 2 mock paging
 *                domains.  d1 attaches one mock device (its automatic
 *                HWPT); d2 adds a second, manually allocated HWPT on the
 *                same IOAS (IOMMU_HWPT_ALLOC for that device, flags 0), so
 *                every mapping lives in two software page tables.
 *   tiny         optional second argument: SET_TEMP_MEMORY_LIMIT = 12
 *                before every case, which makes internal pin batches tiny.
 *
 * Every expectation is computed from the variant, never written down as a
 * bare number: with at least one domain the IOAS exposes only the mock
 * aperture [MOCK_START, MOCK_LAST] and requires 2048-byte alignment, and every
 * mapped page is pinned exactly once (MD_CHECK_REFS = 1) however many
 * domains or IOASes hold it; without a domain the whole space [0, U64_MAX]
 * is usable at byte granularity and nothing is ever pinned.  The automatic
 * allocator's answer is recomputed here from the rule of semantics.md §4
 * (lowest fit, natural alignment of the length limited by the lowest set
 * bit of the source address, capped at the PMD size, same in-page offset).
 *
 * Each case opens its own context; the teardown closes it and then checks,
 * from a fresh context, that no page of any buffer the case used is still
 * pinned.
 *
 * Glossary: `last` is inclusive, `end` is exclusive.  P is the host page
 * size.  Sums like iova + length are kept far below 2^64 by construction;
 * the one helper that rounds up (roundup_u64) is only fed small values.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../mock/mock_util.h"

#define MOCK_ALIGN 2048ULL
#define MAX_BUFS 16

static unsigned int g_ndom;
static bool g_tiny;
static uint64_t P;

/* One IOAS of the variant and the HWPTs mirroring it. */
struct vioas {
	uint32_t id;
	uint32_t hwpt[2];
	unsigned int nhwpt;
};

struct vbuf {
	void *p;
	uint64_t len;
};

struct fx {
	struct uiommufd_ctx *ctx;
	struct vioas a;
	struct vbuf buf[MAX_BUFS];
	unsigned int nbuf;
};

/* --- expectations derived from the variant --- */

static uint64_t v_align(void)
{
	return g_ndom ? MOCK_ALIGN : 1;
}

static uint64_t v_first(void)
{
	return g_ndom ? MOCK_START : 0;
}

static uint64_t v_last(void)
{
	return g_ndom ? MOCK_LAST : UINT64_MAX;
}

static uint32_t v_refs(void)
{
	return g_ndom ? 1 : 0;
}

/* Lowest IOVA the allocator may pick when the IOAS has no allowed list. */
static uint64_t v_win(void)
{
	return v_first() > P ? v_first() : P;
}

/* A base for fixed mappings, inside the aperture in every variant. */
static uint64_t v_base(void)
{
	return MOCK_START + 64 * P;
}

static uint64_t roundup_u64(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static uint64_t pow2_up(uint64_t v)
{
	uint64_t r = 1;

	while (r < v)
		r <<= 1;
	return r;
}

/* semantics.md §4: the IOVA the allocator picks if [from, ...) is free. */
static uint64_t expect_auto(uint64_t from, const void *va, uint64_t len)
{
	uint64_t a = (uint64_t)(uintptr_t)va;
	uint64_t align = pow2_up(len);
	uint64_t cap = P * (P / 8);

	if (a && (a & -a) < align)
		align = a & -a;
	if (align >= cap)
		align = cap;
	return roundup_u64(from, align) | (a % P);
}

/* --- ioctl helpers not in mock_util.h --- */

static long v_hwpt_alloc(struct uiommufd_ctx *ctx, uint32_t dev, uint32_t pt,
			 uint32_t *out)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd), .flags = 0, .dev_id = dev, .pt_id = pt,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &cmd);

	*out = cmd.out_hwpt_id;
	return rc;
}

static long v_add_reserved(struct uiommufd_ctx *ctx, uint32_t ioas,
			   uint64_t start, uint64_t length)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_ADD_RESERVED, .id = ioas,
	};

	cmd.add_reserved.start = start;
	cmd.add_reserved.length = length;
	return uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
}

static long v_mem_limit(struct uiommufd_ctx *ctx, uint32_t limit)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
	};

	cmd.memory_limit.limit = limit;
	return uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
}

static long v_map_flags(struct uiommufd_ctx *ctx, uint32_t ioas, void *va,
			uint64_t length, uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd), .flags = flags, .ioas_id = ioas,
		.user_va = (uint64_t)(uintptr_t)va, .length = length,
		.iova = *iova,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, &cmd);

	if (!rc)
		*iova = cmd.iova;
	return rc;
}

static long v_copy_flags(struct uiommufd_ctx *ctx, uint32_t dst, uint32_t src,
			 uint64_t src_iova, uint64_t length, uint64_t *dst_iova,
			 uint32_t flags)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd), .flags = flags, .dst_ioas_id = dst,
		.src_ioas_id = src, .length = length, .dst_iova = *dst_iova,
		.src_iova = src_iova,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_IOAS_COPY, &cmd);

	if (!rc)
		*dst_iova = cmd.dst_iova;
	return rc;
}

static long v_option_get(struct uiommufd_ctx *ctx, uint32_t ioas,
			 uint64_t *val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd), .option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_GET, .object_id = ioas, .val64 = 99,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_OPTION, &cmd);

	*val = cmd.val64;
	return rc;
}

static uint64_t v_alignment(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	struct iommu_iova_range r[4];
	uint64_t align = 0;
	uint32_t n = 0;

	assert_int_equal(m_ranges(ctx, ioas, r, 4, &n, &align), 0);
	return align;
}

/* --- variant IOAS and fixture --- */

static void make_ioas(struct uiommufd_ctx *ctx, struct vioas *v)
{
	uint32_t stdev, idev;

	memset(v, 0, sizeof(*v));
	assert_int_equal(m_ioas(ctx, &v->id), 0);
	if (g_ndom >= 1) {
		assert_int_equal(m_mock_domain(ctx, v->id, &stdev, &v->hwpt[0],
					       &idev), 0);
		v->nhwpt = 1;
	}
	if (g_ndom >= 2) {
		assert_int_equal(v_hwpt_alloc(ctx, idev, v->id, &v->hwpt[1]), 0);
		assert_int_not_equal(v->hwpt[1], v->hwpt[0]);
		v->nhwpt = 2;
	}
}

/* Every HWPT of `v` translates [iova, iova + len) to `p`. */
static void check_maps(struct fx *f, const struct vioas *v, uint64_t iova,
		       const void *p, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < v->nhwpt; i++)
		assert_int_equal(m_check_map(f->ctx, v->hwpt[i], iova, p, len), 0);
}

static void check_refs(struct fx *f, const void *p, uint64_t len, uint32_t refs)
{
	assert_int_equal(m_check_refs(f->ctx, p, len, refs), 0);
}

static void *fx_buf(struct fx *f, uint64_t npages)
{
	void *p = m_buf(npages * P);

	assert_true(f->nbuf < MAX_BUFS);
	f->buf[f->nbuf].p = p;
	f->buf[f->nbuf].len = npages * P;
	f->nbuf++;
	return p;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->ctx = m_open();
	if (g_tiny) {
		assert_int_equal(v_mem_limit(f->ctx, 11), -EINVAL);
		assert_int_equal(v_mem_limit(f->ctx, 12), 0);
	}
	make_ioas(f->ctx, &f->a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct uiommufd_ctx *ctx;
	unsigned int i;

	if (f->ctx)
		uiommufd_close(f->ctx);
	ctx = m_open();
	for (i = 0; i < f->nbuf; i++) {
		assert_int_equal(m_check_refs(ctx, f->buf[i].p, f->buf[i].len, 0), 0);
		munmap(f->buf[i].p, f->buf[i].len);
	}
	uiommufd_close(ctx);
	free(f);
	return 0;
}

/* --- cases --- */

/* §3.2: one range, the variant's window and alignment; count protocol. */
static void test_iova_ranges(void **state)
{
	struct fx *f = *state;
	struct iommu_iova_range r[3];
	uint64_t align = 0;
	uint32_t n = 0;

	assert_int_equal(m_ranges(f->ctx, f->a.id, NULL, 0, &n, &align), -EMSGSIZE);
	assert_int_equal(n, 1);
	assert_int_equal(align, v_align());

	memset(r, 0xee, sizeof(r));
	assert_int_equal(m_ranges(f->ctx, f->a.id, r, 3, &n, &align), 0);
	assert_int_equal(n, 1);
	assert_int_equal(align, v_align());
	assert_int_equal(r[0].start, v_first());
	assert_int_equal(r[0].last, v_last());
	assert_int_equal(r[1].start, 0xeeeeeeeeeeeeeeeeULL);
}

/* §3.1/§3.2: a test reserve splits the range; conflicts with mappings. */
static void test_add_reserved(void **state)
{
	struct fx *f = *state;
	uint64_t base = v_base(), iova, align = 0;
	struct iommu_iova_range r[3];
	void *b = fx_buf(f, 4);
	uint32_t n = 0;

	assert_int_equal(v_add_reserved(f->ctx, f->a.id, base + 4 * P, 4 * P), 0);
	assert_int_equal(m_ranges(f->ctx, f->a.id, r, 3, &n, &align), 0);
	assert_int_equal(n, 2);
	assert_int_equal(align, v_align());
	assert_int_equal(r[0].start, v_first());
	assert_int_equal(r[0].last, base + 4 * P - 1);
	assert_int_equal(r[1].start, base + 8 * P);
	assert_int_equal(r[1].last, v_last());

	/* fixed maps touching the reserve: EINVAL */
	iova = base + 4 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, b, P, &iova, true), -EINVAL);
	iova = base + 2 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, true), -EINVAL);
	/* right below it: fine; reserving over that mapping: EADDRINUSE */
	iova = base;
	assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, true), 0);
	check_maps(f, &f->a, base, b, 4 * P);
	assert_int_equal(v_add_reserved(f->ctx, f->a.id, base + 3 * P, P),
			 -EADDRINUSE);
	assert_int_equal(m_ranges(f->ctx, f->a.id, r, 3, &n, &align), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].last, base + 4 * P - 1);
}

/* §5: fixed IOVA inside and outside the aperture, alignment, EEXIST. */
static void test_map_fixed(void **state)
{
	struct fx *f = *state;
	uint64_t base = v_base(), iova, len;
	uint8_t *b = fx_buf(f, 8), *c = fx_buf(f, 8);
	long want;

	iova = base;
	assert_int_equal(m_map(f->ctx, f->a.id, b, 8 * P, &iova, true), 0);
	assert_int_equal(iova, base);
	check_maps(f, &f->a, base, b, 8 * P);
	check_refs(f, b, 8 * P, v_refs());
	check_refs(f, c, 8 * P, 0);
	/* the checker really compares: the other buffer does not match */
	if (g_ndom)
		assert_int_equal(m_check_map(f->ctx, f->a.hwpt[g_ndom - 1],
					     base, c, 8 * P), -EINVAL);

	iova = base;
	assert_int_equal(m_map(f->ctx, f->a.id, c, P, &iova, true), -EEXIST);
	iova = base + 7 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, c, 2 * P, &iova, true), -EEXIST);
	check_refs(f, c, 8 * P, 0);

	/* below the aperture (IOVA 0) and across its end */
	want = g_ndom ? -EINVAL : 0;
	iova = 0;
	assert_int_equal(m_map(f->ctx, f->a.id, c, 2 * P, &iova, true), want);
	iova = MOCK_LAST + 1 - 2 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, c + 2 * P, 4 * P, &iova, true),
			 want);

	/* IOVA, length and VA offset that are multiples of 1024 only */
	iova = base + 16 * P + 1024;
	assert_int_equal(m_map(f->ctx, f->a.id, c + 6 * P, P, &iova, true), want);
	iova = base + 32 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, c + 6 * P, 1024, &iova, true),
			 want);
	iova = base + 40 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, c + 7 * P + 1024, 2048, &iova,
			       true), want);
	/* a 2048 in-page offset is fine in every variant */
	iova = base + 48 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, c + 7 * P + 2048, 2048, &iova,
			       true), 0);
	check_maps(f, &f->a, base + 48 * P, c + 7 * P + 2048, 2048);

	/* unmap-all counts exactly what was accepted */
	len = 8 * P + 2048 + (g_ndom ? 0 : 2 * P + 4 * P + P + 1024 + 2048);
	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &iova), 0);
	assert_int_equal(iova, len);
	check_refs(f, b, 8 * P, 0);
}

/* §5 errnos that do not depend on memory. */
static void test_map_errors(void **state)
{
	struct fx *f = *state;
	uint64_t iova = v_base();
	void *b = fx_buf(f, 2);

	assert_int_equal(m_map(f->ctx, f->a.id, b, 0, &iova, true), -EINVAL);
	assert_int_equal(m_map(f->ctx, f->a.id + 100, b, P, &iova, true), -ENOENT);
	assert_int_equal(v_map_flags(f->ctx, f->a.id, b, P, &iova,
				     IOMMU_IOAS_MAP_FIXED_IOVA), -EINVAL);
	assert_int_equal(v_map_flags(f->ctx, f->a.id, b, P, &iova,
				     IOMMU_IOAS_MAP_READABLE | (1u << 3)),
			 -EOPNOTSUPP);
	iova = UINT64_MAX - P + 1;
	assert_int_equal(m_map(f->ctx, f->a.id, b, 2 * P, &iova, true),
			 -EOVERFLOW);
	/* none of that left anything behind */
	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &iova), 0);
	assert_int_equal(iova, 0);
	check_refs(f, b, 2 * P, 0);
}

/* §4: lowest fit, holes refilled, natural alignment from the VA. */
static void test_map_auto_lowest(void **state)
{
	struct fx *f = *state;
	void *b1 = fx_buf(f, 1), *b2 = fx_buf(f, 1), *b3 = fx_buf(f, 4);
	uint64_t i1 = 0, i2 = 0, i3 = 0, i4 = 0, w = v_win(), n = 0;

	assert_int_equal(m_map(f->ctx, f->a.id, b1, P, &i1, false), 0);
	assert_int_equal(i1, expect_auto(w, b1, P));
	assert_int_equal(m_map(f->ctx, f->a.id, b2, P, &i2, false), 0);
	assert_int_equal(i2, expect_auto(i1 + P, b2, P));
	assert_int_equal(m_map(f->ctx, f->a.id, b3, 4 * P, &i3, false), 0);
	assert_int_equal(i3, expect_auto(i2 + P, b3, 4 * P));
	assert_true(i3 >= v_first() && i3 + 4 * P - 1 <= v_last());
	check_maps(f, &f->a, i1, b1, P);
	check_maps(f, &f->a, i2, b2, P);
	check_maps(f, &f->a, i3, b3, 4 * P);
	check_refs(f, b3, 4 * P, v_refs());

	/* the hole left by the first one is the lowest fit again */
	assert_int_equal(m_unmap(f->ctx, f->a.id, i1, P, &n), 0);
	assert_int_equal(n, P);
	check_refs(f, b1, P, 0);
	assert_int_equal(m_map(f->ctx, f->a.id, b2, P, &i4, false), 0);
	assert_int_equal(i4, i1);
	check_maps(f, &f->a, i4, b2, P);
	/* b2 is mapped twice: each MAP pins on its own, one pin per holder */
	assert_int_equal(m_check_refs(f->ctx, b2, P, 2 * v_refs()), 0);
}

/* §3.3/§4: automatic IOVAs come from the allowed list only. */
static void test_allow_iovas_auto(void **state)
{
	struct fx *f = *state;
	uint64_t lo = MOCK_START + 0x100000, iova = 0, fixed = v_base() + 0x200000;
	struct iommu_iova_range allow = { .start = lo, .last = lo + 16 * P - 1 };
	struct iommu_iova_range outside = { .start = P, .last = 2 * P - 1 };
	void *b = fx_buf(f, 16);

	assert_int_equal(m_allow(f->ctx, f->a.id, &allow, 1), 0);
	assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, false), 0);
	assert_int_equal(iova, expect_auto(lo, b, 4 * P));
	check_maps(f, &f->a, iova, b, 4 * P);
	/* 12 pages left in the allowed range */
	assert_int_equal(m_map(f->ctx, f->a.id, b, 16 * P, &iova, false), -ENOSPC);
	/* FIXED_IOVA ignores the allowed list */
	iova = fixed;
	assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, true), 0);
	check_maps(f, &f->a, fixed, b, 4 * P);

	/* an allowed range outside the aperture collides with its reserve */
	assert_int_equal(m_allow(f->ctx, f->a.id, &outside, 1),
			 g_ndom ? -EADDRINUSE : 0);
	if (g_ndom) {
		/* the old list stays: the next one follows the first */
		assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, false), 0);
		assert_int_equal(iova, expect_auto(lo + 4 * P, b, 4 * P));
	} else {
		assert_int_equal(m_map(f->ctx, f->a.id, b, 2 * P, &iova, false),
				 -ENOSPC);
		assert_int_equal(m_map(f->ctx, f->a.id, b, P, &iova, false), 0);
		assert_int_equal(iova, expect_auto(P, b, P));
	}
	/* clearing the list frees the allocator again */
	assert_int_equal(m_allow(f->ctx, f->a.id, NULL, 0), 0);
	assert_int_equal(m_map(f->ctx, f->a.id, b, P, &iova, false), 0);
	assert_int_equal(iova, expect_auto(g_ndom ? v_win() : 2 * P, b, P));
}

/* §3.3: malformed lists and reserve conflicts leave the old list. */
static void test_allow_iovas_conflicts(void **state)
{
	struct fx *f = *state;
	uint64_t lo = MOCK_START + 0x200000, iova = 0;
	struct iommu_iova_range bad[2], good = { lo, lo + 8 * P - 1 };
	void *b = fx_buf(f, 2);

	bad[0].start = lo;
	bad[0].last = lo;
	assert_int_equal(m_allow(f->ctx, f->a.id, bad, 1), -EINVAL);
	bad[0].last = lo + 4 * P - 1;
	bad[1].start = lo + 2 * P;
	bad[1].last = lo + 6 * P - 1;
	assert_int_equal(m_allow(f->ctx, f->a.id, bad, 2), -EINVAL);
	/* nothing was installed: automatic IOVAs still start at the window */
	assert_int_equal(m_map(f->ctx, f->a.id, b, P, &iova, false), 0);
	assert_int_equal(iova, expect_auto(v_win(), b, P));

	assert_int_equal(m_allow(f->ctx, f->a.id, &good, 1), 0);
	/* reserving inside an allowed range: EADDRINUSE; beside it: fine */
	assert_int_equal(v_add_reserved(f->ctx, f->a.id, lo + 4 * P, P),
			 -EADDRINUSE);
	assert_int_equal(v_add_reserved(f->ctx, f->a.id, lo + 8 * P, P), 0);
	/* an allowed list reaching into that reserve: EADDRINUSE, old kept */
	good.last = lo + 9 * P - 1;
	assert_int_equal(m_allow(f->ctx, f->a.id, &good, 1), -EADDRINUSE);
	assert_int_equal(m_map(f->ctx, f->a.id, b, 2 * P, &iova, false), 0);
	assert_int_equal(iova, expect_auto(lo, b, 2 * P));
	assert_int_equal(m_map(f->ctx, f->a.id, b, 8 * P, &iova, false), -ENOSPC);
}

/*
 * §5 step 7: with a domain every page is pinned at MAP time, so half an
 * unmapped buffer is EFAULT and leaves nothing; without one MAP never
 * touches the memory.
 */
static void test_map_half_unmapped(void **state)
{
	struct fx *f = *state;
	uint64_t base = v_base(), iova, n, align = 0;
	struct iommu_iova_range r[2];
	uint8_t *b = fx_buf(f, 4), *good = fx_buf(f, 8);
	uint32_t cnt = 0;

	assert_int_equal(munmap(b + 2 * P, 2 * P), 0);
	f->buf[0].len = 2 * P;

	iova = base;
	assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, true),
			 g_ndom ? -EFAULT : 0);
	check_refs(f, b, 2 * P, 0);
	if (g_ndom) {
		/* nothing left: ranges unchanged, IOAS empty, IOVA reusable */
		assert_int_equal(m_ranges(f->ctx, f->a.id, r, 2, &cnt, &align), 0);
		assert_int_equal(cnt, 1);
		assert_int_equal(r[0].start, v_first());
		assert_int_equal(align, v_align());
		assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
		assert_int_equal(n, 0);
		assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, false),
				 -EFAULT);
		iova = base;
		assert_int_equal(m_map(f->ctx, f->a.id, good, 8 * P, &iova, true), 0);
		check_maps(f, &f->a, base, good, 8 * P);
		check_refs(f, good, 8 * P, 1);
		/* the failed automatic MAP did not occupy its IOVA either */
		assert_int_equal(m_map(f->ctx, f->a.id, good, P, &iova, false), 0);
		assert_int_equal(iova, expect_auto(v_win(), good, P));
	} else {
		assert_int_equal(m_unmap(f->ctx, f->a.id, base, 4 * P, &n), 0);
		assert_int_equal(n, 4 * P);
	}
}

/* §5 row 11: WRITEABLE over a read-only VMA faults only with a domain. */
static void test_map_readonly_vma(void **state)
{
	struct fx *f = *state;
	uint8_t *b = fx_buf(f, 2);
	uint64_t iova = v_base(), n;

	assert_int_equal(mprotect(b, 2 * P, PROT_READ), 0);
	assert_int_equal(m_map(f->ctx, f->a.id, b, 2 * P, &iova, true),
			 g_ndom ? -EFAULT : 0);
	if (!g_ndom) {
		assert_int_equal(m_unmap(f->ctx, f->a.id, iova, 2 * P, &n), 0);
		assert_int_equal(n, 2 * P);
	}
	iova = v_base();
	assert_int_equal(v_map_flags(f->ctx, f->a.id, b, 2 * P, &iova,
				     IOMMU_IOAS_MAP_READABLE |
				     IOMMU_IOAS_MAP_FIXED_IOVA), 0);
	check_maps(f, &f->a, iova, b, 2 * P);
	check_refs(f, b, 2 * P, v_refs());
	assert_int_equal(m_unmap(f->ctx, f->a.id, iova, 2 * P, &n), 0);
	assert_int_equal(n, 2 * P);
	assert_int_equal(mprotect(b, 2 * P, PROT_READ | PROT_WRITE), 0);
}

/* §6/§9.2: a copy shares the pages object, never pins twice. */
static void test_copy_to_second_ioas(void **state)
{
	struct fx *f = *state;
	struct vioas b2;
	uint8_t *b = fx_buf(f, 8);
	uint64_t src = 0, dst = 0, n = 0;

	make_ioas(f->ctx, &b2);
	assert_int_equal(m_map(f->ctx, f->a.id, b, 8 * P, &src, false), 0);
	assert_int_equal(m_copy(f->ctx, b2.id, f->a.id, src, 8 * P, &dst, false), 0);
	assert_int_equal(dst, expect_auto(v_win(), b, 8 * P));
	check_maps(f, &b2, dst, b, 8 * P);
	check_refs(f, b, 8 * P, v_refs());

	assert_int_equal(m_unmap(f->ctx, f->a.id, src, 8 * P, &n), 0);
	assert_int_equal(n, 8 * P);
	check_refs(f, b, 8 * P, v_refs());
	check_maps(f, &b2, dst, b, 8 * P);
	assert_int_equal(m_unmap(f->ctx, b2.id, dst, 8 * P, &n), 0);
	assert_int_equal(n, 8 * P);
	check_refs(f, b, 8 * P, 0);
	assert_int_equal(m_copy(f->ctx, b2.id, f->a.id, src, 8 * P, &dst, false),
			 -ENOENT);
}

/* §6: any window over back-to-back mappings; holes and edges: ENOENT. */
static void test_copy_subranges(void **state)
{
	struct fx *f = *state;
	struct vioas d;
	uint8_t *b1 = fx_buf(f, 4), *b2 = fx_buf(f, 4), *b3 = fx_buf(f, 4);
	uint64_t base = v_base(), iova, dst = 0, n = 0, off = 2 * P + 2048;

	make_ioas(f->ctx, &d);
	iova = base;
	assert_int_equal(m_map(f->ctx, f->a.id, b1, 4 * P, &iova, true), 0);
	iova = base + 4 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, b2, 4 * P, &iova, true), 0);
	iova = base + 12 * P;
	assert_int_equal(m_map(f->ctx, f->a.id, b3, 4 * P, &iova, true), 0);

	/* [base + off, base + off + 4P) straddles b1 | b2 */
	dst = base + 32 * P;
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base + off, 4 * P, &dst,
				true), 0);
	assert_int_equal(dst, base + 32 * P);
	check_maps(f, &d, dst, b1 + off, 4 * P - off);
	check_maps(f, &d, dst + 4 * P - off, b2, off);
	check_refs(f, b1, 4 * P, v_refs());
	check_refs(f, b2, 4 * P, v_refs());

	/* sticking out past b2, and across the hole to b3 */
	dst = base + 64 * P;
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base + 6 * P, 4 * P, &dst,
				true), -ENOENT);
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base + 6 * P, 8 * P, &dst,
				true), -ENOENT);
	/* an inner window of b3 alone, automatic IOVA keeps the in-page offset */
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base + 13 * P + 2048,
				P, &dst, false), 0);
	assert_int_equal(dst % P, 2048 % P);
	check_maps(f, &d, dst, b3 + P + 2048, P);

	/* the straddling copy is two areas, removed together */
	assert_int_equal(m_unmap(f->ctx, d.id, base + 32 * P, 4 * P, &n), 0);
	assert_int_equal(n, 4 * P);
	assert_int_equal(m_unmap(f->ctx, d.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, P);
	check_refs(f, b1, 4 * P, v_refs());
}

/* §6 step 2: source and destination may be the same IOAS. */
static void test_copy_same_ioas(void **state)
{
	struct fx *f = *state;
	uint8_t *b = fx_buf(f, 4);
	uint64_t base = v_base(), iova = base, dst = 0, n = 0;

	assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, true), 0);
	dst = base + 2 * P;
	assert_int_equal(m_copy(f->ctx, f->a.id, f->a.id, base, 4 * P, &dst, true),
			 -EEXIST);
	assert_int_equal(m_copy(f->ctx, f->a.id, f->a.id, base, 4 * P, &dst,
				false), 0);
	assert_true(dst + 4 * P <= base || dst >= base + 4 * P);
	assert_int_equal(dst, expect_auto(v_win(), b, 4 * P));
	check_maps(f, &f->a, dst, b, 4 * P);
	check_refs(f, b, 4 * P, v_refs());
	assert_int_equal(m_unmap(f->ctx, f->a.id, base, 4 * P, &n), 0);
	check_maps(f, &f->a, dst, b, 4 * P);
	check_refs(f, b, 4 * P, v_refs());
	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 4 * P);
}

/* §6 step 4: WRITEABLE copy of a read-only source is EPERM, leaves nothing. */
static void test_copy_eperm(void **state)
{
	struct fx *f = *state;
	uint8_t *b = fx_buf(f, 4);
	uint64_t base = v_base(), iova = base, dst = 0, n = 0;
	const uint32_t rw = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
			    IOMMU_IOAS_MAP_FIXED_IOVA;

	assert_int_equal(v_map_flags(f->ctx, f->a.id, b, 4 * P, &iova,
				     IOMMU_IOAS_MAP_READABLE |
				     IOMMU_IOAS_MAP_FIXED_IOVA), 0);
	dst = base + 16 * P;
	assert_int_equal(v_copy_flags(f->ctx, f->a.id, f->a.id, base, 4 * P, &dst,
				      rw), -EPERM);
	assert_int_equal(v_copy_flags(f->ctx, f->a.id, f->a.id, base, 4 * P, &dst,
				      IOMMU_IOAS_MAP_WRITEABLE |
				      IOMMU_IOAS_MAP_FIXED_IOVA), -EPERM);
	/* the same fixed IOVA is still free for a READABLE copy */
	assert_int_equal(v_copy_flags(f->ctx, f->a.id, f->a.id, base, 4 * P, &dst,
				      IOMMU_IOAS_MAP_READABLE |
				      IOMMU_IOAS_MAP_FIXED_IOVA), 0);
	assert_int_equal(dst, base + 16 * P);
	check_maps(f, &f->a, dst, b, 4 * P);
	check_refs(f, b, 4 * P, v_refs());
	assert_int_equal(m_unmap(f->ctx, f->a.id, dst, 4 * P, &n), 0);
	assert_int_equal(n, 4 * P);
}

/* errors.md §6: argument errors and the destination's alignment/aperture. */
static void test_copy_errors(void **state)
{
	struct fx *f = *state;
	struct vioas d;
	uint8_t *b = fx_buf(f, 8);
	uint64_t base = v_base(), iova = base, dst, n, total = 0;
	long want = g_ndom ? -EINVAL : 0;

	make_ioas(f->ctx, &d);
	assert_int_equal(m_map(f->ctx, f->a.id, b, 8 * P, &iova, true), 0);
	dst = base;
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base, 0, &dst, true),
			 -EINVAL);
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id + 100, base, P, &dst, true),
			 -ENOENT);
	assert_int_equal(m_copy(f->ctx, d.id + 100, f->a.id, base, P, &dst, true),
			 -ENOENT);
	assert_int_equal(v_copy_flags(f->ctx, d.id, f->a.id, base, P, &dst,
				      IOMMU_IOAS_MAP_FIXED_IOVA), -EINVAL);
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base - P, 2 * P, &dst,
				true), -ENOENT);

	/* destination below the aperture */
	dst = 0;
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base, 2 * P, &dst, true),
			 want);
	total += want ? 0 : 2 * P;
	/* a length that is only a multiple of 1024 */
	dst = base;
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base, 1024, &dst, true),
			 want);
	total += want ? 0 : 1024;
	/* a slice that starts 1024 bytes into a page */
	dst = base + 4 * P;
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base + 1024, 2048, &dst,
				true), want);
	total += want ? 0 : 2048;
	/* the variant's alignment is fine */
	dst = base + 8 * P;
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base + 2048, 2048, &dst,
				true), 0);
	total += 2048;
	check_maps(f, &d, dst, b + 2048, 2048);
	/* overlapping an existing destination mapping */
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, base, 4 * P, &dst, true),
			 -EEXIST);

	assert_int_equal(m_unmap(f->ctx, d.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, total);
	check_refs(f, b, 8 * P, v_refs());
}

/*
 * §6 step 5 and §8: a domain-less source IOAS never pinned its memory, so a
 * COPY into an IOAS of the variant pins at COPY time: EFAULT (and nothing
 * left) for memory that is gone, one pin for good memory.
 */
static void test_copy_from_plain_ioas(void **state)
{
	struct fx *f = *state;
	uint8_t *bad = fx_buf(f, 4), *good = fx_buf(f, 4);
	uint64_t base = v_base(), iova, dst, n;
	uint32_t plain;

	assert_int_equal(munmap(bad + 2 * P, 2 * P), 0);
	f->buf[0].len = 2 * P;
	assert_int_equal(m_ioas(f->ctx, &plain), 0);
	iova = base;
	assert_int_equal(m_map(f->ctx, plain, bad, 4 * P, &iova, true), 0);
	iova = base + 4 * P;
	assert_int_equal(m_map(f->ctx, plain, good, 4 * P, &iova, true), 0);
	check_refs(f, good, 4 * P, 0);

	dst = base;
	assert_int_equal(m_copy(f->ctx, f->a.id, plain, base, 8 * P, &dst, true),
			 g_ndom ? -EFAULT : 0);
	check_refs(f, bad, 2 * P, 0);
	if (g_ndom) {
		assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
		assert_int_equal(n, 0);
		/* the good half alone copies to the very same IOVA */
		dst = base;
		assert_int_equal(m_copy(f->ctx, f->a.id, plain, base + 4 * P,
					4 * P, &dst, true), 0);
		check_maps(f, &f->a, base, good, 4 * P);
		check_refs(f, good, 4 * P, 1);
	} else {
		check_refs(f, good, 4 * P, 0);
	}
	/* the source lets go; the copy keeps (and, with domains, pins) it */
	assert_int_equal(m_unmap(f->ctx, plain, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 8 * P);
	check_refs(f, good, 4 * P, v_refs());
	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, g_ndom ? 4 * P : 8 * P);
	check_refs(f, good, 4 * P, 0);
}

/* §7: superset rule, holes allowed, partial progress on ENOENT. */
static void test_unmap_superset(void **state)
{
	struct fx *f = *state;
	uint64_t base = v_base(), iova, n;
	uint8_t *b[4];
	int k;

	for (k = 0; k < 4; k++) {
		b[k] = fx_buf(f, 2);
		iova = base + (uint64_t)k * 4 * P;
		assert_int_equal(m_map(f->ctx, f->a.id, b[k], 2 * P, &iova, true), 0);
	}
	/* starts inside the first: ENOENT, nothing removed */
	assert_int_equal(m_unmap(f->ctx, f->a.id, base + P, 15 * P, &n), -ENOENT);
	check_maps(f, &f->a, base, b[0], 2 * P);
	check_refs(f, b[0], 2 * P, v_refs());
	/* a superset with holes covering three, clipping the fourth */
	assert_int_equal(m_unmap(f->ctx, f->a.id, base - 2 * P, 15 * P, &n),
			 -ENOENT);
	/* the three whole ones went, the fourth stays */
	check_refs(f, b[0], 2 * P, 0);
	check_refs(f, b[2], 2 * P, 0);
	check_refs(f, b[3], 2 * P, v_refs());
	check_maps(f, &f->a, base + 12 * P, b[3], 2 * P);
	assert_int_equal(m_unmap(f->ctx, f->a.id, base - 2 * P, 32 * P, &n), 0);
	assert_int_equal(n, 2 * P);
	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 0);
}

/* §7: no splitting; a sub-range of one mapping is ENOENT. */
static void test_unmap_partial(void **state)
{
	struct fx *f = *state;
	uint8_t *b = fx_buf(f, 2);
	uint64_t base = v_base(), iova = base, n;

	assert_int_equal(m_map(f->ctx, f->a.id, b, 2 * P, &iova, true), 0);
	assert_int_equal(m_unmap(f->ctx, f->a.id, base, P, &n), -ENOENT);
	assert_int_equal(m_unmap(f->ctx, f->a.id, base + P, P, &n), -ENOENT);
	assert_int_equal(m_unmap(f->ctx, f->a.id, base + P, 4 * P, &n), -ENOENT);
	check_maps(f, &f->a, base, b, 2 * P);
	check_refs(f, b, 2 * P, v_refs());
	assert_int_equal(m_unmap(f->ctx, f->a.id, base, 2 * P, &n), 0);
	assert_int_equal(n, 2 * P);
	check_refs(f, b, 2 * P, 0);
}

/* §7: unmap-all returns the byte total; empty ranges are ENOENT. */
static void test_unmap_all_and_nothing(void **state)
{
	struct fx *f = *state;
	uint8_t *b1 = fx_buf(f, 1), *b2 = fx_buf(f, 3), *b3 = fx_buf(f, 5);
	uint64_t iova = 0, n = 77, base = v_base();

	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(m_unmap(f->ctx, f->a.id, base, P, &n), -ENOENT);

	assert_int_equal(m_map(f->ctx, f->a.id, b1, P, &iova, false), 0);
	assert_int_equal(m_map(f->ctx, f->a.id, b2, 3 * P, &iova, false), 0);
	iova = base;
	assert_int_equal(m_map(f->ctx, f->a.id, b3, 5 * P, &iova, true), 0);
	check_refs(f, b2, 3 * P, v_refs());
	/* a hole next to a mapping */
	assert_int_equal(m_unmap(f->ctx, f->a.id, base + 5 * P, 4 * P, &n),
			 -ENOENT);
	check_maps(f, &f->a, base, b3, 5 * P);
	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 9 * P);
	check_refs(f, b1, P, 0);
	check_refs(f, b2, 3 * P, 0);
	check_refs(f, b3, 5 * P, 0);
	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(m_unmap(f->ctx, f->a.id, base, 5 * P, &n), -ENOENT);
}

/* errors.md §8 H1-H7: the HUGE_PAGES option against the variant. */
static void test_huge_pages(void **state)
{
	struct fx *f = *state;
	uint8_t *b = fx_buf(f, 4);
	uint64_t base = v_base(), iova, n, val = 0;
	uint64_t page_align = P > v_align() ? P : v_align();

	assert_int_equal(v_option_get(f->ctx, f->a.id, &val), 0);
	assert_int_equal(val, 1);
	/* a mapping that is aligned to the variant but not to PAGE */
	iova = base + 2048;
	assert_int_equal(m_map(f->ctx, f->a.id, b, 2048, &iova, true), 0);
	if (g_ndom) {
		/* domain + mapping: refused before looking at alignment */
		assert_int_equal(m_option_huge(f->ctx, f->a.id, 0), -EINVAL);
	} else {
		assert_int_equal(m_option_huge(f->ctx, f->a.id, 0), -EADDRINUSE);
	}
	assert_int_equal(v_option_get(f->ctx, f->a.id, &val), 0);
	assert_int_equal(val, 1);
	assert_int_equal(v_alignment(f->ctx, f->a.id), v_align());

	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 2048);
	if (!g_ndom) {
		/* page-aligned mappings let it through with no domain */
		iova = base;
		assert_int_equal(m_map(f->ctx, f->a.id, b, 4 * P, &iova, true), 0);
	}
	assert_int_equal(m_option_huge(f->ctx, f->a.id, 0), 0);
	assert_int_equal(m_option_huge(f->ctx, f->a.id, 0), 0);
	assert_int_equal(v_option_get(f->ctx, f->a.id, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(v_alignment(f->ctx, f->a.id), page_align);
	iova = base + 16 * P + 2048;
	assert_int_equal(m_map(f->ctx, f->a.id, b, 2048, &iova, true),
			 page_align > 2048 ? -EINVAL : 0);
	assert_int_equal(m_option_huge(f->ctx, f->a.id, 2), -EINVAL);
	assert_int_equal(m_option_huge(f->ctx, f->a.id, 1), 0);
	assert_int_equal(v_alignment(f->ctx, f->a.id), v_align());
	assert_int_equal(m_option_huge(f->ctx, f->a.id + 100, 1), -ENOENT);
}

/* §9.2: refs follow the holders; closing the context drops everything. */
static void test_refs_close(void **state)
{
	struct fx *f = *state;
	struct vioas d;
	uint8_t *b = fx_buf(f, 16);
	uint64_t src = 0, dst = 0;

	make_ioas(f->ctx, &d);
	check_refs(f, b, 16 * P, 0);
	assert_int_equal(m_map(f->ctx, f->a.id, b, 16 * P, &src, false), 0);
	check_refs(f, b, 16 * P, v_refs());
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, src + 4 * P, 8 * P, &dst,
				false), 0);
	check_refs(f, b, 16 * P, v_refs());
	check_maps(f, &d, dst, b + 4 * P, 8 * P);
	check_maps(f, &f->a, src, b, 16 * P);
	/* a wrong count is reported, so the checks above mean something */
	assert_int_equal(m_check_refs(f->ctx, b, 16 * P, v_refs() + 1), -EIO);
	uiommufd_close(f->ctx);
	f->ctx = m_open();
	check_refs(f, b, 16 * P, 0);
}

/* Big enough that the tiny batch limit splits every pin into many batches. */
static void test_large_map_copy(void **state)
{
	struct fx *f = *state;
	struct vioas d;
	const uint64_t np = 512;
	uint8_t *b = fx_buf(f, np);
	uint64_t src = 0, dst = 0, n = 0, i;

	make_ioas(f->ctx, &d);
	for (i = 0; i < np; i++)
		b[i * P] = (uint8_t)i;
	assert_int_equal(m_map(f->ctx, f->a.id, b, np * P, &src, false), 0);
	assert_int_equal(src, expect_auto(v_win(), b, np * P));
	check_maps(f, &f->a, src, b, np * P);
	check_refs(f, b, np * P, v_refs());
	assert_int_equal(m_copy(f->ctx, d.id, f->a.id, src + P, (np - 2) * P,
				&dst, false), 0);
	check_maps(f, &d, dst, b + P, (np - 2) * P);
	assert_int_equal(m_unmap(f->ctx, f->a.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, np * P);
	check_refs(f, b, P, 0);
	check_refs(f, b + P, (np - 2) * P, v_refs());
	check_refs(f, b + (np - 1) * P, P, 0);
	assert_int_equal(m_unmap(f->ctx, d.id, 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, (np - 2) * P);
	check_refs(f, b, np * P, 0);
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s d0|d1|d2 [tiny]\n", prog);
	return 2;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_iova_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_reserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_fixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_auto_lowest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_iovas_auto, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_iovas_conflicts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_half_unmapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_readonly_vma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_to_second_ioas, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_copy_subranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_same_ioas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_eperm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_from_plain_ioas, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unmap_superset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_all_and_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_huge_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_map_copy, setup, teardown),
	};
	char name[32];

	if (argc < 2 || argc > 3)
		return usage(argv[0]);
	if (!strcmp(argv[1], "d0"))
		g_ndom = 0;
	else if (!strcmp(argv[1], "d1"))
		g_ndom = 1;
	else if (!strcmp(argv[1], "d2"))
		g_ndom = 2;
	else
		return usage(argv[0]);
	if (argc == 3) {
		if (strcmp(argv[2], "tiny"))
			return usage(argv[0]);
		g_tiny = true;
	}
	P = page_size();
	snprintf(name, sizeof(name), "ioas_variants_%s%s", argv[1],
		 g_tiny ? "_tiny" : "");
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

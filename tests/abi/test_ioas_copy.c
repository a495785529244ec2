/* SPDX-License-Identifier: MIT */
/*
 * test_ioas_copy.c - IOMMU_IOAS_COPY, errors.md §6 and semantics.md §6.
 *
 * The source is any sub-range covered by contiguous live areas (not only a
 * whole MAP).  The copy creates one destination area per source slice,
 * back to back, sharing the source's pages objects; so a copy spanning two
 * source areas can later be unmapped slice by slice, and only slice by
 * slice (UNMAP never splits).  WRITEABLE requires a writable source pages
 * object (EPERM); READ is not tracked.
 *
 * Fixture used by most cases: src IOAS with two back-to-back mappings
 *   A = [16P, 20P) from buffer a (RW),  B = [20P, 24P) from buffer b (RW)
 * and an isolated C = [32P, 34P) mapped READABLE only.
 *
 * Rows not reachable without domains: 15 (pinning into a destination with
 * domains).  Rows 7/10 (ENOMEM) need fault injection.  Row 0 (test flag
 * bit 16, syzkaller IOVA encoding) is optional in the spec and not tested.
 */
#include <sys/mman.h>

#include "abi_util.h"

struct fix {
	uint32_t src, dst;
	uint8_t *a, *b, *c;
};

static void fixture(struct uiommufd_ctx *ctx, struct fix *f)
{
	f->src = must_ioas(ctx);
	f->dst = must_ioas(ctx);
	f->a = mem_rw(4 * PAGE);
	f->b = mem_rw(4 * PAGE);
	f->c = mem_rw(2 * PAGE);
	must_map_fixed(ctx, f->src, (uintptr_t)f->a, 4 * PAGE, 16 * PAGE);
	must_map_fixed(ctx, f->src, (uintptr_t)f->b, 4 * PAGE, 20 * PAGE);
	assert_int_equal(k_map(ctx, f->src, KABI_MAP_FIXED_IOVA |
			       KABI_MAP_READABLE, (uintptr_t)f->c, 2 * PAGE,
			       &(uint64_t){ 32 * PAGE }), 0);
}

static long copy_fixed(struct uiommufd_ctx *ctx, uint32_t dst, uint32_t src,
		       uint64_t src_iova, uint64_t len, uint64_t dst_iova,
		       uint32_t perm)
{
	return k_copy(ctx, KABI_MAP_FIXED_IOVA | perm, dst, src, src_iova,
		      len, &dst_iova);
}

/* A sub-range spanning A and B, at byte granularity: one destination area
 * per slice, back to back. */
static void copy_subrange_two_slices(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;
	uint64_t s = 18 * PAGE + 0x123, len = 4 * PAGE;
	uint64_t d = 100 * PAGE + 0x123;
	uint64_t slice1 = 20 * PAGE - s;

	fixture(ctx, &f);
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, s, len, d, KABI_MAP_RW),
			 0);
	assert_true(range_is_mapped(ctx, f.dst, d, 1));
	assert_true(range_is_mapped(ctx, f.dst, d + len - 1, 1));
	assert_false(range_is_mapped(ctx, f.dst, d + len, PAGE));
	assert_false(range_is_mapped(ctx, f.dst, 0, d));
	/* UNMAP cannot split: the second slice alone is ENOENT */
	assert_int_equal(k_unmap(ctx, f.dst, d + slice1, len - slice1 - 1,
				 NULL), -ENOENT);
	/* each slice is its own area */
	assert_int_equal(unmap_count(ctx, f.dst, d, slice1), (long)slice1);
	assert_int_equal(unmap_count(ctx, f.dst, d + slice1, len - slice1),
			 (long)(len - slice1));
	/* the source is untouched */
	assert_int_equal(unmap_count(ctx, f.src, 16 * PAGE, 8 * PAGE),
			 8 * PAGE);
}

/* A copy outlives the source mapping (shared pages objects). */
static void copy_outlives_source(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;
	uint64_t d = 0;

	fixture(ctx, &f);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src, 16 * PAGE,
				4 * PAGE, &d), 0);
	assert_int_equal(unmap_count(ctx, f.src, 0, KABI_U64_MAX), 10 * PAGE);
	assert_int_equal(k_destroy(ctx, f.src), 0);
	/* copy of a copy */
	{
		uint64_t d2 = 64 * PAGE;

		assert_int_equal(copy_fixed(ctx, f.dst, f.dst, d + PAGE,
					    PAGE, d2, KABI_MAP_READABLE), 0);
		assert_int_equal(unmap_count(ctx, f.dst, d2, PAGE), PAGE);
	}
	assert_int_equal(unmap_count(ctx, f.dst, d, 4 * PAGE), 4 * PAGE);
}

/* Same IOAS as source and destination, automatic IOVA: lands outside the
 * used ranges; the in-page offset of the source address is reproduced. */
static void copy_same_ioas_auto(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;
	uint64_t d = 0;

	fixture(ctx, &f);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.src, f.src,
				16 * PAGE + 0x40, PAGE, &d), 0);
	assert_int_equal(d % PAGE, 0x40);
	assert_true(d >= PAGE);
	assert_true(d + PAGE <= 16 * PAGE || d >= 34 * PAGE);
	assert_int_equal(unmap_count(ctx, f.src, d, PAGE), PAGE);
	/* into a fresh IOAS the lowest choice is PAGE | 0x40 (align 0x40) */
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src,
				16 * PAGE + 0x40, PAGE, &d), 0);
	assert_int_equal(d, PAGE + 0x40);
}

/* Row 13: WRITEABLE from a read-only source -> EPERM; READABLE works; a
 * write-only source may be copied READABLE. */
static void copy_eperm(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;
	uint64_t wo = 48 * PAGE;

	fixture(ctx, &f);
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 32 * PAGE, PAGE,
				    PAGE, KABI_MAP_RW), -EPERM);
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 32 * PAGE, PAGE,
				    PAGE, KABI_MAP_WRITEABLE), -EPERM);
	assert_false(range_is_mapped(ctx, f.dst, 0, 64 * PAGE));
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 32 * PAGE, PAGE,
				    PAGE, KABI_MAP_READABLE), 0);

	assert_int_equal(k_map(ctx, f.src, KABI_MAP_FIXED_IOVA |
			       KABI_MAP_WRITEABLE, (uintptr_t)f.a, PAGE, &wo),
			 0);
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 48 * PAGE, PAGE,
				    4 * PAGE, KABI_MAP_READABLE), 0);
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 48 * PAGE, PAGE,
				    8 * PAGE, KABI_MAP_RW), 0);
	/* a copy of the read-only copy is still read-only */
	assert_int_equal(copy_fixed(ctx, f.dst, f.dst, PAGE, PAGE,
				    12 * PAGE, KABI_MAP_WRITEABLE), -EPERM);
}

/* Row 8: holes, out-of-range edges, nothing mapped -> ENOENT. */
static void copy_enoent_coverage(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;
	struct { uint64_t s, len; } bad[] = {
		{ 15 * PAGE, 2 * PAGE },       /* starts before A */
		{ 16 * PAGE - 1, 2 },          /* one byte before A */
		{ 22 * PAGE, 3 * PAGE },       /* runs past B */
		{ 24 * PAGE - 1, 2 },          /* one byte past B */
		{ 16 * PAGE, 18 * PAGE },      /* covers the hole up to C */
		{ 24 * PAGE, PAGE },           /* inside the hole */
		{ 1000 * PAGE, PAGE },         /* nothing there */
		{ 0, KABI_U64_MAX - 1 },       /* everything */
	};

	fixture(ctx, &f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(copy_fixed(ctx, f.dst, f.src, bad[i].s,
					    bad[i].len, PAGE,
					    KABI_MAP_READABLE), -ENOENT);
	assert_false(range_is_mapped(ctx, f.dst, 0, 64 * PAGE));
	/* exact edges work */
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 16 * PAGE, 8 * PAGE,
				    PAGE, KABI_MAP_READABLE), 0);
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 24 * PAGE - 1, 1,
				    20 * PAGE, KABI_MAP_READABLE), 0);
}

/* Rows 1-6 in order. */
static void copy_argument_checks(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;
	uint64_t d;

	fixture(ctx, &f);
	/* row 1: unknown flags, before everything */
	d = KABI_U64_MAX;
	assert_int_equal(k_copy(ctx, KABI_MAP_RW | (1u << 3), 0, 0,
				KABI_U64_MAX, 0, &d), -EOPNOTSUPP);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW | (1u << 31), f.dst, f.src,
				16 * PAGE, PAGE, &d), -EOPNOTSUPP);
	/* row 2: length, src_iova, dst_iova == MAX; before rows 3 and 4 */
	d = PAGE;
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src, 16 * PAGE,
				KABI_U64_MAX, &d), -EOVERFLOW);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src, KABI_U64_MAX,
				PAGE, &d), -EOVERFLOW);
	d = KABI_U64_MAX;
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src, 16 * PAGE,
				PAGE, &d), -EOVERFLOW);
	d = KABI_U64_MAX;
	assert_int_equal(k_copy(ctx, KABI_MAP_FIXED_IOVA | KABI_MAP_RW, f.dst,
				f.src, 16 * PAGE, PAGE, &d), -EOVERFLOW);
	d = KABI_U64_MAX;
	assert_int_equal(k_copy(ctx, 0, 0, 0, 16 * PAGE, PAGE, &d),
			 -EOVERFLOW);
	/* row 3: no permission, before row 4 */
	d = PAGE;
	assert_int_equal(k_copy(ctx, KABI_MAP_FIXED_IOVA, f.dst, f.src,
				16 * PAGE, PAGE, &d), -EINVAL);
	assert_int_equal(k_copy(ctx, 0, 0, 0, 16 * PAGE, 0, &d), -EINVAL);
	/* row 4: bad source, before row 5 (length 0) */
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, 0, 16 * PAGE, PAGE,
				&d), -ENOENT);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, 99, 16 * PAGE, 0,
				&d), -ENOENT);
	/* row 5: length 0, before row 6 and the dst lookup (row 9) */
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src, 16 * PAGE, 0,
				&d), -EINVAL);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, 99, f.src, 16 * PAGE, 0,
				&d), -EINVAL);
	/* row 6: src_iova + length - 1 wraps */
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src,
				KABI_U64_MAX - PAGE, 2 * PAGE, &d),
			 -EOVERFLOW);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, 99, f.src, KABI_U64_MAX - 1,
				2 * PAGE, &d), -EOVERFLOW);
	assert_false(range_is_mapped(ctx, f.dst, 0, 64 * PAGE));
}

/* Row 8 before row 9; row 9: bad destination -> ENOENT. */
static void copy_bad_dst(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;

	fixture(ctx, &f);
	assert_int_equal(copy_fixed(ctx, 99, f.src, 16 * PAGE, PAGE, PAGE,
				    KABI_MAP_RW), -ENOENT);
	assert_int_equal(copy_fixed(ctx, 0, f.src, 16 * PAGE, PAGE, PAGE,
				    KABI_MAP_RW), -ENOENT);
	assert_int_equal(copy_fixed(ctx, 99, f.src, 1000 * PAGE, PAGE, PAGE,
				    KABI_MAP_RW), -ENOENT);
	assert_int_equal(k_destroy(ctx, f.dst), 0);
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 16 * PAGE, PAGE, PAGE,
				    KABI_MAP_RW), -ENOENT);
}

/* Rows 11, 12 (9a-9d, 8a-8c on the destination), 14. */
static void copy_destination_rules(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;
	uint64_t d, v = 0;
	struct kabi_iova_range small = { 200 * PAGE, 202 * PAGE - 1 };

	fixture(ctx, &f);
	/* 9d: EEXIST */
	assert_int_equal(copy_fixed(ctx, f.src, f.src, 16 * PAGE, PAGE,
				    23 * PAGE, KABI_MAP_RW), -EEXIST);
	/* 9c: reserved -> EINVAL */
	must_reserve(ctx, f.dst, 10 * PAGE, PAGE);
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 16 * PAGE, 2 * PAGE,
				    9 * PAGE, KABI_MAP_RW), -EINVAL);
	/* 9b: dst_iova + length - 1 wraps */
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 16 * PAGE, 2 * PAGE,
				    KABI_U64_MAX - PAGE, KABI_MAP_RW),
			 -EOVERFLOW);
	/* 8c: ENOSPC inside the allowed list */
	assert_int_equal(k_allow(ctx, f.dst, &small, 1), 0);
	d = 0;
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src, 16 * PAGE,
				3 * PAGE, &d), -ENOSPC);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src, 16 * PAGE,
				2 * PAGE, &d), 0);
	assert_int_equal(d, 200 * PAGE);
	assert_int_equal(unmap_count(ctx, f.dst, 0, KABI_U64_MAX), 2 * PAGE);
	assert_int_equal(k_allow(ctx, f.dst, NULL, 0), 0);

	/* destination with HUGE_PAGES = 0: alignment PAGE */
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, f.dst, &v), 0);
	/* row 11: length not a multiple of the destination alignment */
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 16 * PAGE, PAGE / 2,
				    PAGE, KABI_MAP_RW), -EINVAL);
	/* 9a: dst iova */
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 16 * PAGE, PAGE,
				    PAGE + 16, KABI_MAP_RW), -EINVAL);
	/* row 14: slice start not page aligned in its pages object */
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 16 * PAGE + 256, PAGE,
				    PAGE, KABI_MAP_RW), -EINVAL);
	/* 8b: auto, source hint alignment 256 < PAGE */
	d = 0;
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, f.dst, f.src,
				16 * PAGE + 256, PAGE, &d), -EINVAL);
	assert_false(range_is_mapped(ctx, f.dst, 0, 9 * PAGE));
	/* aligned: fine */
	assert_int_equal(copy_fixed(ctx, f.dst, f.src, 17 * PAGE, 4 * PAGE,
				    PAGE, KABI_MAP_RW), 0);
	/* 8a: automatic with length >= 2^63 (after row 8 would fail, so use
	 * a destination-only check order: the source must be covered) is
	 * not reachable with a real source; covered by test_ioas_map. */
}

/* Row 16: respond fault -> EFAULT, the copy stays. */
static void copy_respond_fault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct fix f;
	struct kabi_ioas_copy init = {
		.size = sizeof(init),
		.flags = KABI_MAP_FIXED_IOVA | KABI_MAP_RW,
		.length = 2 * PAGE, .dst_iova = 4 * PAGE,
		.src_iova = 19 * PAGE,
	};
	struct kabi_ioas_copy *ro;

	fixture(ctx, &f);
	init.dst_ioas_id = f.dst;
	init.src_ioas_id = f.src;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_IOAS_COPY, ro), -EFAULT);
	assert_int_equal(unmap_count(ctx, f.dst, 4 * PAGE, PAGE), PAGE);
	assert_int_equal(unmap_count(ctx, f.dst, 5 * PAGE, PAGE), PAGE);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, abi_setup, abi_teardown)
	const struct CMUnitTest tests[] = {
		T(copy_subrange_two_slices),
		T(copy_outlives_source),
		T(copy_same_ioas_auto),
		T(copy_eperm),
		T(copy_enoent_coverage),
		T(copy_argument_checks),
		T(copy_bad_dst),
		T(copy_destination_rules),
		T(copy_respond_fault),
	};
#undef T

	return cmocka_run_group_tests_name("abi_ioas_copy", tests,
					   abi_group_setup, NULL);
}

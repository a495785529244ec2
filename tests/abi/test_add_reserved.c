/* SPDX-License-Identifier: MIT */
/*
 * test_add_reserved.c - IOMMU_TEST_CMD / IOMMU_TEST_OP_ADD_RESERVED,
 * errors.md §T and selftest-mock.md §9.1, plus the TEST_CMD-specific
 * preamble facts (min size 68, unknown op).
 *
 * Check order: length 0 -> EINVAL, start + length - 1 overflow ->
 * EOVERFLOW (both before the IOAS lookup, 7.2), IOAS lookup -> ENOENT,
 * intersects an area or an allowed range -> EADDRINUSE.  The range then
 * lives until the IOAS is destroyed; reserves may overlap each other.
 * Effects: IOVA_RANGES shows the complement; FIXED maps into it are EINVAL;
 * the automatic allocator avoids it (including the reserved_overflow case,
 * which is in test_ioas_map.c).
 *
 * Unreachable: ENOMEM (fault injection).
 */
#include <sys/mman.h>

#include "abi_util.h"

static long test_raw(struct uiommufd_ctx *ctx, uint32_t size, uint32_t op,
		     uint32_t id, uint64_t start, uint64_t length)
{
	struct kabi_test_cmd cmd = { .size = size, .op = op, .id = id,
				     .add_reserved = { start, length } };

	return kio(ctx, IOMMU_TEST_CMD, &cmd);
}

static uint32_t nranges(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	uint32_t n = 0;

	assert_int_equal(k_ranges(ctx, ioas, NULL, &n, NULL), -EMSGSIZE);
	return n;
}

/* Success and effects. */
static void reserve_effects(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(4 * PAGE);
	struct kabi_iova_range r[3];
	uint32_t num = 3;

	must_reserve(ctx, ioas, 8 * PAGE, 4 * PAGE);
	assert_int_equal(k_ranges(ctx, ioas, r, &num, NULL), 0);
	assert_int_equal(num, 2);
	assert_int_equal(r[0].last, 8 * PAGE - 1);
	assert_int_equal(r[1].start, 12 * PAGE);
	/* FIXED map into it: EINVAL (errors.md §5 row 9c) */
	assert_int_equal(k_map_fixed(ctx, ioas, va, PAGE, 11 * PAGE), -EINVAL);
	/* overlapping and duplicate reserves are accepted */
	must_reserve(ctx, ioas, 8 * PAGE, 4 * PAGE);
	must_reserve(ctx, ioas, 10 * PAGE, 4 * PAGE);
	assert_int_equal(nranges(ctx, ioas), 2);
	/* one byte */
	must_reserve(ctx, ioas, 100 * PAGE + 7, 1);
	assert_int_equal(nranges(ctx, ioas), 3);
	/* other IOASes are unaffected */
	assert_int_equal(nranges(ctx, must_ioas(ctx)), 1);
}

/* size 68 (min) works; 67 and the v6.2 size 56 are EINVAL (abi.md §2.1);
 * unknown ops are EOPNOTSUPP. */
static void test_cmd_size_and_op(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);

	assert_int_equal(test_raw(ctx, 68, KABI_TEST_OP_ADD_RESERVED, ioas,
				  PAGE, PAGE), 0);
	assert_int_equal(test_raw(ctx, 67, KABI_TEST_OP_ADD_RESERVED, ioas,
				  2 * PAGE, PAGE), -EINVAL);
	assert_int_equal(test_raw(ctx, 56, KABI_TEST_OP_ADD_RESERVED, ioas,
				  2 * PAGE, PAGE), -EINVAL);
	assert_int_equal(test_raw(ctx, 52, KABI_TEST_OP_ADD_RESERVED, ioas,
				  2 * PAGE, PAGE), -EINVAL);
	assert_int_equal(nranges(ctx, ioas), 2);
	assert_int_equal(test_raw(ctx, 72, 0, ioas, 2 * PAGE, PAGE),
			 -EOPNOTSUPP);
	assert_int_equal(test_raw(ctx, 72, 24, ioas, 2 * PAGE, PAGE),
			 -EOPNOTSUPP);
	assert_int_equal(test_raw(ctx, 72, 0xffffffff, ioas, 2 * PAGE, PAGE),
			 -EOPNOTSUPP);
	assert_int_equal(nranges(ctx, ioas), 2);
}

/* length 0 -> EINVAL; overflow -> EOVERFLOW; both before ENOENT. */
static void reserve_arguments(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);

	assert_int_equal(k_reserve(ctx, ioas, PAGE, 0), -EINVAL);
	assert_int_equal(k_reserve(ctx, 0, PAGE, 0), -EINVAL);
	assert_int_equal(k_reserve(ctx, ioas, KABI_U64_MAX, 2), -EOVERFLOW);
	assert_int_equal(k_reserve(ctx, ioas, 2, KABI_U64_MAX), -EOVERFLOW);
	assert_int_equal(k_reserve(ctx, ioas, 3, KABI_U64_MAX - 1),
			 -EOVERFLOW);
	assert_int_equal(k_reserve(ctx, 0, KABI_U64_MAX, KABI_U64_MAX),
			 -EOVERFLOW);
	assert_int_equal(k_reserve(ctx, 0, PAGE, PAGE), -ENOENT);
	assert_int_equal(k_reserve(ctx, ioas + 1, PAGE, PAGE), -ENOENT);
	assert_int_equal(nranges(ctx, ioas), 1);
	/* the top edge exactly: legal */
	must_reserve(ctx, ioas, KABI_U64_MAX, 1);
	must_reserve(ctx, ioas, 1, KABI_U64_MAX - 1);
	{
		struct kabi_iova_range r[2];
		uint32_t num = 2;

		assert_int_equal(k_ranges(ctx, ioas, r, &num, NULL), 0);
		assert_int_equal(num, 1);
		assert_int_equal(r[0].start, 0);
		assert_int_equal(r[0].last, 0);
	}
}

/* EADDRINUSE vs areas: any intersection, including one byte. */
static void reserve_vs_areas(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(4 * PAGE);

	must_map_fixed(ctx, ioas, va, 4 * PAGE, 8 * PAGE);
	assert_int_equal(k_reserve(ctx, ioas, 8 * PAGE, PAGE), -EADDRINUSE);
	assert_int_equal(k_reserve(ctx, ioas, 12 * PAGE - 1, 1), -EADDRINUSE);
	assert_int_equal(k_reserve(ctx, ioas, 0, 8 * PAGE + 1), -EADDRINUSE);
	assert_int_equal(k_reserve(ctx, ioas, 0, KABI_U64_MAX), -EADDRINUSE);
	assert_int_equal(nranges(ctx, ioas), 1);
	/* adjacent is fine */
	must_reserve(ctx, ioas, 0, 8 * PAGE);
	must_reserve(ctx, ioas, 12 * PAGE, PAGE);
	assert_int_equal(nranges(ctx, ioas), 2);
	/* after unmapping, the range can be reserved */
	assert_int_equal(unmap_count(ctx, ioas, 8 * PAGE, 4 * PAGE), 4 * PAGE);
	must_reserve(ctx, ioas, 8 * PAGE, 4 * PAGE);
	assert_int_equal(nranges(ctx, ioas), 1);
}

/* EADDRINUSE vs allowed ranges. */
static void reserve_vs_allowed(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[2] = {
		{ 16 * PAGE, 32 * PAGE - 1 },
		{ 64 * PAGE, 64 * PAGE + 1 },
	};

	assert_int_equal(k_allow(ctx, ioas, r, 2), 0);
	assert_int_equal(k_reserve(ctx, ioas, 20 * PAGE, PAGE), -EADDRINUSE);
	assert_int_equal(k_reserve(ctx, ioas, 0, 16 * PAGE + 1), -EADDRINUSE);
	assert_int_equal(k_reserve(ctx, ioas, 64 * PAGE + 1, PAGE),
			 -EADDRINUSE);
	assert_int_equal(nranges(ctx, ioas), 1);
	must_reserve(ctx, ioas, 0, 16 * PAGE);
	must_reserve(ctx, ioas, 32 * PAGE, 32 * PAGE);
	must_reserve(ctx, ioas, 64 * PAGE + 2, PAGE);
	assert_int_equal(nranges(ctx, ioas), 3);
	/* clearing the allowed list lifts the restriction */
	assert_int_equal(k_allow(ctx, ioas, NULL, 0), 0);
	must_reserve(ctx, ioas, 20 * PAGE, PAGE);
}

/* The struct is never written back: read-only memory works. */
static void reserve_struct_read_only(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_test_cmd init = {
		.size = sizeof(init), .op = KABI_TEST_OP_ADD_RESERVED,
		.id = ioas, .add_reserved = { PAGE, PAGE },
	};
	void *ro = mem_page_prot(PROT_READ, &init, sizeof(init));

	assert_int_equal(kio(ctx, IOMMU_TEST_CMD, ro), 0);
	assert_int_equal(nranges(ctx, ioas), 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, abi_setup, abi_teardown)
	const struct CMUnitTest tests[] = {
		T(reserve_effects),
		T(test_cmd_size_and_op),
		T(reserve_arguments),
		T(reserve_vs_areas),
		T(reserve_vs_allowed),
		T(reserve_struct_read_only),
	};
#undef T

	return cmocka_run_group_tests_name("abi_add_reserved", tests,
					   abi_group_setup, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * test_ioas_unmap.c - IOMMU_IOAS_UNMAP, errors.md §7 and semantics.md §7.
 *
 * Two forms: unmap-all (iova 0, length U64_MAX; succeeds on an empty IOAS)
 * and range.  Range rule ("superset rule"): holes are fine, every area the
 * range touches must lie inside it; areas are removed low to high and a
 * failure on a later area leaves the earlier ones removed (ENOENT, no
 * partial length reported).  Range form with nothing removed -> ENOENT.
 * On success `length` := bytes actually removed.
 *
 * Rows not reachable without domains/accesses/HW queues: 5 (EBUSY for an
 * area in transition needs a concurrent MAP/UNMAP mid-flight), 6 (HW queue
 * lock), 8 (EDEADLOCK from access pins).
 */
#include <sys/mman.h>

#include "abi_util.h"

/* Unmap-all: empty IOAS -> 0 with length 0; populated -> total bytes. */
static void unmap_all(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(8 * PAGE), n = 77;
	struct kabi_ioas_unmap cmd = { .size = sizeof(cmd), .ioas_id = ioas,
				       .iova = 0, .length = KABI_U64_MAX };

	assert_int_equal(kio(ctx, IOMMU_IOAS_UNMAP, &cmd), 0);
	assert_int_equal(cmd.length, 0);
	assert_int_equal(cmd.iova, 0);
	assert_int_equal(cmd.ioas_id, ioas);

	must_map_fixed(ctx, ioas, va, 3 * PAGE, 0);
	must_map_fixed(ctx, ioas, va, PAGE + 5, 100 * PAGE);
	must_map_fixed(ctx, ioas, va, PAGE, KABI_U64_MAX - PAGE + 1);
	assert_int_equal(k_unmap(ctx, ioas, 0, KABI_U64_MAX, &n), 0);
	assert_int_equal(n, 5 * PAGE + 5);
	assert_false(range_is_mapped(ctx, ioas, 0, 1ull << 63));
	assert_false(range_is_mapped(ctx, ioas, 1ull << 63, 1ull << 63));
}

/* Superset rule with holes (semantics.md §7 example: four 8-page mappings
 * 16 pages apart, one range reaching 4 pages beyond both ends). */
static void unmap_superset(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(8 * PAGE), base = 64 * PAGE, n = 0;

	for (int i = 0; i < 4; i++)
		must_map_fixed(ctx, ioas, va, 8 * PAGE, base + i * 16 * PAGE);
	must_map_fixed(ctx, ioas, va, PAGE, base - 5 * PAGE);   /* outside */
	must_map_fixed(ctx, ioas, va, PAGE, base + 60 * PAGE);  /* outside */
	assert_int_equal(k_unmap(ctx, ioas, base - 4 * PAGE,
				 4 * PAGE + 3 * 16 * PAGE + 8 * PAGE + 4 * PAGE,
				 &n), 0);
	assert_int_equal(n, 32 * PAGE);
	assert_false(range_is_mapped(ctx, ioas, base - 4 * PAGE, 60 * PAGE));
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 2 * PAGE);
}

/* Row 7: partial unmap of one area -> ENOENT, the area stays whole. */
static void unmap_partial(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(2 * PAGE);

	must_map_fixed(ctx, ioas, va, 2 * PAGE, 8 * PAGE);
	assert_int_equal(k_unmap(ctx, ioas, 8 * PAGE, PAGE, NULL), -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas, 9 * PAGE, PAGE, NULL), -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas, 7 * PAGE, 2 * PAGE, NULL),
			 -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas, 9 * PAGE, 4 * PAGE, NULL),
			 -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas, 8 * PAGE + 1, 2 * PAGE, NULL),
			 -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas, 8 * PAGE, 2 * PAGE - 1, NULL),
			 -ENOENT);
	assert_int_equal(unmap_count(ctx, ioas, 8 * PAGE, 2 * PAGE),
			 2 * PAGE);
}

/* Row 7: earlier areas stay removed when a later one is cut. */
static void unmap_partial_progress(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(4 * PAGE);

	must_map_fixed(ctx, ioas, va, PAGE, 8 * PAGE);
	must_map_fixed(ctx, ioas, va, PAGE, 10 * PAGE);
	must_map_fixed(ctx, ioas, va, 4 * PAGE, 12 * PAGE);
	/* covers the first two fully, cuts into the third */
	assert_int_equal(k_unmap(ctx, ioas, 8 * PAGE, 6 * PAGE, NULL),
			 -ENOENT);
	assert_false(range_is_mapped(ctx, ioas, 8 * PAGE, 4 * PAGE));
	assert_int_equal(unmap_count(ctx, ioas, 12 * PAGE, 4 * PAGE),
			 4 * PAGE);
	/* an area that starts before the range: nothing is removed */
	must_map_fixed(ctx, ioas, va, 2 * PAGE, 8 * PAGE);
	must_map_fixed(ctx, ioas, va, PAGE, 11 * PAGE);
	assert_int_equal(k_unmap(ctx, ioas, 9 * PAGE, 4 * PAGE, NULL),
			 -ENOENT);
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 3 * PAGE);
}

/* Row 9: range form with nothing mapped -> ENOENT (also on an empty
 * IOAS, and for a hole between areas). */
static void unmap_nothing(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE);

	assert_int_equal(k_unmap(ctx, ioas, PAGE, PAGE, NULL), -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas, 0, KABI_U64_MAX - 1, NULL),
			 -ENOENT);
	must_map_fixed(ctx, ioas, va, PAGE, 4 * PAGE);
	must_map_fixed(ctx, ioas, va, PAGE, 8 * PAGE);
	assert_int_equal(k_unmap(ctx, ioas, 5 * PAGE, 3 * PAGE, NULL),
			 -ENOENT);
	/* unmapping twice: second is ENOENT */
	assert_int_equal(unmap_count(ctx, ioas, 4 * PAGE, PAGE), PAGE);
	assert_int_equal(k_unmap(ctx, ioas, 4 * PAGE, PAGE, NULL), -ENOENT);
	/* [0, MAX-1] as a range form still catches what is there */
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX - 1), PAGE);
}

/* Row 1 first (ENOENT), then rows 2-4. */
static void unmap_argument_checks(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE);

	must_map_fixed(ctx, ioas, va, PAGE, PAGE);
	/* row 1 before rows 2-4 */
	assert_int_equal(k_unmap(ctx, 0, KABI_U64_MAX, 0, NULL), -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas + 1, PAGE, 0, NULL), -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas + 1, 0, KABI_U64_MAX, NULL),
			 -ENOENT);
	/* row 2 */
	assert_int_equal(k_unmap(ctx, ioas, KABI_U64_MAX, PAGE, NULL),
			 -EOVERFLOW);
	assert_int_equal(k_unmap(ctx, ioas, PAGE, KABI_U64_MAX, NULL),
			 -EOVERFLOW);
	assert_int_equal(k_unmap(ctx, ioas, KABI_U64_MAX, KABI_U64_MAX, NULL),
			 -EOVERFLOW);
	assert_int_equal(k_unmap(ctx, ioas, KABI_U64_MAX, 0, NULL),
			 -EOVERFLOW);
	/* row 3 */
	assert_int_equal(k_unmap(ctx, ioas, PAGE, 0, NULL), -EINVAL);
	assert_int_equal(k_unmap(ctx, ioas, 0, 0, NULL), -EINVAL);
	/* row 4 */
	assert_int_equal(k_unmap(ctx, ioas, KABI_U64_MAX - 1, 3, NULL),
			 -EOVERFLOW);
	assert_int_equal(k_unmap(ctx, ioas, 1ull << 63, (1ull << 63) + 1,
				 NULL), -EOVERFLOW);
	assert_int_equal(k_unmap(ctx, ioas, PAGE, KABI_U64_MAX - 1, NULL),
			 -EOVERFLOW);
	/* nothing was removed by any of these */
	assert_true(range_is_mapped(ctx, ioas, PAGE, PAGE));
}

/* The top of the 64-bit space: a range ending exactly at MAX is legal. */
static void unmap_top(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t top = KABI_U64_MAX - 2 * PAGE + 1;

	must_map_fixed(ctx, ioas, 0, 2 * PAGE, top);
	assert_int_equal(k_unmap(ctx, ioas, KABI_U64_MAX - 1, 2, NULL),
			 -ENOENT);
	assert_int_equal(unmap_count(ctx, ioas, top, 2 * PAGE), 2 * PAGE);
	must_map_fixed(ctx, ioas, 0, 1ull << 63, 1ull << 63);
	assert_int_equal(unmap_count(ctx, ioas, 1ull << 63, 1ull << 63),
			 (long)(1ull << 63));
}

/* Row 10: respond fault -> EFAULT, the unmap stays done. */
static void unmap_respond_fault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE);
	struct kabi_ioas_unmap init = { .size = sizeof(init), .ioas_id = ioas,
					.iova = 4 * PAGE, .length = PAGE };
	struct kabi_ioas_unmap *ro;

	must_map_fixed(ctx, ioas, va, PAGE, 4 * PAGE);
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_IOAS_UNMAP, ro), -EFAULT);
	assert_false(range_is_mapped(ctx, ioas, 4 * PAGE, PAGE));
	/* unmap-all form too */
	must_map_fixed(ctx, ioas, va, PAGE, 4 * PAGE);
	init.iova = 0;
	init.length = KABI_U64_MAX;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_IOAS_UNMAP, ro), -EFAULT);
	assert_false(range_is_mapped(ctx, ioas, 4 * PAGE, PAGE));
	/* failing unmaps never write: ENOENT with a read-only struct */
	init.iova = 4 * PAGE;
	init.length = PAGE;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_IOAS_UNMAP, ro), -ENOENT);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, abi_setup, abi_teardown)
	const struct CMUnitTest tests[] = {
		T(unmap_all),
		T(unmap_superset),
		T(unmap_partial),
		T(unmap_partial_progress),
		T(unmap_nothing),
		T(unmap_argument_checks),
		T(unmap_top),
		T(unmap_respond_fault),
	};
#undef T

	return cmocka_run_group_tests_name("abi_ioas_unmap", tests,
					   abi_group_setup, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * test_allow_iovas.c - IOMMU_IOAS_ALLOW_IOVAS, errors.md §4 and
 * semantics.md §3.3.
 *
 * The allowed list is replaced atomically (num 0 clears it).  Elements are
 * checked in order: unreadable -> EFAULT, start >= last -> EINVAL, overlap
 * with an earlier element -> EINVAL; then the whole new list against the
 * reserved ranges -> EADDRINUSE.  On any failure the old list stays.
 * Not checked against existing mappings.  The list is observable only
 * through its effects: automatic MAP picks the lowest fit inside it (§4),
 * ADD_RESERVED intersecting it is EADDRINUSE, IOVA_RANGES ignores it, and
 * FIXED maps ignore it.
 *
 * Unreachable rows: row 6 (ENOMEM) needs fault injection.  The effect on
 * domain attach (aperture vs allowed list) needs mock domains.
 */
#include <sys/mman.h>

#include "abi_util.h"

/* Where does an automatic one-page MAP land?  (then undone) */
static uint64_t probe_auto(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	uint64_t iova = 0;
	uint64_t va = va_with_lowbit(PAGE, PAGE);

	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(unmap_count(ctx, ioas, iova, PAGE), PAGE);
	return iova;
}

/* Effects: auto MAP inside the lowest allowed range (unsorted input),
 * FIXED maps outside are legal, IOVA_RANGES ignores the list, clearing it
 * with num 0 (and a NULL pointer) restores the default. */
static void allow_effects(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[2] = {
		{ 64 * PAGE, 80 * PAGE - 1 },
		{ 16 * PAGE, 18 * PAGE - 1 },
	};
	struct kabi_iova_range out[2];
	uint32_t num = 2;
	uint64_t va = va_with_lowbit(PAGE, 4 * PAGE), iova = 0;

	assert_int_equal(probe_auto(ctx, ioas), PAGE);
	assert_int_equal(k_allow(ctx, ioas, r, 2), 0);
	assert_int_equal(probe_auto(ctx, ioas), 16 * PAGE);

	/* fill [16P, 18P): the next auto map moves to the next range */
	assert_int_equal(k_map_auto(ctx, ioas, va, 2 * PAGE, &iova), 0);
	assert_int_equal(iova, 16 * PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, 64 * PAGE);
	/* too big for either range -> ENOSPC (errors.md §5 row 8c) */
	assert_int_equal(k_map_auto(ctx, ioas, va, 16 * PAGE, &iova), -ENOSPC);

	/* FIXED outside the allowed list still works (§3.3 (c)) */
	must_map_fixed(ctx, ioas, va, PAGE, 1000 * PAGE);

	/* IOVA_RANGES ignores the allowed list */
	assert_int_equal(k_ranges(ctx, ioas, out, &num, NULL), 0);
	assert_int_equal(num, 1);
	assert_int_equal(out[0].start, 0);
	assert_int_equal(out[0].last, KABI_U64_MAX);

	/* clear */
	assert_int_equal(k_allow(ctx, ioas, NULL, 0), 0);
	assert_int_equal(probe_auto(ctx, ioas), PAGE);
}

/* Replacing the list replaces it entirely; mappings outside the new list
 * are not checked and stay. */
static void allow_replace(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range a = { 16 * PAGE, 32 * PAGE - 1 };
	struct kabi_iova_range b = { 48 * PAGE, 64 * PAGE - 1 };
	uint64_t va = va_with_lowbit(PAGE, PAGE), iova = 0;

	assert_int_equal(k_allow(ctx, ioas, &a, 1), 0);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, 16 * PAGE);
	assert_int_equal(k_allow(ctx, ioas, &b, 1), 0);
	assert_int_equal(probe_auto(ctx, ioas), 48 * PAGE);
	assert_true(range_is_mapped(ctx, ioas, 16 * PAGE, PAGE));
	/* [16P, 32P) is no longer allowed: reserving there works now */
	assert_int_equal(k_reserve(ctx, ioas, 20 * PAGE, PAGE), 0);
	/* inside the current list: EADDRINUSE (errors.md §T ADD_RESERVED) */
	assert_int_equal(k_reserve(ctx, ioas, 63 * PAGE, 2 * PAGE),
			 -EADDRINUSE);
}

/* Row 1: __reserved -> EOPNOTSUPP; row 2: not an IOAS -> ENOENT. */
static void allow_reserved_and_ioas(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r = { 16 * PAGE, 32 * PAGE - 1 };
	struct kabi_allow_iovas cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = 1,
		.reserved = 1, .allowed_iovas = (uintptr_t)&r,
	};

	assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd), -EOPNOTSUPP);
	cmd.ioas_id = 0; /* row 1 before row 2 */
	assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd), -EOPNOTSUPP);
	cmd.reserved = 0;
	assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd), -ENOENT);
	cmd.ioas_id = ioas + 1;
	assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd), -ENOENT);
	/* row 2 before row 3: bad IOAS with a bad pointer */
	cmd.allowed_iovas = 0;
	assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd), -ENOENT);
	assert_int_equal(probe_auto(ctx, ioas), PAGE);
}

/* Row 3: unreadable elements -> EFAULT; the old list stays. */
static void allow_efault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range old = { 16 * PAGE, 32 * PAGE - 1 };
	struct kabi_iova_range good = { 100 * PAGE, 200 * PAGE - 1 };
	struct kabi_iova_range *half;
	void *bad[] = {
		NULL,
		mem_page_prot(PROT_NONE, NULL, 0),
		mem_unmapped(),
	};

	assert_int_equal(k_allow(ctx, ioas, &old, 1), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(k_allow(ctx, ioas, bad[i], 1), -EFAULT);

	/* half-unmapped: element 0 readable, element 1 in the guard page */
	half = mem_before_guard(sizeof(*half));
	*half = good;
	assert_int_equal(k_allow(ctx, ioas, half, 2), -EFAULT);
	/* element straddling the guard */
	half = mem_before_guard(sizeof(*half) + 8);
	half[0] = good;
	assert_int_equal(k_allow(ctx, ioas, half, 2), -EFAULT);
	assert_int_equal(probe_auto(ctx, ioas), 16 * PAGE);

	/* read-only memory is fine (the array is only read) */
	half = mem_page_prot(PROT_READ, &good, sizeof(good));
	assert_int_equal(k_allow(ctx, ioas, half, 1), 0);
	assert_int_equal(probe_auto(ctx, ioas), 100 * PAGE);
}

/* Row 4: start >= last -> EINVAL (one-byte ranges included). */
static void allow_start_ge_last(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range old = { 16 * PAGE, 32 * PAGE - 1 };
	struct kabi_iova_range bad[][2] = {
		{ { PAGE, PAGE }, { 0, 0 } },
		{ { 2 * PAGE, PAGE }, { 0, 0 } },
		{ { 0, 0 }, { 0, 0 } },
		{ { KABI_U64_MAX, KABI_U64_MAX }, { 0, 0 } },
		/* second element bad */
		{ { 40 * PAGE, 50 * PAGE - 1 }, { 60 * PAGE, 60 * PAGE } },
	};

	assert_int_equal(k_allow(ctx, ioas, &old, 1), 0);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(k_allow(ctx, ioas, bad[i], 1), -EINVAL);
	assert_int_equal(k_allow(ctx, ioas, bad[4], 2), -EINVAL);
	assert_int_equal(probe_auto(ctx, ioas), 16 * PAGE);

	/* the smallest legal range has two bytes; [0, MAX] is legal */
	{
		struct kabi_iova_range ok[2] = { { 0, 1 },
						 { 2, KABI_U64_MAX } };

		assert_int_equal(k_allow(ctx, ioas, ok, 2), 0);
	}
}

/* Row 5: overlap with an earlier element -> EINVAL (adjacent is fine). */
static void allow_overlap(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range old = { 16 * PAGE, 32 * PAGE - 1 };
	struct kabi_iova_range ov1[2] = {
		{ 40 * PAGE, 50 * PAGE - 1 }, { 50 * PAGE - 1, 60 * PAGE },
	};
	struct kabi_iova_range ov2[3] = {
		{ 100 * PAGE, 110 * PAGE - 1 },
		{ 40 * PAGE, 50 * PAGE - 1 },
		{ 30 * PAGE, 120 * PAGE }, /* contains both */
	};
	struct kabi_iova_range dup[2] = {
		{ 40 * PAGE, 50 * PAGE - 1 }, { 40 * PAGE, 50 * PAGE - 1 },
	};
	struct kabi_iova_range adj[2] = {
		{ 50 * PAGE, 60 * PAGE - 1 }, { 40 * PAGE, 50 * PAGE - 1 },
	};

	assert_int_equal(k_allow(ctx, ioas, &old, 1), 0);
	assert_int_equal(k_allow(ctx, ioas, ov1, 2), -EINVAL);
	assert_int_equal(k_allow(ctx, ioas, ov2, 3), -EINVAL);
	assert_int_equal(k_allow(ctx, ioas, dup, 2), -EINVAL);
	assert_int_equal(probe_auto(ctx, ioas), 16 * PAGE);
	assert_int_equal(k_allow(ctx, ioas, adj, 2), 0);
	assert_int_equal(probe_auto(ctx, ioas), 40 * PAGE);
}

/* Row 7: a new range intersecting a reserved range -> EADDRINUSE; the old
 * list stays.  Touching (adjacent to) a reserve is fine. */
static void allow_vs_reserved(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range old = { 16 * PAGE, 32 * PAGE - 1 };
	struct kabi_iova_range hit[2] = {
		{ 40 * PAGE, 50 * PAGE - 1 },
		{ 60 * PAGE, 70 * PAGE }, /* last byte hits the reserve */
	};
	struct kabi_iova_range next[1] = { { 70 * PAGE + PAGE,
					     80 * PAGE - 1 } };

	assert_int_equal(k_allow(ctx, ioas, &old, 1), 0);
	must_reserve(ctx, ioas, 70 * PAGE, PAGE);
	assert_int_equal(k_allow(ctx, ioas, hit, 2), -EADDRINUSE);
	assert_int_equal(probe_auto(ctx, ioas), 16 * PAGE);
	hit[1].last = 70 * PAGE - 1;
	assert_int_equal(k_allow(ctx, ioas, hit, 2), 0);
	assert_int_equal(k_allow(ctx, ioas, next, 1), 0);
	assert_int_equal(probe_auto(ctx, ioas), 71 * PAGE);
}

/* Row 4 (EINVAL) is decided per element in order before row 7: an element
 * that both overlaps a reserve and is malformed gives EINVAL. */
static void allow_order(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[2] = {
		{ 70 * PAGE, 71 * PAGE - 1 },  /* hits the reserve */
		{ 90 * PAGE, 80 * PAGE },      /* malformed */
	};

	must_reserve(ctx, ioas, 70 * PAGE, PAGE);
	assert_int_equal(k_allow(ctx, ioas, r, 2), -EINVAL);
	r[1].last = 91 * PAGE;
	assert_int_equal(k_allow(ctx, ioas, r, 2), -EADDRINUSE);
	assert_int_equal(probe_auto(ctx, ioas), PAGE);
}

/* The struct itself is never written back: read-only memory works. */
static void allow_struct_read_only(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r = { 16 * PAGE, 32 * PAGE - 1 };
	struct kabi_allow_iovas init = {
		.size = sizeof(init), .ioas_id = ioas, .num_iovas = 1,
		.allowed_iovas = (uintptr_t)&r,
	};
	void *ro = mem_page_prot(PROT_READ, &init, sizeof(init));

	assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOW_IOVAS, ro), 0);
	assert_int_equal(probe_auto(ctx, ioas), 16 * PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(allow_effects, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(allow_replace, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(allow_reserved_and_ioas,
						abi_setup, abi_teardown),
		cmocka_unit_test_setup_teardown(allow_efault, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(allow_start_ge_last, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(allow_overlap, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(allow_vs_reserved, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(allow_order, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(allow_struct_read_only,
						abi_setup, abi_teardown),
	};

	return cmocka_run_group_tests_name("abi_allow_iovas", tests,
					   abi_group_setup, NULL);
}

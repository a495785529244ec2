/* SPDX-License-Identifier: MIT */
/*
 * test_ioas_map.c - IOMMU_IOAS_MAP, errors.md §5, semantics.md §4 (the
 * automatic IOVA allocator) and §5, write-back faults (§12).
 *
 * Allocator model restated (semantics.md §4), with A the user VA, L the
 * length, p = A mod PAGE:
 *   align = min(roundup_pow2(L), lowest_set_bit(A)) (A != 0), capped at the
 *   PMD size (PAGE * PAGE / 8: 2 MiB with 4 KiB pages; this suite assumes the
 *   THP cap, which the v7.2 selftests need for their "aligned to
 *   1 << (ffs(L)-1)" checks);
 *   candidates: [PAGE, MAX-PAGE] intersected with each allowed range, in
 *   ascending order; first gap (free of areas and reserves) where
 *   t = roundup(s, align) | p satisfies t < e and e - t >= L - 1.
 * The tests pick A with a chosen lowest set bit (va_with_lowbit) so every
 * expected IOVA is computed from these rules, not hard-coded.
 *
 * Without a domain MAP never touches the memory (§5): unmapped, PROT_NONE
 * and read-only addresses are accepted even with WRITEABLE.
 *
 * Rows not reachable without domains: 9c's "domain aperture / device
 * region" sources (test reserves are covered), 11 (EFAULT at pin time),
 * 12 (RLIMIT ENOMEM), 13 (domain map failure); iova_alignment 2048 (mock
 * domain).  Row 6 (ENOMEM) needs fault injection.
 *
 * Spec gap, upstream followed: user_va + length overflowing 2^64 is
 * EOVERFLOW (iopt_alloc_user_pages' check_add_overflow, checked before the
 * row-5 length rules); errors.md §5 has no row for it.
 */
#include <sys/mman.h>

#include "abi_util.h"

static uint64_t pmd_size(void)
{
	return PAGE * (PAGE / 8);
}

/* Success, fixed IOVA; every in-field is echoed unchanged. */
static void map_fixed_basic(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint8_t *buf = mem_rw(4 * PAGE);
	struct kabi_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = KABI_MAP_FIXED_IOVA | KABI_MAP_RW,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = 4 * PAGE,
		.iova = 8 * PAGE,
	};

	assert_int_equal(kio(ctx, IOMMU_IOAS_MAP, &cmd), 0);
	assert_int_equal(cmd.size, sizeof(cmd));
	assert_int_equal(cmd.flags, KABI_MAP_FIXED_IOVA | KABI_MAP_RW);
	assert_int_equal(cmd.ioas_id, ioas);
	assert_int_equal(cmd.reserved, 0);
	assert_int_equal(cmd.user_va, (uintptr_t)buf);
	assert_int_equal(cmd.length, 4 * PAGE);
	assert_int_equal(cmd.iova, 8 * PAGE);
	assert_true(range_is_mapped(ctx, ioas, 11 * PAGE, 1));
	assert_false(range_is_mapped(ctx, ioas, 12 * PAGE, PAGE));
	assert_false(range_is_mapped(ctx, ioas, 0, 8 * PAGE));
	assert_int_equal(unmap_count(ctx, ioas, 8 * PAGE, 4 * PAGE),
			 4 * PAGE);

	/* READABLE only and WRITEABLE only are both fine (row 3) */
	assert_int_equal(k_map(ctx, ioas, KABI_MAP_FIXED_IOVA |
			       KABI_MAP_READABLE, (uintptr_t)buf, PAGE,
			       &(uint64_t){ PAGE }), 0);
	assert_int_equal(k_map(ctx, ioas, KABI_MAP_FIXED_IOVA |
			       KABI_MAP_WRITEABLE, (uintptr_t)buf, PAGE,
			       &(uint64_t){ 2 * PAGE }), 0);
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 2 * PAGE);
}

/* §5: without a domain the memory is never looked at. */
static void map_memory_not_touched(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t vas[] = {
		(uintptr_t)mem_unmapped(),
		(uintptr_t)mem_page_prot(PROT_NONE, NULL, 0),
		(uintptr_t)mem_page_prot(PROT_READ, NULL, 0),
		0,
		PAGE,
	};

	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++)
		must_map_fixed(ctx, ioas, vas[i], PAGE, (1 + 2 * i) * PAGE);
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX),
			 sizeof(vas) / sizeof(vas[0]) * PAGE);
}

/* Row 1: unknown flag bits or __reserved -> EOPNOTSUPP, first of all. */
static void map_flags_reserved(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE);
	uint32_t bad[] = { 1u << 3, 1u << 16, 1u << 31 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t iova = PAGE;

		assert_int_equal(k_map(ctx, ioas, KABI_MAP_FIXED_IOVA |
				       KABI_MAP_RW | bad[i], va, PAGE, &iova),
				 -EOPNOTSUPP);
		/* before row 2 (overflow), 3 (no R/W), 4 (ioas) */
		iova = KABI_U64_MAX;
		assert_int_equal(k_map(ctx, 0, KABI_MAP_FIXED_IOVA | bad[i],
				       va, KABI_U64_MAX, &iova), -EOPNOTSUPP);
	}
	{
		struct kabi_ioas_map cmd = {
			.size = sizeof(cmd),
			.flags = KABI_MAP_FIXED_IOVA | KABI_MAP_RW,
			.ioas_id = ioas, .reserved = 1, .user_va = va,
			.length = PAGE, .iova = PAGE,
		};

		assert_int_equal(kio(ctx, IOMMU_IOAS_MAP, &cmd), -EOPNOTSUPP);
		cmd.reserved = 0x80000000;
		cmd.ioas_id = 0;
		cmd.length = KABI_U64_MAX;
		assert_int_equal(kio(ctx, IOMMU_IOAS_MAP, &cmd), -EOPNOTSUPP);
	}
	assert_false(range_is_mapped(ctx, ioas, 0, 64 * PAGE));
}

/* Row 2: iova or length == U64_MAX -> EOVERFLOW, also without FIXED_IOVA,
 * and before rows 3 and 4. */
static void map_u64_max(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE);
	uint64_t iova;

	iova = KABI_U64_MAX;
	assert_int_equal(k_map(ctx, ioas, KABI_MAP_FIXED_IOVA | KABI_MAP_RW,
			       va, PAGE, &iova), -EOVERFLOW);
	iova = KABI_U64_MAX;
	assert_int_equal(k_map(ctx, ioas, KABI_MAP_RW, va, PAGE, &iova),
			 -EOVERFLOW);
	iova = PAGE;
	assert_int_equal(k_map(ctx, ioas, KABI_MAP_FIXED_IOVA | KABI_MAP_RW,
			       0, KABI_U64_MAX, &iova), -EOVERFLOW);
	iova = 0;
	assert_int_equal(k_map(ctx, ioas, KABI_MAP_RW, 0, KABI_U64_MAX,
			       &iova), -EOVERFLOW);
	/* row 2 before row 3 (no R/W) and row 4 (bad IOAS) */
	iova = KABI_U64_MAX;
	assert_int_equal(k_map(ctx, ioas + 7, KABI_MAP_FIXED_IOVA, va, PAGE,
			       &iova), -EOVERFLOW);
	assert_false(range_is_mapped(ctx, ioas, 0, 64 * PAGE));
}

/* Row 3: neither READABLE nor WRITEABLE -> EINVAL, before row 4. */
static void map_no_permission(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE), iova = PAGE;

	assert_int_equal(k_map(ctx, ioas, KABI_MAP_FIXED_IOVA, va, PAGE,
			       &iova), -EINVAL);
	assert_int_equal(k_map(ctx, ioas, 0, va, PAGE, &iova), -EINVAL);
	assert_int_equal(k_map(ctx, 0, KABI_MAP_FIXED_IOVA, va, PAGE, &iova),
			 -EINVAL);
	assert_false(range_is_mapped(ctx, ioas, 0, 64 * PAGE));
}

/* Row 4: not an IOAS -> ENOENT, before row 5 (length 0). */
static void map_bad_ioas(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE);
	uint32_t ids[] = { 0, ioas + 1, 0x7fffffff, UINT32_MAX };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(k_map_fixed(ctx, ids[i], va, PAGE, PAGE),
				 -ENOENT);
		assert_int_equal(k_map_fixed(ctx, ids[i], va, 0, PAGE),
				 -ENOENT);
	}
	assert_int_equal(k_destroy(ctx, ioas), 0);
	assert_int_equal(k_map_fixed(ctx, ioas, va, PAGE, PAGE), -ENOENT);
}

/* Row 5: length 0, or length > SIZE_MAX - PAGE -> EINVAL. */
static void map_bad_length(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE), iova = 0;

	assert_int_equal(k_map_fixed(ctx, ioas, va, 0, PAGE), -EINVAL);
	assert_int_equal(k_map_auto(ctx, ioas, va, 0, &iova), -EINVAL);
	/* user_va 0 so user_va + length cannot overflow */
	assert_int_equal(k_map_fixed(ctx, ioas, 0, KABI_U64_MAX - 1, 0),
			 -EINVAL);
	assert_int_equal(k_map_fixed(ctx, ioas, 0, KABI_U64_MAX - PAGE + 1,
				     0), -EINVAL);
	assert_false(range_is_mapped(ctx, ioas, 0, 64 * PAGE));
}

/* Spec gap (upstream): user_va + length wraps -> EOVERFLOW. */
static void map_user_va_wrap(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);

	assert_int_equal(k_map_fixed(ctx, ioas, KABI_U64_MAX - PAGE + 1,
				     2 * PAGE, PAGE), -EOVERFLOW);
	assert_false(range_is_mapped(ctx, ioas, 0, 64 * PAGE));
	/* the wrap is checked before the length rules: a length that is also
	 * too long (> SIZE_MAX - PAGE) still answers EOVERFLOW when it wraps */
	assert_int_equal(k_map_fixed(ctx, ioas, PAGE, KABI_U64_MAX - PAGE / 2,
				     PAGE), -EOVERFLOW);
	/* ending below 2^64 is accepted (no domain) */
	must_map_fixed(ctx, ioas, KABI_U64_MAX - 2 * PAGE + 1, PAGE, PAGE);
}

/* Rows 9b + overflow at the top of the 64-bit space. */
static void map_top_of_space(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t half = 1ull << 63;

	/* last byte == MAX: legal (iova + length - 1 does not wrap) */
	must_map_fixed(ctx, ioas, 0, half, half);
	assert_int_equal(unmap_count(ctx, ioas, half, half), (long)half);
	must_map_fixed(ctx, ioas, 0, PAGE, KABI_U64_MAX - PAGE + 1);
	/* wraps by one byte */
	assert_int_equal(k_map_fixed(ctx, ioas, 0, 2, KABI_U64_MAX - 1 + 1),
			 -EOVERFLOW);
	assert_int_equal(k_map_fixed(ctx, ioas, 0, 3, KABI_U64_MAX - 1),
			 -EOVERFLOW);
	assert_int_equal(k_map_fixed(ctx, ioas, 0, half + 1, half),
			 -EOVERFLOW);
	assert_int_equal(k_map_fixed(ctx, ioas, 0, 2 * PAGE,
				     KABI_U64_MAX - PAGE + 1), -EOVERFLOW);
	/* MAX-1 with length 2 ends exactly at MAX: EEXIST (the top page is
	 * mapped), proving the overflow check did not fire */
	assert_int_equal(k_map_fixed(ctx, ioas, 0, 2, KABI_U64_MAX - 1),
			 -EEXIST);
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), PAGE);
	must_map_fixed(ctx, ioas, 0, 2, KABI_U64_MAX - 1);
	assert_int_equal(unmap_count(ctx, ioas, KABI_U64_MAX - 1, 2), 2);
}

/* Row 9d: any overlap with an existing mapping -> EEXIST. */
static void map_eexist(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(16 * PAGE);
	struct { uint64_t iova, len; } ov[] = {
		{ 8 * PAGE, 4 * PAGE },         /* exact */
		{ 7 * PAGE, 2 * PAGE },         /* covers the first byte */
		{ 11 * PAGE, 4 * PAGE },        /* covers the last byte */
		{ 9 * PAGE, PAGE },             /* inside */
		{ 4 * PAGE, 12 * PAGE },        /* contains */
		{ 12 * PAGE - 1, 1 },           /* the last byte only */
		{ 7 * PAGE, PAGE + 1 },         /* the first byte only */
	};

	must_map_fixed(ctx, ioas, va, 4 * PAGE, 8 * PAGE);
	for (size_t i = 0; i < sizeof(ov) / sizeof(ov[0]); i++)
		assert_int_equal(k_map_fixed(ctx, ioas, va, ov[i].len,
					     ov[i].iova), -EEXIST);
	/* adjacent on both sides is fine */
	must_map_fixed(ctx, ioas, va, PAGE, 7 * PAGE);
	must_map_fixed(ctx, ioas, va, PAGE, 12 * PAGE);
	assert_int_equal(unmap_count(ctx, ioas, 8 * PAGE, 4 * PAGE),
			 4 * PAGE);
}

/* Row 9c: fixed range intersecting a reserved range -> EINVAL (not
 * EADDRINUSE); the check precedes 9d. */
static void map_fixed_reserved(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(4 * PAGE);

	must_reserve(ctx, ioas, 16 * PAGE, 2 * PAGE);
	assert_int_equal(k_map_fixed(ctx, ioas, va, PAGE, 16 * PAGE), -EINVAL);
	assert_int_equal(k_map_fixed(ctx, ioas, va, 2 * PAGE, 15 * PAGE),
			 -EINVAL);
	assert_int_equal(k_map_fixed(ctx, ioas, va, 1, 18 * PAGE - 1),
			 -EINVAL);
	assert_false(range_is_mapped(ctx, ioas, 0, 16 * PAGE));
	must_map_fixed(ctx, ioas, va, PAGE, 15 * PAGE);
	must_map_fixed(ctx, ioas, va, PAGE, 18 * PAGE);
}

/* Rows 7, 9a, 10 with HUGE_PAGES = 0 (iova_alignment = PAGE). */
static void map_alignment_rules(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(4 * PAGE), v = 0;

	/* alignment 1: anything goes */
	must_map_fixed(ctx, ioas, va + 3, 5, 100 * PAGE + 7);
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 5);

	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), 0);
	assert_int_equal(ioas_alignment(ctx, ioas), PAGE);
	/* row 7: length */
	assert_int_equal(k_map_fixed(ctx, ioas, va, PAGE / 2, PAGE), -EINVAL);
	assert_int_equal(k_map_fixed(ctx, ioas, va, PAGE + 1, PAGE), -EINVAL);
	/* row 9a: fixed iova */
	assert_int_equal(k_map_fixed(ctx, ioas, va, PAGE, PAGE + 512),
			 -EINVAL);
	/* row 10: user_va in-page offset */
	assert_int_equal(k_map_fixed(ctx, ioas, va + 512, PAGE, PAGE),
			 -EINVAL);
	/* row 8b: auto, derived alignment (lowbit of A = 512) < PAGE */
	{
		uint64_t iova = 0;

		assert_int_equal(k_map_auto(ctx, ioas, va + 512, PAGE, &iova),
				 -EINVAL);
	}
	assert_false(range_is_mapped(ctx, ioas, 0, 64 * PAGE));
	must_map_fixed(ctx, ioas, va, PAGE, PAGE);
}

/* Row 8a: automatic IOVA with length >= 2^63 -> EOVERFLOW. */
static void map_auto_too_long(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t iova = 0;

	assert_int_equal(k_map_auto(ctx, ioas, 0, 1ull << 63, &iova),
			 -EOVERFLOW);
	/* upstream's bound is ULONG_MAX / 2 = 2^63 - 1, inclusive */
	assert_int_equal(k_map_auto(ctx, ioas, 0, (1ull << 63) - 1, &iova),
			 -EOVERFLOW);
	assert_int_equal(k_map_auto(ctx, ioas, 0, (1ull << 63) + PAGE, &iova),
			 -EOVERFLOW);
	/* the same lengths are fine with a fixed IOVA */
	must_map_fixed(ctx, ioas, 0, 1ull << 63, 0);
}

/* §4 step 6: never page 0, never the last page; lowest first fit. */
static void auto_first_fit_and_edges(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = va_with_lowbit(PAGE, PAGE), iova = 0;
	struct kabi_iova_range low = { 0, 3 * PAGE - 1 };
	struct kabi_iova_range high = { KABI_U64_MAX - 3 * PAGE + 1,
					KABI_U64_MAX };

	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, 2 * PAGE);
	/* freeing a lower hole makes it the next choice */
	assert_int_equal(unmap_count(ctx, ioas, PAGE, PAGE), PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, PAGE);
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 2 * PAGE);

	/* page 0 is never chosen */
	assert_int_equal(k_allow(ctx, ioas, &low, 1), 0);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, 2 * PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), -ENOSPC);
	/* ... but page 0 can be mapped with FIXED_IOVA */
	must_map_fixed(ctx, ioas, va, PAGE, 0);
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 3 * PAGE);

	/* the last page is never chosen */
	assert_int_equal(k_allow(ctx, ioas, &high, 1), 0);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, KABI_U64_MAX - 3 * PAGE + 1);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, KABI_U64_MAX - 2 * PAGE + 1);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), -ENOSPC);
	must_map_fixed(ctx, ioas, va, PAGE, KABI_U64_MAX - PAGE + 1);
}

/* §4 steps 2-3, 7: in-page offset preserved, alignment from the VA. */
static void auto_offset_and_alignment(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t base = va_with_lowbit(pmd_size() * 2, 4 * pmd_size());
	uint64_t iova = 0;

	/* p = 0x123, align 1: PAGE | 0x123 */
	assert_int_equal(k_map_auto(ctx, ioas, base + 0x123, PAGE, &iova), 0);
	assert_int_equal(iova, PAGE + 0x123);
	/* a 16-byte map at VA offset 0x10 fits below it: PAGE + 0x10 */
	assert_int_equal(k_map_auto(ctx, ioas, base + 0x10, 0x10, &iova), 0);
	assert_int_equal(iova, PAGE + 0x10);
	/* page-aligned VA (lowbit PAGE), one page: next free page boundary
	 * above [PAGE+0x123, 2*PAGE+0x122] is 3*PAGE */
	assert_int_equal(k_map_auto(ctx, ioas, base + PAGE, PAGE, &iova), 0);
	assert_int_equal(iova, 3 * PAGE);
	/* 2 pages from a VA aligned to 2 pages: align 2P -> 4P */
	assert_int_equal(k_map_auto(ctx, ioas, base + 2 * PAGE, 2 * PAGE,
				    &iova), 0);
	assert_int_equal(iova, 4 * PAGE);
	/* 2 pages from a VA whose lowbit is PAGE: align PAGE -> 6P */
	assert_int_equal(k_map_auto(ctx, ioas, base + 3 * PAGE, 2 * PAGE,
				    &iova), 0);
	assert_int_equal(iova, 6 * PAGE);
	/* 3 pages from a highly aligned VA: align roundup_pow2(3P) = 4P;
	 * 8P is the first 4P-aligned free start */
	assert_int_equal(k_map_auto(ctx, ioas, base, 3 * PAGE, &iova), 0);
	assert_int_equal(iova, 8 * PAGE);
	/* 4 pages, VA aligned 8P: align 4P; [12P, 16P) is free */
	assert_int_equal(k_map_auto(ctx, ioas, base + 8 * PAGE, 4 * PAGE,
				    &iova), 0);
	assert_int_equal(iova, 12 * PAGE);
	/* the alignment is capped at the PMD size: a 2*PMD map from a VA
	 * aligned to 2*PMD lands on the first PMD boundary */
	assert_int_equal(k_map_auto(ctx, ioas, base, 2 * pmd_size(), &iova),
			 0);
	assert_int_equal(iova, pmd_size());
	/* one page from a PMD-aligned VA: align PAGE, lowest gap: 11P */
	assert_int_equal(k_map_auto(ctx, ioas, base, PAGE, &iova), 0);
	assert_int_equal(iova, 11 * PAGE);
}

/* §4 with A == 0: align = roundup_pow2(L). */
static void auto_null_va(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t iova = 0;

	must_map_fixed(ctx, ioas, 0, PAGE, PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, 0, 3 * PAGE, &iova), 0);
	assert_int_equal(iova, 4 * PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, 0, PAGE, &iova), 0);
	assert_int_equal(iova, 2 * PAGE);
}

/* Allowed ranges: ascending, first fit inside them, alignment applies
 * inside the range; ENOSPC when none fits (row 8c). */
static void auto_allowed(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va2 = va_with_lowbit(2 * PAGE, 2 * PAGE);
	uint64_t va1 = va_with_lowbit(PAGE, PAGE);
	uint64_t iova = 0;
	struct kabi_iova_range r[2] = {
		{ 101 * PAGE, 104 * PAGE - 1 },  /* 2P-aligned start: 102P */
		{ 33 * PAGE, 34 * PAGE - 1 },    /* one page */
	};

	assert_int_equal(k_allow(ctx, ioas, r, 2), 0);
	/* 2 pages, align 2P: [33P,34P) too small; in [101P, 104P) the first
	 * 2P-aligned start is 102P */
	assert_int_equal(k_map_auto(ctx, ioas, va2, 2 * PAGE, &iova), 0);
	assert_int_equal(iova, 102 * PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va1, PAGE, &iova), 0);
	assert_int_equal(iova, 33 * PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va1, PAGE, &iova), 0);
	assert_int_equal(iova, 101 * PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va1, PAGE, &iova), -ENOSPC);
	/* freed space inside the allowed ranges is reused lowest first; the
	 * allowed list blocks reservations (errors.md §T ADD_RESERVED) */
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 4 * PAGE);
	assert_int_equal(k_reserve(ctx, ioas, 33 * PAGE - 1, 2), -EADDRINUSE);
	assert_int_equal(k_map_auto(ctx, ioas, va1, PAGE, &iova), 0);
	assert_int_equal(iova, 33 * PAGE);
}

/* Automatic allocation skips reserved ranges (no allowed list). */
static void auto_skips_reserved(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = va_with_lowbit(PAGE, 4 * PAGE), iova = 0;

	must_reserve(ctx, ioas, PAGE, 3 * PAGE);
	must_reserve(ctx, ioas, 5 * PAGE, PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va, 2 * PAGE, &iova), 0);
	assert_int_equal(iova, 6 * PAGE);
	assert_int_equal(k_map_auto(ctx, ioas, va, PAGE, &iova), 0);
	assert_int_equal(iova, 4 * PAGE);
}

/* semantics.md §17 reserved_overflow: reserve [6, 0xffff_ffff_ffff_8006];
 * an automatic 0x5000-byte map from a VA aligned to >= 0x8000 needs
 * align 0x8000, and rounding the gap start up overflows: ENOSPC.  With a VA
 * whose lowest bit is PAGE it fits at 0xffff_ffff_ffff_9000 (derived from
 * §4: t = roundup(0x..8007, PAGE), e = MAX - PAGE). */
static void auto_reserved_overflow(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t iova = 0;
	uint64_t va = va_with_lowbit(pmd_size(), 0x5000);

	must_reserve(ctx, ioas, 6, 0xffffffffffff8006ull - 6 + 1);
	assert_int_equal(k_map_auto(ctx, ioas, va, 0x5000, &iova), -ENOSPC);
	if (PAGE == 4096) {
		va = va_with_lowbit(PAGE, 0x5000);
		assert_int_equal(k_map_auto(ctx, ioas, va, 0x5000, &iova), 0);
		assert_int_equal(iova, 0xffffffffffff9000ull);
	}
}

/* Row 14: the struct is readable but not writable: EFAULT and the mapping
 * stays (semantics.md §12). */
static void map_respond_fault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t va = va_with_lowbit(PAGE, PAGE);
	struct kabi_ioas_map init = {
		.size = sizeof(init), .flags = KABI_MAP_FIXED_IOVA | KABI_MAP_RW,
		.ioas_id = ioas, .user_va = va, .length = PAGE,
		.iova = 8 * PAGE,
	};
	struct kabi_ioas_map *ro = mem_page_prot(PROT_READ, &init,
						 sizeof(init));

	assert_int_equal(kio(ctx, IOMMU_IOAS_MAP, ro), -EFAULT);
	assert_true(range_is_mapped(ctx, ioas, 8 * PAGE, PAGE));
	/* automatic: the chosen IOVA is lost to the caller but mapped */
	init.flags = KABI_MAP_RW;
	init.iova = 0;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_IOAS_MAP, ro), -EFAULT);
	assert_int_equal(ro->iova, 0);
	assert_true(range_is_mapped(ctx, ioas, PAGE, PAGE));
	/* struct at the end of a page, followed by a read-only page */
	{
		uint8_t *two = mem_rw(2 * PAGE);
		struct kabi_ioas_map *edge =
			(void *)(two + PAGE - offsetof(struct kabi_ioas_map,
						       iova));

		init.iova = 0;
		memcpy(edge, &init, sizeof(init));
		assert_int_equal(mprotect(two + PAGE, PAGE, PROT_READ), 0);
		assert_int_equal(kio(ctx, IOMMU_IOAS_MAP, edge), -EFAULT);
	}
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 3 * PAGE);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, abi_setup, abi_teardown)
	const struct CMUnitTest tests[] = {
		T(map_fixed_basic),
		T(map_memory_not_touched),
		T(map_flags_reserved),
		T(map_u64_max),
		T(map_no_permission),
		T(map_bad_ioas),
		T(map_bad_length),
		T(map_user_va_wrap),
		T(map_top_of_space),
		T(map_eexist),
		T(map_fixed_reserved),
		T(map_alignment_rules),
		T(map_auto_too_long),
		T(auto_first_fit_and_edges),
		T(auto_offset_and_alignment),
		T(auto_null_va),
		T(auto_allowed),
		T(auto_skips_reserved),
		T(auto_reserved_overflow),
		T(map_respond_fault),
	};
#undef T

	return cmocka_run_group_tests_name("abi_ioas_map", tests,
					   abi_group_setup, NULL);
}

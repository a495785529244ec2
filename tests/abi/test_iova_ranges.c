/* SPDX-License-Identifier: MIT */
/*
 * test_iova_ranges.c - IOMMU_IOAS_IOVA_RANGES, errors.md §3 and
 * semantics.md §3.2.
 *
 * The reported list is the complement of the reserved ranges within
 * [0, MAX], maximal runs ascending; allowed ranges and mappings do not
 * influence it.  Output protocol: element i is written only if i < cap (the
 * input num_iovas); then num_iovas := total and out_iova_alignment are
 * written back, and EMSGSIZE is returned if total > cap.  Entries beyond
 * min(cap, total) are never touched; a fault while writing an element is
 * EFAULT with num_iovas not updated.
 *
 * Unreachable rows: none (rows 1-5 are all exercised).  Alignment values
 * other than 1 and PAGE need a domain or an access (later suites).
 */
#include <sys/mman.h>

#include "abi_util.h"

#define SENT 0x5a5a5a5a5a5a5a5aull

static void fill_sentinel(struct kabi_iova_range *r, size_t n)
{
	memset(r, 0x5a, n * sizeof(*r));
}

static void assert_sentinel(const struct kabi_iova_range *r, size_t from,
			    size_t to)
{
	for (size_t i = from; i < to; i++) {
		assert_int_equal(r[i].start, SENT);
		assert_int_equal(r[i].last, SENT);
	}
}

/* NULL pointer with num 0 is the way to ask for the count: EMSGSIZE (row 5)
 * with num_iovas and the alignment written back. */
static void count_with_null(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = 0,
		.allowed_iovas = 0, .out_iova_alignment = 0xdead,
	};

	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EMSGSIZE);
	assert_int_equal(cmd.num_iovas, 1);
	assert_int_equal(cmd.out_iova_alignment, 1);
	assert_int_equal(cmd.ioas_id, ioas);
	assert_int_equal(cmd.allowed_iovas, 0);
}

/* Fresh IOAS: [0, MAX]; entries past the total stay untouched, even when
 * they lie in a PROT_NONE page (they are never written). */
static void fresh_ioas(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[4];
	struct kabi_iova_range *edge = mem_before_guard(sizeof(*edge));
	uint32_t num = 4;
	uint64_t align = 0;

	fill_sentinel(r, 4);
	assert_int_equal(k_ranges(ctx, ioas, r, &num, &align), 0);
	assert_int_equal(num, 1);
	assert_int_equal(align, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].last, KABI_U64_MAX);
	assert_sentinel(r, 1, 4);

	/* capacity 100 but only one element of writable memory */
	num = 100;
	assert_int_equal(k_ranges(ctx, ioas, edge, &num, &align), 0);
	assert_int_equal(num, 1);
	assert_int_equal(edge->start, 0);
	assert_int_equal(edge->last, KABI_U64_MAX);
}

/* Reserved ranges punch holes; allowed ranges and mappings do not. */
static void complement_of_reserved(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[8];
	struct kabi_iova_range allow = { 100 * PAGE, 200 * PAGE - 1 };
	uint32_t num = 8;

	must_reserve(ctx, ioas, PAGE, PAGE);
	must_reserve(ctx, ioas, 10 * PAGE, 5 * PAGE);
	/* overlapping and adjacent reserves merge into one hole */
	must_reserve(ctx, ioas, 12 * PAGE, 8 * PAGE);
	must_reserve(ctx, ioas, 20 * PAGE, PAGE);
	must_map_fixed(ctx, ioas, (uintptr_t)mem_rw(PAGE), PAGE, 50 * PAGE);
	assert_int_equal(k_allow(ctx, ioas, &allow, 1), 0);

	fill_sentinel(r, 8);
	assert_int_equal(k_ranges(ctx, ioas, r, &num, NULL), 0);
	assert_int_equal(num, 3);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].last, PAGE - 1);
	assert_int_equal(r[1].start, 2 * PAGE);
	assert_int_equal(r[1].last, 10 * PAGE - 1);
	assert_int_equal(r[2].start, 21 * PAGE);
	assert_int_equal(r[2].last, KABI_U64_MAX);
	assert_sentinel(r, 3, 8);
}

/* Reserves at both ends of the space. */
static void reserved_edges(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[4];
	uint32_t num = 4;

	must_reserve(ctx, ioas, 0, PAGE);
	must_reserve(ctx, ioas, KABI_U64_MAX - PAGE + 1, PAGE);
	assert_int_equal(k_ranges(ctx, ioas, r, &num, NULL), 0);
	assert_int_equal(num, 1);
	assert_int_equal(r[0].start, PAGE);
	assert_int_equal(r[0].last, KABI_U64_MAX - PAGE);

	/* reserve the rest too: no range at all (total 0 <= cap: success) */
	must_reserve(ctx, ioas, 0, KABI_U64_MAX);
	num = 4;
	fill_sentinel(r, 4);
	assert_int_equal(k_ranges(ctx, ioas, r, &num, NULL), 0);
	assert_int_equal(num, 0);
	assert_sentinel(r, 0, 4);

	/* another IOAS: everything but the very last IOVA reserved */
	ioas = must_ioas(ctx);
	must_reserve(ctx, ioas, 0, KABI_U64_MAX);
	num = 4;
	assert_int_equal(k_ranges(ctx, ioas, r, &num, NULL), 0);
	assert_int_equal(num, 1);
	assert_int_equal(r[0].start, KABI_U64_MAX);
	assert_int_equal(r[0].last, KABI_U64_MAX);
}

/* EMSGSIZE: the first `cap` entries are filled, the rest untouched, num and
 * alignment written back (row 5 after the respond). */
static void emsgsize_partial(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[6];
	struct kabi_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = ioas };

	for (int i = 1; i <= 3; i++)
		must_reserve(ctx, ioas, 4 * i * PAGE, PAGE);
	/* 4 ranges: [0,4P-1] [5P,8P-1] [9P,12P-1] [13P,MAX] */
	fill_sentinel(r, 6);
	cmd.num_iovas = 2;
	cmd.allowed_iovas = (uintptr_t)r;
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EMSGSIZE);
	assert_int_equal(cmd.num_iovas, 4);
	assert_int_equal(cmd.out_iova_alignment, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].last, 4 * PAGE - 1);
	assert_int_equal(r[1].start, 5 * PAGE);
	assert_int_equal(r[1].last, 8 * PAGE - 1);
	assert_sentinel(r, 2, 6);

	/* retry with the reported size */
	cmd.num_iovas = 4;
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), 0);
	assert_int_equal(cmd.num_iovas, 4);
	assert_int_equal(r[2].start, 9 * PAGE);
	assert_int_equal(r[2].last, 12 * PAGE - 1);
	assert_int_equal(r[3].start, 13 * PAGE);
	assert_int_equal(r[3].last, KABI_U64_MAX);
	assert_sentinel(r, 4, 6);
}

/* out_iova_alignment follows HUGE_PAGES (PAGE when disabled, §2). */
static void alignment_follows_huge_pages(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t v = 0;

	assert_int_equal(ioas_alignment(ctx, ioas), 1);
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), 0);
	assert_int_equal(ioas_alignment(ctx, ioas), PAGE);
	v = 1;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), 0);
	assert_int_equal(ioas_alignment(ctx, ioas), 1);
}

/* Row 1: __reserved != 0 -> EOPNOTSUPP (before the IOAS lookup). */
static void reserved_field(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[1];
	struct kabi_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = 1,
		.reserved = 1, .allowed_iovas = (uintptr_t)r,
		.out_iova_alignment = 0x77,
	};

	fill_sentinel(r, 1);
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EOPNOTSUPP);
	assert_int_equal(cmd.num_iovas, 1);
	assert_int_equal(cmd.out_iova_alignment, 0x77);
	assert_sentinel(r, 0, 1);
	cmd.reserved = 0x80000000;
	cmd.ioas_id = 999; /* row 1 comes before row 2 */
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EOPNOTSUPP);
}

/* Row 2: not an IOAS -> ENOENT. */
static void bad_ioas(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint32_t ids[] = { 0, ioas + 1, UINT32_MAX };
	struct kabi_iova_range r[1];

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		uint32_t num = 1;

		fill_sentinel(r, 1);
		assert_int_equal(k_ranges(ctx, ids[i], r, &num, NULL), -ENOENT);
		assert_sentinel(r, 0, 1);
	}
}

/* Row 3: writing an element faults -> EFAULT, num_iovas not updated. */
static void element_fault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct kabi_iova_range init[2];
	void *ptrs[4];
	uint8_t *half;

	must_reserve(ctx, ioas, PAGE, PAGE); /* two ranges */
	fill_sentinel(init, 2);
	ptrs[0] = NULL;
	ptrs[1] = mem_page_prot(PROT_NONE, NULL, 0);
	ptrs[2] = mem_page_prot(PROT_READ, init, sizeof(init));
	ptrs[3] = mem_unmapped();
	for (int i = 0; i < 4; i++) {
		cmd.num_iovas = 2;
		cmd.allowed_iovas = (uintptr_t)ptrs[i];
		cmd.out_iova_alignment = 0x77;
		assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd),
				 -EFAULT);
		assert_int_equal(cmd.num_iovas, 2);
		assert_int_equal(cmd.out_iova_alignment, 0x77);
	}

	/* half-unmapped: element 0 writable, element 1 crosses the guard */
	half = mem_before_guard(sizeof(struct kabi_iova_range) + 8);
	cmd.num_iovas = 2;
	cmd.allowed_iovas = (uintptr_t)half;
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EFAULT);
	assert_int_equal(cmd.num_iovas, 2);

	/* the same buffer with cap 1 is fine (EMSGSIZE, element 0 written) */
	cmd.num_iovas = 1;
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EMSGSIZE);
	assert_int_equal(cmd.num_iovas, 2);
	assert_int_equal(((struct kabi_iova_range *)half)->start, 0);
	assert_int_equal(((struct kabi_iova_range *)half)->last, PAGE - 1);

	/* a bad pointer with cap 0 is never dereferenced */
	cmd.num_iovas = 0;
	cmd.allowed_iovas = (uintptr_t)ptrs[1];
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EMSGSIZE);
	assert_int_equal(cmd.num_iovas, 2);
}

/* Row 4: respond faults -> EFAULT (struct in read-only memory). */
static void respond_fault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	struct kabi_iova_range r[2];
	struct kabi_iova_ranges init = {
		.size = sizeof(init), .ioas_id = ioas, .num_iovas = 2,
		.allowed_iovas = (uintptr_t)r,
	};
	struct kabi_iova_ranges *ro;

	fill_sentinel(r, 2);
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, ro), -EFAULT);
	assert_int_equal(ro->num_iovas, 2);
	/* EMSGSIZE case: respond fault wins (row 4 before row 5) */
	init.num_iovas = 0;
	init.allowed_iovas = 0;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_IOAS_IOVA_RANGES, ro), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(count_with_null, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(fresh_ioas, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(complement_of_reserved,
						abi_setup, abi_teardown),
		cmocka_unit_test_setup_teardown(reserved_edges, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(emsgsize_partial, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(alignment_follows_huge_pages,
						abi_setup, abi_teardown),
		cmocka_unit_test_setup_teardown(reserved_field, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(bad_ioas, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(element_fault, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(respond_fault, abi_setup,
						abi_teardown),
	};

	return cmocka_run_group_tests_name("abi_iova_ranges", tests,
					   abi_group_setup, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * test_ioas_alloc.c - IOMMU_IOAS_ALLOC, errors.md §2.
 *
 * A new IOAS is empty: IOVA_RANGES reports [0, MAX] with alignment 1
 * (semantics.md §3.2), HUGE_PAGES is 1 (§11), nothing is mapped.
 * The response (out_ioas_id) is the only output; a fault while writing it
 * discards the object, so its ID is not consumed (semantics.md §12).
 *
 * Unreachable rows: §2 row 2 (ENOMEM) and 2b (ID space exhausted after
 * 2^31-1 objects) need fault injection / billions of objects.
 */
#include <sys/mman.h>

#include "abi_util.h"

/* §2: success, fresh state. */
static void alloc_fresh_state(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct kabi_ioas_alloc cmd = { .size = sizeof(cmd), .flags = 0,
				       .out_ioas_id = 0xdeadbeef };
	struct kabi_iova_range r[2];
	uint32_t num = 2;
	uint64_t align = 0, v = 0;

	assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOC, &cmd), 0);
	assert_int_equal(cmd.out_ioas_id, 1);
	assert_int_equal(cmd.size, sizeof(cmd));
	assert_int_equal(cmd.flags, 0);

	assert_int_equal(k_ranges(ctx, 1, r, &num, &align), 0);
	assert_int_equal(num, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].last, KABI_U64_MAX);
	assert_int_equal(align, 1);
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_GET, 1, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(unmap_count(ctx, 1, 0, KABI_U64_MAX), 0);
}

/* §2 row 1: any flag bit -> EOPNOTSUPP, no ID consumed. */
static void alloc_flags(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t flags[] = { 1, 2, 0x80000000, UINT32_MAX };

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct kabi_ioas_alloc cmd = { .size = sizeof(cmd),
					       .flags = flags[i],
					       .out_ioas_id = 77 };

		assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOC, &cmd), -EOPNOTSUPP);
		assert_int_equal(cmd.out_ioas_id, 77);
	}
	assert_int_equal(next_free_id(ctx), 1);
}

/* §2 row 3: respond fault -> EFAULT, object discarded, ID not consumed. */
static void alloc_respond_fault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct kabi_ioas_alloc init = { .size = sizeof(init) };
	struct kabi_ioas_alloc *ro;

	assert_int_equal(must_ioas(ctx), 1);
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_IOAS_ALLOC, ro), -EFAULT);
	assert_int_equal(ro->out_ioas_id, 0);
	/* ID 2 was not consumed and no object 2 exists */
	assert_int_equal(k_destroy(ctx, 2), -ENOENT);
	assert_int_equal(must_ioas(ctx), 2);
	assert_int_equal(must_ioas(ctx), 3);
}

/* Many IOASes: IDs are dense and each is independent. */
static void alloc_many(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint8_t *buf = mem_rw(PAGE);

	for (uint32_t i = 1; i <= 200; i++)
		assert_int_equal(must_ioas(ctx), i);
	for (uint32_t i = 1; i <= 200; i++)
		must_map_fixed(ctx, i, (uintptr_t)buf, PAGE, i * PAGE);
	for (uint32_t i = 1; i <= 200; i++) {
		assert_false(range_is_mapped(ctx, i, 0, i * PAGE));
		assert_int_equal(unmap_count(ctx, i, 0, KABI_U64_MAX), PAGE);
	}
	for (uint32_t i = 200; i >= 1; i--)
		assert_int_equal(k_destroy(ctx, i), 0);
	assert_int_equal(next_free_id(ctx), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(alloc_fresh_state, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(alloc_flags, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(alloc_respond_fault, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(alloc_many, abi_setup,
						abi_teardown),
	};

	return cmocka_run_group_tests_name("abi_ioas_alloc", tests,
					   abi_group_setup, NULL);
}

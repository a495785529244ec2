/* SPDX-License-Identifier: MIT */
/*
 * test_vfio_ioas.c - IOMMU_VFIO_IOAS, errors.md §9 and semantics.md §14.
 *
 * The context has one compat-IOAS pointer.  GET returns it (ENODEV when
 * unset), SET points it at an IOAS (ENOENT otherwise) without taking a
 * reference that would block DESTROY, CLEAR forgets it (always 0), and
 * destroying that IOAS clears it.  Only GET responds (ioas_id).
 *
 * Rows not reachable here: G1's "being destroyed" window (a race).  The
 * VFIO container ioctls that use the pointer are outside this suite.
 */
#include <sys/mman.h>

#include "abi_util.h"

static long vfio_raw(struct uiommufd_ctx *ctx, uint16_t op, uint16_t rsv,
		     uint32_t *id)
{
	struct kabi_vfio_ioas cmd = { .size = sizeof(cmd), .ioas_id = *id,
				      .op = op, .reserved = rsv };
	long ret = kio(ctx, IOMMU_VFIO_IOAS, &cmd);

	*id = cmd.ioas_id;
	return ret;
}

/* G1, S1, C1, success paths. */
static void vfio_get_set_clear(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t a = must_ioas(ctx), b = must_ioas(ctx), id;

	id = 1234;
	assert_int_equal(vfio_raw(ctx, KABI_VFIO_IOAS_GET, 0, &id), -ENODEV);
	assert_int_equal(id, 1234);
	/* CLEAR with nothing set */
	id = 0;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_CLEAR, &id), 0);

	id = a;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_SET, &id), 0);
	id = 0;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), 0);
	assert_int_equal(id, a);
	/* SET again replaces */
	id = b;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_SET, &id), 0);
	id = 0;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), 0);
	assert_int_equal(id, b);
	/* S1: a bad SET leaves the pointer alone */
	id = 0;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_SET, &id), -ENOENT);
	id = b + 1;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_SET, &id), -ENOENT);
	id = 0;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), 0);
	assert_int_equal(id, b);
	/* C1: CLEAR forgets, destroys nothing; ioas_id is ignored */
	id = 999;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_CLEAR, &id), 0);
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), -ENODEV);
	assert_int_equal(k_destroy(ctx, b), 0);
	assert_int_equal(k_destroy(ctx, a), 0);
}

/* The pointer holds no reference: DESTROY works and clears it, and a new
 * IOAS that reuses the ID is not the compat IOAS. */
static void vfio_cleared_on_destroy(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t a = must_ioas(ctx), b = must_ioas(ctx), id = a;

	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_SET, &id), 0);
	assert_int_equal(k_destroy(ctx, b), 0);
	id = 0;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), 0);
	assert_int_equal(id, a);
	assert_int_equal(k_destroy(ctx, a), 0);
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), -ENODEV);
	assert_int_equal(must_ioas(ctx), a);
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), -ENODEV);
}

/* Row 1: __reserved -> EOPNOTSUPP for every op; row 2: unknown op. */
static void vfio_reserved_and_op(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t a = must_ioas(ctx), id;

	for (uint16_t op = 0; op <= 3; op++) {
		id = a;
		assert_int_equal(vfio_raw(ctx, op, 1, &id), -EOPNOTSUPP);
		id = a;
		assert_int_equal(vfio_raw(ctx, op, 0x8000, &id), -EOPNOTSUPP);
	}
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), -ENODEV);
	for (uint16_t op = 3; op < 6; op++) {
		id = a;
		assert_int_equal(vfio_raw(ctx, op, 0, &id), -EOPNOTSUPP);
	}
	id = a;
	assert_int_equal(vfio_raw(ctx, 0xffff, 0, &id), -EOPNOTSUPP);
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), -ENODEV);
}

/* G2: GET respond fault -> EFAULT; SET and CLEAR never write. */
static void vfio_respond(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t a = must_ioas(ctx), id;
	struct kabi_vfio_ioas init = { .size = sizeof(init), .ioas_id = a,
				       .op = KABI_VFIO_IOAS_SET };
	struct kabi_vfio_ioas *ro;

	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_VFIO_IOAS, ro), 0);
	id = 0;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), 0);
	assert_int_equal(id, a);

	init.op = KABI_VFIO_IOAS_GET;
	init.ioas_id = 0;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_VFIO_IOAS, ro), -EFAULT);

	init.op = KABI_VFIO_IOAS_CLEAR;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_VFIO_IOAS, ro), 0);
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), -ENODEV);
	/* G1 with a read-only struct: ENODEV, nothing written */
	init.op = KABI_VFIO_IOAS_GET;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_VFIO_IOAS, ro), -ENODEV);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, abi_setup, abi_teardown)
	const struct CMUnitTest tests[] = {
		T(vfio_get_set_clear),
		T(vfio_cleared_on_destroy),
		T(vfio_reserved_and_op),
		T(vfio_respond),
	};
#undef T

	return cmocka_run_group_tests_name("abi_vfio_ioas", tests,
					   abi_group_setup, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Spec-conformance probes written by a reviewer from spec/errors.md and
 * spec/semantics.md §12 (write-back rules).  Each test names the spec row it
 * checks.  Tests drive the kernel ABI through uiommufd_ioctl() only.
 *
 * A "respond fault" is produced by handing the ioctl a struct that lives in
 * a read-only page: the copy-in succeeds, the copy-out faults.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "uiommufd/uiommufd.h"
#include "uiommufd/iommufd_abi.h"

#define PSZ 4096UL

static struct uiommufd_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return uiommufd_open(&ctx) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	uiommufd_close(ctx);
	ctx = NULL;
	return 0;
}

/* A copy of `len` bytes of `src` in a fresh page that is then made read-only. */
static void *ro_copy(const void *src, size_t len)
{
	void *p = mmap(NULL, PSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	memcpy(p, src, len);
	assert_int_equal(mprotect(p, PSZ, PROT_READ), 0);
	return p;
}

static uint32_t ioas_alloc(void)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &cmd), 0);
	return cmd.out_ioas_id;
}

static void mock_domain(uint32_t id, uint32_t flags, uint32_t *stdev, uint32_t *hwpt,
			uint32_t *idev)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, .id = id,
		.mock_domain_flags.dev_flags = flags,
	};

	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), 0);
	if (stdev)
		*stdev = cmd.mock_domain_flags.out_stdev_id;
	if (hwpt)
		*hwpt = cmd.mock_domain_flags.out_hwpt_id;
	if (idev)
		*idev = cmd.mock_domain_flags.out_idev_id;
}

static void *buffer;

static uint64_t map_fixed(uint32_t ioas, uint64_t iova, void *va, uint64_t len)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd), .ioas_id = ioas,
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)va, .length = len, .iova = iova,
	};

	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, &cmd), 0);
	return cmd.iova;
}

static uint32_t destroy_rc(uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return (uint32_t)-uiommufd_ioctl(ctx, IOMMU_DESTROY, &cmd);
}

/* ---------------------------------------------------------------- */
/* semantics.md §12 write-back rules                                  */

/* §12 IOAS_ALLOC: respond fault -> EFAULT, object discarded, ID not consumed */
static void ioas_alloc_respond_fault_discards(void **state)
{
	struct iommu_ioas_alloc in = { .size = sizeof(in) };
	void *ro = ro_copy(&in, sizeof(in));

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, ro), -EFAULT);
	assert_int_equal(ioas_alloc(), 1);
	munmap(ro, PSZ);
}

/* §12 MAP: respond fault -> EFAULT, mapping remains */
static void map_respond_fault_keeps_mapping(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_ioas_map in = {
		.size = sizeof(in), .ioas_id = ioas,
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
		.user_va = (uintptr_t)buffer, .length = PSZ, .iova = 0x100000,
	};
	struct iommu_ioas_unmap un = { .size = sizeof(un), .ioas_id = ioas,
				       .iova = 0x100000, .length = PSZ };
	void *ro = ro_copy(&in, sizeof(in));

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, ro), -EFAULT);
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &un), 0);
	assert_int_equal(un.length, PSZ);
	munmap(ro, PSZ);
}

/* §12 UNMAP: respond fault -> EFAULT, unmap already done */
static void unmap_respond_fault_keeps_unmap(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_ioas_unmap in = { .size = sizeof(in), .ioas_id = ioas,
				       .iova = 0x100000, .length = PSZ };
	struct iommu_ioas_unmap again = in;
	void *ro;

	(void)state;
	map_fixed(ioas, 0x100000, buffer, PSZ);
	ro = ro_copy(&in, sizeof(in));
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, ro), -EFAULT);
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &again), -ENOENT);
	munmap(ro, PSZ);
}

/* §12 OPTION: respond fault -> EFAULT, option change already applied */
static void option_respond_fault_applies(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_option in = { .size = sizeof(in), .option_id = IOMMU_OPTION_HUGE_PAGES,
				   .op = IOMMU_OPTION_OP_SET, .object_id = ioas, .val64 = 0 };
	struct iommu_option get = { .size = sizeof(get), .option_id = IOMMU_OPTION_HUGE_PAGES,
				    .op = IOMMU_OPTION_OP_GET, .object_id = ioas, .val64 = 7 };
	void *ro = ro_copy(&in, sizeof(in));

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_OPTION, ro), -EFAULT);
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_OPTION, &get), 0);
	assert_int_equal(get.val64, 0);
	munmap(ro, PSZ);
}

/* errors.md §3 row 3: a faulting range write -> EFAULT, num_iovas not updated */
static void iova_ranges_range_fault_keeps_num(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_iova_range r;
	void *ro = ro_copy(&r, sizeof(r));
	struct iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = ioas,
					      .num_iovas = 1,
					      .allowed_iovas = (uintptr_t)ro };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EFAULT);
	assert_int_equal(cmd.num_iovas, 1);
	munmap(ro, PSZ);
}

/* errors.md §3 row 5: EMSGSIZE after num_iovas / alignment are written */
static void iova_ranges_emsgsize_writes_count(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_test_cmd res = { .size = sizeof(res), .op = IOMMU_TEST_OP_ADD_RESERVED,
				      .id = ioas, .add_reserved = { 0x10000, 0x1000 } };
	struct iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = ioas,
					      .num_iovas = 0 };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &res), 0);
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd), -EMSGSIZE);
	assert_int_equal(cmd.num_iovas, 2);
	assert_int_equal(cmd.out_iova_alignment, 1);
}

/* §12 HWPT_ALLOC: respond fault -> HWPT discarded (its ID is reused) */
static void hwpt_alloc_respond_fault_discards(void **state)
{
	uint32_t ioas = ioas_alloc(), stdev, hwpt, idev;
	struct iommu_hwpt_alloc in;
	struct iommu_hwpt_alloc ok;
	void *ro;

	(void)state;
	mock_domain(ioas, 0, &stdev, &hwpt, &idev);
	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	in.dev_id = idev;
	in.pt_id = ioas;
	ok = in;
	ro = ro_copy(&in, sizeof(in));
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, ro), -EFAULT);
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ok), 0);
	assert_int_equal(ok.out_hwpt_id, hwpt + 1);
	munmap(ro, PSZ);
}

/* §12 MOCK_DOMAIN: respond fault -> fully undone (IDs not consumed, no HWPT) */
static void mock_domain_respond_fault_undone(void **state)
{
	uint32_t ioas = ioas_alloc(), stdev, hwpt, idev;
	struct iommu_test_cmd in = { .size = sizeof(in), .op = IOMMU_TEST_OP_MOCK_DOMAIN,
				     .id = ioas };
	void *ro = ro_copy(&in, sizeof(in));

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, ro), -EFAULT);
	/* the IOAS has no domain left: it can be destroyed ... */
	mock_domain(ioas, 0, &stdev, &hwpt, &idev);
	assert_int_equal(stdev, ioas + 1);
	assert_int_equal(idev, ioas + 2);
	assert_int_equal(hwpt, ioas + 3);
	munmap(ro, PSZ);
}

/* §12 MOCK_DOMAIN_REPLACE: respond fault -> EFAULT, the change stays */
static void mock_domain_replace_respond_fault_stays(void **state)
{
	uint32_t ioas = ioas_alloc(), ioas2 = ioas_alloc(), stdev, hwpt, idev;
	struct iommu_test_cmd in = { .size = sizeof(in),
				     .op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE };
	void *ro;

	(void)state;
	mock_domain(ioas, 0, &stdev, &hwpt, &idev);
	in.id = stdev;
	in.mock_domain_replace.pt_id = ioas2;
	ro = ro_copy(&in, sizeof(in));
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, ro), -EFAULT);
	/* the device left `ioas`: its auto HWPT is gone, so the IOAS is free */
	assert_int_equal(destroy_rc(ioas), 0);
	assert_int_equal(destroy_rc(ioas2), EBUSY);
	munmap(ro, PSZ);
}

/* ---------------------------------------------------------------- */
/* errors.md rows not covered elsewhere                                */

/* §T ADD_RESERVED: argument checks before the IOAS lookup */
static void add_reserved_checks_before_lookup(void **state)
{
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = IOMMU_TEST_OP_ADD_RESERVED,
				      .id = 99, .add_reserved = { 0x1000, 0 } };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EINVAL);
	cmd.add_reserved.start = UINT64_MAX;
	cmd.add_reserved.length = 2;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EOVERFLOW);
	cmd.add_reserved.length = 1;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -ENOENT);
}

/* §T ADD_RESERVED: intersecting an allowed range -> EADDRINUSE */
static void add_reserved_vs_allowed(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_iova_range r = { 0x100000, 0x1fffff };
	struct iommu_ioas_allow_iovas al = { .size = sizeof(al), .ioas_id = ioas,
					     .num_iovas = 1, .allowed_iovas = (uintptr_t)&r };
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = IOMMU_TEST_OP_ADD_RESERVED,
				      .id = ioas, .add_reserved = { 0x1ff000, 0x2000 } };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOW_IOVAS, &al), 0);
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EADDRINUSE);
}

/* §T MOCK_DOMAIN_FLAGS: bit 1 (retired HUGE_IOVA) -> EINVAL */
static void mock_domain_flags_bit1(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_test_cmd cmd = { .size = sizeof(cmd),
				      .op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, .id = ioas,
				      .mock_domain_flags.dev_flags = 1u << 1 };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EINVAL);
}

/* §T MOCK_DOMAIN: bad flags are EINVAL even when `id` does not exist */
static void mock_domain_flags_before_lookup(void **state)
{
	struct iommu_test_cmd cmd = { .size = sizeof(cmd),
				      .op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, .id = 77,
				      .mock_domain_flags.dev_flags = 1u << 5 };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EINVAL);
}

/* §T DIRTY: argument checks before lookup; 2^27 bits + 1 -> EOVERFLOW */
static void dirty_argument_order(void **state)
{
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = IOMMU_TEST_OP_DIRTY,
				      .id = 55 };

	(void)state;
	cmd.dirty.page_size = 4096;
	cmd.dirty.length = 4096ULL * ((1ULL << 27) + 1);
	cmd.dirty.uptr = 0x1000;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EOVERFLOW);
	cmd.dirty.uptr = 0;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EINVAL);
	cmd.dirty.uptr = 0x1000;
	cmd.dirty.length = 4096;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -ENOENT);
}

/* §T DIRTY: tracking off -> EINVAL; respond fault -> EFAULT, marks stay */
static void dirty_tracking_and_respond(void **state)
{
	uint32_t ioas = ioas_alloc(), stdev, hwpt, idev;
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha), .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING };
	struct iommu_hwpt_set_dirty_tracking st = { .size = sizeof(st),
						    .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE };
	uint64_t bits = 1;
	uint64_t out[4] = { 0 };
	struct iommu_hwpt_get_dirty_bitmap gb = { .size = sizeof(gb) };
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = IOMMU_TEST_OP_DIRTY };
	void *ro;

	(void)state;
	mock_domain(ioas, 0, &stdev, &hwpt, &idev);
	ha.dev_id = idev;
	ha.pt_id = ioas;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), 0);
	map_fixed(ioas, 0x1000000, buffer, PSZ);
	cmd.id = ha.out_hwpt_id;
	cmd.dirty.iova = 0x1000000;
	cmd.dirty.length = PSZ;
	cmd.dirty.page_size = 2048;
	cmd.dirty.uptr = (uintptr_t)&bits;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EINVAL);
	st.hwpt_id = ha.out_hwpt_id;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &st), 0);
	ro = ro_copy(&cmd, sizeof(cmd));
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, ro), -EFAULT);
	gb.hwpt_id = ha.out_hwpt_id;
	gb.iova = 0x1000000;
	gb.length = PSZ;
	gb.page_size = 2048;
	gb.data = (uintptr_t)out;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb), 0);
	/* the marked 2 KiB unit is reported (its 4 KiB leaf may report both) */
	assert_true(out[0] & 1);
	/* an unusable bitmap pointer: ENOMEM (errors.md §L) */
	gb.data = 8;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb), -ENOMEM);
	munmap(ro, PSZ);
}

/* §L SET_DIRTY_TRACKING: __reserved is not checked */
static void set_dirty_reserved_ignored(void **state)
{
	uint32_t ioas = ioas_alloc(), stdev, hwpt, idev;
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha), .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING };
	struct iommu_hwpt_set_dirty_tracking st = { .size = sizeof(st),
						    .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
						    .__reserved = 5 };

	(void)state;
	mock_domain(ioas, 0, &stdev, &hwpt, &idev);
	ha.dev_id = idev;
	ha.pt_id = ioas;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), 0);
	st.hwpt_id = ha.out_hwpt_id;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &st), 0);
	/* a HWPT without dirty ops: EOPNOTSUPP */
	st.hwpt_id = hwpt;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &st), -EOPNOTSUPP);
	/* not a HWPT: ENOENT */
	st.hwpt_id = ioas;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &st), -ENOENT);
}

/* §L GET_DIRTY_BITMAP order: overflow, alignment, page_size 0, no dirty ops */
static void get_dirty_bitmap_order(void **state)
{
	uint32_t ioas = ioas_alloc(), stdev, hwpt, idev;
	uint64_t out[2];
	struct iommu_hwpt_get_dirty_bitmap gb = { .size = sizeof(gb), .data = (uintptr_t)out };

	(void)state;
	mock_domain(ioas, 0, &stdev, &hwpt, &idev);
	gb.hwpt_id = hwpt;
	gb.iova = UINT64_MAX - 0x7ff;
	gb.length = 0x1000;
	gb.page_size = 0;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb), -EOVERFLOW);
	gb.iova = 0x1000400; /* not aligned to the IOAS alignment (2048) */
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb), -EINVAL);
	gb.iova = 0x1000000;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb), -EINVAL);
	gb.page_size = 2048;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb), -EOPNOTSUPP);
	gb.__reserved = 1;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb), -EOPNOTSUPP);
}

/* §L HWPT_ALLOC rows 2-5 */
static void hwpt_alloc_order(void **state)
{
	uint32_t ioas = ioas_alloc(), stdev, hwpt, idev;
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha) };

	(void)state;
	mock_domain(ioas, 0, &stdev, &hwpt, &idev);
	ha.dev_id = 999;
	ha.pt_id = 999;
	ha.data_len = 8;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), -EINVAL);
	ha.data_len = 0;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), -ENOENT);
	ha.dev_id = idev;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), -EINVAL);
	ha.pt_id = 0;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), -EINVAL);
	ha.pt_id = stdev; /* neither IOAS nor HWPT */
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), -EINVAL);
	ha.pt_id = ioas;
	ha.flags = IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_NEST_PARENT;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), -EOPNOTSUPP);
	ha.flags = 1u << 10;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), -EOPNOTSUPP);
	/* paging parent that is an auto domain -> EINVAL */
	ha.flags = 0;
	ha.pt_id = hwpt;
	ha.data_type = 0xdead;
	ha.data_len = 8;
	ha.data_uptr = (uintptr_t)&ha;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &ha), -EINVAL);
}

/* §L GET_HW_INFO: data_len out = 8, rest of a longer buffer zero-filled */
static void hw_info_zero_fill(void **state)
{
	uint32_t ioas = ioas_alloc(), stdev, hwpt, idev;
	uint8_t data[32];
	struct iommu_hw_info hi = { .size = sizeof(hi), .data_len = sizeof(data),
				    .data_uptr = (uintptr_t)data };

	(void)state;
	mock_domain(ioas, 0, &stdev, &hwpt, &idev);
	memset(data, 0xaa, sizeof(data));
	hi.dev_id = idev;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_GET_HW_INFO, &hi), 0);
	assert_int_equal(hi.data_len, 8);
	assert_int_equal(hi.out_data_type, 0xfeedbeef);
	for (unsigned int i = 8; i < sizeof(data); i++)
		assert_int_equal(data[i], 0);
	assert_true(hi.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING);
	hi.flags = 1u << 3;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_GET_HW_INFO, &hi), -EOPNOTSUPP);
	hi.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	hi.in_data_type = 5;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_GET_HW_INFO, &hi), -EOPNOTSUPP);
}

/* §T CREATE_ACCESS consumes an object ID; DESTROY of it is EBUSY */
static void access_object_id_busy(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = IOMMU_TEST_OP_CREATE_ACCESS,
				      .id = ioas };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), 0);
	assert_int_equal(destroy_rc(ioas + 1), EBUSY);
	assert_int_equal(ioas_alloc(), ioas + 2);
	close((int)cmd.create_access.out_access_fd);
}

/* §V UNMAP_DMA: an empty range -> 0, size written back as 0 */
static void vfio_unmap_empty(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_vfio_ioas set = { .size = sizeof(set), .ioas_id = ioas,
				       .op = IOMMU_VFIO_IOAS_SET };
	struct vfio_iommu_type1_dma_unmap un = { .argsz = sizeof(un), .iova = 0x10000,
						 .size = 0x1000 };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_VFIO_IOAS, &set), 0);
	assert_int_equal(uiommufd_ioctl(ctx, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(uiommufd_ioctl(ctx, VFIO_IOMMU_UNMAP_DMA, &un), 0);
	assert_int_equal(un.size, 0);
	un.size = 0;
	assert_int_equal(uiommufd_ioctl(ctx, VFIO_IOMMU_UNMAP_DMA, &un), -EINVAL);
}

/* §T MD_CHECK_REFS: misaligned -> EINVAL; an unpinned page -> EIO for refs 1 */
static void check_refs_rows(void **state)
{
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = IOMMU_TEST_OP_MD_CHECK_REFS };

	(void)state;
	cmd.check_refs.uptr = (uintptr_t)buffer + 1;
	cmd.check_refs.length = PSZ;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EINVAL);
	cmd.check_refs.uptr = (uintptr_t)buffer;
	cmd.check_refs.refs = 1;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EIO);
	cmd.check_refs.refs = 0;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), 0);
}

/* §T SET_TEMP_MEMORY_LIMIT: < 12 -> EINVAL */
static void temp_memory_limit(void **state)
{
	struct iommu_test_cmd cmd = { .size = sizeof(cmd),
				      .op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT };

	(void)state;
	cmd.memory_limit.limit = 11;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EINVAL);
	cmd.memory_limit.limit = 65536;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), 0);
}

/* §T access ops: length cap first, then flags, then the fd */
static void access_ops_order(void **state)
{
	uint32_t ioas = ioas_alloc(), ioas2 = ioas_alloc();
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = IOMMU_TEST_OP_ACCESS_PAGES,
				      .id = 12345 };
	struct iommu_test_cmd ca = { .size = sizeof(ca), .op = IOMMU_TEST_OP_CREATE_ACCESS,
				     .id = ioas };

	(void)state;
	cmd.access_pages.length = (16ULL << 20) + 1;
	cmd.access_pages.flags = 1u << 5;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -ENOMEM);
	cmd.access_pages.length = PSZ;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EOPNOTSUPP);
	cmd.access_pages.flags = 0;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EBADFD);
	cmd.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EBADFD);
	/* an access without NEEDS_PIN_PAGES cannot pin */
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &ca), 0);
	cmd.op = IOMMU_TEST_OP_ACCESS_PAGES;
	cmd.id = ca.create_access.out_access_fd;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -EOPNOTSUPP);
	cmd.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -ENOENT);
	cmd.op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS;
	cmd.access_replace_ioas.ioas_id = 999;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -ENOENT);
	cmd.access_replace_ioas.ioas_id = ioas2;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), 0);
	assert_int_equal(destroy_rc(ioas), 0);
	close((int)ca.create_access.out_access_fd);
}

/* §T MD_CHECK_MAP: `id` not a HWPT -> ENOENT */
static void check_map_lookup(void **state)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_test_cmd cmd = { .size = sizeof(cmd), .op = IOMMU_TEST_OP_MD_CHECK_MAP,
				      .id = ioas };

	(void)state;
	cmd.check_map.uptr = 1; /* misaligned, but the lookup comes first */
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd), -ENOENT);
}

/* errors.md §8 R2: RLIMIT_MODE GET reports 0 on a fresh context */
static void rlimit_get_fresh(void **state)
{
	struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_RLIMIT_MODE,
				  .op = IOMMU_OPTION_OP_GET, .val64 = 9 };

	(void)state;
	assert_int_equal(uiommufd_ioctl(ctx, IOMMU_OPTION, &o), 0);
	assert_int_equal(o.val64, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(ioas_alloc_respond_fault_discards),
		T(map_respond_fault_keeps_mapping),
		T(unmap_respond_fault_keeps_unmap),
		T(option_respond_fault_applies),
		T(iova_ranges_range_fault_keeps_num),
		T(iova_ranges_emsgsize_writes_count),
		T(hwpt_alloc_respond_fault_discards),
		T(mock_domain_respond_fault_undone),
		T(mock_domain_replace_respond_fault_stays),
		T(add_reserved_checks_before_lookup),
		T(add_reserved_vs_allowed),
		T(mock_domain_flags_bit1),
		T(mock_domain_flags_before_lookup),
		T(dirty_argument_order),
		T(dirty_tracking_and_respond),
		T(set_dirty_reserved_ignored),
		T(get_dirty_bitmap_order),
		T(hwpt_alloc_order),
		T(hw_info_zero_fill),
		T(access_object_id_busy),
		T(vfio_unmap_empty),
		T(check_refs_rows),
		T(temp_memory_limit),
		T(rlimit_get_fresh),
		T(access_ops_order),
		T(check_map_lookup),
	};
	int rc;

	buffer = mmap(NULL, 16 * PSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer == MAP_FAILED)
		return 1;
	memset(buffer, 1, 16 * PSZ);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	munmap(buffer, 16 * PSZ);
	return rc;
}

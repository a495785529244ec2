/* SPDX-License-Identifier: MIT */
/*
 * IOMMU_HWPT_ALLOC (paging branch), IOMMU_GET_HW_INFO, dirty tracking
 * (SET_DIRTY_TRACKING, GET_DIRTY_BITMAP, the DIRTY test op) on mock devices:
 * errors.md §L and §T rows, semantics.md §8.4, §15, §27.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "mock_util.h"

static uint64_t PAGE;

struct fix {
	struct uiommufd_ctx *ctx;
	uint32_t ioas, stdev, hwpt, idev;
	uint32_t nd_stdev, nd_idev;	/* a NO_DIRTY device */
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->ctx = m_open();
	assert_int_equal(m_ioas(f->ctx, &f->ioas), 0);
	assert_int_equal(m_mock_domain(f->ctx, f->ioas, &f->stdev, &f->hwpt, &f->idev), 0);
	assert_int_equal(m_mock_domain_flags(f->ctx, f->ioas, MOCK_FLAGS_DEVICE_NO_DIRTY,
					     &f->nd_stdev, NULL, &f->nd_idev), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	uiommufd_close(f->ctx);
	free(f);
	return 0;
}

static long hwpt_alloc(struct uiommufd_ctx *ctx, uint32_t flags, uint32_t dev,
		       uint32_t pt, uint32_t data_type, void *data, uint32_t len,
		       uint32_t *out)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd), .flags = flags, .dev_id = dev, .pt_id = pt,
		.data_type = data_type, .data_len = len,
		.data_uptr = (uint64_t)(uintptr_t)data,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &cmd);

	if (out)
		*out = cmd.out_hwpt_id;
	return rc;
}

static void test_hwpt_alloc_rows(void **state)
{
	struct fix *f = *state;
	struct uiommufd_ctx *ctx = f->ctx;
	struct iommu_hwpt_selftest data = { 0, 0 };
	uint32_t h, h2, ioas2;

	{
		struct iommu_hwpt_alloc cmd = {
			.size = sizeof(cmd), .dev_id = f->idev, .pt_id = f->ioas,
			.__reserved = 1,
		};

		assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &cmd), -EOPNOTSUPP);
		cmd.size = 20; /* below the 24-byte minimum */
		cmd.__reserved = 0;
		assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &cmd), -EINVAL);
		cmd.size = 24; /* the 6.6 size is accepted */
		assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &cmd), 0);
		assert_int_equal(m_destroy(ctx, cmd.out_hwpt_id), 0);
	}
	/* data_type / data_len mismatch */
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->ioas, 0, &data, 8, NULL), -EINVAL);
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->ioas, IOMMU_HWPT_DATA_SELFTEST, NULL, 0, NULL), -EINVAL);
	/* dev not a DEVICE -> ENOENT; pt lookup failure -> EINVAL */
	assert_int_equal(hwpt_alloc(ctx, 0, f->ioas, f->ioas, 0, NULL, 0, NULL), -ENOENT);
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, 0, 0, NULL, 0, NULL), -EINVAL);
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, 9999, 0, NULL, 0, NULL), -EINVAL);
	/* pt of another type -> EINVAL */
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->idev, 0, NULL, 0, NULL), -EINVAL);
	/* flags */
	assert_int_equal(hwpt_alloc(ctx, 1u << 7, f->idev, f->ioas, 0, NULL, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(hwpt_alloc(ctx, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, f->nd_idev, f->ioas,
				    0, NULL, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(hwpt_alloc(ctx, IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_NEST_PARENT,
				    f->idev, f->ioas, 0, NULL, 0, NULL), -EOPNOTSUPP);
	/* FAULT_ID_VALID with no such FAULT */
	{
		struct iommu_hwpt_alloc cmd = {
			.size = sizeof(cmd), .flags = IOMMU_HWPT_FAULT_ID_VALID,
			.dev_id = f->idev, .pt_id = f->ioas, .fault_id = 0xffffffff,
		};

		assert_int_equal(uiommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &cmd), -ENOENT);
	}
	/* driver data rows */
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->ioas, 0x1234, &data, 8, NULL), -EOPNOTSUPP);
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->ioas, IOMMU_HWPT_DATA_SELFTEST, &data, 3, NULL), -EINVAL);
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->ioas, IOMMU_HWPT_DATA_SELFTEST, &data, 9, NULL), -EINVAL);
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->ioas, IOMMU_HWPT_DATA_SELFTEST,
				    (void *)8, 8, NULL), -EFAULT);
	data.pagetable_type = 2;
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->ioas, IOMMU_HWPT_DATA_SELFTEST, &data, 8, NULL), -EOPNOTSUPP);

	/* a manual NEST_PARENT HWPT: not picked automatically, destroyable */
	assert_int_equal(hwpt_alloc(ctx, IOMMU_HWPT_ALLOC_NEST_PARENT, f->idev, f->ioas, 0, NULL, 0, &h), 0);
	assert_true(h != f->hwpt);
	{
		uint32_t s, hh;

		assert_int_equal(m_mock_domain(ctx, f->ioas, &s, &hh, NULL), 0);
		assert_int_equal(hh, f->hwpt);
		/* but can be named */
		assert_int_equal(m_replace(ctx, s, h, &hh), 0);
		assert_int_equal(hh, h);
		assert_int_equal(m_destroy(ctx, h), -EBUSY);
		/* nested on a paging parent: no data -> EOPNOTSUPP, auto parent -> EINVAL */
		assert_int_equal(hwpt_alloc(ctx, 0, f->idev, h, 0, NULL, 0, NULL), -EOPNOTSUPP);
		data.pagetable_type = 0;
		assert_int_equal(hwpt_alloc(ctx, IOMMU_HWPT_ALLOC_NEST_PARENT, f->idev, h,
					    IOMMU_HWPT_DATA_SELFTEST, &data, 8, NULL), -EOPNOTSUPP);
		assert_int_equal(hwpt_alloc(ctx, 0, f->idev, f->hwpt,
					    IOMMU_HWPT_DATA_SELFTEST, &data, 8, NULL), -EINVAL);
		assert_int_equal(m_destroy(ctx, s), 0);
	}
	assert_int_equal(m_destroy(ctx, h), 0);

	/* a manual HWPT narrows an empty IOAS on its own and holds it */
	assert_int_equal(m_ioas(ctx, &ioas2), 0);
	data.pagetable_type = MOCK_IOMMUPT_HUGE;
	assert_int_equal(hwpt_alloc(ctx, 0, f->idev, ioas2, IOMMU_HWPT_DATA_SELFTEST, &data, 8, &h2), 0);
	{
		struct iommu_iova_range r[2];
		uint32_t n;
		uint64_t a;

		assert_int_equal(m_ranges(ctx, ioas2, r, 2, &n, &a), 0);
		assert_int_equal(n, 1);
		assert_int_equal(r[0].start, 0);
		assert_int_equal(r[0].last, (1ULL << 38) - 1);
		assert_int_equal(a, PAGE);
	}
	assert_int_equal(m_destroy(ctx, ioas2), -EBUSY);
	assert_int_equal(m_destroy(ctx, h2), 0);
	assert_int_equal(m_destroy(ctx, ioas2), 0);
}

static long hw_info(struct uiommufd_ctx *ctx, uint32_t size, uint32_t flags,
		    uint32_t dev, uint32_t type, void *data, uint32_t len,
		    struct iommu_hw_info *out)
{
	struct iommu_hw_info cmd = {
		.size = size, .flags = flags, .dev_id = dev, .data_len = len,
		.data_uptr = (uint64_t)(uintptr_t)data, .in_data_type = type,
	};
	long rc = uiommufd_ioctl(ctx, IOMMU_GET_HW_INFO, &cmd);

	if (out)
		*out = cmd;
	return rc;
}

static void test_hw_info(void **state)
{
	struct fix *f = *state;
	struct uiommufd_ctx *ctx = f->ctx;
	struct iommu_hw_info out;
	uint8_t buf[16];
	struct iommu_test_hw_info *ti = (void *)buf;
	uint32_t pstdev, pidev;

	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(hw_info(ctx, sizeof(out), 0, f->idev, 0, buf, sizeof(buf), &out), 0);
	assert_int_equal(out.data_len, 8);
	assert_int_equal(out.out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);
	assert_int_equal(ti->test_reg, 0xdeadbeef);
	assert_int_equal(ti->flags, 0);
	for (int i = 8; i < 16; i++)
		assert_int_equal(buf[i], 0); /* zero-filled past the data */
	assert_int_equal(out.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING,
			 IOMMU_HW_CAP_DIRTY_TRACKING);
	assert_int_equal(out.out_max_pasid_log2, 0);
	/* shorter buffer: truncated copy */
	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(hw_info(ctx, sizeof(out), 0, f->idev, 0, buf, 4, &out), 0);
	assert_int_equal(out.data_len, 8);
	assert_int_equal(buf[4], 0xcc);
	/* data_len 0 with NULL */
	assert_int_equal(hw_info(ctx, sizeof(out), 0, f->idev, 0, NULL, 0, &out), 0);
	assert_int_equal(out.data_len, 8);
	/* NO_DIRTY device has no dirty capability */
	assert_int_equal(hw_info(ctx, sizeof(out), 0, f->nd_idev, 0, NULL, 0, &out), 0);
	assert_int_equal(out.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING, 0);
	/* PASID device: width 20 */
	assert_int_equal(m_mock_domain_flags(ctx, f->ioas, MOCK_FLAGS_DEVICE_PASID,
					     &pstdev, NULL, &pidev), 0);
	assert_int_equal(hw_info(ctx, sizeof(out), 0, pidev, 0, NULL, 0, &out), 0);
	assert_int_equal(out.out_max_pasid_log2, 20);
	/* input type */
	assert_int_equal(hw_info(ctx, sizeof(out), IOMMU_HW_INFO_FLAG_INPUT_TYPE, f->idev,
				 IOMMU_HW_INFO_TYPE_SELFTEST, NULL, 0, &out), 0);
	assert_int_equal(hw_info(ctx, sizeof(out), IOMMU_HW_INFO_FLAG_INPUT_TYPE, f->idev,
				 IOMMU_HW_INFO_TYPE_SELFTEST + 1, NULL, 0, NULL), -EOPNOTSUPP);
	/* without INPUT_TYPE the in type is ignored */
	assert_int_equal(hw_info(ctx, sizeof(out), 0, f->idev, 12345, NULL, 0, NULL), 0);
	/* errors */
	assert_int_equal(hw_info(ctx, sizeof(out), 2, f->idev, 0, NULL, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(hw_info(ctx, sizeof(out), 0, f->ioas, 0, NULL, 0, NULL), -ENOENT);
	assert_int_equal(hw_info(ctx, sizeof(out), 0, f->idev, 0, (void *)8, 8, NULL), -EFAULT);
	assert_int_equal(hw_info(ctx, 28, 0, f->idev, 0, NULL, 0, NULL), -EINVAL);
	{
		struct iommu_hw_info cmd = { .size = sizeof(cmd), .dev_id = f->idev };

		cmd.__reserved[1] = 1;
		assert_int_equal(uiommufd_ioctl(ctx, IOMMU_GET_HW_INFO, &cmd), -EOPNOTSUPP);
	}
}

static long set_dirty(struct uiommufd_ctx *ctx, uint32_t hwpt, uint32_t flags)
{
	struct iommu_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd), .flags = flags, .hwpt_id = hwpt,
	};

	return uiommufd_ioctl(ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
}

static long get_bitmap(struct uiommufd_ctx *ctx, uint32_t hwpt, uint32_t flags,
		       uint64_t iova, uint64_t length, uint64_t pgsize, void *bm)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd), .hwpt_id = hwpt, .flags = flags, .iova = iova,
		.length = length, .page_size = pgsize, .data = (uint64_t)(uintptr_t)bm,
	};

	return uiommufd_ioctl(ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
}

static long mark_dirty(struct uiommufd_ctx *ctx, uint32_t hwpt, uint64_t iova,
		       uint64_t length, uint64_t pgsize, void *bm, uint64_t *nr)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_DIRTY, .id = hwpt,
	};
	long rc;

	cmd.dirty.iova = iova;
	cmd.dirty.length = length;
	cmd.dirty.page_size = pgsize;
	cmd.dirty.uptr = (uint64_t)(uintptr_t)bm;
	rc = uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
	if (nr)
		*nr = cmd.dirty.out_nr_dirty;
	return rc;
}

static bool bit(const uint8_t *bm, uint64_t n)
{
	return bm[n / 8] & (1u << (n % 8));
}

static void test_dirty(void **state)
{
	struct fix *f = *state;
	struct uiommufd_ctx *ctx = f->ctx;
	uint64_t len = 64 * PAGE, iova = MOCK_START, nbits = len / 2048, nr;
	uint32_t ioas, hwpt, stdev;
	uint8_t *mark = calloc(1, nbits / 8 + 1), *bm = calloc(1, nbits / 8 + 8);
	void *buf = m_buf(len);

	assert_int_equal(m_ioas(ctx, &ioas), 0);
	/* huge pages off: each CPU page mapped on its own, 2 KiB entries */
	assert_int_equal(m_option_huge(ctx, ioas, 0), 0);
	assert_int_equal(hwpt_alloc(ctx, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, f->idev, ioas,
				    0, NULL, 0, &hwpt), 0);
	/* NO_DIRTY device onto a dirty HWPT: EINVAL (attach and replace) */
	assert_int_equal(m_mock_domain_flags(ctx, hwpt, MOCK_FLAGS_DEVICE_NO_DIRTY,
					     NULL, NULL, NULL), -EINVAL);
	assert_int_equal(m_replace(ctx, f->nd_stdev, hwpt, NULL), -EINVAL);
	assert_int_equal(m_mock_domain(ctx, hwpt, &stdev, NULL, NULL), 0);
	assert_int_equal(m_map(ctx, ioas, buf, len, &iova, true), 0);

	/* set-dirty rows */
	assert_int_equal(set_dirty(ctx, hwpt, 2), -EOPNOTSUPP);
	assert_int_equal(set_dirty(ctx, ioas, 1), -ENOENT);
	assert_int_equal(set_dirty(ctx, f->hwpt, 1), -EOPNOTSUPP); /* auto: no dirty ops */
	/* DIRTY op rows */
	mark[0] = 1;
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 0, mark, NULL), -EINVAL);
	assert_int_equal(mark_dirty(ctx, hwpt, iova, 0, 2048, mark, NULL), -EINVAL);
	assert_int_equal(mark_dirty(ctx, hwpt, iova + 1, len, 2048, mark, NULL), -EINVAL);
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 2048, NULL, NULL), -EINVAL);
	assert_int_equal(mark_dirty(ctx, hwpt, 0, (1ULL << 27) * 2048 + 2048, 2048, mark, NULL), -EOVERFLOW);
	assert_int_equal(mark_dirty(ctx, ioas, iova, len, 2048, mark, NULL), -ENOENT);
	/* tracking off */
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 2048, mark, NULL), -EINVAL);
	assert_int_equal(set_dirty(ctx, hwpt, 1), 0);
	assert_int_equal(set_dirty(ctx, hwpt, 1), 0);
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 2048, (void *)8, NULL), -EFAULT);

	/* mark one 2 KiB unit at every CPU page boundary */
	memset(mark, 0, nbits / 8 + 1);
	for (uint64_t i = 0; i < nbits; i += PAGE / 2048)
		mark[i / 8] |= 1u << (i % 8);
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 2048, mark, &nr), 0);
	assert_int_equal(nr, len / PAGE);

	/* GET_DIRTY_BITMAP rows */
	assert_int_equal(get_bitmap(ctx, hwpt, 2, iova, len, 2048, bm), -EOPNOTSUPP);
	assert_int_equal(get_bitmap(ctx, ioas, 0, iova, len, 2048, bm), -ENOENT);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, UINT64_MAX - 10, 100, 2048, bm), -EOVERFLOW);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, iova + 512, len, 2048, bm), -EINVAL);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, iova, len, 0, bm), -EINVAL);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, iova, len + 2048 * 3, 8192, bm), -EINVAL);
	assert_int_equal(get_bitmap(ctx, f->hwpt, 0, iova, len, 2048, bm), -EOPNOTSUPP);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, iova, len, 2048, (void *)8), -ENOMEM);

	/* A page_size that is not a power of two is checked with a mask, as
	 * upstream's iommufd_check_iova_range() does, and reports at its
	 * lowest set bit: 6144 behaves like 2048 here (iova mod 6144 != 0). */
	{
		uint8_t *bm2 = calloc(1, nbits / 8 + 8);

		memset(bm, 0, nbits / 8 + 8);
		assert_int_equal(get_bitmap(ctx, hwpt, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
					    iova, len, 3 * 2048, bm2), 0);
		assert_int_equal(get_bitmap(ctx, hwpt, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
					    iova, len, 2048, bm), 0);
		assert_memory_equal(bm, bm2, nbits / 8);
		assert_true(bit(bm2, 0));
		free(bm2);
	}

	/* NO_CLEAR: reported twice */
	for (int round = 0; round < 2; round++) {
		memset(bm, 0, nbits / 8 + 8);
		assert_int_equal(get_bitmap(ctx, hwpt, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
					    iova, len, 2048, bm), 0);
		for (uint64_t i = 0; i < nbits; i++)
			assert_int_equal(bit(bm, i), bit(mark, i));
	}
	/* clearing read: reported once, then gone */
	memset(bm, 0, nbits / 8 + 8);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, iova, len, 2048, bm), 0);
	for (uint64_t i = 0; i < nbits; i++)
		assert_int_equal(bit(bm, i), bit(mark, i));
	memset(bm, 0, nbits / 8 + 8);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, iova, len, 2048, bm), 0);
	for (uint64_t i = 0; i < nbits; i++)
		assert_false(bit(bm, i));
	/* bits are only ever set; unaligned bitmap pointer; coarser page size */
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 2048, mark, &nr), 0);
	{
		uint8_t *odd = bm + 1;

		memset(bm, 0xff, nbits / 8 + 8);
		memset(odd, 0, len / PAGE / 8 + 1);
		assert_int_equal(get_bitmap(ctx, hwpt, 0, iova, len, PAGE, odd), 0);
		for (uint64_t i = 0; i < len / PAGE; i++)
			assert_true(bit(odd, i));
		assert_int_equal(bm[0], 0xff);
	}
	/* enabling again after disable starts clean */
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 2048, mark, &nr), 0);
	assert_int_equal(set_dirty(ctx, hwpt, 0), 0);
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 2048, mark, NULL), -EINVAL);
	assert_int_equal(set_dirty(ctx, hwpt, 1), 0);
	memset(bm, 0, nbits / 8 + 8);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, iova, len, 2048, bm), 0);
	for (uint64_t i = 0; i < nbits; i++)
		assert_false(bit(bm, i));

	/* DIRTY counts set bits even over holes */
	assert_int_equal(mark_dirty(ctx, hwpt, iova + len, len, 2048, mark, &nr), 0);
	assert_int_equal(nr, len / PAGE);

	assert_int_equal(m_destroy(ctx, stdev), 0);
	assert_int_equal(m_destroy(ctx, hwpt), 0);
	assert_int_equal(m_destroy(ctx, ioas), 0);
	assert_int_equal(m_check_refs(ctx, buf, len, 0), 0);
	munmap(buf, len);
	free(mark);
	free(bm);
}

/* HUGE page table: a 1 MiB leaf reports all 512 of its 2 KiB bits. */
static void test_dirty_huge(void **state)
{
	struct fix *f = *state;
	struct uiommufd_ctx *ctx = f->ctx;
	struct iommu_hwpt_selftest data = { 0, MOCK_IOMMUPT_HUGE };
	uint64_t mb = 1ULL << 20, len = 4 * mb, iova = 16 * mb, nbits = len / 2048;
	uint8_t *mark = calloc(1, nbits / 8), *bm = calloc(1, nbits / 8);
	uint32_t ioas, hwpt;
	char *raw, *buf;

	/* 1 MiB-aligned memory so that 1 MiB leaves are possible */
	raw = mmap(NULL, len + mb, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(raw != MAP_FAILED);
	buf = (char *)(((uintptr_t)raw + mb - 1) & ~(uintptr_t)(mb - 1));
	memset(buf, 1, len);
	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(hwpt_alloc(ctx, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, f->idev, ioas,
				    IOMMU_HWPT_DATA_SELFTEST, &data, 8, &hwpt), 0);
	assert_int_equal(m_map(ctx, ioas, buf, len, &iova, true), 0);
	assert_int_equal(m_check_map(ctx, hwpt, iova, buf, len), 0);
	assert_int_equal(set_dirty(ctx, hwpt, 1), 0);
	/* mark one 2 KiB unit at every 2 MiB boundary */
	for (uint64_t i = 0; i < nbits; i += 2 * mb / 2048)
		mark[i / 8] |= 1u << (i % 8);
	assert_int_equal(mark_dirty(ctx, hwpt, iova, len, 2048, mark, NULL), 0);
	assert_int_equal(get_bitmap(ctx, hwpt, 0, iova, len, 2048, bm), 0);
	for (uint64_t i = 0; i < nbits; i++)
		assert_int_equal(bit(bm, i), (i % (2 * mb / 2048)) < mb / 2048);
	assert_int_equal(m_destroy(ctx, hwpt), 0);
	assert_int_equal(m_destroy(ctx, ioas), 0);
	munmap(raw, len + mb);
	free(mark);
	free(bm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hwpt_alloc_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hw_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirty_huge, setup, teardown),
	};

	PAGE = page_size();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

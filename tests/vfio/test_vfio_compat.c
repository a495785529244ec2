/* SPDX-License-Identifier: MIT */
/*
 * VFIO container compatibility on a context (errors.md §V, semantics.md §14),
 * driven through uiommufd_ioctl() with the VFIO request numbers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "uiommufd/iommufd_abi.h"
#include "uiommufd/uiommufd.h"

struct fixture {
	struct uiommufd_ctx *ctx;
	uint32_t ioas;
	char *buf;
	size_t page;
};

static long ioc(struct fixture *f, unsigned long req, void *arg)
{
	return uiommufd_ioctl(f->ctx, req, arg);
}

static int setup(void **state)
{
	static struct fixture f;

	f.page = (size_t)sysconf(_SC_PAGESIZE);
	assert_int_equal(uiommufd_open(&f.ctx), 0);
	assert_int_equal(uiommufd_ioas_alloc(f.ctx, &f.ioas), 0);
	f.buf = mmap(NULL, 64 * f.page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(f.buf != MAP_FAILED);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	munmap(f->buf, 64 * f->page);
	uiommufd_close(f->ctx);
	return 0;
}

static void set_compat(struct fixture *f)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v), .ioas_id = f->ioas,
				     .op = IOMMU_VFIO_IOAS_SET };

	assert_int_equal(ioc(f, IOMMU_VFIO_IOAS, &v), 0);
}

static long map_dma(struct fixture *f, uint32_t flags, void *va, uint64_t iova,
		    uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags,
		.vaddr = (uint64_t)(uintptr_t)va, .iova = iova, .size = size,
	};

	return ioc(f, VFIO_IOMMU_MAP_DMA, &m);
}

static long unmap_dma(struct fixture *f, uint32_t flags, uint64_t iova,
		      uint64_t size, uint64_t *out)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = 24, .flags = flags, .iova = iova, .size = size,
	};
	long rc = ioc(f, VFIO_IOMMU_UNMAP_DMA, &u);

	if (out)
		*out = u.size;
	return rc;
}

static void test_version_and_extensions(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ioc(f, VFIO_GET_API_VERSION, NULL), 0);
	assert_int_equal(ioc(f, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1_IOMMU), 1);
	assert_int_equal(ioc(f, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1v2_IOMMU), 1);
	assert_int_equal(ioc(f, VFIO_CHECK_EXTENSION, (void *)VFIO_UNMAP_ALL), 1);
	assert_int_equal(ioc(f, VFIO_CHECK_EXTENSION, (void *)VFIO_UPDATE_VADDR), 0);
	assert_int_equal(ioc(f, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1_NESTING_IOMMU), 0);
	/* DMA_CC needs a compat IOAS */
	assert_int_equal(ioc(f, VFIO_CHECK_EXTENSION, (void *)VFIO_DMA_CC_IOMMU), -ENODEV);
	set_compat(f);
	assert_int_equal(ioc(f, VFIO_CHECK_EXTENSION, (void *)VFIO_DMA_CC_IOMMU), 1);
	assert_int_equal(ioc(f, VFIO_IOMMU_DIRTY_PAGES, NULL), -ENOTTY);
	assert_int_equal(ioc(f, _IO(';', 99), NULL), -ENOTTY);
}

static void test_no_compat_ioas(void **state)
{
	struct fixture *f = *state;
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };

	assert_int_equal(ioc(f, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), -ENODEV);
	/* the type check comes first */
	assert_int_equal(ioc(f, VFIO_SET_IOMMU, (void *)7), -EINVAL);
	assert_int_equal(ioc(f, VFIO_IOMMU_GET_INFO, &info), -ENODEV);
	assert_int_equal(map_dma(f, 3, f->buf, 0x100000, f->page), -ENODEV);
	/* flags are checked before the compat IOAS */
	assert_int_equal(map_dma(f, 4, f->buf, 0x100000, f->page), -EINVAL);
	assert_int_equal(unmap_dma(f, 0, 0x100000, f->page, NULL), -ENODEV);
	assert_int_equal(unmap_dma(f, 1, 0x100000, f->page, NULL), -EINVAL);
	/* bad argument pointers */
	assert_int_equal(ioc(f, VFIO_IOMMU_GET_INFO, NULL), -EFAULT);
	assert_int_equal(ioc(f, VFIO_IOMMU_MAP_DMA, NULL), -EFAULT);
	assert_int_equal(ioc(f, VFIO_IOMMU_UNMAP_DMA, NULL), -EFAULT);
}

static void test_map_unmap_type1v2(void **state)
{
	struct fixture *f = *state;
	uint64_t size = 0;

	set_compat(f);
	assert_int_equal(ioc(f, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(map_dma(f, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
				 f->buf, 0x100000, 8 * f->page), 0);
	/* overlapping map: EEXIST like IOAS_MAP */
	assert_int_equal(map_dma(f, 1, f->buf, 0x100000, f->page), -EEXIST);
	/* no flags at all is accepted (a mapping without access rights) */
	assert_int_equal(map_dma(f, 0, f->buf, 0x200000, f->page), 0);
	/* argsz too small */
	{
		struct vfio_iommu_type1_dma_map m = { .argsz = 31, .flags = 1 };

		assert_int_equal(ioc(f, VFIO_IOMMU_MAP_DMA, &m), -EINVAL);
	}
	/* type1v2: a partial unmap is refused, size written back as 0 */
	assert_int_equal(unmap_dma(f, 0, 0x100000, f->page, &size), -ENOENT);
	assert_int_equal(size, 0);
	assert_int_equal(unmap_dma(f, 0, 0x100000, 8 * f->page, &size), 0);
	assert_int_equal(size, 8 * f->page);
	/* 7.2: unmapping an empty range succeeds with size 0, twice */
	assert_int_equal(unmap_dma(f, 0, 0x100000, 8 * f->page, &size), 0);
	assert_int_equal(size, 0);
	assert_int_equal(unmap_dma(f, 0, 0x100000, 8 * f->page, &size), 0);
	assert_int_equal(size, 0);
	/* size 0 and overflow */
	assert_int_equal(unmap_dma(f, 0, 0x100000, 0, NULL), -EINVAL);
	assert_int_equal(unmap_dma(f, 0, UINT64_MAX - 10, 100, NULL), -EOVERFLOW);
	/* ALL needs iova == size == 0 */
	assert_int_equal(unmap_dma(f, VFIO_DMA_UNMAP_FLAG_ALL, 1, 0, NULL), -EINVAL);
	assert_int_equal(unmap_dma(f, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &size), 0);
	assert_int_equal(size, f->page);
}

static void test_type1_splits(void **state)
{
	struct fixture *f = *state;
	uint64_t size = 0, total = 0;
	const uint64_t base = 0x400000;

	set_compat(f);
	assert_int_equal(ioc(f, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU), 0);
	assert_int_equal(map_dma(f, 3, f->buf, base, 16 * f->page), 0);
	/* type1: any page-aligned piece can be unmapped, in any order */
	assert_int_equal(unmap_dma(f, 0, base + 4 * f->page, 2 * f->page, &size), 0);
	assert_int_equal(size, 2 * f->page);
	assert_int_equal(unmap_dma(f, 0, base, f->page, &size), 0);
	assert_int_equal(size, f->page);
	assert_int_equal(unmap_dma(f, 0, base + 15 * f->page, f->page, &size), 0);
	assert_int_equal(size, f->page);
	/* what remains: pages 1-3 and 6-14 = 12 pages, in pieces */
	{
		struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = f->ioas,
					      .iova = 0, .length = UINT64_MAX };

		assert_int_equal(ioc(f, IOMMU_IOAS_UNMAP, &u), 0);
		total = u.length;
	}
	assert_int_equal(total, 12 * f->page);
	/* a byte-granular cut is refused once the IOAS wants page alignment */
	assert_int_equal(map_dma(f, 3, f->buf, base, 4 * f->page), 0);
	assert_int_equal(unmap_dma(f, 0, base + 1, f->page, &size), -EINVAL);
}

static void test_get_info(void **state)
{
	struct fixture *f = *state;
	unsigned char raw[256];
	struct vfio_iommu_type1_info *info = (void *)raw;
	struct vfio_iommu_type1_info_dma_avail *avail = (void *)(raw + 24);
	struct vfio_iommu_type1_info_cap_iova_range *ranges = (void *)(raw + 40);

	set_compat(f);
	memset(raw, 0xa5, sizeof(raw));
	info->argsz = sizeof(raw);
	assert_int_equal(ioc(f, VFIO_IOMMU_GET_INFO, info), 0);
	assert_int_equal(info->flags, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
	assert_int_equal(info->cap_offset, 24);
	assert_int_equal(info->argsz, 24 + 16 + 16 + 16);
	assert_true(info->iova_pgsizes & f->page);
	assert_int_equal(info->iova_pgsizes & (f->page - 1), 0);
	assert_int_equal(avail->header.id, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	assert_int_equal(avail->header.next, 40);
	assert_int_equal(ranges->header.id, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	assert_int_equal(ranges->header.next, 0);
	assert_int_equal(ranges->nr_iovas, 1);
	assert_int_equal(ranges->iova_ranges[0].start, 0);
	assert_true(ranges->iova_ranges[0].end == UINT64_MAX);
	/* bytes past the answer are never written */
	assert_int_equal(raw[72], 0xa5);

	/* room for the header only: caps not written, argsz says what is needed */
	memset(raw, 0xa5, sizeof(raw));
	info->argsz = 24;
	assert_int_equal(ioc(f, VFIO_IOMMU_GET_INFO, info), 0);
	assert_int_equal(info->argsz, 72);
	assert_int_equal(info->cap_offset, 0);
	assert_int_equal(raw[24], 0xa5);

	/* argsz 16: only 16 bytes written back */
	memset(raw, 0xa5, sizeof(raw));
	info->argsz = 16;
	assert_int_equal(ioc(f, VFIO_IOMMU_GET_INFO, info), 0);
	assert_int_equal(info->argsz, 72);
	assert_int_equal(raw[16], 0xa5);

	info->argsz = 15;
	assert_int_equal(ioc(f, VFIO_IOMMU_GET_INFO, info), -EINVAL);
}

static void test_compat_cleared_on_destroy(void **state)
{
	struct fixture *f = *state;
	struct iommu_vfio_ioas v = { .size = sizeof(v), .op = IOMMU_VFIO_IOAS_GET };
	uint32_t other;

	assert_int_equal(uiommufd_ioas_alloc(f->ctx, &other), 0);
	v.op = IOMMU_VFIO_IOAS_SET;
	v.ioas_id = other;
	assert_int_equal(ioc(f, IOMMU_VFIO_IOAS, &v), 0);
	assert_int_equal(uiommufd_destroy(f->ctx, other), 0);
	v.op = IOMMU_VFIO_IOAS_GET;
	assert_int_equal(ioc(f, IOMMU_VFIO_IOAS, &v), -ENODEV);
	assert_int_equal(map_dma(f, 3, f->buf, 0x100000, f->page), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_version_and_extensions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_compat_ioas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_unmap_type1v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type1_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compat_cleared_on_destroy, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

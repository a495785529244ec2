/* SPDX-License-Identifier: MIT */
/*
 * Platform profiles and the emulated-device C API (uiommufd.h "Emulated
 * devices and IOMMU profiles"): each built-in profile narrows IOVA_RANGES to
 * its aperture minus its reserved regions, reports its alignment and HW info;
 * devices of different IOMMUs never share an auto HWPT; a reserved region
 * that hits a mapping blocks the attach with EADDRINUSE; custom profiles
 * from a config file, with their error rows.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "mock_util.h"

static uint64_t PAGE;

struct want {
	const char *name;
	struct iommu_iova_range r[4];
	uint32_t n;
	uint32_t hw_type;
	bool dirty;
};

static const struct want wants[] = {
	{ "intel-vtd", { { 0, 0xfedfffff }, { 0xfef00000, (1ULL << 48) - 1 } }, 2,
	  IOMMU_HW_INFO_TYPE_INTEL_VTD, true },
	{ "amd-vi", { { 0, 0xfedfffff }, { 0xfef00000, 0xfcffffffffULL },
		      { 0x10000000000ULL, (1ULL << 48) - 1 } }, 3,
	  IOMMU_HW_INFO_TYPE_AMD, true },
	{ "arm-smmuv3", { { 0, 0x7ffffff }, { 0x8100000, (1ULL << 48) - 1 } }, 2,
	  IOMMU_HW_INFO_TYPE_ARM_SMMUV3, false },
	{ "dma32", { { 0, 0xfedfffff }, { 0xfef00000, 0xffffffff } }, 2,
	  IOMMU_HW_INFO_TYPE_INTEL_VTD, true },
	{ "mock", { { MOCK_START, MOCK_LAST } }, 1, IOMMU_HW_INFO_TYPE_SELFTEST, true },
};

static void test_builtin(void **state)
{
	(void)state;
	for (size_t w = 0; w < sizeof(wants) / sizeof(wants[0]); w++) {
		struct uiommufd_ctx *ctx = m_open();
		struct uiommufd_device *dev;
		struct iommu_iova_range r[8];
		struct iommu_hw_info info = { .size = sizeof(info) };
		uint32_t ioas, hwpt, n;
		uint64_t align;

		assert_int_equal(m_ioas(ctx, &ioas), 0);
		assert_int_equal(uiommufd_device_create(ctx, wants[w].name, &dev), 0);
		assert_int_equal(uiommufd_device_attach(dev, ioas, &hwpt), 0);
		assert_int_equal(uiommufd_device_attach(dev, ioas, NULL), -EBUSY);
		assert_int_equal(m_ranges(ctx, ioas, r, 8, &n, &align), 0);
		assert_int_equal(n, wants[w].n);
		for (uint32_t i = 0; i < n; i++) {
			assert_int_equal(r[i].start, wants[w].r[i].start);
			assert_int_equal(r[i].last, wants[w].r[i].last);
		}
		assert_int_equal(align, strcmp(wants[w].name, "mock") ? 4096 : 2048);
		info.dev_id = uiommufd_device_id(dev);
		assert_int_equal(uiommufd_ioctl(ctx, IOMMU_GET_HW_INFO, &info), 0);
		assert_int_equal(info.out_data_type, wants[w].hw_type);
		assert_int_equal(!!(info.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING),
				 wants[w].dirty);
		/* the DEVICE belongs to its binder */
		assert_int_equal(m_destroy(ctx, uiommufd_device_id(dev)), -EBUSY);
		assert_int_equal(m_destroy(ctx, hwpt), -EBUSY);
		assert_int_equal(uiommufd_device_detach(dev), 0);
		assert_int_equal(m_destroy(ctx, hwpt), -ENOENT);
		assert_int_equal(m_ranges(ctx, ioas, r, 8, &n, &align), 0);
		assert_int_equal(n, 1);
		assert_int_equal(align, 1);
		/* the device keeps the context alive past close */
		uiommufd_close(ctx);
		assert_int_equal(uiommufd_device_attach(dev, ioas, NULL), 0);
		uiommufd_device_destroy(dev);
	}
	{
		struct uiommufd_ctx *ctx = m_open();
		struct uiommufd_device *dev;

		assert_int_equal(uiommufd_device_create(ctx, "no-such", &dev), -ENOENT);
		uiommufd_close(ctx);
	}
	{
		const char *const *names = uiommufd_profile_names();
		int n = 0;

		while (names[n])
			n++;
		assert_true(n >= 5);
	}
}

/* Devices of different IOMMUs get separate auto HWPTs; same IOMMU shares. */
static void test_sharing_and_resv(void **state)
{
	struct uiommufd_ctx *ctx = m_open();
	struct uiommufd_device *a, *b, *c;
	uint32_t ioas, ha, hb, hc, n;
	struct iommu_iova_range r[8];
	uint64_t iova = 0xfee00000;
	void *buf = m_buf(PAGE);

	(void)state;
	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(uiommufd_device_create(ctx, "intel-vtd", &a), 0);
	assert_int_equal(uiommufd_device_create(ctx, "intel-vtd", &b), 0);
	assert_int_equal(uiommufd_device_create(ctx, "dma32", &c), 0);
	assert_int_equal(uiommufd_device_attach(a, ioas, &ha), 0);
	assert_int_equal(uiommufd_device_attach(b, ioas, &hb), 0);
	assert_int_equal(ha, hb);
	assert_int_equal(uiommufd_device_attach(c, ioas, &hc), 0);
	assert_true(hc != ha);
	/* the union: aperture of dma32 wins */
	assert_int_equal(m_ranges(ctx, ioas, r, 8, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[1].last, 0xffffffff);
	/* replace c onto a's HWPT: refused (domain of another IOMMU) */
	assert_int_equal(uiommufd_device_replace(c, ha, NULL), -EINVAL);
	assert_int_equal(uiommufd_device_detach(c), 0);
	assert_int_equal(uiommufd_device_detach(a), 0);
	assert_int_equal(uiommufd_device_detach(b), 0);
	/* a mapping in the MSI window blocks an x86 device, nothing changes */
	assert_int_equal(m_map(ctx, ioas, buf, PAGE, &iova, true), 0);
	assert_int_equal(uiommufd_device_attach(a, ioas, NULL), -EADDRINUSE);
	assert_int_equal(m_ranges(ctx, ioas, r, 8, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m_check_refs(ctx, buf, PAGE, 0), 0);
	/* but not an Arm one */
	{
		struct uiommufd_device *arm;

		assert_int_equal(uiommufd_device_create(ctx, "arm-smmuv3", &arm), 0);
		assert_int_equal(uiommufd_device_attach(arm, ioas, NULL), 0);
		assert_int_equal(m_check_refs(ctx, buf, PAGE, 1), 0);
		uiommufd_device_destroy(arm);
		assert_int_equal(m_check_refs(ctx, buf, PAGE, 0), 0);
	}
	uiommufd_device_destroy(a);
	uiommufd_device_destroy(b);
	uiommufd_device_destroy(c);
	uiommufd_close(ctx);
	munmap(buf, PAGE);
}

static int write_file(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/uiommufd-profile-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return 0;
}

static void test_config_file(void **state)
{
	struct uiommufd_ctx *ctx = m_open();
	struct uiommufd_device *dev;
	struct iommu_iova_range r[8];
	char path[64];
	unsigned int line;
	uint32_t ioas, n;
	uint64_t align;
	static const struct {
		const char *text;
		unsigned int line;
	} bad[] = {
		{ "name = x\nfoo = 1\n", 2 },
		{ "name = x\ngranule = 3000\n", 0 },
		{ "name = x\npage_sizes = 4K,3K\n", 2 },
		{ "name = x\naperture = 5-4\n", 2 },
		{ "name = x\nreserved = 0x10\n", 2 },
		{ "name = x\ndirty_tracking = maybe\n", 2 },
		{ "name = x\npasid_bits = 21\n", 2 },
		{ "name = x\nbase = intel-vtd\n", 2 },
		{ "no equals sign\n", 1 },
		{ "granule = 4096\n", 0 }, /* no name */
		{ "name = x\npage_sizes = 8K\n", 0 }, /* base page above CPU page */
		{ "name = x\naperture = 0x18446744073709551615G-1\n", 2 },
	};

	(void)state;
	write_file(path, "# a custom IOMMU\nbase = intel-vtd\nname = custom-1\n"
			 "aperture = 0x100000-0x3fffffff   # 1 MiB .. 1 GiB\n"
			 "reserved = 0x200000-0x2fffff\nreserved = 0x400000-0x4fffff\n"
			 "dirty_tracking = no\npasid_bits = 8\n");
	assert_int_equal(uiommufd_device_create_from_file(ctx, path, &dev, &line), 0);
	unlink(path);
	assert_int_equal(m_ioas(ctx, &ioas), 0);
	assert_int_equal(uiommufd_device_attach(dev, ioas, NULL), 0);
	assert_int_equal(m_ranges(ctx, ioas, r, 8, &n, &align), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].start, 0x100000);
	assert_int_equal(r[0].last, 0x1fffff);
	assert_int_equal(r[1].start, 0x300000);
	assert_int_equal(r[1].last, 0x3fffff);
	assert_int_equal(r[2].start, 0x500000);
	assert_int_equal(r[2].last, 0x3fffffff);
	assert_int_equal(align, 4096);
	{
		struct iommu_hw_info info = { .size = sizeof(info), .dev_id = uiommufd_device_id(dev) };

		assert_int_equal(uiommufd_ioctl(ctx, IOMMU_GET_HW_INFO, &info), 0);
		assert_int_equal(info.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING, 0);
		assert_int_equal(info.out_max_pasid_log2, 8);
	}
	uiommufd_device_destroy(dev);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i].text);
		line = 999;
		assert_int_equal(uiommufd_device_create_from_file(ctx, path, &dev, &line), -EINVAL);
		assert_int_equal(line, bad[i].line);
		unlink(path);
	}
	write_file(path, "base = no-such-profile\n");
	assert_int_equal(uiommufd_device_create_from_file(ctx, path, &dev, &line), -ENOENT);
	unlink(path);
	assert_int_equal(uiommufd_device_create_from_file(ctx, "/nonexistent/x", &dev, NULL), -ENOENT);
	uiommufd_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_sharing_and_resv),
		cmocka_unit_test(test_config_file),
	};

	PAGE = page_size();
	if (PAGE != 4096) {
		printf("1..0 # SKIP profiles assume 4 KiB CPU pages\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

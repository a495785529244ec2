// SPDX-License-Identifier: MIT
/*
 * fail_nth sweep: every fallible step of a scenario is failed in turn.
 *
 * A scenario is a setup (run with injection disarmed) and one step under
 * test (an ioctl through uiommufd_ioctl, or open/close).  For nth = 1, 2, ...
 * the sweep builds the setup in a fresh context, dumps the state
 * (iommufd_ctx_dump, canonical text), arms point nth, runs the step, disarms,
 * and then checks:
 *   - if the armed point fired, the step returned a clean negative errno
 *     (ENOMEM for allocations, EFAULT for user copies and pins) and the dump
 *     after equals the dump before -- except where the spec keeps a partial
 *     effect: a failed result write-back of MAP/COPY/UNMAP/OPTION keeps the
 *     change (semantics.md §12);
 *   - if it did not fire, the step succeeded: the sweep is over, and `nth - 1`
 *     is the number of points the step passes;
 *   - in both cases, closing the context leaves no pin and no charge, and
 *     (under ASan/LSan) no leaked memory.
 * An observer records the name of every point reached, so the run reports
 * which named points the sweeps reached.
 *
 * Scenarios that need mock domains or accesses probe for the test op first;
 * until those layers land, the probe's -EOPNOTSUPP is asserted and the
 * scenario reports that it had nothing to sweep.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <cmocka.h>

#include "core/dump.h"
#include "uiommufd/iommufd_abi.h"
#include "uiommufd/uiommufd.h"
#include "umem/umem.h"
#include "util/fault_inject.h"

#define NPAGES 16
#define MAX_NTH 100000

static uint8_t *buf;
static size_t pgsz;

/* ---- point names reached ---- */
static char *seen_names[256];
static unsigned int nseen;
static char failed_name[128];

static void observer(const char *name, bool failed)
{
	unsigned int i;

	if (failed)
		snprintf(failed_name, sizeof(failed_name), "%s", name);
	for (i = 0; i < nseen; i++)
		if (!strcmp(seen_names[i], name))
			return;
	if (nseen < 256)
		seen_names[nseen++] = strdup(name);
}

/* ---- fixture ---- */
struct fx {
	struct uiommufd_ctx *ctx;
	uint32_t ioas, ioas2;
	uint32_t stdev, hwpt, idev, dirty_hwpt;
	int access_fd;
	uint64_t iova;
	struct uiommufd_access *ua;	/* device-emulator API access */
	bool ua_pinned;
};

static long ioctl_(struct fx *f, unsigned long req, void *arg)
{
	return uiommufd_ioctl(f->ctx, req, arg);
}

static uint32_t must_ioas(struct fx *f)
{
	struct iommu_ioas_alloc c = { .size = sizeof(c) };

	assert_int_equal(ioctl_(f, IOMMU_IOAS_ALLOC, &c), 0);
	return c.out_ioas_id;
}

static long do_map(struct fx *f, uint32_t ioas, size_t off, size_t len,
		   uint64_t *iova, bool fixed)
{
	struct iommu_ioas_map c = {
		.size = sizeof(c),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.ioas_id = ioas,
		.user_va = (uintptr_t)(buf + off),
		.length = len,
		.iova = fixed ? *iova : 0,
	};
	long rc = ioctl_(f, IOMMU_IOAS_MAP, &c);

	if (!rc)
		*iova = c.iova;
	return rc;
}

static long test_cmd(struct fx *f, struct iommu_test_cmd *c)
{
	c->size = sizeof(*c);
	return ioctl_(f, IOMMU_TEST_CMD, c);
}

static long add_reserved(struct fx *f, uint32_t ioas, uint64_t start, uint64_t len)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_ADD_RESERVED, .id = ioas };

	c.add_reserved.start = start;
	c.add_reserved.length = len;
	return test_cmd(f, &c);
}

static long mock_domain(struct fx *f, uint32_t ioas)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = ioas };
	long rc = test_cmd(f, &c);

	if (!rc) {
		f->stdev = c.mock_domain.out_stdev_id;
		f->hwpt = c.mock_domain.out_hwpt_id;
		f->idev = c.mock_domain.out_idev_id;
	}
	return rc;
}

static long create_access(struct fx *f, uint32_t ioas)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_CREATE_ACCESS, .id = ioas };
	long rc;

	c.create_access.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;
	rc = test_cmd(f, &c);
	if (!rc)
		f->access_fd = (int)c.create_access.out_access_fd;
	return rc;
}

/* ---- setups ---- */
static void setup_none(struct fx *f) { (void)f; }

static void setup_ioas(struct fx *f)
{
	f->ioas = must_ioas(f);
}

static void setup_ioas_mapped(struct fx *f)
{
	/* everything inside the DEFAULT mock aperture [0x1000000, 0x7fffffff] */
	uint64_t iova = 0x1100000;

	setup_ioas(f);
	assert_int_equal(add_reserved(f, f->ioas, 0x1800000, 0x1000), 0);
	assert_int_equal(do_map(f, f->ioas, 0, 4 * pgsz, &iova, true), 0);
	iova = 0x1200000;
	assert_int_equal(do_map(f, f->ioas, 4 * pgsz, 4 * pgsz, &iova, true), 0);
	f->iova = 0x1100000;
}

static void setup_two_ioas(struct fx *f)
{
	setup_ioas_mapped(f);
	f->ioas2 = must_ioas(f);
}

static void setup_allowed(struct fx *f)
{
	struct iommu_iova_range r[2] = { { 0x1010000, 0x11fffff }, { 0x1400000, 0x14fffff } };
	struct iommu_ioas_allow_iovas c = {
		.size = sizeof(c), .num_iovas = 2, .allowed_iovas = (uintptr_t)r,
	};

	setup_ioas_mapped(f);
	c.ioas_id = f->ioas;
	assert_int_equal(ioctl_(f, IOMMU_IOAS_ALLOW_IOVAS, &c), 0);
}

static bool have_mock;
static bool have_access;

/* The compat IOAS in VFIO type1 (v1) mode, with a 4-page MAP_DMA. */
static void setup_vfio(struct fx *f)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v), .op = IOMMU_VFIO_IOAS_SET };
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf, .iova = 0x1400000, .size = 4 * pgsz,
	};

	setup_ioas_mapped(f);
	v.ioas_id = f->ioas;
	assert_int_equal(ioctl_(f, IOMMU_VFIO_IOAS, &v), 0);
	assert_int_equal(ioctl_(f, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1_IOMMU), 0);
	assert_int_equal(ioctl_(f, VFIO_IOMMU_MAP_DMA, &m), 0);
}

static void setup_domain(struct fx *f)
{
	setup_ioas_mapped(f);
	assert_int_equal(mock_domain(f, f->ioas), 0);
}

static void setup_access(struct fx *f)
{
	setup_ioas_mapped(f);
	assert_int_equal(create_access(f, f->ioas), 0);
}

/* The pin callback of the C API access: drop our pin when asked. */
static void ua_unmap(void *priv, uint64_t iova, uint64_t length)
{
	struct fx *f = priv;

	(void)iova;
	(void)length;
	if (f->ua_pinned)
		uiommufd_dma_unpin(f->ua, f->iova, 2 * pgsz);
	f->ua_pinned = false;
}

static void setup_api_access(struct fx *f)
{
	setup_ioas_mapped(f);
	assert_int_equal(uiommufd_access_open(f->ctx, f->ioas, ua_unmap, f, &f->ua), 0);
}

/* A dirty-tracking HWPT on the IOAS, the mock device moved onto it,
 * tracking on. */
static void setup_dirty(struct fx *f)
{
	struct iommu_hwpt_alloc h = {
		.size = sizeof(h), .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
	};
	struct iommu_test_cmd r = { .op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE };
	struct iommu_hwpt_set_dirty_tracking t = {
		.size = sizeof(t), .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
	};

	setup_domain(f);
	h.dev_id = f->idev;
	h.pt_id = f->ioas;
	assert_int_equal(ioctl_(f, IOMMU_HWPT_ALLOC, &h), 0);
	f->dirty_hwpt = h.out_hwpt_id;
	r.id = f->stdev;
	r.mock_domain_replace.pt_id = f->dirty_hwpt;
	assert_int_equal(test_cmd(f, &r), 0);
	t.hwpt_id = f->dirty_hwpt;
	assert_int_equal(ioctl_(f, IOMMU_HWPT_SET_DIRTY_TRACKING, &t), 0);
}

static void setup_everything(struct fx *f)
{
	setup_two_ioas(f);
	if (have_mock)
		assert_int_equal(mock_domain(f, f->ioas), 0);
	if (have_access)
		assert_int_equal(create_access(f, f->ioas2), 0);
}

/* ---- steps ---- */
static long step_open(struct fx *f)
{
	return uiommufd_open(&f->ctx);
}

static long step_ioas_alloc(struct fx *f)
{
	struct iommu_ioas_alloc c = { .size = sizeof(c) };

	return ioctl_(f, IOMMU_IOAS_ALLOC, &c);
}

static long step_map_auto(struct fx *f)
{
	uint64_t iova = 0;

	return do_map(f, f->ioas, 8 * pgsz, 8 * pgsz, &iova, false);
}

static long step_map_fixed(struct fx *f)
{
	uint64_t iova = 0x1300000;

	return do_map(f, f->ioas, pgsz, 6 * pgsz, &iova, true);
}

static long step_copy(struct fx *f, uint32_t dst, bool fixed)
{
	struct iommu_ioas_copy c = {
		.size = sizeof(c),
		.flags = IOMMU_IOAS_MAP_READABLE | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.dst_ioas_id = dst,
		.src_ioas_id = f->ioas,
		.length = 2 * pgsz,
		.dst_iova = 0x1600000,
		.src_iova = f->iova + pgsz,
	};

	return ioctl_(f, IOMMU_IOAS_COPY, &c);
}

static long step_copy_auto(struct fx *f) { return step_copy(f, f->ioas2, false); }
static long step_copy_fixed(struct fx *f) { return step_copy(f, f->ioas2, true); }
static long step_copy_same(struct fx *f) { return step_copy(f, f->ioas, true); }

static long step_unmap_one(struct fx *f)
{
	struct iommu_ioas_unmap c = {
		.size = sizeof(c), .ioas_id = f->ioas, .iova = 0x1100000,
		.length = 4 * pgsz,
	};

	return ioctl_(f, IOMMU_IOAS_UNMAP, &c);
}

static long step_unmap_all(struct fx *f)
{
	struct iommu_ioas_unmap c = {
		.size = sizeof(c), .ioas_id = f->ioas, .iova = 0, .length = UINT64_MAX,
	};

	return ioctl_(f, IOMMU_IOAS_UNMAP, &c);
}

static long step_allow(struct fx *f)
{
	struct iommu_iova_range r[3] = {
		{ 0x1100000, 0x12fffff }, { 0x1900000, 0x19fffff }, { 0x1a00000, 0x1afffff },
	};
	struct iommu_ioas_allow_iovas c = {
		.size = sizeof(c), .ioas_id = f->ioas, .num_iovas = 3,
		.allowed_iovas = (uintptr_t)r,
	};

	return ioctl_(f, IOMMU_IOAS_ALLOW_IOVAS, &c);
}

static long step_allow_many(struct fx *f)
{
	struct iommu_iova_range r[40];
	struct iommu_ioas_allow_iovas c = {
		.size = sizeof(c), .ioas_id = f->ioas, .num_iovas = 40,
		.allowed_iovas = (uintptr_t)r,
	};

	for (unsigned int i = 0; i < 40; i++) {
		r[i].start = 0x2000000 + (uint64_t)i * 0x100000;
		r[i].last = r[i].start + 0xfffff;
	}
	return ioctl_(f, IOMMU_IOAS_ALLOW_IOVAS, &c);
}

static long step_iova_ranges(struct fx *f)
{
	struct iommu_iova_range r[4];
	struct iommu_ioas_iova_ranges c = {
		.size = sizeof(c), .ioas_id = f->ioas, .num_iovas = 4,
		.allowed_iovas = (uintptr_t)r,
	};

	return ioctl_(f, IOMMU_IOAS_IOVA_RANGES, &c);
}

static long step_add_reserved(struct fx *f)
{
	return add_reserved(f, f->ioas, 0x20000000, 0x100000);
}

static long step_option_huge(struct fx *f)
{
	struct iommu_option c = {
		.size = sizeof(c), .option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET, .object_id = f->ioas, .val64 = 0,
	};

	return ioctl_(f, IOMMU_OPTION, &c);
}

static long step_option_get(struct fx *f)
{
	struct iommu_option c = {
		.size = sizeof(c), .option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_GET,
	};

	return ioctl_(f, IOMMU_OPTION, &c);
}

static long step_destroy(struct fx *f)
{
	struct iommu_destroy c = { .size = sizeof(c), .id = f->ioas };

	return ioctl_(f, IOMMU_DESTROY, &c);
}

/* A struct longer than the library's, with a zero tail (checked, accepted). */
static long step_map_oversized(struct fx *f)
{
	struct {
		struct iommu_ioas_map map;
		uint64_t tail;
	} c = {
		.map = {
			.size = sizeof(c),
			.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_FIXED_IOVA,
			.ioas_id = f->ioas, .user_va = (uintptr_t)buf,
			.length = pgsz, .iova = 0x1300000,
		},
	};

	return ioctl_(f, IOMMU_IOAS_MAP, &c);
}

static long step_check_map(struct fx *f)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_MD_CHECK_MAP, .id = f->hwpt };

	c.check_map.iova = f->iova;
	c.check_map.length = 4 * pgsz;
	c.check_map.uptr = (uintptr_t)buf;
	return test_cmd(f, &c);
}

/* In type1 (v1) mode a partial unmap splits the area first (§14). */
static long step_vfio_unmap_split(struct fx *f)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = 0x1401000, .size = pgsz,
	};

	return ioctl_(f, VFIO_IOMMU_UNMAP_DMA, &u);
}

static long step_vfio_get_info(struct fx *f)
{
	uint64_t info[32] = { 0 };
	struct vfio_iommu_type1_info *i = (void *)info;

	i->argsz = sizeof(info);
	return ioctl_(f, VFIO_IOMMU_GET_INFO, info);
}

static long step_mock_domain(struct fx *f)
{
	return mock_domain(f, f->ioas);
}

static long step_detach(struct fx *f)
{
	struct iommu_destroy c = { .size = sizeof(c), .id = f->stdev };

	return ioctl_(f, IOMMU_DESTROY, &c);
}

static long step_map_with_domain(struct fx *f)
{
	return step_map_fixed(f);
}

static long step_create_access(struct fx *f)
{
	long rc = create_access(f, f->ioas);

	return rc;
}

static long step_access_pages(struct fx *f)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_ACCESS_PAGES,
				    .id = (uint32_t)f->access_fd };

	c.access_pages.iova = f->iova + pgsz;
	c.access_pages.length = 2 * pgsz;
	/* the memory that backs the IOVA range, as the op requires */
	c.access_pages.uptr = (uintptr_t)(buf + pgsz);
	return test_cmd(f, &c);
}

static long step_access_rw(struct fx *f)
{
	uint8_t tmp[64];
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_ACCESS_RW,
				    .id = (uint32_t)f->access_fd };

	c.access_rw.iova = f->iova + pgsz - 32;
	c.access_rw.length = sizeof(tmp);
	c.access_rw.uptr = (uintptr_t)tmp;
	return test_cmd(f, &c);
}

static long step_api_dma_pin(struct fx *f);

static void setup_api_pinned(struct fx *f)
{
	setup_api_access(f);
	assert_int_equal(step_api_dma_pin(f), 0);
}

static long step_api_access_open(struct fx *f)
{
	return uiommufd_access_open(f->ctx, f->ioas, ua_unmap, f, &f->ua);
}

static long step_api_dma_pin(struct fx *f)
{
	struct uiommufd_sg sg[4];
	size_t n = 0;
	int rc = uiommufd_dma_pin(f->ua, f->iova, 2 * pgsz, 1, sg, 4, &n);

	if (!rc)
		f->ua_pinned = true;
	return rc;
}

static long step_api_dma_write(struct fx *f)
{
	uint8_t tmp[100];

	memset(tmp, 0x77, sizeof(tmp));
	return uiommufd_dma_write(f->ua, f->iova + pgsz - 50, tmp, sizeof(tmp));
}

static uint64_t dirty_bits[4];

static long step_mark_dirty(struct fx *f)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_DIRTY, .id = f->dirty_hwpt };

	memset(dirty_bits, 0xff, sizeof(dirty_bits));
	c.dirty.iova = f->iova;
	c.dirty.length = 4 * pgsz;
	c.dirty.page_size = pgsz;
	c.dirty.uptr = (uintptr_t)dirty_bits;
	return test_cmd(f, &c);
}

static long step_get_dirty(struct fx *f)
{
	struct iommu_hwpt_get_dirty_bitmap c = {
		.size = sizeof(c), .hwpt_id = f->dirty_hwpt, .iova = f->iova,
		.length = 4 * pgsz, .page_size = pgsz,
		.data = (uintptr_t)dirty_bits,
		.flags = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
	};

	memset(dirty_bits, 0, sizeof(dirty_bits));
	return ioctl_(f, IOMMU_HWPT_GET_DIRTY_BITMAP, &c);
}

static long step_close(struct fx *f)
{
	uiommufd_close(f->ctx);
	f->ctx = NULL;
	if (f->access_fd > 0) {
		uiommufd_fd_close(f->access_fd);
		f->access_fd = -1;
	}
	return 0;
}

/* ---- the sweep ---- */
enum partial {
	PARTIAL_NONE,
	PARTIAL_WRITEBACK,	/* a failed result copy keeps the change */
	PARTIAL_SPLIT,		/* also: VFIO cuts persist when a later step fails */
	PARTIAL_UNREPORTED,	/* GET_DIRTY_BITMAP: faults writing the bitmap
				 * are not reported (semantics.md §15) */
};

struct scenario {
	const char *name;
	void (*setup)(struct fx *f);
	long (*step)(struct fx *f);
	enum partial partial;
	bool needs_ctx;		/* false: the step creates the context */
	bool closes;		/* the step closes the context itself */
};

static uint64_t total_points_reached;

static void fx_teardown(struct fx *f)
{
	struct umem_mm *mm;

	if (f->access_fd > 0)
		uiommufd_fd_close(f->access_fd);
	f->access_fd = -1;
	if (f->ua) {
		if (f->ua_pinned)
			assert_int_equal(uiommufd_dma_unpin(f->ua, f->iova, 2 * pgsz), 0);
		uiommufd_access_close(f->ua);
	}
	f->ua = NULL;
	f->ua_pinned = false;
	if (f->ctx)
		uiommufd_close(f->ctx);
	f->ctx = NULL;
	mm = umem_mm_current();
	assert_non_null(mm);
	assert_int_equal(umem_pinned_total(mm), 0);
	assert_int_equal(umem_accounted(mm, UMEM_ACCOUNT_USER), 0);
	assert_int_equal(umem_accounted(mm, UMEM_ACCOUNT_MM), 0);
	umem_mm_put(mm);
}

/* Close what a failed run left open, so one failure does not cascade into
 * the pin checks of every later test. */
static void fx_abandon(struct fx *f)
{
	if (f->access_fd > 0)
		uiommufd_fd_close(f->access_fd);
	if (f->ua)
		uiommufd_access_close(f->ua);
	if (f->ctx)
		uiommufd_close(f->ctx);
	memset(f, 0, sizeof(*f));
	f->access_fd = -1;
}

#define sweep_fail(f, ...)                                                    \
	do {                                                                  \
		fx_abandon(f);                                                \
		fail_msg(__VA_ARGS__);                                        \
	} while (0)

static bool errno_clean(long rc)
{
	return rc == -ENOMEM || rc == -EFAULT;
}

static void run_sweep(const struct scenario *sc)
{
	uint64_t nth, points = 0;

	for (nth = 1; nth < MAX_NTH; nth++) {
		struct fx f = { .access_fd = -1 };
		char *before = NULL, *after = NULL;
		bool fired;
		long rc;

		if (sc->needs_ctx) {
			assert_int_equal(uiommufd_open(&f.ctx), 0);
			sc->setup(&f);
			before = iommufd_ctx_dump((struct iommufd_ctx *)f.ctx);
			assert_non_null(before);
		}
		failed_name[0] = 0;
		fault_inject_arm(nth);
		rc = sc->step(&f);
		fired = fault_inject_fired();
		points = fault_inject_disarm();
		if (!fired) {
			if (rc < 0)
				sweep_fail(&f, "%s: nth=%llu: rc=%ld without an injected fault",
					 sc->name, (unsigned long long)nth, rc);
			free(before);
			fx_teardown(&f);
			break;
		}
		if (sc->closes) {
			/* close cannot fail; an injected point there must not leak */
			assert_true(rc >= 0);
		} else if (sc->partial == PARTIAL_UNREPORTED && rc == 0 &&
			   !strcmp(failed_name, "umem.copy_to_user")) {
			/* the bitmap write fault is swallowed, as specified */
		} else if (!errno_clean(rc)) {
			sweep_fail(&f, "%s: nth=%llu (%s): rc=%ld, want -ENOMEM or -EFAULT",
				 sc->name, (unsigned long long)nth, failed_name, rc);
		}
		if (before && f.ctx && !sc->closes) {
			after = iommufd_ctx_dump((struct iommufd_ctx *)f.ctx);
			assert_non_null(after);
			bool writeback = (sc->partial == PARTIAL_WRITEBACK ||
					  sc->partial == PARTIAL_SPLIT) &&
					 !strcmp(failed_name, "umem.copy_to_user");
			bool split = sc->partial == PARTIAL_SPLIT &&
				     !strncmp(failed_name, "iopt.split.", 11);

			if (split) {
				/* the cut made before the failing one may stay */
				writeback = true;
				if (rc != -ENOMEM)
					sweep_fail(&f, "%s: nth=%llu: failed split gave %ld",
						   sc->name, (unsigned long long)nth, rc);
			}
			if (!writeback && strcmp(before, after)) {
				fprintf(stderr, "--- before (%s nth=%llu %s)\n%s--- after\n%s",
					sc->name, (unsigned long long)nth,
					failed_name, before, after);
				free(before);
				free(after);
				sweep_fail(&f, "%s: nth=%llu (%s): state changed by a failed call",
					 sc->name, (unsigned long long)nth, failed_name);
			}
			if (writeback && !split && rc != -EFAULT)
				sweep_fail(&f, "%s: nth=%llu: failed write-back gave %ld, want -EFAULT",
					   sc->name, (unsigned long long)nth, rc);
		}
		free(before);
		free(after);
		fx_teardown(&f);
	}
	assert_true(nth < MAX_NTH);
	total_points_reached += nth - 1;
	printf("# %s: %llu failure points swept (step passes %llu points)\n",
	       sc->name, (unsigned long long)(nth - 1), (unsigned long long)points);
}

#define SC(n, s, st, p) { .name = n, .setup = s, .step = st, .partial = p, .needs_ctx = true }

static const struct scenario core_scenarios[] = {
	{ .name = "open", .setup = setup_none, .step = step_open },
	SC("ioas_alloc", setup_none, step_ioas_alloc, PARTIAL_NONE),
	SC("map_auto", setup_ioas_mapped, step_map_auto, PARTIAL_WRITEBACK),
	SC("map_fixed", setup_ioas_mapped, step_map_fixed, PARTIAL_WRITEBACK),
	SC("map_first", setup_ioas, step_map_fixed, PARTIAL_WRITEBACK),
	SC("copy_auto", setup_two_ioas, step_copy_auto, PARTIAL_WRITEBACK),
	SC("copy_fixed", setup_two_ioas, step_copy_fixed, PARTIAL_WRITEBACK),
	SC("copy_same_ioas", setup_ioas_mapped, step_copy_same, PARTIAL_WRITEBACK),
	SC("unmap_one", setup_ioas_mapped, step_unmap_one, PARTIAL_WRITEBACK),
	SC("unmap_all", setup_ioas_mapped, step_unmap_all, PARTIAL_WRITEBACK),
	SC("allow_iovas", setup_allowed, step_allow, PARTIAL_NONE),
	SC("allow_iovas_40", setup_ioas_mapped, step_allow_many, PARTIAL_NONE),
	SC("iova_ranges", setup_allowed, step_iova_ranges, PARTIAL_NONE),
	SC("add_reserved", setup_ioas_mapped, step_add_reserved, PARTIAL_NONE),
	SC("option_huge_pages", setup_ioas_mapped, step_option_huge, PARTIAL_WRITEBACK),
	SC("option_get", setup_ioas, step_option_get, PARTIAL_NONE),
	SC("destroy", setup_ioas_mapped, step_destroy, PARTIAL_NONE),
	SC("map_oversized_struct", setup_ioas_mapped, step_map_oversized, PARTIAL_WRITEBACK),
	SC("vfio_unmap_split", setup_vfio, step_vfio_unmap_split, PARTIAL_SPLIT),
	SC("vfio_get_info", setup_vfio, step_vfio_get_info, PARTIAL_NONE),
};

static const struct scenario mock_scenarios[] = {
	SC("mock_domain_attach", setup_ioas_mapped, step_mock_domain, PARTIAL_NONE),
	SC("mock_domain_detach", setup_domain, step_detach, PARTIAL_NONE),
	SC("map_with_domain", setup_domain, step_map_with_domain, PARTIAL_WRITEBACK),
	SC("copy_with_domain", setup_domain, step_copy_same, PARTIAL_WRITEBACK),
	SC("unmap_with_domain", setup_domain, step_unmap_all, PARTIAL_WRITEBACK),
	SC("mock_domain_second_device", setup_domain, step_mock_domain, PARTIAL_NONE),
	SC("md_check_map", setup_domain, step_check_map, PARTIAL_NONE),
	/* DIRTY marks pages (a kept effect when its result copy fails) */
	SC("dirty_mark", setup_dirty, step_mark_dirty, PARTIAL_WRITEBACK),
	SC("dirty_get_bitmap", setup_dirty, step_get_dirty, PARTIAL_UNREPORTED),
};

static const struct scenario access_scenarios[] = {
	SC("create_access", setup_ioas_mapped, step_create_access, PARTIAL_NONE),
	SC("access_pages", setup_access, step_access_pages, PARTIAL_NONE),
	SC("access_rw", setup_access, step_access_rw, PARTIAL_NONE),
	SC("unmap_with_access", setup_access, step_unmap_all, PARTIAL_WRITEBACK),
	SC("api_access_open", setup_ioas_mapped, step_api_access_open, PARTIAL_NONE),
	SC("api_dma_pin", setup_api_access, step_api_dma_pin, PARTIAL_NONE),
	SC("api_dma_write", setup_api_access, step_api_dma_write, PARTIAL_NONE),
	SC("unmap_with_api_pin", setup_api_pinned, step_unmap_all, PARTIAL_WRITEBACK),
};

static void test_core(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(core_scenarios) / sizeof(core_scenarios[0]); i++)
		run_sweep(&core_scenarios[i]);
}

/* Probe a test op on a throwaway context. */
static long probe(long (*fn)(struct fx *f, uint32_t ioas))
{
	struct fx f = { .access_fd = -1 };
	long rc;

	assert_int_equal(uiommufd_open(&f.ctx), 0);
	f.ioas = must_ioas(&f);
	rc = fn(&f, f.ioas);
	fx_teardown(&f);
	return rc;
}

static void test_mock(void **state)
{
	long rc = probe(mock_domain);

	(void)state;
	have_mock = rc == 0;
	if (!have_mock) {
		assert_int_equal(rc, -EOPNOTSUPP);
		printf("# mock domains not implemented yet: nothing to sweep\n");
		return;
	}
	for (size_t i = 0; i < sizeof(mock_scenarios) / sizeof(mock_scenarios[0]); i++)
		run_sweep(&mock_scenarios[i]);
}

static void test_access(void **state)
{
	long rc = probe(create_access);

	(void)state;
	have_access = rc == 0;
	if (!have_access) {
		assert_int_equal(rc, -EOPNOTSUPP);
		printf("# accesses not implemented yet: nothing to sweep\n");
		return;
	}
	for (size_t i = 0; i < sizeof(access_scenarios) / sizeof(access_scenarios[0]); i++)
		run_sweep(&access_scenarios[i]);
}

static void test_close_live(void **state)
{
	static const struct scenario sc = {
		.name = "close_everything_live", .setup = setup_everything,
		.step = step_close, .needs_ctx = true, .closes = true,
	};

	(void)state;
	run_sweep(&sc);
}

static char *dump_of(struct fx *f)
{
	char *d = iommufd_ctx_dump((struct iommufd_ctx *)f->ctx);

	assert_non_null(d);
	return d;
}

/* The dump is the sweep's only witness: it must see every visible change,
 * and be equal for equal states. */
static void test_dump_sensitivity(void **state)
{
	struct fx f = { .access_fd = -1 }, g = { .access_fd = -1 };
	char *d0, *d1, *d2, *e1;
	uint64_t iova = 0x1300000;

	(void)state;
	assert_int_equal(uiommufd_open(&f.ctx), 0);
	assert_int_equal(uiommufd_open(&g.ctx), 0);
	setup_ioas_mapped(&f);
	setup_ioas_mapped(&g);
	d0 = dump_of(&f);
	e1 = dump_of(&g);
	assert_string_equal(d0, e1);	/* same state, two contexts */
	assert_non_null(strstr(d0, "area [0x1100000,"));
	assert_non_null(strstr(d0, "reserved: [0x1800000,0x1800fff]"));
	assert_int_equal(do_map(&f, f.ioas, 0, pgsz, &iova, true), 0);
	d1 = dump_of(&f);
	assert_true(strcmp(d0, d1) != 0);
	free(e1);
	if (have_mock) {
		assert_int_equal(mock_domain(&f, f.ioas), 0);
		d2 = dump_of(&f);
		assert_non_null(strstr(d2, "domain 0:"));
		assert_non_null(strstr(d2, "leaf_entries="));
		assert_null(strstr(d2, "(unmapped)"));
		assert_true(strcmp(d1, d2) != 0);
		free(d2);
	}
	free(d0);
	free(d1);
	fx_teardown(&f);
	fx_teardown(&g);
}

static void test_report(void **state)
{
	(void)state;
	printf("# total: %llu failure points swept; %u distinct named points reached:\n",
	       (unsigned long long)total_points_reached, nseen);
	for (unsigned int i = 0; i < nseen; i++)
		printf("#   %s\n", seen_names[i]);
	assert_true(total_points_reached > 0);
	assert_true(nseen > 0);
}

/*
 * Without CAP_IPC_LOCK every pin is charged to RLIMIT_MEMLOCK, so the
 * accounting points are swept and every teardown checks the charge returns
 * to zero.  Dropped from the effective set only (this process, this test).
 */
static void drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return;
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	if (syscall(SYS_capset, &hdr, data))
		printf("# could not drop CAP_IPC_LOCK: accounting not swept\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core),
		cmocka_unit_test(test_mock),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_close_live),
		cmocka_unit_test(test_dump_sensitivity),
		cmocka_unit_test(test_report),
	};
	int rc;

	drop_ipc_lock();
	pgsz = (size_t)sysconf(_SC_PAGESIZE);
	buf = mmap(NULL, NPAGES * pgsz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 0x5a, NPAGES * pgsz);
	fault_inject_set_observer(observer);
	rc = cmocka_run_group_tests_name("fail_nth", tests, NULL, NULL);
	fault_inject_set_observer(NULL);
	for (unsigned int i = 0; i < nseen; i++)
		free(seen_names[i]);
	munmap(buf, NPAGES * pgsz);
	return rc;
}

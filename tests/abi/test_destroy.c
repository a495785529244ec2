/* SPDX-License-Identifier: MIT */
/*
 * test_destroy.c - IOMMU_DESTROY (errors.md §1) and the object-ID rules of
 * semantics.md §10.1, plus close() with live objects (§10.4).
 *
 * IDs are u32, lowest free first from 1, reused after destroy; 0 never
 * exists.  A lookup of a freed, never-allocated, 0 or out-of-range ID is
 * ENOENT.  DESTROY is EBUSY while anything besides the ID table holds the
 * object; the only holder reachable without mock domains/accesses is another
 * thread's in-flight ioctl (6.5+), which this file provokes by parking an
 * ALLOW_IOVAS call on a userfaultfd page: the call has looked the IOAS up
 * (errors.md §4 row 2) and blocks while reading its array (row 3).
 *
 * Rows not reachable here (need HWPTs/devices/accesses, later suites):
 * §1 row 2 for IOAS-with-HWPT, IOAS-with-access, DEVICE, ACCESS, HWPT with
 * an attached device.  "Wrong type" lookups need a second object type; the
 * only type creatable here is IOAS, so wrong-type is covered as "ID of a
 * destroyed object" and "ID never allocated".
 */
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi_util.h"

/* §1 row 1: ID 0, never allocated, the largest IDs. */
static void destroy_enoent(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ids[] = { 0, 1, 2, 0x7fffffff, 0x80000000, UINT32_MAX };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(k_destroy(ctx, ids[i]), -ENOENT);
	/* the failed destroys consumed nothing */
	assert_int_equal(next_free_id(ctx), 1);
}

/* §10.1: lowest free first from 1, reuse after destroy. */
static void ids_lowest_free_first(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t id[5];

	for (int i = 0; i < 5; i++) {
		id[i] = must_ioas(ctx);
		assert_int_equal(id[i], (uint32_t)i + 1);
	}
	assert_int_equal(k_destroy(ctx, 2), 0);
	assert_int_equal(k_destroy(ctx, 4), 0);
	assert_int_equal(must_ioas(ctx), 2);
	assert_int_equal(must_ioas(ctx), 4);
	assert_int_equal(must_ioas(ctx), 6);
	assert_int_equal(k_destroy(ctx, 1), 0);
	assert_int_equal(must_ioas(ctx), 1);
}

/* §1 row 1: a freed ID is ENOENT for DESTROY and for every IOAS command. */
static void stale_id(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint32_t keep = must_ioas(ctx);
	uint64_t va = (uintptr_t)mem_rw(PAGE);
	uint64_t iova = PAGE, v = 0;
	uint32_t num = 0;
	struct kabi_iova_range r = { PAGE, 2 * PAGE - 1 };

	must_map_fixed(ctx, ioas, va, PAGE, PAGE);
	assert_int_equal(k_destroy(ctx, ioas), 0);
	assert_int_equal(k_destroy(ctx, ioas), -ENOENT);
	assert_int_equal(k_map(ctx, ioas, KABI_MAP_RW | KABI_MAP_FIXED_IOVA,
			       va, PAGE, &iova), -ENOENT);
	assert_int_equal(k_unmap(ctx, ioas, 0, KABI_U64_MAX, NULL), -ENOENT);
	assert_int_equal(k_ranges(ctx, ioas, NULL, &num, NULL), -ENOENT);
	assert_int_equal(k_allow(ctx, ioas, &r, 1), -ENOENT);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, keep, ioas, PAGE, PAGE,
				&iova), -ENOENT);
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_GET, ioas, &v), -ENOENT);
	assert_int_equal(k_reserve(ctx, ioas, PAGE, PAGE), -ENOENT);
	/* the ID is free again */
	assert_int_equal(must_ioas(ctx), ioas);
}

/* Destroying an IOAS with mappings, allowed and reserved ranges succeeds
 * (no domain, no access holds it) and releases everything (ASan). */
static void destroy_populated_ioas(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint8_t *buf = mem_rw(16 * PAGE);
	struct kabi_iova_range r = { 64 * PAGE, 128 * PAGE - 1 };

	for (int i = 0; i < 8; i++)
		must_map_fixed(ctx, ioas, (uintptr_t)buf + i * PAGE, PAGE,
			       (2 + 2 * i) * PAGE);
	assert_int_equal(k_allow(ctx, ioas, &r, 1), 0);
	must_reserve(ctx, ioas, 1000 * PAGE, PAGE);
	assert_int_equal(k_destroy(ctx, ioas), 0);
	assert_int_equal(k_destroy(ctx, ioas), -ENOENT);
	/* a new IOAS with the same ID starts empty */
	assert_int_equal(must_ioas(ctx), ioas);
	assert_int_equal(unmap_count(ctx, ioas, 0, KABI_U64_MAX), 0);
	assert_int_equal(ioas_alignment(ctx, ioas), 1);
	assert_int_equal(k_reserve(ctx, ioas, 64 * PAGE, PAGE), 0);
}

/* §10.4: close with live objects frees everything; checked by ASan/LSan. */
static void close_with_live_objects(void **state)
{
	struct uiommufd_ctx *ctx = abi_open();
	uint8_t *buf = mem_rw(8 * PAGE);
	uint32_t a, b, id;
	uint64_t iova = 0;
	struct kabi_iova_range r[2] = {
		{ 16 * PAGE, 32 * PAGE - 1 },
		{ 64 * PAGE, 96 * PAGE - 1 },
	};

	(void)state;
	a = must_ioas(ctx);
	b = must_ioas(ctx);
	must_map_fixed(ctx, a, (uintptr_t)buf, 8 * PAGE, PAGE);
	assert_int_equal(k_copy(ctx, KABI_MAP_RW, b, a, 2 * PAGE, 4 * PAGE,
				&iova), 0);
	assert_int_equal(k_allow(ctx, b, r, 2), 0);
	must_reserve(ctx, a, 100 * PAGE, PAGE);
	id = a;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_SET, &id), 0);
	uiommufd_close(ctx);

	/* a new context is independent: IDs start at 1 again */
	ctx = abi_open();
	assert_int_equal(must_ioas(ctx), 1);
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), -ENODEV);
	uiommufd_close(ctx);
}

/* Two contexts do not share an ID space or objects. */
static void contexts_are_independent(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	struct uiommufd_ctx *other = abi_open();

	assert_int_equal(must_ioas(ctx), 1);
	assert_int_equal(must_ioas(ctx), 2);
	assert_int_equal(must_ioas(other), 1);
	assert_int_equal(k_destroy(other, 2), -ENOENT);
	assert_int_equal(k_destroy(other, 1), 0);
	assert_int_equal(k_destroy(ctx, 1), 0);
	uiommufd_close(other);
}

/* ---- §1 row 2: EBUSY while another thread's ioctl uses the object ---- */

struct parked {
	struct uiommufd_ctx *ctx;
	uint32_t ioas;
	struct kabi_iova_range *ranges;
	long ret;
};

static void *parked_allow(void *arg)
{
	struct parked *p = arg;

	p->ret = k_allow(p->ctx, p->ioas, p->ranges, 1);
	return NULL;
}

static void destroy_busy_inflight(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct uffdio_copy cp = { 0 };
	struct uffd_msg msg;
	struct pollfd pfd;
	struct parked p = { .ctx = ctx, .ioas = ioas };
	struct kabi_iova_range *src = mem_rw(PAGE);
	pthread_t thr;
	uint8_t *page;

	/* userfaultfd is the test's tool, not the library's; it is available
	 * to root on every supported host. */
	assert_true(uffd >= 0);
	assert_int_equal(ioctl(uffd, UFFDIO_API, &api), 0);
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	reg.range.start = (uintptr_t)page;
	reg.range.len = PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	assert_int_equal(ioctl(uffd, UFFDIO_REGISTER, &reg), 0);

	p.ranges = (struct kabi_iova_range *)page;
	assert_int_equal(pthread_create(&thr, NULL, parked_allow, &p), 0);

	pfd.fd = uffd;
	pfd.events = POLLIN;
	/* the library must touch the array: that parks the thread */
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	assert_int_equal(read(uffd, &msg, sizeof(msg)), (ssize_t)sizeof(msg));
	assert_int_equal(msg.event, UFFD_EVENT_PAGEFAULT);

	/* the in-flight ALLOW_IOVAS holds the IOAS: EBUSY, nothing changes */
	assert_int_equal(k_destroy(ctx, ioas), -EBUSY);
	assert_int_equal(k_destroy(ctx, ioas), -EBUSY);

	src[0].start = 16 * PAGE;
	src[0].last = 32 * PAGE - 1;
	cp.dst = (uintptr_t)page;
	cp.src = (uintptr_t)src;
	cp.len = PAGE;
	assert_int_equal(ioctl(uffd, UFFDIO_COPY, &cp), 0);
	assert_int_equal(pthread_join(thr, NULL), 0);
	assert_int_equal(p.ret, 0);

	/* the parked call completed against the live IOAS */
	{
		uint64_t iova = 0;

		assert_int_equal(k_map_auto(ctx, ioas,
					    va_with_lowbit(PAGE, PAGE), PAGE,
					    &iova), 0);
		assert_int_equal(iova, 16 * PAGE);
	}
	assert_int_equal(k_destroy(ctx, ioas), 0);
	munmap(page, PAGE);
	close(uffd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(destroy_enoent, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(ids_lowest_free_first,
						abi_setup, abi_teardown),
		cmocka_unit_test_setup_teardown(stale_id, abi_setup,
						abi_teardown),
		cmocka_unit_test_setup_teardown(destroy_populated_ioas,
						abi_setup, abi_teardown),
		cmocka_unit_test_setup_teardown(close_with_live_objects,
						abi_setup, abi_teardown),
		cmocka_unit_test_setup_teardown(contexts_are_independent,
						abi_setup, abi_teardown),
		cmocka_unit_test_setup_teardown(destroy_busy_inflight,
						abi_setup, abi_teardown),
	};

	return cmocka_run_group_tests_name("abi_destroy", tests,
					   abi_group_setup, NULL);
}

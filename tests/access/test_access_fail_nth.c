/* SPDX-License-Identifier: MIT */
/*
 * test_access_fail_nth.c - fault-injection sweeps over the access
 * operations: for n = 1, 2, ... fail the n-th should_fail() point reached
 * by one operation, and check that a failed call left nothing behind (no
 * pin, no item, no object, the access still usable where it was), until a
 * run reaches fewer than n points and must succeed.  Run under ASan, a
 * failure path that leaks or double-frees shows up as well.
 *
 * White-box only in how it arms injection (util/fault_inject.h); every
 * operation goes through uiommufd_ioctl() or the public API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "access_util.h"
#include "util/fault_inject.h"

static uint64_t PAGE;

struct fx {
	struct uiommufd_ctx *ctx;
	uint32_t ioas, ioas2;
	unsigned char *buf;	/* 8 pages: two areas of 4 */
	int fd;
	struct uiommufd_access *a;
};

#define BASE 0x100000ULL

static void fx_setup(struct fx *f, bool with_access)
{
	f->fd = -1;
	f->a = NULL;
	assert_int_equal(uiommufd_open(&f->ctx), 0);
	assert_int_equal(t_ioas(f->ctx, &f->ioas), 0);
	assert_int_equal(t_ioas(f->ctx, &f->ioas2), 0);
	assert_int_equal(t_map(f->ctx, f->ioas, f->buf, 4 * PAGE, BASE, T_RW), 0);
	assert_int_equal(t_map(f->ctx, f->ioas, f->buf + 4 * PAGE, 4 * PAGE,
			       BASE + 4 * PAGE, T_RW), 0);
	assert_int_equal(t_map(f->ctx, f->ioas2, f->buf, 8 * PAGE, BASE, T_RW), 0);
	if (with_access)
		assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &f->fd), 0);
}

static void refs_are(void *buf, uint64_t length, uint32_t refs)
{
	struct uiommufd_ctx *probe;

	assert_int_equal(uiommufd_open(&probe), 0);
	assert_int_equal(t_check_refs(probe, buf, length, refs), 0);
	uiommufd_close(probe);
}

static void fx_teardown(struct fx *f)
{
	if (f->a)
		uiommufd_access_close(f->a);
	if (f->fd >= 0)
		assert_int_equal(uiommufd_fd_close(f->fd), 1);
	uiommufd_close(f->ctx);
	refs_are(f->buf, 8 * PAGE, 0);
}

typedef long (*step_fn)(struct fx *f);
/* Checks after the step: `failed` says whether it returned an error. */
typedef void (*check_fn)(struct fx *f, bool failed);

/* `prep` (may be NULL) runs before injection is armed. */
static void sweep(const char *name, bool with_access, step_fn prep,
		  step_fn step, check_fn check)
{
	unsigned char *buf = t_mem(8 * PAGE, PROT_READ | PROT_WRITE, 1);
	uint64_t n;

	assert_non_null(buf);
	for (n = 1;; n++) {
		struct fx f = { .buf = buf };
		bool fired;
		long rc;

		fx_setup(&f, with_access);
		if (prep)
			assert_int_equal(prep(&f), 0);
		fault_inject_arm(n);
		rc = step(&f);
		fault_inject_disarm();
		fired = fault_inject_fired();
		if (fired)
			assert_true(rc < 0);
		else
			assert_int_equal(rc, 0);
		check(&f, rc < 0);
		fx_teardown(&f);
		if (!fired)
			break;
	}
	printf("# %s: %llu failure points swept\n", name, (unsigned long long)n - 1);
	assert_true(n > 1);
	munmap(buf, 8 * PAGE);
}

/* --- CREATE_ACCESS --- */
static long step_create(struct fx *f)
{
	return t_create_access(f->ctx, f->ioas, 1, &f->fd);
}

static void check_create(struct fx *f, bool failed)
{
	uint32_t id = 0;

	if (failed) {
		f->fd = -1;
		/* no object was left: the next ID follows the two IOASes */
		assert_int_equal(t_ioas(f->ctx, &id), 0);
		assert_int_equal(id, f->ioas2 + 1);
	}
}

/* A failed create must not leave the IOAS held: after unmapping it goes. */
static void check_create_ioas_free(struct fx *f, bool failed)
{
	if (!failed)
		return;
	f->fd = -1;
	assert_int_equal(t_unmap(f->ctx, f->ioas, 0, UINT64_MAX, NULL), 0);
	assert_int_equal(t_destroy(f->ctx, f->ioas), 0);
}

/* --- ACCESS_PAGES across both areas --- */
static long step_pages(struct fx *f)
{
	uint32_t id = 0;

	return t_access_pages(f->ctx, f->fd, MOCK_FLAGS_ACCESS_WRITE, BASE + 2 * PAGE,
			      4 * PAGE, f->buf + 2 * PAGE, &id);
}

static void check_pages(struct fx *f, bool failed)
{
	refs_are(f->buf + 2 * PAGE, 4 * PAGE, failed ? 0 : 1);
	refs_are(f->buf, 2 * PAGE, 0);
	/* item 0 exists exactly when the call succeeded */
	assert_int_equal(t_destroy_pages(f->ctx, f->fd, 0), failed ? -ENOENT : 0);
	refs_are(f->buf, 8 * PAGE, 0);
}

/* --- ACCESS_RW, slow path, write across both areas --- */
static unsigned char pattern[3 * 4096 + 100];

static long step_rw(struct fx *f)
{
	return t_access_rw(f->ctx, f->fd, BASE + 3 * PAGE - 50, pattern,
			   2 * PAGE + 100, MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH);
}

static void check_rw(struct fx *f, bool failed)
{
	refs_are(f->buf, 8 * PAGE, 0);
	if (!failed)
		assert_memory_equal(f->buf + 3 * PAGE - 50, pattern, 2 * PAGE + 100);
}

/* --- ACCESS_REPLACE_IOAS with a pin held --- */
static long prep_replace(struct fx *f)
{
	uint32_t id = 0;

	return t_access_pages(f->ctx, f->fd, 0, BASE, PAGE, NULL, &id);
}

static long step_replace(struct fx *f)
{
	return t_replace(f->ctx, f->fd, f->ioas2);
}

static void check_replace(struct fx *f, bool failed)
{
	unsigned char b[8];

	/* failed: still on the first IOAS with its pin; else on the second */
	refs_are(f->buf, PAGE, failed ? 1 : 0);
	assert_int_equal(t_destroy_pages(f->ctx, f->fd, 0), failed ? 0 : -ENOENT);
	assert_int_equal(t_destroy(f->ctx, failed ? f->ioas : f->ioas2), -EBUSY);
	assert_int_equal(t_access_rw(f->ctx, f->fd, BASE + 4 * PAGE - 4, b, 8, 0), 0);
}

/* --- public API: open + pin --- */
static void nop_unmap(void *priv, uint64_t iova, uint64_t length)
{
	(void)priv;
	(void)iova;
	(void)length;
}

static long step_api(struct fx *f)
{
	struct uiommufd_sg sg[4];
	size_t n = 0;
	int rc = uiommufd_access_open(f->ctx, f->ioas, nop_unmap, NULL, &f->a);

	if (rc) {
		f->a = NULL;
		return rc;
	}
	return uiommufd_dma_pin(f->a, BASE + 3 * PAGE, 2 * PAGE, 1, sg, 4, &n);
}

static void check_api(struct fx *f, bool failed)
{
	if (f->a && !failed)
		assert_int_equal(uiommufd_dma_unpin(f->a, BASE + 3 * PAGE, 2 * PAGE), 0);
	refs_are(f->buf, 8 * PAGE, 0);
}

static void sweep_create(void **state)
{
	(void)state;
	sweep("create_access", false, NULL, step_create, check_create);
	sweep("create_access/ioas", false, NULL, step_create, check_create_ioas_free);
}

static void sweep_pages(void **state)
{
	(void)state;
	sweep("access_pages", true, NULL, step_pages, check_pages);
}

static void sweep_rw(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (unsigned char)(i * 5 + 1);
	sweep("access_rw", true, NULL, step_rw, check_rw);
}

static void sweep_replace(void **state)
{
	(void)state;
	sweep("access_replace", true, prep_replace, step_replace, check_replace);
}

static void sweep_api(void **state)
{
	(void)state;
	sweep("api_open_pin", false, NULL, step_api, check_api);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sweep_create),
		cmocka_unit_test(sweep_pages),
		cmocka_unit_test(sweep_rw),
		cmocka_unit_test(sweep_replace),
		cmocka_unit_test(sweep_api),
	};

	PAGE = page_size();
	if (PAGE != 4096) {
		printf("1..0 # SKIP pattern sized for 4 KiB pages\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * test_access_api.c - the device-emulator C API of uiommufd.h ("DMA
 * through an IOAS"): uiommufd_access_open/close, uiommufd_dma_read/write,
 * uiommufd_dma_pin/unpin and the unmap callback.  The IOAS is set up with
 * the ioctl ABI (access_util.h); pin counts are read with MD_CHECK_REFS.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "access_util.h"

static uint64_t PAGE;

struct fixture {
	struct uiommufd_ctx *ctx;
	uint32_t ioas;
	uint64_t base, length;
	unsigned char *buf;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	PAGE = page_size();
	if (!f || uiommufd_open(&f->ctx) || t_ioas(f->ctx, &f->ioas))
		return -1;
	f->base = 0x200000;
	f->length = 6 * PAGE;
	f->buf = t_mem(f->length, PROT_READ | PROT_WRITE, 21);
	/* two adjacent areas over one buffer */
	if (t_map(f->ctx, f->ioas, f->buf, 2 * PAGE, f->base, T_RW) ||
	    t_map(f->ctx, f->ioas, f->buf + 2 * PAGE, 4 * PAGE, f->base + 2 * PAGE, T_RW))
		return -1;
	*state = f;
	return 0;
}

static void refs_are(void *buf, uint64_t length, uint32_t refs)
{
	struct uiommufd_ctx *probe;

	assert_int_equal(uiommufd_open(&probe), 0);
	assert_int_equal(t_check_refs(probe, buf, length, refs), 0);
	uiommufd_close(probe);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	uiommufd_close(f->ctx);
	refs_are(f->buf, f->length, 0);
	munmap(f->buf, f->length);
	free(f);
	return 0;
}

static void open_errors_and_ids(void **state)
{
	struct fixture *f = *state;
	struct uiommufd_access *a;
	uint32_t id = 0;

	assert_int_equal(uiommufd_access_open(f->ctx, 77, NULL, NULL, &a), -ENOENT);
	assert_int_equal(uiommufd_access_open(f->ctx, f->ioas, NULL, NULL, &a), 0);
	id = uiommufd_access_id(a);
	assert_int_equal(id, f->ioas + 1);
	assert_int_equal(t_destroy(f->ctx, id), -EBUSY);
	assert_int_equal(t_destroy(f->ctx, f->ioas), -EBUSY);
	uiommufd_access_close(a);
	assert_int_equal(t_destroy(f->ctx, id), -ENOENT);
}

static void read_write_any_alignment(void **state)
{
	struct fixture *f = *state;
	struct uiommufd_access *a;
	unsigned char put[3 * 4096 + 9], got[sizeof(put)];
	uint64_t offs[] = { 0, 1, PAGE - 1, 2 * PAGE - 5, 3 * PAGE + 3 };

	assert_int_equal(uiommufd_access_open(f->ctx, f->ioas, NULL, NULL, &a), 0);
	for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
		size_t len = sizeof(put);

		if (offs[o] + len > f->length)
			len = f->length - offs[o];
		for (size_t i = 0; i < len; i++)
			put[i] = (unsigned char)(i + o * 31);
		assert_int_equal(uiommufd_dma_write(a, f->base + offs[o], put, len), 0);
		/* visible to the process at once */
		assert_memory_equal(f->buf + offs[o], put, len);
		/* a read sees the process's current memory */
		f->buf[offs[o] + len - 1] = 0xee;
		put[len - 1] = 0xee;
		assert_int_equal(uiommufd_dma_read(a, f->base + offs[o], got, len), 0);
		assert_memory_equal(got, put, len);
	}
	assert_int_equal(uiommufd_dma_read(a, f->base, got, 0), 0);
	assert_int_equal(uiommufd_dma_read(a, f->base - 1, got, 2), -ENOENT);
	assert_int_equal(uiommufd_dma_read(a, f->base + f->length - 1, got, 2), -ENOENT);
	assert_int_equal(uiommufd_dma_write(a, UINT64_MAX, got, 2), -EOVERFLOW);
	/* no pin survives a transfer */
	refs_are(f->buf, f->length, 0);
	uiommufd_access_close(a);
}

static void write_read_only_eperm(void **state)
{
	struct fixture *f = *state;
	struct uiommufd_access *a;
	unsigned char *ro = t_mem(PAGE, PROT_READ, 4);
	unsigned char b[8] = { 0 };

	assert_int_equal(t_map(f->ctx, f->ioas, ro, PAGE, 0x800000,
			       IOMMU_IOAS_MAP_READABLE), 0);
	assert_int_equal(uiommufd_access_open(f->ctx, f->ioas, NULL, NULL, &a), 0);
	assert_int_equal(uiommufd_dma_write(a, 0x800004, b, sizeof(b)), -EPERM);
	assert_int_equal(uiommufd_dma_read(a, 0x800004, b, sizeof(b)), 0);
	assert_memory_equal(b, ro + 4, sizeof(b));
	uiommufd_access_close(a);
	assert_int_equal(t_unmap(f->ctx, f->ioas, 0x800000, PAGE, NULL), 0);
	munmap(ro, PAGE);
}

struct cb_state {
	struct uiommufd_access *a;
	int calls;
	uint64_t iova, length;
	bool unpin;
	uint64_t pin_iova, pin_length;
};

static void cb_unmap(void *priv, uint64_t iova, uint64_t length)
{
	struct cb_state *s = priv;

	s->calls++;
	s->iova = iova;
	s->length = length;
	if (s->unpin && s->pin_length)
		uiommufd_dma_unpin(s->a, s->pin_iova, s->pin_length);
	if (s->unpin)
		s->pin_length = 0;
}

static void pin_sg(void **state)
{
	struct fixture *f = *state;
	struct cb_state s = { .unpin = true };
	struct uiommufd_access *a, *nopin;
	struct uiommufd_sg sg[4];
	size_t n = 0, total = 0;

	assert_int_equal(uiommufd_access_open(f->ctx, f->ioas, NULL, NULL, &nopin), 0);
	assert_int_equal(uiommufd_dma_pin(nopin, f->base, PAGE, 0, sg, 4, &n),
			 -EOPNOTSUPP);
	uiommufd_access_close(nopin);

	assert_int_equal(uiommufd_access_open(f->ctx, f->ioas, cb_unmap, &s, &a), 0);
	s.a = a;
	assert_int_equal(uiommufd_dma_pin(a, f->base + 1, PAGE, 0, sg, 4, &n), -EINVAL);
	assert_int_equal(uiommufd_dma_pin(a, f->base + f->length, PAGE, 0, sg, 4, &n),
			 -ENOENT);
	/* too small a list: nothing stays pinned, the need is reported */
	assert_int_equal(uiommufd_dma_pin(a, f->base, 3 * PAGE, 1, sg, 0, &n), -EMSGSIZE);
	assert_true(n >= 1);
	refs_are(f->buf, f->length, 0);
	/* across the two areas */
	assert_int_equal(uiommufd_dma_pin(a, f->base + PAGE, 2 * PAGE + 10, 1, sg, 4, &n), 0);
	assert_true(n >= 1 && n <= 4);
	refs_are(f->buf + PAGE, 3 * PAGE, 1);
	refs_are(f->buf, PAGE, 0);
	for (size_t i = 0; i < n; i++) {
		/* the list is the process's memory: same bytes, writes show */
		assert_memory_equal(sg[i].addr, f->buf + PAGE + total, sg[i].length);
		((unsigned char *)sg[i].addr)[0] ^= 0xff;
		assert_int_equal(((unsigned char *)sg[i].addr)[0], f->buf[PAGE + total]);
		total += sg[i].length;
	}
	assert_int_equal(total, 2 * PAGE + 10);
	assert_int_equal(uiommufd_dma_unpin(a, f->base + PAGE, 2 * PAGE), -ENOENT);
	assert_int_equal(uiommufd_dma_unpin(a, f->base + PAGE, 2 * PAGE + 10), 0);
	assert_int_equal(uiommufd_dma_unpin(a, f->base + PAGE, 2 * PAGE + 10), -ENOENT);
	refs_are(f->buf, f->length, 0);
	/* sg NULL: pin without the list */
	assert_int_equal(uiommufd_dma_pin(a, f->base, PAGE, 0, NULL, 0, NULL), 0);
	refs_are(f->buf, PAGE, 1);
	assert_int_equal(uiommufd_dma_unpin(a, f->base, PAGE), 0);
	assert_int_equal(s.calls, 0);
	uiommufd_access_close(a);
}

static void unmap_callback(void **state)
{
	struct fixture *f = *state;
	struct cb_state s = { .unpin = true };
	struct uiommufd_access *a;
	uint64_t unmapped = 0;

	assert_int_equal(uiommufd_access_open(f->ctx, f->ioas, cb_unmap, &s, &a), 0);
	s.a = a;
	s.pin_iova = f->base + 3 * PAGE;
	s.pin_length = PAGE;
	assert_int_equal(uiommufd_dma_pin(a, s.pin_iova, s.pin_length, 1, NULL, 0, NULL), 0);
	/* unmapping the first area does not concern the pin: no callback */
	assert_int_equal(t_unmap(f->ctx, f->ioas, f->base, 2 * PAGE, &unmapped), 0);
	assert_int_equal(s.calls, 0);
	/* the second area: one callback with the whole area's range */
	assert_int_equal(t_unmap(f->ctx, f->ioas, f->base + 2 * PAGE, 4 * PAGE, &unmapped), 0);
	assert_int_equal(unmapped, 4 * PAGE);
	assert_true(s.calls >= 1);
	assert_int_equal(s.iova, f->base + 2 * PAGE);
	assert_int_equal(s.length, 4 * PAGE);
	refs_are(f->buf, f->length, 0);
	uiommufd_access_close(a);
}

static void unmap_with_stubborn_pin(void **state)
{
	struct fixture *f = *state;
	struct cb_state s = { .unpin = false };
	struct uiommufd_access *a;
	unsigned char b[4];

	assert_int_equal(uiommufd_access_open(f->ctx, f->ioas, cb_unmap, &s, &a), 0);
	s.a = a;
	assert_int_equal(uiommufd_dma_pin(a, f->base, PAGE, 0, NULL, 0, NULL), 0);
	/* the callback does not unpin: after the retries, EDEADLOCK */
	assert_int_equal(t_unmap(f->ctx, f->ioas, f->base, 2 * PAGE, NULL), -EDEADLOCK);
	assert_true(s.calls > 1);
	refs_are(f->buf, PAGE, 1);
	/* the area is usable again afterwards */
	assert_int_equal(uiommufd_dma_read(a, f->base, b, sizeof(b)), 0);
	/* close releases the forgotten pin; then the unmap goes through */
	uiommufd_access_close(a);
	refs_are(f->buf, f->length, 0);
	assert_int_equal(t_unmap(f->ctx, f->ioas, f->base, 2 * PAGE, NULL), 0);
}

static void access_keeps_ctx(void **state)
{
	struct fixture *f = *state;
	struct uiommufd_ctx *ctx;
	struct uiommufd_access *a;
	uint32_t ioas = 0;
	unsigned char b[16];

	assert_int_equal(uiommufd_open(&ctx), 0);
	assert_int_equal(t_ioas(ctx, &ioas), 0);
	assert_int_equal(t_map(ctx, ioas, f->buf, f->length, 0x1000000, T_RW), 0);
	assert_int_equal(uiommufd_access_open(ctx, ioas, NULL, NULL, &a), 0);
	uiommufd_close(ctx);
	/* the context lives on for the access */
	assert_int_equal(uiommufd_dma_read(a, 0x1000000 + 100, b, sizeof(b)), 0);
	assert_memory_equal(b, f->buf + 100, sizeof(b));
	uiommufd_access_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(open_errors_and_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(read_write_any_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(write_read_only_eperm, setup, teardown),
		cmocka_unit_test_setup_teardown(pin_sg, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_with_stubborn_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(access_keeps_ctx, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

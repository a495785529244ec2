/* SPDX-License-Identifier: MIT */
/*
 * test_preamble.c - errors.md §0 (the common ioctl preamble, abi.md §2) for
 * every command this suite covers.
 *
 * Data structure: a table of commands (request number, kernel struct size
 * `ksize`, minimum size `min`), each with three callbacks:
 *   prepare()   creates whatever objects a *valid* call needs and fills a
 *               struct image (all fields but `size`);
 *   unchanged() asserts that the command's effect did NOT happen (used after
 *               every failing call: "a failed call leaves state unchanged");
 *   done()      asserts that the effect DID happen (after a successful call).
 * Each preamble rule is a test body that is run once per command; the
 * cmocka test list is built at run time as (command x rule), so every pair
 * is reported on its own with its own fresh context.
 *
 * Rows covered: 0.1 (unknown nr, nr < 0x80, nr past the table), 0.2 (size
 * unreadable: NULL, PROT_NONE, unmapped, straddling a guard page), 0.3
 * (empty in-table slot, wrong direction/size/type bits), 0.4 (size < min),
 * 0.5 (non-zero tail, E2BIG), zero tail == exact size, 0.6 (struct or tail
 * unreadable).  Hazard: `size` is attacker controlled; a huge size must not
 * make the library read past a guard page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "abi_util.h"

struct prep {
	uint32_t ioas;
	uint32_t ioas2;
	uint32_t expect_id;
	uint64_t va;
	struct kabi_iova_range ranges[4];
};

struct cmd_case {
	const char *name;
	unsigned long req;
	uint32_t ksize;
	uint32_t min;
	void (*prepare)(struct uiommufd_ctx *ctx, struct prep *p, void *buf);
	void (*unchanged)(struct uiommufd_ctx *ctx, struct prep *p);
	void (*done)(struct uiommufd_ctx *ctx, struct prep *p, void *buf);
};

#define SENTINEL_RANGE 0x5a5a5a5a5a5a5a5aull

/* --- DESTROY: destroy an existing IOAS --- */
static void destroy_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_destroy *c = buf;

	p->ioas = must_ioas(ctx);
	c->id = p->ioas;
}

static void destroy_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	uint32_t num = 0;

	assert_int_equal(k_ranges(ctx, p->ioas, NULL, &num, NULL), -EMSGSIZE);
}

static void destroy_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	uint32_t num = 0;

	(void)buf;
	assert_int_equal(k_ranges(ctx, p->ioas, NULL, &num, NULL), -ENOENT);
	assert_int_equal(k_destroy(ctx, p->ioas), -ENOENT);
}

/* --- IOAS_ALLOC: the new ID is the lowest free one --- */
static void alloc_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	(void)buf;
	p->ioas = must_ioas(ctx);
	p->expect_id = next_free_id(ctx);
}

static void alloc_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	assert_int_equal(next_free_id(ctx), p->expect_id);
}

static void alloc_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_ioas_alloc *c = buf;

	assert_int_equal(c->out_ioas_id, p->expect_id);
	assert_int_equal(k_destroy(ctx, c->out_ioas_id), 0);
}

/* --- ALLOW_IOVAS: [16P, 32P-1] steers the automatic allocator --- */
static void allow_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_allow_iovas *c = buf;

	p->ioas = must_ioas(ctx);
	p->va = va_with_lowbit(PAGE, PAGE);
	p->ranges[0].start = 16 * PAGE;
	p->ranges[0].last = 32 * PAGE - 1;
	c->ioas_id = p->ioas;
	c->num_iovas = 1;
	c->allowed_iovas = (uintptr_t)p->ranges;
}

static void allow_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	uint64_t iova = 0;

	/* semantics.md §4: empty allowed list -> lowest fit from PAGE. */
	assert_int_equal(k_map_auto(ctx, p->ioas, p->va, PAGE, &iova), 0);
	assert_int_equal(iova, PAGE);
}

static void allow_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	uint64_t iova = 0;

	(void)buf;
	assert_int_equal(k_map_auto(ctx, p->ioas, p->va, PAGE, &iova), 0);
	assert_int_equal(iova, 16 * PAGE);
}

/* --- COPY: [P, 2P) of ioas -> 8P of ioas2 --- */
static void copy_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_ioas_copy *c = buf;

	p->ioas = must_ioas(ctx);
	p->ioas2 = must_ioas(ctx);
	p->va = (uintptr_t)mem_rw(PAGE);
	must_map_fixed(ctx, p->ioas, p->va, PAGE, PAGE);
	c->flags = KABI_MAP_FIXED_IOVA | KABI_MAP_RW;
	c->dst_ioas_id = p->ioas2;
	c->src_ioas_id = p->ioas;
	c->length = PAGE;
	c->dst_iova = 8 * PAGE;
	c->src_iova = PAGE;
}

static void copy_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	assert_false(range_is_mapped(ctx, p->ioas2, 0, 64 * PAGE));
}

static void copy_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_ioas_copy *c = buf;

	assert_int_equal(c->dst_iova, 8 * PAGE);
	assert_int_equal(unmap_count(ctx, p->ioas2, 8 * PAGE, PAGE), PAGE);
}

/* --- IOVA_RANGES: reserve [P, 2P-1] -> two ranges --- */
static void ranges_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_iova_ranges *c = buf;

	p->ioas = must_ioas(ctx);
	must_reserve(ctx, p->ioas, PAGE, PAGE);
	memset(p->ranges, 0x5a, sizeof(p->ranges));
	c->ioas_id = p->ioas;
	c->num_iovas = 4;
	c->allowed_iovas = (uintptr_t)p->ranges;
	c->out_iova_alignment = 0;
}

static void ranges_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	(void)ctx;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(p->ranges[i].start, SENTINEL_RANGE);
		assert_int_equal(p->ranges[i].last, SENTINEL_RANGE);
	}
}

static void ranges_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_iova_ranges *c = buf;

	(void)ctx;
	assert_int_equal(c->num_iovas, 2);
	assert_int_equal(c->out_iova_alignment, 1);
	assert_int_equal(p->ranges[0].start, 0);
	assert_int_equal(p->ranges[0].last, PAGE - 1);
	assert_int_equal(p->ranges[1].start, 2 * PAGE);
	assert_int_equal(p->ranges[1].last, KABI_U64_MAX);
	assert_int_equal(p->ranges[2].start, SENTINEL_RANGE);
}

/* --- MAP: fixed [4P, 5P) --- */
static void map_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_ioas_map *c = buf;

	p->ioas = must_ioas(ctx);
	p->va = (uintptr_t)mem_rw(PAGE);
	c->flags = KABI_MAP_FIXED_IOVA | KABI_MAP_RW;
	c->ioas_id = p->ioas;
	c->user_va = p->va;
	c->length = PAGE;
	c->iova = 4 * PAGE;
}

static void map_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	assert_false(range_is_mapped(ctx, p->ioas, 0, 64 * PAGE));
}

static void map_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_ioas_map *c = buf;

	assert_int_equal(c->iova, 4 * PAGE);
	assert_int_equal(unmap_count(ctx, p->ioas, 4 * PAGE, PAGE), PAGE);
}

/* --- UNMAP: remove [4P, 5P) --- */
static void unmap_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_ioas_unmap *c = buf;

	p->ioas = must_ioas(ctx);
	p->va = (uintptr_t)mem_rw(PAGE);
	must_map_fixed(ctx, p->ioas, p->va, PAGE, 4 * PAGE);
	c->ioas_id = p->ioas;
	c->iova = 4 * PAGE;
	c->length = PAGE;
}

static void unmap_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	assert_true(range_is_mapped(ctx, p->ioas, 4 * PAGE, PAGE));
}

static void unmap_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_ioas_unmap *c = buf;

	assert_int_equal(c->length, PAGE);
	assert_false(range_is_mapped(ctx, p->ioas, 4 * PAGE, PAGE));
}

/* --- OPTION: HUGE_PAGES SET 0 on an IOAS --- */
static void option_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_option *c = buf;

	p->ioas = must_ioas(ctx);
	c->option_id = KABI_OPTION_HUGE_PAGES;
	c->op = KABI_OPTION_OP_SET;
	c->object_id = p->ioas;
	c->val64 = 0;
}

static void option_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	uint64_t v = 99;

	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_GET, p->ioas, &v), 0);
	assert_int_equal(v, 1);
}

static void option_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	uint64_t v = 99;

	(void)buf;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_GET, p->ioas, &v), 0);
	assert_int_equal(v, 0);
}

/* --- VFIO_IOAS: SET --- */
static void vfio_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_vfio_ioas *c = buf;

	p->ioas = must_ioas(ctx);
	c->ioas_id = p->ioas;
	c->op = KABI_VFIO_IOAS_SET;
}

static void vfio_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	uint32_t id = 0;

	(void)p;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), -ENODEV);
}

static void vfio_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	uint32_t id = 0;

	(void)buf;
	assert_int_equal(k_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, &id), 0);
	assert_int_equal(id, p->ioas);
}

/* --- TEST_CMD ADD_RESERVED [P, 2P-1] --- */
static void test_prep(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	struct kabi_test_cmd *c = buf;

	p->ioas = must_ioas(ctx);
	c->op = KABI_TEST_OP_ADD_RESERVED;
	c->id = p->ioas;
	c->add_reserved.start = PAGE;
	c->add_reserved.length = PAGE;
}

static uint32_t count_ranges(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	uint32_t num = 0;
	long ret = k_ranges(ctx, ioas, NULL, &num, NULL);

	assert_int_equal(ret, -EMSGSIZE);
	return num;
}

static void test_unchanged(struct uiommufd_ctx *ctx, struct prep *p)
{
	assert_int_equal(count_ranges(ctx, p->ioas), 1);
}

static void test_done(struct uiommufd_ctx *ctx, struct prep *p, void *buf)
{
	(void)buf;
	assert_int_equal(count_ranges(ctx, p->ioas), 2);
}

/* abi.md §2.1 sizes. */
static const struct cmd_case cmds[] = {
	{ "DESTROY", IOMMU_DESTROY, 8, 8, destroy_prep, destroy_unchanged,
	  destroy_done },
	{ "IOAS_ALLOC", IOMMU_IOAS_ALLOC, 12, 12, alloc_prep, alloc_unchanged,
	  alloc_done },
	{ "IOAS_ALLOW_IOVAS", IOMMU_IOAS_ALLOW_IOVAS, 24, 24, allow_prep,
	  allow_unchanged, allow_done },
	{ "IOAS_COPY", IOMMU_IOAS_COPY, 40, 40, copy_prep, copy_unchanged,
	  copy_done },
	{ "IOAS_IOVA_RANGES", IOMMU_IOAS_IOVA_RANGES, 32, 32, ranges_prep,
	  ranges_unchanged, ranges_done },
	{ "IOAS_MAP", IOMMU_IOAS_MAP, 40, 40, map_prep, map_unchanged,
	  map_done },
	{ "IOAS_UNMAP", IOMMU_IOAS_UNMAP, 24, 24, unmap_prep, unmap_unchanged,
	  unmap_done },
	{ "OPTION", IOMMU_OPTION, 24, 24, option_prep, option_unchanged,
	  option_done },
	{ "VFIO_IOAS", IOMMU_VFIO_IOAS, 12, 12, vfio_prep, vfio_unchanged,
	  vfio_done },
	{ "TEST_CMD", IOMMU_TEST_CMD, 72, KABI_TEST_CMD_MIN, test_prep,
	  test_unchanged, test_done },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

struct pstate {
	const struct cmd_case *c;
	struct uiommufd_ctx *ctx;
	struct prep p;
	uint8_t img[72]; /* valid struct image, `size` not yet set */
};

static int p_setup(void **state)
{
	const struct cmd_case *c = *state;
	struct pstate *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	if (!PAGE)
		abi_group_setup(NULL);
	s->c = c;
	s->ctx = abi_open();
	c->prepare(s->ctx, &s->p, s->img);
	*state = s;
	return 0;
}

static int p_teardown(void **state)
{
	struct pstate *s = *state;

	uiommufd_close(s->ctx);
	*state = (void *)s->c;
	free(s);
	mem_release_all();
	return 0;
}

/* Place the image with the given `size` in fresh memory followed by `extra`
 * zero bytes, then `sentinel` bytes of 0xa5. */
static uint8_t *place(struct pstate *s, uint32_t size, size_t extra,
		      size_t sentinel)
{
	size_t total = (size_t)s->c->ksize + extra + sentinel;
	uint8_t *p = mem_rw(total);

	memcpy(p, s->img, s->c->ksize);
	memset(p + s->c->ksize, 0, extra);
	memset(p + s->c->ksize + extra, 0xa5, sentinel);
	memcpy(p, &size, sizeof(size));
	return p;
}

/* 0.2: NULL arg. */
static void null_arg(void **state)
{
	struct pstate *s = *state;

	assert_int_equal(kio(s->ctx, s->c->req, NULL), -EFAULT);
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.2: size field in PROT_NONE memory (the image is there, unreadable). */
static void size_prot_none(void **state)
{
	struct pstate *s = *state;
	uint32_t size = s->c->ksize;
	uint8_t *p;

	memcpy(s->img, &size, 4);
	p = mem_page_prot(PROT_NONE, s->img, s->c->ksize);
	assert_int_equal(kio(s->ctx, s->c->req, p), -EFAULT);
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.2: size field at an unmapped address. */
static void size_unmapped(void **state)
{
	struct pstate *s = *state;

	assert_int_equal(kio(s->ctx, s->c->req, mem_unmapped()), -EFAULT);
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.2: only two bytes of `size` are readable. */
static void size_straddles_guard(void **state)
{
	struct pstate *s = *state;
	uint8_t *p = mem_before_guard(2);

	memcpy(p, &s->c->ksize, 2);
	assert_int_equal(kio(s->ctx, s->c->req, p), -EFAULT);
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.3: the right nr with direction/size/type bits the table does not hold. */
static void wrong_request_bits(void **state)
{
	struct pstate *s = *state;
	unsigned int nr = _IOC_NR(s->c->req);
	uint32_t ks = s->c->ksize;
	unsigned long bad[] = {
		_IOC(_IOC_WRITE, KABI_TYPE, nr, ks),
		_IOC(_IOC_READ, KABI_TYPE, nr, ks),
		_IOC(_IOC_READ | _IOC_WRITE, KABI_TYPE, nr, ks),
		_IOC(_IOC_NONE, KABI_TYPE, nr, ks),   /* size bits only */
		_IOC(_IOC_WRITE, KABI_TYPE, nr, 0),   /* direction only */
		_IOC(_IOC_NONE, 'x', nr, 0),          /* another type */
		_IOC(_IOC_NONE, 0, nr, 0),
	};
	uint8_t *p = place(s, ks, 0, 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the copy must not be modified by a rejected call */
		assert_int_equal(kio(s->ctx, bad[i], p), -ENOTTY);
		assert_memory_equal(p + 4, s->img + 4, ks - 4);
	}
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.2 before 0.3: the size is read before the request bits are compared. */
static void wrong_request_bits_null_arg(void **state)
{
	struct pstate *s = *state;
	unsigned int nr = _IOC_NR(s->c->req);

	assert_int_equal(kio(s->ctx, _IOC(_IOC_WRITE, KABI_TYPE, nr,
					   s->c->ksize), NULL), -EFAULT);
	assert_int_equal(kio(s->ctx, _IOC(_IOC_NONE, 'x', nr, 0), NULL),
			 -EFAULT);
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.4: size 0 and min-1 -> EINVAL. */
static void size_below_min(void **state)
{
	struct pstate *s = *state;
	uint32_t sizes[] = { 0, 1, 4, s->c->min - 1 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = place(s, sizes[i], 0, 0);

		assert_int_equal(kio(s->ctx, s->c->req, p), -EINVAL);
	}
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.4 is checked before 0.6: a short size is EINVAL even when the struct
 * body behind it is unreadable. */
static void size_below_min_body_unreadable(void **state)
{
	struct pstate *s = *state;
	uint8_t *p = mem_before_guard(4);
	uint32_t size = s->c->min - 1;

	memcpy(p, &size, 4);
	assert_int_equal(kio(s->ctx, s->c->req, p), -EINVAL);
	s->c->unchanged(s->ctx, &s->p);
}

/* size == min (== ksize except for TEST_CMD, 68 of 72) works. */
static void size_min_works(void **state)
{
	struct pstate *s = *state;
	uint8_t *p = place(s, s->c->min, 0, 0);

	assert_int_equal(kio(s->ctx, s->c->req, p), 0);
	s->c->done(s->ctx, &s->p, p);
}

/* exact size works (baseline for the next rules). */
static void size_exact_works(void **state)
{
	struct pstate *s = *state;
	uint8_t *p = place(s, s->c->ksize, 0, 16);

	assert_int_equal(kio(s->ctx, s->c->req, p), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(p[s->c->ksize + i], 0xa5);
	s->c->done(s->ctx, &s->p, p);
}

/* 0.5: first byte after ksize non-zero. */
static void tail_nonzero_first(void **state)
{
	struct pstate *s = *state;
	uint8_t *p = place(s, s->c->ksize + 1, 1, 0);

	p[s->c->ksize] = 1;
	assert_int_equal(kio(s->ctx, s->c->req, p), -E2BIG);
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.5: only the last byte of a long tail is non-zero. */
static void tail_nonzero_last(void **state)
{
	struct pstate *s = *state;
	size_t extra = 3 * PAGE + 5;
	uint8_t *p = place(s, s->c->ksize + extra, extra, 0);

	p[s->c->ksize + extra - 1] = 0x80;
	assert_int_equal(kio(s->ctx, s->c->req, p), -E2BIG);
	s->c->unchanged(s->ctx, &s->p);
}

/* Zero tail: behaves exactly as size == ksize; nothing past ksize is
 * written, nothing past `size` is touched. */
static void tail_zero(void **state)
{
	struct pstate *s = *state;
	uint8_t *p = place(s, s->c->ksize + 8, 8, 16);

	assert_int_equal(kio(s->ctx, s->c->req, p), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(p[s->c->ksize + i], 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(p[s->c->ksize + 8 + i], 0xa5);
	s->c->done(s->ctx, &s->p, p);
}

/* Zero tail longer than a page. */
static void tail_zero_long(void **state)
{
	struct pstate *s = *state;
	size_t extra = 2 * PAGE + 3;
	uint8_t *p = place(s, s->c->ksize + extra, extra, 0);

	assert_int_equal(kio(s->ctx, s->c->req, p), 0);
	s->c->done(s->ctx, &s->p, p);
}

/* 0.6: the struct body runs into a PROT_NONE page (size readable). */
static void body_unreadable(void **state)
{
	struct pstate *s = *state;
	uint8_t *p = mem_before_guard(s->c->min - 1);
	uint32_t size = s->c->ksize;

	memcpy(p, s->img, s->c->min - 1);
	memcpy(p, &size, 4);
	assert_int_equal(kio(s->ctx, s->c->req, p), -EFAULT);
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.6: zero tail that runs into a PROT_NONE page. */
static void tail_unreadable(void **state)
{
	struct pstate *s = *state;
	size_t len = s->c->ksize + 16;
	uint8_t *p = mem_before_guard(len);
	uint32_t size = s->c->ksize + 64;

	memset(p, 0, len);
	memcpy(p, s->img, s->c->ksize);
	memcpy(p, &size, 4);
	assert_int_equal(kio(s->ctx, s->c->req, p), -EFAULT);
	s->c->unchanged(s->ctx, &s->p);
}

/* 0.6: size = 4 GiB - 1 with a zero tail up to a guard page: EFAULT, and the
 * library must not crash or read beyond the guard. */
static void tail_huge_size(void **state)
{
	struct pstate *s = *state;
	size_t len = s->c->ksize + PAGE;
	uint8_t *p = mem_before_guard(len);
	uint32_t size = UINT32_MAX;

	memset(p, 0, len);
	memcpy(p, s->img, s->c->ksize);
	memcpy(p, &size, 4);
	assert_int_equal(kio(s->ctx, s->c->req, p), -EFAULT);
	s->c->unchanged(s->ctx, &s->p);
}

static const struct {
	const char *name;
	CMUnitTestFunction fn;
} rules[] = {
	{ "null_arg", null_arg },
	{ "size_prot_none", size_prot_none },
	{ "size_unmapped", size_unmapped },
	{ "size_straddles_guard", size_straddles_guard },
	{ "wrong_request_bits", wrong_request_bits },
	{ "wrong_request_bits_null_arg", wrong_request_bits_null_arg },
	{ "size_below_min", size_below_min },
	{ "size_below_min_body_unreadable", size_below_min_body_unreadable },
	{ "size_min_works", size_min_works },
	{ "size_exact_works", size_exact_works },
	{ "tail_nonzero_first", tail_nonzero_first },
	{ "tail_nonzero_last", tail_nonzero_last },
	{ "tail_zero", tail_zero },
	{ "tail_zero_long", tail_zero_long },
	{ "body_unreadable", body_unreadable },
	{ "tail_unreadable", tail_unreadable },
	{ "tail_huge_size", tail_huge_size },
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* ---- request numbers that name no command (not per command) ---- */

/* 0.1: nr below 0x80 or past the table go to the VFIO-compat table, which
 * matches full numbers only: ENOTTY, and the argument is never read. */
static void unknown_outside_table(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint8_t buf[64] = { 0 };
	unsigned long reqs[] = {
		KABI_IO(0x00), KABI_IO(0x7f), KABI_IO(0xa1), KABI_IO(0xff),
		KABI_IO(0x63),                 /* just below VFIO's base 100 */
		_IO('x', 0x64),                /* VFIO_GET_API_VERSION nr, type 'x' */
		_IOW(KABI_TYPE, 0x64, int),    /* same nr, size bits set */
	};

	*(uint32_t *)buf = 8;
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_int_equal(kio(ctx, reqs[i], buf), -ENOTTY);
		assert_int_equal(kio(ctx, reqs[i], NULL), -ENOTTY);
	}
}

/* 0.2/0.3: in-table empty slots (0x95..0x9f in a 7.2 test-enabled table):
 * the size is read first (EFAULT on a bad pointer), then ENOTTY. */
static void unknown_in_table(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint8_t buf[128] = { 0 };

	*(uint32_t *)buf = 8;
	for (unsigned int nr = 0x95; nr <= 0x9f; nr++) {
		assert_int_equal(kio(ctx, KABI_IO(nr), buf), -ENOTTY);
		assert_int_equal(kio(ctx, KABI_IO(nr), NULL), -EFAULT);
		assert_int_equal(kio(ctx, KABI_IO(nr), mem_unmapped()),
				 -EFAULT);
	}
}

int main(void)
{
	struct CMUnitTest *tests;
	size_t n = 0, total = NCMDS * NRULES + 2;
	int ret;

	abi_group_setup(NULL);
	tests = calloc(total, sizeof(*tests));
	assert_non_null(tests);
	for (size_t c = 0; c < NCMDS; c++) {
		for (size_t r = 0; r < NRULES; r++) {
			char *name;

			if (asprintf(&name, "%s/%s", cmds[c].name,
				     rules[r].name) < 0)
				abort();
			tests[n].name = name;
			tests[n].test_func = rules[r].fn;
			tests[n].setup_func = p_setup;
			tests[n].teardown_func = p_teardown;
			tests[n].initial_state = (void *)&cmds[c];
			n++;
		}
	}
	tests[n++] = (struct CMUnitTest){ "unknown_outside_table",
		unknown_outside_table, abi_setup, abi_teardown, NULL };
	tests[n++] = (struct CMUnitTest){ "unknown_in_table", unknown_in_table,
		abi_setup, abi_teardown, NULL };
	ret = _cmocka_run_group_tests("abi_preamble", tests, n, NULL, NULL);
	for (size_t i = 0; i < NCMDS * NRULES; i++)
		free((char *)tests[i].name);
	free(tests);
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * Fuzz target (a): the ioctl decoder.  Arbitrary bytes become the argument of
 * every command uiommufd_ioctl() accepts, with the sizes, flags, IDs and
 * embedded pointers the input chooses.
 *
 * Input: a sequence of records, each
 *   u8 sel     which request (a table of every known request, plus "raw":
 *              a 32-bit request number read from the input)
 *   u8 mode    bit 0-1: where the argument pointer goes (0/3: end of the arg
 *                       page, 1: NULL, 2: the guard page)
 *              bit 2:   force `size`/`argsz` to the struct's real size
 *              bit 3:   steer ID fields to small IDs (1..7) that may exist
 *              bit 4-5: embedded pointers: 0 data arena (+offset from the
 *                       field, may straddle the guard), 1 NULL, 2 guard,
 *                       3 arena start
 *              bit 6:   arm fault injection: point (next byte % 24 + 1)
 *   u8 len     bytes of argument that follow (placed so they END at the
 *              guard page)
 *   len bytes
 * Every context starts with IOAS 1 holding a 4-page mapping at 0x100000 and an
 * empty IOAS 2.  After the input the context is closed (with any access fds
 * it produced) and no pin or charge may remain.
 *
 * Safety of the harness itself: pointer fields the library writes through or
 * pins (MAP user_va, IOVA_RANGES/ALLOW_IOVAS arrays, test-op uptr fields,
 * VFIO vaddr) are always rewritten to NULL, the guard page or the data arena,
 * so a "successful" DMA write can only land in the arena.  The library must
 * answer every record with a result, never a crash, and never a result
 * outside [-4095, INT_MAX].
 *
 * Oracle for failed calls: for one input in four (chosen by a hash of the
 * input, so reproducible) every record is bracketed by state dumps
 * (core/dump.h), and a call that failed must leave the dump unchanged --
 * except where the spec keeps partial effects: -EFAULT (a result write-back
 * may have failed after the change, semantics.md §12; an armed fault point
 * in a write-back also gives -EFAULT) and the unmap family (IOAS_UNMAP
 * partial progress, VFIO splits).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "uiommufd/iommufd_abi.h"
#include "uiommufd/uiommufd.h"
#include "core/dump.h"
#include "util/fault_inject.h"

#include "core/io_pagetable.h"

enum req_kind {
	K_PLAIN,	/* no embedded pointer */
	K_MAP,
	K_RANGES,	/* IOVA_RANGES and ALLOW_IOVAS: allowed_iovas */
	K_TEST,
	K_VFIO_MAP,
	K_VFIO_UNMAP,
	K_VFIO_ARGSZ,	/* GET_INFO: argsz first */
	K_INTARG,	/* argument is an integer, not a pointer */
	K_RAW,
};

struct req {
	unsigned long request;
	enum req_kind kind;
	uint32_t ksize;
	/* up to three u32 ID fields */
	int16_t id_off[3];
};

#define NOID { -1, -1, -1 }
static const struct req reqs[] = {
	{ IOMMU_DESTROY, K_PLAIN, sizeof(struct iommu_destroy),
	  { offsetof(struct iommu_destroy, id), -1, -1 } },
	{ IOMMU_IOAS_ALLOC, K_PLAIN, sizeof(struct iommu_ioas_alloc), NOID },
	{ IOMMU_IOAS_IOVA_RANGES, K_RANGES, sizeof(struct iommu_ioas_iova_ranges),
	  { offsetof(struct iommu_ioas_iova_ranges, ioas_id), -1, -1 } },
	{ IOMMU_IOAS_ALLOW_IOVAS, K_RANGES, sizeof(struct iommu_ioas_allow_iovas),
	  { offsetof(struct iommu_ioas_allow_iovas, ioas_id), -1, -1 } },
	{ IOMMU_IOAS_MAP, K_MAP, sizeof(struct iommu_ioas_map),
	  { offsetof(struct iommu_ioas_map, ioas_id), -1, -1 } },
	{ IOMMU_IOAS_COPY, K_PLAIN, sizeof(struct iommu_ioas_copy),
	  { offsetof(struct iommu_ioas_copy, dst_ioas_id),
	    offsetof(struct iommu_ioas_copy, src_ioas_id), -1 } },
	{ IOMMU_IOAS_UNMAP, K_PLAIN, sizeof(struct iommu_ioas_unmap),
	  { offsetof(struct iommu_ioas_unmap, ioas_id), -1, -1 } },
	{ IOMMU_OPTION, K_PLAIN, sizeof(struct iommu_option),
	  { offsetof(struct iommu_option, object_id), -1, -1 } },
	{ IOMMU_VFIO_IOAS, K_PLAIN, sizeof(struct iommu_vfio_ioas),
	  { offsetof(struct iommu_vfio_ioas, ioas_id), -1, -1 } },
	{ IOMMU_TEST_CMD, K_TEST, sizeof(struct iommu_test_cmd),
	  { offsetof(struct iommu_test_cmd, id), -1, -1 } },
	{ VFIO_GET_API_VERSION, K_INTARG, 0, NOID },
	{ VFIO_CHECK_EXTENSION, K_INTARG, 0, NOID },
	{ VFIO_SET_IOMMU, K_INTARG, 0, NOID },
	{ VFIO_IOMMU_GET_INFO, K_VFIO_ARGSZ, 64, NOID },
	{ VFIO_IOMMU_MAP_DMA, K_VFIO_MAP, sizeof(struct vfio_iommu_type1_dma_map), NOID },
	{ VFIO_IOMMU_UNMAP_DMA, K_VFIO_UNMAP, sizeof(struct vfio_iommu_type1_dma_unmap), NOID },
	{ VFIO_IOMMU_DIRTY_PAGES, K_PLAIN, 16, NOID },
	{ 0, K_RAW, 0, NOID },
};
#define NREQS (sizeof(reqs) / sizeof(reqs[0]))

/* Offset of the user pointer a test op dereferences, or -1. */
static int test_uptr_off(uint32_t op)
{
	switch (op) {
	case IOMMU_TEST_OP_MD_CHECK_MAP:
		return offsetof(struct iommu_test_cmd, check_map.uptr);
	case IOMMU_TEST_OP_MD_CHECK_REFS:
		return offsetof(struct iommu_test_cmd, check_refs.uptr);
	case IOMMU_TEST_OP_ACCESS_PAGES:
		return offsetof(struct iommu_test_cmd, access_pages.uptr);
	case IOMMU_TEST_OP_ACCESS_RW:
		return offsetof(struct iommu_test_cmd, access_rw.uptr);
	case IOMMU_TEST_OP_DIRTY:
		return offsetof(struct iommu_test_cmd, dirty.uptr);
	default:
		return -1;
	}
}

static bool test_op_takes_access_fd(uint32_t op)
{
	return op == IOMMU_TEST_OP_ACCESS_PAGES || op == IOMMU_TEST_OP_ACCESS_RW ||
	       op == IOMMU_TEST_OP_DESTROY_ACCESS_PAGES ||
	       op == IOMMU_TEST_OP_ACCESS_REPLACE_IOAS;
}

#define MAX_FDS 16
struct run {
	struct uiommufd_ctx *ctx;
	int fds[MAX_FDS];
	unsigned int nfds;
};

static void remember_fd(struct run *run, long fd)
{
	if (fd <= 0)
		return;
	if (!uiommufd_fd_is_ours((int)fd))
		return;
	if (run->nfds < MAX_FDS)
		run->fds[run->nfds++] = (int)fd;
	else
		uiommufd_fd_close((int)fd);
}

static void put_u64(uint8_t *arg, uint32_t len, int off, uint64_t v)
{
	if (off >= 0 && (uint32_t)off + 8 <= len)
		memcpy(arg + off, &v, 8);
}

static void put_u32(uint8_t *arg, uint32_t len, int off, uint32_t v)
{
	if (off >= 0 && (uint32_t)off + 4 <= len)
		memcpy(arg + off, &v, 4);
}

static void clear_u32_bits(uint8_t *arg, uint32_t len, int off, uint32_t bits)
{
	uint32_t v;

	if (off >= 0 && (uint32_t)off + 4 <= len) {
		memcpy(&v, arg + off, 4);
		v &= ~bits;
		memcpy(arg + off, &v, 4);
	}
}

static uint64_t get_u64(const uint8_t *arg, uint32_t len, int off)
{
	uint64_t v = 0;

	if (off >= 0 && (uint32_t)off + 8 <= len)
		memcpy(&v, arg + off, 8);
	return v;
}

/* Rewrite the pointer field at `off` so it can only name safe memory. */
static void steer_ptr(const struct fz_arena *a, uint8_t *arg, uint32_t len,
		      int off, unsigned int how)
{
	uint64_t v = get_u64(arg, len, off);
	uint64_t span = (ARENA_PAGES + 1) * a->pgsz;

	switch (how) {
	case 0:
		v = (uintptr_t)a->data + v % span;
		break;
	case 1:
		v = 0;
		break;
	case 2:
		v = (uintptr_t)a->guard1 + v % a->pgsz;
		break;
	default:
		v = (uintptr_t)a->data;
		break;
	}
	put_u64(arg, len, off, v);
}

static void setup_ctx(struct run *run)
{
	const struct fz_arena *a = fz_arena();
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)a->data,
		.length = 4 * a->pgsz,
		.iova = 0x100000,
	};

	if (uiommufd_open(&run->ctx))
		abort();
	if (uiommufd_ioctl(run->ctx, IOMMU_IOAS_ALLOC, &alloc) || alloc.out_ioas_id != 1)
		abort();
	map.ioas_id = alloc.out_ioas_id;
	if (uiommufd_ioctl(run->ctx, IOMMU_IOAS_MAP, &map))
		abort();
	if (uiommufd_ioctl(run->ctx, IOMMU_IOAS_ALLOC, &alloc) || alloc.out_ioas_id != 2)
		abort();
}

static bool dump_check;

static bool partial_allowed(unsigned long request, long rc)
{
	return rc == -EFAULT || request == IOMMU_IOAS_UNMAP ||
	       request == VFIO_IOMMU_UNMAP_DMA;
}

static void one_record(struct run *run, struct fz_reader *r)
{
	char *before = NULL;
	const struct fz_arena *a = fz_arena();
	const struct req *q = &reqs[fz_u8(r) % NREQS];
	uint8_t mode = fz_u8(r);
	uint32_t len = fz_u8(r);
	unsigned long request = q->request;
	uint8_t *arg = a->guard2 - len;
	void *argp;
	uint64_t nth = 0;
	long rc;

	if (q->kind == K_RAW) {
		request = fz_u32(r);
		/* keep raw numbers out of the two tables, which have their rows */
		if (((request >> 8) & 0xff) == IOMMUFD_TYPE)
			request ^= 0x100;
	}
	for (uint32_t i = 0; i < len; i++)
		arg[i] = fz_u8(r);
	if (mode & 0x40)
		nth = fz_u8(r) % 24 + 1;

	/* `size` (iommufd) and `argsz` (VFIO) are both the first u32 */
	if ((mode & 0x04) && q->ksize)
		put_u32(arg, len, 0, q->ksize);
	if (mode & 0x08)
		for (int i = 0; i < 3; i++)
			if (q->id_off[i] >= 0 && (uint32_t)q->id_off[i] + 4 <= len)
				arg[q->id_off[i]] %= 8, memset(arg + q->id_off[i] + 1, 0, 3);

	unsigned int how = (mode >> 4) & 3;
	switch (q->kind) {
	case K_MAP:
		steer_ptr(a, arg, len, offsetof(struct iommu_ioas_map, user_va), how);
		break;
	case K_RANGES:
		steer_ptr(a, arg, len, offsetof(struct iommu_ioas_iova_ranges, allowed_iovas), how);
		break;
	case K_TEST: {
		uint32_t op = 0;

		if (len >= 8)
			memcpy(&op, arg + 4, 4);
		steer_ptr(a, arg, len, test_uptr_off(op), how);
		/* A mapping may name memory past the arena (MAP lengths are not
		 * clamped, and without a domain nothing checks them), so a
		 * write through an access could land in the harness itself:
		 * ACCESS_RW is fuzzed in the read direction only. */
		if (op == IOMMU_TEST_OP_ACCESS_RW)
			clear_u32_bits(arg, len, offsetof(struct iommu_test_cmd, access_rw.flags),
				       MOCK_ACCESS_RW_WRITE);
		if (test_op_takes_access_fd(op) && run->nfds)
			put_u32(arg, len, offsetof(struct iommu_test_cmd, id),
				(uint32_t)run->fds[arg[8 % (len ? len : 1)] % run->nfds]);
		break;
	}
	case K_VFIO_MAP:
		steer_ptr(a, arg, len, offsetof(struct vfio_iommu_type1_dma_map, vaddr), how);
		break;
	case K_VFIO_UNMAP:
		/* the dirty-bitmap form writes through data[]: keep it out */
		if (len >= 8)
			arg[4] &= (uint8_t)~VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
		break;
	default:
		break;
	}

	switch (mode & 3) {
	case 1:
		argp = NULL;
		break;
	case 2:
		argp = a->guard2;
		break;
	default:
		argp = arg;
		break;
	}
	if (q->kind == K_INTARG)
		argp = (void *)(uintptr_t)(len ? arg[0] : 0);

	if (dump_check)
		before = iommufd_ctx_dump_flags((struct iommufd_ctx *)run->ctx,
						IOMMUFD_DUMP_NO_PAGE_ID);
	if (nth)
		fault_inject_arm(nth);
	rc = uiommufd_ioctl(run->ctx, request, argp);
	if (nth)
		fault_inject_disarm();
	if (before) {
		char *after = iommufd_ctx_dump_flags((struct iommufd_ctx *)run->ctx,
						     IOMMUFD_DUMP_NO_PAGE_ID);

		if (after && rc < 0 && !partial_allowed(request, rc) && strcmp(before, after)) {
			fprintf(stderr, "fuzz_ioctl: request 0x%lx failed (%ld) but changed state\n"
				"--- before\n%s--- after\n%s", request, rc, before, after);
			abort();
		}
		free(before);
		free(after);
	}
	if (rc < -4095 || rc > 0x7fffffff) {
		fprintf(stderr, "fuzz_ioctl: request 0x%lx returned %ld\n", request, rc);
		abort();
	}
	if (request == IOMMU_TEST_CMD && rc == 0 && argp == arg && len >= 20) {
		uint32_t op, fd;

		memcpy(&op, arg + 4, 4);
		if (op == IOMMU_TEST_OP_CREATE_ACCESS) {
			memcpy(&fd, arg + offsetof(struct iommu_test_cmd, create_access.out_access_fd), 4);
			remember_fd(run, (int)fd);
		}
	}
	if (request == IOMMU_TEST_CMD && rc > 0)
		remember_fd(run, rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned int saved_limit;
	static bool saved;
	struct fz_reader r = { data, size };
	struct run run = { 0 };

	if (!saved) {
		saved_limit = iopt_get_temp_memory_limit();
		saved = true;
	}
	{
		uint32_t h = 2166136261u;

		for (size_t i = 0; i < size; i++)
			h = (h ^ data[i]) * 16777619u;
		dump_check = (h & 3) == 0;
	}
	setup_ctx(&run);
	for (int i = 0; i < 64 && r.left; i++)
		one_record(&run, &r);
	for (unsigned int i = 0; i < run.nfds; i++)
		uiommufd_fd_close(run.fds[i]);
	uiommufd_close(run.ctx);
	fz_check_clean();
	iopt_set_temp_memory_limit(saved_limit);
	return 0;
}

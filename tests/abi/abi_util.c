/* SPDX-License-Identifier: MIT */
/*
 * abi_util.c - helpers of the ABI conformance suite (see abi_util.h).
 *
 * Mappings handed out by the mem_*() helpers are recorded in a fixed table
 * and unmapped by mem_release_all() from abi_teardown(), so that each test
 * starts from a clean address space and ASan sees no leftovers.  The table
 * is small on purpose: a test that needs more than MEM_SLOTS mappings is
 * doing too much in one case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi_util.h"

uint64_t PAGE;

#define MEM_SLOTS 256
static struct {
	void *base;
	size_t len;
} mem_slots[MEM_SLOTS];
static unsigned int mem_used;

static void mem_track(void *base, size_t len)
{
	assert_true(mem_used < MEM_SLOTS);
	mem_slots[mem_used].base = base;
	mem_slots[mem_used].len = len;
	mem_used++;
}

void mem_release_all(void)
{
	while (mem_used) {
		mem_used--;
		munmap(mem_slots[mem_used].base, mem_slots[mem_used].len);
	}
}

static void *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(p != MAP_FAILED);
	mem_track(p, len);
	return p;
}

void *mem_rw(size_t length)
{
	return map_anon(length ? length : 1, PROT_READ | PROT_WRITE);
}

void *mem_before_guard(size_t length)
{
	size_t pages = (length + PAGE - 1) / PAGE;
	uint8_t *p = map_anon((pages + 1) * PAGE, PROT_READ | PROT_WRITE);

	assert_int_equal(mprotect(p + pages * PAGE, PAGE, PROT_NONE), 0);
	return p + pages * PAGE - length;
}

void *mem_page_prot(int prot, const void *init, size_t init_len)
{
	uint8_t *p = map_anon(PAGE, PROT_READ | PROT_WRITE);

	assert_true(init_len <= PAGE);
	if (init_len)
		memcpy(p, init, init_len);
	assert_int_equal(mprotect(p, PAGE, prot), 0);
	return p;
}

uint64_t va_with_lowbit(uint64_t align, uint64_t length)
{
	size_t span = 3 * align + length;
	uintptr_t base = (uintptr_t)map_anon(span, PROT_READ | PROT_WRITE);
	uintptr_t p = (base + 2 * align - 1) & ~(uintptr_t)(2 * align - 1);

	p += align;
	assert_true(p + length <= base + span);
	assert_true((p & -p) == align);
	return p;
}

void *mem_unmapped(void)
{
	uint8_t *p = mmap(NULL, 3 * PAGE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(p != MAP_FAILED);
	/* Keep the neighbours mapped (tracked) so the hole is not reused by
	 * the next small mmap of the process. */
	mem_track(p, PAGE);
	mem_track(p + 2 * PAGE, PAGE);
	assert_int_equal(munmap(p + PAGE, PAGE), 0);
	return p + PAGE;
}

struct uiommufd_ctx *abi_open(void)
{
	struct uiommufd_ctx *ctx = NULL;

	assert_int_equal(uiommufd_open(&ctx), 0);
	assert_non_null(ctx);
	return ctx;
}

int abi_group_setup(void **state)
{
	(void)state;
	PAGE = (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

int abi_setup(void **state)
{
	if (!PAGE)
		PAGE = (uint64_t)sysconf(_SC_PAGESIZE);
	*state = abi_open();
	return 0;
}

int abi_teardown(void **state)
{
	if (*state)
		uiommufd_close(*state);
	*state = NULL;
	mem_release_all();
	return 0;
}

long k_destroy(struct uiommufd_ctx *ctx, uint32_t id)
{
	struct kabi_destroy cmd = { .size = sizeof(cmd), .id = id };

	return kio(ctx, IOMMU_DESTROY, &cmd);
}

long k_ioas_alloc(struct uiommufd_ctx *ctx, uint32_t *id)
{
	struct kabi_ioas_alloc cmd = { .size = sizeof(cmd) };
	long ret = kio(ctx, IOMMU_IOAS_ALLOC, &cmd);

	if (!ret && id)
		*id = cmd.out_ioas_id;
	return ret;
}

long k_map(struct uiommufd_ctx *ctx, uint32_t ioas, uint32_t flags,
	   uint64_t va, uint64_t length, uint64_t *iova)
{
	struct kabi_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.user_va = va,
		.length = length,
		.iova = iova ? *iova : 0,
	};
	long ret = kio(ctx, IOMMU_IOAS_MAP, &cmd);

	if (!ret && iova)
		*iova = cmd.iova;
	return ret;
}

long k_map_fixed(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t va,
		 uint64_t length, uint64_t iova)
{
	return k_map(ctx, ioas, KABI_MAP_FIXED_IOVA | KABI_MAP_RW, va, length,
		     &iova);
}

long k_map_auto(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t va,
		uint64_t length, uint64_t *iova)
{
	uint64_t tmp = 0;

	return k_map(ctx, ioas, KABI_MAP_RW, va, length, iova ? iova : &tmp);
}

long k_copy(struct uiommufd_ctx *ctx, uint32_t flags, uint32_t dst,
	    uint32_t src, uint64_t src_iova, uint64_t length,
	    uint64_t *dst_iova)
{
	struct kabi_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dst_ioas_id = dst,
		.src_ioas_id = src,
		.length = length,
		.dst_iova = dst_iova ? *dst_iova : 0,
		.src_iova = src_iova,
	};
	long ret = kio(ctx, IOMMU_IOAS_COPY, &cmd);

	if (!ret && dst_iova)
		*dst_iova = cmd.dst_iova;
	return ret;
}

long k_unmap(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t iova,
	     uint64_t length, uint64_t *unmapped)
{
	struct kabi_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = length,
	};
	long ret = kio(ctx, IOMMU_IOAS_UNMAP, &cmd);

	if (!ret && unmapped)
		*unmapped = cmd.length;
	return ret;
}

long k_ranges(struct uiommufd_ctx *ctx, uint32_t ioas,
	      struct kabi_iova_range *r, uint32_t *num, uint64_t *align)
{
	struct kabi_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.num_iovas = *num,
		.allowed_iovas = (uintptr_t)r,
	};
	long ret = kio(ctx, IOMMU_IOAS_IOVA_RANGES, &cmd);

	if (!ret || ret == -EMSGSIZE) {
		*num = cmd.num_iovas;
		if (align)
			*align = cmd.out_iova_alignment;
	}
	return ret;
}

long k_allow(struct uiommufd_ctx *ctx, uint32_t ioas,
	     const struct kabi_iova_range *r, uint32_t num)
{
	struct kabi_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.num_iovas = num,
		.allowed_iovas = (uintptr_t)r,
	};

	return kio(ctx, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

long k_reserve(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t start,
	       uint64_t length)
{
	struct kabi_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = KABI_TEST_OP_ADD_RESERVED,
		.id = ioas,
		.add_reserved = { .start = start, .length = length },
	};

	return kio(ctx, IOMMU_TEST_CMD, &cmd);
}

long k_option(struct uiommufd_ctx *ctx, uint32_t option, uint16_t op,
	      uint32_t object, uint64_t *val)
{
	struct kabi_option cmd = {
		.size = sizeof(cmd),
		.option_id = option,
		.op = op,
		.object_id = object,
		.val64 = val ? *val : 0,
	};
	long ret = kio(ctx, IOMMU_OPTION, &cmd);

	if (!ret && val)
		*val = cmd.val64;
	return ret;
}

long k_vfio_ioas(struct uiommufd_ctx *ctx, uint16_t op, uint32_t *id)
{
	struct kabi_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.ioas_id = id ? *id : 0,
		.op = op,
	};
	long ret = kio(ctx, IOMMU_VFIO_IOAS, &cmd);

	if (!ret && id)
		*id = cmd.ioas_id;
	return ret;
}

uint32_t must_ioas(struct uiommufd_ctx *ctx)
{
	uint32_t id = 0;

	assert_int_equal(k_ioas_alloc(ctx, &id), 0);
	assert_true(id != 0);
	return id;
}

void must_map_fixed(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t va,
		    uint64_t length, uint64_t iova)
{
	assert_int_equal(k_map_fixed(ctx, ioas, va, length, iova), 0);
}

void must_reserve(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t start,
		  uint64_t length)
{
	assert_int_equal(k_reserve(ctx, ioas, start, length), 0);
}

uint32_t next_free_id(struct uiommufd_ctx *ctx)
{
	uint32_t id = must_ioas(ctx);

	assert_int_equal(k_destroy(ctx, id), 0);
	return id;
}

uint64_t ioas_alignment(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	uint32_t num = 0;
	uint64_t align = 0;
	long ret = k_ranges(ctx, ioas, NULL, &num, &align);

	assert_true(ret == 0 || ret == -EMSGSIZE);
	return align;
}

long unmap_count(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t iova,
		 uint64_t length)
{
	uint64_t n = 0;
	long ret = k_unmap(ctx, ioas, iova, length, &n);

	return ret ? ret : (long)n;
}

bool range_is_mapped(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t iova,
		     uint64_t length)
{
	/* No domain: MAP never touches the memory (semantics.md §5), so a
	 * page-aligned address is all the probe needs. */
	long ret = k_map_fixed(ctx, ioas, 0x10000000, length, iova);

	if (ret == 0) {
		assert_int_equal(unmap_count(ctx, ioas, iova, length),
				 (long)length);
		return false;
	}
	assert_int_equal(ret, -EEXIST);
	return true;
}

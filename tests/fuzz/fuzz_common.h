/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the fuzz targets: a byte reader over the input that
 * yields zeros once exhausted (so every input decodes to something), and the
 * memory arena every pointer a fuzzer passes is steered into.
 *
 * Arena layout (one mmap, never unmapped):
 *   [data: ARENA_PAGES pages RW][guard: 1 page PROT_NONE]
 *   [arg: 1 page RW][guard: 1 page PROT_NONE]
 * `data` is what MAP/ACCESS pointers name, so pins and DMA writes land only
 * there; the argument of an ioctl is copied to the END of the arg page, so a
 * struct that claims more bytes than the input gave runs into a guard page
 * and must produce EFAULT, never a read of unrelated memory.
 */
#ifndef UIOMMUFD_TESTS_FUZZ_COMMON_H
#define UIOMMUFD_TESTS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARENA_PAGES 16

struct fz_reader {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fz_u8(struct fz_reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

static inline uint32_t fz_u32(struct fz_reader *r)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)fz_u8(r) << (8 * i);
	return v;
}

static inline uint64_t fz_u64(struct fz_reader *r)
{
	return fz_u32(r) | (uint64_t)fz_u32(r) << 32;
}

struct fz_arena {
	uint8_t *data;	/* ARENA_PAGES pages, then a guard page */
	uint8_t *guard1;
	uint8_t *arg;	/* one page, then a guard page */
	uint8_t *guard2;
	size_t pgsz;
};

/* Set up once per process; aborts if the mapping cannot be made. */
const struct fz_arena *fz_arena(void);

/* Checks run after every input: no pin, no charge left once the context is
 * closed.  Aborts (a fuzzer crash) on violation. */
void fz_check_clean(void);

#endif

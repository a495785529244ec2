/* SPDX-License-Identifier: MIT */
/*
 * abi_util.h - small helpers shared by the ABI conformance programs.
 *
 * Every helper is a thin wrapper that fills one kabi_* struct, passes it to
 * uiommufd_ioctl() and returns the raw result (>= 0 or -errno).  None of them
 * asserts anything: the test bodies keep every expectation visible, with the
 * errors.md row it comes from.  The only helpers that do assert are the
 * must_*() ones, used for set-up steps whose failure makes the rest of a
 * test meaningless.
 *
 * Memory helpers hand out mappings with controlled properties (guard pages,
 * read-only, PROT_NONE, a chosen lowest set address bit) and remember them so
 * that abi_teardown() can unmap everything; the suite runs under ASan and
 * must leave nothing behind.
 *
 * Glossary: `last` is inclusive, `end` exclusive.  PAGE is the host page
 * size, never hard-coded.
 */
#ifndef UIOMMUFD_TESTS_ABI_UTIL_H
#define UIOMMUFD_TESTS_ABI_UTIL_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <uiommufd/uiommufd.h>

#include "kabi.h"

extern uint64_t PAGE;

/* cmocka group/test fixtures: *state becomes a struct uiommufd_ctx *. */
int abi_group_setup(void **state);
int abi_setup(void **state);
int abi_teardown(void **state);

struct uiommufd_ctx *abi_open(void);

static inline long kio(struct uiommufd_ctx *ctx, unsigned long req, void *arg)
{
	return uiommufd_ioctl(ctx, req, arg);
}

/* --- raw command wrappers: return the ioctl result --- */
long k_destroy(struct uiommufd_ctx *ctx, uint32_t id);
long k_ioas_alloc(struct uiommufd_ctx *ctx, uint32_t *id);
long k_map(struct uiommufd_ctx *ctx, uint32_t ioas, uint32_t flags,
	   uint64_t va, uint64_t length, uint64_t *iova);
long k_map_fixed(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t va,
		 uint64_t length, uint64_t iova);
long k_map_auto(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t va,
		uint64_t length, uint64_t *iova);
long k_copy(struct uiommufd_ctx *ctx, uint32_t flags, uint32_t dst,
	    uint32_t src, uint64_t src_iova, uint64_t length,
	    uint64_t *dst_iova);
long k_unmap(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t iova,
	     uint64_t length, uint64_t *unmapped);
long k_ranges(struct uiommufd_ctx *ctx, uint32_t ioas,
	      struct kabi_iova_range *r, uint32_t *num, uint64_t *align);
long k_allow(struct uiommufd_ctx *ctx, uint32_t ioas,
	     const struct kabi_iova_range *r, uint32_t num);
long k_reserve(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t start,
	       uint64_t length);
long k_option(struct uiommufd_ctx *ctx, uint32_t option, uint16_t op,
	      uint32_t object, uint64_t *val);
long k_vfio_ioas(struct uiommufd_ctx *ctx, uint16_t op, uint32_t *id);

/* --- set-up helpers that assert success --- */
uint32_t must_ioas(struct uiommufd_ctx *ctx);
void must_map_fixed(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t va,
		    uint64_t length, uint64_t iova);
void must_reserve(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t start,
		  uint64_t length);

/* --- observations --- */
/* The ID the next object would get (allocates and destroys a probe IOAS). */
uint32_t next_free_id(struct uiommufd_ctx *ctx);
/* IOVA alignment reported by IOVA_RANGES. */
uint64_t ioas_alignment(struct uiommufd_ctx *ctx, uint32_t ioas);
/* Number of bytes mapped exactly in [iova, iova+length): unmaps them, so
 * only for use at the end of a check. -errno on failure. */
long unmap_count(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t iova,
		 uint64_t length);
/* True if any area intersects [iova, iova+length) (probes with a FIXED map,
 * undone).  Only valid where no reserved range intersects it. */
bool range_is_mapped(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t iova,
		     uint64_t length);

/* --- memory --- */
/* Anonymous RW memory, untouched (MAP_NORESERVE). */
void *mem_rw(size_t length);
/* `length` bytes that end exactly where a PROT_NONE page begins. */
void *mem_before_guard(size_t length);
/* One page with the given protection (PROT_NONE, PROT_READ, ...), after
 * `init` (may be NULL) was copied to its start. */
void *mem_page_prot(int prot, const void *init, size_t init_len);
/* An address whose lowest set bit is exactly `align` (a power of two >=
 * PAGE), with `length` bytes of untouched RW memory behind it. */
uint64_t va_with_lowbit(uint64_t align, uint64_t length);
/* An address inside a region that has just been munmap()ed. */
void *mem_unmapped(void);
void mem_release_all(void);

#endif /* UIOMMUFD_TESTS_ABI_UTIL_H */

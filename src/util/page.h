/* SPDX-License-Identifier: MIT */
/*
 * The host base page size.  Never a compile-time constant: it is read once
 * (sysconf) before main() and every "PAGE" in the spec means this value.
 */
#ifndef UIOMMUFD_UTIL_PAGE_H
#define UIOMMUFD_UTIL_PAGE_H

#include <stdint.h>

extern uint64_t uio_page_size;
extern unsigned int uio_page_shift;

#define PAGE_SIZE uio_page_size
#define PAGE_SHIFT uio_page_shift
#define PAGE_MASK (~(uio_page_size - 1))

static inline uint64_t page_align_down(uint64_t v) { return v & PAGE_MASK; }
static inline uint64_t page_offset_of(uint64_t v) { return v & (uio_page_size - 1); }

#endif

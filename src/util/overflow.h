/* SPDX-License-Identifier: MIT */
/*
 * Overflow-checked arithmetic.  Every helper returns true when the result
 * does NOT fit (so "if (check_add_overflow(a, b, &r)) return -EOVERFLOW;"
 * reads naturally) and stores the wrapped result regardless.
 */
#ifndef UIOMMUFD_UTIL_OVERFLOW_H
#define UIOMMUFD_UTIL_OVERFLOW_H

#include <stdbool.h>
#include <stdint.h>

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

/* [start, start + length - 1] as a closed range; fails on length 0 too. */
static inline bool range_last_overflows(uint64_t start, uint64_t length,
					uint64_t *last)
{
	if (length == 0)
		return true;
	return check_add_overflow(start, length - 1, last);
}

static inline bool is_power_of_2_u64(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Round up to a power-of-two `align`; true on overflow. */
static inline bool round_up_overflows(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t t;

	if (check_add_overflow(v, align - 1, &t))
		return true;
	*out = t & ~(align - 1);
	return false;
}

static inline uint64_t roundup_pow_of_two_u64(uint64_t v)
{
	if (v <= 1)
		return 1;
	if (v > (1ULL << 63))
		return 0;
	return 1ULL << (64 - __builtin_clzll(v - 1));
}

static inline uint64_t lowest_set_bit_u64(uint64_t v)
{
	return v & -v;
}

#define MIN_T(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define MAX_T(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#endif

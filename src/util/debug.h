/* SPDX-License-Identifier: MIT */
/*
 * Invariant checks.  UIO_ASSERT() aborts with a message in debug and test
 * builds and compiles to nothing in release builds; it is for conditions that
 * only a bug in uiommufd can make false, never for user input.
 */
#ifndef UIOMMUFD_UTIL_DEBUG_H
#define UIOMMUFD_UTIL_DEBUG_H

#include <stdio.h>
#include <stdlib.h>

#ifdef UIOMMUFD_DEBUG
#define UIO_ASSERT(cond)                                                      \
	do {                                                                  \
		if (__builtin_expect(!(cond), 0)) {                           \
			fprintf(stderr, "uiommufd: invariant broken at %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)
#else
#define UIO_ASSERT(cond) ((void)0)
#endif

#define UIO_EXPORT __attribute__((visibility("default")))

#endif

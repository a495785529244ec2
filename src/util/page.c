// SPDX-License-Identifier: MIT
/*
 * The host base page size, read once before main().
 *
 * uio_page_size is what every "PAGE" of the spec means; uio_page_shift is its
 * log2.  Both are set by a constructor from sysconf(_SC_PAGESIZE), so code
 * running after library load (including the LD_PRELOAD shim's interposed
 * calls, which can run from other constructors) sees them set: the variables
 * also start at the most common value, 4096 / 12, in case a constructor of
 * another object runs first.  A page size that is not a power of two would
 * break every mask in page.h; we refuse to run rather than compute garbage.
 */
#include "util/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/debug.h"
#include "util/overflow.h"

uint64_t uio_page_size = 4096;
unsigned int uio_page_shift = 12;

__attribute__((constructor)) static void uio_page_init(void)
{
	long v = sysconf(_SC_PAGESIZE);

	if (v <= 0)
		return; /* keep the default */
	if (!is_power_of_2_u64((uint64_t)v)) {
		fprintf(stderr, "uiommufd: page size %ld is not a power of two\n", v);
		abort();
	}
	uio_page_size = (uint64_t)v;
	uio_page_shift = (unsigned int)__builtin_ctzll((uint64_t)v);
}

// SPDX-License-Identifier: MIT
/*
 * Arena and end-of-input checks shared by the fuzz targets (fuzz_common.h).
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "umem/umem.h"

static struct fz_arena arena;

const struct fz_arena *fz_arena(void)
{
	uint8_t *base;
	size_t pg;

	if (arena.data)
		return &arena;
	pg = (size_t)sysconf(_SC_PAGESIZE);
	base = mmap(NULL, (ARENA_PAGES + 3) * pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		abort();
	arena.pgsz = pg;
	arena.data = base;
	arena.guard1 = base + ARENA_PAGES * pg;
	arena.arg = arena.guard1 + pg;
	arena.guard2 = arena.arg + pg;
	if (mprotect(arena.guard1, pg, PROT_NONE) ||
	    mprotect(arena.guard2, pg, PROT_NONE))
		abort();
	memset(arena.data, 0xa5, ARENA_PAGES * pg);
	return &arena;
}

void fz_check_clean(void)
{
	struct umem_mm *mm = umem_mm_current();

	if (!mm)
		abort();
	if (umem_pinned_total(mm) || umem_accounted(mm, UMEM_ACCOUNT_USER) ||
	    umem_accounted(mm, UMEM_ACCOUNT_MM)) {
		fprintf(stderr, "fuzz: pins or charges left after close: pinned=%llu user=%llu mm=%llu\n",
			(unsigned long long)umem_pinned_total(mm),
			(unsigned long long)umem_accounted(mm, UMEM_ACCOUNT_USER),
			(unsigned long long)umem_accounted(mm, UMEM_ACCOUNT_MM));
		abort();
	}
	umem_mm_put(mm);
}

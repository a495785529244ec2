/* SPDX-License-Identifier: MIT */
/*
 * io_pgtable_bench: cost of mapping and unmapping in the software IOMMU page
 * table, in nanoseconds per 4 KiB page.
 *
 * Workload: 1 GiB of IOVA (262144 pages of 4 KiB) is mapped as a sequence
 * of calls of `run` pages each (run = 256: 1024 calls of 1 MiB; run = 1:
 * 262144 calls of 4 KiB), then unmapped with the same calls.  The output
 * address is the IOVA plus 4 GiB, so both stay congruent and large pages
 * are usable when allowed.  Each scenario runs on a fresh table, so the map
 * figure includes allocating the tables and the unmap figure freeing them.
 * Every scenario is repeated and the fastest repetition is kept.
 *
 * Baseline, measured in the same run: a plain loop that writes one 8-byte
 * entry per 4 KiB page into a preallocated array — the floor any page table
 * has to pay.  `ratio` = scenario / baseline.
 *
 * Two table configurations: "mock2k" (selftest-mock.md §5.2 DEFAULT: 2 KiB
 * granule, so two entries per 4 KiB page without large pages; every power of
 * two; aperture [0x1000000, 0x7fffffff]) and "x86" (4 KiB granule, 4 KiB |
 * 2 MiB | 1 GiB, 48-bit IOVA).
 *
 * Output: a table for people, then one JSON object per line per scenario
 * for scripts.  Options: -r REPS (default 5), -s MIB (default 1024).
 */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/io_pgtable.h"

#define SZ_4K 0x1000ull
#define SZ_1M 0x100000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
#define PADDR_OFFSET 0x100000000ull

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct bench_cfg {
	const char *name;
	struct io_pgtable_cfg cfg;
	uint64_t iova;	/* where the mapped range starts */
};

struct result {
	double map_ns, unmap_ns;	/* per 4 KiB page, best repetition */
	double map_cold_ns;		/* the first repetition's map */
	struct io_pgtable_stats full;	/* stats with everything mapped */
};

static void die(const char *what, int err)
{
	fprintf(stderr, "io_pgtable_bench: %s: %s\n", what, strerror(-err));
	exit(1);
}

static void run_scenario(const struct bench_cfg *bc, uint64_t total,
			 uint64_t run_pages, bool large, int reps,
			 struct result *res)
{
	uint64_t chunk = run_pages * SZ_4K, npages = total / SZ_4K;
	int r;

	res->map_ns = res->unmap_ns = 1e30;
	for (r = 0; r < reps; r++) {
		struct io_pgtable *pt;
		uint64_t off, t0, t1, t2, bytes = 0;
		int ret;

		ret = io_pgtable_alloc(&bc->cfg, &pt);
		if (ret)
			die("alloc", ret);
		t0 = now_ns();
		for (off = 0; off < total; off += chunk) {
			ret = io_pgtable_map(pt, bc->iova + off,
					     bc->iova + off + PADDR_OFFSET, chunk,
					     IO_PGTABLE_READ | IO_PGTABLE_WRITE,
					     large);
			if (ret)
				die("map", ret);
		}
		t1 = now_ns();
		io_pgtable_get_stats(pt, &res->full);
		for (off = 0; off < total; off += chunk)
			bytes += io_pgtable_unmap(pt, bc->iova + off, chunk);
		t2 = now_ns();
		if (bytes != total)
			die("unmap count", -EIO);
		io_pgtable_free(pt);
		if (r == 0)
			res->map_cold_ns = (double)(t1 - t0) / npages;
		if ((double)(t1 - t0) / npages < res->map_ns)
			res->map_ns = (double)(t1 - t0) / npages;
		if ((double)(t2 - t1) / npages < res->unmap_ns)
			res->unmap_ns = (double)(t2 - t1) / npages;
	}
}

/* One 8-byte store per page into a preallocated array, best of reps. */
static double baseline_ns(uint64_t npages, int reps)
{
	uint64_t *a = calloc(npages, sizeof(*a));
	double best = 1e30;
	int r;

	if (!a)
		die("baseline", -ENOMEM);
	for (r = 0; r < reps; r++) {
		uint64_t i, t0, t1, pte = PADDR_OFFSET | 7;

		t0 = now_ns();
		for (i = 0; i < npages; i++)
			a[i] = pte + i * SZ_4K;
		/* Keep the stores: the compiler must assume a is read. */
		__asm__ __volatile__("" : : "r"(a) : "memory");
		t1 = now_ns();
		if ((double)(t1 - t0) / npages < best)
			best = (double)(t1 - t0) / npages;
		memset(a, 0, npages * sizeof(*a));
	}
	free(a);
	return best;
}

int main(int argc, char **argv)
{
	const struct bench_cfg cfgs[] = {
		{ "mock2k",
		  { .granule = 0x800, .pgsize_bitmap = ~0x7ffull,
		    .aperture_start = 0x1000000, .aperture_last = 0x7fffffff },
		  SZ_1G },
		{ "x86",
		  { .granule = SZ_4K, .pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
		    .aperture_start = 0, .aperture_last = (1ull << 48) - 1 },
		  SZ_1G },
	};
	const uint64_t runs[] = { 256, 1 };
	uint64_t total = SZ_1G, npages;
	int reps = 5, opt;
	double base;
	size_t c, k;
	int l;

	while ((opt = getopt(argc, argv, "r:s:")) != -1) {
		switch (opt) {
		case 'r':
			reps = atoi(optarg);
			break;
		case 's':
			total = strtoull(optarg, NULL, 0) * SZ_1M;
			break;
		default:
			fprintf(stderr, "usage: %s [-r reps] [-s MiB]\n",
				argv[0]);
			return 2;
		}
	}
	if (reps < 1 || total == 0 || total > SZ_1G) {
		fprintf(stderr, "io_pgtable_bench: need reps >= 1, 1 <= MiB <= 1024\n");
		return 2;
	}
	npages = total / SZ_4K;
	/*
	 * A long-running process keeps its heap: stop glibc from returning
	 * freed tables to the kernel between repetitions, so the best
	 * repetition measures the table code and a warm allocator, not page
	 * faults.  The first repetition (cold heap) is reported separately.
	 */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	base = baseline_ns(npages, reps);

	printf("io_pgtable: %llu MiB, ns per 4 KiB page (best of %d); baseline "
	       "(one 8-byte store per page) %.3f ns\n",
	       (unsigned long long)(total / SZ_1M), reps, base);
	printf("%-7s %5s %5s %9s %7s %9s %9s %7s %7s %9s\n", "config", "run",
	       "large", "map_ns", "ratio", "map_cold", "unmap_ns", "ratio",
	       "tables", "leaf_ents");
	struct {
		const char *cfg;
		uint64_t run;
		bool large;
		struct result res;
	} out[8];
	int nout = 0, i;

	for (c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++)
		for (k = 0; k < sizeof(runs) / sizeof(runs[0]); k++)
			for (l = 0; l < 2; l++) {
				struct result *res = &out[nout].res;

				/* Runs of one 4 KiB page never use large pages. */
				if (runs[k] == 1 && l)
					continue;
				out[nout].cfg = cfgs[c].name;
				out[nout].run = runs[k];
				out[nout].large = l;
				run_scenario(&cfgs[c], total, runs[k], l, reps,
					     res);
				printf("%-7s %5llu %5s %9.3f %7.2f %9.3f %9.3f %7.2f %7llu %9llu\n",
				       cfgs[c].name,
				       (unsigned long long)runs[k],
				       l ? "on" : "off", res->map_ns,
				       res->map_ns / base, res->map_cold_ns,
				       res->unmap_ns,
				       res->unmap_ns / base,
				       (unsigned long long)res->full.nr_tables,
				       (unsigned long long)res->full.nr_leaf_entries);
				nout++;
			}
	for (i = 0; i < nout; i++) {
		const struct result *res = &out[i].res;

		printf("{\"bench\":\"io_pgtable\",\"config\":\"%s\",\"mib\":%llu,"
		       "\"run_pages\":%llu,\"large\":%s,\"map_ns_per_page\":%.3f,"
		       "\"map_cold_ns_per_page\":%.3f,\"unmap_ns_per_page\":%.3f,\"baseline_ns_per_page\":%.3f,"
		       "\"map_ratio\":%.2f,\"unmap_ratio\":%.2f,\"tables\":%llu,"
		       "\"table_bytes\":%llu,\"leaf_entries\":%llu}\n",
		       out[i].cfg, (unsigned long long)(total / SZ_1M),
		       (unsigned long long)out[i].run,
		       out[i].large ? "true" : "false", res->map_ns,
		       res->map_cold_ns, res->unmap_ns, base, res->map_ns / base,
		       res->unmap_ns / base,
		       (unsigned long long)res->full.nr_tables,
		       (unsigned long long)res->full.table_bytes,
		       (unsigned long long)res->full.nr_leaf_entries);
	}
	return 0;
}

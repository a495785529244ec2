/* SPDX-License-Identifier: MIT */
/*
 * bench-shim-child: the cost of one cheap /dev/iommu ioctl as a plain
 * program sees it.  The program knows nothing of uiommufd: it opens
 * /dev/iommu, allocates an IOAS and calls IOMMU_IOAS_IOVA_RANGES in a loop
 * with libc's ioctl().  uiommufd-bench runs it under uiommufd-run, so every
 * call crosses the LD_PRELOAD shim (fd lookup, dispatch) before it reaches
 * the library; the difference to a direct uiommufd_ioctl() call is the
 * shim's price.
 *
 * Usage: bench-shim-child ITERS REPS.  Prints one line
 *   "shim_ns_per_call MEDIAN MIN MAX"
 * (nanoseconds per call over REPS repetitions of ITERS calls) and exits 0,
 * or prints a reason on stderr and exits 2 when /dev/iommu cannot be opened
 * (run without the shim on a machine without iommufd).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "uiommufd/iommufd_abi.h"

#define MAX_REPS 64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_iova_range ranges[4];
	double per_call[MAX_REPS];
	long iters, reps, i, r;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ITERS REPS\n", argv[0]);
		return 2;
	}
	iters = strtol(argv[1], NULL, 0);
	reps = strtol(argv[2], NULL, 0);
	if (iters < 1 || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "bench-shim-child: bad ITERS or REPS\n");
		return 2;
	}

	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "bench-shim-child: open /dev/iommu: %s\n",
			strerror(errno));
		return 2;
	}
	if (ioctl(fd, IOMMU_IOAS_ALLOC, &alloc)) {
		fprintf(stderr, "bench-shim-child: IOAS_ALLOC: %s\n",
			strerror(errno));
		return 2;
	}

	for (r = 0; r < reps; r++) {
		uint64_t t0 = now_ns();

		for (i = 0; i < iters; i++) {
			struct iommu_ioas_iova_ranges q = {
				.size = sizeof(q),
				.ioas_id = alloc.out_ioas_id,
				.num_iovas = 4,
				.allowed_iovas = (uintptr_t)ranges,
			};

			if (ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q)) {
				fprintf(stderr,
					"bench-shim-child: IOVA_RANGES: %s\n",
					strerror(errno));
				return 2;
			}
		}
		per_call[r] = (double)(now_ns() - t0) / (double)iters;
	}
	close(fd);

	qsort(per_call, (size_t)reps, sizeof(per_call[0]), cmp_double);
	printf("shim_ns_per_call %.2f %.2f %.2f\n", per_call[reps / 2],
	       per_call[0], per_call[reps - 1]);
	return 0;
}

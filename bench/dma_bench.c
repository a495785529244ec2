/* SPDX-License-Identifier: MIT */
/*
 * dma_bench.c - what DMA through an access costs (issue 4).
 *
 * Scenario 1, throughput: uiommufd_dma_read / uiommufd_dma_write of 64 B,
 * 4 KiB, 64 KiB and 1 MiB inside one 2 MiB mapping, against memcpy() of
 * the same sizes measured in the same run (same buffers, interleaved), as
 * GB/s and as a ratio dma/memcpy.  Three ways the pages can be reachable:
 *   pinned   - the device pinned the mapping once (uiommufd_dma_pin), the
 *              usual setup of a device with a ring; copies go through the
 *              held pages;
 *   domain   - the IOAS has a mock domain, which holds every page;
 *   transient- nothing holds the pages: each transfer pins and unpins.
 *
 * Scenario 2, lookup: random 4 KiB reads, each inside one of N one-page
 * mappings (N = 10,000 and 1,000,000), pinned path; ns per read, and the
 * same minus a 4 KiB memcpy (the cost of finding the mapping and the
 * locks).  The tree descent is O(log N), so the two should differ little.
 *
 * Output: a table on stdout and one JSON line per case, starting with '{'
 * (scripts/bench.sh collects those).  --quick shortens every measurement.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <uiommufd/iommufd_abi.h>
#include <uiommufd/uiommufd.h>

static double min_seconds = 0.2;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "dma_bench: %s: %s\n", what, strerror(-rc));
	exit(1);
}

static void cb_unmap(void *priv, uint64_t iova, uint64_t length)
{
	(void)priv;
	(void)iova;
	(void)length;
}

static volatile unsigned char sink;

enum kind { K_MEMCPY_R, K_MEMCPY_W, K_DMA_R, K_DMA_W };

/* Seconds per operation of one kind, repeated until min_seconds passed. */
static double per_op(enum kind k, struct uiommufd_access *a, uint64_t iova,
		     unsigned char *mem, unsigned char *buf, size_t size,
		     size_t span)
{
	uint64_t n = 0, off = 0;
	double t0 = now(), t;
	int rc = 0;

	do {
		for (int i = 0; i < 64; i++) {
			switch (k) {
			case K_MEMCPY_R:
				memcpy(buf, mem + off, size);
				break;
			case K_MEMCPY_W:
				memcpy(mem + off, buf, size);
				break;
			case K_DMA_R:
				rc = uiommufd_dma_read(a, iova + off, buf, size);
				break;
			case K_DMA_W:
				rc = uiommufd_dma_write(a, iova + off, buf, size);
				break;
			}
			if (rc)
				die("dma", rc);
			sink = buf[size - 1];
			off += size;
			if (off + size > span)
				off = 0;
		}
		n += 64;
		t = now() - t0;
	} while (t < min_seconds);
	return t / (double)n;
}

static int mock_domain(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd), .op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = ioas,
	};

	return (int)uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
}

static void throughput(const char *mode)
{
	static const size_t sizes[] = { 64, 4096, 65536, 1 << 20 };
	const size_t span = 2 << 20;
	struct uiommufd_ctx *ctx;
	struct uiommufd_access *a;
	unsigned char *mem, *buf;
	uint64_t iova = 0x1000000;
	uint32_t ioas;
	int rc;

	mem = mmap(NULL, span, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	buf = aligned_alloc(4096, 1 << 20);
	if (mem == MAP_FAILED || !buf)
		die("memory", -ENOMEM);
	memset(mem, 1, span);
	memset(buf, 2, 1 << 20);
	rc = uiommufd_open(&ctx);
	if (!rc)
		rc = uiommufd_ioas_alloc(ctx, &ioas);
	if (!rc && !strcmp(mode, "domain"))
		rc = mock_domain(ctx, ioas);
	if (!rc)
		rc = uiommufd_ioas_map(ctx, ioas, mem, span, &iova,
				       UIOMMUFD_MAP_FIXED_IOVA | UIOMMUFD_MAP_READABLE |
				       UIOMMUFD_MAP_WRITEABLE);
	if (!rc)
		rc = uiommufd_access_open(ctx, ioas, cb_unmap, NULL, &a);
	if (!rc && !strcmp(mode, "pinned"))
		rc = uiommufd_dma_pin(a, iova, span, 1, NULL, 0, NULL);
	if (rc) {
		printf("# %s: setup failed (%s), skipped\n", mode, strerror(-rc));
		return;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t sz = sizes[i];
		/* interleave: memcpy, dma, memcpy, dma; keep the best of each */
		double mr = 1e9, mw = 1e9, dr = 1e9, dw = 1e9;

		for (int rep = 0; rep < 2; rep++) {
			double v;

			v = per_op(K_MEMCPY_R, a, iova, mem, buf, sz, span);
			mr = v < mr ? v : mr;
			v = per_op(K_DMA_R, a, iova, mem, buf, sz, span);
			dr = v < dr ? v : dr;
			v = per_op(K_MEMCPY_W, a, iova, mem, buf, sz, span);
			mw = v < mw ? v : mw;
			v = per_op(K_DMA_W, a, iova, mem, buf, sz, span);
			dw = v < dw ? v : dw;
		}
		printf("%-10s %8zu  read %8.2f GB/s (memcpy %8.2f) ratio %5.3f   "
		       "write %8.2f GB/s (memcpy %8.2f) ratio %5.3f   dma %7.0f ns/op\n",
		       mode, sz, sz / dr * 1e-9, sz / mr * 1e-9, mr / dr,
		       sz / dw * 1e-9, sz / mw * 1e-9, mw / dw, dr * 1e9);
		printf("{\"bench\":\"dma_throughput\",\"mode\":\"%s\",\"size\":%zu,"
		       "\"dma_read_gbps\":%.3f,\"memcpy_read_gbps\":%.3f,\"read_ratio\":%.4f,"
		       "\"dma_write_gbps\":%.3f,\"memcpy_write_gbps\":%.3f,\"write_ratio\":%.4f,"
		       "\"dma_read_ns\":%.1f,\"dma_write_ns\":%.1f}\n",
		       mode, sz, sz / dr * 1e-9, sz / mr * 1e-9, mr / dr,
		       sz / dw * 1e-9, sz / mw * 1e-9, mw / dw, dr * 1e9, dw * 1e9);
	}
	uiommufd_access_close(a);
	uiommufd_close(ctx);
	munmap(mem, span);
	free(buf);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* N one-page mappings of one page of memory, pinned by the device. */
static void lookup(uint64_t nareas)
{
	long page = sysconf(_SC_PAGESIZE);
	struct uiommufd_ctx *ctx;
	struct uiommufd_access *a;
	unsigned char *mem, buf[4096];
	const uint64_t base = 1ULL << 32;
	uint64_t seed = 88172645463325252ULL, n = 0;
	double t0, t, tm, setup;
	uint32_t ioas;
	int rc;

	mem = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		die("memory", -ENOMEM);
	rc = uiommufd_open(&ctx);
	if (!rc)
		rc = uiommufd_ioas_alloc(ctx, &ioas);
	if (!rc)
		rc = uiommufd_access_open(ctx, ioas, cb_unmap, NULL, &a);
	if (rc)
		die("lookup setup", rc);
	setup = now();
	for (uint64_t i = 0; i < nareas && !rc; i++) {
		uint64_t iova = base + i * 2 * (uint64_t)page; /* gaps between */

		rc = uiommufd_ioas_map(ctx, ioas, mem, (uint64_t)page, &iova,
				       UIOMMUFD_MAP_FIXED_IOVA | UIOMMUFD_MAP_READABLE |
				       UIOMMUFD_MAP_WRITEABLE);
		if (!rc)
			rc = uiommufd_dma_pin(a, iova, (uint64_t)page, 0, NULL, 0, NULL);
	}
	if (rc)
		die("lookup map", rc);
	setup = now() - setup;

	t0 = now();
	do {
		for (int i = 0; i < 256; i++) {
			uint64_t k = xorshift(&seed) % nareas;

			rc = uiommufd_dma_read(a, base + k * 2 * (uint64_t)page, buf,
					       sizeof(buf));
			if (rc)
				die("lookup read", rc);
		}
		n += 256;
		t = now() - t0;
	} while (t < min_seconds * 2);
	t /= (double)n;
	tm = per_op(K_MEMCPY_R, NULL, 0, mem, buf, sizeof(buf), (size_t)page);

	printf("lookup %8llu areas: %7.1f ns per random 4 KiB read, %7.1f ns "
	       "beyond memcpy (memcpy 4 KiB %5.1f ns); setup %.1f s\n",
	       (unsigned long long)nareas, t * 1e9, (t - tm) * 1e9, tm * 1e9, setup);
	printf("{\"bench\":\"dma_lookup\",\"areas\":%llu,\"ns_per_read\":%.1f,"
	       "\"ns_beyond_memcpy\":%.1f,\"memcpy_4k_ns\":%.1f,\"setup_s\":%.2f}\n",
	       (unsigned long long)nareas, t * 1e9, (t - tm) * 1e9, tm * 1e9, setup);
	/* close releases every pin; closing the context unmaps everything */
	uiommufd_access_close(a);
	uiommufd_close(ctx);
	munmap(mem, (size_t)page);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");

	if (quick)
		min_seconds = 0.02;
	printf("# DMA through an access vs memcpy (best of 2, interleaved)\n");
	throughput("pinned");
	throughput("domain");
	throughput("transient");
	printf("# random 4 KiB reads over N one-page mappings (pinned)\n");
	lookup(10000);
	lookup(quick ? 100000 : 1000000);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * uiommufd-bench: what uiommufd costs, measured next to a floor in the same
 * run (issue 6).
 *
 * Every scenario runs the uiommufd operation and its baseline interleaved
 * (uiommufd, baseline, uiommufd, ...) for several repetitions and keeps each
 * repetition's figure; the report gives the median and the spread (minimum
 * and maximum).  Nothing is ever compared against a fixed time: the program
 * fails only when an operation that must succeed returns an error.  When the
 * library answers -EOPNOTSUPP for a test op a scenario needs (MOCK_DOMAIN,
 * CREATE_ACCESS), that scenario or case is reported "unavailable" and no
 * number is printed for it.
 *
 * Scenarios (numbers as in issue 6):
 *  1 map/unmap scaling  4 KiB MAP+UNMAP pairs at random holes of an IOAS
 *                       holding N areas.  Baseline: glibc tsearch()+tdelete()
 *                       (a red-black tree, one malloc per node) of one key in
 *                       a tree holding the same N keys: the cost of any
 *                       ordered index of the areas.
 *  2 large map          MAP then UNMAP of a populated buffer (1 GiB) into an
 *                       IOAS with one mock domain, HUGE_PAGES off and on.
 *                       Floor: madvise(MADV_POPULATE_WRITE) over the range
 *                       plus one 8-byte store per 4 KiB page.
 *  3 copy vs map        IOAS_COPY of that mapping into a second IOAS with a
 *                       domain versus IOAS_MAP of the same memory into it,
 *                       with the pins each one took (umem_pinned_total).
 *  4 DMA                uiommufd_dma_read()/_write() (the device-emulator
 *                       API) of 64 B .. 1 MiB against memcpy of the same
 *                       size; the ACCESS_RW test op (through the ioctl ABI,
 *                       with the mock's temporary buffer) at 64 B and 1 MiB;
 *                       random 4 KiB dma_read()s over 10k and 1M areas
 *                       against memcpy of a random 4 KiB page.
 *  5 call overhead      IOAS_IOVA_RANGES through uiommufd_ioctl(), through the
 *                       LD_PRELOAD shim (a child run under uiommufd-run), and
 *                       ioctl(FIONREAD) on a pipe (a real system call).
 *  6 memory             heap bytes (mallinfo2: in-use arena + mmapped
 *                       chunks) per area and per mapped 4 KiB page.
 *  7 beyond RAM         MAP of a 1 TiB MAP_NORESERVE reservation that is
 *                       never touched, no domain: time and memory, run in a
 *                       child watched for resident-memory growth.
 *
 * Glossary: an "area" is one IOAS_MAP'ed range; a "hole" is an IOVA range
 * kept free between areas for the measured pairs; `last` is inclusive.
 * Overflow hazards: IOVA layouts are computed in uint64_t and checked
 * against the mock aperture before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <search.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uiommufd/uiommufd.h"
#include "uiommufd/iommufd_abi.h"
#include "umem/umem.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define SZ_2K 0x800ull
#define SZ_4K 0x1000ull
#define SZ_1M 0x100000ull
#define SZ_1G 0x40000000ull
#define SZ_1T 0x10000000000ull

#define MAX_REPS 31
#define MAX_CASES 48
#define MAX_SIZES 8

/* ---------------------------------------------------------------- options */

static struct {
	bool quick;
	unsigned int scenarios;		/* bit n = scenario n */
	int reps;
	uint64_t sizes[MAX_SIZES];	/* area counts of scenario 1 */
	int nsizes;
	uint64_t large_bytes;		/* scenarios 2 and 3 */
	uint64_t reserve_bytes;		/* scenario 7 */
	const char *out_dir;
	const char *run_tool;
	const char *shim_child;
} opt;

/* ------------------------------------------------------------ utilities */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("uiommufd-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void check(long ret, const char *what)
{
	if (ret < 0)
		die("%s: %s", what, strerror((int)-ret));
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* Heap in use: malloc arena plus chunks malloc serves with mmap. */
static int64_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (int64_t)(mi.uordblks + mi.hblkhd);
}

static int64_t rss_bytes_of(pid_t pid)
{
	char path[64];
	long pages = 0, rss = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss < 0 ? -1 : (int64_t)rss * sysconf(_SC_PAGESIZE);
}

/* Keep the compiler from dropping copies whose result nobody reads. */
static void clobber(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* Cost of one now_ns() call, subtracted from per-operation timings. */
static double timer_ns;

static void measure_timer(void)
{
	uint64_t t0 = now_ns(), t = 0;
	int i;

	for (i = 0; i < 100000; i++)
		t += now_ns();
	clobber(&t);
	timer_ns = (double)(now_ns() - t0) / 100000.0;
}

/* Anonymous, 2 MiB-aligned, populated (write-faulted) buffer. */
static void *alloc_buffer(uint64_t len, bool populate)
{
	uint64_t align = 2 * SZ_1M;
	uint8_t *p, *a;

	p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap %" PRIu64 " bytes: %s", len, strerror(errno));
	a = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (a != p)
		munmap(p, (size_t)(a - p));
	munmap(a + len, (size_t)((p + len + align) - (a + len)));
	if (populate && madvise(a, len, MADV_POPULATE_WRITE))
		memset(a, 0x5a, len);
	return a;
}

/* ------------------------------------------------------ uiommufd helpers */

static uint32_t ioas_alloc(struct uiommufd_ctx *ctx)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	check(uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &a), "IOAS_ALLOC");
	return a.out_ioas_id;
}

static long map_fixed(struct uiommufd_ctx *ctx, uint32_t ioas, void *va,
		      uint64_t len, uint64_t iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	return uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, &m);
}

static long unmap(struct uiommufd_ctx *ctx, uint32_t ioas, uint64_t iova,
		  uint64_t len)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
	};

	return uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &u);
}

static void set_huge_pages(struct uiommufd_ctx *ctx, uint32_t ioas, int on)
{
	struct iommu_option o = {
		.size = sizeof(o),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET,
		.object_id = ioas,
		.val64 = (uint64_t)on,
	};

	check(uiommufd_ioctl(ctx, IOMMU_OPTION, &o), "OPTION HUGE_PAGES");
}

/* Attach a new mock device (and so an automatic mock domain) to `ioas`.
 * Returns 0, -EOPNOTSUPP when the library has no mock domains, or dies. */
static int mock_domain(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	struct iommu_test_cmd c = {
		.size = sizeof(c), .op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = ioas,
	};
	long r = uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &c);

	if (r == -EOPNOTSUPP)
		return (int)r;
	check(r, "TEST_OP_MOCK_DOMAIN");
	return 0;
}

/* An access on `ioas`; returns its descriptor or -EOPNOTSUPP. */
static int create_access(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	struct iommu_test_cmd c = {
		.size = sizeof(c), .op = IOMMU_TEST_OP_CREATE_ACCESS, .id = ioas,
	};
	long r = uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &c);

	if (r == -EOPNOTSUPP)
		return (int)r;
	check(r, "TEST_OP_CREATE_ACCESS");
	return (int)c.create_access.out_access_fd;
}

static long access_rw(struct uiommufd_ctx *ctx, int afd, uint64_t iova,
		      void *buf, uint64_t len, bool write)
{
	struct iommu_test_cmd c = {
		.size = sizeof(c), .op = IOMMU_TEST_OP_ACCESS_RW,
		.id = (uint32_t)afd,
		.access_rw = {
			.iova = iova, .length = len, .uptr = (uintptr_t)buf,
			.flags = write ? MOCK_ACCESS_RW_WRITE : 0,
		},
	};

	return uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &c);
}

static uint64_t pinned_total(void)
{
	static struct umem_mm *mm;

	if (!mm)
		mm = umem_mm_current();
	return mm ? umem_pinned_total(mm) : 0;
}

/* ------------------------------------------------------ results, output */

struct stat3 {
	double med, min, max;
	int n;
};

struct bcase {
	char name[64];
	char unit[16];
	bool avail;
	char why[96];
	struct stat3 u;		/* uiommufd */
	struct stat3 b;		/* baseline; b.n == 0: none */
	char extra[320];	/* JSON members, "" or "\"k\":v,..." */
};

struct scenario {
	int num;
	const char *id;
	const char *baseline;
	struct bcase cases[MAX_CASES];
	int ncases;
};

static struct scenario *all_scen[8];
static FILE *json_out;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct stat3 stat_of(const double *v, int n)
{
	double s[MAX_REPS];
	struct stat3 st = { 0 };

	if (n <= 0)
		return st;
	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	st.med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	st.min = s[0];
	st.max = s[n - 1];
	st.n = n;
	return st;
}

static struct stat3 stat_one(double v)
{
	return stat_of(&v, 1);
}

static struct scenario *scen_new(int num, const char *id, const char *base)
{
	struct scenario *s = calloc(1, sizeof(*s));

	if (!s)
		die("out of memory");
	s->num = num;
	s->id = id;
	s->baseline = base;
	all_scen[num] = s;
	return s;
}

static struct bcase *case_add(struct scenario *s, const char *unit,
			      const char *fmt, ...)
{
	struct bcase *c;
	va_list ap;

	if (s->ncases == MAX_CASES)
		die("too many cases in scenario %d", s->num);
	c = &s->cases[s->ncases++];
	memset(c, 0, sizeof(*c));
	va_start(ap, fmt);
	vsnprintf(c->name, sizeof(c->name), fmt, ap);
	va_end(ap);
	snprintf(c->unit, sizeof(c->unit), "%s", unit);
	c->avail = true;
	return c;
}

static void case_unavail(struct bcase *c, const char *why)
{
	c->avail = false;
	snprintf(c->why, sizeof(c->why), "%s", why);
}

static void case_extra(struct bcase *c, const char *fmt, ...)
{
	size_t len = strlen(c->extra);
	va_list ap;

	if (len && len + 1 < sizeof(c->extra))
		c->extra[len++] = ',';
	va_start(ap, fmt);
	vsnprintf(c->extra + len, sizeof(c->extra) - len, fmt, ap);
	va_end(ap);
}

static void json_stat(FILE *f, const char *key, const struct stat3 *st)
{
	fprintf(f, "\"%s\":{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f,\"reps\":%d}",
		key, st->med, st->min, st->max, st->n);
}

static void scen_json(FILE *f, const struct scenario *s)
{
	int i, navail = 0;

	for (i = 0; i < s->ncases; i++)
		navail += s->cases[i].avail;
	fprintf(f, "{\"scenario\":%d,\"id\":\"%s\",\"status\":\"%s\","
		"\"baseline\":\"%s\",\"cases\":[", s->num, s->id,
		navail == s->ncases ? "ok" : navail ? "partial" : "unavailable",
		s->baseline);
	for (i = 0; i < s->ncases; i++) {
		const struct bcase *c = &s->cases[i];

		fprintf(f, "%s{\"case\":\"%s\",\"unit\":\"%s\"", i ? "," : "",
			c->name, c->unit);
		if (!c->avail) {
			fprintf(f, ",\"status\":\"unavailable\",\"reason\":\"%s\"}",
				c->why);
			continue;
		}
		fputc(',', f);
		json_stat(f, "uiommufd", &c->u);
		if (c->b.n) {
			fputc(',', f);
			json_stat(f, "baseline", &c->b);
			if (c->b.med > 0)
				fprintf(f, ",\"ratio\":%.3f", c->u.med / c->b.med);
		}
		if (c->extra[0])
			fprintf(f, ",%s", c->extra);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
	fflush(f);
}

static void scen_done(struct scenario *s)
{
	scen_json(stdout, s);
	if (json_out)
		scen_json(json_out, s);
}

static void fmt_stat(char *buf, size_t len, const struct stat3 *st)
{
	if (!st->n)
		snprintf(buf, len, "-");
	else if (st->n == 1)
		snprintf(buf, len, "%.4g", st->med);
	else
		snprintf(buf, len, "%.4g [%.4g..%.4g]", st->med, st->min,
			 st->max);
}

static void print_table(void)
{
	char u[64], b[64], r[16];
	int n, i;

	printf("\n%-3s %-34s %-10s %-30s %-30s %8s\n", "#", "case", "unit",
	       "uiommufd median [min..max]", "baseline median [min..max]",
	       "ratio");
	for (n = 1; n < 8; n++) {
		struct scenario *s = all_scen[n];

		if (!s)
			continue;
		printf("--- %d %s (baseline: %s)\n", s->num, s->id, s->baseline);
		for (i = 0; i < s->ncases; i++) {
			struct bcase *c = &s->cases[i];

			if (!c->avail) {
				printf("%-3d %-34s %-10s unavailable: %s\n",
				       n, c->name, c->unit, c->why);
				continue;
			}
			fmt_stat(u, sizeof(u), &c->u);
			fmt_stat(b, sizeof(b), &c->b);
			if (c->b.n && c->b.med > 0)
				snprintf(r, sizeof(r), "%.3g",
					 c->u.med / c->b.med);
			else
				snprintf(r, sizeof(r), "-");
			printf("%-3d %-34s %-10s %-30s %-30s %8s\n", n, c->name,
			       c->unit, u, b, r);
		}
	}
	printf("(timer overhead %.1f ns per reading, subtracted from "
	       "per-operation splits)\n", timer_ns);
}

/* ======================================== scenario 1: map/unmap scaling */

/*
 * IOVA layout: groups of FILL_PER_GROUP areas of `slot` bytes followed by a
 * 4 KiB hole.  Without a domain slot = 4 KiB.  With a mock domain the IOAS
 * is confined to the mock aperture [0x1000000, 0x7fffffff] (2032 MiB), and
 * 10^6 areas of 4 KiB would need 3.8 GiB, so filler areas are 2 KiB (the
 * mock's page size) there; the measured pairs are 4 KiB in both cases.
 * Filler area i maps 4 KiB page (i % FILL_PAGES) of one buffer (2 KiB half
 * i % 2 with a domain), so pin counts stay small.
 */
#define FILL_PER_GROUP 126
#define FILL_PAGES 4096
#define PAIRS_PER_REP 2000

struct fill {
	struct uiommufd_ctx *ctx;
	uint32_t ioas;
	bool domain;
	uint64_t base, slot, n;
	uint8_t *buf;
};

static uint64_t group_bytes(const struct fill *f)
{
	return FILL_PER_GROUP * f->slot + SZ_4K;
}

static uint64_t area_iova(const struct fill *f, uint64_t i)
{
	return f->base + (i / FILL_PER_GROUP) * group_bytes(f) +
	       (i % FILL_PER_GROUP) * f->slot;
}

static uint64_t nholes(const struct fill *f)
{
	uint64_t h = f->n / FILL_PER_GROUP;

	return h ? h : 1;
}

static uint64_t hole_iova(const struct fill *f, uint64_t h)
{
	return f->base + h * group_bytes(f) + FILL_PER_GROUP * f->slot;
}

static void fill_to(struct fill *f, uint64_t n)
{
	for (; f->n < n; f->n++) {
		uint64_t i = f->n;
		uint8_t *va;

		if (f->domain)
			va = f->buf + (i % (2 * FILL_PAGES)) * SZ_2K;
		else
			va = f->buf + (i % FILL_PAGES) * SZ_4K;
		check(map_fixed(f->ctx, f->ioas, va, f->slot, area_iova(f, i)),
		      "fill MAP");
	}
}

/* Baseline index: glibc's red-black tree of the same IOVA keys. */
static int cmp_u64p(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

struct tfill {
	void *root;
	uint64_t *keys;
	uint64_t n;
};

static void tfill_to(struct tfill *t, const struct fill *f, uint64_t n)
{
	for (; t->n < n; t->n++) {
		t->keys[t->n] = area_iova(f, t->n);
		if (!tsearch(&t->keys[t->n], &t->root, cmp_u64p))
			die("tsearch: out of memory");
	}
}

static void tfree_node(void *p)
{
	(void)p;
}

struct pair_times {
	double pair, map, unmap;
};

static void pairs_uiommufd(struct fill *f, struct pair_times *pt)
{
	uint64_t h[PAIRS_PER_REP], t0, t1, t2, sm = 0, su = 0;
	int i;

	for (i = 0; i < PAIRS_PER_REP; i++)
		h[i] = rnd() % nholes(f);
	/* Headline: pairs without per-operation timer readings. */
	t0 = now_ns();
	for (i = 0; i < PAIRS_PER_REP; i++) {
		uint64_t iova = hole_iova(f, h[i]);

		check(map_fixed(f->ctx, f->ioas, f->buf + (h[i] % FILL_PAGES) *
				SZ_4K, SZ_4K, iova), "pair MAP");
		check(unmap(f->ctx, f->ioas, iova, SZ_4K), "pair UNMAP");
	}
	pt->pair = (double)(now_ns() - t0) / PAIRS_PER_REP;
	/* Split: one timer reading between operations. */
	t0 = now_ns();
	for (i = 0; i < PAIRS_PER_REP; i++) {
		uint64_t iova = hole_iova(f, h[PAIRS_PER_REP - 1 - i]);

		check(map_fixed(f->ctx, f->ioas, f->buf, SZ_4K, iova),
		      "split MAP");
		t1 = now_ns();
		check(unmap(f->ctx, f->ioas, iova, SZ_4K), "split UNMAP");
		t2 = now_ns();
		sm += t1 - t0;
		su += t2 - t1;
		t0 = t2;
	}
	pt->map = (double)sm / PAIRS_PER_REP - timer_ns;
	pt->unmap = (double)su / PAIRS_PER_REP - timer_ns;
}

static void pairs_tree(struct tfill *t, const struct fill *f,
		       struct pair_times *pt)
{
	static uint64_t keys[PAIRS_PER_REP];
	uint64_t t0, t1, t2, sm = 0, su = 0;
	int i;

	for (i = 0; i < PAIRS_PER_REP; i++)
		keys[i] = hole_iova(f, rnd() % nholes(f));
	t0 = now_ns();
	for (i = 0; i < PAIRS_PER_REP; i++) {
		if (!tsearch(&keys[i], &t->root, cmp_u64p))
			die("tsearch");
		tdelete(&keys[i], &t->root, cmp_u64p);
	}
	pt->pair = (double)(now_ns() - t0) / PAIRS_PER_REP;
	t0 = now_ns();
	for (i = 0; i < PAIRS_PER_REP; i++) {
		if (!tsearch(&keys[i], &t->root, cmp_u64p))
			die("tsearch");
		t1 = now_ns();
		tdelete(&keys[i], &t->root, cmp_u64p);
		t2 = now_ns();
		sm += t1 - t0;
		su += t2 - t1;
		t0 = t2;
	}
	pt->map = (double)sm / PAIRS_PER_REP - timer_ns;
	pt->unmap = (double)su / PAIRS_PER_REP - timer_ns;
}

/* Scenario 4b inside scenario 1: random 4 KiB uiommufd_dma_read()s, each
 * of a whole random area, against memcpy of a random page of the buffer. */
static void dma_random(struct fill *f, struct scenario *s4)
{
	double uv[MAX_REPS], bv[MAX_REPS];
	static uint8_t dst[SZ_4K];
	struct uiommufd_access *acc;
	struct bcase *c;
	const int per_rep = opt.quick ? 2000 : 50000;
	int r, i;

	c = case_add(s4, "ns/read", "dma_read 4K random, %" PRIu64 " areas",
		     f->n);
	check(uiommufd_access_open(f->ctx, f->ioas, NULL, NULL, &acc),
	      "access_open");
	for (r = 0; r < opt.reps; r++) {
		uint64_t t0 = now_ns();

		for (i = 0; i < per_rep; i++)
			check(uiommufd_dma_read(acc, area_iova(f, rnd() % f->n),
						dst, SZ_4K), "dma_read");
		uv[r] = (double)(now_ns() - t0) / per_rep;
		t0 = now_ns();
		for (i = 0; i < per_rep; i++) {
			memcpy(dst, f->buf + (rnd() % FILL_PAGES) * SZ_4K, SZ_4K);
			clobber(dst);
		}
		bv[r] = (double)(now_ns() - t0) / per_rep;
	}
	c->u = stat_of(uv, opt.reps);
	c->b = stat_of(bv, opt.reps);
	case_extra(c, "\"areas\":%" PRIu64 ",\"lookup_ns\":%.1f", f->n,
		   c->u.med - c->b.med);
	uiommufd_access_close(acc);
}

struct scaling_row {
	uint64_t n;
	struct stat3 map[2], unmap[2], pair[2];
	bool avail[2];
};

static struct scaling_row srows[MAX_SIZES];

static void scenario_scaling(struct scenario *s6, struct scenario *s4)
{
	struct scenario *s = scen_new(1, "map_unmap_scaling",
		"glibc tsearch+tdelete of one key in a red-black tree of the same N keys");
	int dom, si, r;

	for (dom = 0; dom < 2; dom++) {
		struct fill f = { .domain = dom };
		struct tfill t = { 0 };
		int64_t heap0, theap0, tree_bytes = 0;
		uint64_t need;

		check(uiommufd_open(&f.ctx), "open");
		f.ioas = ioas_alloc(f.ctx);
		f.slot = dom ? SZ_2K : SZ_4K;
		f.base = dom ? MOCK_APERTURE_START : SZ_1G;
		f.buf = alloc_buffer(FILL_PAGES * SZ_4K, true);
		if (dom && mock_domain(f.ctx, f.ioas) == -EOPNOTSUPP) {
			for (si = 0; si < opt.nsizes; si++) {
				struct bcase *c = case_add(s, "ns/pair",
					"domain, %" PRIu64 " areas",
					opt.sizes[si]);

				case_unavail(c, "MOCK_DOMAIN: EOPNOTSUPP");
				srows[si].avail[dom] = false;
			}
			case_unavail(case_add(s6, "B/area", "per area, domain"),
				     "MOCK_DOMAIN: EOPNOTSUPP");
			goto next;
		}
		need = opt.sizes[opt.nsizes - 1];
		if (dom && hole_iova(&f, need / FILL_PER_GROUP + 1) + SZ_4K - 1 >
		    MOCK_APERTURE_LAST)
			die("%" PRIu64 " areas do not fit the mock aperture", need);
		t.keys = malloc(sizeof(uint64_t) * need);
		if (!t.keys)
			die("out of memory");

		heap0 = heap_bytes();
		for (si = 0; si < opt.nsizes; si++) {
			double pu[MAX_REPS], mu[MAX_REPS], uu[MAX_REPS];
			double pb[MAX_REPS], mb[MAX_REPS], ub[MAX_REPS];
			uint64_t n = opt.sizes[si], t0;
			struct bcase *c;
			double fill_ns;

			t0 = now_ns();
			uint64_t from = f.n;
			fill_to(&f, n);
			fill_ns = (double)(now_ns() - t0) / (double)(n - from);
			theap0 = heap_bytes();
			tfill_to(&t, &f, n);
			tree_bytes += heap_bytes() - theap0;
			if (si == opt.nsizes - 1) {
				/* scenario 6: heap per area at the largest N */
				struct bcase *m = case_add(s6, "B/area",
					"per area, %s, %" PRIu64 " areas",
					dom ? "domain" : "no domain", n);

				m->u = stat_one((double)(theap0 - heap0 -
						 (tree_bytes - (heap_bytes() - theap0))) /
						(double)n);
				m->b = stat_one((double)tree_bytes / (double)n);
				case_extra(m, "\"baseline_is\":\"tsearch node\"");
			}
			for (r = 0; r < opt.reps; r++) {
				struct pair_times a, b;

				if (r % 2) {
					pairs_tree(&t, &f, &b);
					pairs_uiommufd(&f, &a);
				} else {
					pairs_uiommufd(&f, &a);
					pairs_tree(&t, &f, &b);
				}
				pu[r] = a.pair; mu[r] = a.map; uu[r] = a.unmap;
				pb[r] = b.pair; mb[r] = b.map; ub[r] = b.unmap;
			}
			c = case_add(s, "ns/pair", "%s, %" PRIu64 " areas",
				     dom ? "domain" : "no domain", n);
			c->u = stat_of(pu, opt.reps);
			c->b = stat_of(pb, opt.reps);
			srows[si].n = n;
			srows[si].avail[dom] = true;
			srows[si].pair[dom] = c->u;
			srows[si].map[dom] = stat_of(mu, opt.reps);
			srows[si].unmap[dom] = stat_of(uu, opt.reps);
			case_extra(c, "\"areas\":%" PRIu64 ",\"domain\":%d", n, dom);
			case_extra(c, "\"map_ns\":%.1f,\"unmap_ns\":%.1f",
				   srows[si].map[dom].med,
				   srows[si].unmap[dom].med);
			case_extra(c, "\"tree_insert_ns\":%.1f,\"tree_delete_ns\":%.1f",
				   stat_of(mb, opt.reps).med,
				   stat_of(ub, opt.reps).med);
			case_extra(c, "\"fill_ns_per_map\":%.1f", fill_ns);
			if (!dom && (si == 1 || si == opt.nsizes - 1))
				dma_random(&f, s4);
		}
		/* ratio largest / smallest N */
		if (opt.nsizes > 1) {
			struct bcase *c = case_add(s, "ratio",
				"%s, %" PRIu64 "/%" PRIu64 " pair ratio",
				dom ? "domain" : "no domain",
				opt.sizes[opt.nsizes - 1], opt.sizes[0]);
			struct bcase *lo = &s->cases[s->ncases - 1 - opt.nsizes];
			struct bcase *hi = &s->cases[s->ncases - 2];

			c->u = stat_one(hi->u.med / lo->u.med);
			c->b = stat_one(hi->b.med / lo->b.med);
		}
		tdestroy(t.root, tfree_node);
		free(t.keys);
		check(uiommufd_ioas_unmap_all(f.ctx, f.ioas, NULL), "UNMAP all");
next:
		uiommufd_close(f.ctx);
		munmap(f.buf, FILL_PAGES * SZ_4K);
	}
	scen_done(s);
}

/* ========================================= scenarios 2 and 3: large map */

static void floor_populate(uint8_t *buf, uint64_t len, uint64_t *ptes)
{
	uint64_t i, n = len / SZ_4K;

	if (madvise(buf, len, MADV_POPULATE_WRITE))
		die("MADV_POPULATE_WRITE: %s", strerror(errno));
	for (i = 0; i < n; i++)
		ptes[i] = ((uintptr_t)buf + i * SZ_4K) | 3;
	clobber(ptes);
}

static void scenario_large(struct scenario *s6)
{
	struct scenario *s = scen_new(2, "large_map",
		"madvise(MADV_POPULATE_WRITE) over the range + one 8-byte store per 4 KiB page");
	uint64_t len = opt.large_bytes, npages = len / SZ_4K;
	const uint64_t iova = SZ_1G;
	uint8_t *buf = alloc_buffer(len, true);
	uint64_t *ptes = calloc(npages, sizeof(uint64_t));
	int hp, r;

	if (!ptes)
		die("out of memory");
	for (hp = 0; hp < 2; hp++) {
		double mv[MAX_REPS], uv[MAX_REPS], bv[MAX_REPS];
		struct bcase *cm, *cu;
		struct uiommufd_ctx *ctx;
		uint64_t pins = 0, pins_left = 0;
		uint32_t ioas;

		cm = case_add(s, "ns/page", "map, huge_pages=%d", hp);
		cu = case_add(s, "ns/page", "unmap, huge_pages=%d", hp);
		check(uiommufd_open(&ctx), "open");
		ioas = ioas_alloc(ctx);
		set_huge_pages(ctx, ioas, hp);
		if (mock_domain(ctx, ioas) == -EOPNOTSUPP) {
			case_unavail(cm, "MOCK_DOMAIN: EOPNOTSUPP");
			case_unavail(cu, "MOCK_DOMAIN: EOPNOTSUPP");
			if (!hp)
				case_unavail(case_add(s6, "B/page",
					"per mapped 4K page, domain"),
					"MOCK_DOMAIN: EOPNOTSUPP");
			uiommufd_close(ctx);
			continue;
		}
		for (r = 0; r < opt.reps; r++) {
			uint64_t t0, p0 = pinned_total();
			int64_t h0 = heap_bytes();

			t0 = now_ns();
			floor_populate(buf, len, ptes);
			bv[r] = (double)(now_ns() - t0) / (double)npages;

			t0 = now_ns();
			check(map_fixed(ctx, ioas, buf, len, iova), "large MAP");
			mv[r] = (double)(now_ns() - t0) / (double)npages;
			pins = pinned_total() - p0;
			if (!hp && !r) {
				struct bcase *m = case_add(s6, "B/page",
					"per mapped 4K page, domain");

				m->u = stat_one((double)(heap_bytes() - h0) /
						(double)npages);
				m->b = stat_one(8.0);
				case_extra(m, "\"baseline_is\":\"one 8-byte entry\"");
			}
			t0 = now_ns();
			check(unmap(ctx, ioas, iova, len), "large UNMAP");
			uv[r] = (double)(now_ns() - t0) / (double)npages;
			/* an unmap that "costs nothing" must still unpin */
			pins_left = pinned_total() - p0;
		}
		cm->u = stat_of(mv, opt.reps);
		cm->b = stat_of(bv, opt.reps);
		cu->u = stat_of(uv, opt.reps);
		cu->b = stat_of(bv, opt.reps);
		case_extra(cm, "\"bytes\":%" PRIu64 ",\"pins_taken\":%" PRIu64,
			   len, pins);
		case_extra(cu, "\"bytes\":%" PRIu64 ",\"pins_left_after_unmap\":%" PRIu64,
			   len, pins_left);
		uiommufd_close(ctx);
	}
	scen_done(s);

	/* scenario 3: copy versus map into a second IOAS with a domain */
	s = scen_new(3, "copy_vs_map",
		"IOAS_MAP of the same memory into the same second IOAS");
	{
		double cv[MAX_REPS], mv[MAX_REPS];
		struct uiommufd_ctx *ctx;
		uint64_t cpins = 0, mpins = 0;
		struct bcase *c;
		uint32_t a, b;

		c = case_add(s, "ns/page", "copy vs map, %" PRIu64 " MiB",
			     len / SZ_1M);
		check(uiommufd_open(&ctx), "open");
		a = ioas_alloc(ctx);
		b = ioas_alloc(ctx);
		if (mock_domain(ctx, a) == -EOPNOTSUPP ||
		    mock_domain(ctx, b) == -EOPNOTSUPP) {
			case_unavail(c, "MOCK_DOMAIN: EOPNOTSUPP");
		} else {
			check(map_fixed(ctx, a, buf, len, iova), "source MAP");
			for (r = 0; r < opt.reps; r++) {
				struct iommu_ioas_copy cp = {
					.size = sizeof(cp),
					.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
						 IOMMU_IOAS_MAP_READABLE |
						 IOMMU_IOAS_MAP_WRITEABLE,
					.dst_ioas_id = b, .src_ioas_id = a,
					.length = len, .dst_iova = iova,
					.src_iova = iova,
				};
				uint64_t t0, p0;

				p0 = pinned_total();
				t0 = now_ns();
				check(uiommufd_ioctl(ctx, IOMMU_IOAS_COPY, &cp),
				      "IOAS_COPY");
				cv[r] = (double)(now_ns() - t0) / (double)npages;
				cpins = pinned_total() - p0;
				check(unmap(ctx, b, iova, len), "UNMAP copy");

				p0 = pinned_total();
				t0 = now_ns();
				check(map_fixed(ctx, b, buf, len, iova), "MAP b");
				mv[r] = (double)(now_ns() - t0) / (double)npages;
				mpins = pinned_total() - p0;
				check(unmap(ctx, b, iova, len), "UNMAP b");
			}
			c->u = stat_of(cv, opt.reps);
			c->b = stat_of(mv, opt.reps);
			case_extra(c, "\"copy_pins_taken\":%" PRIu64
				   ",\"map_pins_taken\":%" PRIu64, cpins, mpins);
		}
		uiommufd_close(ctx);
	}
	scen_done(s);
	free(ptes);
	munmap(buf, len);
}

/* ============================================ scenario 4: DMA throughput */

/* One transfer of `sz` bytes at `iova` through the API or the test op. */
enum dma_path { DMA_API, DMA_API_DOMAIN, DMA_TEST_OP };

static void dma_one(enum dma_path path, struct uiommufd_ctx *ctx,
		    struct uiommufd_access *acc, int afd, uint64_t iova,
		    uint8_t *buf, uint64_t sz, bool write)
{
	if (path == DMA_TEST_OP)
		check(access_rw(ctx, afd, iova, buf, sz, write), "ACCESS_RW");
	else if (write)
		check(uiommufd_dma_write(acc, iova, buf, sz), "dma_write");
	else
		check(uiommufd_dma_read(acc, iova, buf, sz), "dma_read");
}

static void scenario_dma(struct scenario *s)
{
	static const uint64_t sizes[] = { 64, SZ_4K, 64 * 1024, SZ_1M };
	const uint64_t iova = SZ_1G;
	struct uiommufd_access *acc, *dacc = NULL;
	struct uiommufd_ctx *ctx;
	uint8_t *mem, *dst;
	uint32_t ioas, dioas;
	unsigned int si;
	int afd, w, r, path;

	check(uiommufd_open(&ctx), "open");
	ioas = ioas_alloc(ctx);
	mem = alloc_buffer(2 * SZ_1M, true);
	dst = alloc_buffer(2 * SZ_1M, true);
	check(map_fixed(ctx, ioas, mem, 2 * SZ_1M, iova), "DMA MAP");
	check(uiommufd_access_open(ctx, ioas, NULL, NULL, &acc), "access_open");
	afd = create_access(ctx, ioas);
	/* The same memory in a second IOAS with a mock domain: transfers
	 * there find the pages already pinned (no temporary pin). */
	dioas = ioas_alloc(ctx);
	if (!mock_domain(ctx, dioas)) {
		check(map_fixed(ctx, dioas, mem, 2 * SZ_1M, iova), "DMA MAP dom");
		check(uiommufd_access_open(ctx, dioas, NULL, NULL, &dacc),
		      "access_open dom");
	}
	for (path = DMA_API; path <= DMA_TEST_OP; path++) {
		for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			uint64_t sz = sizes[si];
			uint64_t iters = (opt.quick ? 4 * SZ_1M : 256 * SZ_1M) / sz;

			if (iters > (opt.quick ? 5000u : 200000u))
				iters = opt.quick ? 5000 : 200000;
			/* the other paths: the two ends of the size range */
			if (path != DMA_API && sz != 64 && sz != SZ_1M)
				continue;
			for (w = 0; w < 2; w++) {
				double uv[MAX_REPS], bv[MAX_REPS];
				struct bcase *c;
				uint64_t i;

				c = case_add(s, "ns/op", "%s %" PRIu64 " B",
					     path == DMA_API ?
					     (w ? "dma_write" : "dma_read") :
					     path == DMA_API_DOMAIN ?
					     (w ? "dma_write (domain)" :
						  "dma_read (domain)") :
					     (w ? "ACCESS_RW write" :
						  "ACCESS_RW read"), sz);
				if (path == DMA_TEST_OP && afd < 0) {
					case_unavail(c, "CREATE_ACCESS: EOPNOTSUPP");
					continue;
				}
				if (path == DMA_API_DOMAIN && !dacc) {
					case_unavail(c, "MOCK_DOMAIN: EOPNOTSUPP");
					continue;
				}
				for (r = 0; r < opt.reps; r++) {
					uint64_t t0 = now_ns();

					for (i = 0; i < iters; i++)
						dma_one(path, ctx,
							path == DMA_API_DOMAIN ?
							dacc : acc, afd,
							iova + 64, dst, sz, w);
					uv[r] = (double)(now_ns() - t0) /
						(double)iters;
					t0 = now_ns();
					for (i = 0; i < iters; i++) {
						if (w)
							memcpy(mem + 64, dst, sz);
						else
							memcpy(dst, mem + 64, sz);
						clobber(dst);
						clobber(mem);
					}
					bv[r] = (double)(now_ns() - t0) /
						(double)iters;
				}
				c->u = stat_of(uv, opt.reps);
				c->b = stat_of(bv, opt.reps);
				case_extra(c, "\"bytes\":%" PRIu64
					   ",\"uiommufd_GBps\":%.3f,"
					   "\"memcpy_GBps\":%.3f", sz,
					   (double)sz / c->u.med,
					   (double)sz / c->b.med);
			}
		}
	}
	if (afd >= 0)
		uiommufd_fd_close(afd);
	uiommufd_access_close(acc);
	if (dacc)
		uiommufd_access_close(dacc);
	uiommufd_close(ctx);
	munmap(mem, 2 * SZ_1M);
	munmap(dst, 2 * SZ_1M);
}

/* ========================================== scenario 5: call overhead */

static bool run_shim_child(double *med)
{
	char cmd[1024], line[256];
	double m, lo, hi;
	bool ok = false;
	FILE *p;

	if (!opt.run_tool || !opt.shim_child || access(opt.run_tool, X_OK) ||
	    access(opt.shim_child, X_OK))
		return false;
	/* In sanitizer builds the preload library is loaded ahead of the
	 * sanitizer runtime; tell the runtime that this order is intended. */
	snprintf(cmd, sizeof(cmd), "ASAN_OPTIONS=\"verify_asan_link_order=0:"
		 "${ASAN_OPTIONS-}\" '%s' -- '%s' %d 5 2>/dev/null", opt.run_tool,
		 opt.shim_child, opt.quick ? 20000 : 200000);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "shim_ns_per_call %lf %lf %lf", &m, &lo,
			   &hi) == 3) {
			*med = m;
			ok = true;
		}
	if (pclose(p) != 0)
		ok = false;
	return ok;
}

static void scenario_calls(void)
{
	struct scenario *s = scen_new(5, "call_overhead",
		"ioctl(FIONREAD) on a pipe: one real system call");
	const int iters = opt.quick ? 20000 : 500000;
	double uv[MAX_REPS], bv[MAX_REPS], sv[MAX_REPS];
	struct iommu_iova_range ranges[4];
	struct uiommufd_ctx *ctx;
	struct bcase *c;
	int pfd[2], r, i, ns = 0;
	uint32_t ioas;

	check(uiommufd_open(&ctx), "open");
	ioas = ioas_alloc(ctx);
	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	for (r = 0; r < opt.reps; r++) {
		uint64_t t0 = now_ns();
		int avail;

		for (i = 0; i < iters; i++) {
			struct iommu_ioas_iova_ranges q = {
				.size = sizeof(q), .ioas_id = ioas,
				.num_iovas = 4,
				.allowed_iovas = (uintptr_t)ranges,
			};

			check(uiommufd_ioctl(ctx, IOMMU_IOAS_IOVA_RANGES, &q),
			      "IOVA_RANGES");
		}
		uv[r] = (double)(now_ns() - t0) / iters;
		t0 = now_ns();
		for (i = 0; i < iters; i++)
			if (ioctl(pfd[0], FIONREAD, &avail))
				die("FIONREAD: %s", strerror(errno));
		bv[r] = (double)(now_ns() - t0) / iters;
		/* the shim child between in-process repetitions */
		if (r < 3 && run_shim_child(&sv[ns]))
			ns++;
	}
	c = case_add(s, "ns/call", "IOVA_RANGES via uiommufd_ioctl");
	c->u = stat_of(uv, opt.reps);
	c->b = stat_of(bv, opt.reps);
	c = case_add(s, "ns/call", "IOVA_RANGES via shim (uiommufd-run)");
	if (ns) {
		c->u = stat_of(sv, ns);
		c->b = stat_of(bv, opt.reps);
	} else {
		case_unavail(c, "uiommufd-run or bench-shim-child failed or missing");
	}
	close(pfd[0]);
	close(pfd[1]);
	uiommufd_close(ctx);
	scen_done(s);
}

/* ======================================== scenario 7: scale beyond RAM */

struct beyond_result {
	int err;
	double map_ns, unmap_ns, reserve_ns;
	int64_t heap_delta, rss_delta;
};

static void beyond_child(int wfd)
{
	struct beyond_result res = { 0 };
	struct uiommufd_ctx *ctx;
	uint64_t len = opt.reserve_bytes, t0;
	int64_t h0, rss0;
	uint32_t ioas;
	void *p;
	long ret;

	t0 = now_ns();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	res.reserve_ns = (double)(now_ns() - t0);
	if (p == MAP_FAILED) {
		res.err = errno;
		goto out;
	}
	check(uiommufd_open(&ctx), "open");
	ioas = ioas_alloc(ctx);
	h0 = heap_bytes();
	rss0 = rss_bytes_of(getpid());
	t0 = now_ns();
	ret = map_fixed(ctx, ioas, p, len, SZ_1T);
	res.map_ns = (double)(now_ns() - t0);
	if (ret < 0) {
		res.err = (int)-ret;
		goto out;
	}
	res.heap_delta = heap_bytes() - h0;
	res.rss_delta = rss_bytes_of(getpid()) - rss0;
	t0 = now_ns();
	check(unmap(ctx, ioas, SZ_1T, len), "UNMAP reservation");
	res.unmap_ns = (double)(now_ns() - t0);
	uiommufd_close(ctx);
	munmap(p, len);
out:
	if (write(wfd, &res, sizeof(res)) != sizeof(res))
		_exit(3);
	_exit(0);
}

static void scenario_beyond(void)
{
	struct scenario *s = scen_new(7, "beyond_ram",
		"mmap(MAP_NORESERVE) of the reservation itself");
	const int64_t rss_limit = 2 * (int64_t)SZ_1G;
	double mv[MAX_REPS], uv[MAX_REPS], bv[MAX_REPS];
	struct beyond_result res = { 0 };
	struct bcase *cm, *cu;
	int r, nreps = opt.reps < 3 ? opt.reps : 3;
	const char *fail = NULL;

	cm = case_add(s, "ms", "map %" PRIu64 " GiB untouched, no domain",
		      opt.reserve_bytes / SZ_1G);
	cu = case_add(s, "ms", "unmap %" PRIu64 " GiB", opt.reserve_bytes / SZ_1G);
	for (r = 0; r < nreps && !fail; r++) {
		uint64_t t0 = now_ns();
		int pfd[2], status;
		pid_t pid;

		if (pipe(pfd))
			die("pipe: %s", strerror(errno));
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid) {
			close(pfd[0]);
			beyond_child(pfd[1]);
		}
		close(pfd[1]);
		/* watchdog: the reservation must never become resident */
		while (waitpid(pid, &status, WNOHANG) == 0) {
			if (rss_bytes_of(pid) > rss_limit) {
				kill(pid, SIGKILL);
				fail = "resident memory passed 2 GiB: the map touched the reservation";
			} else if (now_ns() - t0 > 120ull * 1000000000ull) {
				kill(pid, SIGKILL);
				fail = "no answer within 120 s";
			}
			usleep(10000);
		}
		if (!fail && (read(pfd[0], &res, sizeof(res)) != sizeof(res) ||
			      !WIFEXITED(status) || WEXITSTATUS(status)))
			fail = "child failed";
		close(pfd[0]);
		if (fail)
			break;
		if (res.err) {
			static char why[96];

			snprintf(why, sizeof(why), "MAP failed: %s",
				 strerror(res.err));
			fail = why;
			break;
		}
		mv[r] = res.map_ns / 1e6;
		uv[r] = res.unmap_ns / 1e6;
		bv[r] = res.reserve_ns / 1e6;
	}
	if (fail) {
		case_unavail(cm, fail);
		case_unavail(cu, fail);
	} else {
		cm->u = stat_of(mv, nreps);
		cm->b = stat_of(bv, nreps);
		cu->u = stat_of(uv, nreps);
		case_extra(cm, "\"heap_delta_bytes\":%" PRId64
			   ",\"rss_delta_bytes\":%" PRId64 ",\"bytes\":%" PRIu64,
			   res.heap_delta, res.rss_delta, opt.reserve_bytes);
		struct bcase *c = case_add(s, "bytes", "heap while mapped");
		c->u = stat_one((double)res.heap_delta);
		c = case_add(s, "bytes", "RSS growth while mapped");
		c->u = stat_one((double)res.rss_delta);
	}
	scen_done(s);
}

/* ================================================================= main */

static void write_scaling_dat(void)
{
	char path[4096];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/scaling.dat", opt.out_dir);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "# areas map_nodom unmap_nodom map_dom unmap_dom "
		"(ns, median; '?' = unavailable)\n");
	for (i = 0; i < opt.nsizes; i++) {
		fprintf(f, "%" PRIu64, srows[i].n);
		for (int d = 0; d < 2; d++) {
			if (srows[i].avail[d])
				fprintf(f, " %.1f %.1f", srows[i].map[d].med,
					srows[i].unmap[d].med);
			else
				fprintf(f, " ? ?");
		}
		fputc('\n', f);
	}
	fclose(f);
}

static void usage(void)
{
	printf("usage: uiommufd-bench [--quick] [--scenarios 1,2,..] [--reps N]\n"
	       "         [--areas N,N,..] [--large-mib N] [--reserve-gib N]\n"
	       "         [--out-dir DIR] [--run-tool PATH] [--shim-child PATH]\n"
	       "Scenarios: 1 map/unmap scaling, 2 large map, 3 copy vs map,\n"
	       "4 DMA, 5 call overhead, 6 memory (with 1 and 2), 7 beyond RAM.\n"
	       "--out-dir writes results.json and scaling.dat there.\n");
}

static int parse_list(const char *s, uint64_t *v, int max)
{
	int n = 0;

	while (*s && n < max) {
		char *end;

		v[n++] = strtoull(s, &end, 0);
		if (end == s)
			return -1;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "scenarios", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "areas", required_argument, NULL, 'a' },
		{ "large-mib", required_argument, NULL, 'l' },
		{ "reserve-gib", required_argument, NULL, 'g' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "run-tool", required_argument, NULL, 't' },
		{ "shim-child", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t list[8];
	int ch, n, i;
	bool quick_sizes = false;
	struct scenario *s4 = NULL, *s6 = NULL;

	opt.scenarios = 0xfe;
	opt.reps = 7;
	opt.sizes[0] = 1000; opt.sizes[1] = 10000;
	opt.sizes[2] = 100000; opt.sizes[3] = 1000000;
	opt.nsizes = 4;
	opt.large_bytes = SZ_1G;
	opt.reserve_bytes = SZ_1T;
#ifdef BENCH_RUN_TOOL
	opt.run_tool = BENCH_RUN_TOOL;
#endif
#ifdef BENCH_SHIM_CHILD
	opt.shim_child = BENCH_SHIM_CHILD;
#endif
	if (getenv("UIOMMUFD_BENCH_RUN_TOOL"))
		opt.run_tool = getenv("UIOMMUFD_BENCH_RUN_TOOL");

	while ((ch = getopt_long(argc, argv, "qs:r:a:l:g:o:t:c:h", lopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'q':
			opt.quick = true;
			break;
		case 's':
			n = parse_list(optarg, list, 8);
			if (n <= 0)
				die("bad --scenarios");
			opt.scenarios = 0;
			for (i = 0; i < n; i++)
				if (list[i] >= 1 && list[i] <= 7)
					opt.scenarios |= 1u << list[i];
			break;
		case 'r':
			opt.reps = atoi(optarg);
			if (opt.reps < 1 || opt.reps > MAX_REPS)
				die("--reps must be 1..%d", MAX_REPS);
			break;
		case 'a':
			n = parse_list(optarg, opt.sizes, MAX_SIZES);
			if (n <= 0)
				die("bad --areas");
			opt.nsizes = n;
			for (i = 0; i < n; i++)
				if (!opt.sizes[i] ||
				    (i && opt.sizes[i] <= opt.sizes[i - 1]))
					die("--areas must be increasing and > 0");
			quick_sizes = true;
			break;
		case 'l':
			opt.large_bytes = strtoull(optarg, NULL, 0) * SZ_1M;
			if (!opt.large_bytes || opt.large_bytes > SZ_1G)
				die("--large-mib must be 1..1024");
			break;
		case 'g':
			opt.reserve_bytes = strtoull(optarg, NULL, 0) * SZ_1G;
			if (!opt.reserve_bytes)
				die("bad --reserve-gib");
			break;
		case 'o':
			opt.out_dir = optarg;
			break;
		case 't':
			opt.run_tool = optarg;
			break;
		case 'c':
			opt.shim_child = optarg;
			break;
		default:
			usage();
			return ch == 'h' ? 0 : 2;
		}
	}
	if (opt.quick) {
		if (!quick_sizes) {
			opt.sizes[0] = 300; opt.sizes[1] = 1000;
			opt.sizes[2] = 3000;
			opt.nsizes = 3;
		}
		if (opt.large_bytes == SZ_1G)
			opt.large_bytes = 16 * SZ_1M;
		if (opt.reserve_bytes == SZ_1T)
			opt.reserve_bytes = 4 * SZ_1G;
		opt.reps = opt.reps > 3 ? 3 : opt.reps;
	}
	if (opt.out_dir) {
		char path[4096];

		mkdir(opt.out_dir, 0777);
		snprintf(path, sizeof(path), "%s/results.json", opt.out_dir);
		json_out = fopen(path, "w");
		if (!json_out)
			die("%s: %s", path, strerror(errno));
	}
	measure_timer();

	if (opt.scenarios & ((1u << 1) | (1u << 2) | (1u << 6)))
		s6 = scen_new(6, "memory",
			"tsearch node per area; one 8-byte entry per page");
	if (opt.scenarios & ((1u << 1) | (1u << 4)))
		s4 = scen_new(4, "dma",
			"memcpy of the same size (random reads: of one random 4 KiB page)");
	if (opt.scenarios & ((1u << 1) | (1u << 6)))
		scenario_scaling(s6, s4);
	if (opt.scenarios & ((1u << 2) | (1u << 3) | (1u << 6)))
		scenario_large(s6);
	if (opt.scenarios & (1u << 4))
		scenario_dma(s4);
	if (s4)
		scen_done(s4);
	if (opt.scenarios & (1u << 5))
		scenario_calls();
	if (s6)
		scen_done(s6);
	if (opt.scenarios & (1u << 7))
		scenario_beyond();

	print_table();
	if (opt.out_dir && (opt.scenarios & (1u << 1)))
		write_scaling_dat();
	if (json_out)
		fclose(json_out);
	return 0;
}

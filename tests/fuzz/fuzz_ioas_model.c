// SPDX-License-Identifier: MIT
/*
 * Fuzz target (b): stateful.  The input is turned into a sequence of IOAS
 * operations (alloc, destroy, map fixed/auto, copy, unmap, allow_iovas,
 * add_reserved, iova_ranges, the huge-pages option) run through
 * uiommufd_ioctl(), and every result is checked against a shadow model
 * written from spec/semantics.md §2-§7 and §10: which call must fail with
 * which errno (in the spec's check order), which areas exist afterwards
 * (compared with the library's own area tree after every operation), what
 * IOVA_RANGES reports, what UNMAP returns.  A mismatch aborts (a crash for
 * libFuzzer, a failed test in replay mode).
 *
 * Model state per IOAS slot: the areas (iova, length, the VA of their first
 * byte, whether their pages are writable), the reserved ranges (test op),
 * the allowed ranges, whether huge pages are disabled, and the mock devices
 * attached through IOMMU_TEST_OP_MOCK_DOMAIN (they share one automatic
 * DEFAULT-type domain: aperture [0x1000000, 0x7fffffff], so its complement
 * is reserved, and alignment 2048, semantics.md §8).  Alignment is the
 * maximum of 1, PAGE when huge pages are off, and 2048 with a domain.  IDs
 * are modelled as lowest-free-first over every object the model knows
 * (IOASes, mock device/idev/HWPT triples), as the object table promises.
 *
 * Where the spec leaves the model blind (automatic IOVA placement), the
 * result is checked for validity instead: inside [PAGE, MAX - PAGE], inside
 * an allowed range if there are any, clear of areas and reserved ranges, and
 * carrying the alignment the allocator promises.  Ranges use inclusive
 * `last`; every `start + len - 1` is computed with overflow checks.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/ioas.h"
#include "fuzz_common.h"
#include "uiommufd/iommufd_abi.h"
#include "uiommufd/uiommufd.h"
#include "umem/umem.h"

#define NSLOT 3
#define MAXA 48
#define MAXR 16
#define U64MAX UINT64_MAX

struct rng {
	uint64_t start, last;
};

struct marea {
	uint64_t iova, len, va;
	bool writable;
};

#define MAXDEV 3
#define MDL_APERTURE_START ((uint64_t)MOCK_APERTURE_START)
#define MDL_APERTURE_LAST ((uint64_t)MOCK_APERTURE_LAST)
#define MDL_ALIGN 2048ULL

struct mioas {
	bool live;
	uint32_t id;
	int ndev;			/* mock devices on the auto domain */
	uint32_t hwpt;			/* its HWPT ID while ndev > 0 */
	uint32_t dev[MAXDEV][2];	/* (stdev, idev) IDs */
	struct marea a[MAXA];
	int na;
	struct rng res[MAXR];
	int nres;
	struct rng allow[4];
	int nallow;
	bool huge_off;
};

static struct mioas m[NSLOT];
static struct uiommufd_ctx *ctx;
static uint64_t PG;
static const struct fz_arena *A;
static unsigned long opno;
static bool verbose; /* FUZZ_VERBOSE=1: trace the operations */

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "model mismatch at op %lu: ", opno); \
			fprintf(stderr, __VA_ARGS__);                       \
			fprintf(stderr, "\n");                              \
			abort();                                            \
		}                                                           \
	} while (0)

static bool overlaps(uint64_t s1, uint64_t l1, uint64_t s2, uint64_t l2)
{
	return s1 <= l2 && s2 <= l1;
}

static uint64_t align_of(const struct mioas *io)
{
	uint64_t a = io->huge_off ? PG : 1;

	if (io->ndev && a < MDL_ALIGN)
		a = MDL_ALIGN;
	return a;
}

/* Is [s, l] outside the mock aperture (i.e. does it touch its complement)? */
static bool hits_domain_resv(const struct mioas *io, uint64_t s, uint64_t l)
{
	return io->ndev && (s < MDL_APERTURE_START || l > MDL_APERTURE_LAST);
}

/*
 * Memory the model's VAs name: the arena, then a guard page.  Pinning (only
 * done when a domain is attached) fails -EFAULT on a range that reaches the
 * guard page.  What lies past the guard page is unrelated memory of this
 * process, mapped or not: a range starting there is unknowable
 * (mem_unknown) and the model does not issue calls that would pin it.
 */
static bool bad_mem(uint64_t va, uint64_t len)
{
	uint64_t guard = (uintptr_t)A->data + ARENA_PAGES * PG, last = va + len - 1;

	return va < guard + PG && (last >= guard || last < va);
}

static bool mem_unknown(uint64_t va)
{
	return va >= (uintptr_t)A->data + (ARENA_PAGES + 1) * PG;
}

static bool hits_area(const struct mioas *io, uint64_t s, uint64_t l)
{
	for (int i = 0; i < io->na; i++)
		if (overlaps(s, l, io->a[i].iova, io->a[i].iova + io->a[i].len - 1))
			return true;
	return false;
}

static bool hits_res(const struct mioas *io, uint64_t s, uint64_t l)
{
	if (hits_domain_resv(io, s, l))
		return true;
	for (int i = 0; i < io->nres; i++)
		if (overlaps(s, l, io->res[i].start, io->res[i].last))
			return true;
	return false;
}

static bool hits_allow(const struct mioas *io, uint64_t s, uint64_t l)
{
	for (int i = 0; i < io->nallow; i++)
		if (overlaps(s, l, io->allow[i].start, io->allow[i].last))
			return true;
	return false;
}

static void add_area(struct mioas *io, uint64_t iova, uint64_t len, uint64_t va,
		     bool writable)
{
	int i = io->na++;

	while (i > 0 && io->a[i - 1].iova > iova) {
		io->a[i] = io->a[i - 1];
		i--;
	}
	io->a[i] = (struct marea){ iova, len, va, writable };
}

static void del_area(struct mioas *io, int i)
{
	for (; i + 1 < io->na; i++)
		io->a[i] = io->a[i + 1];
	io->na--;
}

/* ---- value pickers: mostly small, page-granular, colliding ---- */
static uint64_t pick_iova(struct fz_reader *r)
{
	uint8_t b = fz_u8(r);

	if (b < 192)
		return MDL_APERTURE_START + (b % 48) * PG;
	switch (b & 7) {
	case 0: return 0;
	case 1: return MDL_APERTURE_START + (b % 8) * PG + PG / 2;
	case 2: return U64MAX - PG + 1;
	case 3: return U64MAX;
	case 4: return U64MAX - 1;
	case 5: return 1ULL << 63;
	case 6: return fz_u64(r);
	default: return MDL_APERTURE_START + (uint64_t)(b & 0x38) * PG + 1;
	}
}

static uint64_t pick_len(struct fz_reader *r)
{
	uint8_t b = fz_u8(r);

	if (b < 200)
		return (b % 8 + 1) * PG;
	switch (b & 7) {
	case 0: return 0;
	case 1: return 1;
	case 2: return PG / 2;
	case 3: return U64MAX;
	case 4: return 1ULL << 63;
	case 5: return U64MAX - 1;
	case 6: return 3 * PG + PG / 2;
	default: return 16 * PG;
	}
}

static int pick_slot(struct fz_reader *r)
{
	return fz_u8(r) % NSLOT;
}

static uint32_t slot_id(int s)
{
	return m[s].live ? m[s].id : 1000 + (uint32_t)s;
}

/* ---- compare the library's areas with the model ---- */
struct walk {
	const struct mioas *io;
	int i;
	bool bad;
};

static void walk_fn(struct iopt_area *area, void *arg)
{
	struct walk *w = arg;

	if (w->i >= w->io->na || area->node.start != w->io->a[w->i].iova ||
	    iopt_area_length(area) != w->io->a[w->i].len || !area->live)
		w->bad = true;
	w->i++;
}

static void compare_all(void)
{
	bool any_domain = false;

	for (int s = 0; s < NSLOT; s++)
		any_domain |= m[s].live && m[s].ndev;
	/* Only domains pin here: with none left, nothing may stay pinned. */
	if (!any_domain) {
		struct umem_mm *mm = umem_mm_current();

		CHECK(mm && umem_pinned_total(mm) == 0, "pins left without any domain: %llu",
		      mm ? (unsigned long long)umem_pinned_total(mm) : 0ULL);
		umem_mm_put(mm);
	}
	for (int s = 0; s < NSLOT; s++) {
		struct iommufd_ioas *ioas;
		struct walk w = { &m[s], 0, false };
		int rc;

		if (!m[s].live)
			continue;
		rc = iommufd_get_ioas((struct iommufd_ctx *)ctx, m[s].id, &ioas);
		CHECK(rc == 0, "IOAS %u missing", m[s].id);
		iopt_for_each_area(&ioas->iopt, walk_fn, &w);
		iommufd_put_ioas(ioas);
		CHECK(!w.bad && w.i == m[s].na, "areas of IOAS %u differ (lib %d, model %d)",
		      m[s].id, w.i, m[s].na);
	}
}

/* ---- operations ---- */
static bool id_used(uint32_t id)
{
	for (int i = 0; i < NSLOT; i++) {
		if (!m[i].live)
			continue;
		if (m[i].id == id || (m[i].ndev && m[i].hwpt == id))
			return true;
		for (int d = 0; d < m[i].ndev; d++)
			if (m[i].dev[d][0] == id || m[i].dev[d][1] == id)
				return true;
	}
	return false;
}

static void op_alloc(void)
{
	struct iommu_ioas_alloc c = { .size = sizeof(c) };
	uint32_t want = 1;
	int s;
	long rc;

	for (s = 0; s < NSLOT && m[s].live; s++)
		;
	if (s == NSLOT)
		return;
	while (id_used(want))
		want++;
	rc = uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &c);
	CHECK(rc == 0 && c.out_ioas_id == want, "alloc rc=%ld id=%u want %u", rc,
	      c.out_ioas_id, want);
	m[s] = (struct mioas){ .live = true, .id = want };
}

static void op_destroy(struct fz_reader *r)
{
	int s = pick_slot(r);
	struct iommu_destroy c = { .size = sizeof(c), .id = slot_id(s) };
	long rc = uiommufd_ioctl(ctx, IOMMU_DESTROY, &c);

	CHECK(rc == (!m[s].live ? -ENOENT : m[s].ndev ? -EBUSY : 0), "destroy rc=%ld", rc);
	if (!rc)
		m[s].live = false;
}

/* MAP steps 4-6 for a fixed IOVA (shared with COPY). */
static int fixed_checks(const struct mioas *io, uint64_t iova, uint64_t len)
{
	uint64_t last;

	if (len % align_of(io))
		return -EINVAL;
	if (iova % align_of(io))
		return -EINVAL;
	if (__builtin_add_overflow(iova, len - 1, &last))
		return -EOVERFLOW;
	if (hits_res(io, iova, last))
		return -EINVAL;
	if (hits_area(io, iova, last))
		return -EEXIST;
	return 0;
}

static uint64_t lowbit(uint64_t x)
{
	return x & -x;
}

static uint64_t roundup_pow2(uint64_t x)
{
	uint64_t p = 1;

	while (p < x && p < (1ULL << 63))
		p <<= 1;
	return p;
}

/* Validity of an automatic IOVA (§4), given the alignment hint address. */
static void check_auto(const struct mioas *io, uint64_t iova, uint64_t len,
		       uint64_t hint)
{
	uint64_t last = iova + len - 1;
	uint64_t align = roundup_pow2(len);
	bool in_allowed = io->nallow == 0;

	if (hint && lowbit(hint) < align)
		align = lowbit(hint);
	if (align > 2 * 1024 * 1024)
		align = 2 * 1024 * 1024;
	CHECK(iova >= PG && last >= iova && last <= U64MAX - PG,
	      "auto iova 0x%llx outside the window", (unsigned long long)iova);
	CHECK(!hits_area(io, iova, last) && !hits_res(io, iova, last),
	      "auto iova 0x%llx collides", (unsigned long long)iova);
	/* Adjacent allowed ranges form one region (the allocator walks spans
	 * of the allowed tree, as the kernel's does). */
	for (uint64_t pos = iova; !in_allowed;) {
		int i;

		for (i = 0; i < io->nallow; i++)
			if (io->allow[i].start <= pos && pos <= io->allow[i].last)
				break;
		if (i == io->nallow)
			break;
		if (io->allow[i].last >= last)
			in_allowed = true;
		else
			pos = io->allow[i].last + 1;
	}
	CHECK(in_allowed, "auto iova 0x%llx outside the allowed ranges",
	      (unsigned long long)iova);
	CHECK(iova % align == (hint % PG) % align, "auto iova 0x%llx misaligned (align 0x%llx)",
	      (unsigned long long)iova, (unsigned long long)align);
}

/* Error the allocator itself may legally give: -EINVAL when the hint
 * alignment is below iova_alignment, ENOSPC when nothing fits. */
static uint64_t auto_align(uint64_t len, uint64_t hint)
{
	uint64_t align = roundup_pow2(len);

	if (hint && lowbit(hint) < align)
		align = lowbit(hint);
	if (align > 2 * 1024 * 1024)
		align = 2 * 1024 * 1024;
	return align;
}

/* §4.7 fit test; moves *start on success. */
static bool fits(uint64_t *start, uint64_t last, uint64_t len, uint64_t align,
		 uint64_t p)
{
	uint64_t t;

	if (__builtin_add_overflow(*start, align - 1, &t))
		return false;
	t = (t & ~(align - 1)) | p;
	if (t >= last || last - t < len - 1)
		return false;
	*start = t;
	return true;
}

static int cmp_rng(const void *a, const void *b)
{
	const struct rng *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Merge overlapping and adjacent ranges of v[0..n) in place; returns n. */
static int merge(struct rng *v, int n)
{
	int k = 0;

	qsort(v, (size_t)n, sizeof(*v), cmp_rng);
	for (int i = 0; i < n; i++) {
		if (k && (v[k - 1].last == U64MAX || v[i].start <= v[k - 1].last + 1)) {
			if (v[i].last > v[k - 1].last)
				v[k - 1].last = v[i].last;
		} else {
			v[k++] = v[i];
		}
	}
	return k;
}

/* The allocator of §4, exactly: lowest first fit. */
static int model_alloc(const struct mioas *io, uint64_t len, uint64_t hint,
		       uint64_t *iova)
{
	struct rng regions[4], used[MAXA + MAXR + 2];
	uint64_t align, p = hint % PG;
	int nreg = 0, nused = 0;

	if (len == 0 || len >= U64MAX / 2)	/* upstream's ULONG_MAX / 2 */
		return -EOVERFLOW;
	align = auto_align(len, hint);
	if (align < align_of(io))
		return -EINVAL;
	if (io->nallow) {
		for (int i = 0; i < io->nallow; i++)
			regions[nreg++] = io->allow[i];
		nreg = merge(regions, nreg);
	} else {
		regions[nreg++] = (struct rng){ PG, U64MAX - PG };
	}
	for (int i = 0; i < io->na; i++)
		used[nused++] = (struct rng){ io->a[i].iova, io->a[i].iova + io->a[i].len - 1 };
	for (int i = 0; i < io->nres; i++)
		used[nused++] = io->res[i];
	if (io->ndev) {
		used[nused++] = (struct rng){ 0, MDL_APERTURE_START - 1 };
		used[nused++] = (struct rng){ MDL_APERTURE_LAST + 1, U64MAX };
	}
	nused = merge(used, nused);

	for (int r = 0; r < nreg; r++) {
		uint64_t start = regions[r].start, last = regions[r].last;

		if (start < PG)
			start = PG;
		if (last > U64MAX - PG)
			last = U64MAX - PG;
		if (start > last || !fits(&start, last, len, align, p))
			continue;
		/* holes of `used` inside [start, last], ascending */
		uint64_t pos = start;
		bool end = false;

		for (int u = 0; u <= nused && !end; u++) {
			uint64_t hole_last;

			if (u < nused && used[u].last < pos)
				continue;
			if (u < nused && used[u].start <= pos) {
				if (used[u].last >= last)
					break;
				pos = used[u].last + 1;
				continue;
			}
			hole_last = (u < nused && used[u].start - 1 < last) ? used[u].start - 1 : last;
			uint64_t h = pos;

			if (fits(&h, hole_last, len, align, p)) {
				*iova = h;
				return 0;
			}
			if (u == nused || used[u].last >= last)
				end = true;
			else
				pos = used[u].last + 1;
		}
	}
	return -ENOSPC;
}

static void op_map(struct fz_reader *r)
{
	int s = pick_slot(r);
	uint8_t f = fz_u8(r);
	uint64_t va = (uintptr_t)A->data + (fz_u8(r) % 8) * PG + ((f & 0x10) ? PG / 2 : 0);
	uint64_t iova = pick_iova(r), len = pick_len(r);
	bool fixed = f & 1;
	struct iommu_ioas_map c = {
		.size = sizeof(c),
		.flags = (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0) |
			 ((f & 2) ? IOMMU_IOAS_MAP_READABLE : 0) |
			 ((f & 4) ? IOMMU_IOAS_MAP_WRITEABLE : 0),
		.ioas_id = slot_id(s), .user_va = va, .length = len,
		.iova = fixed ? iova : 0,
	};
	struct mioas *io = &m[s];
	int want = 0;
	long rc;

	if ((f & 8) && !fixed)
		c.iova = iova; /* ignored without FIXED_IOVA, except the MAX check */
	if (c.iova >= U64MAX || len >= U64MAX)
		want = -EOVERFLOW;
	else if (!(f & 6))
		want = -EINVAL;
	else if (!io->live)
		want = -ENOENT;
	else if (va + len < va)
		want = -EOVERFLOW; /* upstream: the user range wrapping comes first */
	else if (len == 0 || len > SIZE_MAX - PG)
		want = -EINVAL;
	else if (va + len > U64MAX - PG + 1 && (va + len) % PG)
		want = -EOVERFLOW; /* the page-rounded end wraps */
	else if (fixed)
		want = fixed_checks(io, iova, len);
	else if (len % align_of(io))
		want = -EINVAL;
	else
		want = model_alloc(io, len, va, &iova);
	/* the area's page offset is checked once the IOVA is chosen (§5.6) */
	if (!want && ((va % PG) % align_of(io)))
		want = -EINVAL;
	if (!want && io->ndev && bad_mem(va, len))
		want = -EFAULT;	/* §5.7: pinning for the domain */

	rc = uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, &c);
	if (verbose)
		fprintf(stderr, "  map id %u fixed %d iova 0x%llx len 0x%llx va+0x%llx -> rc %ld iova 0x%llx\n",
			c.ioas_id, fixed, (unsigned long long)iova, (unsigned long long)len,
			(unsigned long long)(va - (uintptr_t)A->data), rc,
			(unsigned long long)c.iova);
	CHECK(rc == want, "map fixed=%d iova=0x%llx len=0x%llx rc=%ld want %d", fixed,
	      (unsigned long long)iova, (unsigned long long)len, rc, want);
	if (rc == 0 && !fixed) {
		CHECK(c.iova == iova, "auto map chose 0x%llx, model 0x%llx",
		      (unsigned long long)c.iova, (unsigned long long)iova);
		check_auto(io, c.iova, len, va);
	}
	if (rc == 0)
		add_area(io, iova, len, va, f & 4);
}

struct slice {
	uint64_t len, va;
	bool writable;
};

static void op_copy(struct fz_reader *r)
{
	int ss = pick_slot(r), ds = pick_slot(r);
	uint8_t f = fz_u8(r);
	uint64_t src_iova = pick_iova(r), len = pick_len(r), dst_iova = pick_iova(r);
	bool fixed = f & 1, wantw = f & 4;
	struct iommu_ioas_copy c = {
		.size = sizeof(c),
		.flags = (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0) |
			 ((f & 2) ? IOMMU_IOAS_MAP_READABLE : 0) |
			 ((f & 4) ? IOMMU_IOAS_MAP_WRITEABLE : 0),
		.dst_ioas_id = slot_id(ds), .src_ioas_id = slot_id(ss),
		.length = len, .dst_iova = fixed ? dst_iova : 0, .src_iova = src_iova,
	};
	struct slice sl[MAXA];
	int nsl = 0, want = 0;
	bool eperm = false;
	uint64_t last;
	long rc;

	if (len >= U64MAX || src_iova >= U64MAX || c.dst_iova >= U64MAX)
		want = -EOVERFLOW;
	else if (!(f & 6))
		want = -EINVAL;
	else if (!m[ss].live)
		want = -ENOENT;
	else if (len == 0)
		want = -EINVAL;
	else if (__builtin_add_overflow(src_iova, len - 1, &last))
		want = -EOVERFLOW;
	else {
		/* contiguous coverage of [src_iova, last] by areas */
		uint64_t pos = src_iova;
		bool done = false;

		for (int i = 0; i < m[ss].na && !done; i++) {
			struct marea *a = &m[ss].a[i];
			uint64_t alast = a->iova + a->len - 1, end;

			if (alast < pos)
				continue;
			if (a->iova > pos)
				break;
			end = alast < last ? alast : last;
			sl[nsl++] = (struct slice){ end - pos + 1, a->va + (pos - a->iova),
						    a->writable };
			if (!a->writable)
				eperm = true;
			if (end == last)
				done = true;
			else
				pos = end + 1;
		}
		if (!done)
			want = -ENOENT;
		else if (!m[ds].live)
			want = -ENOENT;
		else {
			const struct mioas *d = &m[ds];

			if (fixed)
				want = fixed_checks(d, dst_iova, len);
			else if (len % align_of(d))
				want = -EINVAL;
			else
				want = model_alloc(d, len, sl[0].va, &dst_iova);
			for (int i = 0; !want && i < nsl; i++)
				if ((sl[i].va % PG) % align_of(d))
					want = -EINVAL;
			for (int i = 0; !want && d->ndev && i < nsl; i++) {
				if (mem_unknown(sl[i].va))
					return;
				if (bad_mem(sl[i].va, sl[i].len))
					want = -EFAULT;
			}
		}
	}
	/* EPERM (write copy of read-only pages) competes with the dst checks */
	eperm = eperm && wantw && want != -ENOENT && want != -EOVERFLOW;
	if (want == 0 && m[ds].na + nsl > MAXA)
		return;	/* would overflow the model's array */

	rc = uiommufd_ioctl(ctx, IOMMU_IOAS_COPY, &c);
	if (verbose)
		fprintf(stderr, "  copy %u->%u fixed %d src 0x%llx len 0x%llx dst 0x%llx -> rc %ld\n",
			c.src_ioas_id, c.dst_ioas_id, fixed, (unsigned long long)src_iova,
			(unsigned long long)len, (unsigned long long)c.dst_iova, rc);
	if (want == 0 && eperm) {
		CHECK(rc == -EPERM, "copy from read-only pages rc=%ld", rc);
		return;
	}
	CHECK(rc == want || (eperm && rc == -EPERM),
	      "copy fixed=%d src=0x%llx len=0x%llx dst=0x%llx rc=%ld want %d", fixed,
	      (unsigned long long)src_iova, (unsigned long long)len,
	      (unsigned long long)dst_iova, rc, want);
	if (rc == 0 && !fixed) {
		CHECK(c.dst_iova == dst_iova, "auto copy chose 0x%llx, model 0x%llx",
		      (unsigned long long)c.dst_iova, (unsigned long long)dst_iova);
		check_auto(&m[ds], c.dst_iova, len, sl[0].va);
	}
	if (rc == 0) {
		uint64_t at = dst_iova;

		for (int i = 0; i < nsl; i++) {
			add_area(&m[ds], at, sl[i].len, sl[i].va, sl[i].writable);
			at += sl[i].len;
		}
	}
}

static void op_unmap(struct fz_reader *r)
{
	int s = pick_slot(r);
	bool all = (fz_u8(r) & 7) == 0;
	uint64_t iova = all ? 0 : pick_iova(r), len = all ? U64MAX : pick_len(r);
	struct iommu_ioas_unmap c = { .size = sizeof(c), .ioas_id = slot_id(s),
				      .iova = iova, .length = len };
	struct mioas *io = &m[s];
	uint64_t total = 0, last;
	int want = 0;
	long rc;

	rc = uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &c);
	if (!io->live) {
		want = -ENOENT;
	} else if (iova == 0 && len == U64MAX) {
		for (int i = 0; i < io->na; i++)
			total += io->a[i].len;
		io->na = 0;
	} else if (iova >= U64MAX || len >= U64MAX) {
		want = -EOVERFLOW;
	} else if (len == 0) {
		want = -EINVAL;
	} else if (__builtin_add_overflow(iova, len - 1, &last)) {
		want = -EOVERFLOW;
	} else {
		/* superset rule with partial progress */
		for (int i = 0; i < io->na;) {
			struct marea *a = &io->a[i];
			uint64_t alast = a->iova + a->len - 1;

			if (!overlaps(a->iova, alast, iova, last)) {
				i++;
				continue;
			}
			if (a->iova < iova || alast > last) {
				want = -ENOENT;
				break;
			}
			total += a->len;
			del_area(io, i);
		}
		if (!want && !total)
			want = -ENOENT;
	}
	CHECK(rc == want, "unmap iova=0x%llx len=0x%llx rc=%ld want %d",
	      (unsigned long long)iova, (unsigned long long)len, rc, want);
	if (!rc)
		CHECK(c.length == total, "unmap returned 0x%llx want 0x%llx",
		      (unsigned long long)c.length, (unsigned long long)total);
}

static void op_allow(struct fz_reader *r)
{
	int s = pick_slot(r), n = fz_u8(r) % 4;
	struct iommu_iova_range in[4];
	struct iommu_ioas_allow_iovas c = { .size = sizeof(c), .ioas_id = slot_id(s),
					    .num_iovas = (uint32_t)n,
					    .allowed_iovas = (uintptr_t)in };
	struct mioas *io = &m[s];
	int want = 0;
	long rc;

	for (int i = 0; i < n; i++) {
		in[i].start = pick_iova(r);
		in[i].last = in[i].start + pick_len(r) - 1;
	}
	if (!io->live)
		want = -ENOENT;
	for (int i = 0; !want && i < n; i++) {
		if (in[i].start >= in[i].last)
			want = -EINVAL;
		for (int j = 0; !want && j < i; j++)
			if (overlaps(in[i].start, in[i].last, in[j].start, in[j].last))
				want = -EINVAL;
	}
	for (int i = 0; !want && i < n; i++)
		if (hits_res(io, in[i].start, in[i].last))
			want = -EADDRINUSE;
	rc = uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOW_IOVAS, &c);
	if (verbose)
		for (int i = 0; i < n; i++)
			fprintf(stderr, "  allow id %u [0x%llx,0x%llx] rc=%ld\n", c.ioas_id,
				(unsigned long long)in[i].start,
				(unsigned long long)in[i].last, rc);
	CHECK(rc == want, "allow n=%d rc=%ld want %d", n, rc, want);
	if (!rc) {
		io->nallow = n;
		for (int i = 0; i < n; i++)
			io->allow[i] = (struct rng){ in[i].start, in[i].last };
	}
}

static void op_reserve(struct fz_reader *r)
{
	int s = pick_slot(r);
	uint64_t start = pick_iova(r), len = pick_len(r), last = 0;
	struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_ADD_RESERVED,
				    .id = slot_id(s) };
	struct mioas *io = &m[s];
	int want = 0;
	long rc;

	c.add_reserved.start = start;
	c.add_reserved.length = len;
	if (len == 0)
		want = -EINVAL;
	else if (__builtin_add_overflow(start, len - 1, &last))
		want = -EOVERFLOW;
	else if (!io->live)
		want = -ENOENT;
	else if (hits_area(io, start, last) || hits_allow(io, start, last))
		want = -EADDRINUSE;
	else if (io->nres == MAXR - 2)
		return;
	rc = uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &c);
	if (verbose)
		fprintf(stderr, "  reserve id %u start 0x%llx len 0x%llx -> rc %ld\n", c.id,
			(unsigned long long)start, (unsigned long long)len, rc);
	CHECK(rc == want, "add_reserved rc=%ld want %d", rc, want);
	if (!rc)
		io->res[io->nres++] = (struct rng){ start, last };
}

static void op_ranges(struct fz_reader *r)
{
	int s = pick_slot(r);
	uint32_t cap = fz_u8(r) % 5;
	struct iommu_iova_range out[5];
	struct iommu_ioas_iova_ranges c = { .size = sizeof(c), .ioas_id = slot_id(s),
					    .num_iovas = cap,
					    .allowed_iovas = (uintptr_t)out };
	struct mioas *io = &m[s];
	struct rng want[MAXR + 1];
	uint32_t n = 0;
	uint64_t pos = 0;
	bool end = false;
	long rc;

	rc = uiommufd_ioctl(ctx, IOMMU_IOAS_IOVA_RANGES, &c);
	if (!io->live) {
		CHECK(rc == -ENOENT, "iova_ranges of a missing IOAS rc=%ld", rc);
		return;
	}
	/* the domain's aperture complement counts as reserved (§3.1) */
	struct rng saved[MAXR];
	int nsaved = io->nres;

	memcpy(saved, io->res, sizeof(saved));
	if (io->ndev) {
		struct rng *r = io->res;
		int n = 0;

		/* temporarily: at most MAXR - 2 test ranges are kept (op_reserve) */
		r[io->nres + n++] = (struct rng){ 0, MDL_APERTURE_START - 1 };
		r[io->nres + n++] = (struct rng){ MDL_APERTURE_LAST + 1, U64MAX };
		io->nres += n;
	}
	/* complement of the union of reserved ranges: sweep from 0 up */
	while (!end) {
		uint64_t next_blocked = U64MAX;
		bool blocked = false;

		/* is pos inside a reserved range? skip past the union */
		for (bool moved = true; moved && !end;) {
			moved = false;
			for (int i = 0; i < io->nres; i++)
				if (io->res[i].start <= pos && pos <= io->res[i].last) {
					if (io->res[i].last == U64MAX) {
						end = true;
						break;
					}
					pos = io->res[i].last + 1;
					moved = true;
				}
		}
		if (end)
			break;
		for (int i = 0; i < io->nres; i++)
			if (io->res[i].start > pos && io->res[i].start - 1 < next_blocked) {
				next_blocked = io->res[i].start - 1;
				blocked = true;
			}
		want[n++] = (struct rng){ pos, next_blocked };
		if (!blocked)
			break;
		pos = next_blocked + 1;
	}
	io->nres = nsaved;
	memcpy(io->res, saved, sizeof(saved));
	CHECK(rc == (n > cap ? -EMSGSIZE : 0), "iova_ranges rc=%ld total %u cap %u", rc, n, cap);
	CHECK(c.num_iovas == n, "iova_ranges num %u want %u", c.num_iovas, n);
	CHECK(c.out_iova_alignment == align_of(io), "alignment %llu",
	      (unsigned long long)c.out_iova_alignment);
	for (uint32_t i = 0; i < n && i < cap; i++)
		CHECK(out[i].start == want[i].start && out[i].last == want[i].last,
		      "range %u [0x%llx,0x%llx] want [0x%llx,0x%llx]", i,
		      (unsigned long long)out[i].start, (unsigned long long)out[i].last,
		      (unsigned long long)want[i].start, (unsigned long long)want[i].last);
}

static void op_option(struct fz_reader *r)
{
	int s = pick_slot(r);
	uint8_t b = fz_u8(r);
	struct iommu_option c = { .size = sizeof(c), .option_id = IOMMU_OPTION_HUGE_PAGES,
				  .op = (b & 1) ? IOMMU_OPTION_OP_GET : IOMMU_OPTION_OP_SET,
				  .object_id = slot_id(s), .val64 = (b >> 1) % 3 };
	struct mioas *io = &m[s];
	int want = 0;
	long rc;

	if (!io->live)
		want = -ENOENT;
	else if (c.op == IOMMU_OPTION_OP_SET && c.val64 > 1)
		want = -EINVAL;
	else if (c.op == IOMMU_OPTION_OP_SET && c.val64 == 0 && !io->huge_off &&
		 io->ndev && io->na)
		want = -EINVAL;	/* §11: a domain and an area */
	else if (c.op == IOMMU_OPTION_OP_SET && c.val64 == 0)
		for (int i = 0; i < io->na; i++)
			if ((io->a[i].iova | io->a[i].len | (io->a[i].va % PG)) % PG)
				want = -EADDRINUSE;
	uint64_t get_want = !io->huge_off;
	rc = uiommufd_ioctl(ctx, IOMMU_OPTION, &c);
	CHECK(rc == want, "option op=%u val=%llu rc=%ld want %d", c.op,
	      (unsigned long long)c.val64, rc, want);
	if (rc)
		return;
	if (c.op == IOMMU_OPTION_OP_GET)
		CHECK(c.val64 == get_want, "huge pages get %llu", (unsigned long long)c.val64);
	else
		io->huge_off = c.val64 == 0;
}

/* MOCK_DOMAIN: a new mock device on the IOAS's automatic domain (§8.1, §8.3). */
static void op_attach(struct fz_reader *r)
{
	int s = pick_slot(r);
	struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_MOCK_DOMAIN,
				    .id = slot_id(s) };
	struct mioas *io = &m[s];
	int want = 0;
	long rc;

	if (!io->live)
		want = -ENOENT;
	else if (io->ndev == MAXDEV)
		return;
	else if (!io->ndev) {
		uint64_t a = io->huge_off ? PG : 1;

		/* 1. alignment raised to 2048: every area must follow */
		for (int i = 0; a < MDL_ALIGN && i < io->na; i++)
			if ((io->a[i].iova | io->a[i].len | (io->a[i].va % PG)) % MDL_ALIGN)
				want = -EADDRINUSE;
		/* 2. the aperture complement must be free of areas and allowed ranges */
		for (int i = 0; !want && i < io->na; i++)
			if (io->a[i].iova < MDL_APERTURE_START ||
			    io->a[i].iova + io->a[i].len - 1 > MDL_APERTURE_LAST)
				want = -EADDRINUSE;
		for (int i = 0; !want && i < io->nallow; i++)
			if (io->allow[i].start < MDL_APERTURE_START ||
			    io->allow[i].last > MDL_APERTURE_LAST)
				want = -EADDRINUSE;
		/* 3. every area is pinned and mapped now */
		for (int i = 0; !want && i < io->na; i++) {
			if (mem_unknown(io->a[i].va))
				return;
			if (bad_mem(io->a[i].va, io->a[i].len))
				want = -EFAULT;
		}
	}
	rc = uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &c);
	if (verbose)
		fprintf(stderr, "  attach id %u -> rc %ld stdev %u hwpt %u idev %u\n", c.id, rc,
			c.mock_domain.out_stdev_id, c.mock_domain.out_hwpt_id,
			c.mock_domain.out_idev_id);
	CHECK(rc == want, "mock domain attach rc=%ld want %d", rc, want);
	if (rc)
		return;
	CHECK(!io->ndev || c.mock_domain.out_hwpt_id == io->hwpt,
	      "second device got HWPT %u, not the shared %u", c.mock_domain.out_hwpt_id, io->hwpt);
	CHECK(!id_used(c.mock_domain.out_stdev_id) && !id_used(c.mock_domain.out_idev_id) &&
	      (io->ndev || !id_used(c.mock_domain.out_hwpt_id)),
	      "attach handed out an ID in use");
	io->hwpt = c.mock_domain.out_hwpt_id;
	io->dev[io->ndev][0] = c.mock_domain.out_stdev_id;
	io->dev[io->ndev][1] = c.mock_domain.out_idev_id;
	io->ndev++;
}

/* DESTROY of a mock device (detach); of the HWPT while used: EBUSY. */
static void op_detach(struct fz_reader *r)
{
	int s = pick_slot(r);
	uint8_t b = fz_u8(r);
	struct mioas *io = &m[s];
	struct iommu_destroy c = { .size = sizeof(c) };
	long rc;
	int d;

	if (!io->live || !io->ndev)
		return;
	if (b & 1) {
		c.id = io->hwpt;
		rc = uiommufd_ioctl(ctx, IOMMU_DESTROY, &c);
		CHECK(rc == -EBUSY, "destroy of an attached HWPT rc=%ld", rc);
		return;
	}
	d = (b >> 1) % io->ndev;
	c.id = io->dev[d][0];
	rc = uiommufd_ioctl(ctx, IOMMU_DESTROY, &c);
	if (verbose)
		fprintf(stderr, "  detach stdev %u -> rc %ld\n", c.id, rc);
	CHECK(rc == 0, "detach rc=%ld", rc);
	io->dev[d][0] = io->dev[io->ndev - 1][0];
	io->dev[d][1] = io->dev[io->ndev - 1][1];
	io->ndev--;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_reader r = { data, size };

	A = fz_arena();
	PG = A->pgsz;
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	memset(m, 0, sizeof(m));
	opno = 0;
	if (uiommufd_open(&ctx))
		abort();
	op_alloc();
	while (r.left && opno < 200) {
		uint8_t op = fz_u8(&r);

		opno++;
		if (verbose)
			fprintf(stderr, "op %lu: kind %u\n", opno, op % 12);
		switch (op % 12) {
		case 10: op_attach(&r); break;
		case 11: op_detach(&r); break;
		case 0: op_alloc(); break;
		case 1: op_destroy(&r); break;
		case 2: case 3: op_map(&r); break;
		case 4: op_copy(&r); break;
		case 5: op_unmap(&r); break;
		case 6: op_allow(&r); break;
		case 7: op_reserve(&r); break;
		case 8: op_ranges(&r); break;
		default: op_option(&r); break;
		}
		/* keep within the model's fixed arrays */
		for (int s = 0; s < NSLOT; s++)
			if (m[s].live && m[s].na > MAXA - 8) {
				struct iommu_ioas_unmap c = { .size = sizeof(c), .ioas_id = m[s].id,
							      .iova = 0, .length = U64MAX };
				CHECK(uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &c) == 0, "trim");
				m[s].na = 0;
			}
		compare_all();
	}
	/* unmap-all returns the sum of what the model still holds */
	for (int s = 0; s < NSLOT; s++) {
		struct iommu_ioas_unmap c = { .size = sizeof(c), .ioas_id = m[s].id,
					      .iova = 0, .length = U64MAX };
		uint64_t total = 0;

		if (!m[s].live)
			continue;
		for (int i = 0; i < m[s].na; i++)
			total += m[s].a[i].len;
		CHECK(uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP, &c) == 0 && c.length == total,
		      "final unmap-all of IOAS %u: 0x%llx want 0x%llx", m[s].id,
		      (unsigned long long)c.length, (unsigned long long)total);
	}
	uiommufd_close(ctx);
	ctx = NULL;
	fz_check_clean();
	return 0;
}

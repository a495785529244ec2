/* SPDX-License-Identifier: MIT */
/*
 * io_pgtable.c: the software IOMMU page table (format and API: io_pgtable.h).
 *
 * Data structure
 * --------------
 * struct pt_table is one table: 512 entries plus `used`, the number of
 * non-zero entries.  `used` makes "is this table empty" O(1), which is what
 * lets unmap and a failed map free tables as soon as they empty.  The root
 * table always exists; every other table hangs off exactly one entry of its
 * parent and exists only while used > 0 (outside a call in progress).
 *
 * Invariants (checked by the unit tests through the public API):
 *  - a leaf of page size P at level L (G << 9L <= P < G << 9(L+1)) is
 *    P / (G << 9L) consecutive entries starting at a P-aligned index, all
 *    with the same order and flags except DIRTY, with output addresses
 *    increasing by the entry size;
 *  - no table below the root has used == 0 once a call returns;
 *  - pt->nr_leaf_entries is the number of leaf entries in all tables,
 *    pt->nr_tables the number of tables including the root.
 *
 * The hot paths never call a function per entry: map picks a page size
 * once per run, checks the run's entries for conflicts with one
 * OR-reduction (skipped for a table that is still empty), and writes them
 * in one loop; unmap clears a stretch of one-entry leaves in a tight loop,
 * updates the counters once per table, and frees a fully covered bottom
 * table without touching its entries.  A call whose range lies inside one
 * base-level table (every 1-page call, and runs up to a table) walks down
 * once without recursion (map_fast / unmap_fast); everything else takes
 * the recursive walk (map_level / unmap_level).
 *
 * Failure: map writes a run only after checking all of it, so on -EEXIST or
 * -ENOMEM everything before the walk cursor is whole leaves of this call,
 * which are unmapped again, and the only other trace, tables made for the
 * failed step, lie on the cursor's path and are pruned by a walk that frees
 * empty tables without clearing leaves.
 *
 * Overflow hazards: the aperture may end at UINT64_MAX, so a range end is
 * kept as `last` (inclusive); the walk cursor `iova + bytes` may wrap to 0
 * exactly when the request ends at UINT64_MAX, and is then never used
 * again because nothing is left to map.  Page sizes up to 2^63 are handled
 * without computing 2 * P.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/io_pgtable.h"
#include "util/debug.h"
#include "util/fault_inject.h"
#include "util/overflow.h"

#define PTE_LEAF (1ull << 0)
#define PTE_READ (1ull << 1)
#define PTE_WRITE (1ull << 2)
#define PTE_DIRTY (1ull << 3)
#define PTE_ORDER_SHIFT 4
#define PTE_ORDER_MASK (0x3full << PTE_ORDER_SHIFT)
#define PTE_ADDR_MASK (~(uint64_t)(IO_PGTABLE_MIN_GRANULE - 1))

#define NENT IO_PGTABLE_TABLE_ENTRIES
#define MAX_LEVELS 8	/* 64 IOVA bits with the 1 KiB minimum granule: 6 */

struct pt_table {
	uint64_t e[NENT];
	uint32_t used;
};

struct io_pgtable {
	struct pt_table *root;
	unsigned int levels;
	unsigned int granule_shift;
	uint64_t pgsize_bitmap;
	uint64_t base_page;
	uint64_t second_page;	/* next size above base_page, 0 if none */
	unsigned int base_level; /* level of base_page leaves */
	uint64_t start, last;
	uint64_t nr_tables;
	uint64_t nr_leaf_entries;
};

static inline unsigned int ilog2_u64(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

/* All bits at or below the highest set bit of v (v != 0). */
static inline uint64_t mask_upto(uint64_t v)
{
	uint64_t h = 1ull << ilog2_u64(v);

	return h | (h - 1);
}

static inline unsigned int level_shift(const struct io_pgtable *pt,
				       unsigned int level)
{
	return pt->granule_shift + IO_PGTABLE_TABLE_BITS * level;
}

static inline unsigned int pgsize_level(const struct io_pgtable *pt,
					uint64_t pgsize)
{
	return (ilog2_u64(pgsize) - pt->granule_shift) / IO_PGTABLE_TABLE_BITS;
}

static inline bool pte_is_leaf(uint64_t e)
{
	return e & PTE_LEAF;
}

static inline struct pt_table *pte_table(uint64_t e)
{
	return (struct pt_table *)(uintptr_t)e;
}

static inline unsigned int pte_order(uint64_t e)
{
	return (e & PTE_ORDER_MASK) >> PTE_ORDER_SHIFT;
}

static struct pt_table *table_alloc(struct io_pgtable *pt)
{
	struct pt_table *t;

	t = fi_calloc("io_pgtable.table", 1, sizeof(*t));
	if (!t)
		return NULL;
	UIO_ASSERT(((uintptr_t)t & PTE_LEAF) == 0);
	pt->nr_tables++;
	return t;
}

static void table_free(struct io_pgtable *pt, struct pt_table *t)
{
	UIO_ASSERT(t->used == 0);
	pt->nr_tables--;
	free(t);
}

/* Frees t and everything below it, keeping the counters right. */
static void table_free_all(struct io_pgtable *pt, struct pt_table *t,
			   unsigned int level)
{
	unsigned int i;

	for (i = 0; i < NENT && t->used; i++) {
		uint64_t e = t->e[i];

		if (!e)
			continue;
		if (pte_is_leaf(e)) {
			pt->nr_leaf_entries--;
		} else {
			UIO_ASSERT(level > 0);
			table_free_all(pt, pte_table(e), level - 1);
		}
		t->e[i] = 0;
		t->used--;
	}
	table_free(pt, t);
}

int io_pgtable_alloc(const struct io_pgtable_cfg *cfg, struct io_pgtable **out)
{
	struct io_pgtable *pt;
	uint64_t granule = cfg->granule, bitmap = cfg->pgsize_bitmap;
	unsigned int va_bits, span_bits, levels;

	if (!bitmap)
		return -EINVAL;
	if (!granule)
		granule = lowest_set_bit_u64(bitmap);
	if (!is_power_of_2_u64(granule) || granule < IO_PGTABLE_MIN_GRANULE)
		return -EINVAL;
	/* Every page size must be a whole number of granules. */
	if (bitmap & (granule - 1))
		return -EINVAL;
	if (cfg->aperture_start > cfg->aperture_last)
		return -EINVAL;

	va_bits = cfg->aperture_last ? ilog2_u64(cfg->aperture_last) + 1 : 1;
	span_bits = ilog2_u64(granule);
	levels = 1;
	while (span_bits + IO_PGTABLE_TABLE_BITS * levels < va_bits)
		levels++;
	UIO_ASSERT(levels <= MAX_LEVELS);
	/* Drop sizes a full top-level table or more would need. */
	span_bits += IO_PGTABLE_TABLE_BITS * levels;
	if (span_bits < 64)
		bitmap &= (1ull << span_bits) - 1;
	if (!bitmap)
		return -EINVAL;

	pt = fi_calloc("io_pgtable.alloc", 1, sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	pt->levels = levels;
	pt->granule_shift = ilog2_u64(granule);
	pt->pgsize_bitmap = bitmap;
	pt->base_page = lowest_set_bit_u64(bitmap);
	pt->second_page = lowest_set_bit_u64(bitmap & ~pt->base_page);
	pt->base_level = pgsize_level(pt, pt->base_page);
	pt->start = cfg->aperture_start;
	pt->last = cfg->aperture_last;
	pt->root = table_alloc(pt);
	if (!pt->root) {
		free(pt);
		return -ENOMEM;
	}
	*out = pt;
	return 0;
}

void io_pgtable_free(struct io_pgtable *pt)
{
	if (!pt)
		return;
	table_free_all(pt, pt->root, pt->levels - 1);
	UIO_ASSERT(pt->nr_tables == 0 && pt->nr_leaf_entries == 0);
	free(pt);
}

uint64_t io_pgtable_pgsize_bitmap(const struct io_pgtable *pt)
{
	return pt->pgsize_bitmap;
}

uint64_t io_pgtable_base_page(const struct io_pgtable *pt)
{
	return pt->base_page;
}

unsigned int io_pgtable_levels(const struct io_pgtable *pt)
{
	return pt->levels;
}

void io_pgtable_aperture(const struct io_pgtable *pt, uint64_t *start,
			 uint64_t *last)
{
	*start = pt->start;
	*last = pt->last;
}

void io_pgtable_get_stats(const struct io_pgtable *pt,
			  struct io_pgtable_stats *stats)
{
	stats->nr_tables = pt->nr_tables;
	stats->nr_leaf_entries = pt->nr_leaf_entries;
	stats->table_bytes = pt->nr_tables * sizeof(struct pt_table);
}

/* Is [iova, last] a valid, base-page aligned range inside the aperture? */
static bool range_ok(const struct io_pgtable *pt, uint64_t iova, uint64_t size,
		     uint64_t *last)
{
	if ((iova | size) & (pt->base_page - 1))
		return false;
	if (range_last_overflows(iova, size, last))
		return false;
	return iova >= pt->start && *last <= pt->last;
}

/* ------------------------------------------------------------------ map */

struct map_walk {
	uint64_t iova;
	uint64_t paddr;
	uint64_t rem;		/* bytes still to map, > 0 while walking */
	uint64_t pte_flags;	/* LEAF | READ | WRITE */
	uint64_t sizes;		/* page sizes this call may use */
};

/* Largest allowed size both cursors are aligned to and that fits in rem. */
static uint64_t map_pick(const struct map_walk *w)
{
	uint64_t sizes = w->sizes & mask_upto(w->rem);
	uint64_t align = w->iova | w->paddr;

	if (align)
		sizes &= mask_upto(lowest_set_bit_u64(align));
	UIO_ASSERT(sizes != 0);
	return 1ull << ilog2_u64(sizes);
}

/*
 * How many pages of size P to write from the cursor before a larger page
 * might become usable: up to the next boundary of the next larger allowed
 * size Q, if iova and paddr are congruent modulo Q (else never).
 */
static uint64_t map_run_limit(const struct map_walk *w, uint64_t P)
{
	uint64_t above = w->sizes & ~(P | (P - 1));
	uint64_t Q, off;

	if (!above)
		return UINT64_MAX;
	Q = lowest_set_bit_u64(above);
	if ((w->iova ^ w->paddr) & (Q - 1))
		return UINT64_MAX;
	off = w->iova & (Q - 1);
	if (!off)
		return UINT64_MAX; /* rem < Q, rem bounds the run */
	return (Q - off) / P;
}

/*
 * Write one run of pages of size P (whose level is `level`) into table t
 * from index idx: as many as fit in the table, in what is left, and before
 * a larger page could take over.  Returns the entries written or -EEXIST
 * (nothing written).
 */
static inline int map_run(struct io_pgtable *pt, struct pt_table *t,
			  unsigned int level, unsigned int idx,
			  struct map_walk *w, uint64_t P)
{
	unsigned int shift = level_shift(pt, level);
	uint64_t esz = 1ull << shift;
	uint64_t per = P >> shift, n, cnt, acc, pte, bytes, i;
	uint64_t *ep;

	UIO_ASSERT((idx & (per - 1)) == 0);
	n = (NENT - idx) / per;
	n = MIN_T(uint64_t, n, w->rem / P);
	n = MIN_T(uint64_t, n, map_run_limit(w, P));
	cnt = n * per;
	ep = &t->e[idx];

	/* An empty table (just made) cannot conflict. */
	if (t->used) {
		acc = 0;
		for (i = 0; i < cnt; i++)
			acc |= ep[i];
		if (acc)
			return -EEXIST;
	}

	pte = (w->paddr & PTE_ADDR_MASK) | w->pte_flags |
	      ((uint64_t)ilog2_u64(P) << PTE_ORDER_SHIFT);
	for (i = 0; i < cnt; i++)
		ep[i] = pte + i * esz;
	t->used += cnt;
	pt->nr_leaf_entries += cnt;

	bytes = n * P;
	w->iova += bytes;
	w->paddr += bytes;
	w->rem -= bytes;
	return (int)cnt;
}

static int map_level(struct io_pgtable *pt, struct pt_table *t,
		     unsigned int level, struct map_walk *w)
{
	unsigned int shift = level_shift(pt, level);
	unsigned int idx = (w->iova >> shift) & (NENT - 1);

	while (w->rem && idx < NENT) {
		uint64_t P = map_pick(w);
		unsigned int plevel = pgsize_level(pt, P);
		int ret;

		if (plevel < level) {
			uint64_t e = t->e[idx];
			struct pt_table *child;

			if (!e) {
				child = table_alloc(pt);
				if (!child)
					return -ENOMEM;
				t->e[idx] = (uint64_t)(uintptr_t)child;
				t->used++;
			} else if (pte_is_leaf(e)) {
				return -EEXIST;
			} else {
				child = pte_table(e);
			}
			ret = map_level(pt, child, level - 1, w);
			if (ret)
				return ret;
			idx++;
			continue;
		}
		UIO_ASSERT(plevel == level);

		ret = map_run(pt, t, level, idx, w, P);
		if (ret < 0)
			return ret;
		idx += ret;
	}
	return 0;
}

/* ---------------------------------------------------------------- unmap */

/*
 * Remove the leaves of table t (whose entry 0 maps IOVA `base`) overlapping
 * [start, last]; children left empty are freed.  Returns bytes removed.
 * With clear == false nothing is removed: the walk only frees empty tables
 * (used to undo the allocations of a failed map).
 */
static uint64_t unmap_level(struct io_pgtable *pt, struct pt_table *t,
			    unsigned int level, uint64_t base, uint64_t start,
			    uint64_t last, bool clear)
{
	unsigned int shift = level_shift(pt, level);
	uint64_t esz = 1ull << shift;
	uint64_t i = (start - base) >> shift;
	uint64_t iend = (last - base) >> shift;
	uint64_t bytes = 0, removed = 0;

	UIO_ASSERT(iend < NENT);
	/*
	 * A bottom table covered whole: its entries are all G-sized leaves,
	 * and the parent frees it as soon as used is 0, so the entries need
	 * no clearing (unless it is the root, which stays).
	 */
	if (clear && level == 0 && i == 0 && iend == NENT - 1) {
		bytes = t->used * esz;
		pt->nr_leaf_entries -= t->used;
		t->used = 0;
		if (t == pt->root)
			memset(t->e, 0, sizeof(t->e));
		return bytes;
	}

	for (; i <= iend; i++) {
		uint64_t e = t->e[i];

		if (!e)
			continue;
		if (pte_is_leaf(e)) {
			unsigned int order = pte_order(e);
			uint64_t per, i0, j;

			if (!clear)
				continue;
			if (order == shift) {
				/* One-entry leaves, the common case: clear
				 * the whole stretch of them in a tight loop. */
				const uint64_t key = PTE_LEAF |
					((uint64_t)order << PTE_ORDER_SHIFT);
				uint64_t j = i;

				do {
					t->e[j++] = 0;
				} while (j <= iend &&
					 (t->e[j] & (PTE_LEAF | PTE_ORDER_MASK)) ==
						 key);
				removed += j - i;
				bytes += (j - i) * esz;
				i = j - 1;
				continue;
			}
			per = 1ull << (order - shift);
			i0 = i & ~(per - 1);
			for (j = 0; j < per; j++)
				t->e[i0 + j] = 0;
			removed += per;
			bytes += 1ull << order;
			i = i0 + per - 1;
		} else {
			struct pt_table *child = pte_table(e);
			uint64_t cbase = base + (i << shift);
			uint64_t clast = cbase + (esz - 1);

			UIO_ASSERT(level > 0);
			bytes += unmap_level(pt, child, level - 1, cbase,
					     MAX_T(uint64_t, start, cbase),
					     MIN_T(uint64_t, last, clast), clear);
			if (!child->used) {
				t->e[i] = 0;
				t->used--;
				table_free(pt, child);
			}
		}
	}
	/* Counters once per table, not per entry (they may alias t->e). */
	t->used -= removed;
	pt->nr_leaf_entries -= removed;
	return bytes;
}

static uint64_t unmap_range(struct io_pgtable *pt, uint64_t start,
			    uint64_t last, bool clear)
{
	return unmap_level(pt, pt->root, pt->levels - 1, 0, start, last, clear);
}

/*
 * Does [iova, last] lie inside one table of `level`?  Then a call can walk
 * down once and work on that table alone (the fast paths below, which keep
 * short maps and unmaps free of the general recursion).
 */
static inline bool in_one_table(const struct io_pgtable *pt, uint64_t iova,
				uint64_t last, unsigned int level)
{
	unsigned int tshift = level_shift(pt, level) + IO_PGTABLE_TABLE_BITS;

	if (level == pt->levels - 1 || tshift >= 64)
		return true;
	return (iova >> tshift) == (last >> tshift);
}

/* Map with base pages only, inside one bottom table (see in_one_table). */
static int map_fast(struct io_pgtable *pt, struct map_walk *w)
{
	unsigned int level = pt->levels - 1, bl = pt->base_level;
	struct pt_table *t = pt->root;
	int ret;

	for (; level > bl; level--) {
		unsigned int idx = (w->iova >> level_shift(pt, level)) &
				   (NENT - 1);
		uint64_t e = t->e[idx];

		if (!e) {
			struct pt_table *child = table_alloc(pt);

			if (!child)
				return -ENOMEM;
			t->e[idx] = (uint64_t)(uintptr_t)child;
			t->used++;
			t = child;
		} else if (pte_is_leaf(e)) {
			return -EEXIST;
		} else {
			t = pte_table(e);
		}
	}
	ret = map_run(pt, t, bl, (w->iova >> level_shift(pt, bl)) & (NENT - 1),
		      w, pt->base_page);
	if (ret < 0)
		return ret;
	UIO_ASSERT(w->rem == 0);
	return 0;
}

int io_pgtable_map(struct io_pgtable *pt, uint64_t iova, uint64_t paddr,
		   uint64_t size, unsigned int prot, bool allow_large)
{
	struct map_walk w;
	uint64_t last, plast;
	int ret;

	if (prot & ~(IO_PGTABLE_READ | IO_PGTABLE_WRITE))
		return -EINVAL;
	if (!range_ok(pt, iova, size, &last))
		return -EINVAL;
	if (paddr & (pt->base_page - 1))
		return -EINVAL;
	if (range_last_overflows(paddr, size, &plast))
		return -EINVAL;

	w.iova = iova;
	w.paddr = paddr;
	w.rem = size;
	w.pte_flags = PTE_LEAF;
	if (prot & IO_PGTABLE_READ)
		w.pte_flags |= PTE_READ;
	if (prot & IO_PGTABLE_WRITE)
		w.pte_flags |= PTE_WRITE;
	w.sizes = allow_large ? pt->pgsize_bitmap : pt->base_page;

	if ((!allow_large || !pt->second_page || size < pt->second_page) &&
	    in_one_table(pt, iova, last, pt->base_level)) {
		w.sizes = pt->base_page;
		ret = map_fast(pt, &w);
	} else {
		ret = map_level(pt, pt->root, pt->levels - 1, &w);
	}
	if (ret) {
		/* Everything before the cursor is ours, whole leaves. */
		if (w.iova != iova)
			unmap_range(pt, iova, w.iova - 1, true);
		/* Tables made for the failed step lie on the cursor's path. */
		unmap_range(pt, w.iova, w.iova, false);
	}
	return ret;
}

/*
 * Unmap [iova, last], which lies inside one table of the base level: walk
 * down once, clear in that table, then free the tables left empty on the
 * way back up.  A leaf above the base level on the path sends the call to
 * the general walk.
 */
static uint64_t unmap_fast(struct io_pgtable *pt, uint64_t iova, uint64_t last)
{
	unsigned int level = pt->levels - 1, bl = pt->base_level;
	unsigned int tshift = level_shift(pt, bl) + IO_PGTABLE_TABLE_BITS;
	struct pt_table *path[MAX_LEVELS];
	struct pt_table *t = pt->root;
	uint64_t bytes, base;

	for (; level > bl; level--) {
		uint64_t e = t->e[(iova >> level_shift(pt, level)) & (NENT - 1)];

		if (!e)
			return 0;
		if (pte_is_leaf(e))
			return unmap_range(pt, iova, last, true);
		path[level] = t;
		t = pte_table(e);
	}
	base = (bl == pt->levels - 1 || tshift >= 64) ?
		       0 : iova & ~((1ull << tshift) - 1);
	bytes = unmap_level(pt, t, bl, base, iova, last, true);
	for (level = bl; level < pt->levels - 1 && !t->used; level++) {
		struct pt_table *parent = path[level + 1];

		parent->e[(iova >> level_shift(pt, level + 1)) & (NENT - 1)] = 0;
		parent->used--;
		table_free(pt, t);
		t = parent;
	}
	return bytes;
}

uint64_t io_pgtable_unmap(struct io_pgtable *pt, uint64_t iova, uint64_t size)
{
	uint64_t last;

	if (!size || !range_ok(pt, iova, size, &last))
		return 0;
	if (in_one_table(pt, iova, last, pt->base_level))
		return unmap_fast(pt, iova, last);
	return unmap_range(pt, iova, last, true);
}

/* --------------------------------------------------------------- lookup */

/* The entry holding the leaf that translates iova, or NULL; *shift_out is
 * the shift of its level. */
static uint64_t *find_leaf(const struct io_pgtable *pt, uint64_t iova,
			   unsigned int *shift_out)
{
	struct pt_table *t = pt->root;
	unsigned int level = pt->levels - 1;

	if (iova < pt->start || iova > pt->last)
		return NULL;
	for (;;) {
		unsigned int shift = level_shift(pt, level);
		uint64_t *ep = &t->e[(iova >> shift) & (NENT - 1)];

		if (!*ep)
			return NULL;
		if (pte_is_leaf(*ep)) {
			*shift_out = shift;
			return ep;
		}
		UIO_ASSERT(level > 0);
		t = pte_table(*ep);
		level--;
	}
}

int io_pgtable_iova_to_phys(const struct io_pgtable *pt, uint64_t iova,
			    uint64_t *paddr, unsigned int *prot,
			    uint64_t *leaf_size)
{
	unsigned int shift;
	uint64_t *ep = find_leaf(pt, iova, &shift);
	uint64_t e;

	if (!ep)
		return -ENOENT;
	e = *ep;
	if (paddr)
		*paddr = (e & PTE_ADDR_MASK) + (iova & ((1ull << shift) - 1));
	if (prot)
		*prot = ((e & PTE_READ) ? IO_PGTABLE_READ : 0) |
			((e & PTE_WRITE) ? IO_PGTABLE_WRITE : 0);
	if (leaf_size)
		*leaf_size = 1ull << pte_order(e);
	return 0;
}

/* ---------------------------------------------------------------- dirty */

bool io_pgtable_set_dirty(struct io_pgtable *pt, uint64_t iova)
{
	unsigned int shift;
	uint64_t *ep = find_leaf(pt, iova, &shift);

	if (!ep)
		return false;
	*ep |= PTE_DIRTY;
	return true;
}

struct dirty_walk {
	bool no_clear;
	io_pgtable_dirty_fn fn;
	void *arg;
};

static int dirty_level(struct pt_table *t, const struct io_pgtable *pt,
		       unsigned int level, uint64_t base, uint64_t start,
		       uint64_t last, const struct dirty_walk *dw)
{
	unsigned int shift = level_shift(pt, level);
	uint64_t esz = 1ull << shift;
	uint64_t i = (start - base) >> shift;
	uint64_t iend = (last - base) >> shift;
	int ret;

	UIO_ASSERT(iend < NENT);
	for (; i <= iend; i++) {
		uint64_t e = t->e[i];

		if (!e)
			continue;
		if (pte_is_leaf(e)) {
			unsigned int order = pte_order(e);
			uint64_t per = 1ull << (order - shift), i0, j;
			uint64_t acc = 0;

			i0 = i & ~(per - 1);
			for (j = 0; j < per; j++)
				acc |= t->e[i0 + j];
			i = i0 + per - 1;
			if (!(acc & PTE_DIRTY))
				continue;
			ret = dw->fn(base + (i0 << shift), 1ull << order,
				     dw->arg);
			if (ret)
				return ret;
			if (!dw->no_clear)
				for (j = 0; j < per; j++)
					t->e[i0 + j] &= ~PTE_DIRTY;
		} else {
			uint64_t cbase = base + (i << shift);

			ret = dirty_level(pte_table(e), pt, level - 1, cbase,
					  MAX_T(uint64_t, start, cbase),
					  MIN_T(uint64_t, last,
						cbase + (esz - 1)),
					  dw);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int io_pgtable_read_and_clear_dirty(struct io_pgtable *pt, uint64_t iova,
				    uint64_t length, bool no_clear,
				    io_pgtable_dirty_fn fn, void *arg)
{
	struct dirty_walk dw = { .no_clear = no_clear, .fn = fn, .arg = arg };
	uint64_t last;

	if (!length)
		return 0;
	if (range_last_overflows(iova, length, &last))
		return -EINVAL;
	if (last < pt->start || iova > pt->last)
		return 0;
	iova = MAX_T(uint64_t, iova, pt->start);
	last = MIN_T(uint64_t, last, pt->last);
	return dirty_level(pt->root, pt, pt->levels - 1, 0, iova, last, &dw);
}

/* SPDX-License-Identifier: MIT */
/*
 * io_pgtable: a software IOMMU page table, one per paging domain.
 *
 * What it is
 * ----------
 * A multi-level radix tree that translates an IO virtual address (IOVA) to
 * an output address, the way a hardware IOMMU walks its tables.  In
 * uiommufd the "output address" is the host virtual address of the byte the
 * device would reach; the table does not care and treats it as an opaque
 * 64-bit number.  The domain layer maps pinned user pages into it, the test
 * ops (MD_CHECK_MAP, DIRTY) and dirty tracking read it back.
 *
 * Format (our own; modelled on the shape of the x86 / AMD v1 tables)
 * -------------------------------------------------------------------
 *  - The *granule* G is the size mapped by one bottom-level entry; a power
 *    of two >= 1 KiB.  It may be smaller than the CPU page (the mock uses
 *    2 KiB with 4 KiB CPU pages).
 *  - Every table holds 512 eight-byte entries, so each level resolves 9 IOVA
 *    bits.  Level 0 entries map G bytes, level L entries map G << 9L bytes.
 *    The number of levels is the smallest that covers the aperture's last
 *    address (e.g. G = 2 KiB, last = 0x7fffffff: 3 levels of 2 KiB, 1 MiB,
 *    512 MiB; G = 4 KiB, 48-bit IOVA: 4 levels like x86).
 *  - An entry is 0 (empty), a pointer to the next-level table (bit 0 clear;
 *    only above level 0), or a *leaf* (bit 0 set) at any level:
 *	bit 0	LEAF
 *	bit 1	READ
 *	bit 2	WRITE
 *	bit 3	DIRTY
 *	bits 4-9	log2 of the page size this entry belongs to
 *	bits 10-63	output address of this entry's first byte (aligned to the
 *			entry size, hence the G >= 1 KiB rule)
 *  - A page size between two level sizes (say 4 KiB with G = 2 KiB) is a
 *    *contiguous run*: P / (G << 9L) consecutive, P-aligned entries of level
 *    L, each carrying its own output address and the run's size.  A run is
 *    one leaf for every purpose: it is unmapped whole, reported dirty whole,
 *    and iova_to_phys reports its full size.
 *  - A table exists only while it holds at least one entry: unmap frees
 *    tables that become empty, and a failed map frees the ones it made.
 *
 * Page sizes
 * ----------
 * cfg.pgsize_bitmap lists the leaf sizes that may be used; each must be a
 * multiple of G.  Sizes of a full table or more at the top level cannot be
 * expressed and are dropped (io_pgtable_pgsize_bitmap() reports what is
 * left).  The smallest size left is the *base page*: every map and unmap
 * must be aligned to it (iova, paddr and size).
 *
 * Glossary: `last` is inclusive, `end` is exclusive, `size`/`length` count
 * bytes.  The aperture is [aperture_start, aperture_last]; aperture_last may
 * be UINT64_MAX, so "last + 1" is never computed without a check, and every
 * range is validated with range_last_overflows().
 *
 * Locking: none.  The owner (the domain) serialises every call; readers
 * (iova_to_phys, dirty reads) may not run concurrently with map/unmap.
 */
#ifndef UIOMMUFD_CORE_IO_PGTABLE_H
#define UIOMMUFD_CORE_IO_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#define IO_PGTABLE_READ (1u << 0)
#define IO_PGTABLE_WRITE (1u << 1)

/* Entries per table and bits resolved per level. */
#define IO_PGTABLE_TABLE_BITS 9
#define IO_PGTABLE_TABLE_ENTRIES (1u << IO_PGTABLE_TABLE_BITS)
/* Smallest granule the entry format can hold (10 low flag bits). */
#define IO_PGTABLE_MIN_GRANULE 1024

struct io_pgtable_cfg {
	/* Bytes mapped by a level-0 entry; 0 = lowest bit of pgsize_bitmap. */
	uint64_t granule;
	/* Leaf sizes that may be used (powers of two, each >= granule). */
	uint64_t pgsize_bitmap;
	/* IOVAs the table accepts: [aperture_start, aperture_last]. */
	uint64_t aperture_start;
	uint64_t aperture_last;
};

struct io_pgtable;

/*
 * Allocate an empty table.  -EINVAL for a bad configuration (granule not a
 * power of two or below IO_PGTABLE_MIN_GRANULE, a page size smaller than
 * the granule, no usable page size, start > last), -ENOMEM (fault-injection
 * points "io_pgtable.alloc", then "io_pgtable.table" for the root).
 */
int io_pgtable_alloc(const struct io_pgtable_cfg *cfg, struct io_pgtable **out);
/* Free the table and everything still mapped in it.  NULL is a no-op. */
void io_pgtable_free(struct io_pgtable *pt);

/* The usable page sizes; the lowest set bit is the base page. */
uint64_t io_pgtable_pgsize_bitmap(const struct io_pgtable *pt);
uint64_t io_pgtable_base_page(const struct io_pgtable *pt);
unsigned int io_pgtable_levels(const struct io_pgtable *pt);
void io_pgtable_aperture(const struct io_pgtable *pt, uint64_t *start,
			 uint64_t *last);

/*
 * Map [iova, iova + size) to [paddr, paddr + size) with `prot`
 * (IO_PGTABLE_READ | IO_PGTABLE_WRITE).  Each leaf is the largest supported
 * page size to which both the current iova and paddr are aligned and which
 * fits in what is left, when allow_large is set; otherwise every leaf is the
 * base page.
 *
 * All or nothing: on error the table is exactly as before.
 *  -EINVAL	size 0, iova/paddr/size not multiples of the base page,
 *		unknown prot bits, range wraps or leaves the aperture, output
 *		address wraps;
 *  -EEXIST	some leaf already translates part of the range;
 *  -ENOMEM	a table allocation failed (fault-injection point
 *		"io_pgtable.table").
 */
int io_pgtable_map(struct io_pgtable *pt, uint64_t iova, uint64_t paddr,
		   uint64_t size, unsigned int prot, bool allow_large);

/*
 * Remove every leaf that overlaps [iova, iova + size) and return the bytes
 * those leaves covered.  A leaf that only partly overlaps the range is
 * removed whole (its full size is counted), so the return value can exceed
 * `size`; the domain layer only unmaps what it mapped, whole, so this never
 * happens there.  Holes are skipped.  Bad arguments (not base-page aligned,
 * wrap, outside the aperture) unmap nothing and return 0; size 0 returns 0.
 * Tables left empty are freed.  Never fails.
 */
uint64_t io_pgtable_unmap(struct io_pgtable *pt, uint64_t iova, uint64_t size);

/*
 * Translate one IOVA.  On success *paddr is the output address of that byte,
 * *prot the leaf's permissions and *leaf_size the size of the leaf (any
 * out-pointer may be NULL).  -ENOENT if nothing translates iova.
 */
int io_pgtable_iova_to_phys(const struct io_pgtable *pt, uint64_t iova,
			    uint64_t *paddr, unsigned int *prot,
			    uint64_t *leaf_size);

/*
 * Dirty tracking.  The dirty bit lives in the leaf; it is never set by map
 * and is dropped with the leaf on unmap.
 *
 * io_pgtable_set_dirty() marks the leaf that translates iova dirty; returns
 * true when such a leaf exists (false: nothing mapped there, nothing done).
 *
 * io_pgtable_read_and_clear_dirty() calls fn(leaf_iova, leaf_size, arg) once
 * for every dirty leaf overlapping [iova, iova + length), in IOVA order,
 * reporting the leaf's whole range (which can stick out of the requested
 * range), and clears its dirty bit unless no_clear.  A non-zero return from
 * fn stops the walk (that leaf is not cleared) and is returned.  Returns 0,
 * or -EINVAL for a range that wraps; the part of the range outside the
 * aperture is simply empty.  length 0 returns 0.
 */
bool io_pgtable_set_dirty(struct io_pgtable *pt, uint64_t iova);
typedef int (*io_pgtable_dirty_fn)(uint64_t leaf_iova, uint64_t leaf_size,
				   void *arg);
int io_pgtable_read_and_clear_dirty(struct io_pgtable *pt, uint64_t iova,
				    uint64_t length, bool no_clear,
				    io_pgtable_dirty_fn fn, void *arg);

/* Memory accounting, for benchmarks and leak checks. */
struct io_pgtable_stats {
	uint64_t nr_tables;	   /* tables allocated, including the root */
	uint64_t nr_leaf_entries;  /* non-empty leaf entries (a run counts each) */
	uint64_t table_bytes;	   /* nr_tables * size of one table */
};
void io_pgtable_get_stats(const struct io_pgtable *pt,
			  struct io_pgtable_stats *stats);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The io_pagetable: the software model of one IO address space (an IOAS).
 *
 * Three interval trees over IOVA, all with inclusive `last`:
 *   area_itree      - the mappings.  Areas never overlap.  An area is either
 *                     live or in transition (being created by MAP/COPY;
 *                     `live` false): in-transition areas occupy their range
 *                     (fixed MAP gets -EEXIST, the allocator skips them) but
 *                     are holes to readers (COPY, accesses get -ENOENT) and
 *                     make UNMAP fail -EBUSY.
 *   reserved_itree  - ranges nobody may map, tagged with an owner (a domain's
 *                     aperture complement, a device's reserved regions, the
 *                     test op with owner NULL).  They may overlap each other.
 *   allowed_itree   - ALLOW_IOVAS ranges; steer automatic allocation only.
 * Invariants: no area intersects a reserved range; no allowed range
 * intersects a reserved range; every area's iova, length and in-page offset
 * are multiples of iova_alignment; every live area is mapped in every domain.
 *
 * Each area points at a pages object (pages.c) and a byte offset into it;
 * COPY makes several areas (possibly in several IOASes) share one pages
 * object, so memory is pinned and accounted once.
 *
 * Domains: while the IOAS has at least one domain every area is "stored":
 * its page-index range sits in its pages object's domains_itree, which keeps
 * those pages pinned, and its translation is written into every domain.
 *
 * Locking, outermost first: domains_rwsem (the domain list; held for read by
 * MAP/COPY/UNMAP for their whole duration, so a domain is never added
 * half-way through filling an area) -> iova_rwsem (the three trees, the
 * alignment and the access list) -> pages->mutex.  Readers of translations
 * (accesses) take iova_rwsem for read only.
 */
#ifndef UIOMMUFD_CORE_IO_PAGETABLE_H
#define UIOMMUFD_CORE_IO_PAGETABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "umem/umem.h"
#include "util/interval_tree.h"

#define IOMMU_READ (1 << 0)
#define IOMMU_WRITE (1 << 1)
#define IOMMU_CACHE (1 << 2)

struct iommu_domain;

/* What the io_pagetable needs from a translation table (a mock or emulated
 * IOMMU's domain).  `paddr` is the host address of the first byte. */
struct iommu_domain_ops {
	int (*map)(struct iommu_domain *domain, uint64_t iova, uint64_t paddr,
		   uint64_t length, int prot, bool allow_large);
	/* Returns the bytes removed; must remove exactly what map() added. */
	uint64_t (*unmap)(struct iommu_domain *domain, uint64_t iova, uint64_t length);
};

struct iommu_domain {
	const struct iommu_domain_ops *ops;
	uint64_t pgsize_bitmap;
	uint64_t aperture_start;
	uint64_t aperture_end; /* inclusive */
};

struct iopt_pages {
	atomic_long refs;	/* areas + in-flight COPY slices */
	pthread_mutex_t mutex;	/* guards the trees and npinned */
	struct umem_mm *source_mm;
	uint64_t uptr;		/* page-aligned start of the user range */
	uint64_t npages;
	bool writable;
	enum umem_account_mode account_mode;
	uint64_t npinned;	/* pinned (and charged) page indexes */
	/* page-index intervals of stored areas; any coverage keeps a page pinned */
	struct interval_tree_root domains_itree;
	/* page-index intervals pinned by accesses (struct iopt_pages_access) */
	struct interval_tree_root access_itree;
	/*
	 * Copies in flight through pages that access pins cover, started
	 * under `mutex` after checking the coverage and finished without it.
	 * Removing an access pin waits for this to drop to 0 before it
	 * unpins anything, so such a copy never touches an unpinned page.
	 */
	atomic_int access_readers;
	/* removals waiting for access_readers to drain; while non-zero no new
	 * reader is counted in (they take the pinning path), so a stream of
	 * readers cannot starve an unpin.  Guarded by `mutex`. */
	int access_draining;
};

struct iopt_area {
	struct interval_tree_node node;		/* IOVA range */
	struct interval_tree_node pages_node;	/* page indexes, when stored */
	struct io_pagetable *iopt;
	struct iopt_pages *pages;
	uint64_t pages_byte;	/* byte offset of node.start inside pages */
	int iommu_prot;
	bool live;
	bool stored;		/* pages_node is in pages->domains_itree */
	bool prevent_access;
	unsigned int num_accesses;
};

/*
 * How an access (an emulated device reading the IOAS through the CPU) is
 * seen by its io_pagetable: a callback that must drop every pin the access
 * holds inside [iova, iova + length - 1] before it returns.
 */
struct iopt_access_hook {
	void (*unmap)(void *priv, uint64_t iova, uint64_t length);
	void *priv;
	bool pins_pages;
};

struct io_pagetable {
	pthread_rwlock_t domains_rwsem;
	pthread_rwlock_t iova_rwsem;
	struct interval_tree_root area_itree;
	struct interval_tree_root reserved_itree;
	struct interval_tree_root allowed_itree;
	struct iommu_domain **domains;
	unsigned int ndomains, domains_cap;
	struct iopt_access_hook **accesses; /* guarded by iova_rwsem */
	unsigned int naccesses, accesses_cap;
	unsigned int naccess_pinners; /* accesses that may pin pages */
	uint64_t iova_alignment;
	bool disable_large_pages;
	/*
	 * Held while unmap callbacks run and by iopt_remove_access(), so a
	 * hook is never called after its access detached.  Order: outside
	 * every other iopt lock; an access's callback may take iova_rwsem.
	 */
	pthread_mutex_t notify_lock;
};

/* One piece of a COPY source: `length` bytes of `pages` from `pages_byte`. */
struct iopt_pages_slice {
	struct iopt_pages *pages;
	uint64_t pages_byte;
	uint64_t length;
};

/* --- pages.c --- */
int iopt_alloc_user_pages(struct umem_mm *mm, uint64_t uaddr, uint64_t length,
			  bool writable, enum umem_account_mode mode,
			  struct iopt_pages **pagesp);
void iopt_pages_get(struct iopt_pages *pages);
void iopt_pages_put(struct iopt_pages *pages);
/* IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT: bytes of batch budget (>= 12). */
void iopt_set_temp_memory_limit(unsigned int limit);
unsigned int iopt_get_temp_memory_limit(void);
/*
 * Make [first, last] (page indexes) held by a new interval: pin and charge
 * every index no existing interval covers, then insert `node` into `tree`.
 * All or nothing.  Caller holds no pages lock.
 */
int iopt_pages_hold(struct iopt_pages *pages, struct interval_tree_root *tree,
		    struct interval_tree_node *node, uint64_t first, uint64_t last);
/* Remove `node` from `tree` and unpin indexes nobody holds any more. */
void iopt_pages_release(struct iopt_pages *pages, struct interval_tree_root *tree,
			struct interval_tree_node *node);
/*
 * Access pins on one area slice (page indexes of area->pages, inclusive):
 * reference-counted exact intervals in access_itree; raise/lower
 * area->num_accesses.  Caller holds iova_rwsem for read.  remove: -ENOENT
 * when no pin names exactly [first, last].
 */
int iopt_area_add_access(struct iopt_area *area, uint64_t first, uint64_t last);
int iopt_area_remove_access(struct iopt_area *area, uint64_t first, uint64_t last);
/*
 * If access pins cover every index of [first, last], count a reader in
 * pages->access_readers and return true: the pages stay pinned until
 * iopt_pages_access_read_end().  Takes and drops pages->mutex.  False
 * also while an unpin waits for readers to drain (pin for the copy then).
 */
bool iopt_pages_access_read_begin(struct iopt_pages *pages, uint64_t first,
				  uint64_t last);
void iopt_pages_access_read_end(struct iopt_pages *pages);
/* Host address of byte `byte` of a held page. */
void *iopt_pages_host(struct iopt_pages *pages, uint64_t byte);
/* Bytes from `byte` on whose host addresses are contiguous (at most max). */
uint64_t iopt_pages_host_run(struct iopt_pages *pages, uint64_t byte, uint64_t max);

/* --- io_pagetable.c --- */
void iopt_init_table(struct io_pagetable *iopt);
void iopt_destroy_table(struct io_pagetable *iopt);

int iopt_map_user_pages(struct io_pagetable *iopt, struct umem_mm *mm,
			uint64_t *iova, uint64_t uaddr, uint64_t length,
			int iommu_prot, bool fixed, int rlimit_mode);
/* Collect the slices backing [iova, iova + length - 1]; -ENOENT on a hole. */
int iopt_get_pages(struct io_pagetable *iopt, uint64_t iova, uint64_t length,
		   struct iopt_pages_slice **slicesp, unsigned int *nslicesp);
void iopt_put_pages_slices(struct iopt_pages_slice *slices, unsigned int n);
int iopt_map_pages(struct io_pagetable *iopt, struct iopt_pages_slice *slices,
		   unsigned int nslices, uint64_t length, uint64_t *iova,
		   int iommu_prot, bool fixed);
int iopt_unmap_iova(struct io_pagetable *iopt, uint64_t iova, uint64_t length,
		    uint64_t *unmapped);
int iopt_unmap_all(struct io_pagetable *iopt, uint64_t *unmapped);
/* Split the areas containing each IOVA so it becomes a last byte (type1). */
int iopt_cut_iova(struct io_pagetable *iopt, const uint64_t *iovas, unsigned int n);

int iopt_reserve_iova(struct io_pagetable *iopt, uint64_t start, uint64_t last,
		      const void *owner);
void iopt_remove_reserved_iova(struct io_pagetable *iopt, const void *owner);
/* Replace the allowed list with `ranges` (already validated); -EADDRINUSE
 * if any intersects a reserved range. */
int iopt_set_allow_iova(struct io_pagetable *iopt,
			const uint64_t (*ranges)[2], unsigned int n);
/* Fill `out` (capacity `cap`) with the valid ranges; returns the total. */
unsigned int iopt_get_iova_ranges(struct io_pagetable *iopt,
				  uint64_t (*out)[2], unsigned int cap,
				  uint64_t *alignment);

int iopt_disable_large_pages(struct io_pagetable *iopt);
void iopt_enable_large_pages(struct io_pagetable *iopt);
bool iopt_large_pages_enabled(struct io_pagetable *iopt);

int iopt_table_add_domain(struct io_pagetable *iopt, struct iommu_domain *domain);
void iopt_table_remove_domain(struct io_pagetable *iopt, struct iommu_domain *domain);

/* Access attachment: alignment bookkeeping and unmap notification. */
int iopt_add_access(struct io_pagetable *iopt, struct iopt_access_hook *hook);
void iopt_remove_access(struct io_pagetable *iopt, struct iopt_access_hook *hook);

/* Snapshots for the ABI layer, each taken under the lock that guards it. */
uint64_t iopt_get_iova_alignment(struct io_pagetable *iopt);
/* Number of domains; *bitmap = AND of their page sizes (all ones if none). */
unsigned int iopt_domains_pgsize(struct io_pagetable *iopt, uint64_t *bitmap);
/* Start of the n-th area (0-based, IOVA order); false if there is none. */
bool iopt_nth_area_start(struct io_pagetable *iopt, uint64_t n, uint64_t *start);

/* The area holding `iova` (live or not), or NULL; caller holds iova_rwsem. */
struct iopt_area *iopt_area_find(struct io_pagetable *iopt, uint64_t iova);

/* Walk helpers for tests and dumps: called for every area, in IOVA order,
 * under the IOVA read lock. */
void iopt_for_each_area(struct io_pagetable *iopt,
			void (*fn)(struct iopt_area *area, void *arg), void *arg);

static inline uint64_t iopt_area_iova(const struct iopt_area *area)
{
	return area->node.start;
}
static inline uint64_t iopt_area_last_iova(const struct iopt_area *area)
{
	return area->node.last;
}
static inline uint64_t iopt_area_length(const struct iopt_area *area)
{
	return area->node.last - area->node.start + 1;
}

#endif

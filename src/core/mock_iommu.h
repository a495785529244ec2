/* SPDX-License-Identifier: MIT */
/*
 * Emulated IOMMU hardware: the description of one IOMMU as a device sees it
 * (struct emu_iommu_props) and the paging domains it produces
 * (struct emu_domain), each a software radix page table (io_pgtable) behind
 * the `struct iommu_domain` interface the io_pagetable fills.
 *
 * Two producers of props exist: the kernel's selftest mock (emu_mock_props(),
 * constants of selftest-mock.md §2-§5, used by IOMMU_TEST_OP_MOCK_DOMAIN*)
 * and the platform profiles (profiles.c).  Everything below the props is
 * shared, so a profile device behaves exactly like a mock device with other
 * numbers.
 *
 * Domain invariants:
 *  - `domain.pgsize_bitmap` is what the page table can really map (its
 *    lowest bit is the base page and sets the IOAS alignment);
 *  - `domain.aperture_start/end` (end inclusive) equal the table's aperture;
 *  - every map/unmap/iova_to_phys/dirty call runs under `lock` (io_pgtable
 *    has no locking; several IOASes' MAP calls may reach one domain at once
 *    through the read-held domains_rwsem);
 *  - `dirty_ops` is fixed at allocation (HWPT_ALLOC with DIRTY_TRACKING);
 *    `dirty_tracking` is the on/off state, initially off.
 *
 * Glossary: `last` is inclusive, `end` exclusive.  aperture_last may be
 * UINT64_MAX, so `last + 1` is never computed unchecked.
 */
#ifndef UIOMMUFD_CORE_MOCK_IOMMU_H
#define UIOMMUFD_CORE_MOCK_IOMMU_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/io_pagetable.h"
#include "core/io_pgtable.h"

#define EMU_MAX_RESV 16
#define EMU_MAX_HW_INFO 64
#define EMU_NAME_MAX 48

/* selftest-mock.md §5.2 (also in iommufd_abi.h; kept here as plain ints) */
#define EMU_MOCK_APERTURE_START 0x1000000ULL
#define EMU_MOCK_APERTURE_LAST 0x7fffffffULL
#define EMU_MOCK_PAGE_SIZE 2048ULL
#define EMU_MOCK_HUGE_PAGE_SIZE (1ULL << 20)
/* HUGE domains: the mock format's natural span, 2 KiB << 27 (uncertain) */
#define EMU_MOCK_HUGE_APERTURE_LAST ((1ULL << 38) - 1)
#define EMU_MOCK_HW_INFO_TYPE 0xfeedbeefU
#define EMU_MOCK_TEST_REG 0xdeadbeefU
#define EMU_MOCK_PASID_WIDTH 20

/* Mock device flags (MOCK_DOMAIN_FLAGS.dev_flags). */
#define EMU_MOCK_DEV_NO_DIRTY (1U << 0)
#define EMU_MOCK_DEV_PASID (1U << 2)

enum emu_pgtable_type {
	EMU_PGTABLE_DEFAULT = 0,
	EMU_PGTABLE_HUGE = 1,
};

struct emu_resv_region {
	uint64_t start;
	uint64_t last;
};

/* What one device's IOMMU reports.  Plain data, copied into each device. */
struct emu_iommu_props {
	char name[EMU_NAME_MAX];	/* profile name; "mock" for the mock */
	bool is_mock;
	uint32_t mock_dev_flags;
	uint64_t granule;		/* bytes of a level-0 entry */
	uint64_t pgsize_bitmap;		/* IO page sizes */
	uint64_t aperture_start;
	uint64_t aperture_last;
	struct emu_resv_region resv[EMU_MAX_RESV];
	unsigned int nresv;
	bool dirty_cap;
	uint8_t max_pasid_log2;
	uint32_t hw_info_type;
	uint32_t hw_info_len;
	uint8_t hw_info[EMU_MAX_HW_INFO];
};

struct emu_domain {
	struct iommu_domain domain;
	pthread_mutex_t lock;		/* guards pt and dirty_tracking */
	struct io_pgtable *pt;
	char iommu_name[EMU_NAME_MAX];	/* which IOMMU made it */
	/* that IOMMU's geometry as its props gave it (before a HUGE override) */
	uint64_t props_granule, props_pgsize, props_start, props_last;
	bool is_mock;
	enum emu_pgtable_type type;
	bool dirty_ops;
	bool dirty_tracking;
};

static inline struct emu_domain *to_emu_domain(struct iommu_domain *d)
{
	return (struct emu_domain *)((char *)d - offsetof(struct emu_domain, domain));
}

/* Props of a mock device with MOCK_DOMAIN_FLAGS `dev_flags`; -EINVAL for
 * flags outside {NO_DIRTY, PASID}. */
int emu_mock_props(uint32_t dev_flags, struct emu_iommu_props *props);

/*
 * Allocate a paging domain for a device with `props`.  `dirty` gives it dirty
 * operations (the caller has checked the capability); `type` is the mock
 * page-table type (only meaningful for mock devices; -EOPNOTSUPP if not 0/1).
 * -ENOMEM.
 */
int emu_domain_alloc(const struct emu_iommu_props *props, bool dirty,
		     uint32_t type, struct emu_domain **out);
void emu_domain_free(struct emu_domain *dom);

/* The driver's attach hook: 0, or -EINVAL when the device may not use the
 * domain (dirty domain on a device without the capability, or a domain of a
 * different IOMMU). */
int emu_domain_attach_check(struct emu_domain *dom,
			    const struct emu_iommu_props *props);

/* Smallest IO page of the domain. */
uint64_t emu_domain_granule(struct emu_domain *dom);
/* Translate one IOVA; -ENOENT if unmapped. */
int emu_domain_iova_to_phys(struct emu_domain *dom, uint64_t iova,
			    uint64_t *paddr);

/* Dirty tracking (semantics.md §15, selftest-mock.md §5.4). */
int emu_domain_set_dirty_tracking(struct emu_domain *dom, bool enable);
/* Tracking state, read under the domain lock. */
bool emu_domain_dirty_tracking(struct emu_domain *dom);
/* Mark the leaf translating iova dirty; false if nothing is mapped there. */
bool emu_domain_set_dirty(struct emu_domain *dom, uint64_t iova);
int emu_domain_read_and_clear_dirty(struct emu_domain *dom, uint64_t iova,
				    uint64_t length, bool no_clear,
				    io_pgtable_dirty_fn fn, void *arg);

#endif

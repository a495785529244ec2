/* SPDX-License-Identifier: MIT */
/*
 * A canonical text dump of a whole context, for tests that must prove a
 * failed call changed nothing (fail_nth), for fuzzers and for debugging.
 *
 * Canonical means: two contexts in the same visible state give byte-equal
 * text, so strcmp() compares them.  No pointer value is ever printed; pages
 * objects are named P0, P1, ... in the order the walk first meets them
 * (IOASes by ID, areas by IOVA), which is the same for equal states.
 *
 * What is printed: every object (ID, type, users, published), and for each
 * IOAS its alignment, large-page setting, areas (iova, last, prot, live,
 * stored, pages name and byte offset), reserved and allowed ranges, domains
 * (aperture, page sizes, and their contents when a domain layer registered a
 * dumper) and access counts; then every pages object met (user address,
 * page count, writability, accounting mode, pin count, refs, the page-index
 * intervals held by domains and by accesses, identity of its first page);
 * finally the process-wide pin total and the locked-memory charges.
 *
 * The dump takes the table lock only to snapshot the object list (holding a
 * users reference on each IOAS it walks, which it does not print), then each
 * IOAS's iova_rwsem for read, then each pages mutex.  It allocates with plain
 * malloc and never passes a should_fail() point, so taking a dump does not
 * shift a fail_nth sweep.  It does read /proc (page identity): call it with
 * fault injection disarmed.
 */
#ifndef UIOMMUFD_CORE_DUMP_H
#define UIOMMUFD_CORE_DUMP_H

#include <stdarg.h>
#include <stddef.h>

#include "core/iommufd_private.h"

struct iommu_domain;

/* A growing string; `s` is always NUL-terminated (or NULL before any text). */
struct dump_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void dump_printf(struct dump_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Hooks the later layers may register: print a domain's translations (in
 * IOVA order, canonically; called with the IOAS's iova_rwsem held for read),
 * or the type-specific state of an object (anything but IOAS).  Without a
 * domain hook the dump prints emulated domains (mock_iommu.h) itself: for
 * every area, the runs of its IOVAs whose translations are contiguous, and
 * the domain's count of leaf entries (which catches stray translations
 * outside every area).  Each may be NULL.  Registration is not thread-safe with
 * respect to concurrent dumps; do it once at start-up.
 */
struct io_pagetable;
typedef void (*iommufd_dump_domain_fn)(struct dump_buf *b,
				       struct io_pagetable *iopt,
				       struct iommu_domain *domain);
typedef void (*iommufd_dump_object_fn)(struct dump_buf *b,
				       struct iommufd_object *obj);
void iommufd_dump_set_domain_fn(iommufd_dump_domain_fn fn);
void iommufd_dump_set_object_fn(enum iommufd_object_type type,
				iommufd_dump_object_fn fn);

/*
 * The dump of `ictx` as a malloc'ed string (free() it), or NULL when out of
 * memory.  Safe to call while other threads use the context (the text is then
 * a consistent snapshot of each IOAS, not of the whole context).
 */
char *iommufd_ctx_dump(struct iommufd_ctx *ictx);

/* The same with options: IOMMUFD_DUMP_NO_PAGE_ID leaves out the identity of
 * each pages object's first page (the one part that reads /proc, so the
 * cheap form for fuzzers that dump around every call). */
enum { IOMMUFD_DUMP_NO_PAGE_ID = 1 << 0 };
char *iommufd_ctx_dump_flags(struct iommufd_ctx *ictx, unsigned int flags);

#endif

// SPDX-License-Identifier: MIT
/*
 * Canonical state dump of a context (see dump.h for what and why).
 *
 * The walk: snapshot the table under ctx->lock (ID, type, users, published;
 * a users reference is taken on each published IOAS so it cannot vanish
 * while we read it, and the printed count excludes that reference), drop the
 * lock, then print each object in ID order.  An IOAS is read under
 * domains_rwsem then iova_rwsem, both for read, which is the order the
 * io_pagetable documents; a pages object is read under its mutex the first
 * time an area names it, and gets the next name Pn.  Ranges are printed as
 * [start, last] with `last` inclusive, in hex, so a range ending at
 * UINT64_MAX prints as 0xffffffffffffffff instead of wrapping to 0.
 *
 * Nothing here passes a fault-injection point: the buffer grows with plain
 * realloc and an allocation failure only marks the dump as failed (NULL).
 */
#include "core/dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io_pgtable.h"
#include "core/ioas.h"
#include "core/mock_iommu.h"
#include "umem/umem.h"
#include "util/overflow.h"

static void dump_emu_domain(struct dump_buf *b, struct io_pagetable *iopt,
			    struct iommu_domain *domain);

static iommufd_dump_domain_fn dump_domain_fn = dump_emu_domain;
static iommufd_dump_object_fn dump_object_fns[IOMMUFD_OBJ_MAX];

void iommufd_dump_set_domain_fn(iommufd_dump_domain_fn fn)
{
	dump_domain_fn = fn ? fn : dump_emu_domain;
}

/* Areas longer than this many granules print only their first and last
 * translation, to keep dumps of big mappings cheap. */
#define DUMP_MAX_STEPS 4096

static void dump_emu_domain(struct dump_buf *b, struct io_pagetable *iopt,
			    struct iommu_domain *domain)
{
	struct emu_domain *dom = to_emu_domain(domain);
	uint64_t g = emu_domain_granule(dom);
	struct io_pgtable_stats st;

	pthread_mutex_lock(&dom->lock);
	io_pgtable_get_stats(dom->pt, &st);
	pthread_mutex_unlock(&dom->lock);
	dump_printf(b, "    granule=0x%llx leaf_entries=%llu dirty_tracking=%d\n",
		    (unsigned long long)g, (unsigned long long)st.nr_leaf_entries,
		    emu_domain_dirty_tracking(dom));
	if (!g)
		return;
	for (struct interval_tree_node *node = interval_tree_first(&iopt->area_itree);
	     node; node = interval_tree_next(node)) {
		uint64_t first = node->start & ~(g - 1), steps;
		uint64_t run_iova = 0, run_pa = 0, run_len = 0;
		bool have_run = false, run_mapped = false;

		steps = ((node->last & ~(g - 1)) - first) / g + 1;
		dump_printf(b, "    [0x%llx,0x%llx]:", (unsigned long long)node->start,
			    (unsigned long long)node->last);
		for (uint64_t i = 0; i < steps; i++) {
			uint64_t iova = first + i * g, pa = 0;
			bool mapped;

			if (steps > DUMP_MAX_STEPS && i == 1)
				i = steps - 1, iova = first + i * g;
			mapped = emu_domain_iova_to_phys(dom, iova, &pa) == 0;
			if (have_run && mapped == run_mapped && iova == run_iova + run_len &&
			    (!mapped || pa == run_pa + run_len)) {
				run_len += g;
				continue;
			}
			if (have_run)
				dump_printf(b, " %llx+%llx%s", (unsigned long long)run_pa,
					    (unsigned long long)run_len,
					    run_mapped ? "" : "(unmapped)");
			have_run = true;
			run_mapped = mapped;
			run_iova = iova;
			run_pa = mapped ? pa : 0;
			run_len = g;
		}
		if (have_run)
			dump_printf(b, " %llx+%llx%s", (unsigned long long)run_pa,
				    (unsigned long long)run_len, run_mapped ? "" : "(unmapped)");
		dump_printf(b, "\n");
	}
}

void iommufd_dump_set_object_fn(enum iommufd_object_type type,
				iommufd_dump_object_fn fn)
{
	if (type < IOMMUFD_OBJ_MAX)
		dump_object_fns[type] = fn;
}

void dump_printf(struct dump_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t ncap = b->cap ? b->cap * 2 : 4096;
		while (ncap - b->len <= (size_t)n)
			ncap *= 2;
		char *ns = realloc(b->s, ncap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
}

static const char *const type_names[IOMMUFD_OBJ_MAX] = {
	[IOMMUFD_OBJ_NONE] = "none",
	[IOMMUFD_OBJ_ANY] = "any",
	[IOMMUFD_OBJ_DEVICE] = "device",
	[IOMMUFD_OBJ_HWPT_PAGING] = "hwpt_paging",
	[IOMMUFD_OBJ_HWPT_NESTED] = "hwpt_nested",
	[IOMMUFD_OBJ_IOAS] = "ioas",
	[IOMMUFD_OBJ_ACCESS] = "access",
	[IOMMUFD_OBJ_FAULT] = "fault",
	[IOMMUFD_OBJ_VIOMMU] = "viommu",
	[IOMMUFD_OBJ_VDEVICE] = "vdevice",
	[IOMMUFD_OBJ_VEVENTQ] = "veventq",
	[IOMMUFD_OBJ_HW_QUEUE] = "hw_queue",
	[IOMMUFD_OBJ_SELFTEST] = "selftest",
};

/* Pages objects met so far; the index is the canonical name. */
struct pages_names {
	struct iopt_pages **v;
	size_t n, cap;
};

static void dump_tree(struct dump_buf *b, const char *what,
		      const struct interval_tree_root *root)
{
	dump_printf(b, "    %s:", what);
	for (struct interval_tree_node *node = interval_tree_first(root); node;
	     node = interval_tree_next(node))
		dump_printf(b, " [0x%llx,0x%llx]", (unsigned long long)node->start,
			    (unsigned long long)node->last);
	dump_printf(b, "\n");
}

static void dump_pages(struct dump_buf *b, struct iopt_pages *pages, size_t name,
		       unsigned int flags)
{
	struct umem_page_id id = { 0 };
	int idrc;

	pthread_mutex_lock(&pages->mutex);
	dump_printf(b,
		    "  P%zu: uptr=0x%llx npages=%llu writable=%d account=%d npinned=%llu refs=%ld\n",
		    name, (unsigned long long)pages->uptr,
		    (unsigned long long)pages->npages, pages->writable,
		    (int)pages->account_mode, (unsigned long long)pages->npinned,
		    atomic_load(&pages->refs));
	dump_tree(b, "domain-held", &pages->domains_itree);
	dump_tree(b, "access-held", &pages->access_itree);
	pthread_mutex_unlock(&pages->mutex);
	if (flags & IOMMUFD_DUMP_NO_PAGE_ID)
		return;
	idrc = umem_page_identity(pages->source_mm, pages->uptr, &id);
	dump_printf(b, "    first-page-id: rc=%d kind=%llu %llx:%llx:%llx\n", idrc,
		    (unsigned long long)id.kind, (unsigned long long)id.a,
		    (unsigned long long)id.b, (unsigned long long)id.c);
}

static size_t pages_name(struct dump_buf *b, struct pages_names *pn,
			 struct iopt_pages *pages, bool *first)
{
	for (size_t i = 0; i < pn->n; i++)
		if (pn->v[i] == pages) {
			*first = false;
			return i;
		}
	*first = true;
	if (pn->n == pn->cap) {
		size_t ncap = pn->cap ? pn->cap * 2 : 16;
		struct iopt_pages **nv = realloc(pn->v, ncap * sizeof(*nv));

		if (!nv) {
			b->oom = true;
			*first = false;
			return SIZE_MAX;
		}
		pn->v = nv;
		pn->cap = ncap;
	}
	pn->v[pn->n] = pages;
	return pn->n++;
}

static void dump_ioas(struct dump_buf *b, struct iommufd_ioas *ioas,
		      struct pages_names *pn, unsigned int flags)
{
	struct io_pagetable *iopt = &ioas->iopt;
	struct iopt_pages **newly = NULL;
	size_t nnew = 0, newcap = 0;

	pthread_rwlock_rdlock(&iopt->domains_rwsem);
	pthread_rwlock_rdlock(&iopt->iova_rwsem);
	dump_printf(b, "  alignment=0x%llx large_pages=%d accesses=%u pinners=%u\n",
		    (unsigned long long)iopt->iova_alignment,
		    !iopt->disable_large_pages, iopt->naccesses,
		    iopt->naccess_pinners);
	for (struct interval_tree_node *node = interval_tree_first(&iopt->area_itree);
	     node; node = interval_tree_next(node)) {
		struct iopt_area *area = container_of(node, struct iopt_area, node);
		bool first;
		size_t name;

		/* An area in transition belongs to the MAP/COPY creating it,
		 * which fills its other fields without the IOVA lock: only its
		 * range is ours to read. */
		if (!area->live) {
			dump_printf(b, "  area [0x%llx,0x%llx] in-transition\n",
				    (unsigned long long)node->start,
				    (unsigned long long)node->last);
			continue;
		}
		name = pages_name(b, pn, area->pages, &first);

		dump_printf(b,
			    "  area [0x%llx,0x%llx] prot=%d live=%d stored=%d P%zu+0x%llx prevent_access=%d num_accesses=%u\n",
			    (unsigned long long)node->start,
			    (unsigned long long)node->last, area->iommu_prot,
			    area->live, area->stored, name,
			    (unsigned long long)area->pages_byte,
			    area->prevent_access, area->num_accesses);
		if (first) {
			if (nnew == newcap) {
				size_t ncap = newcap ? newcap * 2 : 8;
				struct iopt_pages **nv = realloc(newly, ncap * sizeof(*nv));

				if (!nv) {
					b->oom = true;
					continue;
				}
				newly = nv;
				newcap = ncap;
			}
			newly[nnew++] = area->pages;
		}
	}
	dump_tree(b, "reserved", &iopt->reserved_itree);
	dump_tree(b, "allowed", &iopt->allowed_itree);
	for (unsigned int i = 0; i < iopt->ndomains; i++) {
		struct iommu_domain *domain = iopt->domains[i];

		dump_printf(b, "  domain %u: pgsizes=0x%llx aperture=[0x%llx,0x%llx]\n", i,
			    (unsigned long long)domain->pgsize_bitmap,
			    (unsigned long long)domain->aperture_start,
			    (unsigned long long)domain->aperture_end);
		dump_domain_fn(b, iopt, domain);
	}
	/* Pages named by this IOAS for the first time; still held by areas. */
	for (size_t i = 0; i < nnew; i++) {
		bool first;
		size_t name = pages_name(b, pn, newly[i], &first);

		dump_pages(b, newly[i], name, flags);
	}
	pthread_rwlock_unlock(&iopt->iova_rwsem);
	pthread_rwlock_unlock(&iopt->domains_rwsem);
	free(newly);
}

struct obj_snap {
	struct iommufd_object *obj;
	uint32_t id;
	enum iommufd_object_type type;
	int users;
	bool published;
	bool held;
};

char *iommufd_ctx_dump(struct iommufd_ctx *ictx)
{
	return iommufd_ctx_dump_flags(ictx, 0);
}

char *iommufd_ctx_dump_flags(struct iommufd_ctx *ictx, unsigned int flags)
{
	struct dump_buf b = { 0 };
	struct pages_names pn = { 0 };
	struct obj_snap *snap = NULL;
	uint32_t n = 0;
	struct umem_mm *mm;

	pthread_mutex_lock(&ictx->lock);
	if (ictx->nobjs) {
		snap = calloc(ictx->nobjs, sizeof(*snap));
		if (!snap) {
			pthread_mutex_unlock(&ictx->lock);
			return NULL;
		}
	}
	for (uint32_t i = 0; i < ictx->nslots && n < ictx->nobjs; i++) {
		struct iommufd_object *obj = ictx->slots[i];
		struct obj_snap *s;

		if (!obj)
			continue;
		s = &snap[n++];
		s->obj = obj;
		s->id = obj->id;
		s->type = obj->type;
		s->published = obj->published;
		s->users = atomic_load(&obj->users);
		/* Hold what we will read; users == 0 means being destroyed. */
		if (obj->published && s->users > 0 &&
		    (obj->type == IOMMUFD_OBJ_IOAS || dump_object_fns[obj->type])) {
			iommufd_object_get_locked(obj);
			s->held = true;
		}
	}
	dump_printf(&b, "ctx: objects=%u account_mode=%d vfio_ioas=%u\n", n,
		    atomic_load(&ictx->account_mode),
		    ictx->vfio_ioas ? ictx->vfio_ioas->obj.id : 0);
	pthread_mutex_unlock(&ictx->lock);

	for (uint32_t i = 0; i < n; i++) {
		struct obj_snap *s = &snap[i];

		dump_printf(&b, "obj %u type=%s users=%d published=%d\n", s->id,
			    s->type < IOMMUFD_OBJ_MAX && type_names[s->type] ?
				    type_names[s->type] : "?",
			    s->users, s->published);
		if (!s->held)
			continue;
		if (s->type == IOMMUFD_OBJ_IOAS)
			dump_ioas(&b, container_of(s->obj, struct iommufd_ioas, obj), &pn,
				  flags);
		else
			dump_object_fns[s->type](&b, s->obj);
		iommufd_put_object(ictx, s->obj);
	}
	free(snap);
	free(pn.v);

	mm = umem_mm_current();
	if (mm) {
		dump_printf(&b, "process: pinned=%llu accounted_user=%llu accounted_mm=%llu\n",
			    (unsigned long long)umem_pinned_total(mm),
			    (unsigned long long)umem_accounted(mm, UMEM_ACCOUNT_USER),
			    (unsigned long long)umem_accounted(mm, UMEM_ACCOUNT_MM));
		umem_mm_put(mm);
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

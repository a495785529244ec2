// SPDX-License-Identifier: MIT
/*
 * Per-page pin counts of one address space.
 *
 * Layout: a radix tree of fixed height over the virtual page number.  Leaves
 * hold PT_FAN (512) uint32 counters for 512 consecutive pages; internal nodes
 * hold 512 child pointers.  Every level consumes PT_BITS (9) bits of the page
 * number, leaf level included, and the height is the smallest that covers
 * every page number a 64-bit address can have (64 - PAGE_SHIFT bits: five
 * internal levels for 4 KiB pages).  A fixed height keeps the walk free of
 * growth/shrink cases; the walk is done once per 512 pages, so its depth
 * does not matter for the per-page cost.
 *
 * Invariants:
 *  - leaf->nonzero is the number of non-zero counters in the leaf; a leaf
 *    with nonzero == 0 is freed, so memory is proportional to the number of
 *    distinct pinned pages (rounded up to leaves) plus their spine.
 *  - node->used is the number of non-NULL slots; a node with used == 0 is
 *    freed (the root too: an empty table has root == NULL).
 *  - t->total is the sum of all counters.
 *
 * Glossary: `first` is a page number, `n` a page count, so the run is
 * [first, first + n); callers guarantee first + n does not wrap past the
 * highest page number (umem_pin checks the byte range).
 *
 * Adding is two-phase so a failure changes nothing: phase one makes sure
 * every leaf of the run exists (allocation may fail; then the leaves and
 * nodes created for this call, all still empty, are pruned again), phase
 * two raises the counters and cannot fail except for the practically
 * unreachable 2^32-pin overflow, which is undone by lowering the prefix.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "umem/pin_table.h"
#include "util/debug.h"
#include "util/fault_inject.h"
#include "util/page.h"

#define PT_BITS 9
#define PT_FAN (1u << PT_BITS)
#define PT_MASK (PT_FAN - 1)
#define PT_MAX_HEIGHT 8

struct pt_leaf {
	uint32_t cnt[PT_FAN];
	uint32_t nonzero;
};

struct pt_node {
	void *slot[PT_FAN];
	uint32_t used;
};

/* Number of internal levels above the leaves. */
static unsigned int pt_height(void)
{
	unsigned int bits = 64 - PAGE_SHIFT - PT_BITS;

	return (bits + PT_BITS - 1) / PT_BITS;
}

static inline unsigned int pt_slot(uint64_t leaf_index, unsigned int level)
{
	/* level 0 is the node just above the leaves */
	unsigned int shift = level * PT_BITS;

	return shift >= 64 ? 0 : (unsigned int)(leaf_index >> shift) & PT_MASK;
}

void pin_table_init(struct pin_table *t)
{
	t->root = NULL;
	t->total = 0;
}

static void pt_free(void *p, unsigned int level)
{
	struct pt_node *node = p;

	if (!p)
		return;
	if (level == 0) {
		for (unsigned int i = 0; i < PT_FAN; i++)
			free(node->slot[i]);
	} else {
		for (unsigned int i = 0; i < PT_FAN; i++)
			pt_free(node->slot[i], level - 1);
	}
	free(node);
}

void pin_table_destroy(struct pin_table *t)
{
	UIO_ASSERT(t->total == 0);
	pt_free(t->root, pt_height() - 1);
	t->root = NULL;
}

static struct pt_leaf *pt_lookup(const struct pin_table *t, uint64_t leaf_index)
{
	void *p = t->root;

	for (int level = (int)pt_height() - 1; p && level >= 0; level--)
		p = ((struct pt_node *)p)->slot[pt_slot(leaf_index, level)];
	return p;
}

/* Find or create the leaf; NULL on allocation failure (empty nodes
 * created on the way are pruned by the caller's rollback). */
static struct pt_leaf *pt_get(struct pin_table *t, uint64_t leaf_index)
{
	struct pt_node *parent = NULL;
	void **pp = &t->root;

	for (int level = (int)pt_height(); ; level--) {
		if (!*pp) {
			size_t sz = level ? sizeof(struct pt_node)
					  : sizeof(struct pt_leaf);
			void *n = should_fail("umem.pin_table") ? NULL
							       : calloc(1, sz);

			if (!n)
				return NULL;
			*pp = n;
			if (parent)
				parent->used++;
		}
		if (level == 0)
			return *pp;
		parent = *pp;
		pp = &parent->slot[pt_slot(leaf_index, level - 1)];
	}
}

/*
 * Free the leaf of `leaf_index` if it is empty, then every ancestor that
 * became empty.  Also cleans a partial spine left by a failed pt_get().
 */
static void pt_prune(struct pin_table *t, uint64_t leaf_index)
{
	void **path[PT_MAX_HEIGHT + 1];
	int h = (int)pt_height();
	void **pp = &t->root;
	int depth = 0;

	/* path[i] = where the pointer to the node at level h - i is kept */
	for (int level = h; *pp; level--) {
		path[depth++] = pp;
		if (level == 0)
			break;
		pp = &((struct pt_node *)*pp)->slot[pt_slot(leaf_index, level - 1)];
	}
	for (int i = depth - 1; i >= 0; i--) {
		void *p = *path[i];
		bool empty = (h - i == 0) ? ((struct pt_leaf *)p)->nonzero == 0
					  : ((struct pt_node *)p)->used == 0;

		if (!empty)
			break;
		free(p);
		*path[i] = NULL;
		if (i > 0)
			((struct pt_node *)*path[i - 1])->used--;
	}
}

/*
 * Lower the counts of [first, first + n) by one.  Leaves that become empty
 * are freed.
 */
void pin_table_sub(struct pin_table *t, uint64_t first, uint64_t n)
{
	while (n) {
		uint64_t li = first >> PT_BITS;
		unsigned int off = (unsigned int)(first & PT_MASK);
		unsigned int cnt = PT_FAN - off;
		struct pt_leaf *leaf = pt_lookup(t, li);
		uint32_t cleared = 0;

		if (cnt > n)
			cnt = (unsigned int)n;
		UIO_ASSERT(leaf);
		if (!leaf)
			return;
		for (unsigned int i = off; i < off + cnt; i++) {
			uint32_t c = leaf->cnt[i];

			UIO_ASSERT(c != 0);
			c -= (c != 0);
			leaf->cnt[i] = c;
			cleared += (c == 0);
		}
		leaf->nonzero -= cleared;
		t->total -= cnt;
		if (!leaf->nonzero)
			pt_prune(t, li);
		first += cnt;
		n -= cnt;
	}
}

int pin_table_add(struct pin_table *t, uint64_t first, uint64_t n)
{
	uint64_t li_first = first >> PT_BITS;
	uint64_t li_last = (first + n - 1) >> PT_BITS;
	uint64_t done = 0;

	if (!n)
		return 0;

	/* Phase one: every leaf exists. */
	for (uint64_t li = li_first; li <= li_last; li++) {
		if (!pt_get(t, li)) {
			for (uint64_t j = li_first; j <= li; j++)
				pt_prune(t, j);
			return -ENOMEM;
		}
	}

	/* Phase two: raise the counts. */
	while (done < n) {
		uint64_t page = first + done;
		unsigned int off = (unsigned int)(page & PT_MASK);
		unsigned int cnt = PT_FAN - off;
		struct pt_leaf *leaf = pt_lookup(t, page >> PT_BITS);
		uint32_t raised = 0;
		uint32_t wrapped = 0;

		if (cnt > n - done)
			cnt = (unsigned int)(n - done);
		for (unsigned int i = off; i < off + cnt; i++) {
			uint32_t c = leaf->cnt[i] + 1;

			leaf->cnt[i] = c;
			raised += (c == 1);
			wrapped |= (c == 0);
		}
		if (__builtin_expect(wrapped, 0)) {
			/* undo this leaf, then the finished prefix */
			for (unsigned int i = off; i < off + cnt; i++)
				leaf->cnt[i]--;
			if (done)
				pin_table_sub(t, first, done);
			for (uint64_t j = li_first; j <= li_last; j++)
				pt_prune(t, j);
			return -ENOMEM;
		}
		leaf->nonzero += raised;
		t->total += cnt;
		done += cnt;
	}
	return 0;
}

uint32_t pin_table_count(const struct pin_table *t, uint64_t page)
{
	const struct pt_leaf *leaf = pt_lookup(t, page >> PT_BITS);

	return leaf ? leaf->cnt[page & PT_MASK] : 0;
}

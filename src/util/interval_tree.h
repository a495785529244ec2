/* SPDX-License-Identifier: MIT */
/*
 * Interval tree: a red-black tree of closed intervals [start, last] ordered by
 * start, each node augmented with the largest `last` in its subtree, so that
 * "every node intersecting [a, b]" is found in O(log n + k).
 *
 * Glossary: `last` is inclusive everywhere; an interval covering the whole
 * 64-bit space is [0, UINT64_MAX], so `last + 1` can wrap and is never
 * computed without a check.  Nodes may overlap one another (reserved ranges of
 * different owners do); the tree does not care.  Equal starts are allowed.
 *
 * The tree does no allocation and no locking: nodes are embedded in their
 * owners' structures, and the owner's lock guards the tree.
 */
#ifndef UIOMMUFD_UTIL_INTERVAL_TREE_H
#define UIOMMUFD_UTIL_INTERVAL_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct interval_tree_node {
	uint64_t start;
	uint64_t last;
	/* private to the tree */
	uint64_t subtree_last;
	struct interval_tree_node *parent, *left, *right;
	bool red;
};

struct interval_tree_root {
	struct interval_tree_node *root;
	size_t count;
};

#define INTERVAL_TREE_ROOT_INIT ((struct interval_tree_root){ NULL, 0 })

void interval_tree_insert(struct interval_tree_node *node,
			  struct interval_tree_root *root);
void interval_tree_remove(struct interval_tree_node *node,
			  struct interval_tree_root *root);

/* The lowest-start node intersecting [start, last], or NULL (also when
 * start > last). */
struct interval_tree_node *
interval_tree_iter_first(const struct interval_tree_root *root, uint64_t start,
			 uint64_t last);
/* The next node (by start, then insertion order) intersecting [start, last]. */
struct interval_tree_node *
interval_tree_iter_next(struct interval_tree_node *node, uint64_t start,
			uint64_t last);

/* In-order traversal of every node. */
struct interval_tree_node *interval_tree_first(const struct interval_tree_root *root);
struct interval_tree_node *interval_tree_next(struct interval_tree_node *node);

static inline bool interval_tree_empty(const struct interval_tree_root *root)
{
	return root->root == NULL;
}

/*
 * Span iterator: walks [first_index, last_index] and reports it as an
 * alternating sequence of maximal "used" spans (covered by the union of the
 * tree's nodes, which may overlap) and "holes".
 *
 *	struct interval_tree_span_iter span;
 *	for (interval_tree_span_iter_first(&span, tree, a, b);
 *	     !interval_tree_span_iter_done(&span);
 *	     interval_tree_span_iter_next(&span))
 *		if (span.is_hole) use [span.start_hole, span.last_hole]
 *		else              use [span.start_used, span.last_used]
 *
 * Nodes that overlap or merely abut form one used span.  The first span
 * starts at first_index, the last one ends at last_index (first_index >
 * last_index gives no span at all).  The iterators cache tree nodes: the
 * trees must not change between _first() and the end of the walk.
 * Cost: O(log n) per span plus O(log n) per node merged into a used span.
 */
struct interval_tree_span_iter {
	/* public */
	uint64_t start_hole, last_hole;
	uint64_t start_used, last_used;
	int is_hole; /* 1 hole, 0 used, -1 done */
	/* private */
	const struct interval_tree_root *tree;
	uint64_t first_index, last_index;
	struct interval_tree_node *nodes[2];
};

void interval_tree_span_iter_first(struct interval_tree_span_iter *iter,
				   const struct interval_tree_root *tree,
				   uint64_t first_index, uint64_t last_index);
void interval_tree_span_iter_next(struct interval_tree_span_iter *iter);
static inline bool
interval_tree_span_iter_done(const struct interval_tree_span_iter *iter)
{
	return iter->is_hole == -1;
}

/*
 * Double span iterator: the same over the union of two trees.  A span is a
 * hole only where neither tree has a node; a used span reports which tree
 * covers its start (is_used = 1 or 2; when both do, 1).  Exactly, at the
 * start p of each span:
 *   tree0 covers p  -> is_used 1, [p, end of tree0's maximal used span],
 *                      even where tree1 also covers or continues past it;
 *   else tree1 covers p -> is_used 2, [p, min(end of tree1's used span,
 *                      index before tree0's next node)];
 *   else            -> is_used 0, [p, index before the next node of either].
 * All ends are clipped to last_index.  Consecutive spans never share the
 * same is_used, and adjacent 1 and 2 spans are not merged.
 */
struct interval_tree_double_span_iter {
	/* public */
	uint64_t start_hole, last_hole;
	uint64_t start_used, last_used;
	int is_used; /* 0 hole, 1 or 2 used (by tree[0] / tree[1]), -1 done */
	/* private */
	const struct interval_tree_root *trees[2];
	struct interval_tree_span_iter spans[2];
	uint64_t last_index;
};

void interval_tree_double_span_iter_first(struct interval_tree_double_span_iter *iter,
					  const struct interval_tree_root *tree0,
					  const struct interval_tree_root *tree1,
					  uint64_t first_index, uint64_t last_index);
void interval_tree_double_span_iter_next(struct interval_tree_double_span_iter *iter);
static inline bool
interval_tree_double_span_iter_done(const struct interval_tree_double_span_iter *iter)
{
	return iter->is_used == -1;
}

/* Debug aid: check red-black and augmentation invariants; returns false and
 * leaves the tree untouched if any is broken. */
bool interval_tree_check(const struct interval_tree_root *root);

#endif

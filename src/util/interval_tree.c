// SPDX-License-Identifier: MIT
/*
 * Augmented red-black interval tree, and the span iterators built on it.
 *
 * The tree
 * --------
 * Nodes are closed intervals [start, last] kept in a red-black tree ordered
 * by `start`.  Nodes with equal starts are allowed: a new node goes after
 * every node already present with the same start, so an in-order walk visits
 * equal starts in insertion order (rotations never change the in-order
 * sequence, so this holds for the life of the tree).
 *
 * Every node also carries `subtree_last`, the largest `last` of any node in
 * the subtree rooted at it.  Invariants (checked by interval_tree_check()):
 *
 *   I1  in-order walk has non-decreasing `start`; parent links agree with
 *       child links; the root's parent is NULL.
 *   I2  the root is black; a red node has no red child; every path from a
 *       node down to a missing child passes the same number of black nodes.
 *   I3  subtree_last == max(last, left->subtree_last, right->subtree_last).
 *   I4  root->count is the number of nodes.
 *
 * I2 bounds the height by 2*log2(n+1), so insert, remove, iter_first and
 * each iter_next step cost O(log n).
 *
 * Keeping I3 up to date: a rotation changes the subtrees of exactly two nodes
 * (the one that goes down and the one that comes up) and leaves the set of
 * nodes under their common position unchanged, so only those two are
 * recomputed, lower one first.  Linking a new leaf raises subtree_last along
 * its search path, which we do on the way down.  Unlinking a node (or moving
 * its successor into its place) changes the subtrees of every ancestor of the
 * lowest changed position, so we recompute that whole upward path, once,
 * before the colour fix-up (whose rotations then look after themselves).
 *
 * Searching: a subtree can hold a node intersecting [a, b] only if its
 * subtree_last >= a.  Looking for the lowest-start intersecting node, we go
 * left whenever the left subtree passes that test: if it holds no match, it
 * still holds a node ending at or after `a`, which must then start after `b`,
 * and so does everything in order after it -- no match exists at all.
 *
 * Glossary: `last` is inclusive.  `last + 1` wraps when last == UINT64_MAX;
 * the code only computes it after checking `last` is below some other
 * 64-bit value.
 *
 * Span iterators
 * --------------
 * interval_tree_span_iter cuts [first_index, last_index] into consecutive
 * spans, alternately "used" (every index covered by the union of nodes, which
 * may overlap or merely abut) and "hole" (no node touches it).  Spans are
 * maximal, so two used spans (or two holes) are never reported back to back.
 * nodes[0] caches the lowest-start node intersecting the part of the range
 * not yet reported, so a hole costs O(1) and a used span costs one iter_next
 * per node merged into it.
 *
 * interval_tree_double_span_iter does the same over two trees, with these
 * exact rules at each position p (the start of the span being reported):
 *
 *   - tree 0 covers p: is_used = 1 and the span is tree 0's maximal used
 *     span from p (clipped to last_index), whatever tree 1 does meanwhile;
 *   - else tree 1 covers p: is_used = 2 and the span runs from p to the
 *     earlier of the end of tree 1's used span and the end of tree 0's hole
 *     (tree 0 takes over as soon as it starts covering);
 *   - else is_used = 0, a hole from p to the earlier of the two holes' ends,
 *     i.e. up to the index before the first node of either tree.
 *
 * So the same non-zero is_used is never reported twice in a row, a hole is
 * never followed by a hole, and every index of the range is reported once,
 * in order.  The iterator does not merge a tree-1 span with an adjacent
 * tree-0 span: callers use is_used to know where the data lives.
 */
#include "util/interval_tree.h"

#include "util/debug.h"

static inline uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline bool node_is_red(const struct interval_tree_node *n)
{
	return n && n->red;
}

static uint64_t compute_subtree_last(const struct interval_tree_node *n)
{
	uint64_t v = n->last;

	if (n->left)
		v = max_u64(v, n->left->subtree_last);
	if (n->right)
		v = max_u64(v, n->right->subtree_last);
	return v;
}

/* Make `newn` take `old`'s place under old's parent (or as the root). */
static void replace_child(struct interval_tree_root *root,
			  struct interval_tree_node *old,
			  struct interval_tree_node *newn,
			  struct interval_tree_node *parent)
{
	if (!parent)
		root->root = newn;
	else if (parent->left == old)
		parent->left = newn;
	else
		parent->right = newn;
	if (newn)
		newn->parent = parent;
}

/*
 *     x                y
 *    / \              / \
 *   a   y    ==>     x   c
 *      / \          / \
 *     b   c        a   b
 */
static void rotate_left(struct interval_tree_root *root,
			struct interval_tree_node *x)
{
	struct interval_tree_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(root, x, y, x->parent);
	y->left = x;
	x->parent = y;
	x->subtree_last = compute_subtree_last(x);
	y->subtree_last = compute_subtree_last(y);
}

static void rotate_right(struct interval_tree_root *root,
			 struct interval_tree_node *x)
{
	struct interval_tree_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(root, x, y, x->parent);
	y->right = x;
	x->parent = y;
	x->subtree_last = compute_subtree_last(x);
	y->subtree_last = compute_subtree_last(y);
}

void interval_tree_insert(struct interval_tree_node *node,
			  struct interval_tree_root *root)
{
	struct interval_tree_node *parent = NULL, *cur = root->root;
	bool go_left = false;

	UIO_ASSERT(node->start <= node->last);

	/* Descend; every node passed gains `node` in its subtree. */
	while (cur) {
		if (cur->subtree_last < node->last)
			cur->subtree_last = node->last;
		parent = cur;
		/* Equal starts go right: after the existing ones in order. */
		go_left = node->start < cur->start;
		cur = go_left ? cur->left : cur->right;
	}

	node->parent = parent;
	node->left = node->right = NULL;
	node->subtree_last = node->last;
	node->red = true;
	if (!parent)
		root->root = node;
	else if (go_left)
		parent->left = node;
	else
		parent->right = node;
	root->count++;

	/* Colour fix-up: repair a red node with a red parent. */
	while (node_is_red(node->parent)) {
		struct interval_tree_node *p = node->parent;
		struct interval_tree_node *g = p->parent; /* red p is never root */
		struct interval_tree_node *uncle;

		if (p == g->left) {
			uncle = g->right;
			if (node_is_red(uncle)) {
				p->red = false;
				uncle->red = false;
				g->red = true;
				node = g;
				continue;
			}
			if (node == p->right) {
				rotate_left(root, p);
				node = p;
				p = node->parent;
			}
			p->red = false;
			g->red = true;
			rotate_right(root, g);
		} else {
			uncle = g->left;
			if (node_is_red(uncle)) {
				p->red = false;
				uncle->red = false;
				g->red = true;
				node = g;
				continue;
			}
			if (node == p->left) {
				rotate_right(root, p);
				node = p;
				p = node->parent;
			}
			p->red = false;
			g->red = true;
			rotate_left(root, g);
		}
	}
	root->root->red = false;
}

/*
 * Restore I2 after a black node was unlinked: `x` (possibly NULL) sits where
 * the removed black node's subtree was and is one black short; `parent` is
 * x's parent (needed because x may be NULL).
 */
static void remove_fixup(struct interval_tree_root *root,
			 struct interval_tree_node *x,
			 struct interval_tree_node *parent)
{
	struct interval_tree_node *sib;

	while (x != root->root && !node_is_red(x)) {
		if (x == parent->left) {
			sib = parent->right; /* non-NULL: it has black height >= 1 */
			if (sib->red) {
				sib->red = false;
				parent->red = true;
				rotate_left(root, parent);
				sib = parent->right;
			}
			if (!node_is_red(sib->left) && !node_is_red(sib->right)) {
				sib->red = true;
				x = parent;
				parent = x->parent;
				continue;
			}
			if (!node_is_red(sib->right)) {
				sib->left->red = false;
				sib->red = true;
				rotate_right(root, sib);
				sib = parent->right;
			}
			sib->red = parent->red;
			parent->red = false;
			sib->right->red = false;
			rotate_left(root, parent);
			x = root->root;
			break;
		} else {
			sib = parent->left;
			if (sib->red) {
				sib->red = false;
				parent->red = true;
				rotate_right(root, parent);
				sib = parent->left;
			}
			if (!node_is_red(sib->left) && !node_is_red(sib->right)) {
				sib->red = true;
				x = parent;
				parent = x->parent;
				continue;
			}
			if (!node_is_red(sib->left)) {
				sib->right->red = false;
				sib->red = true;
				rotate_left(root, sib);
				sib = parent->left;
			}
			sib->red = parent->red;
			parent->red = false;
			sib->left->red = false;
			rotate_right(root, parent);
			x = root->root;
			break;
		}
	}
	if (x)
		x->red = false;
}

void interval_tree_remove(struct interval_tree_node *node,
			  struct interval_tree_root *root)
{
	struct interval_tree_node *x, *xparent, *succ, *n;
	bool removed_red;

	UIO_ASSERT(root->count > 0);

	if (!node->left || !node->right) {
		/* At most one child: splice it up into node's place. */
		x = node->left ? node->left : node->right;
		xparent = node->parent;
		removed_red = node->red;
		replace_child(root, node, x, xparent);
	} else {
		/*
		 * Two children: the in-order successor (leftmost of the right
		 * subtree, no left child) leaves its own spot and takes node's
		 * place and colour.  Equal starts keep their order because the
		 * successor is exactly the next node in order.
		 */
		succ = node->right;
		while (succ->left)
			succ = succ->left;
		removed_red = succ->red;
		x = succ->right;
		if (succ->parent == node) {
			xparent = succ;
		} else {
			xparent = succ->parent;
			replace_child(root, succ, x, xparent);
			succ->right = node->right;
			succ->right->parent = succ;
		}
		replace_child(root, node, succ, node->parent);
		succ->left = node->left;
		succ->left->parent = succ;
		succ->red = node->red;
	}

	/* I3: every ancestor of the lowest changed position may shrink. */
	for (n = xparent; n; n = n->parent)
		n->subtree_last = compute_subtree_last(n);

	if (!removed_red)
		remove_fixup(root, x, xparent);

	node->parent = node->left = node->right = NULL;
	root->count--;
}

/*
 * Lowest-start node of the subtree at `n` intersecting [start, last], given
 * n->subtree_last >= start.
 */
static struct interval_tree_node *
subtree_first_match(struct interval_tree_node *n, uint64_t start, uint64_t last)
{
	for (;;) {
		if (n->left && n->left->subtree_last >= start) {
			n = n->left;
			continue;
		}
		if (n->start > last)
			return NULL;
		if (n->last >= start)
			return n;
		if (n->right && n->right->subtree_last >= start) {
			n = n->right;
			continue;
		}
		return NULL;
	}
}

struct interval_tree_node *
interval_tree_iter_first(const struct interval_tree_root *root, uint64_t start,
			 uint64_t last)
{
	struct interval_tree_node *n = root->root;

	if (!n || n->subtree_last < start || start > last)
		return NULL;
	return subtree_first_match(n, start, last);
}

struct interval_tree_node *
interval_tree_iter_next(struct interval_tree_node *node, uint64_t start,
			uint64_t last)
{
	struct interval_tree_node *right = node->right, *prev;

	for (;;) {
		/* Everything in node's right subtree follows node in order. */
		if (right && right->subtree_last >= start)
			return subtree_first_match(right, start, last);

		/* Climb to the first ancestor we reach from its left side. */
		do {
			prev = node;
			node = node->parent;
			if (!node)
				return NULL;
		} while (prev == node->right);

		if (node->start > last)
			return NULL;
		if (node->last >= start)
			return node;
		right = node->right;
	}
}

struct interval_tree_node *interval_tree_first(const struct interval_tree_root *root)
{
	struct interval_tree_node *n = root->root;

	if (!n)
		return NULL;
	while (n->left)
		n = n->left;
	return n;
}

struct interval_tree_node *interval_tree_next(struct interval_tree_node *node)
{
	struct interval_tree_node *prev;

	if (node->right) {
		node = node->right;
		while (node->left)
			node = node->left;
		return node;
	}
	do {
		prev = node;
		node = node->parent;
	} while (node && prev == node->right);
	return node;
}

/* ------------------------------------------------------------------------ */
/* Span iterator                                                            */

/*
 * Report the span beginning at `pos`; iter->nodes[0] must be the lowest-start
 * node intersecting [pos, last_index] (or NULL).
 */
static void span_fill(struct interval_tree_span_iter *iter, uint64_t pos)
{
	struct interval_tree_node *n = iter->nodes[0];
	uint64_t end;

	if (!n) {
		iter->is_hole = 1;
		iter->start_hole = pos;
		iter->last_hole = iter->last_index;
		return;
	}
	if (n->start > pos) {
		/* n->start <= last_index because n intersects the range. */
		iter->is_hole = 1;
		iter->start_hole = pos;
		iter->last_hole = n->start - 1;
		return;
	}

	/*
	 * Used from pos.  Merge following nodes (in start order) while they
	 * overlap or abut what we have; `end < last_index` guards end + 1.
	 */
	end = n->last;
	while (end < iter->last_index) {
		n = interval_tree_iter_next(n, pos, iter->last_index);
		if (!n || n->start > end + 1)
			break;
		end = max_u64(end, n->last);
	}
	iter->nodes[0] = n; /* first node after the gap, if end < last_index */
	iter->is_hole = 0;
	iter->start_used = pos;
	iter->last_used = min_u64(end, iter->last_index);
}

void interval_tree_span_iter_first(struct interval_tree_span_iter *iter,
				   const struct interval_tree_root *tree,
				   uint64_t first_index, uint64_t last_index)
{
	iter->tree = tree;
	iter->first_index = first_index;
	iter->last_index = last_index;
	iter->nodes[0] = iter->nodes[1] = NULL;
	iter->start_hole = iter->last_hole = 0;
	iter->start_used = iter->last_used = 0;
	if (first_index > last_index) {
		iter->is_hole = -1;
		return;
	}
	iter->nodes[0] = interval_tree_iter_first(tree, first_index, last_index);
	span_fill(iter, first_index);
}

void interval_tree_span_iter_next(struct interval_tree_span_iter *iter)
{
	uint64_t prev_last;

	if (iter->is_hole == -1)
		return;
	prev_last = iter->is_hole ? iter->last_hole : iter->last_used;
	if (prev_last >= iter->last_index) {
		iter->is_hole = -1;
		return;
	}
	/* prev_last < last_index, so + 1 cannot wrap. */
	span_fill(iter, prev_last + 1);
}

/* ------------------------------------------------------------------------ */
/* Double span iterator                                                     */

static uint64_t span_last(const struct interval_tree_span_iter *s)
{
	return s->is_hole ? s->last_hole : s->last_used;
}

/* Both sub-iterators sit on the span containing `pos`; report from `pos`. */
static void double_span_fill(struct interval_tree_double_span_iter *iter,
			     uint64_t pos)
{
	struct interval_tree_span_iter *s0 = &iter->spans[0];
	struct interval_tree_span_iter *s1 = &iter->spans[1];

	if (!s0->is_hole) {
		iter->is_used = 1;
		iter->start_used = pos;
		iter->last_used = s0->last_used;
	} else if (!s1->is_hole) {
		iter->is_used = 2;
		iter->start_used = pos;
		iter->last_used = min_u64(s1->last_used, s0->last_hole);
	} else {
		iter->is_used = 0;
		iter->start_hole = pos;
		iter->last_hole = min_u64(s0->last_hole, s1->last_hole);
	}
}

void interval_tree_double_span_iter_first(struct interval_tree_double_span_iter *iter,
					  const struct interval_tree_root *tree0,
					  const struct interval_tree_root *tree1,
					  uint64_t first_index, uint64_t last_index)
{
	iter->trees[0] = tree0;
	iter->trees[1] = tree1;
	iter->last_index = last_index;
	iter->start_hole = iter->last_hole = 0;
	iter->start_used = iter->last_used = 0;
	interval_tree_span_iter_first(&iter->spans[0], tree0, first_index,
				      last_index);
	interval_tree_span_iter_first(&iter->spans[1], tree1, first_index,
				      last_index);
	if (first_index > last_index) {
		iter->is_used = -1;
		return;
	}
	double_span_fill(iter, first_index);
}

void interval_tree_double_span_iter_next(struct interval_tree_double_span_iter *iter)
{
	uint64_t prev_last, pos;
	unsigned int i;

	if (iter->is_used == -1)
		return;
	prev_last = iter->is_used ? iter->last_used : iter->last_hole;
	if (prev_last >= iter->last_index) {
		iter->is_used = -1;
		return;
	}
	pos = prev_last + 1;
	/*
	 * Each sub-iterator's spans tile the range, so stepping it until its
	 * span reaches pos lands on the span containing pos; it cannot run
	 * out because pos <= last_index.
	 */
	for (i = 0; i < 2; i++) {
		while (span_last(&iter->spans[i]) < pos)
			interval_tree_span_iter_next(&iter->spans[i]);
		UIO_ASSERT(!interval_tree_span_iter_done(&iter->spans[i]));
	}
	double_span_fill(iter, pos);
}

/* ------------------------------------------------------------------------ */
/* Invariant check                                                          */

/*
 * Check the subtree at n; returns its black height (a missing child counts
 * 1) or -1 if broken.  *prev is the previous node in order, so starts can be
 * checked to never decrease; *count counts the nodes visited.
 */
static int check_subtree(const struct interval_tree_node *n,
			 const struct interval_tree_node *parent,
			 const struct interval_tree_node **prev, size_t *count,
			 unsigned int depth)
{
	int lh, rh;

	if (!n)
		return 1;
	/* A valid tree of 2^64 nodes is at most 128 deep: catches cycles. */
	if (depth > 130)
		return -1;
	if (n->parent != parent)
		return -1;
	if (n->start > n->last)
		return -1;
	if (n->red && (node_is_red(n->left) || node_is_red(n->right)))
		return -1;
	if (n->subtree_last != compute_subtree_last(n))
		return -1;

	lh = check_subtree(n->left, n, prev, count, depth + 1);
	if (lh < 0)
		return -1;
	if (*prev && (*prev)->start > n->start)
		return -1;
	*prev = n;
	(*count)++;
	rh = check_subtree(n->right, n, prev, count, depth + 1);
	if (rh < 0 || lh != rh)
		return -1;
	return lh + (n->red ? 0 : 1);
}

bool interval_tree_check(const struct interval_tree_root *root)
{
	const struct interval_tree_node *prev = NULL;
	size_t count = 0;

	if (!root->root)
		return root->count == 0;
	if (root->root->red)
		return false;
	if (check_subtree(root->root, NULL, &prev, &count, 0) < 0)
		return false;
	return count == root->count;
}

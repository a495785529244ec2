// SPDX-License-Identifier: MIT
/*
 * Interval tree and span iterators against brute-force models.
 *
 * The model is a plain array of intervals, each tagged with the tree it was
 * put in (two trees, for the double span iterator) and an insertion sequence
 * number.  Random insert/remove sequences run in three coordinate spaces:
 * SMALL ([0, 200]), TOP ([UINT64_MAX - 200, UINT64_MAX]) and WIDE (values
 * clustered around 0, 2^63 and UINT64_MAX, plus a few random ones, so
 * intervals overlap and touch both ends of the 64-bit space).  After every
 * operation:
 *   - interval_tree_check() holds for both trees and count matches;
 *   - an in-order walk equals the model sorted by (start, insertion order);
 * and every few operations, for random query ranges:
 *   - iter_first/iter_next return exactly the intersecting model intervals,
 *     in (start, insertion order);
 *   - the span iterator equals a sort-and-merge computation over the model;
 *   - the double span iterator equals a segment walk over the two merged
 *     lists, applying the rules written in interval_tree.c;
 *   - in SMALL and TOP, both span iterators also equal a per-index
 *     computation (one coverage bit per index), the most literal model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/interval_tree.h"
#include "util/overflow.h"

/* ---------------------------------------------------------------- helpers */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

enum space { SPACE_SMALL, SPACE_TOP, SPACE_WIDE };

#define SMALL_SPAN 200 /* offsets 0..200 inclusive */

static uint64_t space_base(enum space sp)
{
	return sp == SPACE_TOP ? UINT64_MAX - SMALL_SPAN : 0;
}

static uint64_t wide_value(void)
{
	switch (rnd_below(8)) {
	case 0:
		return 0;
	case 1:
		return UINT64_MAX;
	case 2:
		return rnd_below(64);
	case 3:
		return UINT64_MAX - rnd_below(64);
	case 4:
		return (1ULL << 63) - 32 + rnd_below(64);
	case 5:
		return rnd();
	case 6:
		return 1;
	default:
		return UINT64_MAX - 1;
	}
}

static void random_range(enum space sp, uint64_t *s, uint64_t *l)
{
	uint64_t a, b, t;

	if (sp == SPACE_WIDE) {
		a = wide_value();
		b = wide_value();
		if (a > b) {
			t = a;
			a = b;
			b = t;
		}
	} else {
		a = rnd_below(SMALL_SPAN + 1);
		b = rnd_below(4) ? a + rnd_below(25) : a + rnd_below(SMALL_SPAN + 1);
		if (b > SMALL_SPAN)
			b = SMALL_SPAN;
		a += space_base(sp);
		b += space_base(sp);
	}
	*s = a;
	*l = b;
}

/* ------------------------------------------------------------------ model */

#define MAXN 160

struct mnode {
	struct interval_tree_node n;
	bool in;
	int tree;
	uint64_t seq;
};

struct model {
	struct mnode nodes[MAXN];
	struct interval_tree_root roots[2];
	uint64_t seq;
	size_t count[2];
};

static int cmp_mnode(const void *pa, const void *pb)
{
	const struct mnode *a = *(const struct mnode *const *)pa;
	const struct mnode *b = *(const struct mnode *const *)pb;

	if (a->n.start != b->n.start)
		return a->n.start < b->n.start ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Model nodes of tree t intersecting [s, l] (all if all), sorted. */
static size_t model_collect(struct model *m, int t, bool all, uint64_t s,
			    uint64_t l, struct mnode **out)
{
	size_t k = 0;

	for (size_t i = 0; i < MAXN; i++) {
		struct mnode *x = &m->nodes[i];

		if (!x->in || x->tree != t)
			continue;
		if (!all && (x->n.start > l || x->n.last < s))
			continue;
		out[k++] = x;
	}
	qsort(out, k, sizeof(*out), cmp_mnode);
	return k;
}

static void check_inorder(struct model *m, int t)
{
	struct mnode *exp[MAXN];
	size_t k = model_collect(m, t, true, 0, 0, exp), i = 0;
	struct interval_tree_node *n;

	assert_true(interval_tree_check(&m->roots[t]));
	assert_int_equal(m->roots[t].count, m->count[t]);
	assert_int_equal(k, m->count[t]);
	assert_int_equal(interval_tree_empty(&m->roots[t]), k == 0);
	for (n = interval_tree_first(&m->roots[t]); n; n = interval_tree_next(n)) {
		assert_true(i < k);
		assert_ptr_equal(n, &exp[i]->n);
		i++;
	}
	assert_int_equal(i, k);
}

static void check_query(struct model *m, int t, uint64_t s, uint64_t l)
{
	struct mnode *exp[MAXN];
	size_t k = model_collect(m, t, false, s, l, exp), i = 0;
	struct interval_tree_node *n;

	for (n = interval_tree_iter_first(&m->roots[t], s, l); n;
	     n = interval_tree_iter_next(n, s, l)) {
		assert_true(i < k);
		assert_ptr_equal(n, &exp[i]->n);
		i++;
	}
	assert_int_equal(i, k);
}

/* ------------------------------------------------------------ span models */

struct span {
	int kind; /* single: 0 used, 1 hole; double: is_used */
	uint64_t s, l;
};

#define MAXSPANS (4 * MAXN + 8)

/* Merged used intervals of tree t clipped to [a, b]. */
static size_t merged_used(struct model *m, int t, uint64_t a, uint64_t b,
			  struct span *out)
{
	struct mnode *v[MAXN];
	size_t k = model_collect(m, t, false, a, b, v), n = 0;

	for (size_t i = 0; i < k; i++) {
		uint64_t s = v[i]->n.start < a ? a : v[i]->n.start;
		uint64_t l = v[i]->n.last > b ? b : v[i]->n.last;

		if (n && (s <= out[n - 1].l ||
			  (out[n - 1].l != UINT64_MAX && s == out[n - 1].l + 1))) {
			if (l > out[n - 1].l)
				out[n - 1].l = l;
			continue;
		}
		out[n++] = (struct span){ 0, s, l };
	}
	return n;
}

/* Expected single-tree spans by sort-and-merge. */
static size_t model_spans(struct model *m, int t, uint64_t a, uint64_t b,
			  struct span *out)
{
	struct span used[MAXN];
	size_t nu = merged_used(m, t, a, b, used), n = 0;
	uint64_t pos = a;
	bool more = true;

	for (size_t i = 0; i < nu && more; i++) {
		if (used[i].s > pos)
			out[n++] = (struct span){ 1, pos, used[i].s - 1 };
		out[n++] = used[i];
		if (used[i].l == b)
			more = false;
		else
			pos = used[i].l + 1;
	}
	if (more)
		out[n++] = (struct span){ 1, pos, b };
	return n;
}

/* The merged interval of `u` containing p, or NULL; *next = first start > p. */
static const struct span *seg_find(const struct span *u, size_t n, uint64_t p,
				   uint64_t *next, bool *has_next)
{
	*has_next = false;
	for (size_t i = 0; i < n; i++) {
		if (u[i].s <= p && p <= u[i].l)
			return &u[i];
		if (u[i].s > p) {
			*next = u[i].s;
			*has_next = true;
			return NULL;
		}
	}
	return NULL;
}

/* Expected double spans by walking the two merged lists. */
static size_t model_double_spans(struct model *m, uint64_t a, uint64_t b,
				 struct span *out)
{
	struct span u0[MAXN], u1[MAXN];
	size_t n0 = merged_used(m, 0, a, b, u0), n1 = merged_used(m, 1, a, b, u1);
	size_t n = 0;
	uint64_t p = a;

	for (;;) {
		uint64_t nx0 = 0, nx1 = 0, end;
		bool h0, h1;
		const struct span *c0 = seg_find(u0, n0, p, &nx0, &h0);
		const struct span *c1 = seg_find(u1, n1, p, &nx1, &h1);

		if (c0) {
			end = c0->l;
			out[n++] = (struct span){ 1, p, end };
		} else if (c1) {
			end = c1->l;
			if (h0 && nx0 - 1 < end)
				end = nx0 - 1;
			out[n++] = (struct span){ 2, p, end };
		} else {
			end = b;
			if (h0 && nx0 - 1 < end)
				end = nx0 - 1;
			if (h1 && nx1 - 1 < end)
				end = nx1 - 1;
			out[n++] = (struct span){ 0, p, end };
		}
		if (end == b)
			return n;
		p = end + 1;
	}
}

/* Per-index models for SMALL and TOP: coverage bit per offset. */
static void index_cover(struct model *m, uint64_t base, bool cov[2][SMALL_SPAN + 1])
{
	memset(cov, 0, sizeof(bool) * 2 * (SMALL_SPAN + 1));
	for (size_t i = 0; i < MAXN; i++) {
		struct mnode *x = &m->nodes[i];

		if (!x->in)
			continue;
		for (uint64_t o = x->n.start - base; o <= x->n.last - base; o++)
			cov[x->tree][o] = true;
	}
}

static size_t index_spans(bool cov[2][SMALL_SPAN + 1], int t, uint64_t base,
			  uint64_t a, uint64_t b, struct span *out)
{
	size_t n = 0;

	for (uint64_t o = a - base; o <= b - base; o++) {
		int kind = cov[t][o] ? 0 : 1;

		if (n && out[n - 1].kind == kind)
			out[n - 1].l = base + o;
		else
			out[n++] = (struct span){ kind, base + o, base + o };
	}
	return n;
}

static size_t index_double_spans(bool cov[2][SMALL_SPAN + 1], uint64_t base,
				 uint64_t a, uint64_t b, struct span *out)
{
	size_t n = 0;
	uint64_t o = a - base;

	while (o <= b - base) {
		uint64_t e = o;
		int kind;

		if (cov[0][o]) {
			kind = 1;
			while (e + 1 <= b - base && cov[0][e + 1])
				e++;
		} else if (cov[1][o]) {
			kind = 2;
			while (e + 1 <= b - base && !cov[0][e + 1] && cov[1][e + 1])
				e++;
		} else {
			kind = 0;
			while (e + 1 <= b - base && !cov[0][e + 1] && !cov[1][e + 1])
				e++;
		}
		out[n++] = (struct span){ kind, base + o, base + e };
		o = e + 1;
	}
	return n;
}

/* ------------------------------------------------------- iterator capture */

static size_t run_span_iter(const struct interval_tree_root *r, uint64_t a,
			    uint64_t b, struct span *out)
{
	struct interval_tree_span_iter it;
	size_t n = 0;

	for (interval_tree_span_iter_first(&it, r, a, b);
	     !interval_tree_span_iter_done(&it); interval_tree_span_iter_next(&it)) {
		assert_true(n < MAXSPANS);
		assert_true(it.is_hole == 0 || it.is_hole == 1);
		if (it.is_hole)
			out[n++] = (struct span){ 1, it.start_hole, it.last_hole };
		else
			out[n++] = (struct span){ 0, it.start_used, it.last_used };
	}
	/* next() after done stays done */
	interval_tree_span_iter_next(&it);
	assert_true(interval_tree_span_iter_done(&it));
	return n;
}

static size_t run_double_iter(const struct interval_tree_root *r0,
			      const struct interval_tree_root *r1, uint64_t a,
			      uint64_t b, struct span *out)
{
	struct interval_tree_double_span_iter it;
	size_t n = 0;

	for (interval_tree_double_span_iter_first(&it, r0, r1, a, b);
	     !interval_tree_double_span_iter_done(&it);
	     interval_tree_double_span_iter_next(&it)) {
		assert_true(n < MAXSPANS);
		assert_true(it.is_used >= 0 && it.is_used <= 2);
		if (it.is_used)
			out[n++] = (struct span){ it.is_used, it.start_used, it.last_used };
		else
			out[n++] = (struct span){ 0, it.start_hole, it.last_hole };
	}
	interval_tree_double_span_iter_next(&it);
	assert_true(interval_tree_double_span_iter_done(&it));
	return n;
}

static void assert_spans_equal(const struct span *got, size_t ng,
			       const struct span *exp, size_t ne)
{
	assert_int_equal(ng, ne);
	for (size_t i = 0; i < ne; i++) {
		assert_int_equal(got[i].kind, exp[i].kind);
		assert_int_equal(got[i].s, exp[i].s);
		assert_int_equal(got[i].l, exp[i].l);
	}
}

static void check_spans(struct model *m, enum space sp, uint64_t a, uint64_t b)
{
	static struct span got[MAXSPANS], exp[MAXSPANS];
	static bool cov[2][SMALL_SPAN + 1];
	size_t ng, ne;

	for (int t = 0; t < 2; t++) {
		ng = run_span_iter(&m->roots[t], a, b, got);
		ne = model_spans(m, t, a, b, exp);
		assert_spans_equal(got, ng, exp, ne);
	}
	ng = run_double_iter(&m->roots[0], &m->roots[1], a, b, got);
	ne = model_double_spans(m, a, b, exp);
	assert_spans_equal(got, ng, exp, ne);

	if (sp == SPACE_WIDE)
		return;
	index_cover(m, space_base(sp), cov);
	for (int t = 0; t < 2; t++) {
		ng = run_span_iter(&m->roots[t], a, b, got);
		ne = index_spans(cov, t, space_base(sp), a, b, exp);
		assert_spans_equal(got, ng, exp, ne);
	}
	ng = run_double_iter(&m->roots[0], &m->roots[1], a, b, got);
	ne = index_double_spans(cov, space_base(sp), a, b, exp);
	assert_spans_equal(got, ng, exp, ne);
}

/* ---------------------------------------------------------- random sweeps */

static void random_sweep(enum space sp, uint64_t seed, unsigned int ops)
{
	struct model *m = calloc(1, sizeof(*m));
	uint64_t a, b;

	assert_non_null(m);
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	m->roots[0] = INTERVAL_TREE_ROOT_INIT;
	m->roots[1] = INTERVAL_TREE_ROOT_INIT;

	for (unsigned int op = 0; op < ops; op++) {
		struct mnode *x = &m->nodes[rnd_below(MAXN)];

		if (!x->in) {
			random_range(sp, &x->n.start, &x->n.last);
			x->tree = rnd_below(3) ? 0 : 1;
			x->seq = m->seq++;
			x->in = true;
			interval_tree_insert(&x->n, &m->roots[x->tree]);
			m->count[x->tree]++;
		} else if (rnd_below(3)) {
			/* Bias toward a fuller tree: remove 2 out of 3 hits. */
			interval_tree_remove(&x->n, &m->roots[x->tree]);
			x->in = false;
			m->count[x->tree]--;
		}
		check_inorder(m, 0);
		check_inorder(m, 1);

		if (op % 7 == 0) {
			random_range(sp, &a, &b);
			check_query(m, 0, a, b);
			check_query(m, 1, a, b);
			/* point queries at both ends of a node */
			check_query(m, x->tree, x->n.start, x->n.start);
			check_query(m, x->tree, x->n.last, x->n.last);
		}
		if (op % 11 == 0) {
			random_range(sp, &a, &b);
			check_spans(m, sp, a, b);
			if (sp == SPACE_WIDE) {
				check_spans(m, sp, 0, UINT64_MAX);
				check_query(m, 0, 0, UINT64_MAX);
			} else {
				check_spans(m, sp, space_base(sp),
					    space_base(sp) + SMALL_SPAN);
			}
		}
	}

	/* Drain in random order, checking as we go. */
	for (size_t i = 0; i < MAXN; i++) {
		struct mnode *x = &m->nodes[(i * 37) % MAXN];

		if (!x->in)
			continue;
		interval_tree_remove(&x->n, &m->roots[x->tree]);
		x->in = false;
		m->count[x->tree]--;
		check_inorder(m, x->tree);
	}
	assert_true(interval_tree_empty(&m->roots[0]));
	assert_true(interval_tree_empty(&m->roots[1]));
	free(m);
}

static void test_random_small(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++)
		random_sweep(SPACE_SMALL, seed, 3000);
}

static void test_random_top(void **state)
{
	(void)state;
	for (uint64_t seed = 11; seed <= 14; seed++)
		random_sweep(SPACE_TOP, seed, 3000);
}

static void test_random_wide(void **state)
{
	(void)state;
	for (uint64_t seed = 21; seed <= 24; seed++)
		random_sweep(SPACE_WIDE, seed, 3000);
}

/* A bigger tree, checked less often: exercises deeper rebalancing. */
static void test_large_tree(void **state)
{
	enum { N = 20000 };
	struct interval_tree_node *nodes = calloc(N, sizeof(*nodes));
	struct interval_tree_root root = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_node *n;
	size_t hits;

	(void)state;
	assert_non_null(nodes);
	rng_state = 77;
	for (size_t i = 0; i < N; i++) {
		/* ascending starts: the worst case for an unbalanced tree */
		nodes[i].start = i * 10;
		nodes[i].last = i * 10 + rnd_below(30);
		interval_tree_insert(&nodes[i], &root);
	}
	assert_true(interval_tree_check(&root));
	assert_int_equal(root.count, N);
	/* [1000, 1000]: nodes starting in 980..1000 with last >= 1000 */
	hits = 0;
	for (n = interval_tree_iter_first(&root, 1000, 1000); n;
	     n = interval_tree_iter_next(n, 1000, 1000)) {
		assert_true(n->start <= 1000 && n->last >= 1000);
		hits++;
	}
	size_t want = 0;
	for (size_t i = 0; i < N; i++)
		want += nodes[i].start <= 1000 && nodes[i].last >= 1000;
	assert_int_equal(hits, want);
	for (size_t i = 0; i < N; i += 2)
		interval_tree_remove(&nodes[i], &root);
	assert_true(interval_tree_check(&root));
	assert_int_equal(root.count, N / 2);
	for (size_t i = 1; i < N; i += 2)
		interval_tree_remove(&nodes[i], &root);
	assert_true(interval_tree_check(&root));
	assert_true(interval_tree_empty(&root));
	free(nodes);
}

/* ------------------------------------------------------ deterministic cases */

static void test_empty_tree(void **state)
{
	struct interval_tree_root root = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_span_iter it;
	struct interval_tree_double_span_iter dit;

	(void)state;
	assert_true(interval_tree_check(&root));
	assert_null(interval_tree_first(&root));
	assert_null(interval_tree_iter_first(&root, 0, UINT64_MAX));

	interval_tree_span_iter_first(&it, &root, 0, UINT64_MAX);
	assert_int_equal(it.is_hole, 1);
	assert_int_equal(it.start_hole, 0);
	assert_int_equal(it.last_hole, UINT64_MAX);
	interval_tree_span_iter_next(&it);
	assert_true(interval_tree_span_iter_done(&it));

	interval_tree_double_span_iter_first(&dit, &root, &root, 5, 5);
	assert_int_equal(dit.is_used, 0);
	assert_int_equal(dit.start_hole, 5);
	assert_int_equal(dit.last_hole, 5);
	interval_tree_double_span_iter_next(&dit);
	assert_true(interval_tree_double_span_iter_done(&dit));

	/* an inverted range is empty: done at once */
	interval_tree_span_iter_first(&it, &root, 9, 8);
	assert_true(interval_tree_span_iter_done(&it));
	interval_tree_double_span_iter_first(&dit, &root, &root, 9, 8);
	assert_true(interval_tree_double_span_iter_done(&dit));
}

static void test_whole_space_node(void **state)
{
	struct interval_tree_root root = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_node all = { .start = 0, .last = UINT64_MAX };
	struct interval_tree_span_iter it;

	(void)state;
	interval_tree_insert(&all, &root);
	assert_true(interval_tree_check(&root));
	assert_ptr_equal(interval_tree_iter_first(&root, 0, 0), &all);
	assert_ptr_equal(interval_tree_iter_first(&root, UINT64_MAX, UINT64_MAX), &all);
	assert_null(interval_tree_iter_next(&all, 0, UINT64_MAX));
	assert_null(interval_tree_iter_first(&root, 7, 6));

	interval_tree_span_iter_first(&it, &root, 0, UINT64_MAX);
	assert_int_equal(it.is_hole, 0);
	assert_int_equal(it.start_used, 0);
	assert_int_equal(it.last_used, UINT64_MAX);
	interval_tree_span_iter_next(&it);
	assert_true(interval_tree_span_iter_done(&it));

	interval_tree_span_iter_first(&it, &root, UINT64_MAX, UINT64_MAX);
	assert_int_equal(it.is_hole, 0);
	assert_int_equal(it.start_used, UINT64_MAX);
	assert_int_equal(it.last_used, UINT64_MAX);
	interval_tree_span_iter_next(&it);
	assert_true(interval_tree_span_iter_done(&it));

	interval_tree_remove(&all, &root);
	assert_true(interval_tree_empty(&root));
	assert_true(interval_tree_check(&root));
}

static void test_both_ends(void **state)
{
	struct interval_tree_root root = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_node lo = { .start = 0, .last = 0 };
	struct interval_tree_node hi = { .start = UINT64_MAX, .last = UINT64_MAX };
	struct span got[8];
	size_t n;

	(void)state;
	interval_tree_insert(&hi, &root);
	interval_tree_insert(&lo, &root);
	assert_true(interval_tree_check(&root));

	n = run_span_iter(&root, 0, UINT64_MAX, got);
	assert_int_equal(n, 3);
	assert_int_equal(got[0].kind, 0);
	assert_int_equal(got[0].s, 0);
	assert_int_equal(got[0].l, 0);
	assert_int_equal(got[1].kind, 1);
	assert_int_equal(got[1].s, 1);
	assert_int_equal(got[1].l, UINT64_MAX - 1);
	assert_int_equal(got[2].kind, 0);
	assert_int_equal(got[2].s, UINT64_MAX);
	assert_int_equal(got[2].l, UINT64_MAX);

	/* a range strictly between the two: one hole */
	n = run_span_iter(&root, 1, UINT64_MAX - 1, got);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].kind, 1);

	assert_ptr_equal(interval_tree_iter_first(&root, 0, UINT64_MAX), &lo);
	assert_ptr_equal(interval_tree_iter_next(&lo, 0, UINT64_MAX), &hi);
	assert_null(interval_tree_iter_next(&hi, 0, UINT64_MAX));
	assert_null(interval_tree_iter_first(&root, 1, UINT64_MAX - 1));
}

static void test_abutting_nodes_merge(void **state)
{
	struct interval_tree_root root = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_node a = { .start = 10, .last = 19 };
	struct interval_tree_node b = { .start = 20, .last = 29 };
	struct interval_tree_node c = { .start = 31, .last = 40 };
	struct interval_tree_node inner = { .start = 12, .last = 13 };
	struct span got[8];
	size_t n;

	(void)state;
	interval_tree_insert(&c, &root);
	interval_tree_insert(&a, &root);
	interval_tree_insert(&inner, &root);
	interval_tree_insert(&b, &root);

	n = run_span_iter(&root, 0, 50, got);
	assert_int_equal(n, 5);
	assert_int_equal(got[0].kind, 1);
	assert_int_equal(got[0].l, 9);
	assert_int_equal(got[1].kind, 0);
	assert_int_equal(got[1].s, 10);
	assert_int_equal(got[1].l, 29);
	assert_int_equal(got[2].kind, 1);
	assert_int_equal(got[2].s, 30);
	assert_int_equal(got[2].l, 30);
	assert_int_equal(got[3].kind, 0);
	assert_int_equal(got[3].s, 31);
	assert_int_equal(got[3].l, 40);
	assert_int_equal(got[4].kind, 1);
	assert_int_equal(got[4].s, 41);
	assert_int_equal(got[4].l, 50);

	/* starting inside a used span clips its start */
	n = run_span_iter(&root, 15, 35, got);
	assert_int_equal(n, 3);
	assert_int_equal(got[0].kind, 0);
	assert_int_equal(got[0].s, 15);
	assert_int_equal(got[0].l, 29);
	assert_int_equal(got[2].s, 31);
	assert_int_equal(got[2].l, 35);
}

static void test_equal_starts_keep_insertion_order(void **state)
{
	struct interval_tree_root root = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_node n[12];
	struct interval_tree_node *it;
	size_t i = 0;

	(void)state;
	for (size_t k = 0; k < 12; k++) {
		n[k].start = 5;
		n[k].last = 5 + (11 - k);
		interval_tree_insert(&n[k], &root);
	}
	assert_true(interval_tree_check(&root));
	for (it = interval_tree_iter_first(&root, 5, 5); it;
	     it = interval_tree_iter_next(it, 5, 5))
		assert_ptr_equal(it, &n[i++]);
	assert_int_equal(i, 12);
	/* [12, 20]: only nodes whose last >= 12, i.e. k <= 4, in order */
	i = 0;
	for (it = interval_tree_iter_first(&root, 12, 20); it;
	     it = interval_tree_iter_next(it, 12, 20))
		assert_ptr_equal(it, &n[i++]);
	assert_int_equal(i, 5);
	interval_tree_remove(&n[3], &root);
	interval_tree_remove(&n[0], &root);
	i = 0;
	for (it = interval_tree_first(&root); it; it = interval_tree_next(it)) {
		size_t want = (size_t[]){ 1, 2, 4, 5, 6, 7, 8, 9, 10, 11 }[i];

		assert_ptr_equal(it, &n[want]);
		i++;
	}
	assert_int_equal(i, 10);
	assert_true(interval_tree_check(&root));
}

static void test_double_span_rules(void **state)
{
	struct interval_tree_root t0 = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_root t1 = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_node a = { .start = 10, .last = 19 };
	struct interval_tree_node b = { .start = 5, .last = 30 };
	struct interval_tree_node c = { .start = 31, .last = 33 };
	struct interval_tree_node d = { .start = 60, .last = UINT64_MAX };
	struct span got[16];
	const struct span want[] = {
		{ 0, 0, 4 },   { 2, 5, 9 },   { 1, 10, 19 },
		{ 2, 20, 30 }, { 1, 31, 33 }, { 0, 34, 59 },
		{ 2, 60, UINT64_MAX },
	};
	size_t n;

	(void)state;
	interval_tree_insert(&a, &t0);
	interval_tree_insert(&c, &t0);
	interval_tree_insert(&b, &t1);
	interval_tree_insert(&d, &t1);
	n = run_double_iter(&t0, &t1, 0, UINT64_MAX, got);
	assert_spans_equal(got, n, want, ARRAY_SIZE(want));

	/* swapping trees: tree 0 (was 1) keeps its whole used span */
	const struct span want2[] = {
		{ 0, 0, 4 }, { 1, 5, 30 }, { 2, 31, 33 }, { 0, 34, 59 },
		{ 1, 60, UINT64_MAX },
	};
	n = run_double_iter(&t1, &t0, 0, UINT64_MAX, got);
	assert_spans_equal(got, n, want2, ARRAY_SIZE(want2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_tree),
		cmocka_unit_test(test_whole_space_node),
		cmocka_unit_test(test_both_ends),
		cmocka_unit_test(test_abutting_nodes_merge),
		cmocka_unit_test(test_equal_starts_keep_insertion_order),
		cmocka_unit_test(test_double_span_rules),
		cmocka_unit_test(test_large_tree),
		cmocka_unit_test(test_random_small),
		cmocka_unit_test(test_random_top),
		cmocka_unit_test(test_random_wide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

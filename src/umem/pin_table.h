/* SPDX-License-Identifier: MIT */
/*
 * Sparse table of per-page pin counts, keyed by virtual page number.
 * See pin_table.c for the layout.  Not thread safe: the owner's lock
 * (umem_mm.lock) guards it.
 */
#ifndef UIOMMUFD_UMEM_PIN_TABLE_H
#define UIOMMUFD_UMEM_PIN_TABLE_H

#include <stdint.h>

struct pin_table {
	void *root;          /* top internal node, NULL when empty */
	uint64_t total;      /* sum of every count */
};

void pin_table_init(struct pin_table *t);
/* Frees every node; the table must hold no pins (asserted). */
void pin_table_destroy(struct pin_table *t);
/*
 * Add one pin to each page of [first, first + n).  0, or -ENOMEM (node
 * allocation failed, or a count would pass UINT32_MAX) with nothing changed.
 */
int pin_table_add(struct pin_table *t, uint64_t first, uint64_t n);
/* Remove one pin from each page; every count must be >= 1 (asserted). */
void pin_table_sub(struct pin_table *t, uint64_t first, uint64_t n);
uint32_t pin_table_count(const struct pin_table *t, uint64_t page);

#endif

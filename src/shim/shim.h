/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the preload library's files: the transport in use
 * and the entry points of the emulated /dev/iommu file.
 */
#ifndef UIOMMUFD_SHIM_SHIM_H
#define UIOMMUFD_SHIM_SHIM_H

#include "shim/transport.h"

/* The transport every emulated context uses (in-process today). */
extern const struct shim_transport *shim_transport;

/* One-time setup: real symbols, environment settings, fork handlers. */
void shim_init(void);

#endif

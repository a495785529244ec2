/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics of the preload library: leveled log lines and the ioctl trace.
 *
 * Settings come from the environment (uiommufd-run sets them):
 *   UIOMMUFD_LOG    error | warn | info | debug   (default warn)
 *   UIOMMUFD_TRACE  unset, "" or "0": off; "1" or "stderr": standard error;
 *                   anything else: a file name, opened for appending
 *                   (several processes of one run share it line by line).
 *
 * Every line is assembled in a local buffer and written with one write(),
 * so lines of concurrent threads and processes never interleave.  Nothing
 * here uses stdio: the program's own FILE streams stay untouched.
 */
#ifndef UIOMMUFD_SHIM_TRACE_H
#define UIOMMUFD_SHIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>

enum shim_log_level {
	SHIM_LOG_ERROR = 0,
	SHIM_LOG_WARN = 1,
	SHIM_LOG_INFO = 2,
	SHIM_LOG_DEBUG = 3,
};

void shim_log_init(void);
void shim_log(enum shim_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool shim_trace_on(void);

/*
 * Snapshot of one traced ioctl: the argument struct as it was before the
 * call (read through umem, never dereferenced), so the line can show the
 * input fields next to the output fields read afterwards.
 */
struct shim_trace_rec {
	int fd;
	unsigned long request;
	void *arg;
	uint32_t len;         /* bytes captured in `before` */
	bool readable;        /* `before` holds valid bytes */
	unsigned char before[128];
};

void shim_trace_begin(struct shim_trace_rec *rec, int fd,
		      unsigned long request, void *arg);
/* `ret` is the transport's result: >= 0 or -errno. */
void shim_trace_end(const struct shim_trace_rec *rec, long ret);

/* The program is closing (or dup2-ing over) `fd`: if it is the trace file,
 * stop using it (it is reopened on the next line). */
void shim_trace_fd_closing(int fd);

/* Name of an iommufd / VFIO-compat request, NULL if unknown. */
const char *shim_trace_request_name(unsigned long request);

#endif

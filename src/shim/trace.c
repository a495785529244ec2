/* SPDX-License-Identifier: MIT */
/*
 * Log lines and the decoded ioctl trace of the preload library.
 *
 * The decoder is table driven: one row per request number naming the
 * argument struct's fields as (name, byte offset, size, direction, format),
 * taken from spec abi.md; IOMMU_TEST_CMD has a second table keyed by `op`
 * for the union member.  Fields whose end lies past the bytes the caller
 * passed (`size` smaller than the struct) are not shown.  Argument bytes are
 * read with umem_copy_from_user() only, so a bad pointer shows up as
 * "<unreadable>" in the trace and the ioctl itself still returns EFAULT.
 *
 * Glossary: "in" fields are printed from the snapshot taken before the call,
 * "out" fields from a second read after a successful call; in/out fields
 * appear in both.  IOVA range arrays (IOVA_RANGES, ALLOW_IOVAS) are printed
 * up to TRACE_MAX_RANGES elements.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim/real.h"
#include "shim/trace.h"
#include "umem/umem.h"

#define TRACE_MAX_RANGES 8

static enum shim_log_level log_level = SHIM_LOG_WARN;
static int trace_fd = -1;          /* -1: closed (or off) */
static char *trace_path;           /* NULL: stderr */
static bool trace_enabled;

void shim_log_init(void)
{
	const char *lvl = getenv("UIOMMUFD_LOG");
	const char *tr = getenv("UIOMMUFD_TRACE");

	if (lvl) {
		if (!strcmp(lvl, "error"))
			log_level = SHIM_LOG_ERROR;
		else if (!strcmp(lvl, "warn"))
			log_level = SHIM_LOG_WARN;
		else if (!strcmp(lvl, "info"))
			log_level = SHIM_LOG_INFO;
		else if (!strcmp(lvl, "debug"))
			log_level = SHIM_LOG_DEBUG;
	}
	if (!tr || !*tr || !strcmp(tr, "0"))
		return;
	trace_enabled = true;
	if (!strcmp(tr, "1") || !strcmp(tr, "stderr"))
		return;
	trace_path = strdup(tr);
}

bool shim_trace_on(void)
{
	return trace_enabled;
}

/* Descriptor trace lines go to; opens the trace file lazily. */
static int trace_out(void)
{
	int fd;

	if (!trace_path)
		return STDERR_FILENO;
	fd = __atomic_load_n(&trace_fd, __ATOMIC_ACQUIRE);
	if (fd >= 0)
		return fd;
	fd = REAL(open)(trace_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			0644);
	if (fd < 0)
		return STDERR_FILENO;
	__atomic_store_n(&trace_fd, fd, __ATOMIC_RELEASE);
	return fd;
}

void shim_trace_fd_closing(int fd)
{
	if (fd >= 0 && __atomic_load_n(&trace_fd, __ATOMIC_ACQUIRE) == fd)
		__atomic_store_n(&trace_fd, -1, __ATOMIC_RELEASE);
}

/* --- a bounded string builder --- */
struct sbuf {
	char buf[2048];
	size_t len;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len >= sizeof(sb->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sizeof(sb->buf) - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb->len += (size_t)n;
	if (sb->len > sizeof(sb->buf) - 2)
		sb->len = sizeof(sb->buf) - 2;
}

static void sb_emit(struct sbuf *sb, int fd)
{
	ssize_t n;
	size_t off = 0;

	sb->buf[sb->len++] = '\n';
	while (off < sb->len) {
		n = REAL(write)(fd, sb->buf + off, sb->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

void shim_log(enum shim_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	struct sbuf sb = { .len = 0 };
	va_list ap;
	int n;

	if (level > log_level)
		return;
	sb_printf(&sb, "uiommufd-preload[%d]: %s: ", (int)getpid(), names[level]);
	va_start(ap, fmt);
	n = vsnprintf(sb.buf + sb.len, sizeof(sb.buf) - sb.len - 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb.len += (size_t)n < sizeof(sb.buf) - sb.len - 2 ?
				  (size_t)n : sizeof(sb.buf) - sb.len - 2;
	sb_emit(&sb, STDERR_FILENO);
}

/* --- the decoding tables --- */
enum { IN = 1, OUT = 2, INOUT = 3 };
enum { F_DEC, F_HEX, F_MAPFLAGS, F_RANGES_IN, F_RANGES_OUT, F_SDEC };

struct tfield {
	const char *name;
	uint8_t off, size, dir, fmt;
};

struct tcmd {
	unsigned long request;
	const char *name;
	uint32_t ksize;      /* 0: the argument is an integer, not a struct */
	bool vfio;           /* first u32 is argsz */
	const struct tfield *fields;
};

#define FLD(n, o, s, d, f) { n, o, s, d, f }
#define END { NULL, 0, 0, 0, 0 }
#define SIZE FLD("size", 0, 4, IN, F_DEC)

static const struct tfield f_destroy[] = { SIZE, FLD("id", 4, 4, IN, F_DEC), END };
static const struct tfield f_ioas_alloc[] = { SIZE, FLD("flags", 4, 4, IN, F_HEX),
	FLD("out_ioas_id", 8, 4, OUT, F_DEC), END };
static const struct tfield f_allow[] = { SIZE, FLD("ioas_id", 4, 4, IN, F_DEC),
	FLD("num_iovas", 8, 4, IN, F_DEC), FLD("__reserved", 12, 4, IN, F_HEX),
	FLD("allowed_iovas", 16, 8, IN, F_RANGES_IN), END };
static const struct tfield f_copy[] = { SIZE, FLD("flags", 4, 4, IN, F_MAPFLAGS),
	FLD("dst_ioas_id", 8, 4, IN, F_DEC), FLD("src_ioas_id", 12, 4, IN, F_DEC),
	FLD("length", 16, 8, IN, F_HEX), FLD("dst_iova", 24, 8, INOUT, F_HEX),
	FLD("src_iova", 32, 8, IN, F_HEX), END };
static const struct tfield f_ranges[] = { SIZE, FLD("ioas_id", 4, 4, IN, F_DEC),
	FLD("num_iovas", 8, 4, INOUT, F_DEC), FLD("__reserved", 12, 4, IN, F_HEX),
	FLD("allowed_iovas", 16, 8, INOUT, F_RANGES_OUT),
	FLD("out_iova_alignment", 24, 8, OUT, F_HEX), END };
static const struct tfield f_map[] = { SIZE, FLD("flags", 4, 4, IN, F_MAPFLAGS),
	FLD("ioas_id", 8, 4, IN, F_DEC), FLD("__reserved", 12, 4, IN, F_HEX),
	FLD("user_va", 16, 8, IN, F_HEX), FLD("length", 24, 8, IN, F_HEX),
	FLD("iova", 32, 8, INOUT, F_HEX), END };
static const struct tfield f_unmap[] = { SIZE, FLD("ioas_id", 4, 4, IN, F_DEC),
	FLD("iova", 8, 8, IN, F_HEX), FLD("length", 16, 8, INOUT, F_HEX), END };
static const struct tfield f_option[] = { SIZE, FLD("option_id", 4, 4, IN, F_DEC),
	FLD("op", 8, 2, IN, F_DEC), FLD("__reserved", 10, 2, IN, F_HEX),
	FLD("object_id", 12, 4, IN, F_DEC), FLD("val64", 16, 8, INOUT, F_DEC), END };
static const struct tfield f_vfio_ioas[] = { SIZE, FLD("ioas_id", 4, 4, INOUT, F_DEC),
	FLD("op", 8, 2, IN, F_DEC), FLD("__reserved", 10, 2, IN, F_HEX), END };
static const struct tfield f_hwpt_alloc[] = { SIZE, FLD("flags", 4, 4, IN, F_HEX),
	FLD("dev_id", 8, 4, IN, F_DEC), FLD("pt_id", 12, 4, IN, F_DEC),
	FLD("out_hwpt_id", 16, 4, OUT, F_DEC), FLD("__reserved", 20, 4, IN, F_HEX),
	FLD("data_type", 24, 4, IN, F_HEX), FLD("data_len", 28, 4, IN, F_DEC),
	FLD("data_uptr", 32, 8, IN, F_HEX), FLD("fault_id", 40, 4, IN, F_DEC), END };
static const struct tfield f_hw_info[] = { SIZE, FLD("flags", 4, 4, IN, F_HEX),
	FLD("dev_id", 8, 4, IN, F_DEC), FLD("data_len", 12, 4, INOUT, F_DEC),
	FLD("data_uptr", 16, 8, IN, F_HEX), FLD("data_type", 24, 4, INOUT, F_HEX),
	FLD("out_max_pasid_log2", 28, 1, OUT, F_DEC),
	FLD("out_capabilities", 32, 8, OUT, F_HEX), END };
static const struct tfield f_set_dirty[] = { SIZE, FLD("flags", 4, 4, IN, F_HEX),
	FLD("hwpt_id", 8, 4, IN, F_DEC), END };
static const struct tfield f_get_dirty[] = { SIZE, FLD("hwpt_id", 4, 4, IN, F_DEC),
	FLD("flags", 8, 4, IN, F_HEX), FLD("__reserved", 12, 4, IN, F_HEX),
	FLD("iova", 16, 8, IN, F_HEX), FLD("length", 24, 8, IN, F_HEX),
	FLD("page_size", 32, 8, IN, F_HEX), FLD("data", 40, 8, IN, F_HEX), END };
static const struct tfield f_invalidate[] = { SIZE, FLD("hwpt_id", 4, 4, IN, F_DEC),
	FLD("data_uptr", 8, 8, IN, F_HEX), FLD("data_type", 16, 4, IN, F_HEX),
	FLD("entry_len", 20, 4, IN, F_DEC), FLD("entry_num", 24, 4, INOUT, F_DEC),
	FLD("__reserved", 28, 4, IN, F_HEX), END };
static const struct tfield f_fault_alloc[] = { SIZE, FLD("flags", 4, 4, IN, F_HEX),
	FLD("out_fault_id", 8, 4, OUT, F_DEC), FLD("out_fault_fd", 12, 4, OUT, F_DEC), END };
static const struct tfield f_map_file[] = { SIZE, FLD("flags", 4, 4, IN, F_MAPFLAGS),
	FLD("ioas_id", 8, 4, IN, F_DEC), FLD("fd", 12, 4, IN, F_SDEC),
	FLD("start", 16, 8, IN, F_HEX), FLD("length", 24, 8, IN, F_HEX),
	FLD("iova", 32, 8, INOUT, F_HEX), END };
static const struct tfield f_viommu_alloc[] = { SIZE, FLD("flags", 4, 4, IN, F_HEX),
	FLD("type", 8, 4, IN, F_HEX), FLD("dev_id", 12, 4, IN, F_DEC),
	FLD("hwpt_id", 16, 4, IN, F_DEC), FLD("out_viommu_id", 20, 4, OUT, F_DEC),
	FLD("data_len", 24, 4, IN, F_DEC), FLD("data_uptr", 32, 8, IN, F_HEX), END };
static const struct tfield f_vdevice_alloc[] = { SIZE, FLD("viommu_id", 4, 4, IN, F_DEC),
	FLD("dev_id", 8, 4, IN, F_DEC), FLD("out_vdevice_id", 12, 4, OUT, F_DEC),
	FLD("virt_id", 16, 8, IN, F_HEX), END };
static const struct tfield f_change_process[] = { SIZE,
	FLD("__reserved", 4, 4, IN, F_HEX), END };
static const struct tfield f_veventq_alloc[] = { SIZE, FLD("flags", 4, 4, IN, F_HEX),
	FLD("viommu_id", 8, 4, IN, F_DEC), FLD("type", 12, 4, IN, F_HEX),
	FLD("veventq_depth", 16, 4, IN, F_DEC), FLD("out_veventq_id", 20, 4, OUT, F_DEC),
	FLD("out_veventq_fd", 24, 4, OUT, F_DEC), END };
static const struct tfield f_hw_queue_alloc[] = { SIZE, FLD("flags", 4, 4, IN, F_HEX),
	FLD("viommu_id", 8, 4, IN, F_DEC), FLD("type", 12, 4, IN, F_HEX),
	FLD("index", 16, 4, IN, F_DEC), FLD("out_hw_queue_id", 20, 4, OUT, F_DEC),
	FLD("nesting_parent_iova", 24, 8, IN, F_HEX), FLD("length", 32, 8, IN, F_HEX), END };
static const struct tfield f_test_head[] = { SIZE, FLD("op", 4, 4, IN, F_DEC),
	FLD("id", 8, 4, IN, F_DEC), END };
/* VFIO container compatibility */
static const struct tfield f_vfio_info[] = { FLD("argsz", 0, 4, INOUT, F_DEC),
	FLD("flags", 4, 4, OUT, F_HEX), FLD("iova_pgsizes", 8, 8, OUT, F_HEX),
	FLD("cap_offset", 16, 4, OUT, F_DEC), END };
static const struct tfield f_vfio_map[] = { FLD("argsz", 0, 4, IN, F_DEC),
	FLD("flags", 4, 4, IN, F_HEX), FLD("vaddr", 8, 8, IN, F_HEX),
	FLD("iova", 16, 8, IN, F_HEX), FLD("size", 24, 8, IN, F_HEX), END };
static const struct tfield f_vfio_unmap[] = { FLD("argsz", 0, 4, IN, F_DEC),
	FLD("flags", 4, 4, IN, F_HEX), FLD("iova", 8, 8, IN, F_HEX),
	FLD("size", 16, 8, INOUT, F_HEX), END };

#define IOMMUFD_REQ(nr) (0x3b00UL | (nr))

static const struct tcmd tcmds[] = {
	{ IOMMUFD_REQ(0x80), "IOMMU_DESTROY", 8, false, f_destroy },
	{ IOMMUFD_REQ(0x81), "IOMMU_IOAS_ALLOC", 12, false, f_ioas_alloc },
	{ IOMMUFD_REQ(0x82), "IOMMU_IOAS_ALLOW_IOVAS", 24, false, f_allow },
	{ IOMMUFD_REQ(0x83), "IOMMU_IOAS_COPY", 40, false, f_copy },
	{ IOMMUFD_REQ(0x84), "IOMMU_IOAS_IOVA_RANGES", 32, false, f_ranges },
	{ IOMMUFD_REQ(0x85), "IOMMU_IOAS_MAP", 40, false, f_map },
	{ IOMMUFD_REQ(0x86), "IOMMU_IOAS_UNMAP", 24, false, f_unmap },
	{ IOMMUFD_REQ(0x87), "IOMMU_OPTION", 24, false, f_option },
	{ IOMMUFD_REQ(0x88), "IOMMU_VFIO_IOAS", 12, false, f_vfio_ioas },
	{ IOMMUFD_REQ(0x89), "IOMMU_HWPT_ALLOC", 48, false, f_hwpt_alloc },
	{ IOMMUFD_REQ(0x8a), "IOMMU_GET_HW_INFO", 40, false, f_hw_info },
	{ IOMMUFD_REQ(0x8b), "IOMMU_HWPT_SET_DIRTY_TRACKING", 16, false, f_set_dirty },
	{ IOMMUFD_REQ(0x8c), "IOMMU_HWPT_GET_DIRTY_BITMAP", 48, false, f_get_dirty },
	{ IOMMUFD_REQ(0x8d), "IOMMU_HWPT_INVALIDATE", 32, false, f_invalidate },
	{ IOMMUFD_REQ(0x8e), "IOMMU_FAULT_QUEUE_ALLOC", 16, false, f_fault_alloc },
	{ IOMMUFD_REQ(0x8f), "IOMMU_IOAS_MAP_FILE", 40, false, f_map_file },
	{ IOMMUFD_REQ(0x90), "IOMMU_VIOMMU_ALLOC", 40, false, f_viommu_alloc },
	{ IOMMUFD_REQ(0x91), "IOMMU_VDEVICE_ALLOC", 24, false, f_vdevice_alloc },
	{ IOMMUFD_REQ(0x92), "IOMMU_IOAS_CHANGE_PROCESS", 8, false, f_change_process },
	{ IOMMUFD_REQ(0x93), "IOMMU_VEVENTQ_ALLOC", 32, false, f_veventq_alloc },
	{ IOMMUFD_REQ(0x94), "IOMMU_HW_QUEUE_ALLOC", 40, false, f_hw_queue_alloc },
	{ IOMMUFD_REQ(0xa0), "IOMMU_TEST_CMD", 72, false, f_test_head },
	{ IOMMUFD_REQ(100), "VFIO_GET_API_VERSION", 0, false, NULL },
	{ IOMMUFD_REQ(101), "VFIO_CHECK_EXTENSION", 0, false, NULL },
	{ IOMMUFD_REQ(102), "VFIO_SET_IOMMU", 0, false, NULL },
	{ IOMMUFD_REQ(112), "VFIO_IOMMU_GET_INFO", 24, true, f_vfio_info },
	{ IOMMUFD_REQ(113), "VFIO_IOMMU_MAP_DMA", 32, true, f_vfio_map },
	{ IOMMUFD_REQ(114), "VFIO_IOMMU_UNMAP_DMA", 24, true, f_vfio_unmap },
	{ IOMMUFD_REQ(117), "VFIO_IOMMU_DIRTY_PAGES", 0, false, NULL },
};

struct top {
	uint32_t op;
	const char *name;
	const struct tfield *fields;
};

static const struct tfield t_add_reserved[] = { FLD("start", 16, 8, IN, F_HEX),
	FLD("length", 24, 8, IN, F_HEX), END };
static const struct tfield t_mock_domain[] = { FLD("out_stdev_id", 16, 4, OUT, F_DEC),
	FLD("out_hwpt_id", 20, 4, OUT, F_DEC), FLD("out_idev_id", 24, 4, OUT, F_DEC), END };
static const struct tfield t_mock_domain_flags[] = {
	FLD("out_stdev_id", 16, 4, OUT, F_DEC), FLD("out_hwpt_id", 20, 4, OUT, F_DEC),
	FLD("out_idev_id", 24, 4, OUT, F_DEC), FLD("dev_flags", 28, 4, IN, F_HEX), END };
static const struct tfield t_check_map[] = { FLD("iova", 16, 8, IN, F_HEX),
	FLD("length", 24, 8, IN, F_HEX), FLD("uptr", 32, 8, IN, F_HEX), END };
static const struct tfield t_check_refs[] = { FLD("length", 16, 8, IN, F_HEX),
	FLD("uptr", 24, 8, IN, F_HEX), FLD("refs", 32, 4, IN, F_DEC), END };
static const struct tfield t_create_access[] = { FLD("out_access_fd", 16, 4, OUT, F_DEC),
	FLD("flags", 20, 4, IN, F_HEX), END };
static const struct tfield t_destroy_access_pages[] = {
	FLD("access_pages_id", 16, 4, IN, F_DEC), END };
static const struct tfield t_access_pages[] = { FLD("flags", 16, 4, IN, F_HEX),
	FLD("out_access_pages_id", 20, 4, OUT, F_DEC), FLD("iova", 24, 8, IN, F_HEX),
	FLD("length", 32, 8, IN, F_HEX), FLD("uptr", 40, 8, IN, F_HEX), END };
static const struct tfield t_access_rw[] = { FLD("iova", 16, 8, IN, F_HEX),
	FLD("length", 24, 8, IN, F_HEX), FLD("uptr", 32, 8, IN, F_HEX),
	FLD("flags", 40, 4, IN, F_HEX), END };
static const struct tfield t_memory_limit[] = { FLD("limit", 16, 4, IN, F_DEC), END };
static const struct tfield t_replace[] = { FLD("pt_id", 16, 4, INOUT, F_DEC), END };
static const struct tfield t_access_replace[] = { FLD("ioas_id", 16, 4, IN, F_DEC), END };
static const struct tfield t_dirty[] = { FLD("flags", 16, 4, IN, F_HEX),
	FLD("iova", 24, 8, IN, F_HEX), FLD("length", 32, 8, IN, F_HEX),
	FLD("page_size", 40, 8, IN, F_HEX), FLD("uptr", 48, 8, IN, F_HEX),
	FLD("out_nr_dirty", 56, 8, OUT, F_DEC), END };
static const struct tfield t_check_iotlb[] = { FLD("slot", 16, 4, IN, F_DEC),
	FLD("iotlb", 20, 4, IN, F_HEX), END };
static const struct tfield t_trigger_iopf[] = { FLD("dev_id", 16, 4, IN, F_DEC),
	FLD("pasid", 20, 4, IN, F_DEC), FLD("grpid", 24, 4, IN, F_DEC),
	FLD("perm", 28, 4, IN, F_HEX), FLD("addr", 32, 8, IN, F_HEX), END };
static const struct tfield t_check_dev_cache[] = { FLD("slot", 16, 4, IN, F_DEC),
	FLD("cache", 20, 4, IN, F_HEX), END };
static const struct tfield t_trigger_vevent[] = { FLD("dev_id", 16, 4, IN, F_DEC), END };
static const struct tfield t_pasid_attach[] = { FLD("pasid", 16, 4, IN, F_DEC),
	FLD("pt_id", 20, 4, INOUT, F_DEC), END };
static const struct tfield t_pasid_detach[] = { FLD("pasid", 16, 4, IN, F_DEC), END };
static const struct tfield t_pasid_check[] = { FLD("pasid", 16, 4, IN, F_DEC),
	FLD("hwpt_id", 20, 4, IN, F_DEC), END };
static const struct tfield t_dmabuf_get[] = { FLD("length", 16, 4, IN, F_HEX),
	FLD("open_flags", 20, 4, IN, F_HEX), END };
static const struct tfield t_dmabuf_revoke[] = { FLD("dmabuf_fd", 16, 4, IN, F_SDEC),
	FLD("revoked", 20, 4, IN, F_DEC), END };

static const struct top tops[] = {
	{ 1, "ADD_RESERVED", t_add_reserved },
	{ 2, "MOCK_DOMAIN", t_mock_domain },
	{ 3, "MD_CHECK_MAP", t_check_map },
	{ 4, "MD_CHECK_REFS", t_check_refs },
	{ 5, "CREATE_ACCESS", t_create_access },
	{ 6, "DESTROY_ACCESS_PAGES", t_destroy_access_pages },
	{ 7, "ACCESS_PAGES", t_access_pages },
	{ 8, "ACCESS_RW", t_access_rw },
	{ 9, "SET_TEMP_MEMORY_LIMIT", t_memory_limit },
	{ 10, "MOCK_DOMAIN_REPLACE", t_replace },
	{ 11, "ACCESS_REPLACE_IOAS", t_access_replace },
	{ 12, "MOCK_DOMAIN_FLAGS", t_mock_domain_flags },
	{ 13, "DIRTY", t_dirty },
	{ 14, "MD_CHECK_IOTLB", t_check_iotlb },
	{ 15, "TRIGGER_IOPF", t_trigger_iopf },
	{ 16, "DEV_CHECK_CACHE", t_check_dev_cache },
	{ 17, "TRIGGER_VEVENT", t_trigger_vevent },
	{ 18, "PASID_ATTACH", t_pasid_attach },
	{ 19, "PASID_REPLACE", t_pasid_attach },
	{ 20, "PASID_DETACH", t_pasid_detach },
	{ 21, "PASID_CHECK_HWPT", t_pasid_check },
	{ 22, "DMABUF_GET", t_dmabuf_get },
	{ 23, "DMABUF_REVOKE", t_dmabuf_revoke },
};

static const struct tcmd *find_cmd(unsigned long request)
{
	size_t i;

	for (i = 0; i < sizeof(tcmds) / sizeof(tcmds[0]); i++)
		if (tcmds[i].request == request)
			return &tcmds[i];
	return NULL;
}

static const struct top *find_op(uint32_t op)
{
	size_t i;

	for (i = 0; i < sizeof(tops) / sizeof(tops[0]); i++)
		if (tops[i].op == op)
			return &tops[i];
	return NULL;
}

const char *shim_trace_request_name(unsigned long request)
{
	const struct tcmd *c = find_cmd(request);

	return c ? c->name : NULL;
}

static uint64_t get_field(const unsigned char *buf, const struct tfield *f)
{
	uint64_t v = 0;
	uint32_t v32;
	uint16_t v16;

	switch (f->size) {
	case 1:
		v = buf[f->off];
		break;
	case 2:
		memcpy(&v16, buf + f->off, 2);
		v = v16;
		break;
	case 4:
		memcpy(&v32, buf + f->off, 4);
		v = v32;
		break;
	default:
		memcpy(&v, buf + f->off, 8);
		break;
	}
	return v;
}

static void put_ranges(struct sbuf *sb, uint64_t uptr, uint32_t n)
{
	uint64_t r[2];
	uint32_t i;

	sb_printf(sb, "[");
	for (i = 0; i < n && i < TRACE_MAX_RANGES; i++) {
		if (umem_copy_from_user(r, uptr + 16ULL * i, sizeof(r))) {
			sb_printf(sb, "%s<unreadable>", i ? " " : "");
			break;
		}
		sb_printf(sb, "%s0x%llx-0x%llx", i ? " " : "",
			  (unsigned long long)r[0], (unsigned long long)r[1]);
	}
	if (n > TRACE_MAX_RANGES)
		sb_printf(sb, " ...");
	sb_printf(sb, "]");
}

/*
 * Print the fields of `fields` present in `buf` (first `len` bytes) whose
 * direction includes `dir`.  `other` is the snapshot of the other phase
 * (for array lengths: the capacity passed in).
 */
static void put_fields(struct sbuf *sb, const struct tfield *fields,
		       const unsigned char *buf, uint32_t len, int dir,
		       const unsigned char *in_buf, bool *first)
{
	const struct tfield *f;

	for (f = fields; f && f->name; f++) {
		uint64_t v;

		if (!(f->dir & dir) || (uint32_t)f->off + f->size > len)
			continue;
		v = get_field(buf, f);
		sb_printf(sb, "%s%s=", *first ? "" : " ", f->name);
		*first = false;
		switch (f->fmt) {
		case F_DEC:
			sb_printf(sb, "%llu", (unsigned long long)v);
			break;
		case F_SDEC:
			sb_printf(sb, "%d", (int)(uint32_t)v);
			break;
		case F_MAPFLAGS:
			sb_printf(sb, "0x%llx<%s%s%s>", (unsigned long long)v,
				  v & 1 ? "FIXED_IOVA|" : "",
				  v & 2 ? "WRITEABLE|" : "",
				  v & 4 ? "READABLE" : "");
			break;
		case F_RANGES_IN:
			/* count is the u32 at offset 8 (num_iovas) */
			sb_printf(sb, "0x%llx", (unsigned long long)v);
			if (len >= 12) {
				uint32_t n;

				memcpy(&n, buf + 8, 4);
				put_ranges(sb, v, n);
			}
			break;
		case F_RANGES_OUT:
			sb_printf(sb, "0x%llx", (unsigned long long)v);
			if (dir == OUT && in_buf && len >= 12) {
				uint32_t n, cap;

				memcpy(&n, buf + 8, 4);
				memcpy(&cap, in_buf + 8, 4);
				put_ranges(sb, v, n < cap ? n : cap);
			}
			break;
		default:
			sb_printf(sb, "0x%llx", (unsigned long long)v);
			break;
		}
	}
}

static uint32_t capture(const struct tcmd *c, void *arg, unsigned char *buf,
			size_t cap, bool *ok)
{
	uint32_t size;

	*ok = false;
	if (!c || !c->ksize)
		return 0;
	if (umem_copy_from_user(&size, (uint64_t)(uintptr_t)arg, 4))
		return 0;
	if (size > c->ksize)
		size = c->ksize;
	if (size > cap)
		size = (uint32_t)cap;
	if (umem_copy_from_user(buf, (uint64_t)(uintptr_t)arg, size))
		return 0;
	*ok = true;
	return size;
}

void shim_trace_begin(struct shim_trace_rec *rec, int fd,
		      unsigned long request, void *arg)
{
	rec->fd = fd;
	rec->request = request;
	rec->arg = arg;
	rec->len = capture(find_cmd(request), arg, rec->before,
			   sizeof(rec->before), &rec->readable);
}

void shim_trace_end(const struct shim_trace_rec *rec, long ret)
{
	const struct tcmd *c = find_cmd(rec->request);
	const struct top *op = NULL;
	struct sbuf sb = { .len = 0 };
	unsigned char after[128];
	bool ok = false, first = true;
	uint32_t alen;

	sb_printf(&sb, "uiommufd[%d]: fd %d ", (int)getpid(), rec->fd);
	if (!c) {
		sb_printf(&sb, "ioctl(0x%lx, %p)", rec->request, rec->arg);
		goto out_result;
	}
	sb_printf(&sb, "%s", c->name);
	if (!c->ksize) {
		if (c->fields == NULL && rec->request != IOMMUFD_REQ(100) &&
		    rec->request != IOMMUFD_REQ(117))
			sb_printf(&sb, "(%lu)", (unsigned long)(uintptr_t)rec->arg);
		goto out_result;
	}
	if (!rec->readable) {
		sb_printf(&sb, " {<unreadable %p>}", rec->arg);
		goto out_result;
	}
	if (rec->request == IOMMUFD_REQ(0xa0) && rec->len >= 8) {
		uint32_t opn;

		memcpy(&opn, rec->before + 4, 4);
		op = find_op(opn);
		sb_printf(&sb, " %s", op ? op->name : "<unknown op>");
	}
	sb_printf(&sb, " {");
	put_fields(&sb, c->fields, rec->before, rec->len, IN, NULL, &first);
	if (op)
		put_fields(&sb, op->fields, rec->before, rec->len, IN, NULL,
			   &first);
	sb_printf(&sb, "}");

out_result:
	if (ret < 0) {
		const char *en = strerrorname_np((int)-ret);

		sb_printf(&sb, " = -1 %s (%s)", en ? en : "?", strerror((int)-ret));
		goto out_emit;
	}
	sb_printf(&sb, " = %ld", ret);
	if (!c || !c->ksize)
		goto out_emit;
	alen = capture(c, rec->arg, after, sizeof(after), &ok);
	if (!ok)
		goto out_emit;
	if (alen > rec->len)
		alen = rec->len;
	first = true;
	sb_printf(&sb, " -> {");
	put_fields(&sb, c->fields, after, alen, OUT, rec->before, &first);
	if (op)
		put_fields(&sb, op->fields, after, alen, OUT, rec->before,
			   &first);
	sb_printf(&sb, "}");
out_emit:
	sb_emit(&sb, trace_out());
}

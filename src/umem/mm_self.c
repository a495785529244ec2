// SPDX-License-Identifier: MIT
/*
 * The in-process implementation of struct umem_mm: the memory of the
 * process that called umem_mm_current(), reached at its own addresses.
 *
 * One object per process: umem_mm_current() returns the cached object while
 * anybody holds a reference to it, so every pages object and every test op
 * of this process sees the same pin counts and the same serial.  The cache
 * holds no reference; the last umem_mm_put() clears it (release below), and
 * a lookup that races with that sees a zero count and builds a new object.
 * After fork() the child finds a cached object whose pid is not its own and
 * builds its own; the inherited object still describes the parent.
 *
 * Such a foreign object (pid != getpid()) cannot reach its memory in this
 * implementation: fault_in fails with -EFAULT.  Its page identities still
 * work, read from /proc/<pid>/maps, and it is alive while the process
 * exists.  Reaching a foreign process's pages is the remote
 * implementation's job.
 *
 * Pin validation uses madvise(MADV_POPULATE_READ / _WRITE) (Linux >= 5.14),
 * which faults the run in exactly as get_user_pages would and fails on
 * unmapped holes (ENOMEM), PROT_NONE or, for writes, non-writable mappings
 * (EINVAL), and file pages past EOF (EFAULT, the SIGBUS case).  All of
 * these are -EFAULT for a pin.
 *
 * Page identity parses /proc/<pid>/maps once per call, for a whole run of
 * pages: a shared mapping ('s' in the permissions: MAP_SHARED anonymous,
 * shmem, memfd, files) names its backing object by (device, inode) and the
 * page by its byte offset in the object; a private mapping names the page
 * by (mm serial, page address).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "umem/umem_mm.h"
#include "util/debug.h"
#include "util/fault_inject.h"
#include "util/page.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static pthread_mutex_t self_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct umem_mm *self_cache; /* guarded by self_cache_lock, no ref */

static bool self_is_own(const struct umem_mm *mm)
{
	return mm->pid == umem_self_pid_get();
}

static int self_fault_in(struct umem_mm *mm, uint64_t uaddr, uint64_t npages,
			 bool write)
{
	uint64_t len = npages << PAGE_SHIFT;

	if (!self_is_own(mm))
		return -EFAULT;
	if (uaddr > UINTPTR_MAX || len > SIZE_MAX)
		return -EFAULT;
	for (;;) {
		if (!madvise((void *)(uintptr_t)uaddr, (size_t)len,
			     write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ))
			return 0;
		/* EINTR only with a fatal signal pending; try again anyway */
		if (errno != EINTR)
			return -EFAULT;
	}
}

static void *self_host_addr(struct umem_mm *mm, uint64_t uaddr)
{
	(void)mm;
	return (void *)(uintptr_t)uaddr;
}

/* This process's own memory is its own host mapping: always contiguous. */
static uint64_t self_host_contiguous(struct umem_mm *mm, uint64_t uaddr,
				     uint64_t max)
{
	(void)mm;
	(void)uaddr;
	return max;
}

/* Read the whole of a /proc file; *out is NUL terminated, free() it. */
static int read_proc_file(const char *path, char **out)
{
	size_t cap = 16384, len = 0;
	char *buf, *nb;
	int fd, ret = 0;

	/* An injected failure stands for running out of descriptors/memory. */
	if (should_fail("umem.proc_open"))
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOMEM || errno == EMFILE || errno == ENFILE ? -ENOMEM : -EFAULT;
	buf = fi_malloc("umem.maps_buf", cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			nb = fi_realloc("umem.maps_buf", buf, cap * 2);
			if (!nb) {
				ret = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -EFAULT;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

struct maps_line {
	uint64_t start, end, offset, dev, inode;
	bool shared;
};

static const char *parse_hex(const char *p, uint64_t *v)
{
	char *e;

	*v = strtoull(p, &e, 16);
	return e == p ? NULL : e;
}

/* Parse one line of /proc/<pid>/maps; false if malformed. */
static bool parse_maps_line(const char *p, struct maps_line *l)
{
	uint64_t major, minor;
	char *e;

	if (!(p = parse_hex(p, &l->start)) || *p++ != '-')
		return false;
	if (!(p = parse_hex(p, &l->end)) || *p++ != ' ')
		return false;
	if (strlen(p) < 5 || p[4] != ' ')
		return false;
	l->shared = p[3] == 's';
	p += 5;
	if (!(p = parse_hex(p, &l->offset)) || *p++ != ' ')
		return false;
	if (!(p = parse_hex(p, &major)) || *p++ != ':')
		return false;
	if (!(p = parse_hex(p, &minor)) || *p++ != ' ')
		return false;
	l->dev = major << 32 | minor;
	l->inode = strtoull(p, &e, 10);
	return e != p;
}

static int self_page_identities(struct umem_mm *mm, uint64_t uaddr,
				uint64_t npages, struct umem_page_id *ids)
{
	char path[64];
	char *maps, *line;
	uint64_t cur = uaddr, i = 0;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)mm->pid);
	ret = read_proc_file(path, &maps);
	if (ret)
		return ret;

	for (line = maps; *line && i < npages;) {
		char *nl = strchr(line, '\n');
		struct maps_line l;

		if (nl)
			*nl = 0;
		if (!parse_maps_line(line, &l)) {
			ret = -EFAULT;
			goto out_free;
		}
		line = nl ? nl + 1 : line + strlen(line);
		if (l.end <= cur)
			continue;
		if (l.start > cur)
			break; /* hole */
		for (; i < npages && cur < l.end; i++, cur += PAGE_SIZE) {
			struct umem_page_id *id = &ids[i];

			if (l.shared && l.inode) {
				id->kind = UMEM_PAGE_SHARED;
				id->a = l.dev;
				id->b = l.inode;
				id->c = l.offset + (cur - l.start);
			} else {
				id->kind = UMEM_PAGE_PRIVATE;
				id->a = mm->serial;
				id->b = cur;
				id->c = 0;
			}
		}
	}
	ret = i == npages ? 0 : -EFAULT;
out_free:
	free(maps);
	return ret;
}

static bool self_alive(const struct umem_mm *mm)
{
	if (self_is_own(mm))
		return true;
	return kill(mm->pid, 0) == 0 || errno == EPERM;
}

static uint64_t self_memlock_limit_pages(struct umem_mm *mm)
{
	struct rlimit rl;
	int ret;

	if (self_is_own(mm))
		ret = getrlimit(RLIMIT_MEMLOCK, &rl);
	else
		ret = prlimit(mm->pid, RLIMIT_MEMLOCK, NULL, &rl);
	if (ret)
		return 0; /* cannot tell: allow nothing */
	if (rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return (uint64_t)rl.rlim_cur >> PAGE_SHIFT;
}

static void self_release(struct umem_mm *mm)
{
	pthread_mutex_lock(&self_cache_lock);
	if (self_cache == mm)
		self_cache = NULL;
	pthread_mutex_unlock(&self_cache_lock);
}

static const struct umem_mm_ops self_ops = {
	.fault_in = self_fault_in,
	.host_addr = self_host_addr,
	.host_contiguous = self_host_contiguous,
	.page_identities = self_page_identities,
	.alive = self_alive,
	.memlock_limit_pages = self_memlock_limit_pages,
	.release = self_release,
};

/* Take a reference unless the count already reached zero. */
static bool mm_get_unless_zero(struct umem_mm *mm)
{
	uint_fast64_t old = atomic_load(&mm->refs);

	while (old)
		if (atomic_compare_exchange_weak(&mm->refs, &old, old + 1))
			return true;
	return false;
}

struct umem_mm *umem_mm_current(void)
{
	pid_t pid = umem_self_pid_get();
	struct umem_mm *mm;

	pthread_mutex_lock(&self_cache_lock);
	mm = self_cache;
	if (mm && mm->pid == pid && mm_get_unless_zero(mm))
		goto out_unlock;
	mm = should_fail("umem.mm_alloc") ? NULL : calloc(1, sizeof(*mm));
	if (!mm)
		goto out_unlock;
	if (umem_mm_init(mm, &self_ops, pid, getuid())) {
		free(mm);
		mm = NULL;
		goto out_unlock;
	}
	self_cache = mm;
out_unlock:
	pthread_mutex_unlock(&self_cache_lock);
	return mm;
}

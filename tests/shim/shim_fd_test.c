/* SPDX-License-Identifier: MIT */
/*
 * The preload library seen from an unmodified program: this file uses the
 * kernel ABI only (its own struct definitions, plain libc calls) and runs
 * with LD_PRELOAD=libuiommufd-preload.so.
 *
 * What it pins down: /dev/iommu descriptors behave like kernel files
 * (numbers, O_CLOEXEC, dup family sharing one context, close semantics, fd
 * limits), the calls the device has no method for fail as the kernel fails
 * them, fork gives the child an independent snapshot (docs/shim.md), exec
 * keeps the preload but not the contexts, several threads can share one
 * descriptor, bad pointers give EFAULT, and every ioctl built so far is
 * routed to the right context.
 *
 * Re-exec: `shim_fd_test --exec-child FD` is the program the exec test
 * starts; it reports through its exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#include <cmocka.h>

/* ---- kernel ABI, restated from spec abi.md ---- */
#define T ';'
#define IOMMU_DESTROY _IO(T, 0x80)
#define IOMMU_IOAS_ALLOC _IO(T, 0x81)
#define IOMMU_IOAS_ALLOW_IOVAS _IO(T, 0x82)
#define IOMMU_IOAS_COPY _IO(T, 0x83)
#define IOMMU_IOAS_IOVA_RANGES _IO(T, 0x84)
#define IOMMU_IOAS_MAP _IO(T, 0x85)
#define IOMMU_IOAS_UNMAP _IO(T, 0x86)
#define IOMMU_OPTION _IO(T, 0x87)
#define IOMMU_TEST_CMD _IO(T, 0xa0)

struct k_destroy { uint32_t size, id; };
struct k_ioas_alloc { uint32_t size, flags, out_ioas_id; };
struct k_range { uint64_t start, last; };
struct k_iova_ranges {
	uint32_t size, ioas_id, num_iovas, reserved;
	uint64_t allowed_iovas, out_iova_alignment;
};
struct k_allow_iovas {
	uint32_t size, ioas_id, num_iovas, reserved;
	uint64_t allowed_iovas;
};
struct k_map {
	uint32_t size, flags, ioas_id, reserved;
	uint64_t user_va, length, iova;
};
struct k_copy {
	uint32_t size, flags, dst_ioas_id, src_ioas_id;
	uint64_t length, dst_iova, src_iova;
};
struct k_unmap { uint32_t size, ioas_id; uint64_t iova, length; };
struct k_option {
	uint32_t size, option_id;
	uint16_t op, reserved;
	uint32_t object_id;
	uint64_t val64;
};
struct k_test_cmd {
	uint32_t size, op, id, reserved;
	union {
		struct { uint64_t start, length; } add_reserved;
		uint64_t pad[6];
	};
	uint32_t last;
};
_Static_assert(sizeof(struct k_test_cmd) == 72, "test cmd");
_Static_assert(sizeof(struct k_option) == 24, "option");

#define MAP_FIXED_IOVA 1u
#define MAP_WRITEABLE 2u
#define MAP_READABLE 4u

static const char *self_path;

static int iommu_open(int flags)
{
	int fd = open("/dev/iommu", flags);

	assert_true(fd >= 0);
	return fd;
}

/* IOAS_ALLOC; returns the new id (asserts success). */
static uint32_t ioas_alloc(int fd)
{
	struct k_ioas_alloc a = { .size = sizeof(a) };

	assert_int_equal(ioctl(fd, IOMMU_IOAS_ALLOC, &a), 0);
	assert_true(a.out_ioas_id > 0);
	return a.out_ioas_id;
}

/* 0 when `id` is an IOAS of the context behind fd, else -errno. */
static int ioas_probe(int fd, uint32_t id)
{
	struct k_range r[4];
	struct k_iova_ranges q = { .size = sizeof(q), .ioas_id = id,
				   .num_iovas = 4, .allowed_iovas = (uintptr_t)r };

	return ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q) ? -errno : 0;
}

static int ioas_destroy(int fd, uint32_t id)
{
	struct k_destroy d = { .size = sizeof(d), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &d) ? -errno : 0;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* ------------------------------------------------------------- open */

static void t_open_basic(void **state)
{
	struct stat st;
	int a, b;

	(void)state;
	a = iommu_open(O_RDWR);
	b = iommu_open(O_RDWR);
	assert_int_not_equal(a, b);
	assert_int_equal(fstat(a, &st), 0);
	/* each open is its own context: both start their IDs at 1 */
	assert_int_equal(ioas_alloc(a), 1);
	assert_int_equal(ioas_alloc(a), 2);
	assert_int_equal(ioas_alloc(b), 1);
	assert_int_equal(ioas_probe(b, 2), -ENOENT);
	assert_int_equal(fcntl(a, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_int_equal(close(a), 0);
	assert_int_equal(close(b), 0);
	/* the descriptor is really gone */
	assert_int_equal(ioas_probe(a, 1), -EBADF);
	assert_int_equal(close(a), -1);
	assert_int_equal(errno, EBADF);
}

static void t_open_spellings(void **state)
{
	int dirfd, fd;
	FILE *f;

	(void)state;
	fd = openat(AT_FDCWD, "/dev/iommu", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(ioas_alloc(fd), 1);
	close(fd);
	fd = open("/dev/../dev//./iommu", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(ioas_alloc(fd), 1);
	close(fd);
	dirfd = open("/dev", O_RDONLY | O_DIRECTORY);
	assert_true(dirfd >= 0);
	fd = openat(dirfd, "iommu", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(ioas_alloc(fd), 1);
	close(fd);
	close(dirfd);
	f = fopen("/dev/iommu", "r+e");
	assert_non_null(f);
	assert_int_equal(ioas_alloc(fileno(f)), 1);
	assert_true(fcntl(fileno(f), F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fclose(f), 0);
	/* flags that make no sense for a character device */
	assert_int_equal(open("/dev/iommu", O_RDWR | O_CREAT | O_EXCL, 0600), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(open("/dev/iommu", O_RDONLY | O_DIRECTORY), -1);
	assert_int_equal(errno, ENOTDIR);
	/* other paths are not touched */
	assert_int_equal(open("/nonexistent/iommu", O_RDWR), -1);
	assert_int_equal(errno, ENOENT);
}

static void t_cloexec(void **state)
{
	int a, b;

	(void)state;
	a = iommu_open(O_RDWR | O_CLOEXEC);
	b = iommu_open(O_RDWR);
	assert_true(fcntl(a, F_GETFD) & FD_CLOEXEC);
	assert_false(fcntl(b, F_GETFD) & FD_CLOEXEC);
	close(a);
	close(b);
}

static void t_access_modes(void **state)
{
	int fd = iommu_open(O_RDONLY);
	char buf[8] = { 0 };

	(void)state;
	/* ioctl does not care how the device was opened */
	assert_int_equal(ioas_alloc(fd), 1);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_int_equal(write(fd, buf, 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(read(fd, buf, 1), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
	fd = iommu_open(O_WRONLY);
	assert_int_equal(read(fd, buf, 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(write(fd, buf, 1), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
}

/* ---------------------------------------------------------------- dup */

static void t_dup_family(void **state)
{
	int fd = iommu_open(O_RDWR), d1, d2, d3, d4, other;
	uint32_t id;

	(void)state;
	id = ioas_alloc(fd);
	d1 = dup(fd);
	d2 = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	d3 = dup3(fd, 200, O_CLOEXEC);
	d4 = fcntl(fd, F_DUPFD, 0);
	assert_true(d1 >= 0 && d4 >= 0);
	assert_true(d2 >= 100);
	assert_int_equal(d3, 200);
	assert_true(fcntl(d2, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(d3, F_GETFD) & FD_CLOEXEC);
	assert_false(fcntl(d1, F_GETFD) & FD_CLOEXEC);
	/* all of them reach the one context */
	assert_int_equal(close(fd), 0);
	assert_int_equal(ioas_probe(d1, id), 0);
	assert_int_equal(ioas_probe(d2, id), 0);
	assert_int_equal(ioas_probe(d3, id), 0);
	assert_int_equal(ioas_probe(d4, id), 0);
	/* an object made through one copy is seen through another */
	assert_int_equal(ioas_alloc(d1), id + 1);
	assert_int_equal(ioas_probe(d3, id + 1), 0);

	/* dup2 over a descriptor of another context replaces it */
	other = iommu_open(O_RDWR);
	assert_int_equal(ioas_alloc(other), 1);
	assert_int_equal(ioas_probe(other, id + 1), -ENOENT);
	assert_int_equal(dup2(d1, other), other);
	assert_int_equal(ioas_probe(other, id + 1), 0);
	/* dup2 onto itself changes nothing */
	assert_int_equal(dup2(other, other), other);
	assert_int_equal(ioas_probe(other, id + 1), 0);
	/* a failing dup2 closes nothing */
	assert_int_equal(dup2(-1, other), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(ioas_probe(other, id + 1), 0);

	close(d1);
	close(d2);
	close(d3);
	close(d4);
	assert_int_equal(ioas_probe(other, id), 0);
	close(other);
	assert_false(fd_open(other));
}

/* A copy the shim never saw being made (raw syscall) is recognised by
 * its inode and keeps the context alive after the tracked fd closes. */
static void t_untracked_dup(void **state)
{
	int fd = iommu_open(O_RDWR), raw;
	uint32_t id;

	(void)state;
	id = ioas_alloc(fd);
	raw = (int)syscall(SYS_dup, fd);
	assert_true(raw >= 0);
	assert_int_equal(ioas_probe(raw, id), 0);
	close(fd);
	assert_int_equal(ioas_probe(raw, id), 0);
	close(raw);
}

static void t_close_range(void **state)
{
	int a, b, c, n;

	(void)state;
	a = iommu_open(O_RDWR);
	b = dup(a);
	c = iommu_open(O_RDWR);
	n = a < c ? a : c;
	if (b < n)
		n = b;
	/* CLOEXEC flavour: nothing is closed */
	assert_int_equal(close_range((unsigned)n, (unsigned)n + 64,
				     CLOSE_RANGE_CLOEXEC), 0);
	assert_true(fcntl(a, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(ioas_alloc(c), 1);
	assert_int_equal(close_range((unsigned)n, (unsigned)n + 64, 0), 0);
	assert_false(fd_open(a));
	assert_false(fd_open(b));
	assert_false(fd_open(c));
	/* the numbers are free again and a new open works */
	a = iommu_open(O_RDWR);
	assert_int_equal(a, n);
	assert_int_equal(ioas_alloc(a), 1);
	close(a);
}

static void t_fd_limit(void **state)
{
	struct rlimit old, lim;
	int fds[64], n = 0, fd;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	fd = iommu_open(O_RDWR);
	close(fd);
	lim = old;
	lim.rlim_cur = (rlim_t)fd + 3;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
	while (n < 64) {
		fd = open("/dev/iommu", O_RDWR);
		if (fd < 0)
			break;
		fds[n++] = fd;
	}
	assert_int_equal(fd, -1);
	assert_int_equal(errno, EMFILE);
	assert_true(n >= 1 && n <= 3);
	while (n)
		close(fds[--n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
}

/* --------------------------------------------- methods the device lacks */

static void t_no_read_write_seek(void **state)
{
	int fd = iommu_open(O_RDWR);
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	void *p;

	(void)state;
	assert_int_equal(read(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(write(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pread(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pwrite(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(readv(fd, &iov, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(writev(fd, &iov, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(lseek(fd, 0, SEEK_SET), -1);
	assert_int_equal(errno, ESPIPE);
	/* mmap: no region is registered at any offset yet */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	assert_true(p == MAP_FAILED);
	assert_int_equal(errno, ENXIO);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	assert_true(p == MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 4096);
	assert_true(p == MAP_FAILED);
	assert_int_equal(errno, EPERM);
	p = mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(p == MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	close(fd);
}

static void t_poll(void **state)
{
	int fd = iommu_open(O_RDWR), ep;
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	struct epoll_event ev = { .events = EPOLLIN };
	fd_set r, w;
	struct timeval tv = { 0, 0 };

	(void)state;
	/* no poll method: always readable and writable */
	assert_int_equal(poll(&p, 1, 0), 1);
	assert_int_equal(p.revents & (POLLIN | POLLOUT), POLLIN | POLLOUT);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	assert_int_equal(select(fd + 1, &r, &w, NULL, &tv), 2);
	/* and epoll refuses it */
	ep = epoll_create1(EPOLL_CLOEXEC);
	assert_true(ep >= 0);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), -1);
	assert_int_equal(errno, EPERM);
	close(ep);
	close(fd);
}

/* --------------------------------------------------------------- ioctl */

static void t_bad_pointers(void **state)
{
	int fd = iommu_open(O_RDWR);
	long page = sysconf(_SC_PAGESIZE);
	struct k_iova_ranges q;
	struct k_allow_iovas al;
	uint32_t id;
	void *none;

	(void)state;
	id = ioas_alloc(fd);
	assert_int_equal(ioctl(fd, IOMMU_IOAS_ALLOC, NULL), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(ioctl(fd, IOMMU_IOAS_ALLOC, (void *)1), -1);
	assert_int_equal(errno, EFAULT);
	none = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(none != MAP_FAILED);
	assert_int_equal(ioctl(fd, IOMMU_IOAS_MAP, none), -1);
	assert_int_equal(errno, EFAULT);
	/* a struct straddling into an unreadable page */
	assert_int_equal(ioctl(fd, IOMMU_DESTROY, (char *)none - 4), -1);
	assert_int_equal(errno, EFAULT);
	q = (struct k_iova_ranges){ .size = sizeof(q), .ioas_id = id, .num_iovas = 4,
				    .allowed_iovas = (uintptr_t)none };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q), -1);
	assert_int_equal(errno, EFAULT);
	al = (struct k_allow_iovas){ .size = sizeof(al), .ioas_id = id, .num_iovas = 1,
				     .allowed_iovas = 8 };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &al), -1);
	assert_int_equal(errno, EFAULT);
	/* unknown requests on our fd, and non-iommufd requests */
	assert_int_equal(ioctl(fd, _IO(T, 0x95), &q), -1);
	assert_int_equal(errno, ENOTTY);
	assert_int_equal(ioctl(fd, TCGETS, &q), -1);
	assert_int_equal(errno, ENOTTY);
	/* the context is still fine */
	assert_int_equal(ioas_probe(fd, id), 0);
	munmap(none, (size_t)page);
	close(fd);
}

static void t_every_ioctl(void **state)
{
	int fd = iommu_open(O_RDWR);
	long page = sysconf(_SC_PAGESIZE);
	uint64_t len = 4 * (uint64_t)page;
	struct k_range r[4], win = { 0x100000, 0x1fffff };
	struct k_iova_ranges q;
	struct k_allow_iovas al;
	struct k_map m;
	struct k_copy c;
	struct k_unmap u;
	struct k_option o;
	struct k_test_cmd t;
	uint32_t a, b;
	void *buf;

	(void)state;
	a = ioas_alloc(fd);
	b = ioas_alloc(fd);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(buf != MAP_FAILED);

	/* IOVA_RANGES: a fresh IOAS spans everything */
	q = (struct k_iova_ranges){ .size = sizeof(q), .ioas_id = a, .num_iovas = 4,
				    .allowed_iovas = (uintptr_t)r };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q), 0);
	assert_int_equal(q.num_iovas, 1);
	assert_int_equal(r[0].start, 0);
	assert_true(r[0].last == UINT64_MAX);

	/* test ADD_RESERVED splits it */
	t = (struct k_test_cmd){ .size = sizeof(t), .op = 1, .id = a };
	t.add_reserved.start = 0x10000000;
	t.add_reserved.length = 0x1000000;
	assert_int_equal(ioctl(fd, IOMMU_TEST_CMD, &t), 0);
	q.num_iovas = 4;
	assert_int_equal(ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q), 0);
	assert_int_equal(q.num_iovas, 2);
	assert_true(r[0].last == 0xfffffff && r[1].start == 0x11000000);

	/* ALLOW_IOVAS steers automatic placement */
	al = (struct k_allow_iovas){ .size = sizeof(al), .ioas_id = a, .num_iovas = 1,
				     .allowed_iovas = (uintptr_t)&win };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &al), 0);
	m = (struct k_map){ .size = sizeof(m), .flags = MAP_READABLE | MAP_WRITEABLE,
			    .ioas_id = a, .user_va = (uintptr_t)buf, .length = len };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_MAP, &m), 0);
	assert_true(m.iova >= win.start && m.iova + len - 1 <= win.last);

	/* MAP at a fixed IOVA, twice: the second is EEXIST */
	m = (struct k_map){ .size = sizeof(m),
			    .flags = MAP_FIXED_IOVA | MAP_READABLE | MAP_WRITEABLE,
			    .ioas_id = a, .user_va = (uintptr_t)buf, .length = len,
			    .iova = 0x400000 };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_MAP, &m), 0);
	assert_int_equal(ioctl(fd, IOMMU_IOAS_MAP, &m), -1);
	assert_int_equal(errno, EEXIST);

	/* COPY into the second IOAS */
	c = (struct k_copy){ .size = sizeof(c),
			     .flags = MAP_FIXED_IOVA | MAP_READABLE | MAP_WRITEABLE,
			     .dst_ioas_id = b, .src_ioas_id = a, .length = len,
			     .dst_iova = 0x800000, .src_iova = 0x400000 };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_COPY, &c), 0);

	/* OPTION: huge pages are on by default for an IOAS */
	o = (struct k_option){ .size = sizeof(o), .option_id = 1, .op = 1,
			       .object_id = a };
	assert_int_equal(ioctl(fd, IOMMU_OPTION, &o), 0);
	assert_int_equal(o.val64, 1);

	/* DESTROY of an IOAS in use by nothing but mappings is fine later;
	 * UNMAP reports the bytes removed */
	u = (struct k_unmap){ .size = sizeof(u), .ioas_id = b, .iova = 0x800000,
			      .length = len };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_UNMAP, &u), 0);
	assert_int_equal(u.length, len);
	u = (struct k_unmap){ .size = sizeof(u), .ioas_id = a, .iova = 0,
			      .length = UINT64_MAX };
	assert_int_equal(ioctl(fd, IOMMU_IOAS_UNMAP, &u), 0);
	assert_int_equal(u.length, 2 * len);
	assert_int_equal(ioas_destroy(fd, b), 0);
	assert_int_equal(ioas_destroy(fd, b), -ENOENT);
	assert_int_equal(ioas_destroy(fd, a), 0);
	munmap(buf, len);
	close(fd);
}

/* ---------------------------------------------------------------- fork */

static void t_fork(void **state)
{
	int fd = iommu_open(O_RDWR), status;
	uint32_t id;
	pid_t pid;

	(void)state;
	id = ioas_alloc(fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* child: its own snapshot of the context */
		int code = 0;
		struct k_ioas_alloc a = { .size = sizeof(a) };

		if (ioas_probe(fd, id) != 0)
			code |= 1;
		if (ioctl(fd, IOMMU_IOAS_ALLOC, &a) || a.out_ioas_id != id + 1)
			code |= 2;
		if (ioas_destroy(fd, id) != 0)
			code |= 4;
		_exit(code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* what the child did is invisible here */
	assert_int_equal(ioas_probe(fd, id), 0);
	assert_int_equal(ioas_probe(fd, id + 1), -ENOENT);
	assert_int_equal(ioas_alloc(fd), id + 1);
	close(fd);
}

/* ---------------------------------------------------------------- exec */

static int exec_child(int fd)
{
	struct k_ioas_alloc a = { .size = sizeof(a) };
	const char *pre = getenv("LD_PRELOAD");
	int nfd;

	if (fcntl(fd, F_GETFD) < 0)
		return 10; /* the inherited descriptor should still be open */
	if (ioctl(fd, IOMMU_IOAS_ALLOC, &a) != -1 || errno != ENOTTY)
		return 11; /* ... but it is no context any more */
	if (!pre || !strstr(pre, "uiommufd-preload"))
		return 12;
	nfd = open("/dev/iommu", O_RDWR);
	if (nfd < 0)
		return 13; /* the preload is still active */
	if (ioctl(nfd, IOMMU_IOAS_ALLOC, &a) || a.out_ioas_id != 1)
		return 14;
	close(nfd);
	close(fd);
	return 0;
}

static void t_exec(void **state)
{
	int fd = iommu_open(O_RDWR), cl = iommu_open(O_RDWR | O_CLOEXEC), status;
	char arg[16];
	pid_t pid;

	(void)state;
	assert_int_equal(ioas_alloc(fd), 1);
	snprintf(arg, sizeof(arg), "%d", fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(self_path, self_path, "--exec-child", arg, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(fd);
	close(cl);
}

/* ------------------------------------------------------------- threads */

#define NTHREADS 6
#define NITER 300

struct thr {
	int fd;
	void *buf;
	size_t len;
	int errors;
};

static void *thr_ioctls(void *p)
{
	struct thr *t = p;

	for (int i = 0; i < NITER; i++) {
		struct k_ioas_alloc a = { .size = sizeof(a) };
		struct k_map m = { .size = sizeof(m),
				   .flags = MAP_READABLE | MAP_WRITEABLE,
				   .user_va = (uintptr_t)t->buf, .length = t->len };
		struct k_unmap u = { .size = sizeof(u), .iova = 0, .length = UINT64_MAX };

		if (ioctl(t->fd, IOMMU_IOAS_ALLOC, &a)) {
			t->errors++;
			continue;
		}
		m.ioas_id = a.out_ioas_id;
		u.ioas_id = a.out_ioas_id;
		if (ioctl(t->fd, IOMMU_IOAS_MAP, &m) ||
		    ioas_probe(t->fd, a.out_ioas_id) ||
		    ioctl(t->fd, IOMMU_IOAS_UNMAP, &u) || u.length != t->len ||
		    ioas_destroy(t->fd, a.out_ioas_id))
			t->errors++;
	}
	return NULL;
}

static void *thr_dup_churn(void *p)
{
	struct thr *t = p;

	for (int i = 0; i < NITER; i++) {
		int d = dup(t->fd);

		if (d < 0 || ioas_probe(d, 0) != -ENOENT)
			t->errors++;
		if (d >= 0)
			close(d);
	}
	return NULL;
}

static void t_threads(void **state)
{
	int fd = iommu_open(O_RDWR);
	long page = sysconf(_SC_PAGESIZE);
	pthread_t th[NTHREADS + 1];
	struct thr t[NTHREADS + 1];
	void *buf;

	(void)state;
	buf = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(buf != MAP_FAILED);
	for (int i = 0; i <= NTHREADS; i++) {
		t[i] = (struct thr){ .fd = fd, .buf = buf, .len = 2 * (size_t)page };
		assert_int_equal(pthread_create(&th[i], NULL,
						i < NTHREADS ? thr_ioctls : thr_dup_churn,
						&t[i]), 0);
	}
	for (int i = 0; i <= NTHREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].errors, 0);
	}
	munmap(buf, 2 * (size_t)page);
	close(fd);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_open_basic),
		cmocka_unit_test(t_open_spellings),
		cmocka_unit_test(t_cloexec),
		cmocka_unit_test(t_access_modes),
		cmocka_unit_test(t_dup_family),
		cmocka_unit_test(t_untracked_dup),
		cmocka_unit_test(t_close_range),
		cmocka_unit_test(t_fd_limit),
		cmocka_unit_test(t_no_read_write_seek),
		cmocka_unit_test(t_poll),
		cmocka_unit_test(t_bad_pointers),
		cmocka_unit_test(t_every_ioctl),
		cmocka_unit_test(t_fork),
		cmocka_unit_test(t_exec),
		cmocka_unit_test(t_threads),
	};

	if (argc == 3 && !strcmp(argv[1], "--exec-child"))
		return exec_child(atoi(argv[2]));
	self_path = "/proc/self/exe";
	{
		static char path[4096];
		ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

		if (n > 0) {
			path[n] = '\0';
			self_path = path;
		}
	}
	return cmocka_run_group_tests_name("shim_fd", tests, NULL, NULL);
}

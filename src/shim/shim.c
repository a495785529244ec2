/* SPDX-License-Identifier: MIT */
/*
 * libuiommufd-preload.so: /dev/iommu for unmodified programs.
 *
 * Loaded with LD_PRELOAD, this library defines a handful of libc entry
 * points.  Opening "/dev/iommu" (any spelling that names that path) creates
 * a new emulated context instead of reaching the kernel; every other call
 * on every other descriptor goes straight to libc.
 *
 * An emulated descriptor is a real kernel object: an empty memfd named
 * "uiommufd:/dev/iommu", sealed against writing and growing.  So descriptor
 * numbers, O_CLOEXEC, fd limits, fstat() identity, dup(), fork() and
 * SCM_RIGHTS all behave as the kernel makes them behave.  The fd table
 * (fdtable.c) maps descriptors to contexts by that memfd's inode.
 *
 * What each interposed call does on an emulated descriptor:
 *   ioctl            -> the transport (the library), -errno -> -1/errno
 *   close, close_range, closefrom, dup2/dup3 over it, fclose
 *                    -> bookkeeping; the context goes with the last descriptor
 *   dup, dup2, dup3, fcntl(F_DUPFD, F_DUPFD_CLOEXEC) -> another descriptor
 *                    of the same context
 *   fcntl(F_GETFL)   -> reports the access mode the program asked for
 *   read/write and their p/v/2 variants -> EINVAL (EBADF for a direction the
 *                    descriptor was not opened for): /dev/iommu has neither
 *   lseek            -> ESPIPE (no llseek method)
 *   mmap             -> the transport's regions; ENXIO while there are none
 * poll/select/epoll are deliberately not interposed: a memfd has no poll
 * method either, so the kernel already answers exactly as for /dev/iommu
 * (DEFAULT_POLLMASK from poll, EPERM from epoll_ctl).  docs/shim.md lists
 * every libc entry point left alone and why.
 *
 * Descriptors the library creates itself (test access fds, ...) are real
 * kernel fds too; the shim only routes their close() to the library.
 */
#undef _FORTIFY_SOURCE
/* Each libc name is defined here under its own name: no 64-bit redirects. */
#undef _FILE_OFFSET_BITS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "shim/fdtable.h"
#include "shim/real.h"
#include "shim/shim.h"
#include "shim/trace.h"

#define SHIM_EXPORT __attribute__((visibility("default")))
#define IOMMUFD_IOCTL_TYPE 0x3b
#define DEVICE_PATH "/dev/iommu"

const struct shim_transport *shim_transport = &shim_transport_inproc;

/* Set once any context was created: only then may the library own fds. */
static bool shim_ever_opened;
static pthread_once_t shim_once = PTHREAD_ONCE_INIT;

static void shim_init_once(void)
{
	shim_real_init();
	shim_log_init();
	shim_fdt_atfork_init();
	shim_log(SHIM_LOG_INFO, "preload active, %s transport",
		 shim_transport->name);
}

void shim_init(void)
{
	pthread_once(&shim_once, shim_init_once);
}

__attribute__((constructor)) static void shim_constructor(void)
{
	shim_init();
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/* ---------------------------------------------------------------- paths */

/*
 * Lexically normalise the absolute path `in` into `out` (size PATH_MAX):
 * empty and "." components vanish, ".." removes the previous one.  No
 * symlinks are followed: "/dev" is not a link on any system we target.
 */
static bool normalise(const char *in, char *out)
{
	size_t len = 0;

	out[0] = '\0';
	while (*in) {
		const char *comp;
		size_t n;

		while (*in == '/')
			in++;
		comp = in;
		while (*in && *in != '/')
			in++;
		n = (size_t)(in - comp);
		if (n == 0 || (n == 1 && comp[0] == '.'))
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			while (len && out[len - 1] != '/')
				len--;
			if (len)
				len--;
			out[len] = '\0';
			continue;
		}
		if (len + 1 + n + 1 > PATH_MAX)
			return false;
		out[len++] = '/';
		memcpy(out + len, comp, n);
		len += n;
		out[len] = '\0';
	}
	if (!len) {
		out[0] = '/';
		out[1] = '\0';
	}
	return true;
}

/* Does (dirfd, path) name /dev/iommu? Cheap for every other path. */
static bool path_is_iommu(int dirfd, const char *path)
{
	char joined[2 * PATH_MAX + 2], norm[PATH_MAX];
	const char *base;
	size_t dlen;

	if (!path)
		return false;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strcmp(base, "iommu"))
		return false;
	if (path[0] == '/') {
		if (strlen(path) >= sizeof(joined))
			return false;
		strcpy(joined, path);
	} else {
		if (dirfd == AT_FDCWD) {
			if (!getcwd(joined, PATH_MAX))
				return false;
		} else {
			char link[64];
			ssize_t n;

			snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
			n = readlink(link, joined, PATH_MAX - 1);
			if (n <= 0)
				return false;
			joined[n] = '\0';
		}
		dlen = strlen(joined);
		if (dlen + 1 + strlen(path) + 1 > sizeof(joined))
			return false;
		joined[dlen] = '/';
		strcpy(joined + dlen + 1, path);
	}
	return normalise(joined, norm) && !strcmp(norm, DEVICE_PATH);
}

/* --------------------------------------------------------- open & close */

/* Create an emulated /dev/iommu descriptor; fd or -1/errno. */
static int emulated_open(int flags)
{
	struct shim_tctx *tctx;
	unsigned int mfd_flags = MFD_ALLOW_SEALING;
	int fd, rc;

	shim_init();
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return fail(EEXIST);
	if (flags & O_DIRECTORY)
		return fail(ENOTDIR);
	if (flags & O_CLOEXEC)
		mfd_flags |= MFD_CLOEXEC;
	fd = memfd_create("uiommufd:" DEVICE_PATH, mfd_flags);
	if (fd < 0)
		return -1;
	/* Nothing may ever be stored in it: writes through paths the shim
	 * does not see (splice, io_uring) fail in the kernel. */
	REAL(fcntl)(fd, F_ADD_SEALS,
		    F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
	if (flags & O_NONBLOCK)
		REAL(fcntl)(fd, F_SETFL, O_NONBLOCK);
	rc = shim_transport->open(&tctx);
	if (rc < 0) {
		REAL(close)(fd);
		shim_log(SHIM_LOG_WARN, "cannot create a context: %s",
			 strerror(-rc));
		return fail(-rc);
	}
	__atomic_store_n(&shim_ever_opened, true, __ATOMIC_RELEASE);
	rc = shim_fdt_install(fd, tctx, flags & O_ACCMODE);
	if (rc < 0) {
		shim_transport->put(tctx);
		REAL(close)(fd);
		return fail(-rc);
	}
	return fd;
}

static mode_t open_mode(int flags, va_list ap)
{
	if (flags & (O_CREAT | __O_TMPFILE))
		return va_arg(ap, mode_t);
	return 0;
}

#define WANT_EMULATION(dirfd, path, flags) \
	(!((flags) & O_PATH) && path_is_iommu(dirfd, path))

SHIM_EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	if (WANT_EMULATION(AT_FDCWD, path, flags))
		return emulated_open(flags);
	return REAL(open)(path, flags, mode);
}

SHIM_EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	if (WANT_EMULATION(AT_FDCWD, path, flags))
		return emulated_open(flags);
	return REAL(open64)(path, flags, mode);
}

SHIM_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	if (WANT_EMULATION(dirfd, path, flags))
		return emulated_open(flags);
	return REAL(openat)(dirfd, path, flags, mode);
}

SHIM_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	if (WANT_EMULATION(dirfd, path, flags))
		return emulated_open(flags);
	return REAL(openat64)(dirfd, path, flags, mode);
}

/* The _FORTIFY_SOURCE entry points: open without a mode argument. */
SHIM_EXPORT int __open_2(const char *path, int flags)
{
	if (WANT_EMULATION(AT_FDCWD, path, flags))
		return emulated_open(flags);
	return REAL(__open_2)(path, flags);
}

SHIM_EXPORT int __open64_2(const char *path, int flags)
{
	if (WANT_EMULATION(AT_FDCWD, path, flags))
		return emulated_open(flags);
	return REAL(__open64_2)(path, flags);
}

SHIM_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	if (WANT_EMULATION(dirfd, path, flags))
		return emulated_open(flags);
	return REAL(__openat_2)(dirfd, path, flags);
}

SHIM_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	if (WANT_EMULATION(dirfd, path, flags))
		return emulated_open(flags);
	return REAL(__openat64_2)(dirfd, path, flags);
}

/* fopen() opens through libc internals the shim cannot see, so the
 * emulated case is rebuilt from open() + fdopen(). */
static int fopen_flags(const char *mode)
{
	int flags;

	switch (mode[0]) {
	case 'r':
		flags = O_RDONLY;
		break;
	case 'w':
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		return -1;
	}
	for (mode++; *mode && *mode != ','; mode++) {
		if (*mode == '+')
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		else if (*mode == 'e')
			flags |= O_CLOEXEC;
		else if (*mode == 'x')
			flags |= O_EXCL;
	}
	return flags;
}

static FILE *emulated_fopen(const char *mode)
{
	int flags = mode ? fopen_flags(mode) : -1;
	FILE *f;
	int fd, err;

	if (flags < 0) {
		errno = EINVAL;
		return NULL;
	}
	fd = emulated_open(flags);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, mode);
	if (!f) {
		err = errno;
		close(fd);
		errno = err;
	}
	return f;
}

SHIM_EXPORT FILE *fopen(const char *path, const char *mode)
{
	if (path_is_iommu(AT_FDCWD, path))
		return emulated_fopen(mode);
	return REAL(fopen)(path, mode);
}

SHIM_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	if (path_is_iommu(AT_FDCWD, path))
		return emulated_fopen(mode);
	return REAL(fopen64)(path, mode);
}

static __thread FILE *fclose_target;

static int fclose_as_close(int fd)
{
	(void)fd;
	return REAL(fclose)(fclose_target);
}

SHIM_EXPORT int fclose(FILE *f)
{
	if (f && shim_fdt_any()) {
		int fd = fileno(f);
		bool handled;
		int rc;

		if (fd >= 0) {
			shim_trace_fd_closing(fd);
			fclose_target = f;
			rc = shim_fdt_close(fd, fclose_as_close, &handled);
			fclose_target = NULL;
			if (handled)
				return rc;
		}
	}
	return REAL(fclose)(f);
}

/* close() of a descriptor that is neither in the table nor the library's. */
static int close_untracked(int fd)
{
	int rc;

	if (__atomic_load_n(&shim_ever_opened, __ATOMIC_ACQUIRE) &&
	    shim_transport->fd_is_ours(fd)) {
		rc = shim_transport->fd_close(fd);
		if (rc < 0)
			return fail(-rc);
		if (rc == 1)
			return 0;
	}
	return REAL(close)(fd);
}

SHIM_EXPORT int close(int fd)
{
	shim_trace_fd_closing(fd);
	if (shim_fdt_any()) {
		bool handled;
		int rc = shim_fdt_close(fd, REAL(close), &handled);

		if (handled)
			return rc;
	}
	return close_untracked(fd);
}

/* Close, one by one, every emulated or library descriptor in [first, last]
 * so their contexts and objects are released; the rest is left to libc. */
static void close_ours_in_range(unsigned int first, unsigned int last)
{
	int fds[64], n, i;
	struct dirent *de;
	DIR *dir;

	while (shim_fdt_any() &&
	       (n = shim_fdt_list(first, last, fds, 64)) > 0)
		for (i = 0; i < n; i++)
			close(fds[i]);
	if (!__atomic_load_n(&shim_ever_opened, __ATOMIC_ACQUIRE))
		return;
	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL) {
		char *end;
		unsigned long fd = strtoul(de->d_name, &end, 10);

		if (*end || end == de->d_name || (int)fd == dirfd(dir) ||
		    fd < first || fd > last)
			continue;
		if (shim_transport->fd_is_ours((int)fd))
			shim_transport->fd_close((int)fd);
	}
	closedir(dir);
}

SHIM_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	unsigned int fd;

	if (!REAL(close_range))
		return fail(ENOSYS);
	if (first <= last && !(flags & CLOSE_RANGE_CLOEXEC)) {
		close_ours_in_range(first, last);
		for (fd = first; fd <= last && fd < 1024; fd++)
			shim_trace_fd_closing((int)fd);
	}
	return REAL(close_range)(first, last, flags);
}

SHIM_EXPORT void closefrom(int lowfd)
{
	int fd;

	if (lowfd >= 0) {
		close_ours_in_range((unsigned int)lowfd, ~0U);
		for (fd = lowfd; fd < 1024; fd++)
			shim_trace_fd_closing(fd);
	}
	if (REAL(closefrom))
		REAL(closefrom)(lowfd);
}

/* ------------------------------------------------------------------ dup */

enum dup_kind { DUP_DUP, DUP_DUP2, DUP_DUP3, DUP_FCNTL };

struct dup_args {
	enum dup_kind kind;
	int oldfd, newfd, flags;
};

static int dup_call(void *p)
{
	struct dup_args *a = p;

	switch (a->kind) {
	case DUP_DUP:
		return REAL(dup)(a->oldfd);
	case DUP_DUP2:
		return REAL(dup2)(a->oldfd, a->newfd);
	case DUP_DUP3:
		return REAL(dup3)(a->oldfd, a->newfd, a->flags);
	default:
		return REAL(fcntl)(a->oldfd, a->flags, a->newfd);
	}
}

/*
 * dup2/dup3 close the target first.  If the target is a library-owned
 * descriptor, its object must be released the way close() would release
 * it.  Only done once the source is known to be valid, since a failing
 * dup2 closes nothing.
 */
static int prepare_target(int oldfd, int newfd)
{
	if (oldfd == newfd)
		return 0;
	if (REAL(fcntl)(oldfd, F_GETFD) < 0)
		return -1;
	shim_trace_fd_closing(newfd);
	if (__atomic_load_n(&shim_ever_opened, __ATOMIC_ACQUIRE) &&
	    shim_transport->fd_is_ours(newfd))
		shim_transport->fd_close(newfd);
	return 0;
}

SHIM_EXPORT int dup(int oldfd)
{
	struct dup_args a = { DUP_DUP, oldfd, -1, 0 };

	if (shim_fdt_any())
		return shim_fdt_dup(oldfd, -1, dup_call, &a);
	return REAL(dup)(oldfd);
}

SHIM_EXPORT int dup2(int oldfd, int newfd)
{
	struct dup_args a = { DUP_DUP2, oldfd, newfd, 0 };

	if (prepare_target(oldfd, newfd) < 0)
		return -1;
	if (shim_fdt_any())
		return shim_fdt_dup(oldfd, newfd, dup_call, &a);
	return REAL(dup2)(oldfd, newfd);
}

SHIM_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	struct dup_args a = { DUP_DUP3, oldfd, newfd, flags };

	if (oldfd == newfd)
		return REAL(dup3)(oldfd, newfd, flags); /* EINVAL */
	if (prepare_target(oldfd, newfd) < 0)
		return -1;
	if (shim_fdt_any())
		return shim_fdt_dup(oldfd, newfd, dup_call, &a);
	return REAL(dup3)(oldfd, newfd, flags);
}

static int do_fcntl(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	if (!real)
		return fail(ENOSYS);
	if ((cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && shim_fdt_any()) {
		struct dup_args a = { DUP_FCNTL, fd, (int)(intptr_t)arg, cmd };

		return shim_fdt_dup(fd, -1, dup_call, &a);
	}
	if (cmd == F_GETFL && shim_fdt_any()) {
		int rc = real(fd, cmd);
		struct shim_tctx *t;
		int acc;

		if (rc < 0)
			return rc;
		t = shim_fdt_get(fd, &acc);
		if (t) {
			shim_transport->put(t);
			rc = (rc & ~O_ACCMODE) | acc;
		}
		return rc;
	}
	return real(fd, cmd, arg);
}

SHIM_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(REAL(fcntl), fd, cmd, arg);
}

SHIM_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(REAL(fcntl64), fd, cmd, arg);
}

/* ---------------------------------------------------------------- ioctl */

static int emulated_ioctl(int fd, struct shim_tctx *t, unsigned long request,
			  void *arg)
{
	struct shim_trace_rec rec;
	bool trace = shim_trace_on();
	long ret;

	if (trace)
		shim_trace_begin(&rec, fd, request, arg);
	ret = shim_transport->ioctl(t, request, arg);
	if (trace)
		shim_trace_end(&rec, ret);
	shim_transport->put(t);
	if (ret < 0)
		return fail((int)-ret);
	return (int)ret;
}

SHIM_EXPORT int ioctl(int fd, unsigned long request, ...)
{
	struct shim_tctx *t;
	va_list ap;
	void *arg;
	int rc;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (shim_fdt_any()) {
		t = shim_fdt_get(fd, NULL);
		if (t)
			return emulated_ioctl(fd, t, request, arg);
	}
	rc = REAL(ioctl)(fd, request, arg);
	/* A descriptor for one of our descriptions that the shim never saw
	 * being made (SCM_RIGHTS, a raw dup syscall): adopt it and retry. */
	if (rc < 0 && errno == ENOTTY && _IOC_TYPE(request) == IOMMUFD_IOCTL_TYPE &&
	    shim_fdt_any() && shim_fdt_adopt(fd)) {
		t = shim_fdt_get(fd, NULL);
		if (t)
			return emulated_ioctl(fd, t, request, arg);
		errno = ENOTTY;
	}
	return rc;
}

/* ------------------------------------------------- read, write, seek, mmap */

/* 0 if `fd` is not emulated, else the errno a read (or write) gets. */
static int rw_errno(int fd, bool write)
{
	struct shim_tctx *t;
	int acc;

	if (!shim_fdt_any())
		return 0;
	t = shim_fdt_get(fd, &acc);
	if (!t)
		return 0;
	shim_transport->put(t);
	/* The VFS checks the open mode before the missing method. */
	if (write ? acc == O_RDONLY : acc == O_WRONLY)
		return EBADF;
	return EINVAL;
}

#define RW_CHECK(fd, write)                           \
	do {                                          \
		int e_ = rw_errno(fd, write);         \
		if (e_)                               \
			return fail(e_);              \
	} while (0)

SHIM_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	RW_CHECK(fd, false);
	return REAL(read)(fd, buf, n);
}

SHIM_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	RW_CHECK(fd, true);
	return REAL(write)(fd, buf, n);
}

SHIM_EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	RW_CHECK(fd, false);
	return REAL(pread)(fd, buf, n, off);
}

SHIM_EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	RW_CHECK(fd, false);
	return REAL(pread64)(fd, buf, n, off);
}

SHIM_EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	RW_CHECK(fd, true);
	return REAL(pwrite)(fd, buf, n, off);
}

SHIM_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	RW_CHECK(fd, true);
	return REAL(pwrite64)(fd, buf, n, off);
}

SHIM_EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	RW_CHECK(fd, false);
	return REAL(readv)(fd, iov, cnt);
}

SHIM_EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	RW_CHECK(fd, true);
	return REAL(writev)(fd, iov, cnt);
}

SHIM_EXPORT ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	RW_CHECK(fd, false);
	return REAL(preadv)(fd, iov, cnt, off);
}

SHIM_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off_t off)
{
	RW_CHECK(fd, false);
	return REAL(preadv64)(fd, iov, cnt, off);
}

SHIM_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	RW_CHECK(fd, true);
	return REAL(pwritev)(fd, iov, cnt, off);
}

SHIM_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off)
{
	RW_CHECK(fd, true);
	return REAL(pwritev64)(fd, iov, cnt, off);
}

SHIM_EXPORT ssize_t preadv2(int fd, const struct iovec *iov, int cnt, off_t off,
			    int flags)
{
	RW_CHECK(fd, false);
	if (!REAL(preadv2))
		return fail(ENOSYS);
	return REAL(preadv2)(fd, iov, cnt, off, flags);
}

SHIM_EXPORT ssize_t pwritev2(int fd, const struct iovec *iov, int cnt, off_t off,
			     int flags)
{
	RW_CHECK(fd, true);
	if (!REAL(pwritev2))
		return fail(ENOSYS);
	return REAL(pwritev2)(fd, iov, cnt, off, flags);
}

static bool is_emulated(int fd)
{
	struct shim_tctx *t;

	if (!shim_fdt_any())
		return false;
	t = shim_fdt_get(fd, NULL);
	if (!t)
		return false;
	shim_transport->put(t);
	return true;
}

SHIM_EXPORT off_t lseek(int fd, off_t off, int whence)
{
	if (is_emulated(fd))
		return fail(ESPIPE);
	return REAL(lseek)(fd, off, whence);
}

SHIM_EXPORT off_t lseek64(int fd, off_t off, int whence)
{
	if (is_emulated(fd))
		return fail(ESPIPE);
	return REAL(lseek64)(fd, off, whence);
}

static void *emulated_mmap(struct shim_tctx *t, int acc, void *addr,
			   size_t len, int prot, int flags, off_t off)
{
	long page = sysconf(_SC_PAGESIZE);
	int type = flags & MAP_TYPE;
	void *res = MAP_FAILED;
	int rc;

	/* The generic checks of mmap(2) come first, then the device's. */
	if (!len || (off & (page - 1)))
		rc = -EINVAL;
	else if (acc == O_WRONLY ||
		 ((prot & PROT_WRITE) && type != MAP_PRIVATE && acc == O_RDONLY))
		rc = -EACCES;
	else if (type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		rc = -EINVAL;
	else if (prot & PROT_EXEC)
		rc = -EPERM;
	else
		rc = shim_transport->mmap(t, addr, len, prot, flags, off, &res);
	shim_transport->put(t);
	if (rc < 0) {
		errno = -rc;
		return MAP_FAILED;
	}
	return res;
}

static void *do_mmap(void *(*real)(void *, size_t, int, int, int, off_t),
		     void *addr, size_t len, int prot, int flags, int fd,
		     off_t off)
{
	if (!(flags & MAP_ANONYMOUS) && fd >= 0 && shim_fdt_any()) {
		int acc;
		struct shim_tctx *t = shim_fdt_get(fd, &acc);

		if (t)
			return emulated_mmap(t, acc, addr, len, prot, flags, off);
	}
	return real(addr, len, prot, flags, fd, off);
}

SHIM_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	return do_mmap(REAL(mmap), addr, len, prot, flags, fd, off);
}

SHIM_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			 off_t off)
{
	return do_mmap(REAL(mmap64), addr, len, prot, flags, fd, off);
}

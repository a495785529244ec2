/* SPDX-License-Identifier: MIT */
/*
 * The real libc entry points behind the ones the preload library
 * interposes, found with dlsym(RTLD_NEXT, ...).
 *
 * shim_real is filled exactly once, on first use or from the library
 * constructor, whichever comes first (pthread_once, so concurrent first calls
 * are safe).  REAL(fn) is the only way shim code calls an interposed libc
 * function: calling the plain name from inside the shim would come back to
 * the shim.  A missing symbol (an old libc without close_range, say) leaves
 * the pointer NULL and the wrapper reports ENOSYS.
 */
#ifndef UIOMMUFD_SHIM_REAL_H
#define UIOMMUFD_SHIM_REAL_H

#include <stdio.h>
#include <sys/types.h>
#include <sys/uio.h>

struct shim_real {
	int (*open)(const char *, int, ...);
	int (*open64)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*openat64)(int, const char *, int, ...);
	int (*__open_2)(const char *, int);
	int (*__open64_2)(const char *, int);
	int (*__openat_2)(int, const char *, int);
	int (*__openat64_2)(int, const char *, int);
	FILE *(*fopen)(const char *, const char *);
	FILE *(*fopen64)(const char *, const char *);
	int (*fclose)(FILE *);
	int (*close)(int);
	int (*close_range)(unsigned int, unsigned int, int);
	void (*closefrom)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
	int (*ioctl)(int, unsigned long, ...);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*pread64)(int, void *, size_t, off_t);
	ssize_t (*pwrite)(int, const void *, size_t, off_t);
	ssize_t (*pwrite64)(int, const void *, size_t, off_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*preadv)(int, const struct iovec *, int, off_t);
	ssize_t (*preadv64)(int, const struct iovec *, int, off_t);
	ssize_t (*pwritev)(int, const struct iovec *, int, off_t);
	ssize_t (*pwritev64)(int, const struct iovec *, int, off_t);
	ssize_t (*preadv2)(int, const struct iovec *, int, off_t, int);
	ssize_t (*pwritev2)(int, const struct iovec *, int, off_t, int);
	off_t (*lseek)(int, off_t, int);
	off_t (*lseek64)(int, off_t, int);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	void *(*mmap64)(void *, size_t, int, int, int, off_t);
};

extern struct shim_real shim_real;
void shim_real_init(void);

#define REAL(fn) (shim_real_init(), shim_real.fn)

#endif

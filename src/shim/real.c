/* SPDX-License-Identifier: MIT */
/*
 * Resolution of the real libc functions (see real.h).  Every pointer is
 * looked up once with dlsym(RTLD_NEXT): the next definition after the
 * preload library in the lookup order, which is libc's (or a sanitizer's
 * interceptor that itself forwards to libc).
 */
#include <dlfcn.h>
#include <pthread.h>

#include "shim/real.h"

struct shim_real shim_real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

#define RESOLVE(fn) (*(void **)&shim_real.fn = dlsym(RTLD_NEXT, #fn))

static void real_resolve(void)
{
	RESOLVE(open);
	RESOLVE(open64);
	RESOLVE(openat);
	RESOLVE(openat64);
	RESOLVE(__open_2);
	RESOLVE(__open64_2);
	RESOLVE(__openat_2);
	RESOLVE(__openat64_2);
	RESOLVE(fopen);
	RESOLVE(fopen64);
	RESOLVE(fclose);
	RESOLVE(close);
	RESOLVE(close_range);
	RESOLVE(closefrom);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(fcntl);
	RESOLVE(fcntl64);
	RESOLVE(ioctl);
	RESOLVE(read);
	RESOLVE(write);
	RESOLVE(pread);
	RESOLVE(pread64);
	RESOLVE(pwrite);
	RESOLVE(pwrite64);
	RESOLVE(readv);
	RESOLVE(writev);
	RESOLVE(preadv);
	RESOLVE(preadv64);
	RESOLVE(pwritev);
	RESOLVE(pwritev64);
	RESOLVE(preadv2);
	RESOLVE(pwritev2);
	RESOLVE(lseek);
	RESOLVE(lseek64);
	RESOLVE(mmap);
	RESOLVE(mmap64);
}

void shim_real_init(void)
{
	pthread_once(&real_once, real_resolve);
}

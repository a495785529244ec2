/* SPDX-License-Identifier: MIT */
/*
 * The descriptor table of the preload library (design in fdtable.h).
 *
 * Glossary: "desc" is an emulated open file description (one per open() of
 * /dev/iommu); "fd" is a descriptor number; the map is indexed by fd.
 *
 * Overflow hazards: fds are ints >= 0; the map length only grows and is
 * bounded by the process's descriptor limit, so fd + 1 cannot wrap.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim/fdtable.h"
#include "shim/real.h"
#include "shim/shim.h"
#include "shim/trace.h"

struct shim_desc {
	dev_t dev;
	ino_t ino;
	struct shim_tctx *tctx; /* the description's reference ("the file") */
	int accmode;            /* O_RDONLY / O_WRONLY / O_RDWR as opened */
	unsigned int nfds;      /* map entries naming this desc */
	struct shim_desc *next; /* fdt_descs list */
};

static pthread_rwlock_t fdt_lock = PTHREAD_RWLOCK_INITIALIZER;
/* All below: guarded by fdt_lock. */
static struct shim_desc **fdt_map;
static size_t fdt_len;
static struct shim_desc *fdt_descs;
/* Live descs; written under fdt_lock, read without it for the fast path. */
static unsigned long fdt_ndescs;

bool shim_fdt_any(void)
{
	return __atomic_load_n(&fdt_ndescs, __ATOMIC_ACQUIRE) != 0;
}

static struct shim_desc *map_get(int fd)
{
	if (fd < 0 || (size_t)fd >= fdt_len)
		return NULL;
	return fdt_map[fd];
}

/* Make room for index `fd`; caller holds fdt_lock exclusively. */
static int map_reserve(int fd)
{
	struct shim_desc **nmap;
	size_t nlen;

	if (fd < 0)
		return -EBADF;
	if ((size_t)fd < fdt_len)
		return 0;
	nlen = fdt_len ? fdt_len : 64;
	while (nlen <= (size_t)fd)
		nlen *= 2;
	nmap = realloc(fdt_map, nlen * sizeof(*nmap));
	if (!nmap)
		return -ENOMEM;
	memset(nmap + fdt_len, 0, (nlen - fdt_len) * sizeof(*nmap));
	fdt_map = nmap;
	fdt_len = nlen;
	return 0;
}

static void map_set(int fd, struct shim_desc *d)
{
	fdt_map[fd] = d;
	d->nfds++;
}

static bool fd_matches(int fd, dev_t dev, ino_t ino)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

/*
 * `d` has no known descriptor left.  Look through /proc/self/fd for
 * descriptors created behind our back that still refer to it and adopt
 * them; if there are none, unlink `d` and return it so the caller puts its
 * context after dropping the lock.  Caller holds fdt_lock exclusively.
 */
static struct shim_desc *desc_retire(struct shim_desc *d)
{
	struct shim_desc **pp;
	struct dirent *de;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (dir) {
		while ((de = readdir(dir)) != NULL) {
			char *end;
			long fd = strtol(de->d_name, &end, 10);

			if (*end || end == de->d_name || fd == dirfd(dir))
				continue;
			if (map_get((int)fd) || !fd_matches((int)fd, d->dev, d->ino))
				continue;
			if (map_reserve((int)fd) == 0) {
				map_set((int)fd, d);
				shim_log(SHIM_LOG_DEBUG,
					 "fd %ld adopted (created outside the shim)",
					 fd);
			}
		}
		closedir(dir);
	}
	if (d->nfds)
		return NULL;
	for (pp = &fdt_descs; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	__atomic_store_n(&fdt_ndescs, fdt_ndescs - 1, __ATOMIC_RELEASE);
	return d;
}

static void desc_free(struct shim_desc *d)
{
	if (!d)
		return;
	shim_log(SHIM_LOG_DEBUG, "last descriptor of context %p closed",
		 (void *)d->tctx);
	shim_transport->put(d->tctx);
	free(d);
}

/* Remove map entry `fd` (which names `d`); caller holds the lock. */
static struct shim_desc *map_clear(int fd, struct shim_desc *d)
{
	fdt_map[fd] = NULL;
	d->nfds--;
	return d->nfds ? NULL : desc_retire(d);
}

int shim_fdt_install(int fd, struct shim_tctx *tctx, int accmode)
{
	struct shim_desc *d, *old, *dead = NULL;
	struct stat st;
	int rc;

	if (fstat(fd, &st) < 0)
		return -errno;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->tctx = tctx;
	d->accmode = accmode;

	pthread_rwlock_wrlock(&fdt_lock);
	rc = map_reserve(fd);
	if (rc) {
		pthread_rwlock_unlock(&fdt_lock);
		free(d);
		return rc;
	}
	/* A stale entry (its fd was closed behind our back) is replaced. */
	old = map_get(fd);
	if (old)
		dead = map_clear(fd, old);
	map_set(fd, d);
	d->next = fdt_descs;
	fdt_descs = d;
	__atomic_store_n(&fdt_ndescs, fdt_ndescs + 1, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&fdt_lock);
	desc_free(dead);
	shim_log(SHIM_LOG_DEBUG, "fd %d: new context %p (inode %lu)", fd,
		 (void *)tctx, (unsigned long)st.st_ino);
	return 0;
}

static void drop_stale(int fd, struct shim_desc *d)
{
	struct shim_desc *dead = NULL;

	pthread_rwlock_wrlock(&fdt_lock);
	if (map_get(fd) == d) {
		shim_log(SHIM_LOG_WARN,
			 "fd %d was closed without close(); forgetting it", fd);
		dead = map_clear(fd, d);
	}
	pthread_rwlock_unlock(&fdt_lock);
	desc_free(dead);
}

struct shim_tctx *shim_fdt_get(int fd, int *accmode)
{
	struct shim_tctx *tctx = NULL;
	struct shim_desc *d;
	dev_t dev = 0;
	ino_t ino = 0;

	pthread_rwlock_rdlock(&fdt_lock);
	d = map_get(fd);
	if (d) {
		tctx = d->tctx;
		dev = d->dev;
		ino = d->ino;
		if (accmode)
			*accmode = d->accmode;
		shim_transport->get(tctx);
	}
	pthread_rwlock_unlock(&fdt_lock);
	if (!d)
		return NULL;
	if (!fd_matches(fd, dev, ino)) {
		shim_transport->put(tctx);
		drop_stale(fd, d);
		return NULL;
	}
	return tctx;
}

bool shim_fdt_adopt(int fd)
{
	struct shim_desc *d;
	struct stat st;
	bool found = false;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	pthread_rwlock_wrlock(&fdt_lock);
	if (map_get(fd)) {
		found = true;
		goto out_unlock;
	}
	for (d = fdt_descs; d; d = d->next) {
		if (d->dev == st.st_dev && d->ino == st.st_ino) {
			if (map_reserve(fd) == 0) {
				map_set(fd, d);
				found = true;
				shim_log(SHIM_LOG_DEBUG, "fd %d adopted", fd);
			}
			break;
		}
	}
out_unlock:
	pthread_rwlock_unlock(&fdt_lock);
	return found;
}

int shim_fdt_close(int fd, int (*real_close)(int), bool *handled)
{
	struct shim_desc *d, *dead = NULL;
	int rc, err;

	pthread_rwlock_wrlock(&fdt_lock);
	d = map_get(fd);
	if (!d) {
		pthread_rwlock_unlock(&fdt_lock);
		*handled = false;
		return 1;
	}
	*handled = true;
	/*
	 * Close the kernel descriptor while the entry still exists and the
	 * lock is held, so that no other thread can be handed this fd number
	 * by open() and register it before we clear the entry.
	 */
	rc = real_close(fd);
	err = errno;
	dead = map_clear(fd, d);
	pthread_rwlock_unlock(&fdt_lock);
	desc_free(dead);
	errno = err;
	return rc;
}

int shim_fdt_dup(int oldfd, int target, int (*dupfn)(void *), void *arg)
{
	struct shim_desc *od, *cur, *dead = NULL;
	int rc, err;

	pthread_rwlock_wrlock(&fdt_lock);
	od = map_get(oldfd);
	if (od && target >= 0 && map_reserve(target)) {
		pthread_rwlock_unlock(&fdt_lock);
		errno = ENOMEM;
		return -1;
	}
	rc = dupfn(arg);
	err = errno;
	if (rc < 0 || rc == oldfd)
		goto out_unlock;
	/* What the new number named before (dup2/dup3 target, or a stale
	 * entry) has just been closed by the kernel. */
	cur = map_get(rc);
	if (cur)
		dead = map_clear(rc, cur);
	if (od) {
		if (map_reserve(rc)) {
			/* Cannot track the copy: undo it rather than leak. */
			REAL(close)(rc);
			rc = -1;
			err = ENOMEM;
			goto out_unlock;
		}
		map_set(rc, od);
	}
out_unlock:
	pthread_rwlock_unlock(&fdt_lock);
	desc_free(dead);
	errno = err;
	return rc;
}

int shim_fdt_list(unsigned int first, unsigned int last, int *fds, int max)
{
	size_t fd;
	int n = 0;

	pthread_rwlock_rdlock(&fdt_lock);
	for (fd = first; fd < fdt_len && fd <= last && n < max; fd++)
		if (fdt_map[fd])
			fds[n++] = (int)fd;
	pthread_rwlock_unlock(&fdt_lock);
	return n;
}

static void fdt_prepare(void)
{
	pthread_rwlock_wrlock(&fdt_lock);
}

static void fdt_parent(void)
{
	pthread_rwlock_unlock(&fdt_lock);
}

static void fdt_child(void)
{
	/* The child is single-threaded: start from a fresh, unlocked lock. */
	pthread_rwlock_init(&fdt_lock, NULL);
}

void shim_fdt_atfork_init(void)
{
	pthread_atfork(fdt_prepare, fdt_parent, fdt_child);
}

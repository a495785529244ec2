/* SPDX-License-Identifier: MIT */
/*
 * Descriptors the library hands out (the test access fd, later fault and
 * event queue fds).  Each is a real kernel object (a memfd here), so that fd
 * numbers, fstat, O_CLOEXEC and descriptor limits behave as with the kernel.
 *
 * The registry maps a descriptor number to its owner; an entry also records
 * the backing inode, so that a number that was closed behind our back and
 * reused by an unrelated file is never mistaken for ours.  Lookups take a
 * reference on the entry (`refs`), so a concurrent uiommufd_fd_close() only
 * releases the owner once the last user is done.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/fd.h"
#include "uiommufd/uiommufd.h"
#include "util/debug.h"
#include "util/fork_guard.h"
#include "util/fault_inject.h"

struct abi_fd {
	int fd;
	ino_t ino;
	dev_t dev;
	const struct abi_fd_ops *ops;
	void *priv;
	int refs;	/* the table's + one per abi_fd_get() */
};

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct abi_fd **fd_table; /* indexed by fd number */
static unsigned int fd_table_len;

int abi_fd_create(const char *name, bool cloexec, const struct abi_fd_ops *ops,
		  void *priv, int *fdp)
{
	struct abi_fd *ent, *stale;
	struct stat st;
	int fd;

	if (should_fail("fd.create"))
		return -ENOMEM;
	ent = calloc(1, sizeof(*ent));
	if (!ent)
		return -ENOMEM;
	fd = memfd_create(name, cloexec ? MFD_CLOEXEC : 0);
	if (fd < 0 || fstat(fd, &st)) {
		int err = fd < 0 ? errno : EIO;

		if (fd >= 0)
			close(fd);
		free(ent);
		return err == EMFILE || err == ENFILE ? -ENOMEM : -err;
	}
	ent->fd = fd;
	ent->ino = st.st_ino;
	ent->dev = st.st_dev;
	ent->ops = ops;
	ent->priv = priv;
	ent->refs = 1;

	pthread_mutex_lock(&fd_lock);
	if ((unsigned int)fd >= fd_table_len) {
		unsigned int n = fd_table_len ? fd_table_len : 64;
		struct abi_fd **t;

		while (n <= (unsigned int)fd)
			n *= 2;
		t = realloc(fd_table, n * sizeof(*t));
		if (!t) {
			pthread_mutex_unlock(&fd_lock);
			close(fd);
			free(ent);
			return -ENOMEM;
		}
		for (unsigned int i = fd_table_len; i < n; i++)
			t[i] = NULL;
		fd_table = t;
		fd_table_len = n;
	}
	/* A stale entry (its number was closed with plain close() and is now
	 * reused by us) is released: its descriptor is gone anyway. */
	stale = fd_table[fd];
	fd_table[fd] = ent;
	pthread_mutex_unlock(&fd_lock);
	if (stale)
		abi_fd_put(stale);
	*fdp = fd;
	return 0;
}

static bool same_file(struct abi_fd *ent)
{
	struct stat st;

	return fstat(ent->fd, &st) == 0 && st.st_ino == ent->ino &&
	       st.st_dev == ent->dev;
}

static struct abi_fd *lookup_locked(int fd)
{
	struct abi_fd *ent = NULL;

	if (fd >= 0 && (unsigned int)fd < fd_table_len)
		ent = fd_table[fd];
	if (ent && !same_file(ent))
		ent = NULL;
	return ent;
}

struct abi_fd *abi_fd_get(int fd, const struct abi_fd_ops *ops, void **privp)
{
	struct abi_fd *ent;

	pthread_mutex_lock(&fd_lock);
	ent = lookup_locked(fd);
	if (ent && ent->ops != ops)
		ent = NULL;
	if (ent)
		ent->refs++;
	pthread_mutex_unlock(&fd_lock);
	if (ent)
		*privp = ent->priv;
	return ent;
}

void abi_fd_put(struct abi_fd *ent)
{
	bool last;

	pthread_mutex_lock(&fd_lock);
	last = --ent->refs == 0;
	pthread_mutex_unlock(&fd_lock);
	if (last) {
		ent->ops->release(ent->priv);
		free(ent);
	}
}

UIO_EXPORT int uiommufd_fd_is_ours(int fd)
{
	FORK_GUARD();
	bool ours;

	pthread_mutex_lock(&fd_lock);
	ours = lookup_locked(fd) != NULL;
	pthread_mutex_unlock(&fd_lock);
	return ours;
}

UIO_EXPORT int uiommufd_fd_close(int fd)
{
	FORK_GUARD();
	struct abi_fd *ent;

	pthread_mutex_lock(&fd_lock);
	ent = lookup_locked(fd);
	if (ent)
		fd_table[fd] = NULL;
	pthread_mutex_unlock(&fd_lock);
	if (!ent)
		return 0;
	close(fd);
	abi_fd_put(ent);
	return 1;
}

// SPDX-License-Identifier: MIT
/*
 * RLIMIT_MEMLOCK accounting of pinned pages and the capability checks tied
 * to it (semantics.md section 9.3).
 *
 * Counters, all in pages:
 *  - USER mode: one counter per real uid, in a process-global table
 *    (user_table, guarded by user_lock).  The kernel's counter is shared by
 *    every process of the user; ours can only see this process's charges.
 *  - MM mode: mm->locked_pages, guarded by mm->lock.  The kernel's locked_vm
 *    also counts mlock(); ours only counts pins.
 *  - NONE: nothing.
 * The limit is the soft RLIMIT_MEMLOCK of the mm's process >> PAGE_SHIFT,
 * read at every charge; RLIM_INFINITY means no limit.  A charge that would
 * take the counter past the limit fails with -ENOMEM and charges nothing;
 * refunds never fail, and a refund below zero is a bug (asserted).
 *
 * Capabilities are read with the raw capget(2) system call (version 3, two
 * 32-bit words), for the calling thread only, so no libcap is needed.
 *
 * Overflow: `delta` is int64_t; its magnitude is taken as uint64_t so that
 * INT64_MIN is handled, and counter + magnitude is overflow-checked.
 */
#include <errno.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "umem/umem_mm.h"
#include "util/debug.h"
#include "util/fault_inject.h"

struct user_charge {
	uid_t uid;
	uint64_t pages;
};

static pthread_mutex_t user_lock = PTHREAD_MUTEX_INITIALIZER;
static struct user_charge *user_table; /* guarded by user_lock */
static size_t user_count, user_cap;

bool umem_capable(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (cap < 0 || cap >= 32 * _LINUX_CAPABILITY_U32S_3)
		return false;
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

enum umem_account_mode umem_account_mode_for(int rlimit_mode)
{
	if (umem_capable(CAP_IPC_LOCK))
		return UMEM_ACCOUNT_NONE;
	return rlimit_mode ? UMEM_ACCOUNT_MM : UMEM_ACCOUNT_USER;
}

/* Apply delta to *counter if the result stays within limit. */
static int charge(uint64_t *counter, int64_t delta, uint64_t limit)
{
	uint64_t mag, next;

	if (delta < 0) {
		mag = (uint64_t)0 - (uint64_t)delta;
		UIO_ASSERT(*counter >= mag);
		*counter = *counter >= mag ? *counter - mag : 0;
		return 0;
	}
	mag = (uint64_t)delta;
	if (__builtin_add_overflow(*counter, mag, &next) || next > limit)
		return -ENOMEM;
	*counter = next;
	return 0;
}

static struct user_charge *user_find(uid_t uid)
{
	for (size_t i = 0; i < user_count; i++)
		if (user_table[i].uid == uid)
			return &user_table[i];
	return NULL;
}

static struct user_charge *user_find_or_add(uid_t uid)
{
	struct user_charge *u = user_find(uid);

	if (u)
		return u;
	if (user_count == user_cap) {
		size_t ncap = user_cap ? user_cap * 2 : 4;
		struct user_charge *nt =
			fi_realloc("umem.user_table", user_table,
				   ncap * sizeof(*nt));

		if (!nt)
			return NULL;
		user_table = nt;
		user_cap = ncap;
	}
	u = &user_table[user_count++];
	u->uid = uid;
	u->pages = 0;
	return u;
}

int umem_account(struct umem_mm *mm, enum umem_account_mode mode, int64_t delta)
{
	uint64_t limit = UINT64_MAX;
	int ret;

	if (mode == UMEM_ACCOUNT_NONE || delta == 0)
		return 0;
	if (delta > 0) {
		if (should_fail("umem.account"))
			return -ENOMEM;
		limit = mm->ops->memlock_limit_pages(mm);
	}

	switch (mode) {
	case UMEM_ACCOUNT_USER: {
		struct user_charge *u;

		pthread_mutex_lock(&user_lock);
		u = delta > 0 ? user_find_or_add(mm->uid) : user_find(mm->uid);
		UIO_ASSERT(u || delta > 0);
		if (!u)
			ret = delta > 0 ? -ENOMEM : 0;
		else
			ret = charge(&u->pages, delta, limit);
		pthread_mutex_unlock(&user_lock);
		return ret;
	}
	case UMEM_ACCOUNT_MM:
		pthread_mutex_lock(&mm->lock);
		ret = charge(&mm->locked_pages, delta, limit);
		pthread_mutex_unlock(&mm->lock);
		return ret;
	default:
		UIO_ASSERT(0);
		return -EINVAL;
	}
}

uint64_t umem_accounted(struct umem_mm *mm, enum umem_account_mode mode)
{
	uint64_t v = 0;

	switch (mode) {
	case UMEM_ACCOUNT_USER: {
		struct user_charge *u;

		pthread_mutex_lock(&user_lock);
		u = user_find(mm->uid);
		v = u ? u->pages : 0;
		pthread_mutex_unlock(&user_lock);
		break;
	}
	case UMEM_ACCOUNT_MM:
		pthread_mutex_lock(&mm->lock);
		v = mm->locked_pages;
		pthread_mutex_unlock(&mm->lock);
		break;
	default:
		break;
	}
	return v;
}

// SPDX-License-Identifier: MIT
/*
 * Copying ioctl arguments to and from the calling process without ever
 * faulting.
 *
 * Method: process_vm_readv()/process_vm_writev() on our own pid.  The kernel
 * performs the access on our behalf and reports an unreadable or
 * unwritable address as an error or a short count instead of a signal, so
 * NULL, unmapped, PROT_NONE, read-only (for writes) and half-unmapped
 * buffers all become -EFAULT.  Any short transfer is -EFAULT, and a
 * failed copy_to_user may have written a prefix (as in the kernel).
 *
 * Cost: about 1.2 us per call for 8..72 bytes on the development host,
 * where a bare system call costs about 0.23 us (measured by
 * bench in tests/unit/umem/test_umem_copy.c, see the report).  Faster
 * alternatives were rejected:
 *  - a SIGSEGV handler that recovers from faults inside our copy loop:
 *    sigaction() is process-wide, so installing it (permanently or around
 *    each copy) replaces or races with the host program's own handler and
 *    with runtimes that rely on theirs;
 *  - a per-thread pipe (write(uaddr) then read()): about 0.7 us, but it
 *    keeps hidden file descriptors that the host program can close or
 *    dup2() over, and a forked child shares them with the parent;
 *  - caching known-good ranges: memory can be unmapped at any moment.
 *
 * Glossary: `uaddr` is an address in the calling process; [uaddr,
 * uaddr + len) must not wrap (a wrapping range is -EFAULT); len == 0 is a
 * successful no-op that touches nothing.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "umem/umem.h"
#include "umem/umem_mm.h"
#include "util/fault_inject.h"

/*
 * Our pid, cached because getpid() is a full system call (about 0.23 us
 * here).  0 means "not known"; a pthread_atfork() child handler resets it,
 * so a child made by fork() never reads its parent's memory.  (A child made
 * by a raw clone() system call would not run the handler; such a child
 * cannot safely use libc either.)
 */
static pid_t umem_self_pid;
static pthread_once_t umem_self_once = PTHREAD_ONCE_INIT;

static void umem_self_pid_reset(void)
{
	__atomic_store_n(&umem_self_pid, 0, __ATOMIC_RELAXED);
}

static void umem_self_pid_register(void)
{
	pthread_atfork(NULL, NULL, umem_self_pid_reset);
}

pid_t umem_self_pid_get(void)
{
	pid_t pid = __atomic_load_n(&umem_self_pid, __ATOMIC_RELAXED);

	if (__builtin_expect(pid != 0, 1))
		return pid;
	pthread_once(&umem_self_once, umem_self_pid_register);
	pid = getpid();
	__atomic_store_n(&umem_self_pid, pid, __ATOMIC_RELAXED);
	return pid;
}

static int umem_range_ok(uint64_t uaddr, size_t len)
{
	uint64_t end;

	if (len > SSIZE_MAX)
		return -EFAULT;
	if (__builtin_add_overflow(uaddr, (uint64_t)len, &end))
		return -EFAULT;
	if (uaddr > UINTPTR_MAX || end - 1 > UINTPTR_MAX)
		return -EFAULT;
	return 0;
}

int umem_copy_from_user(void *dst, uint64_t uaddr, size_t len)
{
	struct iovec local, remote;
	ssize_t n;

	if (!len)
		return 0;
	if (should_fail("umem.copy_from_user") || umem_range_ok(uaddr, len))
		return -EFAULT;
	local.iov_base = dst;
	local.iov_len = len;
	remote.iov_base = (void *)(uintptr_t)uaddr;
	remote.iov_len = len;
	n = process_vm_readv(umem_self_pid_get(), &local, 1, &remote, 1, 0);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

/*
 * Read as much of [uaddr, uaddr + len) as is readable from its start, in one
 * system call: returns the number of bytes copied (> 0), or -EFAULT when not
 * even the first byte is readable.  The ioctl dispatcher uses it to fetch the
 * `size` word and the whole struct at once.
 */
ssize_t umem_copy_from_user_prefix(void *dst, uint64_t uaddr, size_t len)
{
	struct iovec local, remote;
	ssize_t n;

	if (!len)
		return 0;
	if (should_fail("umem.copy_from_user") || umem_range_ok(uaddr, 1))
		return -EFAULT;
	if (umem_range_ok(uaddr, len))
		len = (size_t)(UINTPTR_MAX - uaddr) + 1;
	local.iov_base = dst;
	local.iov_len = len;
	remote.iov_base = (void *)(uintptr_t)uaddr;
	remote.iov_len = len;
	n = process_vm_readv(umem_self_pid_get(), &local, 1, &remote, 1, 0);
	return n > 0 ? n : -EFAULT;
}

int umem_copy_to_user(uint64_t uaddr, const void *src, size_t len)
{
	struct iovec local, remote;
	ssize_t n;

	if (!len)
		return 0;
	if (should_fail("umem.copy_to_user") || umem_range_ok(uaddr, len))
		return -EFAULT;
	local.iov_base = (void *)src;
	local.iov_len = len;
	remote.iov_base = (void *)(uintptr_t)uaddr;
	remote.iov_len = len;
	n = process_vm_writev(umem_self_pid_get(), &local, 1, &remote, 1, 0);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

/*
 * Read in chunks and stop at the first non-zero byte, so a non-zero byte
 * before an unreadable tail reports -E2BIG (the kernel's check_zeroed_user
 * also stops reading at the first non-zero word).  A chunk that is only
 * partly readable has its readable prefix checked before -EFAULT.
 */
/*
 * Several copy-outs in one system call, done in order; -EFAULT if any byte
 * of any piece could not be written (earlier pieces may have been).
 */
int umem_copy_to_user_vec(const struct umem_out *outs, unsigned int n)
{
	struct iovec local[UMEM_OUT_MAX], remote[UMEM_OUT_MAX];
	size_t total = 0;
	unsigned int k = 0;
	ssize_t done;

	if (n > UMEM_OUT_MAX)
		return -EINVAL;
	if (should_fail("umem.copy_to_user"))
		return -EFAULT;
	for (unsigned int i = 0; i < n; i++) {
		if (!outs[i].len)
			continue;
		if (umem_range_ok(outs[i].uaddr, outs[i].len))
			return -EFAULT;
		local[k].iov_base = (void *)outs[i].src;
		local[k].iov_len = outs[i].len;
		remote[k].iov_base = (void *)(uintptr_t)outs[i].uaddr;
		remote[k].iov_len = outs[i].len;
		total += outs[i].len;
		k++;
	}
	if (!k)
		return 0;
	done = process_vm_writev(umem_self_pid_get(), local, k, remote, k, 0);
	return done == (ssize_t)total ? 0 : -EFAULT;
}

int umem_check_zeroed_user(uint64_t uaddr, size_t len)
{
	static const uint8_t zero[512];
	uint8_t buf[512];

	if (!len)
		return 0;
	if (should_fail("umem.check_zeroed") || umem_range_ok(uaddr, len))
		return -EFAULT;
	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);
		struct iovec local = { buf, n };
		struct iovec remote = { (void *)(uintptr_t)uaddr, n };
		ssize_t got = process_vm_readv(umem_self_pid_get(), &local, 1, &remote, 1, 0);

		if (got > 0 && memcmp(buf, zero, (size_t)got))
			return -E2BIG;
		if (got != (ssize_t)n)
			return -EFAULT;
		uaddr += n;
		len -= n;
	}
	return 0;
}

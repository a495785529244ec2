/* SPDX-License-Identifier: MIT */
/*
 * Review finding: the library's internal locks are not fork-safe.
 *
 * docs/shim.md: after fork() the child owns a copy-on-write snapshot of
 * every context and keeps using it; "uiommufd must make its own state
 * fork-safe".  Only the shim's fd table has pthread_atfork handlers; the
 * context table lock (ctx->lock), the IOAS rwlocks, pages->mutex, the
 * accounting table lock (umem/account.c user_lock), the mm cache lock
 * (umem/mm_self.c self_cache_lock) and the descriptor registry lock
 * (abi/fd.c fd_lock) are copied in whatever state another thread had
 * them at the moment of fork().  A child that then calls into the library
 * blocks forever on a lock whose owner does not exist in the child.
 *
 * A worker thread maps/unmaps in a loop; the main thread forks; each child
 * allocates an IOAS and maps/unmaps on its copy of the context, with an
 * alarm.  Pass = every child finishes.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "../access/access_util.h"

#define FORKS 200

static struct uiommufd_ctx *ctx;
static uint32_t ioas;
static void *mem;
static atomic_int stop;

static void *worker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		uint64_t n;
		uint32_t tmp;

		t_map(ctx, ioas, mem, 16 * page_size(), 0x200000, T_RW);
		t_unmap(ctx, ioas, 0x200000, 16 * page_size(), &n);
		if (!t_ioas(ctx, &tmp))
			t_destroy(ctx, tmp);
	}
	return NULL;
}

static void child(void)
{
	uint32_t id;
	uint64_t n;

	/* generous: under a sanitizer on a loaded machine the child's
	 * copy-on-write faults alone can take seconds; a real deadlock never
	 * ends */
	alarm(20);
	if (t_ioas(ctx, &id))
		_exit(3);
	if (t_map(ctx, id, mem, page_size(), 0x100000, T_RW))
		_exit(4);
	if (t_unmap(ctx, id, 0x100000, page_size(), &n))
		_exit(5);
	_exit(0);
}

int main(void)
{
	pthread_t th;
	int hung = 0, failed = 0;

	if (uiommufd_open(&ctx))
		return 77;
	mem = t_mem(16 * page_size(), PROT_READ | PROT_WRITE, 1);
	if (t_ioas(ctx, &ioas))
		return 2;
	pthread_create(&th, NULL, worker, NULL);
	for (int i = 0; i < FORKS && hung < 3; i++) {
		int st;
		pid_t pid = fork();

		if (pid == 0)
			child();
		waitpid(pid, &st, 0);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
			hung++;
		else if (!WIFEXITED(st) || WEXITSTATUS(st))
			failed++;
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	uiommufd_close(ctx);
	printf("children hung on a library lock: %d, failed: %d\n", hung, failed);
	if (hung) {
		printf("FAIL: library lock held across fork() deadlocks the child\n");
		return 1;
	}
	printf("PASS\n");
	return failed ? 1 : 0;
}

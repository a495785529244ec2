// SPDX-License-Identifier: MIT
/*
 * Page identity: two MAP_SHARED views of one memfd name the same page at
 * the same offset; private pages are told apart by address (and by mm);
 * shared anonymous memory inherited across fork is one page in parent and
 * child, private memory is not.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "umem/umem.h"
#include "util/page.h"

static int setup(void **state)
{
	*state = umem_mm_current();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	umem_mm_put(*state);
	return 0;
}

static struct umem_page_id ident(struct umem_mm *mm, const void *p)
{
	struct umem_page_id id;

	memset(&id, 0xee, sizeof(id));
	assert_int_equal(umem_page_identity(mm, (uintptr_t)p, &id), 0);
	return id;
}

static void test_memfd_two_views(void **state)
{
	struct umem_mm *mm = *state;
	int fd = memfd_create("umem-id", 0);
	uint8_t *a, *b, *c;
	struct umem_page_id ia, ib, ids[4];

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(4 * PAGE_SIZE)), 0);
	a = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* second view starts one page into the file */
	b = mmap(NULL, 3 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
		 (off_t)PAGE_SIZE);
	c = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	assert_true(a != MAP_FAILED && b != MAP_FAILED && c != MAP_FAILED);

	ia = ident(mm, a + PAGE_SIZE);
	ib = ident(mm, b);
	assert_int_equal(ia.kind, UMEM_PAGE_SHARED);
	assert_true(umem_page_id_equal(&ia, &ib));
	/* any byte of the page */
	ib = ident(mm, b + PAGE_SIZE - 1);
	assert_true(umem_page_id_equal(&ia, &ib));
	/* a different offset is a different page */
	ib = ident(mm, b + PAGE_SIZE);
	assert_false(umem_page_id_equal(&ia, &ib));
	ia = ident(mm, a + 2 * PAGE_SIZE);
	assert_true(umem_page_id_equal(&ia, &ib));
	/* a private view of the same file is private */
	ia = ident(mm, c);
	assert_int_equal(ia.kind, UMEM_PAGE_PRIVATE);
	ib = ident(mm, a);
	assert_false(umem_page_id_equal(&ia, &ib));

	/* the batch form agrees page by page */
	assert_int_equal(umem_page_identities(mm, (uintptr_t)b, 3, ids), 0);
	for (int i = 0; i < 3; i++) {
		struct umem_page_id one = ident(mm, a + (size_t)(i + 1) * PAGE_SIZE);

		assert_true(umem_page_id_equal(&ids[i], &one));
	}
	munmap(a, 4 * PAGE_SIZE);
	munmap(b, 3 * PAGE_SIZE);
	munmap(c, PAGE_SIZE);
	close(fd);
}

static void test_private_by_address(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct umem_page_id i0, i1, i0b;

	assert_true(p != MAP_FAILED);
	i0 = ident(mm, p);
	i1 = ident(mm, p + PAGE_SIZE);
	i0b = ident(mm, p + 100);
	assert_int_equal(i0.kind, UMEM_PAGE_PRIVATE);
	assert_false(umem_page_id_equal(&i0, &i1));
	assert_true(umem_page_id_equal(&i0, &i0b));
	/* stable across writes and protection changes */
	p[0] = 1;
	assert_int_equal(mprotect(p, PAGE_SIZE, PROT_READ), 0);
	i0b = ident(mm, p);
	assert_true(umem_page_id_equal(&i0, &i0b));
	munmap(p, 2 * PAGE_SIZE);
}

static void test_unmapped(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *p = mmap(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct umem_page_id id, ids[3];

	assert_true(p != MAP_FAILED);
	assert_int_equal(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(umem_page_identity(mm, (uintptr_t)p + PAGE_SIZE, &id),
			 -EFAULT);
	assert_int_equal(umem_page_identities(mm, (uintptr_t)p, 3, ids),
			 -EFAULT);
	assert_int_equal(umem_page_identity(mm, 0, &id), -EFAULT);
	/* PROT_NONE memory is mapped: it has an identity */
	assert_int_equal(mprotect(p, PAGE_SIZE, PROT_NONE), 0);
	assert_int_equal(umem_page_identity(mm, (uintptr_t)p, &id), 0);
	munmap(p, PAGE_SIZE);
	munmap(p + 2 * PAGE_SIZE, PAGE_SIZE);
}

/* The child computes identities with its own mm and sends them back. */
static void test_fork(void **state)
{
	struct umem_mm *mm = *state;
	uint8_t *sh = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint8_t *pr = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct umem_page_id parent[3], child[3];
	int fds[2], status;
	pid_t pid;

	assert_true(sh != MAP_FAILED && pr != MAP_FAILED);
	parent[0] = ident(mm, sh);
	parent[1] = ident(mm, sh + PAGE_SIZE);
	parent[2] = ident(mm, pr);
	assert_int_equal(parent[0].kind, UMEM_PAGE_SHARED);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct umem_mm *cmm = umem_mm_current();
		int bad = !cmm || cmm == mm || umem_mm_pid(cmm) != getpid();

		memset(child, 0, sizeof(child));
		if (!bad) {
			bad |= umem_page_identity(cmm, (uintptr_t)sh, &child[0]);
			bad |= umem_page_identity(cmm, (uintptr_t)sh + PAGE_SIZE,
						  &child[1]);
			bad |= umem_page_identity(cmm, (uintptr_t)pr, &child[2]);
		}
		if (write(fds[1], child, sizeof(child)) != sizeof(child))
			bad = 1;
		_exit(bad ? 1 : 0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], child, sizeof(child)), sizeof(child));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_true(umem_page_id_equal(&parent[0], &child[0]));
	assert_true(umem_page_id_equal(&parent[1], &child[1]));
	assert_false(umem_page_id_equal(&parent[0], &child[1]));
	/* private: same address, different address spaces */
	assert_int_equal(child[2].kind, UMEM_PAGE_PRIVATE);
	assert_false(umem_page_id_equal(&parent[2], &child[2]));
	munmap(sh, 2 * PAGE_SIZE);
	munmap(pr, PAGE_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_memfd_two_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_by_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * RLIMIT_MEMLOCK accounting end to end (semantics.md §9.3), through the
 * kernel ABI: a process without CAP_IPC_LOCK is charged one page per pinned
 * page index of each pages object, when something (a domain) pins it; COPY
 * into another IOAS with a domain charges nothing more; a MAP that would
 * pass the limit fails with ENOMEM and leaves nothing behind; closing the
 * context refunds everything.
 *
 * The checks run in a forked child that drops CAP_IPC_LOCK from its
 * effective set and lowers its RLIMIT_MEMLOCK; the child reports a failed
 * check through its exit status.
 */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "uiommufd/iommufd_abi.h"
#include "uiommufd/uiommufd.h"
#include "umem/umem.h"

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "child check failed line %d: %s\n",   \
				__LINE__, #c);                                \
			_exit(1);                                             \
		}                                                             \
	} while (0)

static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

static long map(struct uiommufd_ctx *ctx, uint32_t ioas, void *va, uint64_t len,
		uint64_t iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas, .user_va = (uintptr_t)va, .length = len, .iova = iova,
	};

	return uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, &cmd);
}

static long mock_domain(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	struct iommu_test_cmd cmd = { .size = sizeof(cmd),
				      .op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = ioas };

	return uiommufd_ioctl(ctx, IOMMU_TEST_CMD, &cmd);
}

static void child(void)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	const uint64_t base = 0x2000000;
	struct rlimit rl = { 16 * page, 16 * page };
	struct uiommufd_ctx *ctx;
	struct umem_mm *mm;
	uint32_t a, b;
	uint64_t iova = base;
	char *buf;

	CHECK(drop_ipc_lock() == 0);
	CHECK(!umem_capable(CAP_IPC_LOCK));
	CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
	mm = umem_mm_current();
	CHECK(mm);
	buf = mmap(NULL, 32 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED);

	CHECK(uiommufd_open(&ctx) == 0);
	CHECK(uiommufd_ioas_alloc(ctx, &a) == 0);
	CHECK(uiommufd_ioas_alloc(ctx, &b) == 0);

	/* no domain: nothing pinned, nothing charged, however large */
	CHECK(map(ctx, a, buf, 32 * page, iova) == 0);
	CHECK(umem_accounted(mm, UMEM_ACCOUNT_USER) == 0);
	/* a domain pins it all: 32 pages > 16 allowed, so the attach fails
	 * and leaves nothing charged */
	CHECK(mock_domain(ctx, a) == -ENOMEM);
	CHECK(umem_accounted(mm, UMEM_ACCOUNT_USER) == 0);
	CHECK(umem_pinned_total(mm) == 0);
	CHECK(uiommufd_ioas_unmap_all(ctx, a, NULL) == 0);

	/* with the domain first, maps are charged as they pin */
	CHECK(mock_domain(ctx, a) == 0);
	CHECK(map(ctx, a, buf, 8 * page, base) == 0);
	CHECK(umem_accounted(mm, UMEM_ACCOUNT_USER) == 8);
	CHECK(map(ctx, a, buf + 8 * page, 8 * page, base + 8 * page) == 0);
	CHECK(umem_accounted(mm, UMEM_ACCOUNT_USER) == 16);
	/* one page more passes the limit: ENOMEM, no area, no charge */
	CHECK(map(ctx, a, buf + 16 * page, page, base + 16 * page) == -ENOMEM);
	CHECK(umem_accounted(mm, UMEM_ACCOUNT_USER) == 16);
	CHECK(uiommufd_ioas_unmap(ctx, a, base + 16 * page, page, NULL) == -ENOENT);

	/* COPY into an IOAS with its own domain shares the pins and the charge */
	CHECK(mock_domain(ctx, b) == 0);
	iova = base;
	CHECK(uiommufd_ioas_copy(ctx, b, a, base, 16 * page, &iova,
				 UIOMMUFD_MAP_FIXED_IOVA | UIOMMUFD_MAP_READABLE) == 0);
	CHECK(umem_accounted(mm, UMEM_ACCOUNT_USER) == 16);
	CHECK(umem_pin_count(mm, (uintptr_t)buf) == 1);

	/* unmapping the source keeps the copy's pins and charge */
	CHECK(uiommufd_ioas_unmap_all(ctx, a, NULL) == 0);
	CHECK(umem_accounted(mm, UMEM_ACCOUNT_USER) == 16);

	/* closing refunds everything */
	uiommufd_close(ctx);
	CHECK(umem_accounted(mm, UMEM_ACCOUNT_USER) == 0);
	CHECK(umem_pinned_total(mm) == 0);
	umem_mm_put(mm);
	_exit(0);
}

static void test_memlock_accounting(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* With CAP_IPC_LOCK (the parent here is root) nothing is ever charged. */
static void test_cap_ipc_lock_exempt(void **state)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct uiommufd_ctx *ctx;
	struct umem_mm *mm = umem_mm_current();
	char *buf = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t a;

	(void)state;
	assert_true(umem_capable(CAP_IPC_LOCK));
	assert_int_equal(uiommufd_open(&ctx), 0);
	assert_int_equal(uiommufd_ioas_alloc(ctx, &a), 0);
	assert_int_equal(mock_domain(ctx, a), 0);
	assert_int_equal(map(ctx, a, buf, 8 * page, 0x2000000), 0);
	assert_int_equal(umem_pin_count(mm, (uintptr_t)buf), 1);
	assert_int_equal(umem_accounted(mm, UMEM_ACCOUNT_USER), 0);
	assert_int_equal(umem_accounted(mm, UMEM_ACCOUNT_MM), 0);
	uiommufd_close(ctx);
	assert_int_equal(umem_pin_count(mm, (uintptr_t)buf), 0);
	umem_mm_put(mm);
	munmap(buf, 8 * page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memlock_accounting),
		cmocka_unit_test(test_cap_ipc_lock_exempt),
	};
	/* The exemption needs CAP_IPC_LOCK to observe; without it (not root)
	 * only the first case runs, and the log says why. */
	size_t n = umem_capable(CAP_IPC_LOCK) ? 2 : 1;

	if (n == 1)
		fprintf(stderr, "test_accounting: no CAP_IPC_LOCK, exemption case not run\n");
	return _cmocka_run_group_tests("test_accounting", tests, n, NULL, NULL);
}

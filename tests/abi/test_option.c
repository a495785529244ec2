/* SPDX-License-Identifier: MIT */
/*
 * test_option.c - IOMMU_OPTION, errors.md §8 and semantics.md §11.
 *
 * RLIMIT_MODE is context-global (object_id 0): GET reads 0 (per-user, the
 * default for /dev/iommu) or 1; SET needs CAP_SYS_RESOURCE (EPERM), an
 * empty context (EBUSY) and a value 0/1 (EINVAL), in that order.
 * HUGE_PAGES is per IOAS: GET 1 by default; SET 0 raises the IOAS
 * alignment to PAGE and fails with EADDRINUSE (option unchanged) if a
 * mapping's iova, length or in-page offset is not page aligned.  Only val64
 * is written back; a fault there is EFAULT after the change was applied.
 *
 * Every RLIMIT_MODE SET case runs in a forked child (see run_child()):
 * the EPERM child drops CAP_SYS_RESOURCE with capset(2) (raw syscall: no
 * libcap dependency); the others make sure they hold it, entering a new
 * user namespace when the host withholds it (containers often drop it from
 * the bounding set, as the development host does).
 *
 * Rows not reachable without domains: H4 (domain and mapping both present
 * -> EINVAL).
 */
#include <linux/capability.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi_util.h"

static long opt_raw(struct uiommufd_ctx *ctx, uint32_t id, uint16_t op,
		    uint16_t reserved, uint32_t obj, uint64_t *val)
{
	struct kabi_option cmd = { .size = sizeof(cmd), .option_id = id,
				   .op = op, .reserved = reserved,
				   .object_id = obj, .val64 = *val };
	long ret = kio(ctx, IOMMU_OPTION, &cmd);

	*val = cmd.val64;
	return ret;
}

static uint64_t rlimit_get(struct uiommufd_ctx *ctx)
{
	uint64_t v = 99;

	assert_int_equal(k_option(ctx, KABI_OPTION_RLIMIT_MODE,
				  KABI_OPTION_OP_GET, 0, &v), 0);
	return v;
}

static uint64_t huge_get(struct uiommufd_ctx *ctx, uint32_t ioas)
{
	uint64_t v = 99;

	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_GET, ioas, &v), 0);
	return v;
}

/* Rows 1, 2: reserved and unknown option ids -> EOPNOTSUPP. */
static void option_reserved_and_id(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t v = 0;

	assert_int_equal(opt_raw(ctx, KABI_OPTION_HUGE_PAGES,
				 KABI_OPTION_OP_SET, 1, ioas, &v),
			 -EOPNOTSUPP);
	assert_int_equal(opt_raw(ctx, KABI_OPTION_RLIMIT_MODE,
				 KABI_OPTION_OP_GET, 0x8000, 0, &v),
			 -EOPNOTSUPP);
	/* row 1 before H1 (bad IOAS) */
	assert_int_equal(opt_raw(ctx, KABI_OPTION_HUGE_PAGES,
				 KABI_OPTION_OP_GET, 1, 0, &v), -EOPNOTSUPP);
	for (uint32_t id = 2; id < 5; id++)
		assert_int_equal(opt_raw(ctx, id, KABI_OPTION_OP_GET, 0, ioas,
					 &v), -EOPNOTSUPP);
	assert_int_equal(opt_raw(ctx, UINT32_MAX, KABI_OPTION_OP_GET, 0, 0,
				 &v), -EOPNOTSUPP);
	assert_int_equal(huge_get(ctx, ioas), 1);
}

/* R1, R2, R6: object_id must be 0; GET reads 0 by default; other ops. */
static void rlimit_get_and_ops(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint64_t v = 1;

	assert_int_equal(rlimit_get(ctx), 0);
	assert_int_equal(k_option(ctx, KABI_OPTION_RLIMIT_MODE,
				  KABI_OPTION_OP_SET, 1, &v), -EOPNOTSUPP);
	assert_int_equal(k_option(ctx, KABI_OPTION_RLIMIT_MODE,
				  KABI_OPTION_OP_GET, 1, &v), -EOPNOTSUPP);
	assert_int_equal(k_option(ctx, KABI_OPTION_RLIMIT_MODE, 2, 0, &v),
			 -EOPNOTSUPP);
	assert_int_equal(k_option(ctx, KABI_OPTION_RLIMIT_MODE, 0xffff, 0,
				  &v), -EOPNOTSUPP);
	assert_int_equal(rlimit_get(ctx), 0);
}

/*
 * RLIMIT_MODE SET needs CAP_SYS_RESOURCE.  Hosts (containers) may lack it
 * even for root, so every SET case runs in a forked child: for the success
 * paths the child makes sure it holds the capability (entering a new user
 * namespace, where it holds all capabilities, if it does not), for the
 * EPERM path it drops it with capset(2).  Child bodies return 0 or
 * 1 + (line of the first failed check) % 249 (exit codes have 8 bits and
 * must never wrap to 0); 250..252 are set-up failures.
 */
#define CHECK(c)                                                        \
	do {                                                            \
		if (!(c))                                               \
			return 1 + __LINE__ % 249;                      \
	} while (0)

static bool have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[cap / 32].effective &= ~(1u << (cap % 32));
	data[cap / 32].permitted &= ~(1u << (cap % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

static void run_child(int (*body)(void), bool with_sys_resource)
{
	pid_t pid;
	int status = 0;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (with_sys_resource && !have_cap(CAP_SYS_RESOURCE) &&
		    unshare(CLONE_NEWUSER))
			_exit(250);
		if (with_sys_resource && !have_cap(CAP_SYS_RESOURCE))
			_exit(251);
		if (!with_sys_resource &&
		    (drop_cap(CAP_SYS_RESOURCE) || have_cap(CAP_SYS_RESOURCE)))
			_exit(252);
		_exit(body());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	/* non-zero: the source line of the failed CHECK in the child */
	assert_int_equal(WEXITSTATUS(status), 0);
}

static long rl_set(struct uiommufd_ctx *ctx, uint64_t val)
{
	return k_option(ctx, KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0,
			&val);
}

static long rl_get(struct uiommufd_ctx *ctx, uint64_t *val)
{
	*val = 99;
	return k_option(ctx, KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0,
			val);
}

/* R4, R5 and success: SET on an empty context; EBUSY once any object
 * exists (R4 before R5); EINVAL for values other than 0/1. */
static int rlimit_set_body(void)
{
	struct uiommufd_ctx *ctx = NULL, *other = NULL;
	uint64_t v = 0;
	uint32_t ioas = 0;

	CHECK(uiommufd_open(&ctx) == 0);
	CHECK(rl_set(ctx, 2) == -EINVAL);
	CHECK(rl_set(ctx, KABI_U64_MAX) == -EINVAL);
	CHECK(rl_get(ctx, &v) == 0 && v == 0);
	CHECK(rl_set(ctx, 1) == 0);
	CHECK(rl_get(ctx, &v) == 0 && v == 1);
	CHECK(rl_set(ctx, 1) == 0); /* repeatable */
	CHECK(k_ioas_alloc(ctx, &ioas) == 0);
	CHECK(rl_set(ctx, 0) == -EBUSY);
	CHECK(rl_set(ctx, 5) == -EBUSY); /* R4 before R5 */
	CHECK(rl_get(ctx, &v) == 0 && v == 1);
	CHECK(k_destroy(ctx, ioas) == 0);
	CHECK(rl_set(ctx, 0) == 0);
	CHECK(rl_get(ctx, &v) == 0 && v == 0);
	/* the mode is per context */
	CHECK(uiommufd_open(&other) == 0);
	CHECK(rl_set(ctx, 1) == 0);
	CHECK(rl_get(other, &v) == 0 && v == 0);
	uiommufd_close(other);
	uiommufd_close(ctx);
	return 0;
}

static void rlimit_set(void **state)
{
	(void)state;
	run_child(rlimit_set_body, true);
}

/* R3: without CAP_SYS_RESOURCE -> EPERM, before R4 and R5. */
static int rlimit_eperm_body(void)
{
	struct uiommufd_ctx *ctx = NULL;
	uint64_t v = 5;
	uint32_t ioas = 0;

	CHECK(uiommufd_open(&ctx) == 0);
	CHECK(rl_set(ctx, 1) == -EPERM);
	CHECK(rl_set(ctx, 7) == -EPERM);        /* R3 before R5 */
	CHECK(k_ioas_alloc(ctx, &ioas) == 0);
	CHECK(rl_set(ctx, 1) == -EPERM);        /* R3 before R4 */
	CHECK(rl_get(ctx, &v) == 0 && v == 0);  /* GET needs nothing */
	v = 0;                                   /* nor does HUGE_PAGES */
	CHECK(k_option(ctx, KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_SET, ioas,
		       &v) == 0);
	uiommufd_close(ctx);
	return 0;
}

static void rlimit_set_eperm(void **state)
{
	(void)state;
	run_child(rlimit_eperm_body, false);
}

/* H1: HUGE_PAGES on something that is not an IOAS -> ENOENT. */
static void huge_bad_ioas(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx);
	uint64_t v = 0;

	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_GET, 0, &v), -ENOENT);
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas + 1, &v), -ENOENT);
	/* H1 before H7/H8 */
	v = 9;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, 0, &v), -ENOENT);
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES, 7, 0, &v),
			 -ENOENT);
	assert_int_equal(k_destroy(ctx, ioas), 0);
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_GET, ioas, &v), -ENOENT);
}

/* H2, H3, H6, H7, H8. */
static void huge_get_set(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas = must_ioas(ctx), other = must_ioas(ctx);
	uint64_t v;

	assert_int_equal(huge_get(ctx, ioas), 1);
	v = 0;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(huge_get(ctx, ioas), 0);
	assert_int_equal(huge_get(ctx, other), 1);
	assert_int_equal(ioas_alignment(ctx, ioas), PAGE);
	assert_int_equal(ioas_alignment(ctx, other), 1);
	/* H3: already disabled */
	v = 0;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), 0);
	/* H7 */
	v = 2;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), -EINVAL);
	v = KABI_U64_MAX;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), -EINVAL);
	assert_int_equal(huge_get(ctx, ioas), 0);
	/* H8 */
	v = 1;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES, 2, ioas, &v),
			 -EOPNOTSUPP);
	assert_int_equal(huge_get(ctx, ioas), 0);
	/* H6: enable again, alignment drops back */
	v = 1;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(huge_get(ctx, ioas), 1);
	assert_int_equal(ioas_alignment(ctx, ioas), 1);
	v = 1;
	assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
				  KABI_OPTION_OP_SET, ioas, &v), 0);
}

/* H5: an unaligned mapping blocks SET 0 with EADDRINUSE; the option stays
 * 1 and the alignment 1.  Three ways to be unaligned. */
static void huge_unaligned_mappings(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint64_t va = (uintptr_t)mem_rw(4 * PAGE);
	struct { uint64_t va, len, iova; } cases[] = {
		{ va, PAGE, 4 * PAGE + 512 },        /* iova */
		{ va, PAGE + 512, 4 * PAGE },        /* length */
		{ va + 512, PAGE, 4 * PAGE },        /* in-page offset */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t ioas = must_ioas(ctx);
		uint64_t v = 0;

		must_map_fixed(ctx, ioas, va, PAGE, 16 * PAGE);  /* aligned */
		must_map_fixed(ctx, ioas, cases[i].va, cases[i].len,
			       cases[i].iova);
		assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
					  KABI_OPTION_OP_SET, ioas, &v),
				 -EADDRINUSE);
		assert_int_equal(huge_get(ctx, ioas), 1);
		assert_int_equal(ioas_alignment(ctx, ioas), 1);
		/* once the offender is gone it works */
		assert_int_equal(unmap_count(ctx, ioas, cases[i].iova,
					     cases[i].len), (long)cases[i].len);
		v = 0;
		assert_int_equal(k_option(ctx, KABI_OPTION_HUGE_PAGES,
					  KABI_OPTION_OP_SET, ioas, &v), 0);
		assert_int_equal(ioas_alignment(ctx, ioas), PAGE);
	}
}

/* Row 3: write-back fault after a successful SET -> EFAULT, SET applied. */
static int rlimit_respond_body(void)
{
	struct uiommufd_ctx *ctx = NULL;
	struct kabi_option init = { .size = sizeof(init),
				    .option_id = KABI_OPTION_RLIMIT_MODE,
				    .op = KABI_OPTION_OP_SET, .val64 = 1 };
	struct kabi_option *ro;
	uint64_t v = 0;

	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	*ro = init;
	CHECK(mprotect(ro, 4096, PROT_READ) == 0);
	CHECK(uiommufd_open(&ctx) == 0);
	CHECK(kio(ctx, IOMMU_OPTION, ro) == -EFAULT);
	CHECK(rl_get(ctx, &v) == 0 && v == 1);
	uiommufd_close(ctx);
	return 0;
}

static void option_respond_fault(void **state)
{
	struct uiommufd_ctx *ctx = *state;
	uint32_t ioas;
	struct kabi_option init = { .size = sizeof(init),
				    .option_id = KABI_OPTION_RLIMIT_MODE,
				    .op = KABI_OPTION_OP_GET };
	struct kabi_option *ro;

	run_child(rlimit_respond_body, true);

	/* GET with a read-only struct */
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_OPTION, ro), -EFAULT);

	ioas = must_ioas(ctx);
	init.option_id = KABI_OPTION_HUGE_PAGES;
	init.op = KABI_OPTION_OP_SET;
	init.object_id = ioas;
	init.val64 = 0;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_OPTION, ro), -EFAULT);
	assert_int_equal(huge_get(ctx, ioas), 0);
	/* failures before the write-back do not fault */
	init.val64 = 3;
	ro = mem_page_prot(PROT_READ, &init, sizeof(init));
	assert_int_equal(kio(ctx, IOMMU_OPTION, ro), -EINVAL);
}

/*
 * Can a child hold CAP_SYS_RESOURCE here, directly or in a new user
 * namespace?  Not where user namespaces are refused (a chroot, some
 * container policies): then the cases that need it cannot be run at all.
 */
static bool sys_resource_reachable(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(have_cap(CAP_SYS_RESOURCE) ||
		      (!unshare(CLONE_NEWUSER) && have_cap(CAP_SYS_RESOURCE)) ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, abi_setup, abi_teardown)
	const struct CMUnitTest tests[] = {
		T(option_reserved_and_id),
		T(rlimit_get_and_ops),
		T(rlimit_set_eperm),
		T(huge_bad_ioas),
		T(huge_get_set),
		T(huge_unaligned_mappings),
		/* these two need CAP_SYS_RESOURCE in a child: keep them last */
		T(rlimit_set),
		T(option_respond_fault),
	};
#undef T
	size_t n = sizeof(tests) / sizeof(tests[0]);

	if (!sys_resource_reachable()) {
		fprintf(stderr, "abi_option: CAP_SYS_RESOURCE cannot be had here "
			"(no capability, no user namespace): rlimit_set and "
			"option_respond_fault not run\n");
		n -= 2;
	}
	return _cmocka_run_group_tests("abi_option", tests, n, abi_group_setup, NULL);
}

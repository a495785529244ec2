/* SPDX-License-Identifier: MIT */
/*
 * uiommufd-run from the outside: exit statuses for each kind of bad
 * invocation, LD_PRELOAD composition, the preload actually applying, and
 * the --trace / --trace-file output.
 *
 * argv: uiommufd-run, vmm-demo, a statically linked program that accepts
 * --version (ldconfig on Debian), the preload library.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static const char *run_tool, *demo, *static_prog, *preload;
static char out[1 << 16];

/* Run argv (NULL-terminated) with stdout+stderr captured into `out`;
 * returns the exit status, or 128+signal. */
static int run(const char *const *argv)
{
	char tmpl[] = "/tmp/uiommufd-run-test-XXXXXX";
	int fd = mkstemp(tmpl), status;
	ssize_t n;
	pid_t pid;

	assert_true(fd >= 0);
	unlink(tmpl);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(99);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = pread(fd, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void t_usage(void **state)
{
	(void)state;
	assert_int_equal(run((const char *[]){ run_tool, "--help", NULL }), 0);
	assert_non_null(strstr(out, "--trace"));
	assert_int_equal(run((const char *[]){ run_tool, "--version", NULL }), 0);
	assert_non_null(strstr(out, "uiommufd-run "));
	assert_int_equal(run((const char *[]){ run_tool, "--bogus", "--", "/bin/true", NULL }), 2);
	assert_int_equal(run((const char *[]){ run_tool, "--log-level=loud", "--", "/bin/true", NULL }), 2);
	assert_non_null(strstr(out, "log-level"));
	assert_int_equal(run((const char *[]){ run_tool, NULL }), 2);
	assert_non_null(strstr(out, "no program"));
}

static void t_program_errors(void **state)
{
	char tmpl[] = "/tmp/uiommufd-noexec-XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(run((const char *[]){ run_tool, "--", "/nonexistent/prog", NULL }), 127);
	assert_non_null(strstr(out, "not found"));
	assert_int_equal(run((const char *[]){ run_tool, "--", "no-such-program-xyz", NULL }), 127);
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	chmod(tmpl, 0644);
	assert_int_equal(run((const char *[]){ run_tool, "--", tmpl, NULL }), 126);
	assert_non_null(strstr(out, "not an executable"));
	assert_int_equal(run((const char *[]){ run_tool, "--", "/tmp", NULL }), 126);
	unlink(tmpl);
}

static void t_static(void **state)
{
	(void)state;
	assert_int_equal(run((const char *[]){ run_tool, "--", static_prog, "--version", NULL }), 1);
	assert_non_null(strstr(out, "statically linked"));
	assert_int_equal(run((const char *[]){ run_tool, "--force", "--", static_prog, "--version", NULL }), 0);
}

static void t_ld_preload(void **state)
{
	const char *orig = getenv("LD_PRELOAD");
	char *saved = orig ? strdup(orig) : NULL, *line, val[4096];

	(void)state;
	/* keep what the harness preloads (the ASan runtime in ASan builds) */
	snprintf(val, sizeof(val), "%s%slibfoo-not-there.so", saved ? saved : "",
		 saved ? ":" : "");
	setenv("LD_PRELOAD", val, 1);
	assert_int_equal(run((const char *[]){ run_tool, "--", "/bin/sh", "-c",
					       "echo \"LD=$LD_PRELOAD\"", NULL }), 0);
	if (saved)
		setenv("LD_PRELOAD", saved, 1);
	else
		unsetenv("LD_PRELOAD");
	free(saved);
	line = strstr(out, "LD=");
	assert_non_null(line);
	/* ours comes before the entry that was already there */
	assert_non_null(strstr(line, "libuiommufd-preload.so"));
	assert_true(strstr(line, "libuiommufd-preload.so") < strstr(line, "libfoo-not-there.so"));
	/* the programs still run (ld.so only warns about the missing one) */
	assert_int_equal(run((const char *[]){ run_tool, "--", "/bin/true", NULL }), 0);
	assert_int_equal(run((const char *[]){ run_tool, "--", "true", NULL }), 0);
	assert_int_equal(run((const char *[]){ run_tool, "--", "/bin/false", NULL }), 1);
	/* an explicit override that does not exist is an error */
	setenv("UIOMMUFD_PRELOAD", "/nonexistent/lib.so", 1);
	assert_int_equal(run((const char *[]){ run_tool, "--", "/bin/true", NULL }), 1);
	setenv("UIOMMUFD_PRELOAD", preload, 1);
	assert_int_equal(run((const char *[]){ run_tool, "--", "/bin/true", NULL }), 0);
	unsetenv("UIOMMUFD_PRELOAD");
}

static void t_demo_and_trace(void **state)
{
	char path[] = "/tmp/uiommufd-trace-XXXXXX";
	char tbuf[8192];
	int fd;
	ssize_t n;

	(void)state;
	/* without the tool the demo finds no /dev/iommu on this host */
	if (access("/dev/iommu", F_OK) != 0) {
		assert_int_equal(run((const char *[]){ demo, NULL }), 1);
		assert_non_null(strstr(out, "uiommufd-run"));
	}
	assert_int_equal(run((const char *[]){ run_tool, "--", demo, NULL }), 0);
	assert_non_null(strstr(out, "IOAS 1 (guest)"));
	assert_null(strstr(out, "IOMMU_IOAS_ALLOC {"));
	assert_int_equal(run((const char *[]){ run_tool, "--trace", "--", demo, NULL }), 0);
	assert_non_null(strstr(out, "IOMMU_IOAS_ALLOC {size=12 flags=0x0} = 0 -> {out_ioas_id=1}"));
	assert_non_null(strstr(out, "IOMMU_IOAS_IOVA_RANGES"));
	assert_non_null(strstr(out, "IOMMU_TEST_CMD ADD_RESERVED"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	{
		char opt[64];

		snprintf(opt, sizeof(opt), "--trace-file=%s", path);
		assert_int_equal(run((const char *[]){ run_tool, opt, "--log-level=info",
						       "--", demo, NULL }), 0);
	}
	assert_null(strstr(out, "IOMMU_IOAS_ALLOC {"));
	assert_non_null(strstr(out, "preload active"));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, tbuf, sizeof(tbuf) - 1);
	assert_true(n > 0);
	tbuf[n] = '\0';
	close(fd);
	unlink(path);
	assert_non_null(strstr(tbuf, "IOMMU_IOAS_MAP {"));
	assert_non_null(strstr(tbuf, "IOMMU_DESTROY"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_usage),
		cmocka_unit_test(t_program_errors),
		cmocka_unit_test(t_static),
		cmocka_unit_test(t_ld_preload),
		cmocka_unit_test(t_demo_and_trace),
	};

	if (argc != 5) {
		fprintf(stderr, "usage: %s uiommufd-run vmm-demo static-prog preload\n",
			argv[0]);
		return 2;
	}
	run_tool = argv[1];
	demo = argv[2];
	static_prog = argv[3];
	preload = argv[4];
	return cmocka_run_group_tests_name("uiommufd_run", tests, NULL, NULL);
}

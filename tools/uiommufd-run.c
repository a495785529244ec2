/* SPDX-License-Identifier: MIT */
/*
 * uiommufd-run: run a program with the emulated /dev/iommu.
 *
 *   uiommufd-run [options] [--] program [args...]
 *
 * Puts libuiommufd-preload.so at the front of LD_PRELOAD (after any
 * sanitizer runtime already there, which must stay first), passes the log
 * and trace settings through UIOMMUFD_LOG / UIOMMUFD_TRACE, and execs the
 * program.  It checks beforehand what would make the preload silently not
 * apply: a program that cannot be found or run, or a statically linked
 * binary (no PT_INTERP program header, so no dynamic loader to honour
 * LD_PRELOAD).
 *
 * Where the preload is looked for, first hit wins:
 *   1. $UIOMMUFD_PRELOAD
 *   2. ../src/shim/libuiommufd-preload.so relative to this executable (the
 *      build tree layout)
 *   3. the build-tree path recorded at build time
 *   4. the install path recorded at build time
 *
 * Exit status: the program's own (this process becomes the program), or
 *   1 preload missing / static binary without --force, 2 usage error,
 *   126 program not executable, 127 program not found.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uiommufd_config.h"

#ifndef UIOMMUFD_PRELOAD_BUILD
#define UIOMMUFD_PRELOAD_BUILD ""
#endif
#ifndef UIOMMUFD_PRELOAD_INSTALL
#define UIOMMUFD_PRELOAD_INSTALL ""
#endif

static const char *prog = "uiommufd-run";

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [options] [--] program [args...]\n"
		"Run a program with /dev/iommu provided by uiommufd (LD_PRELOAD).\n"
		"\n"
		"Options:\n"
		"  --log-level=LEVEL  error, warn (default), info or debug\n"
		"  --trace            decode every iommufd ioctl to standard error\n"
		"  --trace-file=PATH  write the decoded ioctls to PATH (appended)\n"
		"  --force            run even a static binary (the preload cannot apply)\n"
		"  --help             show this text\n"
		"  --version          show the version\n"
		"\n"
		"Environment: UIOMMUFD_PRELOAD overrides the preload library path.\n",
		prog);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *find_preload(void)
{
	const char *env = getenv("UIOMMUFD_PRELOAD");
	char self[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n;

	if (env && *env) {
		if (!is_file(env)) {
			fprintf(stderr, "%s: UIOMMUFD_PRELOAD=%s: no such file\n",
				prog, env);
			return NULL;
		}
		return realpath(env, NULL);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		snprintf(cand, sizeof(cand), "%s/../src/shim/libuiommufd-preload.so",
			 dirname(self));
		if (is_file(cand))
			return realpath(cand, NULL);
	}
	if (*UIOMMUFD_PRELOAD_BUILD && is_file(UIOMMUFD_PRELOAD_BUILD))
		return strdup(UIOMMUFD_PRELOAD_BUILD);
	if (*UIOMMUFD_PRELOAD_INSTALL && is_file(UIOMMUFD_PRELOAD_INSTALL))
		return strdup(UIOMMUFD_PRELOAD_INSTALL);
	fprintf(stderr,
		"%s: cannot find libuiommufd-preload.so (looked next to this "
		"program, in %s and in %s); set UIOMMUFD_PRELOAD\n",
		prog, *UIOMMUFD_PRELOAD_BUILD ? UIOMMUFD_PRELOAD_BUILD : "-",
		*UIOMMUFD_PRELOAD_INSTALL ? UIOMMUFD_PRELOAD_INSTALL : "-");
	return NULL;
}

/*
 * Resolve `name` the way execvp() will: a name with a slash is used as is,
 * otherwise the first PATH entry holding it.  Returns 0 with *out set,
 * 127 (not found) or 126 (found but not executable).
 */
static int resolve_program(const char *name, char **out)
{
	const char *path = getenv("PATH");
	char cand[PATH_MAX];
	bool seen_noexec = false;
	char *copy, *dir, *save = NULL;

	if (strchr(name, '/')) {
		if (access(name, F_OK) != 0)
			return 127;
		if (!is_file(name) || access(name, X_OK) != 0)
			return 126;
		*out = strdup(name);
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = strdup(path);
	if (!copy)
		return 127;
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof(cand), "%s/%s", *dir ? dir : ".", name);
		if (access(cand, F_OK) != 0)
			continue;
		if (is_file(cand) && access(cand, X_OK) == 0) {
			*out = strdup(cand);
			free(copy);
			return 0;
		}
		seen_noexec = true;
	}
	free(copy);
	return seen_noexec ? 126 : 127;
}

/* 1: ELF without PT_INTERP (static); 0: dynamic ELF or not ELF (a script);
 * -1: unreadable. */
static int is_static_elf(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, i, res = 1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		/* Not a 64-bit ELF: a script (its interpreter is what runs) or
		 * something the kernel will judge itself. */
		close(fd);
		return 0;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		off_t off = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;

		if (pread(fd, &ph, sizeof(ph), off) != (ssize_t)sizeof(ph))
			break;
		if (ph.p_type == PT_INTERP) {
			res = 0;
			break;
		}
	}
	close(fd);
	return res;
}

/* Sanitizer runtimes must stay first in LD_PRELOAD. */
static bool is_sanitizer_runtime(const char *entry)
{
	return strstr(entry, "libasan") || strstr(entry, "libtsan") ||
	       strstr(entry, "libubsan") || strstr(entry, "libhwasan") ||
	       strstr(entry, "libclang_rt.");
}

static char *build_ld_preload(const char *preload)
{
	const char *old = getenv("LD_PRELOAD");
	size_t cap = strlen(preload) + (old ? strlen(old) : 0) + 4;
	char *res = calloc(1, cap), *copy, *tok, *save = NULL;
	char *san, *rest;

	san = calloc(1, cap);
	rest = calloc(1, cap);
	if (!res || !san || !rest)
		goto err_free;
	if (old) {
		copy = strdup(old);
		if (!copy)
			goto err_free;
		for (tok = strtok_r(copy, ": ", &save); tok;
		     tok = strtok_r(NULL, ": ", &save)) {
			char *dst = is_sanitizer_runtime(tok) ? san : rest;

			if (!strcmp(tok, preload))
				continue;
			if (*dst)
				strcat(dst, ":");
			strcat(dst, tok);
		}
		free(copy);
	}
	if (*san) {
		strcat(res, san);
		strcat(res, ":");
	}
	strcat(res, preload);
	if (*rest) {
		strcat(res, ":");
		strcat(res, rest);
	}
	free(san);
	free(rest);
	return res;

err_free:
	free(res);
	free(san);
	free(rest);
	return NULL;
}

int main(int argc, char **argv)
{
	enum { OPT_LOG = 256, OPT_TRACE, OPT_TRACE_FILE, OPT_FORCE, OPT_HELP,
	       OPT_VERSION };
	static const struct option opts[] = {
		{ "log-level", required_argument, NULL, OPT_LOG },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "trace-file", required_argument, NULL, OPT_TRACE_FILE },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *log_level = NULL, *trace = NULL;
	char *trace_abs = NULL, *preload, *ld = NULL, *target = NULL;
	bool force = false;
	int c, rc, st;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case OPT_LOG:
			if (strcmp(optarg, "error") && strcmp(optarg, "warn") &&
			    strcmp(optarg, "info") && strcmp(optarg, "debug")) {
				fprintf(stderr,
					"%s: --log-level must be error, warn, info or debug, not '%s'\n",
					prog, optarg);
				return 2;
			}
			log_level = optarg;
			break;
		case OPT_TRACE:
			trace = "stderr";
			break;
		case OPT_TRACE_FILE:
			if (!*optarg) {
				fprintf(stderr, "%s: --trace-file needs a file name\n", prog);
				return 2;
			}
			if (optarg[0] == '/') {
				trace_abs = strdup(optarg);
			} else {
				char cwd[PATH_MAX];

				if (!getcwd(cwd, sizeof(cwd))) {
					perror(prog);
					return 1;
				}
				trace_abs = malloc(strlen(cwd) + strlen(optarg) + 2);
				if (trace_abs)
					sprintf(trace_abs, "%s/%s", cwd, optarg);
			}
			trace = trace_abs;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("uiommufd-run %s\n", UIOMMUFD_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s: no program given\n", prog);
		usage(stderr);
		return 2;
	}

	rc = resolve_program(argv[optind], &target);
	if (rc == 127 || rc == 126) {
		fprintf(stderr, "%s: %s: %s\n", prog, argv[optind],
			rc == 127 ? "program not found" : "not an executable file");
		free(trace_abs);
		return rc;
	}
	st = is_static_elf(target);
	if (st < 0) {
		fprintf(stderr, "%s: %s: cannot read: %s\n", prog, target,
			strerror(errno));
		free(target);
		return 126;
	}
	if (st == 1) {
		fprintf(stderr,
			"%s: %s is statically linked: LD_PRELOAD cannot interpose "
			"its libc, so it would reach the real /dev/iommu%s\n",
			prog, target, force ? " (running anyway: --force)" : "; use --force to run it anyway");
		if (!force) {
			free(target);
			free(trace_abs);
			return 1;
		}
	}

	rc = 1;
	preload = find_preload();
	if (!preload)
		goto out_free;
	ld = build_ld_preload(preload);
	if (!ld || setenv("LD_PRELOAD", ld, 1) ||
	    (log_level && setenv("UIOMMUFD_LOG", log_level, 1)) ||
	    (trace && setenv("UIOMMUFD_TRACE", trace, 1))) {
		perror(prog);
		goto out_free;
	}
	execv(target, argv + optind);
	rc = errno;
	fprintf(stderr, "%s: cannot execute %s: %s\n", prog, target, strerror(rc));
	rc = rc == ENOENT ? 127 : 126;
out_free:
	free(ld);
	free(preload);
	free(target);
	free(trace_abs);
	return rc;
}

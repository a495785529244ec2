/* SPDX-License-Identifier: MIT */
/*
 * A program that never opens /dev/iommu, run under the preload: every call
 * the shim interposes must behave exactly as plain libc.  Exercises pipes
 * (read, write, readv, writev, poll, FIONREAD ioctl), a temporary file
 * (pread, pwrite, lseek, mmap, fopen/fclose), the dup family, close_range
 * and fork.  Exit status 0 when everything matched, else the number of the
 * first check that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#define CHECK(n, cond)                                                     \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "plain_io: check %d failed: %s (%s)\n", \
				n, #cond, strerror(errno));                \
			return n;                                          \
		}                                                          \
	} while (0)

int main(void)
{
	char tmpl[] = "/tmp/uiommufd-plain-XXXXXX";
	char buf[64], b2[8];
	struct iovec iov[2] = { { buf, 3 }, { b2, 3 } };
	struct pollfd p;
	int pfd[2], fd, d, n, status;
	FILE *f;
	char *m;
	pid_t pid;

	CHECK(1, pipe(pfd) == 0);
	p = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	CHECK(2, poll(&p, 1, 0) == 0);
	CHECK(3, write(pfd[1], "abcdef", 6) == 6);
	CHECK(4, poll(&p, 1, 1000) == 1 && (p.revents & POLLIN));
	CHECK(5, ioctl(pfd[0], FIONREAD, &n) == 0 && n == 6);
	CHECK(6, readv(pfd[0], iov, 2) == 6 && !memcmp(buf, "abc", 3) &&
		 !memcmp(b2, "def", 3));
	iov[0].iov_base = "xy";
	iov[0].iov_len = 2;
	CHECK(7, writev(pfd[1], iov, 1) == 2);
	CHECK(8, read(pfd[0], buf, sizeof(buf)) == 2 && !memcmp(buf, "xy", 2));
	CHECK(9, lseek(pfd[0], 0, SEEK_SET) == -1 && errno == ESPIPE);

	fd = mkstemp(tmpl);
	CHECK(10, fd >= 0);
	unlink(tmpl);
	CHECK(11, pwrite(fd, "hello world", 11, 0) == 11);
	CHECK(12, pread(fd, buf, 5, 6) == 5 && !memcmp(buf, "world", 5));
	CHECK(13, lseek(fd, 0, SEEK_END) == 11);
	m = mmap(NULL, 11, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(14, m != MAP_FAILED && !memcmp(m, "hello", 5));
	munmap(m, 11);
	d = dup(fd);
	CHECK(15, d >= 0 && lseek(d, 0, SEEK_CUR) == 11);
	CHECK(16, dup2(fd, d) == d && dup3(fd, d, O_CLOEXEC) == d &&
		  (fcntl(d, F_GETFD) & FD_CLOEXEC));
	CHECK(17, fcntl(fd, F_DUPFD_CLOEXEC, 50) >= 50);
	CHECK(18, (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK(19, close_range(50, 60, 0) == 0 && fcntl(50, F_GETFD) == -1);
	CHECK(20, close(d) == 0 && close(d) == -1 && errno == EBADF);

	f = fopen("/proc/self/status", "r");
	CHECK(21, f && fgets(buf, sizeof(buf), f) && fclose(f) == 0);
	CHECK(22, ioctl(fd, 0x3b81, buf) == -1 && errno == ENOTTY);

	pid = fork();
	CHECK(23, pid >= 0);
	if (pid == 0)
		_exit(pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5) ? 0 : 1);
	CHECK(24, waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 0);
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
	return 0;
}

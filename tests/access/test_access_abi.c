/* SPDX-License-Identifier: MIT */
/*
 * test_access_abi.c - the test-access ops of IOMMU_TEST_CMD, driven through
 * uiommufd_ioctl() with the structs of iommufd_abi.h: CREATE_ACCESS,
 * ACCESS_PAGES, DESTROY_ACCESS_PAGES, ACCESS_RW, ACCESS_REPLACE_IOAS
 * (selftest-mock.md §9.5-§9.8, §9.11; errors.md rows 5-8, 11;
 * semantics.md §13, §7, §9.2).
 *
 * Every test opens its own context and ends by closing every access fd and
 * the context, then checks with a fresh context that MD_CHECK_REFS reads 0
 * for every page it used: no pin may survive teardown.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "access_util.h"

static uint64_t PAGE;

/* A context with one IOAS and `npages` of RW memory mapped at IOVA `base`. */
struct fixture {
	struct uiommufd_ctx *ctx;
	uint32_t ioas;
	uint64_t base;
	uint64_t length;
	unsigned char *buf;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	PAGE = page_size();
	if (!f || uiommufd_open(&f->ctx))
		return -1;
	if (t_ioas(f->ctx, &f->ioas))
		return -1;
	f->base = 0x100000;
	f->length = 8 * PAGE;
	f->buf = t_mem(f->length, PROT_READ | PROT_WRITE, 3);
	if (!f->buf || t_map(f->ctx, f->ioas, f->buf, f->length, f->base, T_RW))
		return -1;
	*state = f;
	return 0;
}

static void refs_are(void *buf, uint64_t length, uint32_t refs)
{
	struct uiommufd_ctx *probe;

	assert_int_equal(uiommufd_open(&probe), 0);
	assert_int_equal(t_check_refs(probe, buf, length, refs), 0);
	uiommufd_close(probe);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	uiommufd_close(f->ctx);
	refs_are(f->buf, f->length, 0);
	munmap(f->buf, f->length);
	free(f);
	return 0;
}

/* --- CREATE_ACCESS --------------------------------------------------- */

static void create_errors(void **state)
{
	struct fixture *f = *state;
	uint32_t probe = 0;
	int fd = -1;

	assert_int_equal(t_create_access(f->ctx, f->ioas, 2, &fd), -EOPNOTSUPP);
	assert_int_equal(t_create_access(f->ctx, f->ioas, 1u << 31, &fd), -EOPNOTSUPP);
	assert_int_equal(t_create_access(f->ctx, 999, 0, &fd), -ENOENT);
	assert_int_equal(t_create_access(f->ctx, 0, 1, &fd), -ENOENT);
	/* the failed creates left no object behind: the next ID is 2 */
	assert_int_equal(t_ioas(f->ctx, &probe), 0);
	assert_int_equal(probe, f->ioas + 1);
	assert_int_equal(t_destroy(f->ctx, probe), 0);
}

static void create_consumes_id_and_pins_ctx(void **state)
{
	struct fixture *f = *state;
	uint32_t next = 0;
	int fd = -1, flags;

	assert_int_equal(t_create_access(f->ctx, f->ioas, 0, &fd), 0);
	assert_true(fd >= 0);
	/* a real descriptor, close-on-exec */
	flags = fcntl(fd, F_GETFD);
	assert_true(flags >= 0 && (flags & FD_CLOEXEC));
	assert_int_equal(uiommufd_fd_is_ours(fd), 1);
	/* the access took ID ioas+1; the next object gets ioas+2 */
	assert_int_equal(t_ioas(f->ctx, &next), 0);
	assert_int_equal(next, f->ioas + 2);
	/* neither the access nor its IOAS can be destroyed */
	assert_int_equal(t_destroy(f->ctx, f->ioas + 1), -EBUSY);
	assert_int_equal(t_destroy(f->ctx, f->ioas), -EBUSY);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	/* closing the fd destroyed the access and released the IOAS */
	assert_int_equal(t_destroy(f->ctx, f->ioas + 1), -ENOENT);
	assert_int_equal(t_destroy(f->ctx, next), 0);
	assert_int_equal(t_unmap(f->ctx, f->ioas, 0, UINT64_MAX, NULL), 0);
	assert_int_equal(t_destroy(f->ctx, f->ioas), 0);
}

static void create_pin_alignment(void **state)
{
	struct fixture *f = *state;
	uint32_t ioas = 0;
	int fd = -1;

	/* an area whose IOVA and pages are not page aligned */
	assert_int_equal(t_ioas(f->ctx, &ioas), 0);
	assert_int_equal(t_map(f->ctx, ioas, f->buf + 1, 100, 0x10001, T_RW), 0);
	assert_int_equal(t_create_access(f->ctx, ioas, 1, &fd), -EADDRINUSE);
	/* an access that does not pin leaves the alignment alone */
	assert_int_equal(t_create_access(f->ctx, ioas, 0, &fd), 0);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	assert_int_equal(t_unmap(f->ctx, ioas, 0, UINT64_MAX, NULL), 0);
	assert_int_equal(t_create_access(f->ctx, ioas, 1, &fd), 0);
	/* now a misaligned fixed map is refused */
	assert_int_equal(t_map(f->ctx, ioas, f->buf + 1, 100, 0x10001, T_RW), -EINVAL);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	assert_int_equal(t_map(f->ctx, ioas, f->buf + 1, 100, 0x10001, T_RW), 0);
}

/* --- ACCESS_PAGES / DESTROY_ACCESS_PAGES ---------------------------- */

static void pages_errors(void **state)
{
	struct fixture *f = *state;
	unsigned char *ro;
	uint32_t id = 0;
	int fd = -1, nopin = -1, devnull;

	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &fd), 0);
	assert_int_equal(t_create_access(f->ctx, f->ioas, 0, &nopin), 0);
	devnull = open("/dev/null", O_RDONLY);
	assert_true(devnull >= 0);

	/* the length limit is checked before anything else */
	assert_int_equal(t_access_pages(f->ctx, -1, 0xff, f->base, (16 << 20) + 1,
					NULL, &id), -ENOMEM);
	assert_int_equal(t_access_pages(f->ctx, fd, 2, f->base, PAGE, NULL, &id),
			 -EOPNOTSUPP);
	assert_int_equal(t_access_pages(f->ctx, devnull, 0, f->base, PAGE, NULL, &id),
			 -EBADFD);
	assert_int_equal(t_access_pages(f->ctx, 100000, 0, f->base, PAGE, NULL, &id),
			 -EBADFD);
	assert_int_equal(t_access_pages(f->ctx, nopin, 0, f->base, PAGE, NULL, &id),
			 -EOPNOTSUPP);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base, 0, NULL, &id), -EINVAL);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, UINT64_MAX - 10, 100, NULL, &id),
			 -EOVERFLOW);
	/* holes: before, after, straddling the end */
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base - PAGE, PAGE, NULL, &id),
			 -ENOENT);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base + f->length, PAGE,
					NULL, &id), -ENOENT);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base + f->length - PAGE,
					2 * PAGE, NULL, &id), -ENOENT);
	/* the start must be page aligned inside its area */
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base + 1, PAGE, NULL, &id),
			 -EINVAL);
	/* nothing was left pinned by the failures */
	refs_are(f->buf, f->length, 0);

	/* permissions: a read-only mapping of read-only memory */
	ro = t_mem(2 * PAGE, PROT_READ, 9);
	assert_non_null(ro);
	assert_int_equal(t_map(f->ctx, f->ioas, ro, 2 * PAGE, 0x400000,
			       IOMMU_IOAS_MAP_READABLE), 0);
	assert_int_equal(t_access_pages(f->ctx, fd, MOCK_FLAGS_ACCESS_WRITE,
					0x400000, PAGE, NULL, &id), -EPERM);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, 0x400000, PAGE, ro, &id), 0);
	refs_are(ro, PAGE, 1);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id), 0);
	refs_are(ro, PAGE, 0);
	/* a write-only mapping cannot be pinned for reading */
	assert_int_equal(t_map(f->ctx, f->ioas, f->buf, PAGE, 0x500000,
			       IOMMU_IOAS_MAP_WRITEABLE), 0);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, 0x500000, PAGE, NULL, &id),
			 -EPERM);
	assert_int_equal(t_access_pages(f->ctx, fd, MOCK_FLAGS_ACCESS_WRITE,
					0x500000, PAGE, NULL, &id), 0);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id), 0);

	close(devnull);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	assert_int_equal(uiommufd_fd_close(nopin), 1);
	refs_are(ro, 2 * PAGE, 0);
	munmap(ro, 2 * PAGE);
}

static void pages_identity_and_refs(void **state)
{
	struct fixture *f = *state;
	unsigned char *other = t_mem(PAGE, PROT_READ | PROT_WRITE, 1);
	uint32_t id1 = 0, id2 = 0, id3 = 0;
	int fd = -1;

	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &fd), 0);
	/* the page check: uptr must be the memory behind the IOVA */
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base, 2 * PAGE, other, &id1),
			 -EBADE);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base + PAGE, PAGE, f->buf,
					&id1), -EBADE);
	refs_are(f->buf, f->length, 0);
	/* an unaligned length still pins whole pages */
	assert_int_equal(t_access_pages(f->ctx, fd, MOCK_FLAGS_ACCESS_WRITE, f->base,
					PAGE + 1, f->buf, &id1), 0);
	refs_are(f->buf, 2 * PAGE, 1);
	refs_are(f->buf + 2 * PAGE, PAGE, 0);
	/* the same range again shares the pin; ids count up */
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base, PAGE + 1, f->buf, &id2), 0);
	assert_int_equal(id2, id1 + 1);
	refs_are(f->buf, 2 * PAGE, 1);
	/* an overlapping range pins only what is new, once */
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base + PAGE, 3 * PAGE,
					f->buf + PAGE, &id3), 0);
	refs_are(f->buf, 4 * PAGE, 1);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id1), 0);
	refs_are(f->buf, 4 * PAGE, 1);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id1), -ENOENT);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id3), 0);
	refs_are(f->buf, 2 * PAGE, 1);
	refs_are(f->buf + 2 * PAGE, 2 * PAGE, 0);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id2), 0);
	refs_are(f->buf, f->length, 0);
	assert_int_equal(t_destroy_pages(f->ctx, fd, 12345), -ENOENT);
	assert_int_equal(t_destroy_pages(f->ctx, -1, 0), -EBADFD);
	/* items left at close are released by the close */
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base, f->length, f->buf, &id1), 0);
	refs_are(f->buf, f->length, 1);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	refs_are(f->buf, f->length, 0);
	munmap(other, PAGE);
}

static void pages_across_areas(void **state)
{
	struct fixture *f = *state;
	uint64_t next = f->base + f->length;
	uint32_t id = 0;
	int fd = -1;

	/* a second area right after the first, backed by the next pages */
	unsigned char *more = t_mem(4 * PAGE, PROT_READ | PROT_WRITE, 5);

	assert_int_equal(t_map(f->ctx, f->ioas, more, 4 * PAGE, next, T_RW), 0);
	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &fd), 0);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, next - 2 * PAGE, 4 * PAGE,
					NULL, &id), 0);
	refs_are(f->buf + f->length - 2 * PAGE, 2 * PAGE, 1);
	refs_are(more, 2 * PAGE, 1);
	refs_are(more + 2 * PAGE, 2 * PAGE, 0);
	/* UNMAP of the second area calls back; the item vanishes */
	assert_int_equal(t_unmap(f->ctx, f->ioas, next, 4 * PAGE, NULL), 0);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id), -ENOENT);
	refs_are(f->buf, f->length, 0);
	refs_are(more, 4 * PAGE, 0);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	munmap(more, 4 * PAGE);
}

static void unmap_while_pinned(void **state)
{
	struct fixture *f = *state;
	uint64_t unmapped = 0;
	uint32_t id = 0;
	int fd = -1, other = -1;

	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &fd), 0);
	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &other), 0);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base + 2 * PAGE, PAGE,
					f->buf + 2 * PAGE, &id), 0);
	refs_are(f->buf + 2 * PAGE, PAGE, 1);
	/* a partial unmap of the area is refused (superset rule), pin stays */
	assert_int_equal(t_unmap(f->ctx, f->ioas, f->base, PAGE, NULL), -ENOENT);
	refs_are(f->buf + 2 * PAGE, PAGE, 1);
	/* the full unmap notifies, the callback unpins, the unmap completes */
	assert_int_equal(t_unmap(f->ctx, f->ioas, f->base, f->length, &unmapped), 0);
	assert_int_equal(unmapped, f->length);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id), -ENOENT);
	refs_are(f->buf, f->length, 0);
	/* the IOVA is a hole now for every op */
	assert_int_equal(t_access_pages(f->ctx, other, 0, f->base, PAGE, NULL, &id),
			 -ENOENT);
	assert_int_equal(t_access_rw(f->ctx, other, f->base, f->buf, 1, 0), -ENOENT);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	assert_int_equal(uiommufd_fd_close(other), 1);
}

/* --- ACCESS_REPLACE_IOAS --------------------------------------------- */

static void replace_while_pinned(void **state)
{
	struct fixture *f = *state;
	unsigned char got[64];
	uint32_t ioas2 = 0, id = 0;
	int fd = -1;

	assert_int_equal(t_ioas(f->ctx, &ioas2), 0);
	assert_int_equal(t_map(f->ctx, ioas2, f->buf, f->length, 0x900000, T_RW), 0);
	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &fd), 0);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base, PAGE, f->buf, &id), 0);
	refs_are(f->buf, PAGE, 1);

	assert_int_equal(t_replace(f->ctx, -1, ioas2), -EBADFD);
	assert_int_equal(t_replace(f->ctx, fd, 999), -ENOENT);
	/* same IOAS: nothing happens, the pin stays */
	assert_int_equal(t_replace(f->ctx, fd, f->ioas), 0);
	refs_are(f->buf, PAGE, 1);
	/* a real replace drops every pin, then works on the new IOAS */
	assert_int_equal(t_replace(f->ctx, fd, ioas2), 0);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id), -ENOENT);
	refs_are(f->buf, f->length, 0);
	assert_int_equal(t_access_rw(f->ctx, fd, f->base, got, sizeof(got), 0), -ENOENT);
	assert_int_equal(t_access_rw(f->ctx, fd, 0x900000 + 5, got, sizeof(got), 0), 0);
	assert_memory_equal(got, f->buf + 5, sizeof(got));
	/* the old IOAS is free, the new one is held */
	assert_int_equal(t_unmap(f->ctx, f->ioas, 0, UINT64_MAX, NULL), 0);
	assert_int_equal(t_destroy(f->ctx, f->ioas), 0);
	assert_int_equal(t_destroy(f->ctx, ioas2), -EBUSY);
	assert_int_equal(t_access_pages(f->ctx, fd, 0, 0x900000, PAGE, f->buf, &id), 0);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	refs_are(f->buf, f->length, 0);
	assert_int_equal(t_destroy(f->ctx, ioas2), 0);
}

/* --- ACCESS_RW ------------------------------------------------------- */

static void rw_errors(void **state)
{
	struct fixture *f = *state;
	unsigned char buf[16];
	unsigned char *ro;
	int fd = -1;

	assert_int_equal(t_create_access(f->ctx, f->ioas, 0, &fd), 0);
	assert_int_equal(t_access_rw(f->ctx, -1, f->base, buf, (16 << 20) + 1, 0xff),
			 -ENOMEM);
	assert_int_equal(t_access_rw(f->ctx, fd, f->base, buf, 1, 2), -EOPNOTSUPP);
	assert_int_equal(t_access_rw(f->ctx, -1, f->base, buf, 1, 0), -EBADFD);
	assert_int_equal(t_access_rw(f->ctx, fd, f->base, buf, 0, 0), -EINVAL);
	assert_int_equal(t_access_rw(f->ctx, fd, UINT64_MAX, buf, 2, 0), -EOVERFLOW);
	assert_int_equal(t_access_rw(f->ctx, fd, f->base - 1, buf, 2, 0), -ENOENT);
	assert_int_equal(t_access_rw(f->ctx, fd, f->base + f->length - 1, buf, 2, 0),
			 -ENOENT);
	/* a bad user buffer: read (writing uptr) and write (reading uptr) */
	assert_int_equal(t_access_rw(f->ctx, fd, f->base, NULL, 4, 0), -EFAULT);
	assert_int_equal(t_access_rw(f->ctx, fd, f->base, NULL, 4,
				     MOCK_ACCESS_RW_WRITE), -EFAULT);
	/* writing through a read-only mapping */
	ro = t_mem(PAGE, PROT_READ, 11);
	assert_int_equal(t_map(f->ctx, f->ioas, ro, PAGE, 0x600000,
			       IOMMU_IOAS_MAP_READABLE), 0);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(t_access_rw(f->ctx, fd, 0x600010, buf, 8, MOCK_ACCESS_RW_WRITE),
			 -EPERM);
	assert_int_equal(t_access_rw(f->ctx, fd, 0x600010, buf, 8,
				     MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH),
			 -EPERM);
	assert_int_equal(t_access_rw(f->ctx, fd, 0x600010, buf, 8, 0), 0);
	assert_memory_equal(buf, ro + 0x10, 8);
	/* a writeable mapping of memory the process cannot write: the pin
	 * behind the copy fails */
	assert_int_equal(t_map(f->ctx, f->ioas, ro, PAGE, 0x700000, T_RW), 0);
	assert_int_equal(t_access_rw(f->ctx, fd, 0x700000, buf, 8, MOCK_ACCESS_RW_WRITE),
			 -EFAULT);
	assert_int_equal(ro[0], (unsigned char)11);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	refs_are(ro, PAGE, 0);
	munmap(ro, PAGE);
}

/* Every offset/length class, fast and slow path, pinning or not. */
static void rw_unaligned_and_crossing(void **state)
{
	struct fixture *f = *state;
	static const uint32_t modes[] = { 0, MOCK_ACCESS_RW_SLOW_PATH };
	uint64_t offs[] = { 0, 1, PAGE - 3, PAGE, 3 * PAGE + 17 };
	uint64_t lens[] = { 1, 7, PAGE, PAGE + 5, 3 * PAGE + 1 };
	unsigned char *more = t_mem(4 * PAGE, PROT_READ | PROT_WRITE, 77);
	unsigned char *shadow, *got, *put;
	uint64_t total = f->length + 4 * PAGE;
	int fds[2];

	/* two adjacent areas: transfers may cross between them */
	assert_int_equal(t_map(f->ctx, f->ioas, more, 4 * PAGE, f->base + f->length,
			       T_RW), 0);
	assert_int_equal(t_create_access(f->ctx, f->ioas, 0, &fds[0]), 0);
	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &fds[1]), 0);
	shadow = malloc(total);
	got = malloc(total);
	put = malloc(total);
	for (unsigned int a = 0; a < 2; a++) {
		for (unsigned int m = 0; m < 2; m++) {
			for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
				for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
					uint64_t off = offs[o] + (f->length - 2 * PAGE) * (l & 1);
					uint64_t len = lens[l];

					if (off + len > total)
						continue;
					for (uint64_t i = 0; i < len; i++)
						put[i] = (unsigned char)(i * 13 + o + l + m + a);
					assert_int_equal(t_access_rw(f->ctx, fds[a], f->base + off,
								     put, len,
								     MOCK_ACCESS_RW_WRITE | modes[m]), 0);
					/* coherence: the process sees the DMA write at once */
					memcpy(shadow, f->buf, f->length);
					memcpy(shadow + f->length, more, 4 * PAGE);
					assert_memory_equal(shadow + off, put, len);
					/* and a DMA read sees what the process writes */
					if (off < f->length)
						f->buf[off] ^= 0x5a;
					else
						more[off - f->length] ^= 0x5a;
					put[0] ^= 0x5a;
					assert_int_equal(t_access_rw(f->ctx, fds[a], f->base + off,
								     got, len, modes[m]), 0);
					assert_memory_equal(got, put, len);
				}
			}
		}
	}
	/* transient pins of the slow path are all gone */
	refs_are(f->buf, f->length, 0);
	refs_are(more, 4 * PAGE, 0);
	assert_int_equal(uiommufd_fd_close(fds[0]), 1);
	assert_int_equal(uiommufd_fd_close(fds[1]), 1);
	free(shadow);
	free(got);
	free(put);
	assert_int_equal(t_unmap(f->ctx, f->ioas, 0, UINT64_MAX, NULL), 0);
	munmap(more, 4 * PAGE);
}

/* Reading through pinned pages (the pinned fast path) sees live memory. */
static void rw_through_pins(void **state)
{
	struct fixture *f = *state;
	unsigned char got[3];
	uint32_t id = 0;
	int fd = -1;

	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &fd), 0);
	assert_int_equal(t_access_pages(f->ctx, fd, MOCK_FLAGS_ACCESS_WRITE, f->base,
					f->length, f->buf, &id), 0);
	f->buf[PAGE - 1] = 1;
	f->buf[PAGE] = 2;
	f->buf[PAGE + 1] = 3;
	assert_int_equal(t_access_rw(f->ctx, fd, f->base + PAGE - 1, got, 3, 0), 0);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[2], 3);
	got[1] = 99;
	assert_int_equal(t_access_rw(f->ctx, fd, f->base + PAGE - 1, got, 3,
				     MOCK_ACCESS_RW_WRITE), 0);
	assert_int_equal(f->buf[PAGE], 99);
	refs_are(f->buf, f->length, 1);
	assert_int_equal(t_destroy_pages(f->ctx, fd, id), 0);
	refs_are(f->buf, f->length, 0);
	assert_int_equal(uiommufd_fd_close(fd), 1);
}

/* The access fd keeps the context alive after uiommufd_close(). */
static void fd_outlives_ctx(void **state)
{
	struct fixture *f = *state;
	struct uiommufd_ctx *ctx;
	uint32_t ioas = 0, id = 0;
	int fd = -1;

	assert_int_equal(uiommufd_open(&ctx), 0);
	assert_int_equal(t_ioas(ctx, &ioas), 0);
	assert_int_equal(t_map(ctx, ioas, f->buf, f->length, 0x10000, T_RW), 0);
	assert_int_equal(t_create_access(ctx, ioas, 1, &fd), 0);
	assert_int_equal(t_access_pages(ctx, fd, 0, 0x10000, 2 * PAGE, f->buf, &id), 0);
	uiommufd_close(ctx);
	/* context, IOAS, access and pin all live on */
	refs_are(f->buf, 2 * PAGE, 1);
	assert_int_equal(uiommufd_fd_is_ours(fd), 1);
	/* closing the fd tears everything down (ASan checks nothing leaks) */
	assert_int_equal(uiommufd_fd_close(fd), 1);
	refs_are(f->buf, f->length, 0);
	assert_int_equal(uiommufd_fd_is_ours(fd), 0);
}

/* A response that cannot be written back undoes the op (errors.md rows 5, 7). */
static void respond_efault_undoes(void **state)
{
	struct fixture *f = *state;
	struct iommu_test_cmd *cmd;
	uint32_t next = 0, id = 0;
	int fd = -1;

	cmd = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	assert_true(cmd != MAP_FAILED);
	/* CREATE_ACCESS into a read-only struct */
	*cmd = (struct iommu_test_cmd){ .size = sizeof(*cmd),
					.op = IOMMU_TEST_OP_CREATE_ACCESS,
					.id = f->ioas,
					.create_access = { .flags = 1 } };
	mprotect(cmd, PAGE, PROT_READ);
	assert_int_equal(uiommufd_ioctl(f->ctx, IOMMU_TEST_CMD, cmd), -EFAULT);
	/* no access object (its ID is free again), the IOAS is not held */
	assert_int_equal(t_ioas(f->ctx, &next), 0);
	assert_int_equal(next, f->ioas + 1);
	assert_int_equal(t_destroy(f->ctx, next), 0);

	/* ACCESS_PAGES into a read-only struct: the item and pin are undone */
	assert_int_equal(t_create_access(f->ctx, f->ioas, 1, &fd), 0);
	mprotect(cmd, PAGE, PROT_READ | PROT_WRITE);
	*cmd = (struct iommu_test_cmd){ .size = sizeof(*cmd),
					.op = IOMMU_TEST_OP_ACCESS_PAGES,
					.id = (uint32_t)fd,
					.access_pages = { .iova = f->base, .length = PAGE } };
	mprotect(cmd, PAGE, PROT_READ);
	assert_int_equal(uiommufd_ioctl(f->ctx, IOMMU_TEST_CMD, cmd), -EFAULT);
	refs_are(f->buf, f->length, 0);
	assert_int_equal(t_destroy_pages(f->ctx, fd, 0), -ENOENT);
	/* ids are never reused: the next item is 1 */
	assert_int_equal(t_access_pages(f->ctx, fd, 0, f->base, PAGE, NULL, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(uiommufd_fd_close(fd), 1);
	munmap(cmd, PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(create_consumes_id_and_pins_ctx, setup, teardown),
		cmocka_unit_test_setup_teardown(create_pin_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_identity_and_refs, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_across_areas, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_while_pinned, setup, teardown),
		cmocka_unit_test_setup_teardown(replace_while_pinned, setup, teardown),
		cmocka_unit_test_setup_teardown(rw_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(rw_unaligned_and_crossing, setup, teardown),
		cmocka_unit_test_setup_teardown(rw_through_pins, setup, teardown),
		cmocka_unit_test_setup_teardown(fd_outlives_ctx, setup, teardown),
		cmocka_unit_test_setup_teardown(respond_efault_undoes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

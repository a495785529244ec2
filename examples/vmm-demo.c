/* SPDX-License-Identifier: MIT */
/*
 * vmm-demo: what a virtual machine monitor does with /dev/iommu, step by
 * step, with a picture of each IO address space after every step.
 *
 * Written against the kernel ABI only: the structs below are our own
 * restatement of the layouts in <linux/iommufd.h> and the kernel's selftest
 * header (spec abi.md §3 and §6); nothing from uiommufd is included.  Run it
 * on a kernel with iommufd (and the iommufd selftest driver, for the mock
 * device and the access), or under `uiommufd-run` for the emulation.
 *
 * The flow: two IOASes ("guest" and "shadow"); a test-reserved hole and an
 * allowed window in the guest IOAS; a mock device attached (the usable IOVA
 * space narrows to the device's aperture); guest RAM mapped at a fixed IOVA
 * and a ring buffer placed automatically (it lands in the allowed window);
 * the RAM mapping copied into the shadow IOAS; a DMA write and read through
 * an in-kernel access; unmap; detach (the space widens again).
 *
 * The picture: one bar per IOAS covering IOVA 0..4 GiB, one column per
 * 64 MiB; a column shows the most important thing inside it (mapped >
 * reserved > allowed > usable > unusable).
 *
 * Test-only operations (IOMMU_TEST_CMD) that the running system lacks are
 * reported as "not available in this build" and skipped; any other failure
 * is counted and makes the exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- the kernel ABI, restated (sizes checked below) ---- */
#define IOMMUFD_TYPE ';'
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, 0x80)
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, 0x81)
#define IOMMU_IOAS_ALLOW_IOVAS _IO(IOMMUFD_TYPE, 0x82)
#define IOMMU_IOAS_COPY _IO(IOMMUFD_TYPE, 0x83)
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, 0x84)
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, 0x85)
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, 0x86)
#define IOMMU_TEST_CMD _IO(IOMMUFD_TYPE, 0x80 + 32)

#define MAP_FIXED_IOVA (1u << 0)
#define MAP_WRITEABLE (1u << 1)
#define MAP_READABLE (1u << 2)

struct demo_destroy { uint32_t size, id; };
struct demo_ioas_alloc { uint32_t size, flags, out_ioas_id; };
struct demo_range { uint64_t start, last; };
struct demo_iova_ranges {
	uint32_t size, ioas_id, num_iovas, reserved;
	uint64_t allowed_iovas, out_iova_alignment;
};
struct demo_allow_iovas {
	uint32_t size, ioas_id, num_iovas, reserved;
	uint64_t allowed_iovas;
};
struct demo_map {
	uint32_t size, flags, ioas_id, reserved;
	uint64_t user_va, length, iova;
};
struct demo_copy {
	uint32_t size, flags, dst_ioas_id, src_ioas_id;
	uint64_t length, dst_iova, src_iova;
};
struct demo_unmap { uint32_t size, ioas_id; uint64_t iova, length; };

enum {
	TEST_OP_ADD_RESERVED = 1,
	TEST_OP_MOCK_DOMAIN = 2,
	TEST_OP_MD_CHECK_REFS = 4,
	TEST_OP_CREATE_ACCESS = 5,
	TEST_OP_ACCESS_RW = 8,
};
#define ACCESS_RW_WRITE (1u << 0)

struct demo_test_cmd {
	uint32_t size, op, id, reserved;
	union {
		struct { uint64_t start, length; } add_reserved;
		struct { uint32_t out_stdev_id, out_hwpt_id, out_idev_id; } mock_domain;
		struct { uint32_t out_access_fd, flags; } create_access;
		struct { uint64_t length, uptr; uint32_t refs; } check_refs;
		struct { uint64_t iova, length, uptr; uint32_t flags; } access_rw;
		uint64_t pad[6];
	};
	uint32_t last;
};

_Static_assert(sizeof(struct demo_iova_ranges) == 32, "iova_ranges layout");
_Static_assert(sizeof(struct demo_map) == 40, "map layout");
_Static_assert(sizeof(struct demo_copy) == 40, "copy layout");
_Static_assert(sizeof(struct demo_test_cmd) == 72, "test cmd layout");
_Static_assert(offsetof(struct demo_test_cmd, last) == 64, "test cmd last");

/* ---- what the demo knows about each IOAS, for the picture ---- */
#define MAX_SPANS 8
struct span { uint64_t start, last; };
struct ioas_view {
	const char *name;
	uint32_t id;
	struct span mapped[MAX_SPANS];
	int nmapped;
	struct span reserved[MAX_SPANS];
	int nreserved;
	struct span allowed[MAX_SPANS];
	int nallowed;
};

static int iommufd = -1;
static int n_failed, n_unavailable;

static void add_span(struct span *arr, int *n, uint64_t start, uint64_t last)
{
	if (*n < MAX_SPANS)
		arr[(*n)++] = (struct span){ start, last };
}

static void del_span(struct span *arr, int *n, uint64_t start)
{
	for (int i = 0; i < *n; i++) {
		if (arr[i].start == start) {
			arr[i] = arr[--(*n)];
			return;
		}
	}
}

static void failed(const char *what)
{
	n_failed++;
	printf("  !! %s failed: %s\n", what, strerror(errno));
}

/* Test ops missing from the running system: say so and carry on. */
static bool unavailable(const char *what)
{
	if (errno != ENOTTY && errno != EOPNOTSUPP)
		return false;
	n_unavailable++;
	printf("  -- %s: not available in this build (%s); skipping\n", what,
	       strerror(errno));
	return true;
}

static int test_cmd(struct demo_test_cmd *cmd, uint32_t op, uint32_t id)
{
	cmd->size = sizeof(*cmd);
	cmd->op = op;
	cmd->id = id;
	return ioctl(iommufd, IOMMU_TEST_CMD, cmd);
}

/*
 * How many long-term pins hold every page of [p, p + len)?  MD_CHECK_REFS
 * answers yes or no for a given count, so ask for 0, 1, 2, ...; -1 when the
 * pages disagree or the op is missing.
 */
static int pin_count(const void *p, uint64_t len)
{
	for (uint32_t refs = 0; refs < 4; refs++) {
		struct demo_test_cmd cmd = { 0 };

		cmd.check_refs.length = len;
		cmd.check_refs.uptr = (uintptr_t)p;
		cmd.check_refs.refs = refs;
		if (test_cmd(&cmd, TEST_OP_MD_CHECK_REFS, 0) == 0)
			return (int)refs;
		if (errno != EIO)
			return -1;
	}
	return -1;
}

static void show_pins(const void *p, uint64_t len, const char *what)
{
	int n = pin_count(p, len);

	if (n >= 0)
		printf("  MD_CHECK_REFS: every page of %s is pinned %d time%s\n",
		       what, n, n == 1 ? "" : "s");
}

static int get_ranges(uint32_t ioas, struct demo_range *r, uint32_t cap,
		      uint32_t *n, uint64_t *align)
{
	struct demo_iova_ranges q = {
		.size = sizeof(q), .ioas_id = ioas, .num_iovas = cap,
		.allowed_iovas = (uintptr_t)r,
	};

	if (ioctl(iommufd, IOMMU_IOAS_IOVA_RANGES, &q))
		return -1;
	*n = q.num_iovas < cap ? q.num_iovas : cap;
	*align = q.out_iova_alignment;
	return 0;
}

static bool overlaps(const struct span *s, int n, uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < n; i++)
		if (s[i].start <= hi && s[i].last >= lo)
			return true;
	return false;
}

#define PIC_COLS 64
#define PIC_SPAN (4ULL << 30)

static void show(const struct ioas_view *v, const char *caption)
{
	struct demo_range r[16];
	struct span valid[16];
	uint64_t align, col = PIC_SPAN / PIC_COLS;
	uint32_t n, i;
	char bar[PIC_COLS + 1];

	printf("\n  IOAS %u (%s) %s\n", v->id, v->name, caption);
	if (get_ranges(v->id, r, 16, &n, &align)) {
		failed("IOMMU_IOAS_IOVA_RANGES");
		return;
	}
	printf("    valid IOVA ranges (alignment %" PRIu64 "):", align);
	for (i = 0; i < n; i++) {
		printf("%s[0x%" PRIx64 " .. 0x%" PRIx64 "]", i ? ", " : " ",
		       r[i].start, r[i].last);
		valid[i] = (struct span){ r[i].start, r[i].last };
	}
	printf("%s\n", n ? "" : " none");
	for (int c = 0; c < PIC_COLS; c++) {
		uint64_t lo = c * col, hi = lo + col - 1;

		if (overlaps(v->mapped, v->nmapped, lo, hi))
			bar[c] = '#';
		else if (overlaps(v->reserved, v->nreserved, lo, hi))
			bar[c] = 'R';
		else if (overlaps(v->allowed, v->nallowed, lo, hi))
			bar[c] = 'A';
		else if (overlaps(valid, (int)n, lo, hi))
			bar[c] = '.';
		else
			bar[c] = ' ';
	}
	bar[PIC_COLS] = '\0';
	printf("    |%s| %s\n", bar,
	       overlaps(valid, (int)n, PIC_SPAN, UINT64_MAX) ?
		       "(usable above 4 GiB too)" : "(nothing usable above 4 GiB)");
	printf("    0               1G              2G              3G              4G\n");
	for (i = 0; i < (uint32_t)v->nmapped; i++)
		printf("    mapped   [0x%" PRIx64 " .. 0x%" PRIx64 "]\n",
		       v->mapped[i].start, v->mapped[i].last);
}

static void legend(void)
{
	printf("  Picture legend: one column = 64 MiB of IOVA space, 0 to 4 GiB\n"
	       "    '#' mapped   'R' reserved hole (test ADD_RESERVED)   "
	       "'A' allowed window (ALLOW_IOVAS)\n"
	       "    '.' usable and free   ' ' not usable (outside every valid range)\n");
}

static void step(int n, const char *title)
{
	printf("\n== Step %d: %s\n", n, title);
}

int main(void)
{
	struct ioas_view guest = { .name = "guest" }, shadow = { .name = "shadow" };
	const uint64_t ram_iova = 0x1000000, ram_len = 4ULL << 20;
	const uint64_t ring_len = 64 << 10;
	struct demo_test_cmd cmd;
	uint32_t stdev = 0, hwpt = 0;
	int access_fd = -1;
	uint64_t ring_iova = 0;
	bool ram_mapped = false, ring_mapped = false, ram_copied = false;
	unsigned char *ram, *ring;
	long page = sysconf(_SC_PAGESIZE);

	printf("vmm-demo: a VMM's use of /dev/iommu, told step by step\n");
	iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (iommufd < 0) {
		fprintf(stderr,
			"vmm-demo: cannot open /dev/iommu: %s\n"
			"  (no iommufd here? run me as: uiommufd-run -- vmm-demo)\n",
			strerror(errno));
		return 1;
	}
	printf("  opened /dev/iommu as descriptor %d\n", iommufd);
	legend();

	step(1, "allocate two IO address spaces");
	{
		struct demo_ioas_alloc a = { .size = sizeof(a) };

		if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &a)) {
			failed("IOMMU_IOAS_ALLOC");
			return 1;
		}
		guest.id = a.out_ioas_id;
		if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &a)) {
			failed("IOMMU_IOAS_ALLOC");
			return 1;
		}
		shadow.id = a.out_ioas_id;
		printf("  guest IOAS id %u, shadow IOAS id %u\n", guest.id, shadow.id);
	}
	show(&guest, "fresh: the whole 64-bit space is usable");

	step(2, "punch a reserved hole (as a platform MSI window would)");
	cmd = (struct demo_test_cmd){ 0 };
	cmd.add_reserved.start = 0x10000000;
	cmd.add_reserved.length = 16 << 20;
	if (test_cmd(&cmd, TEST_OP_ADD_RESERVED, guest.id) == 0) {
		add_span(guest.reserved, &guest.nreserved, 0x10000000,
			 0x10000000 + (16 << 20) - 1);
		show(&guest, "after ADD_RESERVED [0x10000000, +16 MiB): the range splits");
	} else if (!unavailable("IOMMU_TEST_OP_ADD_RESERVED")) {
		failed("IOMMU_TEST_OP_ADD_RESERVED");
	}

	step(3, "allow only a window for automatically placed mappings");
	{
		struct demo_range win = { 0x40000000, 0x4fffffff };
		struct demo_allow_iovas al = {
			.size = sizeof(al), .ioas_id = guest.id, .num_iovas = 1,
			.allowed_iovas = (uintptr_t)&win,
		};

		if (ioctl(iommufd, IOMMU_IOAS_ALLOW_IOVAS, &al) == 0) {
			add_span(guest.allowed, &guest.nallowed, win.start, win.last);
			show(&guest, "after ALLOW_IOVAS [0x40000000..0x4fffffff]: valid "
			     "ranges are unchanged,\n    but the kernel will only "
			     "pick IOVAs inside the window");
		} else {
			failed("IOMMU_IOAS_ALLOW_IOVAS");
		}
	}

	step(4, "attach a (mock) device: the space narrows to its aperture");
	cmd = (struct demo_test_cmd){ 0 };
	if (test_cmd(&cmd, TEST_OP_MOCK_DOMAIN, guest.id) == 0) {
		stdev = cmd.mock_domain.out_stdev_id;
		hwpt = cmd.mock_domain.out_hwpt_id;
		printf("  device object %u, HW page table %u, iommufd device %u\n",
		       stdev, hwpt, cmd.mock_domain.out_idev_id);
		show(&guest, "with a device attached");
	} else if (!unavailable("IOMMU_TEST_OP_MOCK_DOMAIN")) {
		failed("IOMMU_TEST_OP_MOCK_DOMAIN");
	}

	step(5, "map guest RAM at a fixed IOVA, and a ring where the kernel likes");
	ram = mmap(NULL, ram_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED || ring == MAP_FAILED) {
		perror("vmm-demo: mmap");
		return 1;
	}
	for (uint64_t i = 0; i < ram_len; i++)
		ram[i] = (unsigned char)(i * 7 + 3);
	{
		struct demo_map m = {
			.size = sizeof(m),
			.flags = MAP_FIXED_IOVA | MAP_READABLE | MAP_WRITEABLE,
			.ioas_id = guest.id, .user_va = (uintptr_t)ram,
			.length = ram_len, .iova = ram_iova,
		};

		if (ioctl(iommufd, IOMMU_IOAS_MAP, &m) == 0) {
			ram_mapped = true;
			add_span(guest.mapped, &guest.nmapped, ram_iova,
				 ram_iova + ram_len - 1);
			printf("  guest RAM (4 MiB at %p) -> IOVA 0x%" PRIx64 "\n",
			       (void *)ram, m.iova);
		} else {
			failed("IOMMU_IOAS_MAP (fixed)");
		}
		m = (struct demo_map){
			.size = sizeof(m), .flags = MAP_READABLE | MAP_WRITEABLE,
			.ioas_id = guest.id, .user_va = (uintptr_t)ring,
			.length = ring_len,
		};
		if (ioctl(iommufd, IOMMU_IOAS_MAP, &m) == 0) {
			ring_mapped = true;
			ring_iova = m.iova;
			add_span(guest.mapped, &guest.nmapped, m.iova,
				 m.iova + ring_len - 1);
			printf("  ring (64 KiB) placed by the kernel at IOVA 0x%" PRIx64
			       "%s\n", m.iova,
			       guest.nallowed && m.iova >= 0x40000000 &&
					       m.iova <= 0x4fffffff ?
				       ": inside the allowed window" : "");
			if (guest.nallowed && (m.iova < 0x40000000 ||
					       m.iova + ring_len - 1 > 0x4fffffff)) {
				n_failed++;
				printf("  !! the ring is outside the allowed window\n");
			}
		} else {
			failed("IOMMU_IOAS_MAP (automatic IOVA)");
		}
	}
	show(&guest, "with guest RAM and the ring mapped");
	if (ram_mapped)
		show_pins(ram, ram_len, stdev ? "guest RAM (a domain needs it)" :
			  "guest RAM (no domain: nothing is pinned yet)");

	step(6, "copy the RAM mapping into the shadow IOAS (IOAS_COPY)");
	if (ram_mapped) {
		struct demo_copy c = {
			.size = sizeof(c),
			.flags = MAP_FIXED_IOVA | MAP_READABLE | MAP_WRITEABLE,
			.dst_ioas_id = shadow.id, .src_ioas_id = guest.id,
			.length = ram_len, .dst_iova = ram_iova, .src_iova = ram_iova,
		};

		if (ioctl(iommufd, IOMMU_IOAS_COPY, &c) == 0) {
			ram_copied = true;
			add_span(shadow.mapped, &shadow.nmapped, c.dst_iova,
				 c.dst_iova + ram_len - 1);
			show(&shadow, "shares the guest's pages, no second pin");
			show_pins(ram, ram_len, "guest RAM after the copy");
		} else {
			failed("IOMMU_IOAS_COPY");
		}
	}

	step(7, "DMA through an in-kernel access on the shadow IOAS");
	cmd = (struct demo_test_cmd){ 0 };
	if (!ram_copied) {
		printf("  (nothing mapped in the shadow IOAS; skipped)\n");
	} else if (test_cmd(&cmd, TEST_OP_CREATE_ACCESS, shadow.id) == 0) {
		static const char msg[] = "written by the device";
		unsigned char back[64];

		access_fd = (int)cmd.create_access.out_access_fd;
		printf("  access descriptor %d\n", access_fd);
		cmd = (struct demo_test_cmd){ 0 };
		cmd.access_rw.iova = ram_iova + (uint64_t)page;
		cmd.access_rw.length = sizeof(msg);
		cmd.access_rw.uptr = (uintptr_t)msg;
		cmd.access_rw.flags = ACCESS_RW_WRITE;
		if (test_cmd(&cmd, TEST_OP_ACCESS_RW, (uint32_t)access_fd)) {
			if (!unavailable("IOMMU_TEST_OP_ACCESS_RW"))
				failed("IOMMU_TEST_OP_ACCESS_RW (write)");
		} else if (memcmp(ram + page, msg, sizeof(msg))) {
			n_failed++;
			printf("  !! the DMA write did not reach guest RAM\n");
		} else {
			printf("  device wrote \"%s\" at IOVA 0x%" PRIx64
			       "; guest RAM now reads \"%s\"\n", msg,
			       ram_iova + (uint64_t)page, (char *)ram + page);
		}
		cmd = (struct demo_test_cmd){ 0 };
		cmd.access_rw.iova = ram_iova;
		cmd.access_rw.length = sizeof(back);
		cmd.access_rw.uptr = (uintptr_t)back;
		if (test_cmd(&cmd, TEST_OP_ACCESS_RW, (uint32_t)access_fd)) {
			if (!unavailable("IOMMU_TEST_OP_ACCESS_RW"))
				failed("IOMMU_TEST_OP_ACCESS_RW (read)");
		} else if (memcmp(back, ram, sizeof(back))) {
			n_failed++;
			printf("  !! the DMA read returned other bytes than guest RAM\n");
		} else {
			printf("  device read %zu bytes at IOVA 0x%" PRIx64
			       ": they match guest RAM\n", sizeof(back), ram_iova);
		}
		close(access_fd);
		access_fd = -1;
	} else if (!unavailable("IOMMU_TEST_OP_CREATE_ACCESS")) {
		failed("IOMMU_TEST_OP_CREATE_ACCESS");
	}

	step(8, "unmap everything");
	{
		struct demo_unmap u = { .size = sizeof(u), .ioas_id = guest.id,
					.iova = ram_iova, .length = ram_len };

		if (ram_mapped) {
			if (ioctl(iommufd, IOMMU_IOAS_UNMAP, &u))
				failed("IOMMU_IOAS_UNMAP (guest RAM)");
			else
				del_span(guest.mapped, &guest.nmapped, ram_iova);
			printf("  guest: %" PRIu64 " bytes of RAM unmapped\n", u.length);
		}
		if (ring_mapped) {
			u = (struct demo_unmap){ .size = sizeof(u), .ioas_id = guest.id,
						 .iova = ring_iova, .length = ring_len };
			if (ioctl(iommufd, IOMMU_IOAS_UNMAP, &u))
				failed("IOMMU_IOAS_UNMAP (ring)");
			else
				del_span(guest.mapped, &guest.nmapped, ring_iova);
		}
		if (ram_copied) {
			/* iova 0 + length ~0: "everything" */
			u = (struct demo_unmap){ .size = sizeof(u), .ioas_id = shadow.id,
						 .iova = 0, .length = UINT64_MAX };
			if (ioctl(iommufd, IOMMU_IOAS_UNMAP, &u))
				failed("IOMMU_IOAS_UNMAP (shadow, all)");
			else
				shadow.nmapped = 0;
			printf("  shadow: %" PRIu64 " bytes unmapped\n", u.length);
		}
	}
	show(&guest, "after unmap");

	step(9, "detach the device: the space widens again");
	if (stdev) {
		struct demo_destroy d = { .size = sizeof(d), .id = stdev };

		if (ioctl(iommufd, IOMMU_DESTROY, &d))
			failed("IOMMU_DESTROY (device)");
		else
			show(&guest, "after the device is gone");
	} else {
		printf("  (no device was attached)\n");
	}

	step(10, "tear down");
	{
		struct demo_destroy d = { .size = sizeof(d), .id = shadow.id };

		if (ioctl(iommufd, IOMMU_DESTROY, &d))
			failed("IOMMU_DESTROY (shadow IOAS)");
		d.id = guest.id;
		if (ioctl(iommufd, IOMMU_DESTROY, &d))
			failed("IOMMU_DESTROY (guest IOAS)");
	}
	close(iommufd);
	munmap(ram, ram_len);
	munmap(ring, ring_len);
	(void)hwpt;

	printf("\nvmm-demo: done; %d step(s) failed, %d test operation(s) not "
	       "available in this build\n", n_failed, n_unavailable);
	return n_failed ? 1 : 0;
}

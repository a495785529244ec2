/* SPDX-License-Identifier: MIT */
/*
 * kabi.h - the /dev/iommu ioctl ABI as an ordinary user program sees it.
 *
 * This header is deliberately written a second time, from
 * shared/spec/abi.md alone, instead of including
 * include/uiommufd/iommufd_abi.h.  The conformance suite then checks two
 * things at once: that the library behaves as the spec says, and that a
 * program compiled with its *own* idea of the layouts (as any program built
 * against the kernel's uapi header is) interoperates with it.  If the two
 * headers ever disagree on an offset, the tests that use that field fail.
 *
 * Every struct carries _Static_asserts for its size and for the offset of
 * every field, copied from the offset tables of abi.md (v7.2 layouts).
 *
 * Glossary: `last` is inclusive (an iova range is [start, last]); `end` is
 * exclusive.  KABI_U64_MAX is 2^64-1; iova + length - 1 wraps past it for
 * large values, which is exactly what several tests provoke on purpose.
 */
#ifndef UIOMMUFD_TESTS_KABI_H
#define UIOMMUFD_TESTS_KABI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#define KABI_U64_MAX UINT64_MAX

/* abi.md §1: type ';', _IO() encoding, nr 0x80.. plus the test command. */
#define KABI_TYPE ';'
#define KABI_NR_BASE 0x80
#define KABI_IO(nr) _IO(KABI_TYPE, (nr))

#define IOMMU_DESTROY KABI_IO(0x80)
#define IOMMU_IOAS_ALLOC KABI_IO(0x81)
#define IOMMU_IOAS_ALLOW_IOVAS KABI_IO(0x82)
#define IOMMU_IOAS_COPY KABI_IO(0x83)
#define IOMMU_IOAS_IOVA_RANGES KABI_IO(0x84)
#define IOMMU_IOAS_MAP KABI_IO(0x85)
#define IOMMU_IOAS_UNMAP KABI_IO(0x86)
#define IOMMU_OPTION KABI_IO(0x87)
#define IOMMU_VFIO_IOAS KABI_IO(0x88)
#define IOMMU_TEST_CMD KABI_IO(0xa0)

_Static_assert(IOMMU_DESTROY == 0x3b80, "abi.md §1 request number");
_Static_assert(IOMMU_VFIO_IOAS == 0x3b88, "abi.md §1 request number");
_Static_assert(IOMMU_TEST_CMD == 0x3ba0, "abi.md §1 request number");

#define KABI_OFF(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field)
#define KABI_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type)

/* §3.1 */
struct kabi_destroy {
	uint32_t size;
	uint32_t id;
};
KABI_SIZE(struct kabi_destroy, 8);
KABI_OFF(struct kabi_destroy, id, 4);

/* §3.2 */
struct kabi_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};
KABI_SIZE(struct kabi_ioas_alloc, 12);
KABI_OFF(struct kabi_ioas_alloc, flags, 4);
KABI_OFF(struct kabi_ioas_alloc, out_ioas_id, 8);

/* §3.3 */
struct kabi_iova_range {
	uint64_t start;
	uint64_t last;
};
KABI_SIZE(struct kabi_iova_range, 16);
KABI_OFF(struct kabi_iova_range, last, 8);

/* §3.4 */
struct kabi_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;
	uint64_t out_iova_alignment;
};
KABI_SIZE(struct kabi_iova_ranges, 32);
KABI_OFF(struct kabi_iova_ranges, ioas_id, 4);
KABI_OFF(struct kabi_iova_ranges, num_iovas, 8);
KABI_OFF(struct kabi_iova_ranges, reserved, 12);
KABI_OFF(struct kabi_iova_ranges, allowed_iovas, 16);
KABI_OFF(struct kabi_iova_ranges, out_iova_alignment, 24);

/* §3.5 */
struct kabi_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;
};
KABI_SIZE(struct kabi_allow_iovas, 24);
KABI_OFF(struct kabi_allow_iovas, num_iovas, 8);
KABI_OFF(struct kabi_allow_iovas, reserved, 12);
KABI_OFF(struct kabi_allow_iovas, allowed_iovas, 16);

/* §3.6 */
#define KABI_MAP_FIXED_IOVA (1u << 0)
#define KABI_MAP_WRITEABLE (1u << 1)
#define KABI_MAP_READABLE (1u << 2)
#define KABI_MAP_RW (KABI_MAP_WRITEABLE | KABI_MAP_READABLE)

/* §3.7 */
struct kabi_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved;
	uint64_t user_va;
	uint64_t length;
	uint64_t iova;
};
KABI_SIZE(struct kabi_ioas_map, 40);
KABI_OFF(struct kabi_ioas_map, flags, 4);
KABI_OFF(struct kabi_ioas_map, ioas_id, 8);
KABI_OFF(struct kabi_ioas_map, reserved, 12);
KABI_OFF(struct kabi_ioas_map, user_va, 16);
KABI_OFF(struct kabi_ioas_map, length, 24);
KABI_OFF(struct kabi_ioas_map, iova, 32);

/* §3.8 */
struct kabi_ioas_copy {
	uint32_t size;
	uint32_t flags;
	uint32_t dst_ioas_id;
	uint32_t src_ioas_id;
	uint64_t length;
	uint64_t dst_iova;
	uint64_t src_iova;
};
KABI_SIZE(struct kabi_ioas_copy, 40);
KABI_OFF(struct kabi_ioas_copy, dst_ioas_id, 8);
KABI_OFF(struct kabi_ioas_copy, src_ioas_id, 12);
KABI_OFF(struct kabi_ioas_copy, length, 16);
KABI_OFF(struct kabi_ioas_copy, dst_iova, 24);
KABI_OFF(struct kabi_ioas_copy, src_iova, 32);

/* §3.9 */
struct kabi_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	uint64_t iova;
	uint64_t length;
};
KABI_SIZE(struct kabi_ioas_unmap, 24);
KABI_OFF(struct kabi_ioas_unmap, ioas_id, 4);
KABI_OFF(struct kabi_ioas_unmap, iova, 8);
KABI_OFF(struct kabi_ioas_unmap, length, 16);

/* §3.10 */
#define KABI_OPTION_RLIMIT_MODE 0
#define KABI_OPTION_HUGE_PAGES 1
#define KABI_OPTION_OP_SET 0
#define KABI_OPTION_OP_GET 1

struct kabi_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t reserved;
	uint32_t object_id;
	uint64_t val64;
};
KABI_SIZE(struct kabi_option, 24);
KABI_OFF(struct kabi_option, option_id, 4);
KABI_OFF(struct kabi_option, op, 8);
KABI_OFF(struct kabi_option, reserved, 10);
KABI_OFF(struct kabi_option, object_id, 12);
KABI_OFF(struct kabi_option, val64, 16);

/* §3.11 */
#define KABI_VFIO_IOAS_GET 0
#define KABI_VFIO_IOAS_SET 1
#define KABI_VFIO_IOAS_CLEAR 2

struct kabi_vfio_ioas {
	uint32_t size;
	uint32_t ioas_id;
	uint16_t op;
	uint16_t reserved;
};
KABI_SIZE(struct kabi_vfio_ioas, 12);
KABI_OFF(struct kabi_vfio_ioas, ioas_id, 4);
KABI_OFF(struct kabi_vfio_ioas, op, 8);
KABI_OFF(struct kabi_vfio_ioas, reserved, 10);

/* §6.1 / §6.3: only the union member this suite uses is spelled out; the
 * rest of the 48-byte payload is padding here. */
#define KABI_TEST_OP_ADD_RESERVED 1
#define KABI_TEST_CMD_MIN 68

struct kabi_test_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;
	uint32_t reserved;
	union {
		struct {
			uint64_t start;
			uint64_t length;
		} add_reserved;
		uint8_t payload[48];
	};
	uint32_t last;
} __attribute__((aligned(8)));
KABI_SIZE(struct kabi_test_cmd, 72);
KABI_OFF(struct kabi_test_cmd, op, 4);
KABI_OFF(struct kabi_test_cmd, id, 8);
KABI_OFF(struct kabi_test_cmd, add_reserved.start, 16);
KABI_OFF(struct kabi_test_cmd, add_reserved.length, 24);
KABI_OFF(struct kabi_test_cmd, last, 64);

#endif /* UIOMMUFD_TESTS_KABI_H */

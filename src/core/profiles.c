/* SPDX-License-Identifier: MIT */
/*
 * Platform profiles (see profiles.h; sources of the numbers in
 * docs/profiles.md).
 *
 * Built-in table: each row is a function filling props, so the derived rows
 * (dma32 = intel-vtd narrowed to 32 bits) are written as "base + change".
 *
 * Config format, one setting per line, blanks and '#' comments ignored:
 *   name = <word>                 (required unless `base` gives one)
 *   base = <built-in profile>     (must come first if present)
 *   granule = <bytes>
 *   page_sizes = <size>[,<size>...]   sizes as numbers with K/M/G suffixes
 *   aperture = <start>-<last>     inclusive
 *   reserved = <start>-<last>     repeatable; the first one replaces the
 *                                 base's list, later ones add to it
 *   dirty_tracking = yes|no
 *   pasid_bits = <0..20>
 * Numbers accept 0x hex and decimal.  Overflow hazards: a suffix multiply and
 * the `last` of a range are checked; `last` is inclusive so a range ending at
 * 2^64-1 is written as ...-0xffffffffffffffff.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/profiles.h"
#include "uiommufd/iommufd_abi.h"
#include "util/overflow.h"
#include "util/page.h"

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define MSI_X86_START 0xfee00000ULL
#define MSI_X86_LAST 0xfeefffffULL

static void props_common(struct emu_iommu_props *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	strncpy(p->name, name, sizeof(p->name) - 1);
	p->granule = SZ_4K;
	p->aperture_start = 0;
}

static void add_resv(struct emu_iommu_props *p, uint64_t start, uint64_t last)
{
	if (p->nresv < EMU_MAX_RESV) {
		p->resv[p->nresv].start = start;
		p->resv[p->nresv].last = last;
		p->nresv++;
	}
}

static void profile_intel_vtd(struct emu_iommu_props *p)
{
	struct iommu_hw_info_vtd info = { 0 };

	props_common(p, "intel-vtd");
	/* second-stage 4-level table: 4 KiB, 2 MiB, 1 GiB; 48-bit IOVA */
	p->pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	p->aperture_last = (1ULL << 48) - 1;
	add_resv(p, MSI_X86_START, MSI_X86_LAST);
	p->dirty_cap = true;
	p->max_pasid_log2 = 20;
	/* CAP_REG: SAGAW = 4-level (bit 10), MGAW = 48 - 1 (bits 21:16),
	 * SLLPS = 2 MiB | 1 GiB (bits 35:34).  ECAP_REG not modelled (0). */
	info.cap_reg = (1ULL << 10) | (47ULL << 16) | (3ULL << 34);
	p->hw_info_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	p->hw_info_len = sizeof(info);
	memcpy(p->hw_info, &info, sizeof(info));
}

static void profile_amd_vi(struct emu_iommu_props *p)
{
	struct iommu_hw_info_amd info = { 0 };

	props_common(p, "amd-vi");
	/* AMD v1 page table: every power of two from 4 KiB */
	p->pgsize_bitmap = ~(SZ_4K - 1);
	p->aperture_last = (1ULL << 48) - 1;
	add_resv(p, MSI_X86_START, MSI_X86_LAST);
	/* HyperTransport reserved window */
	add_resv(p, 0xfd00000000ULL, 0xffffffffffULL);
	p->dirty_cap = true;
	p->max_pasid_log2 = 16;
	p->hw_info_type = IOMMU_HW_INFO_TYPE_AMD;
	p->hw_info_len = sizeof(info);
	memcpy(p->hw_info, &info, sizeof(info));
}

static void profile_arm_smmuv3(struct emu_iommu_props *p)
{
	struct iommu_hw_info_arm_smmuv3 info = { 0 };

	props_common(p, "arm-smmuv3");
	/* stage-1 LPAE with a 4 KiB granule: 4 KiB, 2 MiB, 1 GiB blocks */
	p->pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	p->aperture_last = (1ULL << 48) - 1;
	/* software-managed MSI window of the SMMU drivers */
	add_resv(p, 0x8000000ULL, 0x80fffffULL);
	p->dirty_cap = false;
	p->max_pasid_log2 = 20;
	p->hw_info_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	p->hw_info_len = sizeof(info);
	memcpy(p->hw_info, &info, sizeof(info));
}

static void profile_dma32(struct emu_iommu_props *p)
{
	profile_intel_vtd(p);
	memset(p->name, 0, sizeof(p->name));
	strcpy(p->name, "dma32");
	/* the device can only drive 32 address bits */
	p->aperture_last = 0xffffffffULL;
	p->max_pasid_log2 = 0;
}

static void profile_mock(struct emu_iommu_props *p)
{
	emu_mock_props(0, p);
}

static const struct {
	const char *name;
	void (*fill)(struct emu_iommu_props *p);
} profiles[] = {
	{ "intel-vtd", profile_intel_vtd },
	{ "amd-vi", profile_amd_vi },
	{ "arm-smmuv3", profile_arm_smmuv3 },
	{ "dma32", profile_dma32 },
	{ "mock", profile_mock },
};

static const char *const profile_name_list[] = {
	"intel-vtd", "amd-vi", "arm-smmuv3", "dma32", "mock", NULL,
};

const char *const *emu_profile_names(void)
{
	return profile_name_list;
}

int emu_profile_lookup(const char *name, struct emu_iommu_props *props)
{
	if (!name)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		if (!strcmp(profiles[i].name, name)) {
			profiles[i].fill(props);
			return 0;
		}
	}
	return -ENOENT;
}

int emu_profile_validate(const struct emu_iommu_props *p)
{
	uint64_t base;

	if (!p->name[0] || !is_power_of_2_u64(p->granule) ||
	    p->granule < IO_PGTABLE_MIN_GRANULE || !p->pgsize_bitmap ||
	    (p->pgsize_bitmap & (p->granule - 1)))
		return -EINVAL;
	base = lowest_set_bit_u64(p->pgsize_bitmap);
	/* iommufd refuses domains whose smallest page exceeds the CPU page */
	if (base > PAGE_SIZE)
		return -EINVAL;
	if (p->aperture_start > p->aperture_last ||
	    (p->aperture_start & (base - 1)))
		return -EINVAL;
	for (unsigned int i = 0; i < p->nresv; i++)
		if (p->resv[i].start > p->resv[i].last)
			return -EINVAL;
	if (p->max_pasid_log2 > 20)
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Config parser                                                        */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* A number with an optional K/M/G suffix (binary units). */
static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	uint64_t mult = 1;
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		mult = 1ULL << 10, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1ULL << 20, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1ULL << 30, end++;
	if (*trim(end))
		return -EINVAL;
	if (check_mul_overflow((uint64_t)v, mult, out))
		return -EINVAL;
	return 0;
}

static int parse_range(char *s, uint64_t *start, uint64_t *last)
{
	char *dash = strchr(s, '-');

	if (!dash)
		return -EINVAL;
	*dash = 0;
	if (parse_u64(trim(s), start) || parse_u64(trim(dash + 1), last) ||
	    *start > *last)
		return -EINVAL;
	return 0;
}

static int parse_line(char *key, char *val, struct emu_iommu_props *p,
		      bool first_setting, bool *resv_seen)
{
	uint64_t a, b;

	if (!strcmp(key, "base")) {
		if (!first_setting)
			return -EINVAL;
		return emu_profile_lookup(val, p);
	}
	if (!strcmp(key, "name")) {
		if (!*val || strlen(val) >= sizeof(p->name))
			return -EINVAL;
		for (const char *c = val; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
				return -EINVAL;
		memset(p->name, 0, sizeof(p->name));
		strcpy(p->name, val);
		/* a custom IOMMU is never the selftest mock */
		p->is_mock = false;
		return 0;
	}
	if (!strcmp(key, "granule")) {
		if (parse_u64(val, &a))
			return -EINVAL;
		p->granule = a;
		return 0;
	}
	if (!strcmp(key, "page_sizes")) {
		uint64_t bitmap = 0;

		for (char *tok = strtok(val, ","); tok; tok = strtok(NULL, ",")) {
			if (parse_u64(trim(tok), &a) || !is_power_of_2_u64(a))
				return -EINVAL;
			bitmap |= a;
		}
		if (!bitmap)
			return -EINVAL;
		p->pgsize_bitmap = bitmap;
		return 0;
	}
	if (!strcmp(key, "aperture")) {
		if (parse_range(val, &a, &b))
			return -EINVAL;
		p->aperture_start = a;
		p->aperture_last = b;
		return 0;
	}
	if (!strcmp(key, "reserved")) {
		if (parse_range(val, &a, &b))
			return -EINVAL;
		if (!*resv_seen)
			p->nresv = 0;
		*resv_seen = true;
		if (p->nresv == EMU_MAX_RESV)
			return -EINVAL;
		add_resv(p, a, b);
		return 0;
	}
	if (!strcmp(key, "dirty_tracking")) {
		if (!strcmp(val, "yes"))
			p->dirty_cap = true;
		else if (!strcmp(val, "no"))
			p->dirty_cap = false;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(key, "pasid_bits")) {
		if (parse_u64(val, &a) || a > 20)
			return -EINVAL;
		p->max_pasid_log2 = (uint8_t)a;
		return 0;
	}
	return -EINVAL;
}

int emu_profile_parse(const char *text, size_t len, struct emu_iommu_props *props,
		      unsigned int *bad_line)
{
	struct emu_iommu_props p;
	bool first = true, resv_seen = false;
	unsigned int lineno = 0;
	char *copy, *line, *next;
	int rc = 0;

	*bad_line = 0;
	memset(&p, 0, sizeof(p));
	p.granule = SZ_4K;
	p.aperture_last = UINT64_MAX;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = 0;
	if (strlen(copy) != len) { /* embedded NUL */
		rc = -EINVAL;
		goto out_free;
	}

	for (line = copy; line; line = next) {
		char *hash, *eq, *key;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		line = trim(line);
		if (!*line)
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			rc = -EINVAL;
			break;
		}
		*eq = 0;
		key = trim(line);
		rc = parse_line(key, trim(eq + 1), &p, first, &resv_seen);
		if (rc)
			break;
		first = false;
	}
	if (rc) {
		*bad_line = lineno;
		goto out_free;
	}
	rc = emu_profile_validate(&p);
	if (rc)
		goto out_free;
	*props = p;
out_free:
	free(copy);
	return rc;
}

#define PROFILE_FILE_MAX (64 * 1024)

int emu_profile_parse_file(const char *path, struct emu_iommu_props *props,
			   unsigned int *bad_line)
{
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, rc;

	*bad_line = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(PROFILE_FILE_MAX);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while ((n = read(fd, buf + len, PROFILE_FILE_MAX - len)) > 0) {
		len += (size_t)n;
		if (len == PROFILE_FILE_MAX)
			break;
	}
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (!rc && len == PROFILE_FILE_MAX)
		rc = -EFBIG;
	if (!rc)
		rc = emu_profile_parse(buf, len, props, bad_line);
	free(buf);
	return rc;
}

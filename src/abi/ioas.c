/* SPDX-License-Identifier: MIT */
/*
 * Handlers of the core ioctls: DESTROY, IOAS_ALLOC, IOAS_IOVA_RANGES,
 * IOAS_ALLOW_IOVAS, IOAS_MAP, IOAS_COPY, IOAS_UNMAP, OPTION and VFIO_IOAS.
 * Each checks its fields in the order of spec/errors.md §1-§9 before it
 * calls the core; comments name the rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>

#include "abi/abi.h"
#include "core/ioas.h"
#include "umem/umem.h"
#include "util/fault_inject.h"
#include "util/overflow.h"

#define MAP_FLAGS_KNOWN (IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | \
			 IOMMU_IOAS_MAP_READABLE)

int abi_destroy(struct abi_ucmd *ucmd)
{
	struct iommu_destroy *cmd = ucmd->cmd;

	return iommufd_object_remove(ucmd->ictx, cmd->id);
}

int abi_ioas_alloc(struct abi_ucmd *ucmd)
{
	struct iommu_ioas_alloc *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;
	rc = iommufd_ioas_alloc(ucmd->ictx, &ioas);
	if (rc)
		return rc;
	cmd->out_ioas_id = ioas->obj.id;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		iommufd_object_abort_and_destroy(ucmd->ictx, &ioas->obj);
		return rc;
	}
	iommufd_object_finalize(ucmd->ictx, &ioas->obj);
	return 0;
}

int abi_ioas_iova_ranges(struct abi_ucmd *ucmd)
{
	struct iommu_ioas_iova_ranges *cmd = ucmd->cmd;
	uint64_t (*ranges)[2] = NULL;

	_Static_assert(sizeof(*ranges) == sizeof(struct iommu_iova_range) &&
		       offsetof(struct iommu_iova_range, last) == sizeof(uint64_t),
		       "range layout");
	struct iommufd_ioas *ioas;
	unsigned int total, want, cap = 0;
	uint64_t alignment;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	rc = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id, &ioas);
	if (rc)
		return rc;
	/* Snapshot: size the buffer, then read again until it was enough. */
	for (;;) {
		total = iopt_get_iova_ranges(&ioas->iopt, ranges, cap, &alignment);
		want = total < cmd->num_iovas ? total : cmd->num_iovas;
		if (want <= cap)
			break;
		free(ranges);
		cap = want;
		ranges = fi_calloc("abi.iova_ranges", cap, sizeof(*ranges));
		if (!ranges) {
			rc = -ENOMEM;
			goto out_put;
		}
	}
	/* The ranges and the reply go out in one write: the array first, so a
	 * fault there leaves num_iovas untouched.  uint64_t[2] has the layout
	 * of struct iommu_iova_range. */
	cmd->num_iovas = total;
	cmd->out_iova_alignment = alignment;
	{
		const struct umem_out outs[2] = {
			{ cmd->allowed_iovas, ranges,
			  (size_t)want * sizeof(struct iommu_iova_range) },
			{ ucmd->ubuffer, cmd,
			  ucmd->user_size < sizeof(*cmd) ? ucmd->user_size : sizeof(*cmd) },
		};

		rc = umem_copy_to_user_vec(outs, 2);
	}
	if (rc)
		goto out_put;
	if (total > want)
		rc = -EMSGSIZE;
out_put:
	free(ranges);
	iommufd_put_ioas(ioas);
	return rc;
}

/* Double both arrays; the tree's nodes live in `nodes`, so rebuild it. */
static int grow_allow_arrays(uint64_t (**ranges)[2], struct interval_tree_node **nodes,
			     struct interval_tree_root *seen, uint32_t n, uint32_t *cap)
{
	uint32_t newcap = *cap ? *cap * 2 : 16;
	uint64_t (*r)[2];
	struct interval_tree_node *nn;

	r = fi_realloc("abi.allow.ranges", *ranges, (uint64_t)newcap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	*ranges = r;
	nn = fi_calloc("abi.allow.nodes", newcap, sizeof(*nn));
	if (!nn)
		return -ENOMEM;
	*seen = INTERVAL_TREE_ROOT_INIT;
	for (uint32_t i = 0; i < n; i++) {
		nn[i].start = r[i][0];
		nn[i].last = r[i][1];
		interval_tree_insert(&nn[i], seen);
	}
	free(*nodes);
	*nodes = nn;
	*cap = newcap;
	return 0;
}

int abi_ioas_allow_iovas(struct abi_ucmd *ucmd)
{
	struct iommu_ioas_allow_iovas *cmd = ucmd->cmd;
	struct interval_tree_root seen = INTERVAL_TREE_ROOT_INIT;
	struct interval_tree_node *nodes = NULL;
	uint64_t (*ranges)[2] = NULL;
	struct iommufd_ioas *ioas;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	rc = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id, &ioas);
	if (rc)
		return rc;
	/* Element by element, as the errno order depends on the position; the
	 * arrays grow as elements are read, so a huge num_iovas with a short
	 * array faults instead of allocating for the declared count. */
	for (uint32_t i = 0, cap = 0; i < cmd->num_iovas; i++) {
		struct iommu_iova_range in;

		rc = umem_copy_from_user(&in, cmd->allowed_iovas + (uint64_t)i * sizeof(in),
					 sizeof(in));
		if (rc)
			goto out_put;
		if (in.start >= in.last ||
		    interval_tree_iter_first(&seen, in.start, in.last)) {
			rc = -EINVAL;
			goto out_put;
		}
		if (i == cap) {
			rc = grow_allow_arrays(&ranges, &nodes, &seen, i, &cap);
			if (rc)
				goto out_put;
		}
		nodes[i].start = ranges[i][0] = in.start;
		nodes[i].last = ranges[i][1] = in.last;
		interval_tree_insert(&nodes[i], &seen);
	}
	rc = iopt_set_allow_iova(&ioas->iopt, (const uint64_t (*)[2])ranges,
				 cmd->num_iovas);
out_put:
	free(nodes);
	free(ranges);
	iommufd_put_ioas(ioas);
	return rc;
}

static int map_flags_to_prot(uint32_t flags)
{
	int prot = IOMMU_CACHE;

	if (flags & IOMMU_IOAS_MAP_WRITEABLE)
		prot |= IOMMU_WRITE;
	if (flags & IOMMU_IOAS_MAP_READABLE)
		prot |= IOMMU_READ;
	return prot;
}

int abi_ioas_map(struct abi_ucmd *ucmd)
{
	struct iommu_ioas_map *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	struct umem_mm *mm;
	uint64_t iova = cmd->iova;
	int rc;

	if ((cmd->flags & ~MAP_FLAGS_KNOWN) || cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	rc = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id, &ioas);
	if (rc)
		return rc;
	mm = umem_mm_current();
	if (!mm) {
		rc = -ENOMEM;
		goto out_put;
	}
	rc = iopt_map_user_pages(&ioas->iopt, mm, &iova, cmd->user_va, cmd->length,
				 map_flags_to_prot(cmd->flags),
				 cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA,
				 atomic_load(&ucmd->ictx->account_mode));
	umem_mm_put(mm);
	if (rc)
		goto out_put;
	/* A failed write-back leaves the mapping in place (semantics.md §12). */
	cmd->iova = iova;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	iommufd_put_ioas(ioas);
	return rc;
}

int abi_ioas_copy(struct abi_ucmd *ucmd)
{
	struct iommu_ioas_copy *cmd = ucmd->cmd;
	struct iopt_pages_slice *slices;
	struct iommufd_ioas *src, *dst;
	unsigned int nslices;
	uint64_t iova = cmd->dst_iova;
	int rc;

	if (cmd->flags & MOCK_FLAGS_ACCESS_SYZ) {
		cmd->flags &= ~MOCK_FLAGS_ACCESS_SYZ;
		if (!iommufd_get_ioas(ucmd->ictx, cmd->src_ioas_id, &src)) {
			cmd->src_iova = abi_test_syz_conv_iova(&src->iopt, cmd->src_iova);
			iommufd_put_ioas(src);
		}
	}
	if (cmd->flags & ~MAP_FLAGS_KNOWN)
		return -EOPNOTSUPP;
	if (cmd->length >= UINT64_MAX || cmd->src_iova >= UINT64_MAX ||
	    cmd->dst_iova >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;

	rc = iommufd_get_ioas(ucmd->ictx, cmd->src_ioas_id, &src);
	if (rc)
		return rc;
	rc = iopt_get_pages(&src->iopt, cmd->src_iova, cmd->length, &slices, &nslices);
	iommufd_put_ioas(src);
	if (rc)
		return rc;

	rc = iommufd_get_ioas(ucmd->ictx, cmd->dst_ioas_id, &dst);
	if (rc)
		goto out_slices;
	rc = iopt_map_pages(&dst->iopt, slices, nslices, cmd->length, &iova,
			    map_flags_to_prot(cmd->flags),
			    cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA);
	if (!rc) {
		cmd->dst_iova = iova;
		rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iommufd_put_ioas(dst);
out_slices:
	iopt_put_pages_slices(slices, nslices);
	return rc;
}

int abi_ioas_unmap(struct abi_ucmd *ucmd)
{
	struct iommu_ioas_unmap *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	uint64_t unmapped = 0;
	int rc;

	rc = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id, &ioas);
	if (rc)
		return rc;
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		rc = iopt_unmap_all(&ioas->iopt, &unmapped);
	} else {
		if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX) {
			rc = -EOVERFLOW;
			goto out_put;
		}
		rc = iopt_unmap_iova(&ioas->iopt, cmd->iova, cmd->length, &unmapped);
		if (!rc && !unmapped)
			rc = -ENOENT;
	}
	if (rc)
		goto out_put;
	cmd->length = unmapped;
	rc = abi_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	iommufd_put_ioas(ioas);
	return rc;
}

static int option_rlimit_mode(struct abi_ucmd *ucmd, struct iommu_option *cmd)
{
	struct iommufd_ctx *ictx = ucmd->ictx;

	if (cmd->object_id)
		return -EOPNOTSUPP;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = atomic_load(&ictx->account_mode);
		return 0;
	}
	if (cmd->op != IOMMU_OPTION_OP_SET)
		return -EOPNOTSUPP;
	if (!umem_capable(CAP_SYS_RESOURCE))
		return -EPERM;
	if (iommufd_ctx_has_objects(ictx))
		return -EBUSY;
	if (cmd->val64 > 1)
		return -EINVAL;
	atomic_store(&ictx->account_mode, (int)cmd->val64);
	return 0;
}

static int option_huge_pages(struct abi_ucmd *ucmd, struct iommu_option *cmd)
{
	struct iommufd_ioas *ioas;
	int rc = 0;

	rc = iommufd_get_ioas(ucmd->ictx, cmd->object_id, &ioas);
	if (rc)
		return rc;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = iopt_large_pages_enabled(&ioas->iopt);
	} else if (cmd->op == IOMMU_OPTION_OP_SET) {
		if (cmd->val64 == 0)
			rc = iopt_disable_large_pages(&ioas->iopt);
		else if (cmd->val64 == 1)
			iopt_enable_large_pages(&ioas->iopt);
		else
			rc = -EINVAL;
	} else {
		rc = -EOPNOTSUPP;
	}
	iommufd_put_ioas(ioas);
	return rc;
}

int abi_option(struct abi_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		rc = option_rlimit_mode(ucmd, cmd);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		rc = option_huge_pages(ucmd, cmd);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (rc)
		return rc;
	/* Only val64 is written back. */
	return umem_copy_to_user(ucmd->ubuffer + offsetof(struct iommu_option, val64),
				 &cmd->val64, sizeof(cmd->val64));
}

int abi_vfio_ioas(struct abi_ucmd *ucmd)
{
	struct iommu_vfio_ioas *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		rc = iommufd_vfio_ioas_get(ucmd->ictx, &ioas);
		if (rc)
			return rc;
		cmd->ioas_id = ioas->obj.id;
		iommufd_put_ioas(ioas);
		return abi_ucmd_respond(ucmd, sizeof(*cmd));
	case IOMMU_VFIO_IOAS_SET:
		return iommufd_vfio_ioas_set(ucmd->ictx, cmd->ioas_id);
	case IOMMU_VFIO_IOAS_CLEAR:
		iommufd_vfio_ioas_clear(ucmd->ictx);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

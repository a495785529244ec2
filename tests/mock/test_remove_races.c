/* SPDX-License-Identifier: MIT */
/*
 * Objects the core removes on its own (an auto HWPT losing its last device,
 * an unbound mock device, a closed test access) racing with user threads
 * that look the same IDs up and try to IOMMU_DESTROY them.  Before the
 * owner's reference was kept until the removal was decided, a DESTROY
 * landing in between could free the object under the remover: under ASan
 * that is a use-after-free report, in a debug build an invariant abort.
 * Every call must return 0 or a clean errno, and at the end nothing but the
 * IOAS may remain.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "mock_util.h"

#define ROUNDS 3000

struct race {
	struct uiommufd_ctx *ctx;
	uint32_t ioas;
	atomic_bool stop;
	atomic_ulong destroyed_by_user;
};

/* Hammer IDs 1..8: DESTROY them and look them up through GET_HW_INFO and
 * HWPT ops; only clean errnos are acceptable. */
static void *attacker(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		for (uint32_t id = 1; id <= 8; id++) {
			struct iommu_hw_info info = { .size = sizeof(info), .dev_id = id };
			struct iommu_hwpt_set_dirty_tracking dirty = {
				.size = sizeof(dirty), .hwpt_id = id,
			};
			long rc;

			if (id == r->ioas)
				continue;
			rc = m_destroy(r->ctx, id);
			assert_true(rc == 0 || rc == -ENOENT || rc == -EBUSY);
			if (rc == 0)
				atomic_fetch_add(&r->destroyed_by_user, 1);
			rc = uiommufd_ioctl(r->ctx, IOMMU_GET_HW_INFO, &info);
			assert_true(rc == 0 || rc == -ENOENT);
			rc = uiommufd_ioctl(r->ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &dirty);
			assert_true(rc == 0 || rc == -ENOENT || rc == -EOPNOTSUPP);
		}
	}
	return NULL;
}

static void test_auto_hwpt_and_device_removal_races(void **state)
{
	struct race r = { 0 };
	pthread_t t[2];

	(void)state;
	r.ctx = m_open();
	assert_int_equal(m_ioas(r.ctx, &r.ioas), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, attacker, &r), 0);

	for (int i = 0; i < ROUNDS; i++) {
		uint32_t stdev, hwpt, idev;
		long rc = m_mock_domain_flags(r.ctx, r.ioas, 0, &stdev, &hwpt, &idev);

		assert_int_equal(rc, 0);
		/* the user may destroy the stdev (detach + unbind + auto HWPT
		 * removal) before we do; never the device nor the HWPT */
		rc = m_destroy(r.ctx, stdev);
		assert_true(rc == 0 || rc == -ENOENT || rc == -EBUSY);
		while (rc == -EBUSY) {
			rc = m_destroy(r.ctx, stdev);
			assert_true(rc == 0 || rc == -ENOENT || rc == -EBUSY);
		}
	}
	atomic_store(&r.stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);

	/* Only the IOAS remains: destroying it succeeds, every other small
	 * ID is gone. */
	for (uint32_t id = 1; id <= 8; id++)
		if (id != r.ioas)
			assert_int_equal(m_destroy(r.ctx, id), -ENOENT);
	assert_int_equal(m_destroy(r.ctx, r.ioas), 0);
	uiommufd_close(r.ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_hwpt_and_device_removal_races),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

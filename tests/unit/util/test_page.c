// SPDX-License-Identifier: MIT
/*
 * uio_page_size / uio_page_shift must match the host and agree with each
 * other before main() runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/page.h"

static void test_page_size_matches_sysconf(void **state)
{
	(void)state;
	assert_int_equal(uio_page_size, (uint64_t)sysconf(_SC_PAGESIZE));
	assert_int_equal(1ULL << uio_page_shift, uio_page_size);
	assert_int_equal(page_align_down(uio_page_size * 3 + 5), uio_page_size * 3);
	assert_int_equal(page_offset_of(uio_page_size * 3 + 5), 5);
	assert_int_equal(page_align_down(UINT64_MAX) + uio_page_size - 1, UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_size_matches_sysconf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * tabletest.h: run a table of cases as one cmocka test per row, so that
 * each row's label shows up as its own TAP line.  Every row struct starts
 * with `const char *label`; the test function gets the row as *state.
 */
#ifndef MTASTS_TABLETEST_H
#define MTASTS_TABLETEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#define TABLE_MAX_TESTS	4096

struct table_tests {
	struct CMUnitTest	t[TABLE_MAX_TESTS];
	size_t			n;
};

/* Add one test per row of rows[0..nrows), each of rowsize bytes. */
static inline void
table_add(struct table_tests *tt, const void *rows, size_t nrows,
    size_t rowsize, CMUnitTestFunction fn)
{
	const char	*p = rows;
	size_t		 i;

	for (i = 0; i < nrows && tt->n < TABLE_MAX_TESTS; i++, p += rowsize) {
		tt->t[tt->n].name = *(const char *const *)(const void *)p;
		tt->t[tt->n].test_func = fn;
		tt->t[tt->n].setup_func = NULL;
		tt->t[tt->n].teardown_func = NULL;
		tt->t[tt->n].initial_state = (void *)(uintptr_t)p;
		tt->n++;
	}
}

#define TABLE_ADD(tt, rows, fn) \
	table_add((tt), (rows), sizeof(rows) / sizeof((rows)[0]), \
	    sizeof((rows)[0]), (fn))

/* Add a plain test function. */
static inline void
table_add_fn(struct table_tests *tt, const char *name, CMUnitTestFunction fn)
{
	if (tt->n >= TABLE_MAX_TESTS)
		return;
	tt->t[tt->n].name = name;
	tt->t[tt->n].test_func = fn;
	tt->t[tt->n].setup_func = NULL;
	tt->t[tt->n].teardown_func = NULL;
	tt->t[tt->n].initial_state = NULL;
	tt->n++;
}

static inline int
table_run(const char *group, struct table_tests *tt)
{
	return _cmocka_run_group_tests(group, tt->t, tt->n, NULL, NULL);
}

#endif /* MTASTS_TABLETEST_H */

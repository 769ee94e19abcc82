/* fu_fixture.h - the small store the follow-up tests share: two pulls of
 * a handful of facilities in Tokyo, Osaka and Hokkaido whose statuses and
 * dates make every figure of the follow-up summary and the priority order
 * computable by hand (see fu_fixture.c for the facilities). */
#ifndef FK_FU_FIXTURE_H
#define FK_FU_FIXTURE_H

/* Builds the store at path: pull 1 as of 2025-01-05, pull 2 as of
 * 2025-04-15.  Fails the test on any error. */
void fu_fixture_store(const char *path);

/* Runs `fukyu ARGS --db DB --config /dev/null`; the exit code, stdout and
 * stderr (malloc'd; either may be NULL to ignore). */
int fu_run(const char *db, char **out, char **err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Copies a file (a fresh store per test). */
void fu_copy(const char *from, const char *to);

/* The scratch directory and the fixture store in it (fu_setup builds
 * both; fu_teardown, a cmocka group teardown, removes them). */
extern char *fu_dir;
extern char fu_base[600];
int fu_setup(void);
int fu_teardown(void **state);
/* "fu_dir/name"; four results stay valid at a time. */
const char *fu_path(const char *name);
/* Fails the test when needle is not in hay. */
void fu_expect_in(const char *hay, const char *needle);

#endif

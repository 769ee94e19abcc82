/* test_memory.c - the guard for issue 17: a process that draws PDFs on
 * fresh threads, again and again, as the daemon's renders once did and
 * `fukyu publish` does, stays at the size of one round.
 *
 * With Noto Sans CJK first, cairo 1.16 copied its ~16 MB CFF for every
 * PDF it subset, and every drawing thread's malloc arena kept ~26 MB of
 * it: rounds grew RSS by tens of MB unless the daemon's allocator
 * settings (daemon/memory.c) were in force.  IPAexGothic, a TrueType
 * font, is now first (charts/chart.h) and its subsets copy no large
 * buffer, so the rounds stay flat with the settings and without them
 * (the latter run in a child, since the settings cannot be undone).  A
 * font list that brings the copies back fails the second check.
 * `make soak` is the full-size check (the daemon over many cycles). */
#include "tests/testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "charts/chart.h"
#include "daemon/daemon.h"

#define THREADS 4 /* drawing threads per round (the publisher: one a CPU) */
#define ROUNDS  3
#define PDFS    1 /* per thread and round */
/* Growth allowed from after the first round to after the last. */
#define BOUND_KB (12 * 1024)

static fk_chart_funnel funnel;

static void make_funnel(void)
{
    memset(&funnel, 0, sizeof funnel);
    funnel.meta.program = "eprescription";
    funnel.meta.as_of = fk_day_from_ymd(2025, 2, 9);
    funnel.rows[FK_HOSPITAL] = (fk_chart_counts){388, 1576, 7984};
    funnel.rows[FK_CLINIC] = (fk_chart_counts){9561, 25369, 83370};
    funnel.rows[FK_DENTAL] = (fk_chart_counts){1246, 13127, 61124};
    funnel.rows[FK_PHARMACY] = (fk_chart_counts){40411, 4000, 60494};
    for (int t = 0; t < FK_NTYPE; t++) {
        funnel.rows[FK_CHART_ALL].adopting += funnel.rows[t].adopting;
        funnel.rows[FK_CHART_ALL].applied += funnel.rows[t].applied;
        funnel.rows[FK_CHART_ALL].total += funnel.rows[t].total;
    }
}

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* One PDF with Japanese text: cairo subsets the CJK font for it. */
static int draw_pdf(void)
{
    fk_buf b = {0};
    char err[256];
    int rc = fk_chart_funnel_render(&funnel, NULL, FK_CHART_PDF, &b, err,
                                    sizeof err);
    if (rc == 0 && (b.len < 5 || memcmp(b.p, "%PDF-", 5))) rc = -1;
    fk_buf_free(&b);
    return rc;
}

/* A drawing thread as the publisher has them: its own fonts, a few
 * charts, its fonts released at the end. */
static void *drawer(void *arg)
{
    int *rc = arg;
    for (int i = 0; i < PDFS && *rc == 0; i++) *rc = draw_pdf();
    fk_charts_shutdown();
    return NULL;
}

static int round_of_threads(void)
{
    pthread_t th[THREADS];
    int rc[THREADS] = {0}, bad = 0;
    for (int i = 0; i < THREADS; i++)
        if (pthread_create(&th[i], NULL, drawer, &rc[i]) != 0) return -1;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        bad |= rc[i];
    }
    return bad ? -1 : 0;
}

/* RSS growth in kB over ROUNDS rounds, measured from after the fonts
 * are warm on the main thread, into *kb; 0, or -1 when a chart failed. */
static int growth_kb(int with_settings, long *kb)
{
    if (with_settings) fk_daemon_memory_init();
    if (draw_pdf() < 0) return -1;
    long before = rss_kb();
    for (int r = 0; r < ROUNDS; r++) {
        if (round_of_threads() < 0) return -1;
        if (with_settings) fk_daemon_memory_release();
    }
    long after = rss_kb();
    if (before < 0 || after < 0) return -1;
    *kb = after - before;
    return 0;
}

static void test_rendering_rounds_stay_flat(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip(); /* ASan's allocator and quarantine, not glibc's, hold the heap */
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    skip();
#endif
#endif
    make_funnel();
    /* Without the settings, in a child (they cannot be undone here). */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        long g = 0;
        int rc = growth_kb(0, &g);
        _exit(rc == 0 && write(fds[1], &g, sizeof g) == (ssize_t)sizeof g ? 0
                                                                          : 1);
    }
    close(fds[1]);
    long plain = 0, tuned = 0;
    assert_int_equal(read(fds[0], &plain, sizeof plain), (ssize_t)sizeof plain);
    close(fds[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

    assert_int_equal(growth_kb(1, &tuned), 0);
    printf("RSS growth over %d rounds of %d drawing threads: %ld kB with the "
           "daemon's settings, %ld kB without\n",
           ROUNDS, THREADS, tuned, plain);
    if (tuned > BOUND_KB)
        fail_msg("RSS grew %ld kB over %d rendering rounds (bound %d kB)",
                 tuned, ROUNDS, BOUND_KB);
    /* No font copies left for the arenas to keep: flat even without the
     * settings (a CFF font first grew this by tens of MB). */
    if (plain > BOUND_KB)
        fail_msg("without the allocator settings RSS grew %ld kB over %d "
                 "rounds (bound %d kB): do the chart fonts (charts/chart.h) "
                 "start with a CFF font again?",
                 plain, ROUNDS, BOUND_KB);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rendering_rounds_stay_flat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

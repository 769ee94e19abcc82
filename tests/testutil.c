/* testutil.c - see testutil.h. */
#include "tests/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <time.h>

char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/fukyu-test-XXXXXX",
             base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

void tu_rmtree(const char *dir)
{
    if (!dir || !strstr(dir, "fukyu-test-")) return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

const char *tu_bin(const char *name)
{
    static char buf[4][1024];
    static int i;
    const char *b = getenv("FK_BUILD");
    /* make test-valgrind: every fukyu the tests start runs under the
     * valgrind command line given here (the simulator does not). */
    const char *vg = getenv("FK_VALGRIND");
    char *p = buf[i++ % 4];
    snprintf(p, sizeof buf[0], "%s%s%s/%s",
             vg && *vg && !strcmp(name, "fukyu") ? vg : "",
             vg && *vg && !strcmp(name, "fukyu") ? " " : "",
             b && *b ? b : "build", name);
    return p;
}

const char *tu_src(const char *rel)
{
    return rel;
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)r;
        if (cap - len < 2) buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    return buf;
}

int tu_run(char **out, char **err, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char of[] = "/tmp/fukyu-out-XXXXXX", ef[] = "/tmp/fukyu-err-XXXXXX";
    int ofd = mkstemp(of), efd = mkstemp(ef);
    assert_true(ofd >= 0 && efd >= 0);
    char full[9000];
    snprintf(full, sizeof full, "( %s ) >%s 2>%s </dev/null", cmd, of, ef);
    int st = system(full);
    if (out) *out = slurp_fd(ofd);
    if (err) *err = slurp_fd(efd);
    close(ofd);
    close(efd);
    unlink(of);
    unlink(ef);
    if (st == -1 || !WIFEXITED(st)) return -1;
    return WEXITSTATUS(st);
}

void tu_write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(content, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *buf = malloc(cap + 1);
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
    }
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(s, (struct sockaddr *)&a, &l) < 0) {
        if (s >= 0) close(s);
        return -1;
    }
    int port = ntohs(a.sin_port);
    close(s);
    return port;
}

static int port_open(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    close(s);
    return ok;
}

pid_t tu_feedsim_start(char *url, size_t n, const char *args)
{
    int port = free_port();
    assert_true(port > 0);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "exec %s --port %d %s", tu_bin("fukyu-feedsim"),
             port, args ? args : "");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* A failing test longjmps past tu_feedsim_stop: the simulator must
         * not outlive the test (it would also hold the runner's pipes). */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int fd = open("/dev/null", O_RDWR);
        dup2(fd, 0);
        if (!getenv("FK_TEST_VERBOSE")) dup2(fd, 1);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        if (port_open(port)) {
            snprintf(url, n, "http://127.0.0.1:%d", port);
            return pid;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) fail_msg("feedsim exited early");
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    fail_msg("feedsim did not start");
    return -1;
}

void tu_feedsim_stop(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
}

/* See testutil.h. */
char *tu_store_fingerprint(const char *db)
{
    char *out = NULL;
    assert_int_equal(
        tu_run(
            &out, NULL,
            "sqlite3 '%s' 'SELECT COUNT(*), TOTAL(d_adopting * day), TOTAL(d_applied * day),"
            " TOTAL(d_total * (day + 1)) FROM series_delta; SELECT COUNT(*), TOTAL(status * (code %% 9973)),"
            " TOTAL(since) FROM status; SELECT COUNT(*) FROM status_history;"
            " SELECT COUNT(*), TOTAL(rhash %% 100003), COUNT(closed_on) FROM facility'",
            db),
        0);
    return out;
}

pid_t tu_spawn(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

int tu_wait(pid_t pid)
{
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void tu_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void tu_wait_pull_running(const char *db)
{
    for (int i = 0; i < 400; i++) {
        char *out = NULL;
        tu_run(&out, NULL,
               "sqlite3 %s \"SELECT COUNT(*) FROM pull WHERE outcome = "
               "'running'\"",
               db);
        int running = out && atoi(out) > 0;
        free(out);
        if (running) return;
        tu_sleep_ms(25);
    }
    fail_msg("no pull started in %s", db);
}

double tu_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

pid_t tu_serve_start(const char *db, const char *out, const char *dir,
                     int *port)
{
    char log[700];
    snprintf(log, sizeof log, "%s/serve.out", dir);
    pid_t pid = tu_spawn("exec %s serve --db %s --out %s --quiet --listen "
                         "127.0.0.1:0 >%s 2>&1",
                         tu_bin("fukyu"), db, out, log);
    for (int i = 0; i < 400; i++) {
        char *s = tu_read_file(log, NULL);
        const char *l = s ? strstr(s, "listening on 127.0.0.1:") : NULL;
        if (l && strchr(l, '\n')) {
            *port = atoi(l + strlen("listening on 127.0.0.1:"));
            free(s);
            return pid;
        }
        free(s);
        tu_sleep_ms(25);
    }
    fail_msg("fukyu serve did not start");
    return -1;
}

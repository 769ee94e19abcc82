/* test_probes.c - the hostile probes of issue 12 against the dashboard,
 * each one reproduced over loopback against the embedded server: slow
 * clients that trickle header lines, many connections from one address,
 * and requests whose framing two parsers could read differently (two
 * Content-Length headers, Transfer-Encoding); and the configuration file's
 * rules that check-config enforces (issue 12 item 10). */
#include "tests/testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "http/http.h"

static char *dir;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A TCP connection to 127.0.0.1:port from the loopback address src
 * (127.0.0.X: Linux answers the whole 127/8 on lo, so each is its own
 * client address to the server). */
static int connect_from(const char *src, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, src, &a.sin_addr);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *s)
{
    size_t n = strlen(s);
    return send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* Reads until the peer closes or ms pass; returns what came (malloc'd) and
 * sets *closed when the peer closed. */
static char *read_until_close(int fd, int ms, int *closed)
{
    size_t len = 0, cap = 4096;
    char *b = malloc(cap);
    assert_non_null(b);
    *closed = 0;
    double end = now_s() + ms / 1000.0;
    while (now_s() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0) continue;
        if (len + 1024 > cap) b = realloc(b, cap *= 2);
        ssize_t n = recv(fd, b + len, cap - len - 1, 0);
        if (n <= 0) {
            *closed = 1;
            break;
        }
        len += (size_t)n;
    }
    b[len] = '\0';
    return b;
}

/* True when the peer has closed fd (or reset it). */
static int peer_closed(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0) return 0;
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* One GET /healthz from 127.0.0.1; returns the status (0: no answer). */
static int healthz(int port)
{
    int fd = connect_from("127.0.0.1", port);
    if (fd < 0) return 0;
    int st = 0, closed;
    if (send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n"
                     "Connection: close\r\n\r\n") == 0) {
        char *b = read_until_close(fd, 3000, &closed);
        if (!strncmp(b, "HTTP/1.1 ", 9)) st = atoi(b + 9);
        free(b);
    }
    close(fd);
    return st;
}

static fk_http *start(int maxconn, int per_client, int head_s)
{
    static char db[600];
    snprintf(db, sizeof db, "%s/none.db", dir);
    fk_http_options o = {.listen = "127.0.0.1:0",
                         .db_path = db,
                         .out_dir = dir,
                         .public_aggregates = 1,
                         .max_connections = maxconn,
                         .request_timeout = 30,
                         .max_per_client = per_client,
                         .header_timeout = head_s,
                         .stale_after = 60,
                         .target = 0.8,
                         .quiet = 1};
    char err[512];
    fk_http *h = fk_http_start(&o, err, sizeof err);
    if (!h) fail_msg("%s", err);
    return h;
}

/* Issue 12 item 1: 24 connections from one address that each trickle a
 * header line fill a 16-connection server; /healthz from another address
 * must still be answered, and the trickling connections are cut at the
 * header deadline although they never go quiet for a second. */
static void test_slow_clients(void **state)
{
    (void)state;
    fk_http *h = start(16, 4, 2);
    int port = fk_http_port(h);
    enum {
        N = 24
    };
    int fd[N], open_n = 0;
    for (int i = 0; i < N; i++) {
        fd[i] = connect_from("127.0.0.2", port);
        if (fd[i] >= 0 && send_all(fd[i], "GET / HTTP/1.1\r\n") < 0) {
            close(fd[i]);
            fd[i] = -1;
        }
    }
    /* The status is 503 (no store here) but it is an answer. */
    assert_int_equal(healthz(port), 503);
    /* Trickle a header line every 300 ms for 4 s: twice header_timeout,
     * far less than request_timeout between bytes. */
    double t0 = now_s(), cut_at = 0;
    int line = 0;
    while (now_s() - t0 < 4.0) {
        open_n = 0;
        for (int i = 0; i < N; i++) {
            if (fd[i] < 0) continue;
            char hdr[64];
            snprintf(hdr, sizeof hdr, "X-Slow-%d: %d\r\n", line, i);
            if (peer_closed(fd[i]) || send_all(fd[i], hdr) < 0) {
                close(fd[i]);
                fd[i] = -1;
                continue;
            }
            open_n++;
        }
        if (!open_n && !cut_at) cut_at = now_s() - t0;
        if (!open_n) break;
        line++;
        struct timespec ts = {0, 300 * 1000000L};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < N; i++)
        if (fd[i] >= 0) close(fd[i]);
    /* All cut (none survived 4 s), not before the 2 s deadline. */
    assert_int_equal(open_n, 0);
    assert_true(cut_at >= 1.5 && cut_at < 3.9);
    assert_int_equal(healthz(port), 503);
    fk_http_stop(h);
}

/* At most max_per_client connections from one address are kept: the
 * others are closed at once without an answer. */
static void test_per_client_limit(void **state)
{
    (void)state;
    fk_http *h = start(16, 4, 10);
    int port = fk_http_port(h);
    enum {
        N = 8
    };
    int fd[N], refused = 0;
    for (int i = 0; i < N; i++) {
        fd[i] = connect_from("127.0.0.3", port);
        if (fd[i] >= 0) send_all(fd[i], "GET / HTTP/1.1\r\n");
    }
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL);
    for (int i = 0; i < N; i++) {
        if (fd[i] < 0 || peer_closed(fd[i])) refused++;
        if (fd[i] >= 0) close(fd[i]);
    }
    assert_int_equal(refused, N - 4);
    fk_http_stop(h);
}

/* Sends raw bytes and returns how many responses came back and the first
 * status; *closed tells whether the server closed the connection. */
static int raw_exchange(int port, const char *bytes, int *first, int *closed)
{
    int fd = connect_from("127.0.0.1", port);
    assert_true(fd >= 0);
    assert_int_equal(send_all(fd, bytes), 0);
    char *b = read_until_close(fd, 2000, closed);
    close(fd);
    int n = 0;
    *first = 0;
    for (char *p = b; (p = strstr(p, "HTTP/1.1 ")); p += 9) {
        if (!n) *first = atoi(p + 9);
        n++;
    }
    free(b);
    return n;
}

/* Issue 12 item 7: framing that two parsers could read differently is
 * refused with 400 and the connection closed, so a body can never be
 * answered as a second request. */
static void test_request_desync(void **state)
{
    (void)state;
    fk_http *h = start(8, 8, 10);
    int port = fk_http_port(h);
    static const char *smuggle[] = {
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
        "Content-Length: 28\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 28\r\n"
        "Content-Length: 0\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "Content-Length: 0\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof smuggle / sizeof *smuggle; i++) {
        int first, closed;
        int n = raw_exchange(port, smuggle[i], &first, &closed);
        if (n != 1 || first != 400 || !closed)
            fail_msg("probe %zu: %d responses, first %d, closed %d", i, n,
                     first, closed);
    }
    /* One Content-Length: 0 stays a normal request, kept alive. */
    int first, closed;
    int n = raw_exchange(port,
                         "GET /healthz HTTP/1.1\r\nHost: x\r\n"
                         "Content-Length: 0\r\n\r\n"
                         "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                         &first, &closed);
    assert_int_equal(n, 2);
    assert_int_equal(first, 503);
    fk_http_stop(h);
}

/* Loads text as a config file; returns 0 or -1 with the error in err. */
static int load(const char *text, fk_config *c, char *err, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/t.conf", dir);
    tu_write_file(path, text);
    fk_config_defaults(c);
    return fk_config_load(c, path, 1, err, n);
}

static void test_config_rules(void **state)
{
    (void)state;
    fk_config c;
    char err[512];
    /* A key set twice names both lines. */
    assert_int_equal(
        load("[feed]\nlimit = 10\n\nlimit = 20\n", &c, err, sizeof err), -1);
    if (!strstr(err, "t.conf:4: feed.limit is set twice (first on line 2)"))
        fail_msg("%s", err);
    /* Inline comments after white space; '#' inside a value stays. */
    assert_int_equal(load("[feed]\nlimit = 10   # small pages\n"
                          "url = http://h.example/a#b ; the feed\n"
                          "token_file = \"/x # y\"  # quoted\n",
                          &c, err, sizeof err),
                     0);
    assert_int_equal(c.limit, 10);
    assert_string_equal(c.feed_url, "http://h.example/a#b");
    assert_string_equal(c.token_file, "/x # y");
    /* A UTF-8 byte order mark before the first section. */
    assert_int_equal(
        load("\xEF\xBB\xBF[feed]\nlimit = 7\n", &c, err, sizeof err), 0);
    assert_int_equal(c.limit, 7);
    /* check-config refuses a listen address the daemon could not use. */
    static const char *bad[] = {"garbage", "127.0.0.1:99999"};
    for (int i = 0; i < 2; i++) {
        char path[600], text[200], *out = NULL, *er = NULL;
        snprintf(path, sizeof path, "%s/l.conf", dir);
        snprintf(text, sizeof text, "[http]\nlisten = %s\n", bad[i]);
        tu_write_file(path, text);
        int rc = tu_run(&out, &er, "%s check-config --config %s",
                        tu_bin("fukyu"), path);
        if (rc == 0 || !strstr(er, "http.listen"))
            fail_msg("listen = %s: rc %d, %s%s", bad[i], rc, out, er);
        free(out), free(er);
    }
}

int main(void)
{
    dir = tu_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_desync),
        cmocka_unit_test(test_per_client_limit),
        cmocka_unit_test(test_slow_clients),
        cmocka_unit_test(test_config_rules),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_rmtree(dir);
    return rc;
}

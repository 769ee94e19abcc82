/* guard.c - the slow-client guard: every connection must deliver a complete
 * request head within header_timeout seconds of connecting (or of its
 * previous answer, on a kept-alive connection), however busy it keeps the
 * line.  libmicrohttpd's own timeout restarts with every byte, so a client
 * trickling one header line every few seconds would hold its connection
 * (and, times max_connections, the whole dashboard) for ever.
 *
 * MHD tells us when a connection opens and closes (NOTIFY_CONNECTION); a
 * watchdog thread shuts down the socket of every connection whose deadline
 * passed while its head is still incomplete, and MHD then closes it as a
 * connection the peer hung up. */
#include "http/http_int.h"

#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct fk_guard_slot {
    int used, armed, fd;
    struct timespec deadline; /* CLOCK_MONOTONIC */
};

static void deadline_in(struct timespec *t, int seconds)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_sec += seconds;
}

static int passed(const struct timespec *t, const struct timespec *now)
{
    return now->tv_sec > t->tv_sec ||
           (now->tv_sec == t->tv_sec && now->tv_nsec >= t->tv_nsec);
}

static void *watch(void *arg)
{
    fk_http *h = arg;
    pthread_mutex_lock(&h->guard_mu);
    while (!h->guard_stop) {
        struct timespec now, wake;
        clock_gettime(CLOCK_MONOTONIC, &now);
        for (int i = 0; i < h->nguard; i++) {
            struct fk_guard_slot *s = &h->guard[i];
            if (s->used && s->armed && passed(&s->deadline, &now)) {
                /* The fd stays the connection's until MHD reports it
                 * closed, which takes guard_mu: no other socket can be
                 * hit here. */
                shutdown(s->fd, SHUT_RDWR);
                s->armed = 0;
                __atomic_fetch_add(&h->slow_closed, 1, __ATOMIC_RELAXED);
            }
        }
        clock_gettime(CLOCK_REALTIME, &wake);
        wake.tv_nsec += 200 * 1000000L;
        if (wake.tv_nsec >= 1000000000L) {
            wake.tv_sec++;
            wake.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&h->guard_cv, &h->guard_mu, &wake);
    }
    pthread_mutex_unlock(&h->guard_mu);
    return NULL;
}

int fk_guard_start(fk_http *h, int slots, int seconds)
{
    h->guard_seconds = seconds;
    if (seconds <= 0) return 0;
    h->guard = fk_xcalloc((size_t)slots, sizeof *h->guard);
    h->nguard = slots;
    pthread_mutex_init(&h->guard_mu, NULL);
    pthread_cond_init(&h->guard_cv, NULL);
    if (pthread_create(&h->guard_thread, NULL, watch, h)) {
        pthread_mutex_destroy(&h->guard_mu);
        pthread_cond_destroy(&h->guard_cv);
        free(h->guard);
        h->guard = NULL;
        return -1;
    }
    return 0;
}

void fk_guard_stop(fk_http *h)
{
    if (!h->guard) return;
    pthread_mutex_lock(&h->guard_mu);
    h->guard_stop = 1;
    pthread_cond_signal(&h->guard_cv);
    pthread_mutex_unlock(&h->guard_mu);
    pthread_join(h->guard_thread, NULL);
    pthread_mutex_destroy(&h->guard_mu);
    pthread_cond_destroy(&h->guard_cv);
    free(h->guard);
    h->guard = NULL;
}

void fk_guard_notify(void *cls, struct MHD_Connection *con, void **ctx,
                     enum MHD_ConnectionNotificationCode code)
{
    fk_http *h = cls;
    if (!h->guard) return;
    pthread_mutex_lock(&h->guard_mu);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct fk_guard_slot *s = NULL;
        for (int i = 0; i < h->nguard && !s; i++)
            if (!h->guard[i].used) s = &h->guard[i];
        *ctx = s;
        if (s && ci) {
            s->used = 1;
            s->armed = 1;
            s->fd = ci->connect_fd;
            deadline_in(&s->deadline, h->guard_seconds);
        } else if (ci) {
            /* More connections than MHD's own limit lets in: cannot
             * happen, but a connection without a deadline must not. */
            shutdown(ci->connect_fd, SHUT_RDWR);
            *ctx = NULL;
        }
    } else if (*ctx) {
        struct fk_guard_slot *s = *ctx;
        s->used = s->armed = 0;
        *ctx = NULL;
    }
    pthread_mutex_unlock(&h->guard_mu);
}

void fk_guard_arm(fk_http *h, struct MHD_Connection *con, int armed)
{
    if (!h->guard) return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (!ci || !ci->socket_context) return;
    struct fk_guard_slot *s = ci->socket_context;
    pthread_mutex_lock(&h->guard_mu);
    if (s->used) {
        s->armed = armed;
        if (armed) deadline_in(&s->deadline, h->guard_seconds);
    }
    pthread_mutex_unlock(&h->guard_mu);
}

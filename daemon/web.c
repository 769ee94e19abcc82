/* web.c - the dashboard embedded in the daemon: started once, restarted on
 * a reload only when what it serves from or how changed, so that a SIGHUP
 * that only touches the schedule never drops a connection. */
#include "daemon/daemon_int.h"

#include <stdio.h>
#include <string.h>

static int same_http(const fk_config *a, const fk_config *b)
{
    return !strcmp(a->listen, b->listen) && !strcmp(a->db_path, b->db_path) &&
           !strcmp(a->out_dir, b->out_dir) &&
           a->public_aggregates == b->public_aggregates &&
           a->max_connections == b->max_connections &&
           a->request_timeout == b->request_timeout &&
           a->max_per_client == b->max_per_client &&
           a->header_timeout == b->header_timeout &&
           a->stale_after == b->stale_after && a->target == b->target;
}

static fk_http *start(const fk_config *c, char *err, size_t n)
{
    fk_http_options o;
    fk_http_options_from_config(&o, c);
    fk_http *h = fk_http_start(&o, err, n);
    if (!h) return NULL;
    /* The bound port, which differs from the configured one for port 0. */
    const char *colon = strrchr(c->listen, ':');
    fk_daemon_log(FK_LOG_INFO, "http listening on %.*s:%d",
                  (int)(colon - c->listen), c->listen, fk_http_port(h));
    return h;
}

int fk_daemon_http_start(fk_daemon *d, char *err, size_t n)
{
    d->http = start(&d->cfg, err, n);
    return d->http ? 0 : -1;
}

int fk_daemon_http_update(fk_daemon *d, const fk_config *old, char *err,
                          size_t n)
{
    if (same_http(old, &d->cfg)) return 0;
    /* The same port cannot be bound twice: stop first, then start. */
    fk_http_stop(d->http);
    d->http = start(&d->cfg, err, n);
    if (d->http) return 0;
    char again[512];
    d->http = start(old, again, sizeof again);
    if (!d->http)
        fk_daemon_log(FK_LOG_ERR,
                      "http: cannot restart the old server either: %s", again);
    return -1;
}

/* At shutdown: like `fukyu serve`, a request still being answered after
 * the grace is abandoned (the server only reads), so SIGTERM stops the
 * daemon within seconds whatever a client asked for. */
int fk_daemon_http_stop(fk_daemon *d)
{
    int rc = 0;
    if (d->http) rc = fk_http_stop_within(d->http, FK_HTTP_STOP_GRACE_MS);
    d->http = NULL;
    if (rc < 0)
        fk_daemon_log(FK_LOG_WARNING,
                      "http: a request was still being answered after %d s; "
                      "stopping without it",
                      FK_HTTP_STOP_GRACE_MS / 1000);
    return rc;
}

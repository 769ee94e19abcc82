/* settings.c - the daemon's effective configuration: the file, then the
 * command-line overrides, checked as a whole.  Used at start and again on
 * every SIGHUP, so the overrides survive a reload. */
#include "daemon/daemon.h"

#include <stdio.h>
#include <string.h>

static int set(char *field, size_t size, const char *v, const char *what,
               char *err, size_t n)
{
    if (strlen(v) >= size) {
        snprintf(err, n, "%s: value too long", what);
        return -1;
    }
    memcpy(field, v, strlen(v) + 1);
    return 0;
}

int fk_daemon_load_config(const fk_daemon_options *o, fk_config *c,
                          fk_schedule *s, char *err, size_t n)
{
    fk_config_defaults(c);
    const char *path = o->config_path ? o->config_path : FK_CONFIG_DEFAULT_PATH;
    /* Only the default path may be missing: a named file must be there. */
    if (fk_config_load(c, path, o->config_path != NULL, err, n) < 0) return -1;
    if (o->feed) {
        if (strncmp(o->feed, "http://", 7) && strncmp(o->feed, "https://", 8)) {
            snprintf(err, n,
                     "--feed: expected an http:// or https:// URL, got '%s'",
                     o->feed);
            return -1;
        }
        if (set(c->feed_url, sizeof c->feed_url, o->feed, "--feed", err, n) < 0)
            return -1;
    }
    if (o->db && set(c->db_path, sizeof c->db_path, o->db, "--db", err, n) < 0)
        return -1;
    if (o->listen &&
        set(c->listen, sizeof c->listen, o->listen, "--listen", err, n) < 0)
        return -1;
    if (o->out &&
        set(c->out_dir, sizeof c->out_dir, o->out, "--out", err, n) < 0)
        return -1;
    if (!c->out_dir[0]) {
        snprintf(err, n, "%s: reports.out_dir is empty", path);
        return -1;
    }
    char why[512];
    if (fk_config_validate(c, why, sizeof why) < 0 ||
        fk_schedule_from_config(s, c, why, sizeof why) < 0) {
        snprintf(err, n, "%s: %s", path, why);
        return -1;
    }
    return 0;
}

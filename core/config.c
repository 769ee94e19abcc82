/* config.c - INI parser for fukyu.conf (see config.h).
 *
 * A table maps each section.key to a field and a value kind, so adding a
 * key is one line and every key gets the same strict checking. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched.h"

typedef enum {
    K_STR,
    K_INT,
    K_I64,
    K_BOOL,
    K_RATE,
    K_LANG,
    K_URL,
    K_TIMES,
    K_WEEKLY
} kind;

typedef struct {
    const char *section, *key;
    kind k;
    size_t off, size;
    long long min, max;
} key_spec;

#define F(field) offsetof(fk_config, field), sizeof(((fk_config *)0)->field)

static const key_spec keys[] = {
    {"feed", "url", K_URL, F(feed_url), 0, 0},
    {"feed", "token_file", K_STR, F(token_file), 0, 0},
    {"feed", "limit", K_INT, F(limit), 1, 10000},
    {"feed", "timeout", K_INT, F(timeout), 1, 3600},
    {"feed", "pull_timeout", K_INT, F(pull_timeout), 1, 86400},
    {"feed", "retries", K_INT, F(retries), 0, 100},
    {"feed", "max_page_bytes", K_I64, F(max_page_bytes), 1024, 1LL << 34},
    {"feed", "retry_max_wait", K_INT, F(retry_max_wait), 0, 86400},
    {"feed", "backoff_ms", K_INT, F(backoff_ms), 1, 600000},
    {"store", "path", K_STR, F(db_path), 0, 0},
    {"schedule", "interval", K_INT, F(interval), 0, 10080},
    {"schedule", "times", K_TIMES, F(times), 0, 0},
    {"schedule", "weekly_report", K_WEEKLY, F(weekly_report), 0, 0},
    {"reports", "out_dir", K_STR, F(out_dir), 0, 0},
    {"reports", "lang", K_LANG, F(lang), 0, 0},
    {"reports", "target", K_RATE, F(target), 0, 0},
    {"http", "listen", K_STR, F(listen), 0, 0},
    {"http", "public_aggregates", K_BOOL, F(public_aggregates), 0, 0},
    {"http", "max_connections", K_INT, F(max_connections), 1, 10000},
    {"http", "request_timeout", K_INT, F(request_timeout), 1, 3600},
    {"http", "max_per_client", K_INT, F(max_per_client), 1, 10000},
    {"http", "header_timeout", K_INT, F(header_timeout), 1, 3600},
    {"http", "stale_after", K_INT, F(stale_after), 1, 100000},
};

void fk_config_defaults(fk_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->feed_url, sizeof c->feed_url, "http://127.0.0.1:8471");
    c->limit = 5000;
    c->timeout = 60;
    c->pull_timeout = 3600;
    c->retries = 5;
    c->max_page_bytes = 64LL << 20;
    c->retry_max_wait = 300;
    c->backoff_ms = 1000;
    snprintf(c->db_path, sizeof c->db_path, "/var/lib/fukyu/fukyu.db");
    c->interval = 0;
    snprintf(c->times, sizeof c->times, "06:00");
    snprintf(c->weekly_report, sizeof c->weekly_report, "mon 07:00");
    snprintf(c->out_dir, sizeof c->out_dir, "/var/cache/fukyu");
    snprintf(c->lang, sizeof c->lang, "ja");
    c->target = 0.8;
    snprintf(c->listen, sizeof c->listen, "127.0.0.1:8470");
    c->public_aggregates = 1;
    c->max_connections = 64;
    c->request_timeout = 30;
    c->max_per_client = 32;
    c->header_timeout = 10;
    c->stale_after = 1560; /* a daily pull plus two hours */
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

/* Inline comments: '#' or ';' after white space ends an unquoted value
 * ("limit = 500  # smaller pages"); a '#' with no space before it stays
 * (a URL fragment).  A value in double quotes is taken whole, and only a
 * comment may follow the closing quote.  Returns -1 for an unterminated
 * quote. */
static int strip_comment(char *v)
{
    char *cut = NULL;
    if (*v == '"') {
        char *q = strchr(v + 1, '"');
        if (!q) return -1;
        cut = q + 1;
        while (isspace((unsigned char)*cut)) cut++;
        if (*cut && *cut != '#' && *cut != ';') return -1;
    } else {
        for (char *p = v + 1; *p && !cut; p++)
            if ((*p == '#' || *p == ';') && isspace((unsigned char)p[-1]))
                cut = p;
    }
    if (cut) {
        *cut = '\0';
        char *e = cut;
        while (e > v && isspace((unsigned char)e[-1])) *--e = '\0';
    }
    return 0;
}

static const char *check_value(const key_spec *ks, const char *v, fk_config *c)
{
    char *field = (char *)c + ks->off;
    switch (ks->k) {
    case K_STR:
    case K_URL:
        if (strlen(v) >= ks->size) return "value too long";
        if (ks->k == K_URL && strncmp(v, "http://", 7) != 0 &&
            strncmp(v, "https://", 8) != 0)
            return "expected an http:// or https:// URL";
        memcpy(field, v, strlen(v) + 1);
        return NULL;
    case K_INT:
    case K_I64: {
        char *end;
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (!*v || *end || errno) return "expected an integer";
        if (x < ks->min || x > ks->max) return "integer out of range";
        if (ks->k == K_INT) {
            int iv = (int)x;
            memcpy(field, &iv, sizeof iv);
        } else {
            int64_t lv = x;
            memcpy(field, &lv, sizeof lv);
        }
        return NULL;
    }
    case K_BOOL: {
        int b;
        if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
            b = 1;
        else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
            b = 0;
        else
            return "expected yes or no";
        memcpy(field, &b, sizeof b);
        return NULL;
    }
    case K_RATE: {
        char *end;
        double x = strtod(v, &end);
        if (!*v || *end || !(x > 0.0 && x <= 1.0))
            return "expected a rate in (0, 1]";
        memcpy(field, &x, sizeof x);
        return NULL;
    }
    case K_LANG:
        if (strcmp(v, "ja") && strcmp(v, "en")) return "expected ja or en";
        memcpy(field, v, 3);
        return NULL;
    case K_TIMES: {
        if (strlen(v) >= ks->size) return "value too long";
        int t[FK_SCHED_MAX_TIMES];
        char why[128];
        if (fk_times_parse(v, t, why, sizeof why) <= 0)
            return "expected HH:MM[,HH:MM...]";
        memcpy(field, v, strlen(v) + 1);
        return NULL;
    }
    case K_WEEKLY: {
        int wd, m;
        char why[128];
        if (fk_weekly_parse(v, &wd, &m, why, sizeof why) < 0)
            return "expected DAY HH:MM, e.g. \"mon 07:00\"";
        memcpy(field, v, strlen(v) + 1);
        return NULL;
    }
    }
    return "internal: unknown kind";
}

int fk_config_load(fk_config *c, const char *path, int must_exist, char *err,
                   size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT && !must_exist) return 0;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char line[4096], section[64] = "";
    int lineno = 0, rc = 0;
    int set_on[sizeof keys / sizeof keys[0]] = {0}; /* line of each key */
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            snprintf(err, errlen, "%s:%d: line too long", path, lineno);
            rc = -1;
            break;
        }
        /* Editors on Windows start UTF-8 files with a byte order mark. */
        char *s = line;
        if (lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3)) s += 3;
        s = trim(s);
        if (!*s || *s == '#' || *s == ';') continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || e[1] || e - s - 1 >= (long)sizeof section || e == s + 1) {
                snprintf(err, errlen, "%s:%d: malformed section header", path,
                         lineno);
                rc = -1;
                break;
            }
            *e = '\0';
            snprintf(section, sizeof section, "%s", s + 1);
            int known = 0;
            for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
                if (!strcmp(keys[i].section, section)) known = 1;
            if (!known) {
                snprintf(err, errlen, "%s:%d: unknown section [%s]", path,
                         lineno, section);
                rc = -1;
                break;
            }
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        if (!*section) {
            snprintf(err, errlen, "%s:%d: key '%s' outside any section", path,
                     lineno, k);
            rc = -1;
            break;
        }
        const key_spec *ks = NULL;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (!strcmp(keys[i].section, section) && !strcmp(keys[i].key, k))
                ks = &keys[i];
        if (!ks) {
            snprintf(err, errlen, "%s:%d: unknown key '%s' in [%s]", path,
                     lineno, k, section);
            rc = -1;
            break;
        }
        size_t ki = (size_t)(ks - keys);
        if (set_on[ki]) {
            snprintf(err, errlen,
                     "%s:%d: %s.%s is set twice (first on line %d); keep one",
                     path, lineno, section, k, set_on[ki]);
            rc = -1;
            break;
        }
        set_on[ki] = lineno;
        if (strip_comment(v) < 0) {
            snprintf(err, errlen, "%s:%d: %s.%s: unterminated quoted value",
                     path, lineno, section, k);
            rc = -1;
            break;
        }
        size_t vl = strlen(v);
        if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
            v[vl - 1] = '\0';
            v++;
        }
        const char *why = check_value(ks, v, c);
        if (why) {
            snprintf(err, errlen, "%s:%d: %s.%s: %s (got '%s')", path, lineno,
                     section, k, why, v);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        rc = -1;
    }
    fclose(f);
    return rc;
}

int fk_config_validate(const fk_config *c, char *err, size_t errlen)
{
    if (!c->feed_url[0]) {
        snprintf(err, errlen, "feed.url is empty");
        return -1;
    }
    if (!c->db_path[0]) {
        snprintf(err, errlen, "store.path is empty");
        return -1;
    }
    if (c->interval == 0 && !c->times[0]) {
        snprintf(err, errlen, "schedule: set interval or times");
        return -1;
    }
    return 0;
}

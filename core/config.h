/* config.h - the one configuration file (INI style, default
 * /etc/fukyu/fukyu.conf).  etc/fukyu.conf.example documents every key.
 *
 * Syntax: "[section]" lines, "key = value" lines, comments starting with
 * '#' or ';' on their own line or after white space at the end of a value
 * (a value in double quotes is taken whole), blank lines; a UTF-8 byte
 * order mark is skipped.  Unknown sections or keys, a key set twice and
 * bad values are errors naming the file and line. */
#ifndef FK_CONFIG_H
#define FK_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define FK_CONFIG_DEFAULT_PATH "/etc/fukyu/fukyu.conf"
#define FK_PATH_MAX            1024

typedef struct {
    /* [feed] */
    char feed_url[FK_PATH_MAX];   /* base URL; /v1/facilities is appended */
    char token_file[FK_PATH_MAX]; /* file holding the bearer token, or "" */
    int limit;                    /* page size asked for, 1..10000 */
    int timeout;                  /* seconds per request */
    int pull_timeout;             /* seconds for a whole pull */
    int retries;                  /* retries per request after the first */
    int64_t max_page_bytes;       /* cap on one page's decoded body */
    int retry_max_wait;           /* cap on Retry-After / backoff, seconds */
    int backoff_ms;               /* first backoff step, milliseconds */
    /* [store] */
    char db_path[FK_PATH_MAX];
    /* [schedule] */
    int interval;           /* minutes between pulls; 0 = use times */
    char times[256];        /* "06:00,18:00" JST, when interval = 0 */
    char weekly_report[32]; /* "mon 07:00" JST */
    /* [reports] */
    char out_dir[FK_PATH_MAX];
    char lang[3];  /* "ja" or "en" */
    double target; /* adoption target, 0..1 */
    /* [http] */
    char listen[128];      /* "127.0.0.1:8470" */
    int public_aggregates; /* 1: aggregate pages need no token */
    int max_connections;
    int request_timeout; /* seconds */
    int max_per_client;  /* connections from one client address at most */
    int header_timeout;  /* seconds to send a request's headers, in all */
    int stale_after;     /* /healthz: last good pull older (min) */
} fk_config;

void fk_config_defaults(fk_config *c);
/* Loads path over the current values.  When the file is missing and
 * must_exist is 0, keeps the defaults and returns 0.  Returns -1 with
 * "file:line: message" in err on any error. */
int fk_config_load(fk_config *c, const char *path, int must_exist, char *err,
                   size_t errlen);
/* Checks cross-field rules (e.g. times when interval is 0). */
int fk_config_validate(const fk_config *c, char *err, size_t errlen);

#endif

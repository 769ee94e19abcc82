/* log.c - the daemon's event log: one line per event on stderr.  journald
 * stamps the time itself, so no timestamps here; when stderr is the
 * journal a syslog "<N>" prefix carries the priority. */
#include "daemon/daemon.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* systemd sets JOURNAL_STREAM=DEV:INODE of the stream it connected; only
 * when that is still our stderr (not redirected) are prefixes understood. */
static int stderr_is_journal(void)
{
    static int known = -1;
    if (known >= 0) return known;
    known = 0;
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat sb;
    if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &sb) == 0 &&
        (unsigned long long)sb.st_dev == dev &&
        (unsigned long long)sb.st_ino == ino)
        known = 1;
    return known;
}

void fk_daemon_log(int prio, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* One event, one line: a reason with a newline must not split it. */
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    if (stderr_is_journal())
        fprintf(stderr, "<%d>daemon: %s\n", prio, line);
    else
        fprintf(stderr, "daemon: %s\n", line);
    fflush(stderr);
}

/* notify.c - talking to systemd (Type=notify): READY=1, STATUS= lines,
 * RELOADING=1/STOPPING=1 and the watchdog.  sd_notify() is a no-op when
 * NOTIFY_SOCKET is unset, so the daemon runs the same by hand. */
#include "daemon/daemon_int.h"

#include <stdio.h>
#include <time.h>

#include <systemd/sd-daemon.h>

void fk_daemon_notify_init(fk_daemon *d)
{
    uint64_t usec = 0;
    /* Keep the variables: a reload does not change them, and they are
     * needed again to restore the timeout after a long job. */
    d->wd_usec = sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

void fk_daemon_notify(const char *state)
{
    sd_notify(0, state);
}

static void status_text(const fk_daemon *d, char *out, size_t n)
{
    char next[32];
    snprintf(out, n, "%s; next pull %s",
             d->last_pull[0] ? d->last_pull : "no pull yet",
             fk_schedule_format(d->next_pull, next, sizeof next));
}

void fk_daemon_notify_ready(fk_daemon *d)
{
    char st[300];
    status_text(d, st, sizeof st);
    sd_notifyf(0, "READY=1\nSTATUS=%s", st);
}

void fk_daemon_notify_status(fk_daemon *d)
{
    char st[300];
    status_text(d, st, sizeof st);
    sd_notifyf(0, "STATUS=%s", st);
}

double fk_daemon_watchdog_interval(const fk_daemon *d)
{
    return d->wd_usec ? (double)d->wd_usec / 2e6 : 0.0;
}

void fk_daemon_watchdog_ping(const fk_daemon *d)
{
    if (d->wd_usec) sd_notify(0, "WATCHDOG=1");
}

void fk_daemon_watchdog_busy(const fk_daemon *d, int seconds)
{
    uint64_t usec = (uint64_t)seconds * 1000000u;
    if (!d->wd_usec || usec <= d->wd_usec) return;
    /* WATCHDOG_USEC= resets the timeout of the running service (systemd
     * 236+); the ping restarts the count from now. */
    sd_notifyf(0, "WATCHDOG=1\nWATCHDOG_USEC=%llu", (unsigned long long)usec);
}

void fk_daemon_watchdog_idle(const fk_daemon *d)
{
    if (d->wd_usec)
        sd_notifyf(0, "WATCHDOG=1\nWATCHDOG_USEC=%llu",
                   (unsigned long long)d->wd_usec);
}

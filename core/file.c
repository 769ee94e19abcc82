/* file.c - atomic file publishing and mkdir -p (see file.h). */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A name unique within the process (pid + counter); O_EXCL catches a stale
 * file left by an earlier process with the same pid. */
static atomic_uint tmp_seq;

static int fail(char *err, size_t errlen, const char *path, const char *what,
                int e)
{
    snprintf(err, errlen, "%s: %s: %s", path, what, strerror(e));
    return -1;
}

int fk_atomic_begin(fk_atomic *a, const char *path, char *err, size_t errlen)
{
    a->fd = -1;
    a->tmp[0] = '\0';
    if ((size_t)snprintf(a->path, sizeof a->path, "%s", path) >= sizeof a->path)
        return fail(err, errlen, path, "cannot write", ENAMETOOLONG);
    for (int tries = 0; tries < 100; tries++) {
        snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld.%u", path, (long)getpid(),
                 atomic_fetch_add(&tmp_seq, 1));
        a->fd = open(a->tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
        if (a->fd >= 0) return 0;
        if (errno != EEXIST) break;
    }
    int e = errno;
    a->tmp[0] = '\0';
    return fail(err, errlen, path, "cannot create a file there", e);
}

void fk_atomic_abort(fk_atomic *a)
{
    if (a->fd >= 0) close(a->fd);
    a->fd = -1;
    if (a->tmp[0]) unlink(a->tmp);
    a->tmp[0] = '\0';
}

/* fsync of the directory holding path, so that the rename is durable. */
static int sync_dir(const char *path)
{
    char dir[sizeof((fk_atomic *)0)->path];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int fk_atomic_commit(fk_atomic *a, char *err, size_t errlen)
{
    int e = 0;
    const char *what = "cannot write";
    /* A writer that closed the file by name: reopen it to sync. */
    if (a->fd < 0) a->fd = open(a->tmp, O_WRONLY | O_CLOEXEC);
    if (a->fd < 0) e = errno;
    if (!e && fsync(a->fd) < 0) e = errno;
    if (a->fd >= 0 && close(a->fd) < 0 && !e) e = errno;
    a->fd = -1;
    if (!e && rename(a->tmp, a->path) < 0) {
        e = errno;
        what = "cannot rename the temporary file into place";
    }
    if (e) {
        fk_atomic_abort(a);
        return fail(err, errlen, a->path, what, e);
    }
    a->tmp[0] = '\0';
    if (sync_dir(a->path) < 0)
        return fail(err, errlen, a->path, "cannot sync its directory", errno);
    return 0;
}

int fk_file_write(const char *path, const void *data, size_t len, char *err,
                  size_t errlen)
{
    fk_atomic a;
    if (fk_atomic_begin(&a, path, err, errlen) < 0) return -1;
    const char *p = data;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(a.fd, p + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            fk_atomic_abort(&a);
            return fail(err, errlen, path, "cannot write", e);
        }
        off += (size_t)w;
    }
    return fk_atomic_commit(&a, err, errlen);
}

int fk_mkdir_p(const char *path, char *err, size_t errlen)
{
    char d[4096];
    if ((size_t)snprintf(d, sizeof d, "%s", path) >= sizeof d)
        return fail(err, errlen, path, "cannot create directory", ENAMETOOLONG);
    for (char *p = d + 1;; p++) {
        if (*p != '/' && *p) continue;
        char c = *p;
        *p = '\0';
        /* EEXIST also when another thread made it first; a file in the
         * way shows as ENOTDIR one level down, or in the check below. */
        if (mkdir(d, 0777) < 0 && errno != EEXIST)
            return fail(err, errlen, d, "cannot create directory", errno);
        *p = c;
        if (!c) break;
        while (p[1] == '/') p++;
    }
    struct stat st;
    if (stat(d, &st) < 0)
        return fail(err, errlen, d, "cannot create directory", errno);
    if (!S_ISDIR(st.st_mode))
        return fail(err, errlen, d, "cannot create directory", ENOTDIR);
    return 0;
}

/* file.h - publishing files atomically: a reader sees the old file or the
 * complete new one, never a half-written one, and a crash leaves at most a
 * stray temporary file, never a truncated target.
 *
 * The temporary file is created beside the target with
 * open(O_CREAT|O_EXCL|O_WRONLY|O_CLOEXEC, 0666), so the kernel applies the
 * process umask (this code never calls umask(), which would race with
 * other threads creating files); it is fsync'd, renamed over the target,
 * and the directory is fsync'd so the rename itself survives a crash.  On
 * any failure the temporary file is removed and err names the path and
 * the reason. */
#ifndef FK_FILE_H
#define FK_FILE_H

#include <stddef.h>

/* Writes len bytes to path atomically.  0, or -1 with err set. */
int fk_file_write(const char *path, const void *data, size_t len, char *err,
                  size_t errlen);

/* For writers that need a file name of their own (libxlsxwriter, a CSV
 * stream): fk_atomic_begin creates the temporary file (tmp, which the
 * writer may reopen by name, and fd); fk_atomic_commit syncs and renames
 * it into place; fk_atomic_abort removes it.  Exactly one of commit and
 * abort follows a successful begin; commit cleans up after itself. */
typedef struct {
    char path[4096];
    char tmp[4096 + 32];
    int fd; /* open for writing; -1 once the writer has closed it */
} fk_atomic;
int fk_atomic_begin(fk_atomic *a, const char *path, char *err, size_t errlen);
int fk_atomic_commit(fk_atomic *a, char *err, size_t errlen);
void fk_atomic_abort(fk_atomic *a);

/* mkdir -p: creates path and its missing parents with mode 0777 under the
 * umask.  0, or -1 with err naming the directory that could not be made. */
int fk_mkdir_p(const char *path, char *err, size_t errlen);

#endif

/* fuzz_followup.c - libFuzzer harness for the follow-up import reader
 * (reports/sheet_csv.c, sheet_xlsx.c, followup_import.c): the input is a
 * filled-in list as a team sends it back.  If it starts like a zip
 * archive it is read as XLSX (through a memfd, the way `fukyu followup
 * import` reads a file), else as CSV; the rows are then checked against a
 * small store as the import checks them.  A rejection must say why. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reports/followup.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fk_store *st;
static int fd = -1;
static char dir[64];

static void cleanup(void)
{
    char p[96];
    fk_store_close(st);
    static const char *const ext[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/fu.db%s", dir, ext[i]);
        unlink(p);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char db[96], err[600];
    snprintf(dir, sizeof dir, "/tmp/fukyu-fuzz-fu-XXXXXX");
    if (!mkdtemp(dir)) abort();
    snprintf(db, sizeof db, "%s/fu.db", dir);
    if (!(st = fk_store_open(db, FK_STORE_RW, err, sizeof err))) {
        fprintf(stderr, "fuzz_followup: %s\n", err);
        abort();
    }
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fk_sheet sh = {0};
    char err[600] = "";
    int rc;
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        if (fd < 0 && (fd = memfd_create("fuzz.xlsx", 0)) < 0) abort();
        if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
            abort();
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        rc = fk_sheet_read_xlsx(path, &sh, err, sizeof err);
    } else {
        rc = fk_sheet_read_csv((const char *)data, size, &sh, err, sizeof err);
    }
    if (rc < 0) {
        if (!err[0]) abort();
        fk_sheet_free(&sh);
        return 0;
    }
    fk_import_opts o = {.program = "eprescription",
                        .team = "fuzz",
                        .today = fk_day_from_ymd(2025, 2, 9)};
    fk_import im = {0};
    err[0] = '\0';
    if (fk_import_check(st, &sh, &o, &im, err, sizeof err) < 0 && !err[0])
        abort();
    fk_import_free(&im);
    fk_sheet_free(&sh);
    return 0;
}

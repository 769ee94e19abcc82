/* memory.c - keeps the daemon's heap at the size of one render, however
 * many renders it has done (issue 17).
 *
 * Every PDF the render writes makes cairo read the whole CJK font for
 * subsetting: two buffers of ~16 MB, malloc'd and freed on a drawing
 * thread.  glibc serves the first from mmap, and freeing it raises its
 * mmap threshold to that size and its trim threshold to twice it; from
 * then on each such buffer comes from the thread's arena, whose heap
 * keeps ~26 MB resident after the free.  The drawing and forecast threads
 * are new at every render and land on different arenas (up to 8 per
 * core), so the daemon grew by one such heap every few renders.  Fixed
 * thresholds keep large buffers in mmap (returned at free) and let the
 * arenas shrink; a trim after each render returns what the exited
 * threads freed below the few long-lived objects they left behind
 * (cairo's and fontconfig's caches), which glibc cannot shrink past.
 * Renders now run in a child process (render.c), whose memory ends with
 * it, cairo's leak included; the daemon keeps these settings for its
 * pulls (the collector's pages) and trims after each.  The short-lived
 * commands do not need this: they exit. */
#include "daemon/daemon.h"

#include <malloc.h>

/* Blocks at least this large are mmap'd; free tops of at least this size
 * are returned.  1 MiB: above the per-chart buffers that come and go many
 * times a render, far below the font copies. */
#define BIG_BLOCK (1 << 20)

void fk_daemon_memory_init(void)
{
    mallopt(M_MMAP_THRESHOLD, BIG_BLOCK);
    mallopt(M_TRIM_THRESHOLD, BIG_BLOCK);
}

void fk_daemon_memory_release(void)
{
    malloc_trim(0);
}

/* png.c - PNG encoding of a chart's image surface with libpng, tuned for
 * what charts are: large flat-colour areas and anti-aliased edges.
 *
 * cairo_surface_write_to_png encodes at libpng's default zlib level with
 * every filter tried per row; on a 1200x700 chart that took 15 ms, more
 * than drawing it.  Measured on national charts: no filter at zlib level
 * 2 takes 3 ms and the files are ~7% smaller than cairo's (flat colour
 * repeats byte for byte, which filters only disturb at text edges);
 * "sub" or "up" were slower and larger, levels 4+ slower again.
 * Charts are painted on white, so when every pixel is opaque (always, in
 * practice) the file is RGB, a quarter less to compress; otherwise RGBA
 * with alpha un-premultiplied as PNG wants it.
 * Deterministic: no time chunk, no gamma guessing. */
#include "charts/canvas.h"

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK_PNG_LEVEL 2

typedef struct {
    fk_buf *out;
    int failed;
} png_sink;

static void on_write(png_structp png, png_bytep data, size_t len)
{
    png_sink *s = png_get_io_ptr(png);
    if (fk_buf_put(s->out, data, len) < 0) {
        s->failed = 1;
        png_error(png, "out of memory");
    }
}

static void on_flush(png_structp png)
{
    (void)png;
}

/* libpng reports errors by longjmp; the message is kept for err. */
static void on_error(png_structp png, png_const_charp msg)
{
    char *e = png_get_error_ptr(png);
    snprintf(e, 128, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png, (void)msg;
}

static int all_opaque(const unsigned char *data, int w, int h, int stride)
{
    for (int y = 0; y < h; y++) {
        const uint32_t *p =
            (const uint32_t *)(const void *)(data + (size_t)y * stride);
        for (int x = 0; x < w; x++)
            if ((p[x] >> 24) != 0xFF) return 0;
    }
    return 1;
}

/* One cairo ARGB32 row (native-endian, premultiplied) as PNG RGB or RGBA. */
static void convert_row(const uint32_t *src, unsigned char *dst, int w,
                        int alpha)
{
    for (int x = 0; x < w; x++) {
        uint32_t px = src[x];
        unsigned a = px >> 24, r = (px >> 16) & 255, g = (px >> 8) & 255,
                 b = px & 255;
        if (!alpha) {
            *dst++ = (unsigned char)r, *dst++ = (unsigned char)g,
            *dst++ = (unsigned char)b;
            continue;
        }
        if (a && a != 255) { /* un-premultiply, rounding as cairo does */
            r = (r * 255 + a / 2) / a, g = (g * 255 + a / 2) / a,
            b = (b * 255 + a / 2) / a;
        }
        *dst++ = (unsigned char)r, *dst++ = (unsigned char)g,
        *dst++ = (unsigned char)b;
        *dst++ = (unsigned char)a;
    }
}

int fk_png_encode(cairo_surface_t *img, fk_buf *out, char *err, size_t errlen)
{
    cairo_surface_flush(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int w = cairo_image_surface_get_width(img),
        h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    if (!data || cairo_image_surface_get_format(img) != CAIRO_FORMAT_ARGB32 ||
        w <= 0 || h <= 0) {
        snprintf(err, errlen, "chart: PNG: not an ARGB32 image");
        return -1;
    }
    int alpha = !all_opaque(data, w, h, stride);
    unsigned char *row = malloc((size_t)w * 4);
    char msg[128] = "";
    png_sink sink = {out, 0};
    png_structp png = row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, msg,
                                                    on_error, on_warning)
                          : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        if (png) png_destroy_write_struct(&png, NULL);
        free(row);
        snprintf(err, errlen, "chart: PNG: out of memory");
        return -1;
    }
    /* volatile: read after longjmp. */
    volatile int rc = -1;
    if (setjmp(png_jmpbuf(png)) == 0) {
        png_set_write_fn(png, &sink, on_write, on_flush);
        png_set_compression_level(png, FK_PNG_LEVEL);
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                     alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE,
                     PNG_FILTER_TYPE_BASE);
        png_write_info(png, info);
        for (int y = 0; y < h; y++) {
            convert_row(
                (const uint32_t *)(const void *)(data + (size_t)y * stride),
                row, w, alpha);
            png_write_row(png, row);
        }
        png_write_end(png, info);
        rc = 0;
    }
    png_destroy_write_struct(&png, &info);
    free(row);
    if (rc < 0)
        snprintf(err, errlen, "chart: PNG: %s",
                 sink.failed ? "out of memory"
                 : msg[0]    ? msg
                             : "encoding failed");
    return rc;
}

/* test_charts.c - every chart kind in every format from synthetic data:
 * PNG size and pixels, PDF text and embedded subset fonts, well-formed
 * SVG, byte-identical output for the same data (on another thread too),
 * English labels, the near-zero
 * switch to counts / per-mille, CSV, bad input and atomic saving.
 * Set FK_CHART_KEEP=DIR to keep the rendered files for a look. */
#include "tests/testutil.h"

#include <cairo.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "charts/canvas.h"
#include "charts/chart.h"
#include "core/file.h"

#define NDAYS  746 /* 2023-01-26 .. 2025-02-09 */
#define NFC    8
#define NWEEKS 60
#define NMUNI  180

static fk_chart_obs obs[FK_NTYPE + 1][NDAYS];
static fk_fc_point fc[FK_NTYPE + 1][NFC];
static fk_chart_week weeks[NWEEKS];
static fk_chart_muni munis[NMUNI];
static char muni_names[NMUNI][32];

static fk_day day0(void)
{
    return fk_day_from_ymd(2023, 1, 26);
}

/* Logistic adoption curves per type; scale shrinks them for the
 * near-zero case (a program that has barely started). */
static void make_trend(fk_chart_trend *c, const char *program, double scale,
                       int with_fc)
{
    static const double cap[FK_NTYPE] = {0.08, 0.16, 0.03, 0.85};
    static const double mid[FK_NTYPE] = {700, 650, 720, 420};
    static const double total[FK_NTYPE] = {7984, 83370, 61124, 60494};
    memset(c, 0, sizeof *c);
    c->meta.program = program;
    c->meta.as_of = day0() + NDAYS - 1;
    for (int i = 0; i < NDAYS; i++) {
        double a = 0, t = 0;
        for (int k = 0; k < FK_NTYPE; k++) {
            double r = scale * cap[k] / (1 + exp(-(i - mid[k]) / 90.0));
            obs[k][i] =
                (fk_chart_obs){day0() + i, floor(r * total[k]), total[k]};
            a += obs[k][i].adopting;
            t += total[k];
        }
        obs[FK_NTYPE][i] = (fk_chart_obs){day0() + i, a, t};
    }
    for (int k = 0; k <= FK_NTYPE; k++) {
        c->lines[k] = (fk_chart_line){obs[k], NDAYS, with_fc ? fc[k] : NULL,
                                      with_fc ? NFC : 0};
        double r0 = obs[k][NDAYS - 1].adopting / obs[k][NDAYS - 1].total;
        for (int j = 0; j < NFC; j++) {
            double r = fmin(1, r0 * (1 + 0.02 * (j + 1))), w = 0.004 * (j + 1);
            fc[k][j] = (fk_fc_point){c->meta.as_of + 7 * (j + 1),
                                     r,
                                     fmax(0, r - w),
                                     fmin(1, r + w),
                                     fmax(0, r - 2 * w),
                                     fmin(1, r + 2 * w)};
        }
    }
    c->target = scale > 0.5 ? 0.8 : 0;
    c->fy_end = fk_fy_end(c->meta.as_of);
}

static void make_funnel(fk_chart_funnel *c)
{
    memset(c, 0, sizeof *c);
    c->meta.program = "eprescription";
    c->meta.as_of = fk_day_from_ymd(2025, 2, 9);
    c->rows[FK_HOSPITAL] = (fk_chart_counts){388, 1576, 7984};
    c->rows[FK_CLINIC] = (fk_chart_counts){9561, 25369, 83370};
    c->rows[FK_DENTAL] = (fk_chart_counts){1246, 13127, 61124};
    c->rows[FK_PHARMACY] = (fk_chart_counts){40411, 4000, 60494};
    for (int t = 0; t < FK_NTYPE; t++) {
        c->rows[FK_CHART_ALL].adopting += c->rows[t].adopting;
        c->rows[FK_CHART_ALL].applied += c->rows[t].applied;
        c->rows[FK_CHART_ALL].total += c->rows[t].total;
    }
}

static void make_prefs(fk_chart_prefs *c, double scale)
{
    memset(c, 0, sizeof *c);
    c->meta.program = scale > 0.5 ? "eprescription" : "ehr_sharing";
    c->meta.as_of = fk_day_from_ymd(2025, 2, 9);
    c->type = scale > 0.5 ? -1 : FK_HOSPITAL;
    for (int i = 0; i < FK_NPREF; i++) {
        double total = (double)fk_prefs[i].population_2020 / 600;
        double rate = scale * (0.18 + 0.12 * sin(i * 1.7));
        c->prefs[i] = (fk_chart_counts){floor(total * rate), floor(total * 0.1),
                                        floor(total)};
        c->national.adopting += c->prefs[i].adopting;
        c->national.applied += c->prefs[i].applied;
        c->national.total += c->prefs[i].total;
    }
}

static void make_weekly(fk_chart_weekly *c)
{
    memset(c, 0, sizeof *c);
    c->meta.program = "eprescription";
    c->meta.as_of = fk_day_from_ymd(2025, 2, 9);
    fk_day mon = fk_iso_week_monday(2023, 50);
    for (int i = 0; i < NWEEKS; i++) {
        weeks[i].monday = mon + 7 * i;
        for (int t = 0; t < FK_NTYPE; t++)
            weeks[i].added[t] = floor((t + 1) * 40 * (1.2 + sin(i * 0.3 + t)));
    }
    c->weeks = weeks;
    c->nweeks = NWEEKS;
}

static void make_munis(fk_chart_munis *c, size_t n)
{
    memset(c, 0, sizeof *c);
    c->meta.program = "eprescription";
    c->meta.pref = 1;
    c->meta.as_of = fk_day_from_ymd(2025, 2, 9);
    c->type = -1;
    for (size_t i = 0; i < n; i++) {
        snprintf(munis[i].code, sizeof munis[i].code, "01%03zu", 100 + i);
        /* Some named (one with a comma, for the CSV quoting), some not. */
        snprintf(muni_names[i], sizeof muni_names[i],
                 i % 3 ? "テスト町%zu" : "市,区%zu", i);
        munis[i].name = i % 5 ? muni_names[i] : NULL;
        double total = 20 + (double)(i * 37 % 400);
        munis[i].c = (fk_chart_counts){
            floor(total * (0.05 + 0.4 * ((i * 13) % 17) / 17.0)), 3, total};
        c->pref_total.adopting += munis[i].c.adopting;
        c->pref_total.total += munis[i].c.total;
    }
    c->munis = munis;
    c->nmunis = n;
}

/* Renders kind k (0..5) of the synthetic data. */
static int render(int k, const fk_chart_opts *o, fk_chart_format fmt,
                  fk_buf *out, char *err)
{
    static fk_chart_trend tr;
    static fk_chart_funnel fu;
    static fk_chart_prefs pr;
    static fk_chart_weekly wk;
    static fk_chart_munis mu;
    switch (k) {
    case 0:
        make_trend(&tr, "eprescription", 1, 1);
        return fk_chart_trend_render(&tr, o, fmt, out, err, 256);
    case 1:
        make_funnel(&fu);
        return fk_chart_funnel_render(&fu, o, fmt, out, err, 256);
    case 2:
        make_prefs(&pr, 1);
        return fk_chart_ranking_render(&pr, o, fmt, out, err, 256);
    case 3:
        make_prefs(&pr, 1);
        return fk_chart_map_render(&pr, o, fmt, out, err, 256);
    case 4:
        make_weekly(&wk);
        return fk_chart_weekly_render(&wk, o, fmt, out, err, 256);
    default:
        make_munis(&mu, NMUNI);
        return fk_chart_munis_render(&mu, o, fmt, out, err, 256);
    }
}

static const char *kinds[6] = {"trend", "funnel", "ranking",
                               "map",   "weekly", "munis"};
static const char *titles_ja[6] = {"導入率の推移",
                                   "導入段階別",
                                   "都道府県別の導入率",
                                   "導入率の地図",
                                   "週別の新規運用開始施設数",
                                   "市区町村別の導入率"};
static const char *exts[3] = {"png", "pdf", "svg"};

static char *dir;

/* cairo 1.16 leaks ~768 bytes per PDF when it subsets an OpenType (CFF)
 * font such as Noto Sans CJK (reproduced with a 20-line pango+cairo
 * program, nothing of fukyu), and fontconfig keeps a few hundred bytes of
 * parsed config.  LeakSanitizer reads this hook at start-up; without
 * ASan it is an unused function. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so.2\nleak:libfontconfig.so.1\n";
}

static int setup(void **state)
{
    (void)state;
    char err[256];
    dir = tu_tmpdir();
    return fk_charts_init(err, sizeof err);
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    free(dir);
    fk_charts_shutdown();
    return 0;
}

/* Saves into the scratch dir (and FK_CHART_KEEP when set); returns path. */
static const char *save(const fk_buf *b, const char *name)
{
    static char path[4][700];
    static int i;
    char err[256], *p = path[i++ % 4];
    snprintf(p, 700, "%s/%s", dir, name);
    assert_int_equal(fk_file_write(p, b->p, b->len, err, sizeof err), 0);
    const char *keep = getenv("FK_CHART_KEEP");
    if (keep && *keep) {
        char k[700];
        snprintf(k, sizeof k, "%s/%s", keep, name);
        assert_int_equal(fk_file_write(k, b->p, b->len, err, sizeof err), 0);
    }
    return p;
}

static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 |
           p[3];
}

static void check_png(const fk_buf *b, unsigned w, unsigned h)
{
    static const unsigned char sig[8] = {0x89, 'P',  'N',  'G',
                                         '\r', '\n', 0x1a, '\n'};
    assert_true(b->len > 33);
    assert_memory_equal(b->p, sig, 8);
    assert_memory_equal(b->p + 12, "IHDR", 4);
    assert_int_equal(be32((const unsigned char *)b->p + 16), w);
    assert_int_equal(be32((const unsigned char *)b->p + 20), h);
}

static void check_svg(const fk_buf *b)
{
    const char *s = b->p;
    assert_true(b->len > 100);
    assert_int_equal(strncmp(s, "<?xml", 5), 0);
    assert_non_null(strstr(s, "<svg"));
    size_t e = b->len;
    while (e && (s[e - 1] == '\n' || s[e - 1] == ' ')) e--;
    assert_true(e >= 6);
    assert_memory_equal(s + e - 6, "</svg>", 6);
}

static void check_pdf(const char *path, const char *want1, const char *want2)
{
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run(&out, &err, "pdftotext -enc UTF-8 '%s' -", path),
                     0);
    if (!strstr(out, want1) || !strstr(out, want2))
        fail_msg("%s: pdftotext lacks '%s' or '%s':\n%s", path, want1, want2,
                 out);
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err, "pdffonts '%s'", path), 0);
    /* Every font line (after the two header lines) says emb yes, sub yes,
     * and its name carries the ABCDEF+ subset tag. */
    int fonts = 0;
    char *line = strtok(out, "\n");
    for (int ln = 0; line; line = strtok(NULL, "\n"), ln++) {
        if (ln < 2) continue;
        fonts++;
        assert_non_null(strstr(line, " yes yes "));
        assert_true(strlen(line) > 7 && line[6] == '+');
    }
    assert_true(fonts >= 1);
    free(out), free(err);
}

static void test_every_kind_every_format(void **state)
{
    (void)state;
    char err[256], name[64];
    fk_chart_opts o = {0};
    for (int k = 0; k < 6; k++)
        for (int f = 0; f < 3; f++) {
            fk_buf b = {0};
            if (render(k, &o, (fk_chart_format)f, &b, err) != 0)
                fail_msg("%s.%s: %s", kinds[k], exts[f], err);
            snprintf(name, sizeof name, "%s.%s", kinds[k], exts[f]);
            const char *path = save(&b, name);
            if (f == FK_CHART_PNG)
                check_png(&b, FK_CHART_DEFAULT_W, FK_CHART_DEFAULT_H);
            if (f == FK_CHART_SVG) check_svg(&b);
            if (f == FK_CHART_PDF) {
                assert_memory_equal(b.p, "%PDF-", 5);
                check_pdf(path, titles_ja[k],
                          k == 1 || k == 4 || k == 0 ? "電子処方箋" : "出典");
            }
            fk_buf_free(&b);
        }
}

typedef struct {
    const unsigned char *p;
    size_t left;
} png_reader;

static cairo_status_t read_png(void *closure, unsigned char *data,
                               unsigned int len)
{
    png_reader *r = closure;
    if (len > r->left) return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p, len);
    r->p += len;
    r->left -= len;
    return CAIRO_STATUS_SUCCESS;
}

/* The PNG decodes (libpng through cairo) to an opaque RGB image of its
 * size, white in the corner (the background), with ink somewhere. */
static void test_png_decodes(void **state)
{
    (void)state;
    char err[256];
    fk_chart_opts o = {0};
    for (int k = 0; k < 6; k++) {
        fk_buf b = {0};
        assert_int_equal(render(k, &o, FK_CHART_PNG, &b, err), 0);
        assert_int_equal((unsigned char)b.p[25],
                         2); /* IHDR colour type: RGB, no alpha */
        png_reader r = {(const unsigned char *)b.p, b.len};
        cairo_surface_t *img =
            cairo_image_surface_create_from_png_stream(read_png, &r);
        assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
        assert_int_equal(r.left, 0);
        assert_int_equal(cairo_image_surface_get_format(img),
                         CAIRO_FORMAT_RGB24);
        int w = cairo_image_surface_get_width(img),
            h = cairo_image_surface_get_height(img);
        assert_int_equal(w, FK_CHART_DEFAULT_W);
        assert_int_equal(h, FK_CHART_DEFAULT_H);
        const unsigned char *px = cairo_image_surface_get_data(img);
        int stride = cairo_image_surface_get_stride(img);
        uint32_t corner;
        memcpy(&corner, px, 4);
        assert_int_equal(corner & 0xFFFFFF, 0xFFFFFF);
        long dark = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint32_t v;
                memcpy(&v, px + (size_t)y * stride + 4 * (size_t)x, 4);
                dark += ((v >> 8) & 255) < 128;
            }
        if (dark < 1000)
            fail_msg("%s.png: only %ld dark pixels", kinds[k], dark);
        cairo_surface_destroy(img);
        fk_buf_free(&b);
    }
}

/* Every kind and format drawn on a second thread with its own fonts
 * (as the publisher's drawing threads do) gives the main thread's bytes. */
static fk_buf thread_out[6][3];
static int thread_rc;

static void *draw_all(void *arg)
{
    (void)arg;
    char err[256];
    fk_chart_opts o = {0};
    thread_rc = fk_charts_init(err, sizeof err);
    for (int k = 0; k < 6 && thread_rc == 0; k++)
        for (int f = 0; f < 3 && thread_rc == 0; f++)
            thread_rc =
                render(k, &o, (fk_chart_format)f, &thread_out[k][f], err);
    fk_charts_shutdown();
    return NULL;
}

static void test_other_thread(void **state)
{
    (void)state;
    char err[256];
    fk_chart_opts o = {0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, draw_all, NULL), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(thread_rc, 0);
    for (int k = 0; k < 6; k++)
        for (int f = 0; f < 3; f++) {
            fk_buf a = {0};
            assert_int_equal(render(k, &o, (fk_chart_format)f, &a, err), 0);
            const fk_buf *b = &thread_out[k][f];
            if (a.len != b->len || memcmp(a.p, b->p, a.len))
                fail_msg("%s.%s drawn on another thread differs", kinds[k],
                         exts[f]);
            fk_buf_free(&a);
            fk_buf_free(&thread_out[k][f]);
        }
}

static void test_png_size_and_scale(void **state)
{
    (void)state;
    char err[256];
    fk_chart_opts o = {"ja", 800, 500, 2.0};
    for (int k = 0; k < 6; k++) {
        fk_buf b = {0};
        assert_int_equal(render(k, &o, FK_CHART_PNG, &b, err), 0);
        check_png(&b, 1600, 1000);
        fk_buf_free(&b);
    }
    fk_chart_opts bad = {"fr", 0, 0, 0};
    fk_buf b = {0};
    assert_int_equal(render(0, &bad, FK_CHART_PNG, &b, err), -1);
    assert_non_null(strstr(err, "unknown language 'fr'"));
    fk_chart_opts tiny = {NULL, 10, 10, 1};
    assert_int_equal(render(0, &tiny, FK_CHART_PNG, &b, err), -1);
    assert_non_null(strstr(err, "size 10x10"));
    fk_buf_free(&b);
}

static void test_deterministic(void **state)
{
    (void)state;
    char err[256];
    fk_chart_opts o = {0};
    for (int k = 0; k < 6; k++)
        for (int f = 0; f < 3; f++) {
            fk_buf a = {0}, b = {0};
            assert_int_equal(render(k, &o, (fk_chart_format)f, &a, err), 0);
            assert_int_equal(render(k, &o, (fk_chart_format)f, &b, err), 0);
            if (a.len != b.len || memcmp(a.p, b.p, a.len))
                fail_msg("%s.%s differs between two renders of the same data",
                         kinds[k], exts[f]);
            fk_buf_free(&a);
            fk_buf_free(&b);
        }
}

static void test_english(void **state)
{
    (void)state;
    char err[256], name[64];
    fk_chart_opts o = {"en", 0, 0, 0};
    static const char *want[6] = {
        "adoption rate", "adoption stage",        "adoption by prefecture",
        "adoption map",  "new adopters per week", "adoption by municipality"};
    for (int k = 0; k < 6; k++) {
        fk_buf b = {0};
        assert_int_equal(render(k, &o, FK_CHART_PDF, &b, err), 0);
        snprintf(name, sizeof name, "%s-en.pdf", kinds[k]);
        check_pdf(save(&b, name), want[k], "as of 9 Feb 2025");
        fk_buf_free(&b);
        assert_int_equal(render(k, &o, FK_CHART_PNG, &b, err), 0);
        snprintf(name, sizeof name, "%s-en.png", kinds[k]);
        save(&b, name);
        fk_buf_free(&b);
    }
}

/* A program under 1% everywhere: trend in counts, ranking and map in ‰. */
static void test_near_zero(void **state)
{
    (void)state;
    char err[256];
    fk_chart_trend tr;
    fk_chart_prefs pr;
    fk_buf b = {0};
    make_trend(&tr, "ehr_sharing", 0.005, 0);
    assert_int_equal(
        fk_chart_trend_render(&tr, NULL, FK_CHART_PDF, &b, err, sizeof err), 0);
    check_pdf(save(&b, "trend-ehr.pdf"),
              "電子カルテ情報共有サービス 運用施設数の推移", "施設数");
    assert_int_equal(
        fk_chart_trend_render(&tr, NULL, FK_CHART_PNG, &b, err, sizeof err), 0);
    save(&b, "trend-ehr.png");
    tr.mode = FK_CHART_RATE; /* forced rates stay rates */
    assert_int_equal(
        fk_chart_trend_render(&tr, NULL, FK_CHART_PDF, &b, err, sizeof err), 0);
    check_pdf(save(&b, "trend-ehr-rate.pdf"), "導入率の推移", "%");
    make_prefs(&pr, 0.02);
    assert_int_equal(
        fk_chart_ranking_render(&pr, NULL, FK_CHART_PDF, &b, err, sizeof err),
        0);
    check_pdf(save(&b, "ranking-ehr.pdf"), "‰", "千施設あたり");
    assert_int_equal(
        fk_chart_ranking_render(&pr, NULL, FK_CHART_PNG, &b, err, sizeof err),
        0);
    save(&b, "ranking-ehr.png");
    assert_int_equal(
        fk_chart_map_render(&pr, NULL, FK_CHART_PNG, &b, err, sizeof err), 0);
    save(&b, "map-ehr.png");
    pr.mode = FK_CHART_COUNT;
    assert_int_equal(
        fk_chart_map_render(&pr, NULL, FK_CHART_PDF, &b, err, sizeof err), 0);
    check_pdf(save(&b, "map-ehr-count.pdf"), "運用施設数の地図", "運用施設数");
    fk_buf_free(&b);
}

static void test_small_municipality_list(void **state)
{
    (void)state;
    char err[256];
    fk_chart_munis mu;
    fk_buf b = {0};
    make_munis(&mu, 12);
    assert_int_equal(
        fk_chart_munis_render(&mu, NULL, FK_CHART_PNG, &b, err, sizeof err), 0);
    save(&b, "munis-12.png");
    fk_buf_free(&b);
}

/* A prefecture's own bar is marked and named with its rank; municipality
 * bars carry their denominators and small ones are called out. */
static void test_highlight_and_denominators(void **state)
{
    (void)state;
    char err[256];
    fk_chart_prefs pr;
    make_prefs(&pr, 1);
    pr.highlight = 13;
    fk_buf b = {0};
    assert_int_equal(
        fk_chart_ranking_render(&pr, NULL, FK_CHART_PDF, &b, err, sizeof err),
        0);
    check_pdf(save(&b, "ranking-13.pdf"), "▶ 東京", "▶は東京都（47都道府県中");
    fk_buf_free(&b);
    fk_chart_munis mu;
    make_munis(&mu, 12);
    assert_int_equal(
        fk_chart_munis_render(&mu, NULL, FK_CHART_PDF, &b, err, sizeof err), 0);
    char want[64];
    snprintf(want, sizeof want, "(%.0f/%.0f)", mu.munis[0].c.adopting,
             mu.munis[0].c.total);
    check_pdf(save(&b, "munis-n.pdf"), want, "淡色=対象20未満");
    fk_buf_free(&b);
}

static void test_bad_input(void **state)
{
    (void)state;
    char err[256];
    fk_buf b = {0};
    fk_chart_trend tr = {0};
    tr.meta.program = "eprescription";
    assert_int_equal(
        fk_chart_trend_render(&tr, NULL, FK_CHART_PNG, &b, err, sizeof err),
        -1);
    assert_string_equal(err, "trend: no observations to draw");
    fk_chart_obs two[2] = {{100, 1, 10}, {100, 2, 10}};
    tr.lines[FK_DENTAL] = (fk_chart_line){two, 2, NULL, 0};
    assert_int_equal(
        fk_chart_trend_render(&tr, NULL, FK_CHART_PNG, &b, err, sizeof err),
        -1);
    assert_non_null(
        strstr(err, "Dental clinics, observation 2: dates not ascending"));
    two[1] = (fk_chart_obs){101, 2, 0};
    assert_int_equal(
        fk_chart_trend_render(&tr, NULL, FK_CHART_PNG, &b, err, sizeof err),
        -1);
    assert_non_null(strstr(err, "observation 2: need total > 0"));

    fk_chart_funnel fu;
    make_funnel(&fu);
    fu.rows[FK_CLINIC].applied = 1e6;
    assert_int_equal(
        fk_chart_funnel_render(&fu, NULL, FK_CHART_PNG, &b, err, sizeof err),
        -1);
    assert_non_null(strstr(err, "funnel: Medical clinics"));

    fk_chart_prefs pr;
    make_prefs(&pr, 1);
    pr.prefs[12].adopting = pr.prefs[12].total + 1;
    assert_int_equal(
        fk_chart_map_render(&pr, NULL, FK_CHART_PNG, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "Tokyo"));

    fk_chart_munis mu;
    make_munis(&mu, 5);
    mu.meta.pref = 0;
    assert_int_equal(
        fk_chart_munis_render(&mu, NULL, FK_CHART_PNG, &b, err, sizeof err),
        -1);
    assert_non_null(strstr(err, "prefecture 0 out of range"));

    fk_chart_weekly wk;
    make_weekly(&wk);
    weeks[3].monday += 1;
    assert_int_equal(
        fk_chart_weekly_render(&wk, NULL, FK_CHART_PNG, &b, err, sizeof err),
        -1);
    assert_non_null(strstr(err, "week 4"));
    fk_buf_free(&b);

    assert_int_equal(fk_chart_format_from_path("a/b.PNG"), FK_CHART_PNG);
    assert_int_equal(fk_chart_format_from_path("x.pdf"), FK_CHART_PDF);
    assert_int_equal(fk_chart_format_from_path("x.svg"), FK_CHART_SVG);
    assert_int_equal(fk_chart_format_from_path("x.jpeg"), -1);
    assert_int_equal(fk_chart_format_from_path("dir.png/x"), -1);
}

static void test_csv(void **state)
{
    (void)state;
    char err[256];
    fk_buf b = {0};
    fk_chart_munis mu;
    make_munis(&mu, 4);
    assert_int_equal(fk_chart_munis_csv(&mu, "ja", &b, err, sizeof err), 0);
    const char *s = b.p;
    assert_int_equal(
        strncmp(s, "chart,program,area,as_of,type,municipality_code,", 48), 0);
    /* Quoted field with a comma; CRLF ends; header + 4 + prefecture row. */
    assert_non_null(strstr(s, "\"市,区3\""));
    int lines = 0;
    for (const char *p = s; (p = strstr(p, "\r\n")); p += 2) lines++;
    assert_int_equal(lines, 6);
    assert_null(strstr(s, "\n\n"));
    assert_non_null(strstr(s, "eprescription,北海道,2025-02-09,all,01100,"));

    fk_chart_funnel fu;
    make_funnel(&fu);
    assert_int_equal(fk_chart_funnel_csv(&fu, "ja", &b, err, sizeof err), 0);
    assert_non_null(strstr(
        b.p,
        "全国,2025-02-09,pharmacy,40411,4000,16083,60494,0.668017,0.066122\r\n"));

    fk_chart_prefs pr;
    make_prefs(&pr, 1);
    assert_int_equal(fk_chart_prefs_csv(&pr, "en", &b, err, sizeof err), 0);
    assert_non_null(strstr(b.p, ",all,13,Tokyo,"));
    assert_non_null(strstr(b.p, ",all,00,Japan (national),"));

    fk_chart_trend tr;
    make_trend(&tr, "eprescription", 1, 1);
    assert_int_equal(fk_chart_trend_csv(&tr, "ja", &b, err, sizeof err), 0);
    assert_non_null(strstr(
        b.p,
        "電子処方箋 導入率の推移,eprescription,全国,2025-02-09,pharmacy,2023-01-26,observed,"));
    assert_non_null(strstr(b.p, ",forecast,,,"));

    fk_chart_weekly wk;
    make_weekly(&wk);
    assert_int_equal(fk_chart_weekly_csv(&wk, "ja", &b, err, sizeof err), 0);
    assert_non_null(strstr(b.p, ",2023-W50,2023-12-11,"));
    fk_buf_free(&b);
}

static void test_save_atomic(void **state)
{
    (void)state;
    char err[256], path[700];
    fk_buf b = {0};
    assert_int_equal(fk_buf_printf(&b, "hello"), 0);
    snprintf(path, sizeof path, "%s/no/such/dir/x.png", dir);
    assert_int_equal(fk_file_write(path, b.p, b.len, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    char sub[700];
    snprintf(sub, sizeof sub, "%s/atomic", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(path, sizeof path, "%s/out.svg", sub);
    assert_int_equal(fk_file_write(path, b.p, b.len, err, sizeof err), 0);
    assert_int_equal(fk_file_write(path, b.p, b.len, err, sizeof err),
                     0); /* replaces */
    DIR *d = opendir(sub);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    assert_int_equal(n, 1); /* no temporary left behind */
    size_t len;
    char *got = tu_read_file(path, &len);
    assert_string_equal(got, "hello");
    free(got);
    fk_buf_free(&b);
}

static void test_helpers(void **state)
{
    (void)state;
    char buf[64];
    double step;
    int n;
    fk_ticks(67, 6, &step, &n);
    assert_true(step == 20 && n == 5); /* 0 20 40 60 80 */
    fk_ticks(0.83, 5, &step, &n);
    assert_true(fabs(step - 0.2) < 1e-12 && n == 6);
    fk_ticks(12345, 6, &step, &n);
    assert_true(step == 5000 && n == 4);
    fk_fmt_count(40411, buf, sizeof buf);
    assert_string_equal(buf, "40,411");
    fk_fmt_count(1234567, buf, sizeof buf);
    assert_string_equal(buf, "1,234,567");
    fk_fmt_pct(0.243, buf, sizeof buf);
    assert_string_equal(buf, "24.3%");
    fk_fmt_permille(0.00083, buf, sizeof buf);
    assert_string_equal(buf, "0.83‰");
    fk_pref_label(13, 0, 1, buf, sizeof buf);
    assert_string_equal(buf, "東京");
    fk_pref_label(1, 0, 1, buf, sizeof buf);
    assert_string_equal(buf, "北海道");
    fk_asof_label(fk_day_from_ymd(2025, 2, 9), 0, buf, sizeof buf);
    assert_string_equal(buf, "2025年2月9日時点（令和7年2月9日）");
    /* Tile map: 47 distinct cells inside the 14 x 8 grid. */
    int seen[8][14] = {{0}};
    for (int i = 0; i < FK_NPREF; i++) {
        assert_true(fk_map_tiles[i][0] < 14 && fk_map_tiles[i][1] < 8);
        assert_int_equal(seen[fk_map_tiles[i][1]][fk_map_tiles[i][0]]++, 0);
    }
    assert_true(fk_map_tiles[0][0] == 13 &&
                fk_map_tiles[0][1] == 0); /* Hokkaido top right */
    assert_true(fk_map_tiles[46][0] == 0 &&
                fk_map_tiles[46][1] == 7); /* Okinawa bottom left */
    /* Type colours differ in greyscale lightness. */
    for (int i = 0; i < FK_NTYPE; i++)
        for (int j = i + 1; j <= FK_NTYPE; j++) {
            fk_rgb a = fk_type_rgb[i], c = fk_type_rgb[j];
            double la = 0.2126 * a.r + 0.7152 * a.g + 0.0722 * a.b;
            double lc = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
            assert_true(fabs(la - lc) > 0.04);
        }
}

/* The command: usage errors, then every kind from a store filled by the
 * bundled feed simulator. */
static void test_cli(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL, cmd[1500], fk[1200];
    /* The same suppressions for the `fukyu chart` runs (see above). */
    snprintf(cmd, sizeof cmd, "%s/lsan.supp", dir);
    tu_write_file(cmd, "leak:libcairo.so.2\nleak:libfontconfig.so.1\n");
    snprintf(fk, sizeof fk,
             "LSAN_OPTIONS=suppressions=%s:print_suppressions=0 %s", cmd,
             tu_bin("fukyu"));
    assert_int_equal(tu_run(&out, &err,
                            "%s chart pie --program eprescription --out x.png",
                            fk),
                     2);
    assert_non_null(strstr(err, "unknown chart kind 'pie'"));
    free(out), free(err);
    assert_int_equal(tu_run(&out, &err,
                            "%s chart map --program eprescription --out x.gif",
                            fk),
                     2);
    assert_non_null(strstr(err, "must end in .png, .pdf or .svg"));
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err,
               "%s chart municipalities --program eprescription --out x.png",
               fk),
        2);
    assert_non_null(strstr(err, "needs --prefecture"));
    free(out), free(err);
    assert_int_equal(
        tu_run(&out, &err, "%s chart map --program nope --out x.png", fk), 2);
    free(out), free(err);

    char url[128];
    pid_t sim = tu_feedsim_start(url, sizeof url,
                                 "--date 2025-02-09 --scale 0.05 --quiet");
    snprintf(cmd, sizeof cmd,
             "%s collect --once --feed %s --db %s/s.db --config /dev/null", fk,
             url, dir);
    int rc = tu_run(&out, &err, "%s", cmd);
    tu_feedsim_stop(sim);
    if (rc != 0) fail_msg("collect failed: %s", err);
    free(out), free(err);
    static const char *k[6] = {"trend", "funnel", "ranking",
                               "map",   "weekly", "municipalities"};
    for (int i = 0; i < 6; i++) {
        rc = tu_run(
            &out, &err,
            "%s chart %s --program eprescription --prefecture 13 --db %s/s.db --config /dev/null "
            "--out %s/cli-%s.pdf --csv %s/cli-%s.csv --width 900 --height 600",
            fk, k[i], dir, dir, k[i], dir, k[i]);
        if (rc != 0) fail_msg("chart %s: %s", k[i], err);
        free(out), free(err);
        snprintf(cmd, sizeof cmd, "%s/cli-%s.pdf", dir, k[i]);
        check_pdf(cmd, "電子処方箋", "2025年2月9日時点");
        snprintf(cmd, sizeof cmd, "%s/cli-%s.csv", dir, k[i]);
        char *csv = tu_read_file(cmd, NULL);
        assert_non_null(csv);
        assert_non_null(strstr(csv, ",eprescription,"));
        assert_non_null(strstr(csv, "2025-02-09"));
        free(csv);
    }
    rc = tu_run(
        &out, &err,
        "%s chart map --program ehr_sharing --lang en --scale 2 --db %s/s.db "
        "--config /dev/null --out %s/cli-map.png",
        fk, dir, dir);
    assert_int_equal(rc, 0);
    free(out), free(err);
    snprintf(cmd, sizeof cmd, "%s/cli-map.png", dir);
    size_t len;
    char *png = tu_read_file(cmd, &len);
    fk_buf b = {.p = png, .len = len, .cap = len};
    check_png(&b, 2400, 1400);
    free(png);
    rc = tu_run(
        &out, &err,
        "%s chart map --program eprescription --date 2024-01-01 --db %s/none.db "
        "--config /dev/null --out %s/x.png",
        fk, dir, dir);
    assert_int_equal(rc, 1);
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_every_format),
        cmocka_unit_test(test_png_size_and_scale),
        cmocka_unit_test(test_png_decodes),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_other_thread),
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_near_zero),
        cmocka_unit_test(test_small_municipality_list),
        cmocka_unit_test(test_highlight_and_denominators),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_save_atomic),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* style.c - palette, dash patterns and markers, the sequential colour
 * scale, axis ticks, number formatting and the localised labels shared by
 * all charts.  Numbers are formatted here by hand so that no locale can
 * change a decimal point or digit grouping. */
#include "charts/canvas.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Hues from the Okabe-Ito and Tol colour-blind-safe sets, picked so that
 * their CIE L* differ by 12 or more (32, 46, 58, 71; all = black): the four
 * types stay apart printed in grey.  Dashes and markers add a second cue. */
const fk_rgb fk_type_rgb[FK_NTYPE + 1] = {
    {0x88 / 255.0, 0x22 / 255.0, 0x55 / 255.0}, /* hospital: wine */
    {0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0}, /* clinic: blue */
    {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0}, /* dental: bluish green */
    {0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0}, /* pharmacy: orange */
    {0.0, 0.0, 0.0},                            /* all types: black */
};

fk_rgb fk_rgb_hex(unsigned hex)
{
    return (fk_rgb){((hex >> 16) & 255) / 255.0, ((hex >> 8) & 255) / 255.0,
                    (hex & 255) / 255.0};
}

void fk_set_rgb(cairo_t *cr, fk_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void fk_set_rgba(cairo_t *cr, fk_rgb c, double a)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, a);
}

void fk_type_dash(fk_canvas *cv, int type)
{
    static const double dashes[FK_NTYPE][4] = {
        {8, 3, 2, 3},   /* hospital: dash-dot */
        {7, 3, 0, 0},   /* clinic: dashed */
        {2, 2.5, 0, 0}, /* dental: dotted */
        {0, 0, 0, 0},   /* pharmacy: solid */
    };
    static const int ndash[FK_NTYPE] = {4, 2, 2, 0};
    double d[4];
    if (type < 0 || type >= FK_NTYPE) {
        cairo_set_dash(cv->cr, NULL, 0, 0);
        return;
    }
    for (int i = 0; i < ndash[type]; i++) d[i] = dashes[type][i] * cv->s;
    cairo_set_dash(cv->cr, d, ndash[type], 0);
}

void fk_marker(fk_canvas *cv, int type, double x, double y, double r)
{
    cairo_t *cr = cv->cr;
    cairo_save(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    switch (type) {
    case FK_HOSPITAL: cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
    case FK_CLINIC:
        cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
        break;
    case FK_DENTAL:
        cairo_move_to(cr, x, y - r * 1.1);
        cairo_line_to(cr, x + r, y + r * 0.7);
        cairo_line_to(cr, x - r, y + r * 0.7);
        cairo_close_path(cr);
        break;
    case FK_PHARMACY:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r, y);
        cairo_line_to(cr, x, y + r * 1.2);
        cairo_line_to(cr, x - r, y);
        cairo_close_path(cr);
        break;
    default: cairo_restore(cr); return;
    }
    fk_set_rgb(cr, fk_type_rgb[type]);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.8 * cv->s);
    cairo_stroke(cr);
    cairo_restore(cr);
}

fk_rgb fk_seq_color(double t)
{
    /* matplotlib viridis at 9 stops, walked backwards: light = low. */
    static const unsigned stops[9] = {0xfde725, 0xaadc32, 0x5cc863,
                                      0x27ad81, 0x21908d, 0x2c718e,
                                      0x3b518b, 0x472c7a, 0x440154};
    if (!(t > 0)) t = 0;
    if (t > 1) t = 1;
    double p = t * 8;
    int i = (int)p;
    if (i >= 8) return fk_rgb_hex(stops[8]);
    double f = p - i;
    fk_rgb a = fk_rgb_hex(stops[i]), b = fk_rgb_hex(stops[i + 1]);
    return (fk_rgb){a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f,
                    a.b + (b.b - a.b) * f};
}

fk_rgb fk_ink_on(fk_rgb c)
{
    double y = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
    return y > 0.45 ? FK_INK : fk_rgb_hex(0xFFFFFF);
}

void fk_ticks(double hi, int target, double *step, int *n)
{
    if (!(hi > 0)) hi = 1;
    if (target < 2) target = 2;
    double raw = hi / target, mag = pow(10, floor(log10(raw))),
           norm = raw / mag;
    double st = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    *step = st;
    *n = (int)ceil(hi / st - 1e-9) + 1;
}

void fk_month_ticks(fk_day lo, fk_day hi, int max_ticks, int *months)
{
    static const int steps[] = {1, 2, 3, 6, 12, 24, 60};
    double span = (hi - lo) / 30.44;
    *months = 60;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (span / steps[i] + 1 <= max_ticks) {
            *months = steps[i];
            return;
        }
}

void fk_month_label(int y, int m, int with_year, int en, char *out, size_t n)
{
    static const char *mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (en)
        snprintf(out, n, with_year ? "%s %d" : "%s", mon[m - 1], y);
    else if (with_year)
        snprintf(out, n, "%d年%d月", y, m);
    else
        snprintf(out, n, "%d月", m);
}

static void group3(long long v, char *out, size_t n)
{
    char digits[32];
    int neg = v < 0;
    snprintf(digits, sizeof digits, "%lld", neg ? -v : v);
    size_t len = strlen(digits), o = 0;
    if (neg && o + 1 < n) out[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

void fk_fmt_count(double v, char *out, size_t n)
{
    group3(llround(v), out, n);
}

void fk_fmt_pct(double rate, char *out, size_t n)
{
    snprintf(out, n, "%.1f%%", rate * 100);
}

void fk_fmt_permille(double rate, char *out, size_t n)
{
    double pm = rate * 1000;
    snprintf(out, n, pm < 10 ? "%.2f‰" : "%.1f‰", pm);
}

void fk_fmt_tick(double v, double step, char *out, size_t n)
{
    if (step >= 1) {
        group3(llround(v), out, n);
        return;
    }
    int dec = (int)ceil(-log10(step) - 1e-9);
    snprintf(out, n, "%.*f", dec, v);
}

const char *fk_program_label(const char *key, int en)
{
    const fk_program_info *p = key ? fk_program_by_key(key) : NULL;
    if (!p) return key ? key : "";
    return en ? p->label_en : p->label_ja;
}

const char *fk_type_label(int type, int en)
{
    if (type < 0 || type >= FK_NTYPE) return en ? "All facilities" : "全施設";
    return en ? fk_types[type].label_en : fk_types[type].label_ja;
}

const char *fk_pref_label(int pref, int en, int shortname, char *out, size_t n)
{
    const fk_pref *p = fk_pref_by_code(pref);
    if (!p) {
        snprintf(out, n, "%s", en ? "Japan (national)" : "全国");
        return out;
    }
    if (en) {
        snprintf(out, n, "%s", p->name_en);
        return out;
    }
    snprintf(out, n, "%s", p->name_ja);
    size_t len = strlen(out);
    /* 東京都 -> 東京, 大阪府 -> 大阪, 青森県 -> 青森; 北海道 stays whole. */
    if (shortname && pref != 1 && len > 3) {
        const char *tail = out + len - 3;
        if (!strcmp(tail, "県") || !strcmp(tail, "府") || !strcmp(tail, "都"))
            out[len - 3] = '\0';
    }
    return out;
}

void fk_asof_label(fk_day d, int en, char *out, size_t n)
{
    static const char *mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, m, dd;
    fk_day_to_ymd(d, &y, &m, &dd);
    if (en) {
        snprintf(out, n, "as of %d %s %d", dd, mon[m - 1], y);
        return;
    }
    char wa[64];
    fk_date_wareki(d, wa, sizeof wa);
    snprintf(out, n, "%d年%d月%d日時点（%s）", y, m, dd, wa);
}

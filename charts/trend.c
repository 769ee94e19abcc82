/* trend.c - the adoption trend chart: observed rates per facility type
 * (and all types), optional forecast bands (80% and 95%), a target line and
 * the fiscal-year-end marker, latest values labelled at the line ends.
 * When every rate is below 1% (a program that has barely started) the y
 * axis switches to facility counts, since a flat 0% line says nothing. */
#include "charts/canvas.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    double x0, x1, y0, y1, ymax;
    fk_day lo, hi;
} plot;

static double px(const plot *p, double d)
{
    return p->x0 + (d - p->lo) / (double)(p->hi - p->lo) * (p->x1 - p->x0);
}

static double py(const plot *p, double v)
{
    return p->y1 - v / p->ymax * (p->y1 - p->y0);
}

static int check(const fk_chart_trend *c, char *err, size_t errlen)
{
    int any = 0;
    for (int t = 0; t <= FK_NTYPE; t++) {
        const fk_chart_line *l = &c->lines[t];
        for (size_t i = 0; i < l->nobs; i++) {
            if (!(l->obs[i].total > 0) || l->obs[i].adopting < 0) {
                snprintf(
                    err, errlen,
                    "trend: %s, observation %zu: need total > 0 and adopting >= 0",
                    fk_type_label(t, 1), i + 1);
                return -1;
            }
            if (i && l->obs[i].date <= l->obs[i - 1].date) {
                snprintf(err, errlen,
                         "trend: %s, observation %zu: dates not ascending",
                         fk_type_label(t, 1), i + 1);
                return -1;
            }
        }
        for (size_t i = 0; i < l->nfc; i++)
            if (i && l->fc[i].date <= l->fc[i - 1].date) {
                snprintf(err, errlen,
                         "trend: %s, forecast point %zu: dates not ascending",
                         fk_type_label(t, 1), i + 1);
                return -1;
            }
        any |= l->nobs > 0;
    }
    if (!any) {
        snprintf(err, errlen, "trend: no observations to draw");
        return -1;
    }
    return 0;
}

/* Whether the chart shows counts: asked for, or every rate under 1%. */
static int use_counts(const fk_chart_trend *c)
{
    if (c->coverage) return 0;
    if (c->mode != FK_CHART_AUTO) return c->mode == FK_CHART_COUNT;
    for (int t = 0; t <= FK_NTYPE; t++)
        for (size_t i = 0; i < c->lines[t].nobs; i++)
            if (fk_chart_share(c->lines[t].obs[i].adopting,
                               c->lines[t].obs[i].total) >= 0.01)
                return 0;
    return 1;
}

/* Spreads labels (sorted by wanted y) so none overlap, within [top, bottom]. */
static void spread(double *y, int n, double h, double top, double bottom)
{
    for (int i = 1; i < n; i++)
        if (y[i] < y[i - 1] + h) y[i] = y[i - 1] + h;
    if (n && y[n - 1] > bottom) y[n - 1] = bottom;
    for (int i = n - 2; i >= 0; i--)
        if (y[i] > y[i + 1] - h) y[i] = y[i + 1] - h;
    if (n && y[0] < top) {
        y[0] = top;
        for (int i = 1; i < n; i++)
            if (y[i] < y[i - 1] + h) y[i] = y[i - 1] + h;
    }
}

typedef struct {
    int type;
    double want, y, ax, ay; /* wanted y, placed y, anchor point */
    char text[128];
} end_label;

static void draw_lines(fk_canvas *cv, const fk_chart_trend *c, const plot *p,
                       int counts)
{
    cairo_t *cr = cv->cr;
    /* Bands first, under every line. */
    for (int t = 0; t <= FK_NTYPE; t++) {
        const fk_chart_line *l = &c->lines[t];
        if (!l->nobs || !l->nfc) continue;
        const fk_chart_obs *last = &l->obs[l->nobs - 1];
        double k = counts ? last->total : 100.0,
               r0 = fk_chart_share(last->adopting, last->total);
        for (int band = 0; band < 2; band++) {
            cairo_move_to(cr, px(p, last->date), py(p, r0 * k));
            for (size_t i = 0; i < l->nfc; i++)
                cairo_line_to(
                    cr, px(p, l->fc[i].date),
                    py(p, (band ? l->fc[i].hi80 : l->fc[i].hi95) * k));
            for (size_t i = l->nfc; i-- > 0;)
                cairo_line_to(
                    cr, px(p, l->fc[i].date),
                    py(p, (band ? l->fc[i].lo80 : l->fc[i].lo95) * k));
            cairo_close_path(cr);
            fk_set_rgba(cr, fk_type_rgb[t], band ? 0.22 : 0.11);
            cairo_fill(cr);
        }
    }
    for (int pass = 0; pass < 2; pass++) /* all types last, on top */
        for (int t = 0; t <= FK_NTYPE; t++) {
            const fk_chart_line *l = &c->lines[t];
            if (!l->nobs || (pass == 0) == (t == FK_NTYPE)) continue;
            double k = counts ? 0 : 100.0;
            for (size_t i = 0; i < l->nobs; i++) {
                double v = counts ? l->obs[i].adopting
                                  : fk_chart_share(l->obs[i].adopting,
                                                   l->obs[i].total) *
                                        k;
                double x = px(p, l->obs[i].date), y = py(p, v);
                if (i == 0)
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
            }
            if (l->nobs == 1) cairo_rel_line_to(cr, 0.01, 0);
            fk_set_rgb(cr, fk_type_rgb[t]);
            cairo_set_line_width(cr, (t == FK_NTYPE ? 3.0 : 2.2) * cv->s);
            fk_type_dash(cv, t);
            cairo_stroke(cr);
            if (l->nfc) {
                const fk_chart_obs *last = &l->obs[l->nobs - 1];
                double kk = counts ? last->total : 100.0;
                cairo_move_to(
                    cr, px(p, last->date),
                    py(p, fk_chart_share(last->adopting, last->total) * kk));
                for (size_t i = 0; i < l->nfc; i++)
                    cairo_line_to(cr, px(p, l->fc[i].date),
                                  py(p, l->fc[i].rate * kk));
                double d[2] = {1.5 * cv->s, 3 * cv->s};
                cairo_set_dash(cr, d, 2, 0);
                cairo_set_line_width(cr, 1.6 * cv->s);
                cairo_stroke(cr);
            }
            /* Markers every few points tell the types apart in grey. */
            size_t every = l->nobs > 6 ? l->nobs / 6 : 1;
            for (size_t i = every / 2; i < l->nobs; i += every) {
                double v = counts ? l->obs[i].adopting
                                  : fk_chart_share(l->obs[i].adopting,
                                                   l->obs[i].total) *
                                        100;
                fk_marker(cv, t, px(p, l->obs[i].date), py(p, v), 4 * cv->s);
            }
            cairo_set_dash(cr, NULL, 0, 0);
        }
}

static void draw_end_labels(fk_canvas *cv, const fk_chart_trend *c,
                            const plot *p, int counts, double fs)
{
    end_label lab[FK_NTYPE + 1];
    int n = 0;
    for (int t = FK_NTYPE; t >= 0; t--) {
        const fk_chart_line *l = &c->lines[t];
        if (!l->nobs) continue;
        const fk_chart_obs *last = &l->obs[l->nobs - 1];
        end_label *e = &lab[n++];
        char v[32], f[32] = "";
        double r = fk_chart_share(last->adopting, last->total),
               k = counts ? last->total : 100.0;
        if (counts)
            fk_fmt_count(last->adopting, v, sizeof v);
        else
            fk_fmt_pct(r, v, sizeof v);
        e->type = t;
        e->ax = px(p, last->date);
        e->ay = py(p, counts ? last->adopting : r * 100);
        if (l->nfc) {
            const fk_fc_point *z = &l->fc[l->nfc - 1];
            e->ax = px(p, z->date);
            e->ay = py(p, z->rate * k);
            if (counts)
                fk_fmt_count(z->rate * k, f, sizeof f);
            else
                fk_fmt_pct(z->rate, f, sizeof f);
        }
        snprintf(e->text, sizeof e->text, "%s %s%s%s", fk_type_label(t, cv->en),
                 v, *f ? " → " : "", f);
        e->want = e->ay;
    }
    /* Sort by wanted y (insertion sort: at most five). */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && lab[j].want < lab[j - 1].want; j--) {
            end_label tmp = lab[j];
            lab[j] = lab[j - 1];
            lab[j - 1] = tmp;
        }
    double h;
    fk_text_size(cv, "薬局 0%", fs, 0, NULL, &h);
    double ys[FK_NTYPE + 1];
    for (int i = 0; i < n; i++) ys[i] = lab[i].want;
    spread(ys, n, h * 1.05, p->y0 + h / 2, p->y1 - h / 2);
    double kx = p->x1 + 10 * cv->s, key = 26 * cv->s;
    for (int i = 0; i < n; i++) {
        end_label *e = &lab[i];
        cairo_t *cr = cv->cr;
        fk_set_rgba(cr, fk_type_rgb[e->type], 0.6);
        cairo_set_line_width(cr, 0.8 * cv->s);
        cairo_move_to(cr, e->ax + 3 * cv->s, e->ay);
        cairo_line_to(cr, kx, ys[i]);
        cairo_stroke(cr);
        /* A key: the line's dash and marker, so the label doubles as legend. */
        fk_set_rgb(cr, fk_type_rgb[e->type]);
        cairo_set_line_width(cr, (e->type == FK_NTYPE ? 3.0 : 2.2) * cv->s);
        fk_type_dash(cv, e->type);
        cairo_move_to(cr, kx, ys[i]);
        cairo_line_to(cr, kx + key, ys[i]);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        fk_marker(cv, e->type, kx + key / 2, ys[i], 4 * cv->s);
        fk_text(cv, e->text, fs, e->type == FK_NTYPE, kx + key + 6 * cv->s,
                ys[i], FK_LEFT, FK_MIDDLE, FK_INK,
                cv->w - (kx + key + 6 * cv->s) - 4 * cv->s);
    }
}

static void draw_axes(fk_canvas *cv, const plot *p, double step, int nt,
                      double fs)
{
    cairo_t *cr = cv->cr;
    char buf[64];
    for (int i = 0; i < nt; i++) {
        double y = py(p, i * step);
        fk_set_rgb(cr, i ? FK_GRID : FK_GREY);
        cairo_set_line_width(cr, (i ? 0.8 : 1.2) * cv->s);
        cairo_move_to(cr, p->x0, y);
        cairo_line_to(cr, p->x1, y);
        cairo_stroke(cr);
        fk_fmt_tick(i * step, step, buf, sizeof buf);
        fk_text(cv, buf, fs, 0, p->x0 - 6 * cv->s, y, FK_RIGHT, FK_MIDDLE,
                FK_GREY, 0);
    }
    double lw;
    fk_text_size(cv, cv->en ? "Oct 2024" : "2024年10月", fs, 0, &lw, NULL);
    int months;
    fk_month_ticks(p->lo, p->hi, (int)((p->x1 - p->x0) / (lw + 14 * cv->s)),
                   &months);
    int y, m, d, first = 1;
    fk_day_to_ymd(p->lo, &y, &m, &d);
    int idx = y * 12 + (m - 1) + (d > 1);
    idx = (idx + months - 1) / months * months;
    for (;; idx += months) {
        fk_day day = fk_day_from_ymd(idx / 12, idx % 12 + 1, 1);
        if (day > p->hi) break;
        double x = px(p, day);
        fk_set_rgb(cr, FK_GREY);
        cairo_set_line_width(cr, 1 * cv->s);
        cairo_move_to(cr, x, p->y1);
        cairo_line_to(cr, x, p->y1 + 4 * cv->s);
        cairo_stroke(cr);
        fk_month_label(idx / 12, idx % 12 + 1,
                       first || idx % 12 == 0 || months >= 12, cv->en, buf,
                       sizeof buf);
        fk_text(cv, buf, fs, 0, x, p->y1 + 6 * cv->s, FK_CENTER, FK_TOP,
                FK_GREY, 0);
        first = 0;
    }
}

static void draw_markers(fk_canvas *cv, const fk_chart_trend *c, const plot *p,
                         int counts, double fs)
{
    cairo_t *cr = cv->cr;
    char buf[96], v[32];
    if (c->fy_end >= p->lo && c->fy_end <= p->hi) {
        double x = px(p, c->fy_end), d[2] = {4 * cv->s, 3 * cv->s}, w;
        fk_set_rgb(cr, FK_GREY);
        cairo_set_line_width(cr, 1 * cv->s);
        cairo_set_dash(cr, d, 2, 0);
        cairo_move_to(cr, x, p->y0);
        cairo_line_to(cr, x, p->y1);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        int y, m, dd;
        fk_day_to_ymd(c->fy_end, &y, &m, &dd);
        snprintf(buf, sizeof buf,
                 cv->en ? "FY end %d-%02d-%02d" : "年度末 %d/%d/%d", y, m, dd);
        fk_text_size(cv, buf, fs, 0, &w, NULL);
        int right = x + 4 * cv->s + w <= p->x1;
        fk_text(cv, buf, fs, 0, right ? x + 4 * cv->s : x - 4 * cv->s, p->y0,
                right ? FK_LEFT : FK_RIGHT, FK_TOP, FK_GREY, 0);
    }
    if (c->target > 0 && !counts && c->target * 100 <= p->ymax) {
        double y = py(p, c->target * 100), d[2] = {1 * cv->s, 2.5 * cv->s};
        fk_set_rgb(cr, fk_rgb_hex(0xB00000));
        cairo_set_line_width(cr, 1.4 * cv->s);
        cairo_set_dash(cr, d, 2, 0);
        cairo_move_to(cr, p->x0, y);
        cairo_line_to(cr, p->x1, y);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        fk_fmt_pct(c->target, v, sizeof v);
        snprintf(buf, sizeof buf, "%s %s", FK_L(cv, "目標", "target"), v);
        fk_text(cv, buf, fs, 0, p->x0 + 6 * cv->s, y - 2 * cv->s, FK_LEFT,
                FK_BOTTOM, fk_rgb_hex(0xB00000), 0);
    }
}

void fk_title_trend(const fk_chart_trend *c, int en, char *out, size_t n)
{
    const char *prog = fk_program_label(c->meta.program, en);
    if (c->coverage)
        snprintf(out, n,
                 en ? "%s: population coverage" : "%s 人口カバー率の推移",
                 prog);
    else if (use_counts(c))
        snprintf(out, n,
                 en ? "%s: facilities operating" : "%s 運用施設数の推移", prog);
    else
        snprintf(out, n, en ? "%s: adoption rate" : "%s 導入率の推移", prog);
}

int fk_chart_trend_draw_on(const fk_chart_trend *c, const fk_chart_opts *o,
                           const fk_chart_target *tg, char *err, size_t errlen)
{
    if (check(c, err, errlen) < 0) return -1;
    int counts = use_counts(c);
    plot p = {.lo = INT32_MAX, .hi = INT32_MIN};
    double vmax = 0;
    int has_fc = 0;
    for (int t = 0; t <= FK_NTYPE; t++) {
        const fk_chart_line *l = &c->lines[t];
        if (!l->nobs) continue;
        if (l->obs[0].date < p.lo) p.lo = l->obs[0].date;
        if (l->obs[l->nobs - 1].date > p.hi) p.hi = l->obs[l->nobs - 1].date;
        for (size_t i = 0; i < l->nobs; i++)
            vmax = fmax(vmax, counts ? l->obs[i].adopting
                                     : fk_chart_share(l->obs[i].adopting,
                                                      l->obs[i].total) *
                                           100);
        double k = counts ? l->obs[l->nobs - 1].total : 100;
        for (size_t i = 0; i < l->nfc; i++) {
            vmax = fmax(vmax, fmax(l->fc[i].hi95, l->fc[i].rate) * k);
            if (l->fc[i].date > p.hi) p.hi = l->fc[i].date;
            has_fc = 1;
        }
    }
    if (c->fy_end > p.hi && c->fy_end - p.lo < 3 * 366) p.hi = c->fy_end + 7;
    if (p.hi <= p.lo) p.hi = p.lo + 1;
    /* The target line joins the axis only when the lines come within reach
     * of it (a quarter of the way): an early rollout at a few percent
     * would otherwise be a flat line at the bottom of a 0-100 axis. */
    if (!counts && c->target > 0 && vmax >= c->target * 100 * 0.25)
        vmax = fmax(vmax, c->target * 100 * 1.05); /* room for its label */
    if (!counts) vmax = fmin(vmax, 100);
    if (counts && vmax < 5) vmax = 5;
    double step;
    int nt;
    fk_ticks(vmax, 6, &step, &nt);
    p.ymax = step * (nt - 1);

    fk_canvas cv;
    if (fk_canvas_open(&cv, o, tg, c->meta.as_of, err, errlen) < 0) return -1;
    char title[256], note[320] = "";
    fk_title_trend(c, cv.en, title, sizeof title);
    snprintf(note, sizeof note, "%s%s%s%s",
             c->weekly ? FK_L(&cv, "週次", "weekly")
                       : FK_L(&cv, "日次", "daily"),
             c->coverage ? FK_L(&cv,
                                "・導入施設が1つ以上ある市区町村の人口の割合"
                                "（2020年国勢調査）",
                                "; share of the population living in "
                                "municipalities with an adopting facility "
                                "(2020 census)")
                         : "",
             counts && c->mode == FK_CHART_AUTO
                 ? FK_L(&cv, "・導入率が1%未満のため施設数で表示",
                        "; rates below 1%, counts shown")
                 : "",
             has_fc ? FK_L(&cv, "・点線は予測（帯は80%・95%区間）",
                           "; dotted: forecast (bands: 80% and 95% intervals)")
                    : "");
    fk_rect b =
        fk_frame(&cv, &c->meta, title,
                 counts ? FK_L(&cv, "施設数", "facilities") : "%", note);

    double fs = 12.5 * cv.s, tw, th, lw = 0, w;
    char buf[64];
    for (int i = 0; i < nt; i++) {
        fk_fmt_tick(i * step, step, buf, sizeof buf);
        fk_text_size(&cv, buf, fs, 0, &w, &th);
        lw = fmax(lw, w);
    }
    /* Right margin: the widest end label, but never more than a third. */
    double rw = 0;
    for (int t = 0; t <= FK_NTYPE; t++) {
        if (!c->lines[t].nobs) continue;
        snprintf(buf, sizeof buf, "%s 100.0%s", fk_type_label(t, cv.en),
                 c->lines[t].nfc ? " → 100.0%" : "");
        fk_text_size(&cv, buf, fs, 1, &tw, NULL);
        rw = fmax(rw, tw);
    }
    rw = fmin(rw + 50 * cv.s, (b.x1 - b.x0) / 3);
    p.x0 = b.x0 + lw + 10 * cv.s;
    p.x1 = b.x1 - rw;
    p.y0 = b.y0 + th / 2;
    p.y1 = b.y1 - th - 8 * cv.s;
    draw_axes(&cv, &p, step, nt, fs);
    cairo_save(cv.cr);
    cairo_rectangle(cv.cr, p.x0, p.y0 - 2, p.x1 - p.x0 + 2, p.y1 - p.y0 + 4);
    cairo_clip(cv.cr);
    draw_lines(&cv, c, &p, counts);
    cairo_restore(cv.cr);
    draw_markers(&cv, c, &p, counts, fs * 0.95);
    draw_end_labels(&cv, c, &p, counts, fs);
    return fk_canvas_close(&cv, err, errlen);
}

int fk_chart_trend_render(const fk_chart_trend *c, const fk_chart_opts *o,
                          fk_chart_format fmt, fk_buf *out, char *err,
                          size_t errlen)
{
    fk_chart_target tg = {fmt, out, NULL};
    return fk_chart_trend_draw_on(c, o, &tg, err, errlen);
}

/* munis.c - coverage of every municipality of one prefecture, sorted, the
 * prefecture's own value marked.  Up to ~180 rows (Hokkaido): the bar list
 * flows into columns and shrinks its font to stay legible. */
#include "charts/canvas.h"

#include <stdio.h>
#include <stdlib.h>

fk_vkind fk_munis_vkind(const fk_chart_munis *c)
{
    if (c->mode != FK_CHART_AUTO)
        return c->mode == FK_CHART_COUNT ? FK_V_COUNT : FK_V_PCT;
    for (size_t i = 0; i < c->nmunis; i++)
        if (fk_vkind_for(&c->munis[i].c, 1, FK_CHART_AUTO) == FK_V_PCT)
            return FK_V_PCT;
    return FK_V_PERMILLE;
}

void fk_title_munis(const fk_chart_munis *c, fk_vkind k, int en, char *out,
                    size_t n)
{
    snprintf(out, n,
             k == FK_V_COUNT
                 ? (en ? "%s: facilities operating by municipality (%s)"
                       : "%s 市区町村別の運用施設数（%s）")
                 : (en ? "%s: adoption by municipality (%s)"
                       : "%s 市区町村別の導入率（%s）"),
             fk_program_label(c->meta.program, en), fk_type_label(c->type, en));
}

int fk_chart_munis_draw_on(const fk_chart_munis *c, const fk_chart_opts *o,
                           const fk_chart_target *tg, char *err, size_t errlen)
{
    if (!fk_pref_by_code(c->meta.pref)) {
        snprintf(err, errlen,
                 "municipalities: prefecture %d out of range (1..47)",
                 c->meta.pref);
        return -1;
    }
    if (!c->nmunis) {
        snprintf(err, errlen, "municipalities: no municipalities to draw");
        return -1;
    }
    if (c->type < -1 || c->type >= FK_NTYPE) {
        snprintf(err, errlen, "municipalities: facility type %d out of range",
                 c->type);
        return -1;
    }
    fk_bar_item *items = malloc(c->nmunis * sizeof *items);
    if (!items) {
        snprintf(err, errlen, "municipalities: out of memory");
        return -1;
    }
    for (size_t i = 0; i < c->nmunis; i++) {
        const fk_chart_muni *m = &c->munis[i];
        items[i] = (fk_bar_item){m->name && *m->name ? m->name : m->code, &m->c,
                                 0, m->c.total < FK_CHART_SMALL_MUNI, 1};
        if (fk_counts_check("municipalities", c->munis[i].code, &c->munis[i].c,
                            err, errlen) < 0) {
            free(items);
            return -1;
        }
    }
    fk_vkind k = fk_munis_vkind(c);
    fk_canvas cv;
    if (fk_canvas_open(&cv, o, tg, c->meta.as_of, err, errlen) < 0) {
        free(items);
        return -1;
    }
    char title[256], note[256];
    fk_title_munis(c, k, cv.en, title, sizeof title);
    snprintf(note, sizeof note,
             FK_L(&cv,
                  "%zu市区町村・破線=都道府県値・( )=運用中/対象・淡色=対象%d"
                  "未満",
                  "%zu municipalities; dashed: prefecture; (operating/all); "
                  "pale: under %d"),
             c->nmunis, FK_CHART_SMALL_MUNI);
    fk_rect b = fk_frame(&cv, &c->meta, title, fk_vunit(k, cv.en), note);
    char pname[48];
    fk_pref_label(c->meta.pref, cv.en, 0, pname, sizeof pname);
    fk_bars(&cv, b, items, c->nmunis, k,
            k == FK_V_COUNT ? NULL : &c->pref_total, pname,
            fk_type_rgb[c->type < 0 ? FK_CLINIC : c->type]);
    free(items);
    return fk_canvas_close(&cv, err, errlen);
}

int fk_chart_munis_render(const fk_chart_munis *c, const fk_chart_opts *o,
                          fk_chart_format fmt, fk_buf *out, char *err,
                          size_t errlen)
{
    fk_chart_target tg = {fmt, out, NULL};
    return fk_chart_munis_draw_on(c, o, &tg, err, errlen);
}

/* ranking.c - the 47 prefectures sorted by adoption, national value
 * marked; per-mille when every rate is below 1%. */
#include "charts/canvas.h"

#include <stdio.h>
#include <string.h>

int fk_chart_prefs_check(const fk_chart_prefs *c, char *err, size_t errlen)
{
    char name[64];
    if (c->type < -1 || c->type >= FK_NTYPE) {
        snprintf(err, errlen, "prefecture chart: facility type %d out of range",
                 c->type);
        return -1;
    }
    for (int i = 0; i < FK_NPREF; i++)
        if (fk_counts_check("prefecture chart",
                            fk_pref_label(i + 1, 1, 0, name, sizeof name),
                            &c->prefs[i], err, errlen) < 0)
            return -1;
    return fk_counts_check("prefecture chart", "national", &c->national, err,
                           errlen);
}

void fk_title_prefs(const fk_chart_prefs *c, int map, int en, char *out,
                    size_t n)
{
    fk_vkind k = fk_vkind_for(c->prefs, FK_NPREF, c->mode);
    int counts = k == FK_V_COUNT;
    snprintf(out, n,
             map ? (counts ? (en ? "%s: facilities operating (%s)"
                                 : "%s 運用施設数の地図（%s）")
                           : (en ? "%s: adoption map (%s)"
                                 : "%s 導入率の地図（%s）"))
                 : (counts ? (en ? "%s: facilities operating by prefecture (%s)"
                                 : "%s 都道府県別の運用施設数（%s）")
                           : (en ? "%s: adoption by prefecture (%s)"
                                 : "%s 都道府県別の導入率（%s）")),
             fk_program_label(c->meta.program, en), fk_type_label(c->type, en));
}

int fk_chart_ranking_draw_on(const fk_chart_prefs *c, const fk_chart_opts *o,
                             const fk_chart_target *tg, char *err,
                             size_t errlen)
{
    if (fk_chart_prefs_check(c, err, errlen) < 0) return -1;
    fk_canvas cv;
    fk_chart_meta meta = c->meta;
    meta.pref = 0;
    if (fk_canvas_open(&cv, o, tg, meta.as_of, err, errlen) < 0) return -1;
    fk_vkind k = fk_vkind_for(c->prefs, FK_NPREF, c->mode);
    char title[256], names[FK_NPREF][48], note[160];
    fk_title_prefs(c, 0, cv.en, title, sizeof title);
    snprintf(note, sizeof note, "%s",
             FK_L(&cv, "破線は全国値", "dashed: national value"));
    if (fk_pref_by_code(c->highlight)) { /* say which bar is marked, and why */
        int rank = 1;
        double me = fk_vvalue(k, &c->prefs[c->highlight - 1]);
        for (int i = 0; i < FK_NPREF; i++)
            rank += fk_vvalue(k, &c->prefs[i]) > me;
        char pn[48];
        fk_pref_label(c->highlight, cv.en, 0, pn, sizeof pn);
        size_t l = strlen(note);
        snprintf(note + l, sizeof note - l,
                 cv.en ? "; ▶ %s (rank %d of 47)"
                       : "・▶は%s（47都道府県中%d位）",
                 pn, rank);
    }
    fk_rect b = fk_frame(&cv, &meta, title, fk_vunit(k, cv.en), note);
    fk_bar_item items[FK_NPREF];
    for (int i = 0; i < FK_NPREF; i++) {
        fk_pref_label(i + 1, cv.en, 1, names[i], sizeof names[i]);
        items[i] =
            (fk_bar_item){names[i], &c->prefs[i], c->highlight == i + 1, 0, 0};
    }
    fk_bars(&cv, b, items, FK_NPREF, k, k == FK_V_COUNT ? NULL : &c->national,
            FK_L(&cv, "全国", "national"),
            fk_type_rgb[c->type < 0 ? FK_CLINIC : c->type]);
    return fk_canvas_close(&cv, err, errlen);
}

int fk_chart_ranking_render(const fk_chart_prefs *c, const fk_chart_opts *o,
                            fk_chart_format fmt, fk_buf *out, char *err,
                            size_t errlen)
{
    fk_chart_target tg = {fmt, out, NULL};
    return fk_chart_ranking_draw_on(c, o, &tg, err, errlen);
}

/* values.c - how a per-area value is shown (%, per-mille or counts) and
 * the checks on the counts every chart is given. */
#include "charts/canvas.h"

#include <stdio.h>

fk_vkind fk_vkind_for(const fk_chart_counts *rows, size_t n, fk_chart_mode mode)
{
    if (mode == FK_CHART_COUNT) return FK_V_COUNT;
    if (mode == FK_CHART_RATE) return FK_V_PCT;
    for (size_t i = 0; i < n; i++)
        if (fk_chart_share(rows[i].adopting, rows[i].total) >= 0.01)
            return FK_V_PCT;
    return FK_V_PERMILLE;
}

double fk_vvalue(fk_vkind k, const fk_chart_counts *c)
{
    if (k == FK_V_COUNT) return c->adopting;
    if (!(c->total > 0)) return 0;
    return fk_chart_share(c->adopting, c->total) * (k == FK_V_PCT ? 100 : 1000);
}

void fk_vformat(fk_vkind k, const fk_chart_counts *c, char *out, size_t n)
{
    if (k == FK_V_COUNT)
        fk_fmt_count(c->adopting, out, n);
    else if (!(c->total > 0))
        snprintf(out, n, "—");
    else if (k == FK_V_PCT)
        fk_fmt_pct(fk_chart_share(c->adopting, c->total), out, n);
    else
        fk_fmt_permille(fk_chart_share(c->adopting, c->total), out, n);
}

const char *fk_vunit(fk_vkind k, int en)
{
    switch (k) {
    case FK_V_PCT: return "%";
    case FK_V_PERMILLE:
        return en ? "‰ (per 1,000 facilities; rates below 1%)"
                  : "‰（千施設あたり・導入率1%未満のため）";
    default: return en ? "facilities operating" : "運用施設数";
    }
}

int fk_counts_check(const char *what, const char *row, const fk_chart_counts *c,
                    char *err, size_t errlen)
{
    if (c->adopting < 0 || c->applied < 0 || c->total < 0 ||
        c->adopting > c->total) {
        snprintf(err, errlen,
                 "%s: %s: need 0 <= operating <= total (got %.0f of %.0f)",
                 what, row, c->adopting, c->total);
        return -1;
    }
    return 0;
}

/* calibrate.c - intervals that hold as often as they claim.  The models'
 * own bands describe noise around a smooth path, but the real error on
 * adoption series is the path changing (subsidy deadlines, policy
 * pushes), so on the national series they held the actual share 0-40% of
 * the time instead of 80%.  Here the half-widths come from the method's
 * own rolling-origin errors instead (split-conformal style):
 *
 * - at each checkpoint horizon (1, 2, 4, 8, 13, 26 weeks) with at least
 *   FK_FC_CAL_MIN errors already known on the day of the forecast (the
 *   latest FK_FC_CAL_MAX of them), the 80% half-width is the
 *   ceil(0.8 (n + 1))-th smallest |error| and the 95% one the
 *   ceil(0.95 (n + 1))-th; when n is too small for the latter (n < 19),
 *   the largest error or the 80% width times z95/z80, whichever is wider;
 * - between checkpoints the half-widths are interpolated linearly in
 *   weeks (from 0 at the origin); past the last calibrated checkpoint they
 *   grow in proportion to the horizon, as an error in the trend does;
 * - with no calibrated checkpoint (short series), the model's own bands
 *   or pace's, whichever is wider, widened by FK_FC_WIDEN: every method
 *   forecasts the same wandering series, so none may claim less
 *   uncertainty than the random walk around the recent pace.
 *
 * "Known on the day" matters: the backtest scores each origin with the
 * errors whose outcome was observed by then, so its coverage figures are
 * out of sample. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void fk_fc_table_cal(const fk_fc_table *t, fk_fc_method m, fk_day now,
                     fk_fc_cal *c)
{
    memset(c, 0, sizeof *c);
    if ((unsigned)m >= FK_FC_NMETHODS || !(t->mask & (1u << m))) return;
    double e[FK_FC_CAL_MAX];
    for (int k = 0; k < FK_FC_NCK; k++) {
        int h = fk_fc_ck_weeks[k], ne = 0;
        for (size_t o = t->norig; o-- > 0 && ne < FK_FC_CAL_MAX;) {
            if (t->day[o] + 7 * h > now) continue; /* outcome not known yet */
            double p = fk_fc_table_pred(t, m, o, k),
                   y = t->actual[o * FK_FC_NCK + (size_t)k];
            if (isfinite(p) && isfinite(y)) e[ne++] = fabs(p - y) / t->speed[o];
        }
        if (ne < FK_FC_CAL_MIN) continue;
        qsort(e, (size_t)ne, sizeof e[0], cmp_double);
        int k80 = ((ne + 1) * 4 + 4) / 5,
            k95 = ((ne + 1) * 19 + 19) / 20; /* ceilings */
        double q80 = e[(k80 < ne ? k80 : ne) - 1];
        double q95 = k95 <= ne ? e[k95 - 1]
                               : fmax(e[ne - 1], q80 * FK_FC_Z95 / FK_FC_Z80);
        int i = c->ncal++;
        c->h[i] = h, c->q80[i] = q80, c->q95[i] = fmax(q95, q80),
        c->nerr[i] = ne;
    }
}

/* Calibrated half-widths h weeks ahead. */
static void half_widths(const fk_fc_cal *c, double h, double *w80, double *w95)
{
    double h0 = 0, a0 = 0, b0 = 0;
    for (int i = 0; i < c->ncal; i++) {
        if (h <= c->h[i]) {
            double w = (h - h0) / (c->h[i] - h0);
            *w80 = a0 + w * (c->q80[i] - a0);
            *w95 = b0 + w * (c->q95[i] - b0);
            return;
        }
        h0 = c->h[i], a0 = c->q80[i], b0 = c->q95[i];
    }
    *w80 = a0 * h / h0;
    *w95 = b0 * h / h0;
}

int fk_fc_cal_dev(const fk_fc_cal *c, const fk_fc_model *m,
                  const fk_fc_options *o, int nsteps, fk_fc_dev *dev, char *err,
                  size_t errlen)
{
    if (c->ncal == 0) {
        if (m->bands(m, o, nsteps, dev, err, errlen) < 0) return -1;
        fk_fc_model pace;
        if (m->method != FK_FC_PACE &&
            fk_fc_fit_pace(m->s, o, &pace, err, errlen) == 0) {
            fk_fc_dev *pd = malloc(sizeof *pd * ((size_t)nsteps + 1));
            if (!pd || pace.bands(&pace, o, nsteps, pd, err, errlen) < 0) {
                free(pd);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            for (int h = 0; h <= nsteps; h++) /* the wider of the two */
                for (int j = 0; j < 4; j++)
                    dev[h][j] = j < 2 ? fmin(dev[h][j], pd[h][j])
                                      : fmax(dev[h][j], pd[h][j]);
            free(pd);
        }
        for (int h = 0; h <= nsteps; h++)
            for (int j = 0; j < 4; j++) dev[h][j] *= FK_FC_WIDEN;
    } else {
        double v = fk_fc_speed(m->s, o->pace_weeks > 0 ? o->pace_weeks : 8);
        for (int h = 0; h <= nsteps; h++) {
            double w80, w95;
            half_widths(c, h, &w80, &w95);
            w80 *= v, w95 *= v;
            dev[h][0] = -w95, dev[h][1] = -w80, dev[h][2] = w80,
            dev[h][3] = w95;
        }
    }
    for (int h = 1; h <= nsteps; h++) { /* never narrower further ahead */
        dev[h][0] = fmin(dev[h][0], dev[h - 1][0]);
        dev[h][1] = fmin(dev[h][1], dev[h - 1][1]);
        dev[h][2] = fmax(dev[h][2], dev[h - 1][2]);
        dev[h][3] = fmax(dev[h][3], dev[h - 1][3]);
    }
    return 0;
}

/* holt.c - damped-trend exponential smoothing (Holt with damping) of the
 * share, on a weekly grid made by linear interpolation between the
 * irregular observations (the grid ends on the last observation, so that
 * step h of the forecast is exactly h weeks later).
 *
 * alpha, beta and phi minimise the one-step-ahead squared error; phi is
 * kept in [0.80, 0.98], the usual range, so that the trend flattens but
 * does not vanish at once.  Intervals come from calibrate.c, as for
 * every method.
 *
 * Parameters: p[0] level, p[1] trend, p[2] phi, p[3] alpha, p[4] beta,
 * p[5] one-step residual standard deviation. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define PHI_LO 0.80
#define PHI_HI 0.98

typedef struct {
    const double *y;
    int n;
    double level, trend; /* state after the last value, for the final fit */
} holt_ctx;

static void unpack(const double *x, double *a, double *b, double *phi)
{
    *a = 0.001 + 0.998 * fk_fc_sigmoid(x[0]);
    *b = 0.001 + 0.998 * fk_fc_sigmoid(x[1]);
    *phi = PHI_LO + (PHI_HI - PHI_LO) * fk_fc_sigmoid(x[2]);
}

static double holt_sse(const double *x, void *vctx)
{
    holt_ctx *c = vctx;
    double a, b, phi;
    unpack(x, &a, &b, &phi);
    double l = c->y[0], t = c->y[1] - c->y[0], sse = 0;
    for (int i = 1; i < c->n; i++) {
        double f = l + phi * t, e = c->y[i] - f;
        sse += e * e;
        double nl = f + a * e;
        t = phi * t + a * b * e;
        l = nl;
    }
    c->level = l, c->trend = t;
    return sse;
}

static double damp_sum(double phi, double h)
{
    return phi * (1.0 - pow(phi, h)) / (1.0 - phi);
}

static double holt_mean(const fk_fc_model *m, double h)
{
    return m->p[0] + m->p[1] * damp_sum(m->p[2], h);
}

void fk_fc_holt_fill(fk_fc_model *m, const fk_fc_series *s, const double *p,
                     double sse)
{
    m->method = FK_FC_HOLT;
    m->s = s;
    for (int i = 0; i < 6; i++) m->p[i] = p[i];
    m->sse = sse;
    m->mean = holt_mean;
}

int fk_fc_fit_holt(const fk_fc_series *s, const fk_fc_options *o,
                   fk_fc_model *m, char *err, size_t errlen)
{
    (void)o;
    size_t n = s->n;
    int K = (int)floor(s->t[n - 1] - s->t[0] + 1e-9);
    if (K < 3) {
        snprintf(err, errlen,
                 "insufficient data: holt needs 3 weeks of history");
        return -1;
    }
    double *y = fk_xcalloc((size_t)K + 1, sizeof(double));
    size_t j = 0;
    for (int k = 0; k <= K; k++) {
        double t = s->t[n - 1] - (K - k);
        while (j + 1 < n - 1 && s->t[j + 1] <= t) j++;
        double t0 = s->t[j], t1 = s->t[j + 1];
        double w = t1 > t0 ? (t - t0) / (t1 - t0) : 1.0;
        if (w < 0) w = 0;
        if (w > 1) w = 1;
        y[k] = s->r[j] + w * (s->r[j + 1] - s->r[j]);
    }
    y[K] = s->r[n - 1];

    holt_ctx c = {y, K + 1, 0, 0};
    static const double starts[][3] = {
        {2, 0, 0}, {0, -2, 1}, {-2, 0, 2}, {4, 2, -1}};
    static const double step[3] = {1.5, 1.5, 1.5};
    double best[3] = {0}, bestv = HUGE_VAL;
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        double x[3] = {starts[i][0], starts[i][1], starts[i][2]};
        double v = fk_fc_nelder_mead(holt_sse, &c, x, 3, step, 1500, 1e-12);
        if (v < bestv)
            bestv = v, best[0] = x[0], best[1] = x[1], best[2] = x[2];
    }
    double a, b, phi;
    unpack(best, &a, &b, &phi);
    double sse = holt_sse(best, &c); /* leaves the final state in c */
    free(y);
    memset(m, 0, sizeof *m);
    double p[6] = {c.level, c.trend, phi,
                   a,       b,       sqrt(sse / (K > 4 ? K - 3 : K))};
    fk_fc_holt_fill(m, s, p, sse);
    return 0;
}

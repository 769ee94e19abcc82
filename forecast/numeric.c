/* numeric.c - the numerical tools the methods share: a Nelder-Mead
 * minimiser (robust on the small, badly scaled least-squares problems the
 * curve fits pose, and needing no derivatives) and small helpers. */
#include "forecast/fc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    NM_MAXDIM = 4
};

static double eval(fk_fc_objective f, void *ctx, const double *x)
{
    double v = f(x, ctx);
    return isfinite(v) ? v : HUGE_VAL; /* a NaN must never win a comparison */
}

/* One Nelder-Mead run from x; returns the best value, x holds its point. */
static double nm_run(fk_fc_objective f, void *ctx, double *x, int dim,
                     const double *step, int *budget, double tol)
{
    double pt[NM_MAXDIM + 1][NM_MAXDIM], fv[NM_MAXDIM + 1];
    int np = dim + 1;
    for (int i = 0; i < np; i++) {
        memcpy(pt[i], x, sizeof(double) * (size_t)dim);
        if (i > 0) pt[i][i - 1] += step[i - 1];
        fv[i] = eval(f, ctx, pt[i]);
        (*budget)--;
    }
    while (*budget > 0) {
        /* order: best first, worst last (insertion sort, np <= 5) */
        for (int i = 1; i < np; i++)
            for (int j = i; j > 0 && fv[j] < fv[j - 1]; j--) {
                double tf = fv[j];
                fv[j] = fv[j - 1];
                fv[j - 1] = tf;
                double tp[NM_MAXDIM];
                memcpy(tp, pt[j], sizeof tp);
                memcpy(pt[j], pt[j - 1], sizeof tp);
                memcpy(pt[j - 1], tp, sizeof tp);
            }
        if (fabs(fv[np - 1] - fv[0]) <= tol * (fabs(fv[0]) + 1e-30) + 1e-300)
            break;
        double c[NM_MAXDIM] = {0}, xr[NM_MAXDIM], xe[NM_MAXDIM], xc[NM_MAXDIM];
        for (int i = 0; i < np - 1; i++)
            for (int d = 0; d < dim; d++) c[d] += pt[i][d] / (np - 1);
        double *w = pt[np - 1];
        for (int d = 0; d < dim; d++) xr[d] = c[d] + (c[d] - w[d]);
        double fr = eval(f, ctx, xr);
        (*budget)--;
        if (fr < fv[0]) {
            for (int d = 0; d < dim; d++) xe[d] = c[d] + 2.0 * (c[d] - w[d]);
            double fe = eval(f, ctx, xe);
            (*budget)--;
            if (fe < fr)
                memcpy(w, xe, sizeof(double) * (size_t)dim), fv[np - 1] = fe;
            else
                memcpy(w, xr, sizeof(double) * (size_t)dim), fv[np - 1] = fr;
            continue;
        }
        if (fr < fv[np - 2]) {
            memcpy(w, xr, sizeof(double) * (size_t)dim), fv[np - 1] = fr;
            continue;
        }
        /* contraction, outside or inside */
        int outside = fr < fv[np - 1];
        for (int d = 0; d < dim; d++)
            xc[d] = outside ? c[d] + 0.5 * (xr[d] - c[d])
                            : c[d] + 0.5 * (w[d] - c[d]);
        double fc = eval(f, ctx, xc);
        (*budget)--;
        if (fc < (outside ? fr : fv[np - 1])) {
            memcpy(w, xc, sizeof(double) * (size_t)dim), fv[np - 1] = fc;
            continue;
        }
        for (int i = 1; i < np; i++) { /* shrink towards the best point */
            for (int d = 0; d < dim; d++)
                pt[i][d] = pt[0][d] + 0.5 * (pt[i][d] - pt[0][d]);
            fv[i] = eval(f, ctx, pt[i]);
            (*budget)--;
        }
    }
    int b = 0;
    for (int i = 1; i < np; i++)
        if (fv[i] < fv[b]) b = i;
    memcpy(x, pt[b], sizeof(double) * (size_t)dim);
    return fv[b];
}

double fk_fc_nelder_mead(fk_fc_objective f, void *ctx, double *x, int dim,
                         const double *step, int maxeval, double tol)
{
    if (dim < 1 || dim > NM_MAXDIM) return HUGE_VAL;
    int budget = maxeval;
    double best = nm_run(f, ctx, x, dim, step, &budget, tol);
    /* Restart from the optimum with a fresh simplex: a collapsed simplex is
     * the classic way Nelder-Mead stalls short of a minimum. */
    for (int k = 0; k < 3 && budget > 0; k++) {
        double s2[NM_MAXDIM];
        for (int d = 0; d < dim; d++) s2[d] = step[d] * 0.25;
        double v = nm_run(f, ctx, x, dim, s2, &budget, tol);
        if (!(v < best - tol * (fabs(best) + 1e-30))) {
            best = v < best ? v : best;
            break;
        }
        best = v;
    }
    return best;
}

double fk_fc_sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

double fk_fc_logit(double p)
{
    if (p < 1e-12) p = 1e-12;
    if (p > 1 - 1e-12) p = 1 - 1e-12;
    return log(p / (1 - p));
}

double fk_fc_max_share(const fk_fc_series *s)
{
    double mx = 0;
    for (size_t i = 0; i < s->n; i++) mx = fmax(mx, s->r[i]);
    return fmin(mx, 0.999999);
}

/* curve.c - national adoption trajectories the simulated registry follows.
 *
 * e-prescription: the per-type points of data/eprescription-national.csv
 * (adopting / total; test_feedsim checks the simulator against that file),
 * from 0 at launch (2023-01-26), then a saturating continuation after
 * 2025-02-09 shaped on the ministry's own projection (about 80% of
 * pharmacies by the end of FY2024) and on the slower pace of medical
 * institutions.  EHR sharing: a model project from 2025-02 growing to a few
 * hundred hospitals and clinics by late 2026.
 *
 * Points are joined by monotone cubic (Fritsch-Carlson) interpolation and
 * tabulated per day, so that "the first day the curve reaches u" is a binary
 * search. */
#include "sim/sim.h"

#include "core/alloc.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    const char *date;
    double adopting, total; /* total 0: adopting is already a fraction */
} point;

#define MAXPT 24

static const point ep_points[FK_NTYPE][MAXPT] = {
    [FK_HOSPITAL] = {{"2023-01-26", 0, 0},
                     {"2023-04-23", 9, 7867},
                     {"2023-07-06", 15, 7867},
                     {"2024-05-19", 121, 7867},
                     {"2024-07-28", 142, 7867},
                     {"2024-09-01", 153, 7859},
                     {"2024-10-20", 181, 7891},
                     {"2024-11-10", 218, 7904},
                     {"2024-12-29", 302, 7935},
                     {"2025-01-12", 311, 7944},
                     {"2025-01-26", 335, 7972},
                     {"2025-02-09", 388, 7961},
                     {"2025-03-31", 0.056, 0},
                     {"2025-09-30", 0.095, 0},
                     {"2026-03-31", 0.13, 0},
                     {"2026-10-31", 0.175, 0},
                     {"2027-12-31", 0.25, 0},
                     {"2028-12-31", 0.29, 0}},
    [FK_CLINIC] = {{"2023-01-26", 0, 0},
                   {"2023-04-23", 250, 82152},
                   {"2023-07-06", 431, 82152},
                   {"2024-05-19", 2216, 82152},
                   {"2024-07-28", 3040, 82152},
                   {"2024-09-01", 3645, 82070},
                   {"2024-10-20", 4944, 82396},
                   {"2024-11-10", 5778, 82536},
                   {"2024-12-29", 7955, 82863},
                   {"2025-01-12", 8172, 82957},
                   {"2025-01-26", 8907, 83240},
                   {"2025-02-09", 9561, 83134},
                   {"2025-03-31", 0.128, 0},
                   {"2025-09-30", 0.20, 0},
                   {"2026-03-31", 0.245, 0},
                   {"2026-10-31", 0.30, 0},
                   {"2027-12-31", 0.37, 0},
                   {"2028-12-31", 0.41, 0}},
    [FK_DENTAL] = {{"2023-01-26", 0, 0},
                   {"2023-04-23", 11, 60231},
                   {"2023-07-06", 25, 60231},
                   {"2024-05-19", 82, 60231},
                   {"2024-07-28", 120, 60231},
                   {"2024-09-01", 150, 60171},
                   {"2024-10-20", 302, 60410},
                   {"2024-11-10", 484, 60513},
                   {"2024-12-29", 972, 60752},
                   {"2025-01-12", 1010, 60821},
                   {"2025-01-26", 1099, 61028},
                   {"2025-02-09", 1246, 60951},
                   {"2025-03-31", 0.025, 0},
                   {"2025-09-30", 0.05, 0},
                   {"2026-03-31", 0.068, 0},
                   {"2026-10-31", 0.085, 0},
                   {"2027-12-31", 0.12, 0},
                   {"2028-12-31", 0.14, 0}},
    [FK_PHARMACY] = {{"2023-01-26", 0, 0},
                     {"2023-04-23", 3082, 59610},
                     {"2023-07-06", 4399, 59610},
                     {"2024-05-19", 19750, 59610},
                     {"2024-07-28", 23784, 59610},
                     {"2024-09-01", 26661, 59550},
                     {"2024-10-20", 31090, 59788},
                     {"2024-11-10", 33298, 59889},
                     {"2024-12-29", 37699, 60126},
                     {"2025-01-12", 38188, 60194},
                     {"2025-01-26", 39199, 60399},
                     {"2025-02-09", 40411, 60323},
                     {"2025-03-31", 0.78, 0},
                     {"2025-09-30", 0.855, 0},
                     {"2026-03-31", 0.88, 0},
                     {"2026-10-31", 0.90, 0},
                     {"2027-12-31", 0.925, 0},
                     {"2028-12-31", 0.935, 0}},
};

/* Dental clinics and pharmacies are outside the EHR sharing service. */
static const point ehr_points[2][MAXPT] = {
    [FK_HOSPITAL] = {{"2025-02-01", 0, 0},
                     {"2025-06-30", 0.004, 0},
                     {"2025-12-31", 0.012, 0},
                     {"2026-10-31", 0.035, 0},
                     {"2027-12-31", 0.06, 0},
                     {"2028-12-31", 0.08, 0}},
    [FK_CLINIC] = {{"2025-02-01", 0, 0},
                   {"2025-06-30", 0.0004, 0},
                   {"2025-12-31", 0.0015, 0},
                   {"2026-10-31", 0.005, 0},
                   {"2027-12-31", 0.009, 0},
                   {"2028-12-31", 0.012, 0}},
};

/* Tables run from launch to the end of the horizon, one value per day. */
#define CURVE_FROM_Y 2023
static fk_day tab_from, tab_to;
static double *tab[2][FK_NTYPE];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void tabulate(const point *pts, double *out)
{
    double x[MAXPT], y[MAXPT], d[MAXPT] = {0}, m[MAXPT] = {0};
    int n = 0;
    for (; n < MAXPT && pts[n].date; n++) {
        fk_day day;
        if (fk_date_parse(pts[n].date, &day) < 0) abort();
        x[n] = day;
        y[n] =
            pts[n].total > 0 ? pts[n].adopting / pts[n].total : pts[n].adopting;
    }
    if (n < 2) abort(); /* every curve has at least two points */
    for (int i = 0; i + 1 < n; i++)
        d[i] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
    m[0] = d[0];
    m[n - 1] = d[n - 2];
    for (int i = 1; i + 1 < n; i++) {
        if (d[i - 1] * d[i] <= 0) {
            m[i] = 0;
        } else {
            double h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
            double w1 = 2 * h1 + h0, w2 = h1 + 2 * h0;
            m[i] = (w1 + w2) / (w1 / d[i - 1] + w2 / d[i]);
        }
    }
    int seg = 0;
    for (fk_day day = tab_from; day <= tab_to; day++) {
        double v, t = day;
        if (t <= x[0]) {
            v = t == x[0] ? y[0] : 0;
        } else if (t >= x[n - 1]) {
            v = y[n - 1];
        } else {
            while (t > x[seg + 1]) seg++;
            double h = x[seg + 1] - x[seg], s = (t - x[seg]) / h;
            if (t == x[seg + 1]) {
                v = y[seg + 1]; /* exact at published points */
            } else {
                double s2 = s * s, s3 = s2 * s;
                v = (2 * s3 - 3 * s2 + 1) * y[seg] +
                    (s3 - 2 * s2 + s) * h * m[seg] +
                    (-2 * s3 + 3 * s2) * y[seg + 1] +
                    (s3 - s2) * h * m[seg + 1];
            }
        }
        size_t i = (size_t)(day - tab_from);
        if (i > 0 && v < out[i - 1]) v = out[i - 1]; /* never step back */
        out[i] = v;
    }
}

static void init_once(void)
{
    tab_from = fk_day_from_ymd(CURVE_FROM_Y, 1, 1);
    tab_to = fk_day_from_ymd(2028, 12, 31);
    size_t days = (size_t)(tab_to - tab_from + 1);
    for (int p = 0; p < 2; p++)
        for (int t = 0; t < FK_NTYPE; t++) {
            tab[p][t] = fk_xcalloc(days, sizeof(double));
            if (p == SIM_EP)
                tabulate(ep_points[t], tab[p][t]);
            else if (t <= FK_CLINIC)
                tabulate(ehr_points[t], tab[p][t]);
        }
}

void sim_curves_init(void)
{
    pthread_once(&once, init_once);
}

double sim_curve_at(sim_program prog, fk_type t, fk_day d)
{
    sim_curves_init();
    if (d < tab_from) return 0;
    if (d > tab_to) d = tab_to;
    return tab[prog][t][d - tab_from];
}

fk_day sim_curve_first(sim_program prog, fk_type t, double u)
{
    sim_curves_init();
    const double *v = tab[prog][t];
    size_t n = (size_t)(tab_to - tab_from + 1);
    if (u <= 0)
        u = 1e-12; /* a zero curve is "not started", never "reached 0" */
    if (v[n - 1] < u) return SIM_NEVER;
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] >= u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return tab_from + (fk_day)lo;
}

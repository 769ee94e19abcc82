/* fcutil.h - what the forecast tests share: a tolerance assertion, the
 * rules every forecast obeys, and a noisy weekly series. */
#ifndef FK_FCUTIL_H
#define FK_FCUTIL_H

#include <math.h>
#include <stddef.h>

#include "forecast/forecast.h"
#include "tests/testutil.h"

/* This cmocka has no assert_double_equal. */
#define assert_near(a, b, eps)                                       \
    do {                                                             \
        double a_ = (a), b_ = (b);                                   \
        if (!(fabs(a_ - b_) <= (eps)))                               \
            fail_msg("%s = %.10g, expected %.10g +- %g", #a, a_, b_, \
                     (double)(eps));                                 \
    } while (0)

/* Checks the rules every forecast obeys; grow is the most the
 * denominator may grow per week (relative), which lets the share fall. */
void fk_tu_check_shape_grow(const fk_forecast *f, double grow);
void fk_tu_check_shape(const fk_forecast *f); /* constant denominator */
/* Runs a forecast that must succeed: method m, weeks weekly points. */
void fk_tu_forecast(const fk_obs *o, size_t n, fk_fc_method m, int weeks,
                    fk_forecast *f);
/* A steady weekly series with noise and a pace that speeds up. */
size_t fk_tu_noisy_weekly(fk_obs *o, size_t n);
/* The cache tests (test_fc_cache, test_fc_chain): two forecasts the
 * same bit for bit, and the options they run with (method m, 26 weeks,
 * target 60%). */
void fk_tu_same_forecast(const fk_forecast *a, const fk_forecast *b);
void fk_tu_cache_opts(fk_fc_options *o, fk_fc_method m);
#define same_forecast    fk_tu_same_forecast
#define check_shape_grow fk_tu_check_shape_grow
#define check_shape      fk_tu_check_shape
#define noisy_weekly     fk_tu_noisy_weekly

#endif

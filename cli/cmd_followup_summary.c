/* cmd_followup_summary.c - `fukyu followup summary`: what the calls tell
 * in a period, as text or as the JSON /api/v1/followup also answers. */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_followup.h"
#include "reports/followup.h"

static void barrier_row(const char *label, const int64_t n[FK_NBARRIER])
{
    printf("  %-13s", label);
    for (int k = 0; k < FK_NBARRIER; k++) printf(" %6lld", (long long)n[k]);
    printf("\n");
}

static void print_text(const fu_args *a, const fk_followup_summary *s)
{
    char d1[FK_DATE_LEN], d2[FK_DATE_LEN], d3[FK_DATE_LEN];
    char area[16] = "national";
    if (a->pref) snprintf(area, sizeof area, "prefecture %02d", a->pref);
    printf("follow-up: %s, %s, %s .. %s (data as of %s)\n", a->program, area,
           a->from >= 0 ? fk_date_format(a->from, d1) : "start",
           a->to >= 0 ? fk_date_format(a->to, d2) : "now",
           fk_date_format(s->as_of, d3));
    printf("contacts %lld, facilities %lld\n", (long long)s->contacts,
           (long long)s->facilities);
    printf("outcomes:");
    for (int i = 0; i < FK_NOUTCOME; i++)
        printf(" %s %lld", fk_outcomes[i].key, (long long)s->outcomes[i]);
    printf("\nbarriers (contacts naming each):\n");
    for (int k = 0; k < FK_NBARRIER; k++)
        printf("  %d %-32s %6lld\n", k + 1, fk_barriers[k].label_en,
               (long long)s->barriers[k]);
    printf("barriers by type and bed band:\n  %-13s", "");
    for (int k = 0; k < FK_NBARRIER; k++) printf(" %6d", k + 1);
    printf("\n");
    for (int t = 0; t < FK_NTYPE; t++)
        barrier_row(fk_types[t].key, s->by_type[t]);
    for (int b = 0; b < FK_NBEDBAND; b++) {
        char label[24];
        snprintf(label, sizeof label, "beds %s", fk_bed_bands[b]);
        barrier_row(label, s->by_beds[b]);
    }
    printf("conversion (facilities first contacted in the period while not "
           "operating):\n  %-5s %9s %8s %7s %9s %11s\n",
           "days", "contacted", "adopted", "rate", "baseline", "baseline_n");
    for (int h = 0; h < FK_NHORIZON; h++) {
        const fk_conversion *c = &s->conv[h];
        printf("  %-5d %9lld %8lld %6.1f%% %8.1f%% %11lld\n", fk_horizons[h],
               (long long)c->contacted, (long long)c->adopted, c->rate * 100,
               c->baseline_rate * 100, (long long)c->baseline_n);
    }
}

int fk_followup_summary_run(fu_args *a)
{
    if (!a->program)
        return fk_cli_usage_error(&fk_cmd_followup,
                                  "summary: --program is required");
    if (fk_cli_setup(&a->env) < 0) return 1;
    fk_store *st = fk_cli_open_store(&a->env, FK_STORE_READONLY);
    if (!st) return 1;
    fk_followup_filter f = {
        .program = a->program, .pref = a->pref, .from = a->from, .to = a->to};
    fk_followup_summary s;
    int rc = 0;
    if (fk_followup_summarize(st, &f, &s) < 0) {
        rc = fk_cli_fail("followup summary: %s", fk_store_error(st));
    } else if (a->json) {
        char *js = fk_json_followup(&f, &s);
        if (!js)
            rc = fk_cli_fail("followup summary: out of memory");
        else
            printf("%s\n", js);
        free(js);
    } else {
        print_text(a, &s);
    }
    fk_store_close(st);
    return rc;
}

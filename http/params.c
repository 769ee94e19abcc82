/* params.c - query parameters: only known keys, each at most once, each
 * value checked strictly; anything else is a 400 naming the parameter and
 * what it accepts. */
#include "http/http_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *const *allowed;
    int counts[32];
    char bad[64];
    int dup;
} check_ctx;

/* Copies s for a message: printable ASCII kept, the rest as '?', cut. */
static void shown(char *out, size_t n, const char *s)
{
    size_t i = 0;
    for (; s && s[i] && i + 1 < n; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    out[i] = '\0';
}

static enum MHD_Result check_one(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    (void)kind;
    (void)value;
    check_ctx *c = cls;
    for (int i = 0; c->allowed[i] && i < 32; i++) {
        if (!strcmp(key, c->allowed[i])) {
            if (++c->counts[i] > 1 && !c->bad[0]) {
                c->dup = 1;
                shown(c->bad, sizeof c->bad, key);
            }
            return MHD_YES;
        }
    }
    if (!c->bad[0]) shown(c->bad, sizeof c->bad, key);
    return MHD_YES;
}

int fk_params_check(fk_req *r, const char *const *allowed, enum MHD_Result *ret)
{
    check_ctx c = {.allowed = allowed};
    MHD_get_connection_values(r->con, MHD_GET_ARGUMENT_KIND, check_one, &c);
    if (!c.bad[0]) return 1;
    if (c.dup)
        *ret = fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "parameter '%s' is given more than once",
                                   c.bad);
    else {
        char list[256] = "";
        for (int i = 0; allowed[i]; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     i ? ", " : "", allowed[i]);
        *ret = fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "unknown parameter '%s' (accepted: %s)",
                                   c.bad, list);
    }
    return 0;
}

const char *fk_param(fk_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->con, MHD_GET_ARGUMENT_KIND, key);
}

static int bad(fk_req *r, enum MHD_Result *ret, const char *key, const char *v,
               const char *what)
{
    char s[64];
    shown(s, sizeof s, v);
    *ret = fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST, "%s: '%s' is not %s",
                               key, s, what);
    return -1;
}

int fk_param_program(fk_req *r, const char **out, enum MHD_Result *ret)
{
    const char *v = fk_param(r, "program");
    if (!v) return 0;
    const fk_program_info *p = fk_program_by_key(v);
    if (!p)
        return bad(r, ret, "program", v,
                   "a program (eprescription, ehr_sharing)");
    *out = p->key;
    return 1;
}

int fk_param_pref(fk_req *r, int *out, enum MHD_Result *ret)
{
    const char *v = fk_param(r, "prefecture");
    if (!v) return 0;
    const fk_pref *p = strlen(v) == 2 ? fk_pref_by_str(v) : NULL;
    if (!p) return bad(r, ret, "prefecture", v, "a prefecture code 01..47");
    *out = p->code;
    return 1;
}

int fk_param_type(fk_req *r, int *out, enum MHD_Result *ret)
{
    const char *v = fk_param(r, "type");
    if (!v) return 0;
    if (!strcmp(v, "all")) {
        *out = -1;
        return 1;
    }
    int t = fk_type_by_key(v);
    if (t < 0)
        return bad(r, ret, "type", v,
                   "a facility type (hospital, clinic, dental, pharmacy, all)");
    *out = t;
    return 1;
}

int fk_param_muni(fk_req *r, int *pref, char out[6], enum MHD_Result *ret)
{
    const char *v = fk_param(r, "municipality");
    if (!v) return 0;
    char why[128];
    int p = fk_muni_parse(v, out, why, sizeof why);
    if (p < 0) {
        *ret = fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST, "municipality: %s",
                                   why);
        return -1;
    }
    if (*pref && *pref != p) {
        *ret = fk_reply_json_error(r, MHD_HTTP_BAD_REQUEST,
                                   "municipality: not in the given prefecture");
        return -1;
    }
    *pref = p;
    return 1;
}

int fk_param_date(fk_req *r, const char *key, fk_day *out, enum MHD_Result *ret)
{
    const char *v = fk_param(r, key);
    if (!v) return 0;
    if (fk_date_parse(v, out) < 0)
        return bad(r, ret, key, v, "a date YYYY-MM-DD");
    return 1;
}

int fk_param_int(fk_req *r, const char *key, long min, long max, long *out,
                 enum MHD_Result *ret)
{
    const char *v = fk_param(r, key);
    if (!v) return 0;
    /* strtol alone would take " 7" or "+7"; a value is digits only. */
    int digits =
        (*v >= '0' && *v <= '9') || (*v == '-' && v[1] >= '0' && v[1] <= '9');
    char *end = (char *)v;
    errno = 0;
    long n = digits ? strtol(v, &end, 10) : 0;
    if (!digits || *end || errno || n < min || n > max) {
        char what[80];
        snprintf(what, sizeof what, "a whole number %ld..%ld", min, max);
        return bad(r, ret, key, v, what);
    }
    *out = n;
    return 1;
}

/* record.c - the record rules of feed-v1 (see record.h).
 *
 * Each rule failure names the field and what was wrong, so that the
 * set-aside list tells the feed's operator exactly what to fix. */
#include "collector/record.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int fk_utf8_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int n = 0;
    while (*p) {
        int len;
        unsigned cp;
        if (*p < 0x80)
            len = 1, cp = *p;
        else if ((*p & 0xE0) == 0xC0)
            len = 2, cp = *p & 0x1F;
        else if ((*p & 0xF0) == 0xE0)
            len = 3, cp = *p & 0x0F;
        else if ((*p & 0xF8) == 0xF0)
            len = 4, cp = *p & 0x07;
        else
            return -1;
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) return -1;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* Overlong forms, surrogates and out-of-range code points. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        p += len;
        n++;
    }
    return n;
}

/* Control characters (U+0000..U+001F, U+007F) have no place in a name,
 * an address or a phone number; shown raw they could forge log lines or
 * move a terminal's cursor.  (A NUL escape arrives here as U+001F: see
 * mark_nul_escapes() in pull.c.) */
static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return 1;
    return 0;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

int fk_rfc3339_ok(const char *s)
{
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
    fk_day d;
    size_t len = strlen(s);
    if (len < 20 || fk_date_parsen(s, 10, &d) < 0) return 0;
    if ((s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return 0;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!digits(p, 1)) return 0;
        while (*p >= '0' && *p <= '9') p++;
    }
    if ((*p == 'Z' || *p == 'z') && !p[1]) return 1;
    return (*p == '+' || *p == '-') && strlen(p) == 6 && digits(p + 1, 2) &&
           p[3] == ':' && digits(p + 4, 2);
}

static int fail(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Optional text field v: absent or null is fine; otherwise a UTF-8 string
 * of at most max characters. */
static int opt_text(const cJSON *v, const char *field, int max,
                    const char **out, char *why, size_t n)
{
    *out = NULL;
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsString(v)) return fail(why, n, "%s: expected a string", field);
    int chars = fk_utf8_chars(v->valuestring);
    if (chars < 0) return fail(why, n, "%s: not valid UTF-8", field);
    if (has_control(v->valuestring))
        return fail(why, n, "%s: contains a control character", field);
    if (chars > max) {
        snprintf(why, n, "%s: %d characters, at most %d allowed", field, chars,
                 max);
        return -1;
    }
    *out = v->valuestring;
    return 0;
}

static int check_program(const cJSON *p, fk_day as_of, fk_record_program *rp,
                         char *why, size_t n)
{
    const char *name = p->string;
    if (!cJSON_IsObject(p))
        return fail(why, n, "programs.%s: expected an object", name);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "status");
    if (!cJSON_IsString(st))
        return fail(why, n, "programs.%s.status: missing or not a string",
                    name);
    int s = fk_status_by_key(st->valuestring);
    if (s < 0)
        return fail(why, n, "programs.%s.status: unknown status '%.40s'", name,
                    st->valuestring);
    rp->program = name;
    rp->status = (fk_status)s;
    rp->since = -1;
    if (s != FK_ST_OPERATING && s != FK_ST_APPLIED) return 0;
    const cJSON *since = cJSON_GetObjectItemCaseSensitive(p, "since");
    if (!since || cJSON_IsNull(since))
        return fail(why, n, "programs.%s.since: required when status is %s",
                    name, st->valuestring);
    fk_day d;
    if (!cJSON_IsString(since) || fk_date_parse(since->valuestring, &d) < 0)
        return fail(
            why, n, "programs.%s.since: '%.40s' is not a real YYYY-MM-DD date",
            name,
            cJSON_IsString(since) ? since->valuestring : "(not a string)");
    if (d > as_of)
        return fail(why, n, "programs.%s.since: %s is after as_of", name,
                    since->valuestring);
    rp->since = d;
    return 0;
}

enum {
    F_CODE,
    F_TYPE,
    F_NAME,
    F_PREF,
    F_MUNI,
    F_BEDS,
    F_ADDR,
    F_PHONE,
    F_PROGS,
    NFIELDS
};
static const char *const field_name[NFIELDS] = {
    "code", "type",    "name",  "prefecture", "municipality",
    "beds", "address", "phone", "programs"};

/* The record's fields in one pass over its members instead of a scan per
 * field (which was a tenth of a pull's parsing): each the first member of
 * its name, as cJSON_GetObjectItemCaseSensitive finds it. */
static void find_fields(const cJSON *j, const cJSON *f[NFIELDS])
{
    for (int i = 0; i < NFIELDS; i++) f[i] = NULL;
    for (const cJSON *m = j->child; m; m = m->next) {
        const char *k = m->string;
        int i;
        if (!k) continue;
        switch (k[0]) {
        case 'c': i = F_CODE; break;
        case 't': i = F_TYPE; break;
        case 'n': i = F_NAME; break;
        case 'm': i = F_MUNI; break;
        case 'b': i = F_BEDS; break;
        case 'a': i = F_ADDR; break;
        case 'p':
            i = k[1] == 'h'                  ? F_PHONE
                : k[1] == 'r' && k[2] == 'e' ? F_PREF
                                             : F_PROGS;
            break;
        default: continue;
        }
        if (!f[i] && !strcmp(k, field_name[i])) f[i] = m;
    }
}

int fk_record_check(const cJSON *j, fk_day as_of, fk_record *r, char *code_out,
                    size_t code_len, char *why, size_t n)
{
    code_out[0] = '\0';
    if (!cJSON_IsObject(j)) return fail(why, n, "record: expected an object");
    memset(r, 0, sizeof *r);
    const cJSON *f[NFIELDS];
    find_fields(j, f);

    const cJSON *code = f[F_CODE];
    if (cJSON_IsString(code))
        snprintf(code_out, code_len, "%.20s", code->valuestring);
    if (!cJSON_IsString(code))
        return fail(why, n, "code: missing or not a string");
    const char *c = code->valuestring;
    if (strlen(c) != 10 || !digits(c, 10))
        return fail(why, n, "code: '%.20s' is not 10 ASCII digits", c);
    r->code = 0;
    for (int i = 0; i < 10; i++) r->code = r->code * 10 + (c[i] - '0');

    const cJSON *type = f[F_TYPE];
    if (!cJSON_IsString(type))
        return fail(why, n, "type: missing or not a string");
    int t = fk_type_by_key(type->valuestring);
    if (t < 0)
        return fail(why, n, "type: unknown type '%.40s'", type->valuestring);
    if (fk_types[t].fee_digit != c[2])
        return fail(why, n,
                    "type: '%s' does not agree with fee-table digit of code %s",
                    type->valuestring, c);
    r->type = (fk_type)t;

    const cJSON *pref = f[F_PREF];
    if (!cJSON_IsString(pref))
        return fail(why, n, "prefecture: missing or not a string");
    const char *p = pref->valuestring;
    if (strlen(p) != 2 || !digits(p, 2) || !fk_pref_by_str(p))
        return fail(why, n, "prefecture: '%.20s' is not 01..47", p);
    if (p[0] != c[0] || p[1] != c[1])
        return fail(why, n, "prefecture: '%s' does not match code %s", p, c);
    r->pref = (p[0] - '0') * 10 + (p[1] - '0');

    const cJSON *muni = f[F_MUNI];
    if (muni && !cJSON_IsNull(muni)) {
        if (!cJSON_IsString(muni))
            return fail(why, n, "municipality: expected a string");
        const char *m = muni->valuestring;
        char mwhy[96];
        int mp = fk_muni_parse(m, r->muni, mwhy, sizeof mwhy);
        if (mp < 0) return fail(why, n, "municipality: %s", mwhy);
        if (mp != r->pref)
            return fail(why, n, "municipality: '%s' is not in prefecture %s", m,
                        p);
    }

    const cJSON *name = f[F_NAME];
    if (!cJSON_IsString(name))
        return fail(why, n, "name: missing or not a string");
    int chars = fk_utf8_chars(name->valuestring);
    if (chars < 0) return fail(why, n, "name: not valid UTF-8");
    if (chars == 0) return fail(why, n, "name: empty");
    if (has_control(name->valuestring))
        return fail(why, n, "name: contains a control character");
    if (chars > 200) {
        snprintf(why, n, "name: %d characters, at most 200 allowed", chars);
        return -1;
    }
    r->name = name->valuestring;

    const cJSON *beds = f[F_BEDS];
    r->beds = -1;
    if (beds && !cJSON_IsNull(beds)) {
        double b = cJSON_IsNumber(beds) ? beds->valuedouble : -1;
        if (!cJSON_IsNumber(beds) || b != floor(b) || b < 0 || b > 5000) {
            char v[32];
            snprintf(v, sizeof v, "%g",
                     cJSON_IsNumber(beds) ? beds->valuedouble : 0.0);
            return fail(why, n, "beds: %s is not an integer 0..5000",
                        cJSON_IsNumber(beds) ? v : "(not a number)");
        }
        r->beds = (int)b;
    }
    if (opt_text(f[F_ADDR], "address", 300, &r->address, why, n) < 0 ||
        opt_text(f[F_PHONE], "phone", 300, &r->phone, why, n) < 0)
        return -1;

    const cJSON *progs = f[F_PROGS];
    if (!cJSON_IsObject(progs))
        return fail(why, n, "programs: missing or not an object");
    const cJSON *pr;
    cJSON_ArrayForEach(pr, progs)
    {
        if (!pr->string || !pr->string[0] || strlen(pr->string) > 60 ||
            has_control(pr->string))
            return fail(why, n, "programs: bad program name");
        for (size_t i = 0; i < r->nprog; i++)
            if (!strcmp(r->prog[i].program, pr->string))
                return fail(why, n, "programs.%s: listed twice", pr->string);
        if (r->nprog == FK_MAX_PROGRAMS)
            return fail(why, n, "programs: more than 16 programs");
        if (check_program(pr, as_of, &r->prog[r->nprog], why, n) < 0) return -1;
        r->nprog++;
    }
    return 0;
}

/* render.c - writes one page of the feed (feed-v1.md) as JSON by hand, with
 * the body-level faults (schema, missing/mistyped fields, drift, short,
 * extra, cursor loops, padding) and the record corruptions of bad-record.
 * Also the opaque cursors: base64url of "offset:snapshot-hash". */
#include "sim/sim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void sim_cursor_make(size_t offset, uint64_t hash, char *out, size_t n)
{
    char raw[48];
    int len = snprintf(raw, sizeof raw, "%zu:%016" PRIx64, offset, hash);
    size_t o = 0;
    for (int i = 0; i < len && o + 5 < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)raw[i] << 16;
        if (i + 1 < len) v |= (uint32_t)(unsigned char)raw[i + 1] << 8;
        if (i + 2 < len) v |= (unsigned char)raw[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        if (i + 1 < len) out[o++] = b64[v >> 6 & 63];
        if (i + 2 < len) out[o++] = b64[v & 63];
    }
    out[o] = '\0';
}

int sim_cursor_parse(const char *c, uint64_t hash, size_t *offset)
{
    char raw[48];
    size_t o = 0, len = strlen(c);
    if (len == 0 || len > 60) return -1;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        const char *p = strchr(b64, c[i]);
        if (!p || !c[i]) return -1;
        acc = acc << 6 | (uint32_t)(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            raw[o++] = (char)(acc >> bits & 0xFF);
        }
    }
    raw[o] = '\0';
    unsigned long long off;
    char hex[17];
    int used = 0;
    if (sscanf(raw, "%llu:%16[0-9a-f]%n", &off, hex, &used) != 2 ||
        (size_t)used != o || strlen(hex) != 16)
        return -1;
    if (strtoull(hex, NULL, 16) != hash) return -2;
    *offset = (size_t)off;
    return 0;
}

static const char *const status_key[] = {"none", "applied", "operating",
                                         "not_applicable"};

static void put_code(fk_buf *b, int pref, char digit, uint32_t inst,
                     int ndigits)
{
    char c[12];
    c[0] = (char)('0' + pref / 10), c[1] = (char)('0' + pref % 10),
    c[2] = digit;
    for (int i = 9; i >= 3; i--, inst /= 10) c[i] = (char)('0' + inst % 10);
    fk_buf_put(b, "\"", 1);
    fk_buf_put(b, c, (size_t)ndigits);
    fk_buf_put(b, "\"", 1);
}

static void put_program(fk_buf *b, const sim_fac *f, sim_program p, fk_day d,
                        int bad, fk_day as_of)
{
    char date[FK_DATE_LEN];
    fk_day since = 0;
    sim_status st = sim_fac_status(f, p, d, &since);
    fk_buf_puts(b, "{\"status\":");
    if (p == SIM_EP && bad == SIM_BAD_STATUS) {
        fk_buf_puts(b, "\"bogus\"}");
        return;
    }
    if (p == SIM_EP && (bad == SIM_BAD_DATE || bad == SIM_BAD_FUTURE ||
                        bad == SIM_BAD_MISSING_SINCE)) {
        fk_buf_puts(b, "\"operating\"");
        if (bad == SIM_BAD_DATE) fk_buf_puts(b, ",\"since\":\"2024-02-30\"");
        if (bad == SIM_BAD_FUTURE)
            fk_buf_printf(b, ",\"since\":\"%s\"",
                          fk_date_format(as_of + 30, date));
        fk_buf_puts(b, "}");
        return;
    }
    fk_buf_printf(b, "\"%s\"", status_key[st]);
    if (st == SIM_APPLIED || st == SIM_OPERATING) {
        fk_buf_puts(b, ",\"since\":\"");
        fk_buf_puts(b, fk_date_format(since, date));
        fk_buf_puts(b, "\"");
    }
    if (bad == SIM_BAD_UNKNOWN_FIELD)
        fk_buf_puts(b, ",\"x_source\":\"sim\",\"x_rev\":[1,2]");
    fk_buf_puts(b, "}");
}

static void put_record(const sim_page_req *q, size_t pos, fk_buf *b)
{
    const sim_registry *r = q->reg;
    const sim_snapshot *s = q->snap;
    sim_fac tmp;
    const sim_fac *f;
    int bad = 0;
    if (pos >= s->n) {
        /* extra:N - more records than total, under codes no facility uses. */
        size_t j = pos - s->n;
        tmp = r->fac[s->n ? s->idx[j % s->n] : j % r->n];
        int fg = sim_fee_group(tmp.type);
        tmp.inst = sim_inst_number(r->seed, tmp.pref, fg,
                                   r->kcount[tmp.pref][fg] + 1 + (uint32_t)j);
        f = &tmp;
    } else {
        bad = s->bad ? s->bad[pos] : 0;
        if (bad == SIM_BAD_DUP) {
            /* Repeat the nearest earlier clean record verbatim. */
            size_t p = pos - 1;
            while (p > 0 && s->bad[p]) p--;
            pos = p;
            bad = s->bad[p] == SIM_BAD_DUP ? 0 : s->bad[p];
        }
        f = &r->fac[s->idx[pos]];
    }
    const sim_muni *m = &r->munis.m[f->muni];
    int pref = f->pref;
    const char *mcode = m->row->code;
    char digit = fk_types[f->type].fee_digit;
    const char *type = fk_types[f->type].key;
    if (bad == SIM_BAD_TYPE_DIGIT) digit = '1', type = "pharmacy";
    if (bad == SIM_BAD_MUNI) {
        const sim_muni *o = &r->munis.m[r->munis.first[pref % FK_NPREF + 1]];
        mcode = o->row->code;
    }
    char newcode[6];
    if (bad == SIM_BAD_NEW_MUNI) { /* as after a merger: XX999 is unused */
        snprintf(newcode, sizeof newcode, "%02d999", pref);
        mcode = newcode;
    }

    fk_buf_reserve(b, 1024);
    fk_buf_puts(b, "{\"code\":");
    put_code(b, pref, digit, f->inst, bad == SIM_BAD_CODE ? 9 : 10);
    fk_buf_puts(b, ",\"type\":\"");
    fk_buf_puts(b, type);
    fk_buf_puts(b, "\",\"name\":");
    if (bad == SIM_BAD_NAME)
        fk_buf_puts(b, "\"\"");
    else
        sim_fac_name(r, f, b);
    int shown = bad == SIM_BAD_PREF ? pref % FK_NPREF + 1 : pref;
    fk_buf_printf(
        b, ",\"prefecture\":\"%02d\",\"municipality\":\"%s\",\"beds\":", shown,
        mcode);
    sim_uint_put(b, bad == SIM_BAD_BEDS ? 9999 : f->beds);
    fk_buf_puts(b, ",\"address\":");
    sim_fac_address(r, f, b);
    fk_buf_puts(b, ",\"phone\":");
    sim_fac_phone(f, b);
    if (bad == SIM_BAD_UNKNOWN_FIELD)
        fk_buf_puts(
            b,
            ",\"x_note\":\"unknown field\",\"x_meta\":{\"rev\":3,\"tags\":[\"a\",null]}");
    fk_buf_puts(b, ",\"programs\":{\"eprescription\":");
    put_program(b, f, SIM_EP, s->date, bad, s->date);
    fk_buf_puts(b, ",\"ehr_sharing\":");
    put_program(b, f, SIM_EHR, s->date, bad == SIM_BAD_UNKNOWN_FIELD ? bad : 0,
                s->date);
    fk_buf_puts(b, "}}");
}

size_t sim_page_listed(const sim_snapshot *s, const sim_faults *fs)
{
    long shrt = sim_fault_sum(fs, SIM_F_SHORT),
         extra = sim_fault_sum(fs, SIM_F_EXTRA);
    size_t listed = s->n + (size_t)extra;
    return (size_t)shrt >= listed ? 0 : listed - (size_t)shrt;
}

void sim_render_page(const sim_page_req *q, fk_buf *b)
{
    const sim_snapshot *s = q->snap;
    sim_faults *fs = q->faults;
    int pg = q->page;
    const sim_fault *missing[4] = {0}, *mistype[4] = {0};
    for (size_t i = 0; i < fs->n; i++) {
        const sim_fault *f = &fs->f[i];
        if (f->page != pg) continue;
        if (f->kind == SIM_F_MISSING) missing[f->sub] = f;
        if (f->kind == SIM_F_MISTYPE) mistype[f->sub] = f;
    }
    size_t listed = sim_page_listed(s, fs);
    size_t end = q->offset + q->limit < listed ? q->offset + q->limit : listed;

    fk_buf_reserve(b, (end > q->offset ? end - q->offset : 0) * 420 + 512);
    fk_buf_puts(b, "{\"schema\":");
    fk_buf_puts(b, sim_fault_take(fs, SIM_F_SCHEMA, pg)
                       ? "\"adoption-feed/2\""
                       : "\"adoption-feed/1\"");
    const sim_fault *big = sim_fault_take(fs, SIM_F_BIG, pg);
    if (big) {
        fk_buf_puts(b, ",\"x_padding\":\"");
        char *o = fk_buf_reserve(b, (size_t)big->value);
        if (o) {
            memset(o, 'x', (size_t)big->value);
            b->len += (size_t)big->value;
        }
        fk_buf_puts(b, "\"");
    }
    if (!missing[SIM_FLD_SNAPSHOT]) {
        if (mistype[SIM_FLD_SNAPSHOT])
            fk_buf_puts(b, ",\"snapshot\":20250209");
        else if (sim_fault_take(fs, SIM_F_DRIFT_SNAPSHOT, pg))
            fk_buf_printf(b, ",\"snapshot\":\"%sT05:30:00+09:00\"", s->as_of);
        else
            fk_buf_printf(b, ",\"snapshot\":\"%s\"", s->stamp);
    }
    if (!missing[SIM_FLD_AS_OF]) {
        char d[FK_DATE_LEN];
        if (mistype[SIM_FLD_AS_OF])
            fk_buf_puts(b, ",\"as_of\":true");
        else if (sim_fault_take(fs, SIM_F_DRIFT_ASOF, pg))
            fk_buf_printf(b, ",\"as_of\":\"%s\"",
                          fk_date_format(s->date - 1, d));
        else
            fk_buf_printf(b, ",\"as_of\":\"%s\"", s->as_of);
    }
    if (!missing[SIM_FLD_TOTAL]) {
        size_t total =
            s->n + (sim_fault_take(fs, SIM_F_DRIFT_TOTAL, pg) ? 1 : 0);
        fk_buf_printf(
            b, mistype[SIM_FLD_TOTAL] ? ",\"total\":\"%zu\"" : ",\"total\":%zu",
            total);
    }
    if (!missing[SIM_FLD_FACILITIES]) {
        if (mistype[SIM_FLD_FACILITIES]) {
            fk_buf_puts(b, ",\"facilities\":{}");
        } else {
            fk_buf_puts(b, ",\"facilities\":[");
            for (size_t p = q->offset; p < end; p++) {
                if (p > q->offset) fk_buf_put(b, ",", 1);
                put_record(q, p, b);
            }
            fk_buf_puts(b, "]");
        }
    }
    char cur[96];
    if (sim_fault_take(fs, SIM_F_CURSOR_LOOP, pg)) {
        if (q->cursor_in)
            snprintf(cur, sizeof cur, "%s", q->cursor_in);
        else
            sim_cursor_make(q->offset, s->hash, cur, sizeof cur);
        fk_buf_printf(b, ",\"next_cursor\":\"%s\"}", cur);
    } else if (end < listed) {
        sim_cursor_make(end, s->hash, cur, sizeof cur);
        fk_buf_printf(b, ",\"next_cursor\":\"%s\"}", cur);
    } else {
        fk_buf_puts(b, ",\"next_cursor\":null}");
    }
}

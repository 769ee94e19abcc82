/* names.c - synthetic Japanese facility names, addresses and phone numbers,
 * generated on demand from each facility's seed so the registry stays
 * compact.  A few facilities get awkward names (a comma, double quotes, one
 * close to the 200-character limit) that exporters must survive. */
#include "sim/sim.h"

#include <stdio.h>
#include <string.h>

#define N(a)       (sizeof(a) / sizeof((a)[0]))
#define PICK(a, h) ((a)[(h) % N(a)])

static const char *const kana[] = {
    "さくら",   "みどり",   "ひまわり", "あおば", "つばさ",   "すずらん",
    "たんぽぽ", "こすもす", "ほほえみ", "ひかり", "のぞみ",   "あさひ",
    "わかば",   "やまびこ", "かえで",   "けやき", "なごみ",   "いずみ",
    "ふたば",   "すみれ",   "あじさい", "つくし", "こもれび", "はるか",
};
static const char *const kanji[] = {
    "青葉", "若葉", "旭",   "光",   "希望", "中央", "本町", "栄",
    "緑",   "清水", "松風", "白樺", "朝日", "平和", "幸",   "協和",
    "昭和", "誠",   "慈恵", "仁愛", "博愛", "恵",   "共立", "太陽",
};
static const char *const family[] = {
    "佐藤", "鈴木", "高橋", "田中", "伊藤",   "渡辺", "山本", "中村",
    "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上",
    "木村", "林",   "斎藤", "清水", "山崎",   "森",   "池田", "橋本",
};
static const char *const dept[] = {
    "内科",       "小児科",     "整形外科",   "皮膚科",
    "眼科",       "耳鼻咽喉科", "心療内科",   "消化器内科",
    "循環器内科", "産婦人科",   "泌尿器科",   "形成外科",
    "脳神経外科", "呼吸器内科", "糖尿病内科", "外科",
};
static const char *const chain[] = {
    "あおい", "ことぶき", "ふれあい",   "すこやか",
    "ハート", "グリーン", "サンライズ", "オリーブ",
};
static const char *const branch[] = {
    "駅前", "本町", "中央", "北口", "南口", "東口", "西口", "病院前",
};

static void cat(char *out, size_t n, const char *s)
{
    size_t l = strlen(out), m = strlen(s);
    if (l + m >= n) m = n - l - 1;
    memcpy(out + l, s, m);
    out[l + m] = '\0';
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

static void plain_name(const sim_muni *m, int type, uint64_t h, char *o,
                       size_t n)
{
    unsigned v = (unsigned)(h % 6);
    h >>= 3;
    const char *a = PICK(kana, h), *k = PICK(kanji, h >> 5),
               *fam = PICK(family, h >> 10);
    const char *d = PICK(dept, h >> 15), *st = m->stem;
    const char *parts[5] = {0};
    switch (type) {
    case FK_HOSPITAL: {
        const char *o1 = m->owner;
        const char *const pat[6][5] = {
            {st, "病院"},
            {o1, st, "病院"},
            {fam, "記念病院"},
            {st, "中央病院"},
            {"医療法人", k, "会 ", st, "病院"},
            {k, "総合病院"},
        };
        memcpy(parts, pat[v], sizeof pat[v]);
        break;
    }
    case FK_CLINIC: {
        const char *const pat[6][5] = {
            {a, d, "クリニック"}, {fam, d, "医院"},
            {st, d, "診療所"},    {k, d, "クリニック"},
            {fam, "クリニック"},  {st, "駅前", d, "クリニック"},
        };
        memcpy(parts, pat[v], sizeof pat[v]);
        break;
    }
    case FK_DENTAL: {
        const char *const pat[6][5] = {
            {a, "歯科医院"}, {fam, "歯科"},    {a, "デンタルクリニック"},
            {k, "歯科医院"}, {st, "駅前歯科"}, {fam, "歯科クリニック"},
        };
        memcpy(parts, pat[v], sizeof pat[v]);
        break;
    }
    default: {
        const char *c = PICK(chain, h >> 20), *b = PICK(branch, h >> 24);
        const char *const pat[6][5] = {
            {a, "薬局"},
            {a, "薬局 ", b, "店"},
            {c, "薬局 ", st, "店"},
            {fam, "調剤薬局"},
            {k, "薬局"},
            {c, "薬局 ", st, "駅前店"},
        };
        memcpy(parts, pat[v], sizeof pat[v]);
    }
    }
    for (int i = 0; i < 5 && parts[i]; i++) cat(o, n, parts[i]);
}

void sim_fac_name(const sim_registry *r, const sim_fac *f, fk_buf *out)
{
    char name[800] = "";
    const sim_muni *m = &r->munis.m[f->muni];
    uint64_t h = sim_mix(f->seed ^ r->seed);
    static const char *const kind_suffix[FK_NTYPE] = {"病院", "内科クリニック",
                                                      "歯科医院", "薬局"};
    switch (f->special) {
    case SIM_NAME_COMMA:
        cat(name, sizeof name, "医療法人");
        cat(name, sizeof name, PICK(kanji, h >> 40));
        cat(name, sizeof name, "会, ");
        plain_name(m, f->type, h, name + strlen(name),
                   sizeof name - strlen(name));
        break;
    case SIM_NAME_QUOTE:
        cat(name, sizeof name, "\"");
        cat(name, sizeof name, PICK(kana, h >> 40));
        cat(name, sizeof name, "\"");
        cat(name, sizeof name, kind_suffix[f->type]);
        break;
    case SIM_NAME_LONG:
        /* 197 characters: within the contract's 200, longer than any column. */
        cat(name, sizeof name, "医療法人社団");
        for (unsigned i = 0; utf8_chars(name) < 184; i++) {
            cat(name, sizeof name, kanji[(h + i) % N(kanji)]);
            cat(name, sizeof name, kana[(h + i * 7) % N(kana)]);
        }
        while (utf8_chars(name) < 190) cat(name, sizeof name, "会");
        cat(name, sizeof name, "記念内科クリニック");
        break;
    default: plain_name(m, f->type, h, name, sizeof name);
    }
    sim_json_put(out, name);
}

void sim_fac_address(const sim_registry *r, const sim_fac *f, fk_buf *out)
{
    char a[160] = "";
    const sim_muni *m = &r->munis.m[f->muni];
    uint64_t h = sim_mix((uint64_t)f->seed * 31 + 7);
    cat(a, sizeof a, fk_prefs[f->pref - 1].name_ja);
    cat(a, sizeof a, m->row->name_ja);
    cat(a, sizeof a, PICK(kanji, h));
    cat(a, sizeof a, "町");
    char num[32];
    snprintf(num, sizeof num, "%u-%u-%u", (unsigned)(1 + (h >> 8) % 9),
             (unsigned)(1 + (h >> 16) % 30), (unsigned)(1 + (h >> 24) % 40));
    cat(a, sizeof a, num);
    sim_json_put(out, a);
}

void sim_fac_phone(const sim_fac *f, fk_buf *out)
{
    uint64_t h = sim_mix((uint64_t)f->seed * 17 + 3);
    if (f->pref == 13 || f->pref == 27) /* two-digit area codes: 03, 06 */
        fk_buf_printf(out, "\"0%d-%04u-%04u\"", f->pref == 13 ? 3 : 6,
                      (unsigned)(h % 10000), (unsigned)((h >> 16) % 10000));
    else
        fk_buf_printf(out, "\"0%02u-%03u-%04u\"",
                      (unsigned)(11 + (f->pref * 7 + h % 3) % 89),
                      (unsigned)((h >> 8) % 1000),
                      (unsigned)((h >> 24) % 10000));
}

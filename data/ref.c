/* ref.c - the reference tables (see ref.h).  The prefecture rows come from
 * data/prefectures.csv (JIS X 0401 codes, 2020 census); test_ref checks
 * that the two agree. */
#include "data/ref.h"

#include <stdlib.h>
#include <string.h>

const fk_pref fk_prefs[FK_NPREF] = {
    {1, "01", "北海道", "Hokkaido", "北海道", "Hokkaido", 5224614},
    {2, "02", "青森県", "Aomori", "東北", "Tohoku", 1237984},
    {3, "03", "岩手県", "Iwate", "東北", "Tohoku", 1210534},
    {4, "04", "宮城県", "Miyagi", "東北", "Tohoku", 2301996},
    {5, "05", "秋田県", "Akita", "東北", "Tohoku", 959502},
    {6, "06", "山形県", "Yamagata", "東北", "Tohoku", 1068027},
    {7, "07", "福島県", "Fukushima", "東北", "Tohoku", 1833152},
    {8, "08", "茨城県", "Ibaraki", "関東", "Kanto", 2867009},
    {9, "09", "栃木県", "Tochigi", "関東", "Kanto", 1933146},
    {10, "10", "群馬県", "Gunma", "関東", "Kanto", 1939110},
    {11, "11", "埼玉県", "Saitama", "関東", "Kanto", 7344765},
    {12, "12", "千葉県", "Chiba", "関東", "Kanto", 6284480},
    {13, "13", "東京都", "Tokyo", "関東", "Kanto", 14047594},
    {14, "14", "神奈川県", "Kanagawa", "関東", "Kanto", 9237337},
    {15, "15", "新潟県", "Niigata", "中部", "Chubu", 2201272},
    {16, "16", "富山県", "Toyama", "中部", "Chubu", 1034814},
    {17, "17", "石川県", "Ishikawa", "中部", "Chubu", 1132526},
    {18, "18", "福井県", "Fukui", "中部", "Chubu", 766863},
    {19, "19", "山梨県", "Yamanashi", "中部", "Chubu", 809974},
    {20, "20", "長野県", "Nagano", "中部", "Chubu", 2048011},
    {21, "21", "岐阜県", "Gifu", "中部", "Chubu", 1978742},
    {22, "22", "静岡県", "Shizuoka", "中部", "Chubu", 3633202},
    {23, "23", "愛知県", "Aichi", "中部", "Chubu", 7542415},
    {24, "24", "三重県", "Mie", "近畿", "Kinki", 1770254},
    {25, "25", "滋賀県", "Shiga", "近畿", "Kinki", 1413610},
    {26, "26", "京都府", "Kyoto", "近畿", "Kinki", 2578087},
    {27, "27", "大阪府", "Osaka", "近畿", "Kinki", 8837685},
    {28, "28", "兵庫県", "Hyogo", "近畿", "Kinki", 5465002},
    {29, "29", "奈良県", "Nara", "近畿", "Kinki", 1324473},
    {30, "30", "和歌山県", "Wakayama", "近畿", "Kinki", 922584},
    {31, "31", "鳥取県", "Tottori", "中国", "Chugoku", 553407},
    {32, "32", "島根県", "Shimane", "中国", "Chugoku", 671126},
    {33, "33", "岡山県", "Okayama", "中国", "Chugoku", 1888432},
    {34, "34", "広島県", "Hiroshima", "中国", "Chugoku", 2799702},
    {35, "35", "山口県", "Yamaguchi", "中国", "Chugoku", 1342059},
    {36, "36", "徳島県", "Tokushima", "四国", "Shikoku", 719559},
    {37, "37", "香川県", "Kagawa", "四国", "Shikoku", 950244},
    {38, "38", "愛媛県", "Ehime", "四国", "Shikoku", 1334841},
    {39, "39", "高知県", "Kochi", "四国", "Shikoku", 691527},
    {40, "40", "福岡県", "Fukuoka", "九州・沖縄", "Kyushu-Okinawa", 5135214},
    {41, "41", "佐賀県", "Saga", "九州・沖縄", "Kyushu-Okinawa", 811442},
    {42, "42", "長崎県", "Nagasaki", "九州・沖縄", "Kyushu-Okinawa", 1312317},
    {43, "43", "熊本県", "Kumamoto", "九州・沖縄", "Kyushu-Okinawa", 1738301},
    {44, "44", "大分県", "Oita", "九州・沖縄", "Kyushu-Okinawa", 1123852},
    {45, "45", "宮崎県", "Miyazaki", "九州・沖縄", "Kyushu-Okinawa", 1069576},
    {46, "46", "鹿児島県", "Kagoshima", "九州・沖縄", "Kyushu-Okinawa",
     1588256},
    {47, "47", "沖縄県", "Okinawa", "九州・沖縄", "Kyushu-Okinawa", 1467480},
};

const fk_type_info fk_types[FK_NTYPE] = {
    {FK_HOSPITAL, "hospital", "病院", "Hospitals", '1'},
    {FK_CLINIC, "clinic", "医科診療所", "Medical clinics", '1'},
    {FK_DENTAL, "dental", "歯科診療所", "Dental clinics", '3'},
    {FK_PHARMACY, "pharmacy", "薬局", "Pharmacies", '4'},
};

const fk_program_info fk_programs[FK_NPROGRAM] = {
    {"eprescription", "電子処方箋", "Electronic prescriptions"},
    {"ehr_sharing", "電子カルテ情報共有サービス",
     "EHR information sharing service"},
};

const fk_barrier_info fk_barriers[FK_NBARRIER] = {
    {"安全に運用できるか不安", "Unsure it runs safely"},
    {"度重なる改修の負担・ベンダー逼迫", "Repeated changes; busy vendors"},
    {"ベンダーが機能に未対応", "Vendor lacks the functions"},
    {"導入費用", "Cost of introduction"},
    {"近隣施設が未導入", "Nearby facilities not adopted"},
    {"患者からの要望がない", "No demand from patients"},
    {"電子カルテ未導入", "No electronic health records"},
};

const fk_outcome_info fk_outcomes[FK_NOUTCOME] = {
    {"reached", "対応あり", "Reached"},
    {"unreachable", "不通", "Unreachable"},
    {"declined", "導入せず", "Declined"},
    {"will_adopt", "導入予定", "Will adopt"},
    {"adopted", "導入済", "Adopted"},
};

int fk_outcome_by_name(const char *s)
{
    for (int i = 0; s && i < FK_NOUTCOME; i++)
        if (!strcmp(fk_outcomes[i].key, s) ||
            !strcmp(fk_outcomes[i].label_ja, s))
            return i;
    return -1;
}

const fk_pref *fk_pref_by_code(int code)
{
    return code >= 1 && code <= FK_NPREF ? &fk_prefs[code - 1] : NULL;
}

const fk_pref *fk_pref_by_str(const char *s)
{
    if (!s || !*s || strlen(s) > 2) return NULL;
    int v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return NULL;
        v = v * 10 + (*p - '0');
    }
    return fk_pref_by_code(v);
}

int fk_type_by_key(const char *key)
{
    for (int i = 0; key && i < FK_NTYPE; i++)
        if (strcmp(fk_types[i].key, key) == 0) return i;
    return -1;
}

const fk_program_info *fk_program_by_key(const char *key)
{
    for (int i = 0; key && i < FK_NPROGRAM; i++)
        if (strcmp(fk_programs[i].key, key) == 0) return &fk_programs[i];
    return NULL;
}

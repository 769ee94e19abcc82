#!/usr/bin/env python3
"""peer.py - the pull an analyst would write instead of fukyu: the peer that
`make bench` measures fukyu against (issue 13).  One requests session follows
the cursors with limit=5000, checks schema, snapshot, as_of and total across
pages, keeps every record in memory, then in one transaction executemany()s
the facilities into one table and each program's status and since into
another (primary key code, program, as_of), with WAL on.  No history, no
series, no per-record rules.  usage: peer.py BASE_URL DB"""
import sqlite3
import sys

import requests


def pull(base):
    s = requests.Session()
    url = base.rstrip("/") + "/v1/facilities"
    params, head, seen, recs = {"limit": 5000}, None, set(), []
    while True:
        r = s.get(url, params=params, timeout=60)
        r.raise_for_status()
        page = r.json()
        if page.get("schema") != "adoption-feed/1":
            sys.exit("peer: schema is not adoption-feed/1")
        h = (page["snapshot"], page["as_of"], page["total"])
        if head is None:
            head = h
        elif h != head:
            sys.exit("peer: snapshot, as_of or total changed between pages")
        recs.extend(page["facilities"])
        c = page.get("next_cursor")
        if not c:
            break
        if c in seen:
            sys.exit("peer: a cursor repeats")
        seen.add(c)
        params = {"limit": 5000, "cursor": c}
    if len(recs) != head[2]:
        sys.exit(f"peer: {len(recs)} records but total says {head[2]}")
    return head[1], recs


def store(db, as_of, recs):
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE IF NOT EXISTS facility(code TEXT PRIMARY KEY,"
                " type, name, prefecture, municipality, beds, address, phone)")
    con.execute("CREATE TABLE IF NOT EXISTS status(code TEXT, program TEXT,"
                " status TEXT, since TEXT, as_of TEXT,"
                " PRIMARY KEY(code, program, as_of))")
    with con:
        con.executemany(
            "INSERT OR REPLACE INTO facility VALUES(?,?,?,?,?,?,?,?)",
            ((f["code"], f["type"], f["name"], f["prefecture"],
              f.get("municipality"), f.get("beds"), f.get("address"),
              f.get("phone")) for f in recs))
        con.executemany(
            "INSERT OR REPLACE INTO status VALUES(?,?,?,?,?)",
            ((f["code"], p, v.get("status"), v.get("since"), as_of)
             for f in recs for p, v in f["programs"].items()))
    con.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: peer.py BASE_URL DB")
    as_of, recs = pull(sys.argv[1])
    store(sys.argv[2], as_of, recs)
    print(f"peer: {len(recs)} facilities as of {as_of}")

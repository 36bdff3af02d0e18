"""Ingest N generated short reports into SQLite and into PostgreSQL; time an indexed query.

Reports are analyst-note style texts over a year, 60 towns in 6 countries, several event types,
with about a third of them retelling an earlier incident (other outlet, other figure) so that
merging is exercised. Each store is fresh. Prints reports/s for each database, counts, and the
time of `ceasefire events --since --country` (median of 5 runs) on the result.

    python bench/store_ingest.py [--reports 100000] [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

TOWNS = {
    "UA": ["Kharkiv", "Kherson", "Odesa", "Mykolaiv", "Zaporizhzhia", "Nikopol", "Sumy", "Chernihiv", "Kramatorsk", "Pokrovsk"],
    "AM": ["Jermuk", "Sotk", "Berd", "Vardenis", "Goris", "Kapan", "Ijevan", "Chambarak", "Yeraskh", "Tegh"],
    "SD": ["El Fasher", "Omdurman", "Khartoum", "Nyala", "Wad Madani", "El Obeid", "Kadugli", "Sennar", "Kosti", "Geneina"],
    "ML": ["Gao", "Timbuktu", "Mopti", "Kidal", "Menaka", "Segou", "Djenne", "Bandiagara", "Douentza", "Niono"],
    "MM": ["Lashio", "Myawaddy", "Sittwe", "Hpakant", "Kalay", "Monywa", "Hakha", "Loikaw", "Bhamo", "Myitkyina"],
    "SO": ["Mogadishu", "Baidoa", "Kismayo", "Beledweyne", "Jowhar", "Afgooye", "Marka", "Bosaso", "Dhusamareb", "Garowe"],
}
ACTORS = {"UA": "Russian forces", "AM": "Azerbaijani forces", "SD": "The RSF", "ML": "JNIM militants",
          "MM": "Myanmar military aircraft", "SO": "Al-Shabaab militants"}
VERBS = ["shelled", "attacked positions near", "struck", "fired rockets at"]


def reports(n: int, seed: int = 11):
    rng = random.Random(seed)
    start = dt.date(2023, 1, 1)
    told = []
    for i in range(n):
        if told and rng.random() < 0.33:  # another outlet retells an earlier incident
            day, country, town, verb, killed = rng.choice(told[-500:])
            killed += rng.choice([0, 1, 2])
            text = f"{ACTORS[country]} {verb} {town} on {day:%d %B %Y}, leaving at least {killed} people dead, officials said."
        else:
            day = start + dt.timedelta(days=rng.randrange(365))
            country = rng.choice(list(TOWNS))
            town = rng.choice(TOWNS[country])
            verb = rng.choice(VERBS)
            killed = rng.randint(0, 6)
            told.append((day, country, town, verb, killed))
            text = f"On {day:%d %B %Y}, {ACTORS[country]} {verb} {town}, killing {killed} civilians, according to local sources. Ref {i}."
        yield {"id": f"b{i}", "text": text, "published": (day + dt.timedelta(days=1)).isoformat(), "source": f"Outlet {i % 37}"}


def run(url: str, n: int) -> dict:
    import ceasefire
    from ceasefire.io import parse_date
    from ceasefire.store import EventFilter, Store
    from ceasefire.store.ingest import ingest

    store = Store.open(url)
    list(ceasefire.extract_many(list(reports(3))))  # warm up lexicon and gazetteer
    start = time.perf_counter()
    summary = ingest(iter(reports(n)), store)
    seconds = time.perf_counter() - start
    timings = []
    flt = EventFilter(since=parse_date("2023-06-01"), until=parse_date("2023-06-30"), country="UA")
    for _ in range(5):
        t = time.perf_counter()
        rows = list(store.query_events(flt))
        timings.append(time.perf_counter() - t)
    return {"url": url.split("@")[-1], "reports": n, "seconds": seconds, "per_s": n / seconds,
            "events": store.counts()["events"], "merged": summary.events_merged, "failed": summary.failed,
            "query_ms": statistics.median(timings) * 1000, "query_rows": len(rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.reports))
    import psycopg

    name = f"ceasefire_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        results.append(run(args.pg.rsplit("/", 1)[0] + "/" + name, args.reports))
    finally:
        from ceasefire.store import Store  # noqa: F401  (engines are disposed at exit)
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for r in results:
        print(f"{r['url'][:40]:<42} {r['reports']:>7} reports  {r['seconds']:>8.1f} s  {r['per_s']:>7.1f} reports/s  "
              f"{r['events']:>7} events ({r['merged']} merges)  query {r['query_ms']:.1f} ms for {r['query_rows']} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())

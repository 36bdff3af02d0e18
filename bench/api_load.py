"""Latency of the HTTP API under load: 100,000 events in the store, the server (`ceasefire serve`,
one process) pinned to one core, a local load generator on the other keeping 100 requests in flight.

Four requests, each for a random country and month (20 countries x 24 months, about 200 events):

- events:   /api/events?country=XX&since=YYYY-MM-01&until=YYYY-MM-last&limit=100
- timeline: /api/timeline?country=XX&since=...&until=...   (events, fatalities, violations per day)
- map:      /api/events.geojson?country=XX&since=...&until=...   (the page's GeoJSON layer)
- export:   /api/export?format=geojson&country=XX&since=...&until=...   (streamed full records)

Each runs twice: with the server's response cache off (`--cache-seconds 0`: every request goes to
the database), and with the default 2 s cache. Prints p50/p95/max latency and requests/s.

The events are written straight into the store's tables (the records are copies of events the
extractor coded from generated notes, with other dates, places and counts), since this measures
reading, not ingesting.

    python bench/api_load.py [--events 100000] [--seconds 10] [--concurrency 100] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNTRIES = {  # centre of the box events are scattered in
    "UA": (48.5, 35.0), "AM": (40.0, 45.0), "AZ": (40.3, 47.5), "SD": (14.0, 30.0), "ML": (15.0, -2.0),
    "MM": (21.0, 96.0), "SO": (4.0, 45.5), "SY": (35.0, 38.0), "YE": (15.5, 45.0), "NG": (11.0, 10.0),
    "BF": (12.5, -1.5), "CD": (-1.5, 28.5), "ET": (11.5, 39.0), "AF": (34.0, 67.0), "IQ": (34.0, 44.0),
    "LY": (31.0, 17.0), "CO": (4.0, -74.0), "MX": (20.0, -101.0), "PK": (32.0, 71.0), "NE": (14.5, 4.0),
}
TEMPLATES = [
    "On 14 September 2022, Azerbaijani forces shelled Jermuk with artillery, killing two soldiers and wounding five.",
    "On 3 June 2022, Russian forces shelled Kharkiv, killing two civilians.",
    "On 12 May 2023, RSF fighters clashed with the Sudanese army in Omdurman; 7 fighters were killed.",
    "On 2 March 2023, a drone strike by the Turkish army hit a vehicle near Qamishli, killing 3 SDF members.",
    "On 8 April 2023, JNIM militants attacked a military post near Gao, killing 4 soldiers.",
    "On 20 January 2023, hundreds of people protested peacefully in Yerevan against the government.",
    "On 5 July 2023, al-Shabaab detonated an IED near Baidoa, wounding 6 civilians.",
    "On 17 October 2022, unidentified gunmen abducted 12 villagers near Zamfara.",
]
START = dt.date(2022, 1, 1)
MONTHS = [(2022 + m // 12, m % 12 + 1) for m in range(24)]


def templates() -> list[dict]:
    import ceasefire

    out = []
    for i, text in enumerate(TEMPLATES):
        out += [e.to_json_dict() for e in ceasefire.extract(text, published="2023-12-31", source="Bench", report_id=f"t{i}")]
    return out


def fill(url: str, n: int, seed: int = 5) -> None:
    """Write n events (with their places and actors) straight into the store's tables."""
    from sqlalchemy import insert

    from ceasefire.store import Store
    from ceasefire.store.tables import actors, events, places

    rng = random.Random(seed)
    base = templates()
    store = Store.open(url)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store.engine.begin() as conn:
        actor_ids = {}
        for t in base:
            for a in (t.get("actor1"), t.get("actor2")):
                if a and a["name"] not in actor_ids:
                    actor_ids[a["name"]] = conn.execute(insert(actors).values(name=a["name"], side=a.get("side"),
                                                                              kind=a.get("kind"))).inserted_primary_key[0]
        place_ids = {}
        for country, (lat, lon) in COUNTRIES.items():
            for k in range(50):
                spot = (f"{country} town {k}", round(lat + rng.uniform(-2, 2), 4), round(lon + rng.uniform(-2, 2), 4))
                place_ids[(country, k)] = (conn.execute(insert(places).values(name=spot[0], country=country, lat=spot[1],
                                                                             lon=spot[2])).inserted_primary_key[0], spot)
        batch = []
        for i in range(n):
            record = json.loads(json.dumps(rng.choice(base)))
            country = rng.choice(list(COUNTRIES))
            place_id, (name, lat, lon) = place_ids[(country, rng.randrange(50))]
            day = START + dt.timedelta(days=rng.randrange(730))
            killed = rng.choice([0, 0, 1, 2, 3, 5, 8, 13])
            record.update(event_id=f"bench{i:07d}", date=day.isoformat(),
                          location={"name": name, "country": country, "admin1": None, "lat": lat, "lon": lon,
                                    "precision": "town"},
                          fatalities={"low": killed, "best": killed, "high": killed + rng.randrange(3)},
                          number_of_sources=1, sources=["Bench"], reports=1)
            a1, a2 = record.get("actor1") or {}, record.get("actor2") or {}
            batch.append({
                "event_uid": record["event_id"], "event_type": record["event_type"],
                "sub_event_type": record["sub_event_type"], "date": day, "date_precision": "day",
                "place_id": place_id, "location": name, "country": country, "admin1": None, "lat": lat, "lon": lon,
                "geo_precision": "town", "actor1_id": actor_ids.get(a1.get("name")), "actor2_id": actor_ids.get(a2.get("name")),
                "actor1_side": a1.get("side"), "actor2_side": a2.get("side"), "fatalities_low": killed,
                "fatalities_best": killed, "fatalities_high": record["fatalities"]["high"], "wounded_low": None,
                "wounded_best": None, "wounded_high": None, "ceasefire_violation": bool(record.get("ceasefire_violation")),
                "contested": False, "number_of_sources": 1, "record": json.dumps(record), "words": "",
                "review_state": "machine", "created_at": now, "updated_at": now})
            if len(batch) == 5000:
                conn.execute(insert(events), batch)
                batch = []
        if batch:
            conn.execute(insert(events), batch)
    store.close()


def paths(kind: str, rng: random.Random) -> str:
    country = rng.choice(list(COUNTRIES))
    year, month = rng.choice(MONTHS)
    since, until = f"{year}-{month:02d}-01", f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    window = f"country={country}&since={since}&until={until}"
    return {"events": f"/api/events?{window}&limit=100", "timeline": f"/api/timeline?{window}",
            "map": f"/api/events.geojson?{window}", "export": f"/api/export?format=geojson&{window}"}[kind]


async def _client(host: str, port: int, kind: str, deadline: float, latencies: list[float], rng: random.Random,
                  errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            path = paths(kind, rng)
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            status = await reader.readline()
            length, chunked = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "transfer-encoding" and "chunked" in value:
                    chunked = True
            if chunked:
                while True:
                    head = await reader.readline()
                    if not head:
                        raise ConnectionError(f"{path}: the server closed the stream ({status!r})")
                    size = int(head.strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status.startswith(b"HTTP/1.1 200"):
                errors.append(status.decode().strip())
    finally:
        writer.close()


async def load(host: str, port: int, kind: str, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    rng = random.Random(kind)
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_client(host, port, kind, deadline, latencies, random.Random(rng.random()), errors)
                           for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    ms = sorted(x * 1000 for x in latencies)
    return {"requests": len(ms), "errors": len(errors), "rps": round(len(ms) / elapsed, 1),
            "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[int(len(ms) * 0.95)], 1),
            "max_ms": round(ms[-1], 1)}


def serve(url: str, port: int, cache_seconds: float) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "ceasefire", "serve", "--db", url, "--port", str(port), "--cache-seconds", str(cache_seconds)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: os.sched_setaffinity(0, {0}))
    import httpx

    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/meta", timeout=2)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server did not start: {proc.stderr.read()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--db", help="an empty store to fill (default: a temporary SQLite file)")
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'load.db'}"
        began = time.perf_counter()
        fill(url, args.events)
        print(f"store: {args.events:,} events written in {time.perf_counter() - began:.0f} s ({url.split(':')[0]})")
        if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
            os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[1:]))  # the generator keeps off the server's core
        results = {}
        for cache in (0.0, 2.0):
            proc = serve(url, args.port, cache)
            try:
                for kind in ("events", "timeline", "map", "export"):
                    asyncio.run(load("127.0.0.1", args.port, kind, 2.0, args.concurrency))  # warm up
                    result = asyncio.run(load("127.0.0.1", args.port, kind, args.seconds, args.concurrency))
                    results[f"{kind}, cache {'off' if cache == 0 else f'{cache:g} s'}"] = result
                    print(f"{kind:9} cache {'off' if cache == 0 else 'on ':3}  " + "  ".join(f"{k} {v}" for k, v in result.items()))
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        print(json.dumps({"events_in_store": args.events, "concurrency": args.concurrency, "results": results}, indent=1))


if __name__ == "__main__":
    main()

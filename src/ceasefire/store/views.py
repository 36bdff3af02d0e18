"""Read-only views of the store for the HTTP API and the page: one event with everything behind it,
reports, places, timeline counts and what the store holds.

    detail = event_detail(store, 12)       # {"event", "reports", "claims", "history"}
    features = map_features(store, EventFilter(country="AZ"), limit=20_000)
    series = timeline(store, EventFilter(country="AZ"), interval="week", by="side")
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlalchemy import and_, case, func, select

from ..errors import NotFoundError
from ..extract.lexicon import default_lexicon
from .repository import EventFilter, Store
from .review import history
from .tables import actors, claims, events, mentions, places, report_copies, reports, sources

INTERVALS = ("day", "week")
GROUPINGS = {"none": None, "side": events.c.actor1_side, "admin1": events.c.admin1, "country": events.c.country}


def _outlets(conn, report_ids: list[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    rows = conn.execute(
        select(report_copies.c.report_id, report_copies.c.url, sources.c.name)
        .select_from(report_copies.outerjoin(sources, report_copies.c.source_id == sources.c.id))
        .where(report_copies.c.report_id.in_(report_ids)).order_by(report_copies.c.id))
    for report_id, url, name in rows:
        out[report_id].append({"source": name, "url": url})
    return out


def event_detail(store: Store, event_id: int) -> dict:
    """The reconciled event, every report that told it (text, outlets, what it said with its
    evidence), each source's claims, and the review history."""
    with store.engine.connect() as conn:
        row = conn.execute(select(events.c.record, events.c.review_state).where(events.c.id == event_id)).first()
        if row is None:
            raise NotFoundError(f"no event {event_id}")
        event = json.loads(row.record)
        event["store_id"], event["review_state"] = event_id, row.review_state
        told = conn.execute(
            select(mentions.c.id, mentions.c.record, reports.c.id.label("report_id"), reports.c.report_key,
                   reports.c.url, reports.c.published, reports.c.text, sources.c.name.label("source"))
            .select_from(mentions.join(reports, mentions.c.report_id == reports.c.id)
                         .outerjoin(sources, reports.c.source_id == sources.c.id))
            .where(mentions.c.event_id == event_id).order_by(mentions.c.id)).all()
        outlets = _outlets(conn, sorted({r.report_id for r in told}))
        claim_rows = conn.execute(
            select(claims.c.mention_id, claims.c.source, claims.c.field, claims.c.value)
            .where(claims.c.event_id == event_id).order_by(claims.c.id)).all()
    return {
        "event": event,
        "reports": [{"report_id": r.report_id, "report_key": r.report_key, "source": r.source,
                     "outlets": outlets.get(r.report_id, []), "url": r.url, "published": r.published.isoformat(),
                     "text": r.text, "mention_id": r.id, "mention": json.loads(r.record)} for r in told],
        "claims": [{"mention_id": c.mention_id, "source": c.source, "field": c.field,
                    "value": None if c.value is None else json.loads(c.value)} for c in claim_rows],
        "history": history(store, event_id),
    }


def has_event(store: Store, event_id: int) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(select(events.c.id).where(events.c.id == event_id)).first() is not None


def map_features(store: Store, flt: EventFilter, limit: int) -> list[dict]:
    """Placed events as GeoJSON features with the few properties a map needs (no records parsed)."""
    a1, a2 = actors.alias("a1"), actors.alias("a2")
    c = events.c
    query = (select(c.id, c.date, c.event_type, c.sub_event_type, c.location, c.lat, c.lon, c.fatalities_best,
                    c.number_of_sources, c.review_state, a1.c.name.label("actor1"), a2.c.name.label("actor2"))
             .select_from(events.outerjoin(a1, c.actor1_id == a1.c.id).outerjoin(a2, c.actor2_id == a2.c.id))
             .where(c.lat.is_not(None), *flt.conditions()).order_by(c.date.desc(), c.id).limit(limit))
    with store.engine.connect() as conn:
        return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                 "properties": {"store_id": r.id, "date": r.date.isoformat(), "event_type": r.event_type,
                                "sub_event_type": r.sub_event_type, "location": r.location,
                                "fatalities": r.fatalities_best, "actor1": r.actor1, "actor2": r.actor2,
                                "number_of_sources": r.number_of_sources, "review_state": r.review_state}}
                for r in conn.execute(query)]


def list_reports(store: Store, limit: int = 50, offset: int = 0) -> list[dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(reports.c.id, reports.c.report_key, reports.c.url, reports.c.published, sources.c.name.label("source"),
                   func.substr(reports.c.text, 1, 300).label("excerpt"))
            .select_from(reports.outerjoin(sources, reports.c.source_id == sources.c.id))
            .order_by(reports.c.published.desc(), reports.c.id.desc()).limit(limit).offset(offset)).all()
    return [{"report_id": r.id, "report_key": r.report_key, "url": r.url, "published": r.published.isoformat(),
             "source": r.source, "excerpt": r.excerpt} for r in rows]


def report_detail(store: Store, report_id: int) -> dict:
    with store.engine.connect() as conn:
        r = conn.execute(
            select(reports.c.id, reports.c.report_key, reports.c.url, reports.c.published, reports.c.text,
                   sources.c.name.label("source"))
            .select_from(reports.outerjoin(sources, reports.c.source_id == sources.c.id))
            .where(reports.c.id == report_id)).first()
        if r is None:
            raise NotFoundError(f"no report {report_id}")
        joined = [e for (e,) in conn.execute(select(mentions.c.event_id).where(mentions.c.report_id == report_id)
                                             .order_by(mentions.c.id))]
        outlets = _outlets(conn, [report_id])
    return {"report_id": r.id, "report_key": r.report_key, "url": r.url, "published": r.published.isoformat(),
            "source": r.source, "outlets": outlets.get(report_id, []), "text": r.text, "events": joined}


def list_places(store: Store, q: str | None = None, country: str | None = None, limit: int = 100) -> list[dict]:
    query = (select(places.c.id, places.c.name, places.c.country, places.c.admin1, places.c.lat, places.c.lon,
                    func.count(events.c.id).label("events"))
             .select_from(places.outerjoin(events, events.c.place_id == places.c.id))
             .group_by(places.c.id).order_by(func.count(events.c.id).desc(), places.c.name).limit(limit))
    if q:
        words = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")  # q's own % and _ are letters
        query = query.where(func.lower(places.c.name).like(f"%{words}%", escape="\\"))
    if country:
        query = query.where(places.c.country == country.upper())
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _period(day: dt.date, interval: str) -> str:
    return (day - dt.timedelta(days=day.weekday())).isoformat() if interval == "week" else day.isoformat()


def timeline(store: Store, flt: EventFilter, interval: str = "day", by: str = "none") -> dict:
    """Events, fatalities (best) and ceasefire violations per day or week (a week is named by its
    Monday), in one series or one per actor side, admin1 region or country."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    group = GROUPINGS[by]
    cols = [events.c.date, func.count().label("n"), func.coalesce(func.sum(events.c.fatalities_best), 0).label("f"),
            func.sum(case((events.c.ceasefire_violation, 1), else_=0)).label("c")]
    keys = [events.c.date] + ([group] if group is not None else [])
    query = select(*(cols + ([group.label("key")] if group is not None else []))).where(and_(*flt.conditions())) \
        .group_by(*keys).order_by(events.c.date)
    series: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    with store.engine.connect() as conn:
        for row in conn.execute(query):
            key = (row.key if group is not None else "all") or "unknown"
            point = series[key][_period(row.date, interval)]
            point[0] += row.n
            point[1] += int(row.f or 0)
            point[2] += int(row.c or 0)
    ordered = sorted(series.items(), key=lambda kv: -sum(p[0] for p in kv[1].values()))
    return {"interval": interval, "by": by, "series": [
        {"key": key, "points": [{"period": p, "events": v[0], "fatalities": v[1], "ceasefire_violations": v[2]}
                                for p, v in sorted(points.items())]} for key, points in ordered]}


def store_meta(store: Store) -> dict:
    """What the store holds: the date range, countries, and the taxonomy for filters."""
    with store.engine.connect() as conn:
        first, last, n = conn.execute(select(func.min(events.c.date), func.max(events.c.date), func.count())
                                      .select_from(events)).one()
        countries = [c for (c,) in conn.execute(select(events.c.country).where(events.c.country.is_not(None))
                                                .distinct().order_by(events.c.country))]
        sides = [s for (s,) in conn.execute(select(events.c.actor1_side).where(events.c.actor1_side.is_not(None))
                                            .distinct().order_by(events.c.actor1_side))]
    types: dict[str, list[str]] = defaultdict(list)
    for sub, etype in default_lexicon().sub_event_types.items():
        types[etype].append(sub)
    return {"events": n, "first_date": first and first.isoformat(), "last_date": last and last.isoformat(),
            "countries": countries, "sides": sides, "event_types": dict(types)}

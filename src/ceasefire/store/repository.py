"""The store: the only module that talks SQL. SQLite (a file, WAL) or PostgreSQL, by URL.

    store = Store.open("sqlite:///events.db")          # or postgresql://user@host/db
    outcome = store.add_report(report, events)          # one transaction per report
    rows = store.query_events(EventFilter(country="AZ"))
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, and_, create_engine, event, false, func, insert, literal, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..models import Event, Report
from . import merge, review
from .tables import (
    actors,
    claims,
    events,
    mentions,
    pending_references,
    places,
    report_copies,
    reports,
    sources,
    store_state,
)

DEFAULT_URL = "sqlite:///ceasefire.db"
CLAIM_FIELDS = ("sub_event_type", "date", "location", "actor1", "actor2", "fatalities", "wounded", "claimed_by", "denied_by")


def normalize_url(url: str) -> str:
    """A database URL SQLAlchemy understands: postgresql:// uses psycopg (version 3)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:  # a bare path is an SQLite file
        return f"sqlite:///{url}"
    return url


def text_hashes(text: str) -> tuple[str, str | None]:
    """Hashes of a text's normalised words: the whole, and the body without its first paragraph
    (so that a syndicated copy under another headline or dateline is recognised)."""
    def norm(t: str) -> str:
        t = unicodedata.normalize("NFKC", t).lower()
        return " ".join(re.findall(r"\w+", t))

    full = hashlib.sha1(norm(text).encode()).hexdigest()
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", text.strip()) if p.strip()]
    body = hashlib.sha1(norm("\n".join(paragraphs[1:])).encode()).hexdigest() if len(paragraphs) >= 3 else None
    return full, body


@dataclass
class IngestOutcome:
    status: str  # new | duplicate | copy
    report_id: int | None = None
    events_created: int = 0
    events_merged: int = 0


@dataclass
class EventFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None
    sub_event_type: str | None = None
    event_type: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    admin1: str | None = None
    side: str | None = None  # either actor's side
    text: str | None = None  # words that must all appear in the place, actors or evidence
    states: tuple[str, ...] | None = None  # review states; None: every state but "rejected"
    limit: int | None = None
    offset: int = 0

    def conditions(self) -> list:
        """The filter as SQL conditions on the events table (indexed columns first)."""
        c = events.c
        out = []
        if self.since:
            out.append(c.date >= self.since)
        if self.until:
            out.append(c.date <= self.until)
        if self.country:
            out.append(c.country == self.country.upper())
        if self.sub_event_type:
            out.append(c.sub_event_type == self.sub_event_type)
        if self.event_type:
            out.append(c.event_type == self.event_type)
        if self.admin1:
            out.append(c.admin1 == self.admin1)
        if self.side:
            out.append((c.actor1_side == self.side) | (c.actor2_side == self.side))
        if self.bbox:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            out += [c.lon >= min_lon, c.lon <= max_lon, c.lat >= min_lat, c.lat <= max_lat]
        for word in re.findall(r"\w+", (self.text or "").lower())[:8]:
            like = f"%{word}%"
            out.append(func.lower(c.location).like(like) | c.words.like(like)
                       | func.lower(c.record).like(like))
        out.append(c.review_state.in_(self.states) if self.states else c.review_state != "rejected")
        return out


@dataclass
class Store:
    engine: Engine
    url: str

    @classmethod
    def open(cls, url: str = DEFAULT_URL, migrate: bool = True, pool_size: int = 5) -> Store:
        """Open (and migrate) a store; ``pool_size`` connections are kept, as many again may be opened
        under load (a server streaming many exports at once wants more)."""
        url = normalize_url(url)
        pool = {"pool_size": pool_size, "max_overflow": pool_size}
        try:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": 30}, **pool)

                @event.listens_for(engine, "connect")
                def _sqlite_pragmas(dbapi_conn, _record):  # WAL: a reader and a writer at once
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute("PRAGMA synchronous=NORMAL")
                    cur.execute("PRAGMA foreign_keys=ON")
                    cur.execute("PRAGMA busy_timeout=30000")
                    cur.close()
            else:
                engine = create_engine(url, pool_pre_ping=True, **pool)
            store = cls(engine, url)
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreError(f"cannot open the store at {_safe(url)}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None
        if migrate:
            try:
                store.migrate()
            except (SQLAlchemyError, CommandError) as exc:
                engine.dispose()
                raise StoreError(f"cannot open the store at {_safe(url)}: {exc.__class__.__name__}: "
                                 f"{str(exc).splitlines()[0]}") from None
        return store

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def migrate(self) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(str(resources.files("ceasefire.store").joinpath("migrations")))))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    # ------------------------------------------------------------------ writing

    def add_report(self, report: Report, found: list[Event], reference: dict | None = None) -> IngestOutcome:
        """Store one report and its events in one transaction, merging them into known incidents.

        ``reference`` (for a report with no event: the place, date and claims it refers to) is
        attached as a claim to the matching stored event, if there is one."""
        full, body = text_hashes(report.text)
        try:
            with self.engine.begin() as conn:
                return self._add(conn, report, found, full, body, reference)
        except SQLAlchemyError as exc:
            raise StoreError(f"{report.id}: could not be stored: {str(exc).splitlines()[0]}") from None

    def _add(self, conn: Connection, report: Report, found: list[Event], full: str, body: str | None,
             reference: dict | None = None) -> IngestOutcome:
        if report.url and conn.execute(select(report_copies.c.id).where(report_copies.c.url == report.url)).first():
            return IngestOutcome("duplicate")
        hashes = [h for h in (full, body) if h]
        existing = conn.execute(
            select(reports.c.id).where(reports.c.content_hash.in_(hashes) | reports.c.body_hash.in_(hashes)).limit(1)
        ).first()
        self.bump(conn)  # before any write: writers queue here, and readers' caches see the change
        source_id = self._source_id(conn, report.source)
        if existing is not None:
            have = conn.execute(select(report_copies.c.id).where(
                report_copies.c.report_id == existing.id, report_copies.c.source_id == source_id)).first()
            if have is not None and not report.url:
                return IngestOutcome("duplicate", existing.id)
            conn.execute(insert(report_copies).values(report_id=existing.id, source_id=source_id, url=report.url))
            for (event_id,) in conn.execute(select(mentions.c.event_id).where(mentions.c.report_id == existing.id).distinct()):
                self._rebuild_event(conn, event_id)
            return IngestOutcome("copy", existing.id)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        report_id = conn.execute(insert(reports).values(
            report_key=report.id, source_id=source_id, url=report.url, published=report.published, language="en",
            content_hash=full, body_hash=body, text=report.text, ingested_at=now)).inserted_primary_key[0]
        conn.execute(insert(report_copies).values(report_id=report_id, source_id=source_id, url=report.url))
        outcome = IngestOutcome("new", report_id)
        created = []
        for ev in found:
            record = ev.to_json_dict()
            target = merge.best_match(record, report_id, self._candidates(conn, record))
            if target is None:
                event_id = conn.execute(insert(events).values(
                    **self._event_columns(conn, record), event_uid=ev.event_id, record=json.dumps(record),
                    created_at=now, updated_at=now, number_of_sources=1)).inserted_primary_key[0]
                outcome.events_created += 1
                created.append(event_id)
            else:
                event_id = target.event_id
                outcome.events_merged += 1
            mention_id = conn.execute(insert(mentions).values(
                event_id=event_id, report_id=report_id, record=json.dumps(record))).inserted_primary_key[0]
            conn.execute(insert(claims), [
                {"event_id": event_id, "mention_id": mention_id, "source": report.source, "field": f,
                 "value": json.dumps(record.get(f))} for f in CLAIM_FIELDS])
            self._rebuild_event(conn, event_id)
        for event_id in created:
            self._attach_pending(conn, event_id)
        if not found and reference is not None:
            target = merge.best_match(reference, report_id, self._candidates(conn, reference))
            if target is not None:
                self._attach_reference(conn, target.event_id, report_id, report.source, reference)
                outcome.events_merged += 1
            else:  # the report of the incident may come later: kept until an event it fits is created
                conn.execute(insert(pending_references).values(
                    report_id=report_id, date=dt.date.fromisoformat(reference["date"]), record=json.dumps(reference)))
        return outcome

    def _attach_reference(self, conn: Connection, event_id: int, report_id: int, source: str | None,
                          reference: dict) -> None:
        """A statement with no event of its own joins an event: its claims and outlet, no figures."""
        mention_id = conn.execute(insert(mentions).values(
            event_id=event_id, report_id=report_id, record=json.dumps(reference))).inserted_primary_key[0]
        conn.execute(insert(claims), [
            {"event_id": event_id, "mention_id": mention_id, "source": source, "field": f,
             "value": json.dumps(reference.get(f))} for f in ("claimed_by", "denied_by", "denial")])
        self._rebuild_event(conn, event_id)

    def _attach_pending(self, conn: Connection, event_id: int) -> None:
        """Attach to a newly created event the waiting statements that fit it (a denial published
        before the report of the incident it denies), by the same rule as a statement arriving later."""
        row = conn.execute(select(events.c.record, events.c.words, events.c.date).where(events.c.id == event_id)).one()
        waiting = conn.execute(
            select(pending_references.c.id, pending_references.c.report_id, pending_references.c.record, sources.c.name)
            .select_from(pending_references.join(reports, pending_references.c.report_id == reports.c.id)
                         .outerjoin(sources, reports.c.source_id == sources.c.id))
            .where(pending_references.c.date.between(row.date - dt.timedelta(days=3), row.date + dt.timedelta(days=3)))
            .order_by(pending_references.c.id)).all()
        for pending_id, report_id, text, source in waiting:
            reference = json.loads(text)
            event = merge.Candidate(event_id, json.loads(row.record), set(), set((row.words or "").split()))
            found = merge.score(reference, merge.words_of(reference), report_id, event)
            if found is not None and found >= merge.THRESHOLD:
                self._attach_reference(conn, event_id, report_id, source, reference)
                conn.execute(pending_references.delete().where(pending_references.c.id == pending_id))

    @staticmethod
    def bump(conn: Connection) -> None:
        """Raise the store's version in this write transaction. Call it before the transaction's
        first write: on PostgreSQL the row lock makes concurrent writers queue in one order."""
        conn.execute(update(store_state).where(store_state.c.id == 1).values(version=store_state.c.version + 1))

    def version(self) -> int:
        """The store's version: it changes whenever its content does (one primary-key lookup)."""
        with self.engine.connect() as conn:
            return conn.execute(select(store_state.c.version).where(store_state.c.id == 1)).scalar_one()

    def _source_id(self, conn: Connection, name: str | None) -> int | None:
        if not name:
            return None
        row = conn.execute(select(sources.c.id).where(sources.c.name == name)).first()
        if row is not None:
            return row.id
        return conn.execute(insert(sources).values(name=name)).inserted_primary_key[0]

    def _candidates(self, conn: Connection, record: dict) -> list[merge.Candidate]:
        """Stored events that could be the same incident: an indexed window of dates, the same
        country, and (when the mention is placed in a town) a box of about 60 km around it; events
        placed only in a region or a country of their own are kept too. Each comes with what its
        sources said (their mentions), which the match compares one by one."""
        day = dt.date.fromisoformat(record["date"])
        query = select(events.c.id, events.c.record, events.c.words).where(
            events.c.date >= day - dt.timedelta(days=7), events.c.date <= day + dt.timedelta(days=7))
        loc = record.get("location") or {}
        wide = loc.get("precision") in ("region", "country")
        named = _named_together(record)
        if loc.get("country") and wide:
            query = query.where((events.c.country == loc["country"]) | (events.c.country.is_(None)) | named)
        elif loc.get("lat") is not None:  # a box, across borders: each side reports its own side of the line
            query = query.where(  # or the same name placed elsewhere: the gazetteer may have chosen another namesake
                events.c.lat.is_(None) | events.c.geo_precision.in_(("region", "country")) | named
                | (events.c.lat.between(loc["lat"] - 0.6, loc["lat"] + 0.6) & events.c.lon.between(loc["lon"] - 0.9, loc["lon"] + 0.9)))
        rows = conn.execute(query.order_by(events.c.id.desc()).limit(300)).all()  # the latest 300 at most
        if not rows:
            return []
        ids = [r.id for r in rows]
        reports_of: dict[int, set[int]] = {}
        said: dict[int, list[dict]] = {}
        for event_id, report_id, text in conn.execute(
                select(mentions.c.event_id, mentions.c.report_id, mentions.c.record).where(mentions.c.event_id.in_(ids))):
            reports_of.setdefault(event_id, set()).add(report_id)
            mention = json.loads(text)
            if not mention.get("reference"):
                said.setdefault(event_id, []).append(mention)
        return [merge.Candidate(r.id, json.loads(r.record), reports_of.get(r.id, set()), set((r.words or "").split()),
                                said.get(r.id, [])) for r in rows]

    def _rebuild_event(self, conn: Connection, event_id: int) -> None:
        rows = conn.execute(
            select(mentions.c.record, mentions.c.report_id).where(mentions.c.event_id == event_id).order_by(mentions.c.id)
        ).all()
        records = [json.loads(r.record) for r in rows]
        report_ids = sorted({r.report_id for r in rows})
        words = sorted(set().union(*(merge.words_of(r) for r in records)))
        copies = conn.execute(
            select(report_copies.c.report_id, sources.c.name)
            .select_from(report_copies.outerjoin(sources, report_copies.c.source_id == sources.c.id))
            .where(report_copies.c.report_id.in_(report_ids))
        ).all()
        outlets = [name for _rid, name in copies if name]
        merged = merge.reconcile(records, outlets)
        # distinct outlets; a report that names none counts as a source of its own
        anonymous = {rid for rid in report_ids if not any(r == rid and name for r, name in copies)}
        merged["number_of_sources"] = len(set(outlets)) + len(anonymous)
        merged["reports"] = len(report_ids)
        review.apply_overrides(conn, event_id, merged)  # an analyst's corrections stay put
        cols = self._event_columns(conn, merged)
        conn.execute(update(events).where(events.c.id == event_id).values(
            **cols, record=json.dumps(merged), words=" ".join(words), number_of_sources=merged["number_of_sources"],
            contested=merged["contested"], updated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))

    def _event_columns(self, conn: Connection, record: dict) -> dict:
        loc = record.get("location") or {}
        fat = record.get("fatalities") or {}
        wnd = record.get("wounded") or {}
        return {
            "event_type": record["event_type"], "sub_event_type": record["sub_event_type"],
            "date": dt.date.fromisoformat(record["date"]), "date_precision": record.get("date_precision", "day"),
            "place_id": self._place_id(conn, loc) if loc.get("name") else None,
            "location": loc.get("name"), "country": loc.get("country"), "admin1": loc.get("admin1"),
            "lat": loc.get("lat"), "lon": loc.get("lon"), "geo_precision": loc.get("precision"),
            "actor1_id": self._actor_id(conn, record.get("actor1")), "actor2_id": self._actor_id(conn, record.get("actor2")),
            "actor1_side": (record.get("actor1") or {}).get("side"), "actor2_side": (record.get("actor2") or {}).get("side"),
            "fatalities_low": fat.get("low"), "fatalities_best": fat.get("best"), "fatalities_high": fat.get("high"),
            "wounded_low": wnd.get("low"), "wounded_best": wnd.get("best"), "wounded_high": wnd.get("high"),
            "ceasefire_violation": bool(record.get("ceasefire_violation")),
        }

    def _place_id(self, conn: Connection, loc: dict) -> int:
        row = conn.execute(select(places.c.id).where(places.c.name == loc["name"], places.c.country.is_(loc.get("country"))
                                                     if loc.get("country") is None else places.c.country == loc["country"])).first()
        if row is not None:
            return row.id
        return conn.execute(insert(places).values(name=loc["name"], country=loc.get("country"), admin1=loc.get("admin1"),
                                                  lat=loc.get("lat"), lon=loc.get("lon"))).inserted_primary_key[0]

    def _actor_id(self, conn: Connection, actor: dict | None) -> int | None:
        if not actor:
            return None
        row = conn.execute(select(actors.c.id).where(actors.c.name == actor["name"])).first()
        if row is not None:
            return row.id
        return conn.execute(insert(actors).values(name=actor["name"], side=actor.get("side"),
                                                  kind=actor.get("kind"))).inserted_primary_key[0]

    # ------------------------------------------------------------------ reading

    def query_events(self, flt: EventFilter | None = None) -> Iterator[dict]:
        """Merged events as records (newest first), filtered through indexed columns."""
        try:
            yield from self._query_events(flt or EventFilter())
        except SQLAlchemyError as exc:
            raise StoreError(f"query failed: {str(exc).splitlines()[0]}") from None

    def _query_events(self, flt: EventFilter) -> Iterator[dict]:
        for store_id, record, state in self.query_event_rows(flt):
            event = json.loads(record)
            event["store_id"], event["review_state"] = store_id, state
            yield event

    def query_event_rows(self, flt: EventFilter) -> Iterator[tuple[int, str, str]]:
        """(store id, the event's JSON text, review state), newest first: the fast path for the API."""
        query = select(events.c.id, events.c.record, events.c.review_state).order_by(events.c.date.desc(), events.c.id)
        query = query.where(and_(*flt.conditions()))
        if flt.limit is not None:
            if flt.limit < 0 or flt.offset < 0:
                raise StoreError("limit and offset must not be negative")
            query = query.limit(flt.limit)
        if flt.offset:
            query = query.offset(flt.offset)
        try:
            with self.engine.connect() as conn:
                for row in conn.execute(query):
                    yield row[0], row[1], row[2]
        except SQLAlchemyError as exc:
            raise StoreError(f"query failed: {str(exc).splitlines()[0]}") from None

    def mentions_of(self, store_id: int) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(mentions.c.record, reports.c.report_key, reports.c.url, reports.c.published)
                .select_from(mentions.join(reports, mentions.c.report_id == reports.c.id))
                .where(mentions.c.event_id == store_id).order_by(mentions.c.id)).all()
        return [dict(json.loads(r.record), report_key=r.report_key, url=r.url) for r in rows]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for name, t in (("reports", reports), ("report_copies", report_copies), ("events", events),
                                    ("mentions", mentions), ("claims", claims), ("sources", sources))}

    def canonical_dump(self) -> dict[str, list]:
        """The store's content without row ids or timestamps, sorted: two stores holding the same
        data give equal dumps whatever ids their databases handed out."""
        with self.engine.connect() as conn:
            report_rows = sorted(conn.execute(select(reports.c.report_key, reports.c.content_hash, reports.c.published,
                                                     reports.c.url)).all())
            copies = sorted(conn.execute(
                select(reports.c.report_key, report_copies.c.url, sources.c.name)
                .select_from(report_copies.join(reports, report_copies.c.report_id == reports.c.id)
                             .outerjoin(sources, report_copies.c.source_id == sources.c.id))).all(), key=repr)
            event_rows = sorted(conn.execute(select(events.c.event_uid, events.c.sub_event_type, events.c.date,
                                                    events.c.country, events.c.fatalities_best, events.c.number_of_sources,
                                                    events.c.record)).all(), key=repr)
            mention_rows = sorted(conn.execute(
                select(events.c.event_uid, reports.c.report_key, mentions.c.record)
                .select_from(mentions.join(events, mentions.c.event_id == events.c.id)
                             .join(reports, mentions.c.report_id == reports.c.id))).all(), key=repr)
            claim_rows = sorted(conn.execute(
                select(events.c.event_uid, claims.c.source, claims.c.field, claims.c.value)
                .select_from(claims.join(events, claims.c.event_id == events.c.id))).all(), key=repr)
        return {"reports": [tuple(r) for r in report_rows], "copies": [tuple(r) for r in copies],
                "events": [tuple(r) for r in event_rows], "mentions": [tuple(r) for r in mention_rows],
                "claims": [tuple(r) for r in claim_rows]}

    def report_events(self) -> dict[str, list[str]]:
        """For each report key, the uids of the events its mentions joined (in mention order)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(reports.c.report_key, events.c.event_uid)
                .select_from(mentions.join(events, mentions.c.event_id == events.c.id)
                             .join(reports, mentions.c.report_id == reports.c.id)).order_by(mentions.c.id)).all()
        out: dict[str, list[str]] = {}
        for key, uid in rows:
            out.setdefault(key, []).append(uid)
        return out

    # ------------------------------------------------------------------ bulk loading (ceasefire load)

    def add_reports(self, batch: list[tuple[Report, list[Event], dict | None]]) -> list[IngestOutcome]:
        """Store many coded reports, in order, in one transaction: each exactly as :meth:`add_report`
        stores it (the same dedupe and merge), and a crash leaves all of the batch or none of it.
        Raises :class:`StoreError` when any of them cannot be stored (nothing of the batch is kept)."""
        try:
            with self.engine.begin() as conn:
                return [self._add(conn, report, found, *text_hashes(report.text), reference)
                        for report, found, reference in batch]
        except SQLAlchemyError as exc:
            raise StoreError(f"a batch of {len(batch)} reports could not be stored: {str(exc).splitlines()[0]}") from None


def _named_together(record: dict):
    """Events that name a mention's place, or are placed at a place it names beside its own, wherever the
    gazetteer put either ("al-Daraj" in Gaza City and the Libyan Daraj; "Raipura upazila of Narsingdi")."""
    loc = record.get("location") or {}
    names = [n for n in [loc.get("name"), *(record.get("places_named") or [])] if n]
    if not names:
        return false()
    found = func.lower(events.c.location).in_([n.lower() for n in names])
    padded = literal(" ") + events.c.words + literal(" ")  # the place names its sources tell (sorted, space-separated)
    for name in names:
        words = merge.words_of({"evidence": [{"text": name}]})
        if words:
            found = found | padded.like(f"% {max(sorted(words), key=len)} %")
    return found


def _safe(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)

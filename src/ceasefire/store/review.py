"""Review: what analysts do to stored events, and who may do it.

    token = create_token(store, "alice")                 # shown once; only its hash is stored
    author = author_of(store, token)                     # "alice", or AuthError
    correct(store, 12, {"wounded": {"best": 15}}, author, note="MoD update")
    review(store, 12, "confirm", author)
    keep = merge_events(store, [12, 40], author)
    new_id = split_event(store, 12, [mention_id], author)
    history(store, 12)                                   # every change, with the previous value

A corrected field is pinned in ``overrides``: ``Store._rebuild_event`` reconciles the reports'
claims as usual, then puts the analyst's value back, so reports that arrive later do not undo a
correction. Every action is a row in ``changes`` (who, when, field, old and new value, note).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import AuthError, NotFoundError, ReviewError, StoreError
from ..extract.lexicon import default_lexicon
from .tables import api_tokens, changes, claims, events, mentions, overrides

if TYPE_CHECKING:
    from .repository import Store

ACTIONS = {"confirm": "confirmed", "reject": "rejected", "reopen": "machine"}
CORRECTABLE = ("event_type", "sub_event_type", "date", "location", "actor1", "actor2", "fatalities", "wounded")
MAX_NAME = 300
MAX_ID = 2**31 - 1  # the largest id an Integer column holds on PostgreSQL


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ------------------------------------------------------------------ tokens

def create_token(store: Store, name: str) -> str:
    """A new write token for ``name``; the token itself is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 120 or not name.isprintable():
        raise ReviewError("a token name must be 1-120 printable characters")
    token = "cf_" + secrets.token_urlsafe(32)
    try:
        with store.engine.begin() as conn:  # a revoked token's name may be given to a new token
            conn.execute(delete(api_tokens).where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_not(None)))
            conn.execute(insert(api_tokens).values(name=name, token_hash=_hash(token), created_at=_now()))
    except IntegrityError:
        raise ReviewError(f"a token named {name!r} exists already; revoke it first or choose another name") from None
    return token


def list_tokens(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.revoked_at)
                            .order_by(api_tokens.c.id)).all()
    return [{"name": r.name, "created_at": r.created_at.isoformat(), "revoked_at": r.revoked_at and r.revoked_at.isoformat()}
            for r in rows]


def revoke_token(store: Store, name: str) -> None:
    with store.engine.begin() as conn:
        done = conn.execute(update(api_tokens).where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
                            .values(revoked_at=_now())).rowcount
    if not done:
        raise NotFoundError(f"no active token named {name!r}")


def author_of(store: Store, token: str | None) -> str:
    """The name of the token's holder; AuthError when the token is missing, unknown or revoked."""
    if not token:
        raise AuthError("this needs a token: send 'Authorization: Bearer <token>' (create one with `ceasefire tokens create NAME`)")
    with store.engine.connect() as conn:
        row = conn.execute(select(api_tokens.c.name, api_tokens.c.revoked_at)
                           .where(api_tokens.c.token_hash == _hash(token))).first()
    if row is None or row.revoked_at is not None:
        raise AuthError("the token is unknown or revoked")
    return row.name


# ------------------------------------------------------------------ validating a correction

def _text(value: Any, what: str, limit: int = MAX_NAME) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ReviewError(f"{what} must be a non-empty string of at most {limit} characters")
    return value.strip()


def _count(value: Any, old: dict | None) -> dict | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = {"best": value}
    if not isinstance(value, dict) or set(value) - {"low", "best", "high"} or "best" not in value:
        raise ReviewError('a count must be {"low", "best", "high"} with at least "best"')
    for key, n in value.items():
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 10_000_000:
            raise ReviewError(f"count {key} must be a whole number from 0")
    best = value["best"]
    old = old or {}
    low = value.get("low", min(best, old["low"]) if old.get("low") is not None else best)
    high = value.get("high", max(best, old["high"]) if old.get("high") is not None else best)
    if not low <= best <= high:
        raise ReviewError(f"a count needs low <= best <= high, got {low}, {best}, {high}")
    return {"low": low, "best": best, "high": high}


def _location(value: Any) -> dict:
    if not isinstance(value, dict) or set(value) - {"name", "country", "admin1", "lat", "lon"}:
        raise ReviewError('a place must be {"name", "country", "admin1", "lat", "lon"}')
    loc: dict[str, Any] = {"name": _text(value.get("name"), "the place name"), "precision": "analyst"}
    country = value.get("country")
    if country is not None:
        if not isinstance(country, str) or len(country) != 2 or not country.isalpha():
            raise ReviewError("country must be an ISO 3166-1 alpha-2 code such as AZ")
        country = country.upper()
    loc["country"] = country
    loc["admin1"] = _text(value["admin1"], "admin1") if value.get("admin1") else None
    lat, lon = value.get("lat"), value.get("lon")
    if (lat is None) != (lon is None):
        raise ReviewError("give both lat and lon, or neither")
    if lat is not None:
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)) \
                or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ReviewError("lat must be within -90..90 and lon within -180..180")
    loc["lat"], loc["lon"] = (float(lat), float(lon)) if lat is not None else (None, None)
    return loc


def _actor(value: Any, old: dict | None) -> dict | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict) or set(value) - {"name", "side", "kind"}:
        raise ReviewError('an actor must be {"name", "side"}')
    actor = dict(old or {})
    actor["name"] = _text(value.get("name"), "the actor name")
    if "side" in value:
        actor["side"] = _text(value["side"], "the actor side", 120) if value["side"] else None
    if value.get("kind"):
        actor["kind"] = _text(value["kind"], "the actor kind", 60)
    actor.pop("evidence", None)
    return actor


def validate_changes(changes_: dict, current: dict) -> dict[str, Any]:
    """The new values of a correction, checked and normalised; the event type follows a sub-type."""
    if not isinstance(changes_, dict) or not changes_:
        raise ReviewError(f"changes must be an object with one or more of: {', '.join(CORRECTABLE)}")
    unknown = set(changes_) - set(CORRECTABLE)
    if unknown:
        raise ReviewError(f"cannot correct {', '.join(sorted(unknown))}; correctable fields: {', '.join(CORRECTABLE)}")
    subs = default_lexicon().sub_event_types
    out: dict[str, Any] = {}
    for field, value in changes_.items():
        if field == "sub_event_type":
            if not isinstance(value, str) or value not in subs:  # a list or object is not a name (nor hashable)
                raise ReviewError(f"unknown sub-event type {value!r}")
            out[field] = value
            out["event_type"] = subs[value]
        elif field == "event_type":
            if not isinstance(value, str) or value not in set(subs.values()):
                raise ReviewError(f"unknown event type {value!r}")
            out.setdefault(field, value)
        elif field == "date":
            try:
                day = dt.date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                day = None
            if day is None:
                raise ReviewError("date must be an ISO date such as 2022-03-24")
            out[field] = day.isoformat()
        elif field == "location":
            out[field] = _location(value)
        elif field in ("actor1", "actor2"):
            out[field] = _actor(value, current.get(field))
        else:
            out[field] = _count(value, current.get(field))
    sub = out.get("sub_event_type", current.get("sub_event_type"))
    if out.get("event_type") and subs.get(sub) != out["event_type"]:
        raise ReviewError(f"sub-event type {sub!r} does not belong to event type {out['event_type']!r}; correct both")
    return out


# ------------------------------------------------------------------ actions

def _lock(conn: Connection, *event_ids: int) -> None:
    """Hold the events' rows until the transaction ends, so that concurrent corrections queue and each
    reads (and logs as the previous value) what the one before it wrote. A write that changes nothing:
    PostgreSQL locks the row, and SQLite's driver begins the transaction there and takes the write lock
    (a plain SELECT would read outside the transaction)."""
    for event_id in sorted(set(event_ids)):  # one order for everyone: no deadlock between two merges
        conn.execute(update(events).where(events.c.id == event_id).values(updated_at=events.c.updated_at))


def _event_row(conn: Connection, event_id: int):
    _lock(conn, event_id)
    row = conn.execute(select(events.c.id, events.c.record, events.c.review_state).where(events.c.id == event_id)).first()
    if row is None:
        raise NotFoundError(f"no event {event_id}")
    return row


def _log(conn: Connection, event_id: int, action: str, author: str, note: str | None, field: str | None = None,
         old: Any = None, new: Any = None) -> None:
    conn.execute(insert(changes).values(
        event_id=event_id, action=action, field=field, author=author, note=(note or None) and str(note)[:2000],
        old_value=None if old is None else json.dumps(old), new_value=None if new is None else json.dumps(new),
        created_at=_now()))


def _write(store: Store, what: str, fn):
    try:
        with store.engine.begin() as conn:
            store.bump(conn)
            return fn(conn)
    except SQLAlchemyError as exc:
        raise StoreError(f"{what} failed: {str(exc).splitlines()[0]}") from None


def apply_overrides(conn: Connection, event_id: int, merged: dict) -> None:
    """Put the analyst's pinned values over the machine's reconciliation (called by _rebuild_event)."""
    pinned = conn.execute(select(overrides.c.field, overrides.c.value).where(overrides.c.event_id == event_id)).all()
    for field, value in pinned:
        merged[field] = json.loads(value)
    if pinned:
        merged["reviewed_fields"] = sorted(f for f, _ in pinned)


def correct(store: Store, event_id: int, changes_: dict, author: str, note: str | None = None) -> None:
    """Correct fields of an event; each becomes pinned and is logged with its previous value."""
    def run(conn: Connection) -> None:
        row = _event_row(conn, event_id)
        current = json.loads(row.record)
        new = validate_changes(changes_, current)
        pinned = {f for (f,) in conn.execute(select(overrides.c.field).where(overrides.c.event_id == event_id))}
        done = False
        for field, value in new.items():
            if current.get(field) == value and field in pinned:
                continue  # a machine value the analyst repeats is pinned (and logged) all the same
            _log(conn, event_id, "correct", author, note, field, current.get(field), value)
            conn.execute(delete(overrides).where(overrides.c.event_id == event_id, overrides.c.field == field))
            conn.execute(insert(overrides).values(event_id=event_id, field=field, value=json.dumps(value)))
            done = True
        if not done:  # nothing new: no change to log, and the review state stays as it is
            return
        if row.review_state != "rejected":
            conn.execute(update(events).where(events.c.id == event_id).values(review_state="corrected"))
        store._rebuild_event(conn, event_id)
    _write(store, f"correcting event {event_id}", run)


def review(store: Store, event_id: int, action: str, author: str, note: str | None = None) -> str:
    """confirm, reject or reopen an event; returns its new review state."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r}; use one of {', '.join(ACTIONS)}")

    def run(conn: Connection) -> str:
        row = _event_row(conn, event_id)
        state = ACTIONS[action]
        if action == "reopen" and conn.execute(select(overrides.c.field).where(overrides.c.event_id == event_id)).first():
            state = "corrected"
        _log(conn, event_id, action, author, note, "review_state", row.review_state, state)
        conn.execute(update(events).where(events.c.id == event_id).values(review_state=state))
        return state
    return _write(store, f"reviewing event {event_id}", run)


def merge_events(store: Store, ids: list[int], author: str, note: str | None = None) -> int:
    """Move every report of ``ids[1:]`` onto ``ids[0]`` and drop the emptied events; returns ``ids[0]``."""
    if not isinstance(ids, list) or len(set(ids)) < 2 or not all(isinstance(i, int) for i in ids):
        raise ReviewError("merging needs two or more distinct event ids; the first is kept")
    if not all(0 <= i <= MAX_ID for i in ids):
        raise ReviewError(f"event ids are whole numbers from 0 to {MAX_ID}")
    keep, others = ids[0], list(dict.fromkeys(i for i in ids[1:] if i != ids[0]))

    def run(conn: Connection) -> int:
        _lock(conn, keep, *others)
        _event_row(conn, keep)
        for other in others:
            old = json.loads(_event_row(conn, other).record)
            conn.execute(update(mentions).where(mentions.c.event_id == other).values(event_id=keep))
            conn.execute(update(claims).where(claims.c.event_id == other).values(event_id=keep))
            conn.execute(delete(overrides).where(overrides.c.event_id == other))
            conn.execute(delete(events).where(events.c.id == other))
            _log(conn, keep, "merge", author, note, "event", {"event_id": other, "event_uid": old.get("event_id")}, keep)
            _log(conn, other, "merge", author, note, "event", other, {"merged_into": keep})
        store._rebuild_event(conn, keep)
        return keep
    return _write(store, f"merging events {ids}", run)


def split_event(store: Store, event_id: int, mention_ids: list[int], author: str, note: str | None = None) -> int:
    """Move the given mentions (one report's account each) out of an event into a new one; returns its id."""
    if not isinstance(mention_ids, list) or not mention_ids or not all(isinstance(i, int) for i in mention_ids):
        raise ReviewError("splitting needs a list of mention ids")

    def run(conn: Connection) -> int:
        row = _event_row(conn, event_id)
        have = {m for (m,) in conn.execute(select(mentions.c.id).where(mentions.c.event_id == event_id))}
        moving = set(mention_ids)
        if not moving <= have:
            raise ReviewError(f"mentions {sorted(moving - have)} are not part of event {event_id}")
        if moving == have:
            raise ReviewError("a split must leave at least one report in the event")
        first = conn.execute(select(mentions.c.record).where(mentions.c.id == min(moving))).scalar_one()
        record = json.loads(first)
        uid = f"{record.get('event_id') or json.loads(row.record).get('event_id')}-s{min(moving)}"
        now = _now()
        new_id = conn.execute(insert(events).values(
            **store._event_columns(conn, record), event_uid=uid, record=first, created_at=now, updated_at=now,
            number_of_sources=1, review_state="machine")).inserted_primary_key[0]
        conn.execute(update(mentions).where(mentions.c.id.in_(moving)).values(event_id=new_id))
        conn.execute(update(claims).where(claims.c.mention_id.in_(moving)).values(event_id=new_id))
        _log(conn, event_id, "split", author, note, "mentions", sorted(moving), {"new_event": new_id})
        _log(conn, new_id, "split", author, note, "event", {"split_from": event_id}, new_id)
        store._rebuild_event(conn, event_id)
        store._rebuild_event(conn, new_id)
        return new_id
    return _write(store, f"splitting event {event_id}", run)


def history(store: Store, event_id: int) -> list[dict]:
    """Every change made to an event, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(changes).where(changes.c.event_id == event_id).order_by(changes.c.id)).all()
    return [{"id": r.id, "action": r.action, "field": r.field,
             "old": None if r.old_value is None else json.loads(r.old_value),
             "new": None if r.new_value is None else json.loads(r.new_value),
             "author": r.author, "at": r.created_at.isoformat() + "Z", "note": r.note} for r in rows]

"""Merging mentions into events, and reconciling what several sources say.

Matching (a new mention against events stored within a week of it, nearby or in its country):

- the same report never merges with itself (its events are distinct by construction);
- dates more than a day apart (a week for week-precise dates) do not merge;
- event families must agree: battles, explosions and violence against civilians are one
  family (sources disagree on how to code the same strike); protests and riots another;
  strategic developments a third;
- places: within 10 km +3, within 40 km +1.5, farther than 60 km never; the same place name +3;
- actors: +1 for each side both name, -2 when both name sides and share none;
- same ACLED type +1.5, same sub-event type +1;
- the words of the evidence sentences: +3 x their Jaccard similarity.

A mention joins the best event scoring at least ``THRESHOLD``; otherwise it starts a new one.

Reconciliation (UCDP GED's spirit): each source contributes its own low/best/high for a count.
The event's low is the lowest of the sources' lows, its high the highest figure any source gives,
and its best the median of the sources' best figures (the lower median), so that one outlier
neither sets nor drags the best estimate. A source that reports no casualties counts as 0. The
type, date, place and actors are those told by most sources (the earliest report on a tie);
``contested`` is set when sources give different best figures or blame different sides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from ..geo.gazetteer import distance_km, normalize_name

THRESHOLD = 3.5
FAMILIES = {
    "Battles": "violence",
    "Explosions/Remote violence": "violence",
    "Violence against civilians": "violence",
    "Protests": "unrest",
    "Riots": "unrest",
    "Strategic developments": "strategic",
}
_WORD = re.compile(r"[a-z]{4,}")
_STOP = {"said", "that", "with", "were", "from", "their", "have", "this", "they", "which", "after", "according",
         "reported", "forces", "there", "been", "also", "when", "into", "over", "near"}


@dataclass
class Candidate:
    event_id: int
    record: dict  # the event's reconciled record
    report_ids: set[int]
    words: set[str]


def words_of(record: dict) -> set[str]:
    text = " ".join(e["text"] for e in record.get("evidence", []))
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _sides(record: dict) -> set[str]:
    return {a["side"] for a in (record.get("actor1"), record.get("actor2")) if a and a.get("side")}


def score(mention: dict, mention_words: set[str], report_id: int, cand: Candidate) -> float | None:
    """How well a mention fits a stored event; None when it cannot be the same incident.

    A reference (a statement or denial with no event of its own) has no type: it must match on
    place (within 10 km), date and words."""
    if report_id in cand.report_ids:
        return None
    event = cand.record
    if mention.get("reference"):
        ml, el = mention.get("location") or {}, event.get("location") or {}
        if el.get("lat") is None:
            return None
        days = abs((dt.date.fromisoformat(mention["date"]) - dt.date.fromisoformat(event["date"])).days)
        if days > 2 or distance_km(ml["lat"], ml["lon"], el["lat"], el["lon"]) > 10:
            return None
        overlap = len(mention_words & cand.words) / len(mention_words | cand.words) if mention_words and cand.words else 0
        return 4.0 + 3.0 * overlap - days
    if FAMILIES.get(mention["event_type"]) != FAMILIES.get(event["event_type"]):
        return None
    days = abs((dt.date.fromisoformat(mention["date"]) - dt.date.fromisoformat(event["date"])).days)
    slack = 7 if "week" in (mention.get("date_precision"), event.get("date_precision")) else 1
    if days > slack:
        return None
    s = 1.0 if days == 0 else 0.0
    ml, el = mention.get("location") or {}, event.get("location") or {}
    if ml.get("lat") is not None and el.get("lat") is not None:
        km = distance_km(ml["lat"], ml["lon"], el["lat"], el["lon"])
        if km > 60:
            return None
        s += 3.0 if km <= 10 else 1.5 if km <= 40 else 0.0
    elif ml.get("country") and el.get("country") and ml["country"] != el["country"] and not (
            ml.get("lat") is not None or el.get("lat") is not None):
        return None
    if ml.get("name") and el.get("name") and normalize_name(ml["name"]) == normalize_name(el["name"]):
        s += 3.0
    ms, es = _sides(mention), _sides(event)
    if ms and es:
        shared = len(ms & es)
        s += shared if shared else -2.0
    if mention["event_type"] == event["event_type"]:
        s += 1.5
    if mention["sub_event_type"] == event["sub_event_type"]:
        s += 1.0
    if mention_words and cand.words:
        s += 3.0 * len(mention_words & cand.words) / len(mention_words | cand.words)
    return s


def best_match(mention: dict, report_id: int, candidates: list[Candidate]) -> Candidate | None:
    words = words_of(mention)
    scored = [(score(mention, words, report_id, c), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s is not None and s >= THRESHOLD]
    return max(scored, key=lambda x: x[0])[1] if scored else None


def reconcile_count(figures: list[dict | None]) -> dict | None:
    """Reconcile each source's {low, best, high} into one (see the module docstring)."""
    given = [f for f in figures if f]
    if not given:
        return None
    lows = [f["low"] if f.get("low") is not None else f.get("best") for f in given]
    lows = [x for x in lows if x is not None]
    bests = sorted(f["best"] for f in given if f.get("best") is not None)
    highs = [x for f in given for x in (f.get("high"), f.get("best")) if x is not None]
    best = bests[(len(bests) - 1) // 2] if bests else None
    return {"low": min(lows) if lows else None, "best": best, "high": max(highs) if highs else None}


def _vote(values: list, default=None):
    values = [v for v in values if v is not None]
    if not values:
        return default
    counts = Counter(values)
    top = max(counts.values())
    return next(v for v in values if counts[v] == top)


def reconcile(records: list[dict], sources: list[str | None]) -> dict:
    """One event record from the mentions of every source (mentions in report order).
    References (statements and denials with no event of their own) add their claims and outlets
    but no figures."""
    references = [r for r in records if r.get("reference")]
    records = [r for r in records if not r.get("reference")]
    first = records[0]
    merged = dict(first)
    sub = _vote([r["sub_event_type"] for r in records])
    merged["sub_event_type"] = sub
    merged["event_type"] = next(r["event_type"] for r in records if r["sub_event_type"] == sub)
    day = [r for r in records if r.get("date_precision") == "day"] or records
    merged["date"] = min(r["date"] for r in day)
    merged["date_precision"] = "day" if any(r.get("date_precision") == "day" for r in records) else first["date_precision"]
    located = [r["location"] for r in records if r.get("location") and r["location"].get("lat") is not None]
    named = [r["location"] for r in records if r.get("location")]
    pool = located or named
    if pool:
        name = _vote([loc.get("name") for loc in pool])
        merged["location"] = next(loc for loc in pool if loc.get("name") == name)
    for role in ("actor1", "actor2"):
        actors = [r.get(role) for r in records if r.get(role)]
        if actors:
            name = _vote([a["name"] for a in actors])
            merged[role] = next(a for a in actors if a["name"] == name)
    for field in ("fatalities", "wounded"):
        merged[field] = reconcile_count([r.get(field) for r in records])
    merged["ceasefire_violation"] = any(r.get("ceasefire_violation") for r in records)
    territory = [r["territory_change"] for r in records if r.get("territory_change")]
    merged["territory_change"] = territory[0] if territory else None
    weapons: dict[str, dict] = {}
    for r in records:
        for w in r.get("weapons", []):
            weapons.setdefault(w["name"], w)
    merged["weapons"] = list(weapons.values())
    merged["claimed_by"] = sorted({c for r in records + references for c in r.get("claimed_by", [])
                                   if not r.get("denial")})
    merged["denied_by"] = sorted({c for r in records + references for c in r.get("denied_by", [])}
                                 | {c for r in references if r.get("denial") for c in r.get("claimed_by", [])})
    bests = {(r.get("fatalities") or {}).get("best") for r in records if r.get("fatalities")}
    blamed = {(r.get("actor1") or {}).get("side") for r in records if r.get("actor1")}
    merged["contested"] = (len(bests - {None}) > 1 or len(blamed - {None}) > 1 or bool(merged["denied_by"])
                           or any(r.get("denial") for r in references))
    merged["references"] = len(references)
    merged["sources"] = sorted({s for s in sources if s})
    merged["number_of_sources"] = len(merged["sources"]) or 1
    merged["evidence"] = []  # evidence stays with each mention (offsets are into that mention's report)
    merged["report_id"] = None
    return merged

"""Per-field precision, recall and F1 of the extractor against a hand-coded gold set.

Gold files are JSON Lines (format in ``tests/gold/README.md``). Within each report, predicted
events are aligned to gold events greedily by agreement (sub-event type, type, date, place,
actor); then every field is scored as a slot: a predicted value equal to the gold value is a
true positive; a predicted value that is wrong or unwanted is a false positive; a gold value
missed or wrong is a false negative. List fields (weapons, claimed_by) count per item.
Unmatched events count all their filled fields as false positives (predicted) or false
negatives (gold). ``events`` scores the detection of events themselves.

Places are also scored as shares of the gold events: placed within 10 km and 50 km of the gold
coordinates (events with coordinates), admin1 and country correct (events that give them); a
missed event counts as misplaced.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .api import extract_many
from .extract.pipeline import Options
from .models import Event

SCALAR_FIELDS = (
    "event_type", "sub_event_type", "date", "actor1_side", "actor2_side", "fatalities_best",
    "fatalities_low", "wounded_best", "wounded_low", "ceasefire_violation", "territory_change",
    "location", "country",
)
SET_FIELDS = ("weapons", "weapon_classes", "claimed_by")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class GeoScore:
    """Of the gold events with coordinates: how many were placed within 10 and 50 km."""

    located: int = 0
    within_10km: int = 0
    within_50km: int = 0
    admin1_gold: int = 0
    admin1_correct: int = 0
    country_gold: int = 0
    country_correct: int = 0

    def lines(self) -> list[str]:
        def share(a: int, b: int) -> str:
            return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

        return [
            f"placed within 10 km      {share(self.within_10km, self.located)}",
            f"placed within 50 km      {share(self.within_50km, self.located)}",
            f"admin1 correct           {share(self.admin1_correct, self.admin1_gold)}",
            f"country correct          {share(self.country_correct, self.country_gold)}",
        ]


@dataclass
class Evaluation:
    fields: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    geo: GeoScore = field(default_factory=GeoScore)
    reports: int = 0
    failures: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # per report, the fields that were wrong

    def table(self) -> str:
        lines = [f"{'field':<22}{'precision':>10}{'recall':>10}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
        for name in ("events", *SCALAR_FIELDS, *SET_FIELDS):
            s = self.fields[name]
            lines.append(f"{name:<22}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
        lines.append("")
        lines.extend(self.geo.lines())
        return "\n".join(lines)


def _norm(value: object) -> object:
    if isinstance(value, str):
        text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
        return " ".join(text.replace("-", " ").split())
    return value


def gold_view(event: dict) -> dict:
    """The scored fields of a gold event (as written in the gold files)."""
    tc = event.get("territory_change")
    return {
        "event_type": event.get("event_type"),
        "sub_event_type": event.get("sub_event_type"),
        "date": event.get("date"),
        "actor1_side": event.get("actor1_side"),
        "actor2_side": event.get("actor2_side"),
        "fatalities_best": (event.get("fatalities") or {}).get("best"),
        "fatalities_low": (event.get("fatalities") or {}).get("low"),
        "wounded_best": (event.get("wounded") or {}).get("best"),
        "wounded_low": (event.get("wounded") or {}).get("low"),
        "ceasefire_violation": True if event.get("ceasefire_violation") else None,
        "territory_change": tc.get("gained_by") if tc else None,
        "location": event.get("location"),
        "country": event.get("country"),
        "weapons": set(event.get("weapons") or []),
        "weapon_classes": set(event.get("weapon_classes") or []),
        "claimed_by": set(event.get("claimed_by") or []),
        "lat": event.get("lat"),
        "lon": event.get("lon"),
        "admin1": event.get("admin1"),
    }


def predicted_view(event: Event) -> dict:
    loc = event.location
    return {
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "date": event.date.isoformat(),
        "actor1_side": event.actor1.side if event.actor1 else None,
        "actor2_side": event.actor2.side if event.actor2 else None,
        "fatalities_best": event.fatalities.best if event.fatalities else None,
        "fatalities_low": event.fatalities.low if event.fatalities else None,
        "wounded_best": event.wounded.best if event.wounded else None,
        "wounded_low": event.wounded.low if event.wounded else None,
        "ceasefire_violation": True if event.ceasefire_violation else None,
        "territory_change": event.territory_change.gained_by if event.territory_change else None,
        "location": loc.name if loc else None,
        "country": loc.country if loc else None,
        "weapons": {w.name for w in event.weapons},
        "weapon_classes": {w.weapon_class for w in event.weapons},
        "claimed_by": set(event.claimed_by),
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "admin1": loc.admin1 if loc else None,
    }


def _same_admin(a: str, b: str) -> bool:
    """Admin names agree across spellings: "Vayots' Dzori" / "Vayots Dzor", "Kharkiv Oblast" / "Kharkiv"."""
    from rapidfuzz import fuzz

    from .geo.gazetteer import normalize_name

    strip = lambda x: re.sub(r"\b(?:region|province|oblast|governorate|state|district|marz|rayon|city|division)\b", "", normalize_name(x)).strip()  # noqa: E731
    x, y = strip(a), strip(b)
    return bool(x and y) and (x == y or fuzz.ratio(x, y) >= 85 or x.startswith(y) or y.startswith(x))


def _score_geo(geo: GeoScore, g: dict, p: dict | None) -> None:
    from .geo.gazetteer import distance_km

    if g.get("lat") is not None:
        geo.located += 1
        if p and p.get("lat") is not None:
            km = distance_km(g["lat"], g["lon"], p["lat"], p["lon"])
            geo.within_10km += km <= 10
            geo.within_50km += km <= 50
    if g.get("admin1"):
        geo.admin1_gold += 1
        geo.admin1_correct += bool(p and p.get("admin1") and _same_admin(p["admin1"], g["admin1"]))
    if g.get("country"):
        geo.country_gold += 1
        geo.country_correct += bool(p and p.get("country") == g["country"])


def _agreement(g: dict, p: dict) -> float:
    score = 0.0
    score += 2 if g["sub_event_type"] == p["sub_event_type"] else 0
    score += 1 if g["event_type"] == p["event_type"] else 0
    score += 1 if g["date"] == p["date"] else 0
    score += 1 if g["location"] and _norm(g["location"]) == _norm(p["location"]) else 0
    score += 0.5 if g["actor1_side"] and g["actor1_side"] == p["actor1_side"] else 0
    return score


def align(gold: list[dict], predicted: list[dict]) -> list[tuple[int, int]]:
    pairs = sorted(
        ((_agreement(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    single = len(gold) == 1 and len(predicted) == 1
    for score, gi, pi in pairs:
        if gi in used_g or pi in used_p or (score < 1 and not single):
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def _score_pair(scores: dict[str, Score], g: dict | None, p: dict | None, wrong: list[str]) -> None:
    for name in SCALAR_FIELDS:
        gv = _norm(g[name]) if g else None
        pv = _norm(p[name]) if p else None
        if gv is not None and pv == gv:
            scores[name].tp += 1
            continue
        if pv is not None:
            scores[name].fp += 1
        if gv is not None:
            scores[name].fn += 1
        if g and p and (gv is not None or pv is not None):
            wrong.append(f"{name}: gold={g[name]!r} got={p[name]!r}")
    for name in SET_FIELDS:
        gs = {_norm(v) for v in g[name]} if g else set()
        ps = {_norm(v) for v in p[name]} if p else set()
        scores[name].tp += len(gs & ps)
        scores[name].fp += len(ps - gs)
        scores[name].fn += len(gs - ps)
        if g and p and gs != ps:
            wrong.append(f"{name}: gold={sorted(gs)} got={sorted(ps)}")


def load_gold(paths: Iterable[str | Path]) -> list[dict]:
    reports = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for n, line in enumerate(handle, 1):
                if line.strip():
                    try:
                        reports.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{n}: malformed gold line: {exc}") from None
    return reports


def evaluate(gold_reports: list[dict], n_process: int = 1, use_ner: bool = False,
             progress: Callable[[int], None] | None = None, options: Options | None = None) -> Evaluation:
    result = Evaluation()
    inputs = ({"id": r["id"], "text": r["text"], "published": r["published"], "source": r.get("source")}
              for r in gold_reports)
    for n, (gold, out) in enumerate(zip(gold_reports, extract_many(inputs, n_process=n_process, use_ner=use_ner, options=options), strict=True), 1):
        result.reports += 1
        if out.error is not None:
            result.failures.append(f"{gold['id']}: {out.error}")
        g_events = [gold_view(e) for e in gold["events"]]
        p_events = [predicted_view(e) for e in out.events]
        pairs = align(g_events, p_events)
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        events = result.fields["events"]
        events.tp += len(pairs)
        events.fp += len(p_events) - len(pairs)
        events.fn += len(g_events) - len(pairs)
        wrong: list[str] = []
        for gi, pi in pairs:
            _score_pair(result.fields, g_events[gi], p_events[pi], wrong)
            _score_geo(result.geo, g_events[gi], p_events[pi])
        for gi in set(range(len(g_events))) - matched_g:
            _score_pair(result.fields, g_events[gi], None, wrong)
            _score_geo(result.geo, g_events[gi], None)
            wrong.append(f"missed event: {g_events[gi]['sub_event_type']} {g_events[gi]['date']}")
        for pi in set(range(len(p_events))) - matched_p:
            _score_pair(result.fields, None, p_events[pi], wrong)
            wrong.append(f"extra event: {p_events[pi]['sub_event_type']} {p_events[pi]['date']}")
        if wrong:
            result.errors.append({"id": gold["id"], "wrong": wrong})
        if progress:
            progress(n)
    return result


# ------------------------------------------------------------------ merging across reports


@dataclass
class MergeEvaluation:
    """Pairwise scores of the clustering of reports into incidents."""

    pairs: Score
    reports: int
    incidents: int
    events: int
    unplaced: list[str]  # reports that produced no event
    reconciled: list[dict]  # per gold incident: the event it became, with its counts and sources
    clusters: dict[str, str] = field(default_factory=dict)  # report id -> the stored event it joined ("none:<id>")
    gold: list[dict] = field(default_factory=list)  # the gold reports, in the order they were ingested
    mentions: dict[str, list[dict]] = field(default_factory=dict)  # report id -> what the extractor coded of it

    def explain(self) -> list[str]:
        """The clustering's errors, for finding their causes: each gold incident split over several
        stored events (with what each report was coded as, and the merge score's parts for the first
        pair across the split), then each stored event that joined reports of several incidents."""
        by_incident: dict[str, list[dict]] = {}
        for r in self.gold:
            by_incident.setdefault(r["incident"], []).append(r)
        lines: list[str] = []
        for incident, members in by_incident.items():
            groups: dict[str, list[dict]] = {}
            for r in members:
                groups.setdefault(self.clusters[r["id"]], []).append(r)
            if len(groups) < 2 and not any(k.startswith("none:") for k in groups):
                continue
            lines.append(f"SPLIT {incident}: {len(members)} reports in {len(groups)} events")
            for key, group in groups.items():
                for r in group:
                    lines.append(f"  [{key}] {r['id']} {r['published']}: {self._summary(r['id'])}")
            firsts = [g[0]["id"] for k, g in groups.items() if not k.startswith("none:")]
            for a, b in itertools.pairwise(firsts):
                lines.append(f"  {a} vs {b}: {self._parts(a, b)}")
        clusters: dict[str, list[dict]] = {}
        for r in self.gold:
            if not self.clusters[r["id"]].startswith("none:"):
                clusters.setdefault(self.clusters[r["id"]], []).append(r)
        for key, group in clusters.items():
            incidents = {r["incident"] for r in group}
            if len(incidents) < 2:
                continue
            lines.append(f"MERGED event {key}: incidents {', '.join(sorted(incidents))}")
            for r in group:
                lines.append(f"  ({r['incident']}) {r['id']} {r['published']}: {self._summary(r['id'])}")
            heads = {}
            for r in group:
                heads.setdefault(r["incident"], r["id"])
            ids = list(heads.values())
            for a, b in itertools.pairwise(ids):
                lines.append(f"  {a} vs {b}: {self._parts(a, b)}")
        return lines

    def _summary(self, report_id: str) -> str:
        from .store import merge

        found = self.mentions.get(report_id) or []
        if not found:
            return "no event"
        parts = []
        for m in found:
            loc, told = m.get("location") or {}, merge._date_told(m)
            if m.get("reference"):
                parts.append(f"reference {m['date']} told={told!r} place={loc.get('name')}")
                continue
            sides = "/".join(str((m.get(role) or {}).get("side")) for role in ("actor1", "actor2"))
            weapons = ",".join(sorted({w.get("class") or w["name"] for w in m.get("weapons") or []}))
            parts.append(f"{m['date']} told={told!r} place={loc.get('name')}({loc.get('precision')},{loc.get('country')},"
                         f"{loc.get('admin1')}) {m['sub_event_type']} sides={sides} weapons={weapons or '-'} "
                         f"fat={(m.get('fatalities') or {}).get('best')}")
        return " | ".join(parts)

    def _parts(self, a: str, b: str) -> str:
        from .store import merge

        ma, mb = (self.mentions.get(a) or [None])[0], (self.mentions.get(b) or [None])[0]
        if ma is None or mb is None:
            return "one has no event"
        if ma.get("reference") or mb.get("reference"):
            return "a reference (no event of its own)"
        words_a = merge.words_of(ma)
        cand = merge.Candidate(0, mb, set(), merge.words_of(mb), [mb])
        total = merge.score(ma, words_a, -1, cand)
        return (f"score={total} (threshold {merge.THRESHOLD}) families={sorted(map(str, merge._families(ma) & merge._families(mb)))} "
                f"date={merge._date_score(ma, mb)} place={merge._place_score(ma.get('location') or {}, mb.get('location') or {})} "
                f"pair={merge._pair_score(ma, mb)} means={sorted(merge._means(ma))}/{sorted(merge._means(mb))} "
                f"kind={merge._kind(ma)}/{merge._kind(mb)} words={merge.text_similarity(words_a, cand):.2f}")

    def table(self) -> str:
        p = self.pairs
        return (f"{self.reports} reports of {self.incidents} incidents -> {self.events} stored events\n"
                f"pairwise precision {p.precision:.3f}  recall {p.recall:.3f}  F1 {p.f1:.3f}  "
                f"(tp {p.tp}, fp {p.fp}, fn {p.fn}); reports with no event: {len(self.unplaced)}")


def evaluate_merge(gold_reports: list[dict], db_url: str | None = None) -> MergeEvaluation:
    """Ingest the gold reports (in publication order) into a store and score the incidents it
    forms against the gold incident labels, pair by pair: a pair of reports told of the same
    incident is a true positive when both joined the same stored event."""
    import tempfile

    from .extract.pipeline import make_report, reference_for
    from .store import Store

    ordered = sorted(gold_reports, key=lambda r: (r["published"], r["id"]))
    coded: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(db_url or f"sqlite:///{tmp}/merge.db") as store:
            reports = [make_report(r["text"], r["published"], source=r.get("source"), report_id=r["id"], url=r.get("url"))
                       for r in ordered]
            for result in extract_many(reports):
                reference = reference_for(result.report) if not result.events else None
                coded[result.report.id] = [ev.to_json_dict() for ev in result.events] or ([reference] if reference else [])
                store.add_report(result.report, result.events, reference)
            joined = store.report_events()
            records = {r["event_id"]: r for r in store.query_events()}
    cluster = {r["id"]: (joined.get(r["id"]) or [f"none:{r['id']}"])[0] for r in ordered}
    copy_of = {}  # syndicated copies store no mention of their own: they share their original's event
    by_hash: dict[str, str] = {}
    from .store.repository import text_hashes

    for r in ordered:
        full, body = text_hashes(r["text"])
        original = by_hash.get(full) or (by_hash.get(body) if body else None)
        if original and r["id"] not in joined:
            copy_of[r["id"]] = original
        by_hash.setdefault(full, r["id"])
        if body:
            by_hash.setdefault(body, r["id"])
    for rid, original in copy_of.items():
        cluster[rid] = cluster[original]
    pairs = Score()
    for a, b in itertools.combinations(ordered, 2):
        same_gold = a["incident"] == b["incident"]
        same_pred = cluster[a["id"]] == cluster[b["id"]] and not cluster[a["id"]].startswith("none:")
        pairs.tp += same_gold and same_pred
        pairs.fp += same_pred and not same_gold
        pairs.fn += same_gold and not same_pred
    incidents: dict[str, list[dict]] = {}
    for r in ordered:
        incidents.setdefault(r["incident"], []).append(r)
    reconciled = []
    for incident, members in sorted(incidents.items()):
        uid = Counter(cluster[m["id"]] for m in members).most_common(1)[0][0]
        record = records.get(uid, {})
        reconciled.append({"incident": incident, "reports": len(members), "event": uid,
                           "fatalities": record.get("fatalities"), "wounded": record.get("wounded"),
                           "number_of_sources": record.get("number_of_sources"), "contested": record.get("contested")})
    return MergeEvaluation(pairs, len(ordered), len(incidents), len(set(cluster.values())),
                           [rid for rid, uid in cluster.items() if uid.startswith("none:")], reconciled, cluster,
                           ordered, coded)

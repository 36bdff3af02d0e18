"""List the report pairs a merge gold set and the store disagree on, with what was extracted.

    python scripts/merge_pairs.py tests/gold/merge/incidents.jsonl [--all]

For every report: the events it yielded (date, place, type, sides) or its reference record; then
each missed merge (same gold incident, different stored events) and each false merge (different
incidents, one stored event), with the merge score of the first report's first mention against
the other's event where one can be computed. ``--all`` also prints every report's extraction.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from ceasefire.api import extract_many
from ceasefire.evaluate import evaluate_merge
from ceasefire.extract.pipeline import make_report, reference_for
from ceasefire.store import merge


def describe(record: dict) -> str:
    loc = record.get("location") or {}
    sides = "/".join((record.get(r) or {}).get("side") or "-" for r in ("actor1", "actor2"))
    kind = "REF" if record.get("reference") else f"{record['sub_event_type']}"
    coords = f"{loc['lat']:.2f},{loc['lon']:.2f}" if loc.get("lat") is not None else "no coords"
    where = f"{loc.get('name')}[{loc.get('country')},{loc.get('precision')},{coords}]"
    fat = (record.get("fatalities") or {}).get("best")
    return f"{record['date']}({record.get('date_precision')}) {where} {kind} {sides} killed={fat}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", type=Path)
    ap.add_argument("--all", action="store_true")
    args = ap.parse_args()
    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    ordered = sorted(gold, key=lambda r: (r["published"], r["id"]))
    result = evaluate_merge(gold)
    print(result.table())
    cluster = result.clusters
    mentions: dict[str, list[dict]] = {}
    reports = [make_report(r["text"], r["published"], source=r.get("source"), report_id=r["id"]) for r in ordered]
    for out in extract_many(reports):
        reference = reference_for(out.report) if not out.events else None
        mentions[out.report.id] = [e.to_json_dict() for e in out.events] or ([reference] if reference else [])
    incident = {r["id"]: r["incident"] for r in ordered}
    if args.all:
        for r in ordered:
            print(f"{r['id']} ({r['incident']}, pub {r['published']}) -> {cluster[r['id']]}")
            for m in mentions[r["id"]] or [{}]:
                print("    " + (describe(m) if m else "NO EVENT, NO REFERENCE"))
    for a, b in itertools.combinations(ordered, 2):
        same_gold = incident[a["id"]] == incident[b["id"]]
        same_pred = cluster[a["id"]] == cluster[b["id"]] and not cluster[a["id"]].startswith("none:")
        if same_gold == same_pred:
            continue
        label = "MISSED" if same_gold else "FALSE "
        ma, mb = mentions[a["id"]], mentions[b["id"]]
        s = None
        if ma and mb and not mb[0].get("reference"):
            cand = merge.Candidate(0, mb[0], {1}, merge.words_of(mb[0]))
            s = merge.score(ma[0], merge.words_of(ma[0]), 2, cand)
        print(f"{label} {a['id']} ~ {b['id']}  score={s if s is None else round(s, 2)}")
        print(f"    {describe(ma[0]) if ma else 'NO EVENT'}")
        print(f"    {describe(mb[0]) if mb else 'NO EVENT'}")


if __name__ == "__main__":
    main()

"""Throughput and peak memory of ``extract_many`` against a bare spaCy ``nlp.pipe`` pass.

Both run in this one invocation, over the same texts, with the same spaCy model, each in a
fresh child process (so that each peak RSS is its own). Texts: the gold set's short notes and
full articles (tests/gold), repeated to a fixed count. Prints reports/s, the ratio to the
baseline, and peak memory; ``--json`` writes the numbers to a file.

    python bench/extract_speed.py [--notes 3000] [--articles 300] [--json bench/results.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
SEED = ROOT.parent / "shared" / "examples" / "parukh-2022-03-25.txt"


def corpus(kind: str, count: int) -> list[dict]:
    base = []
    for path in sorted(GOLD.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                is_note = r["style"] in ("analyst_note", "social_media") or len(r["text"]) < 600
                if (kind == "notes") == is_note:
                    base.append(r)
    if kind == "articles" and SEED.exists():
        base.append({"id": "seed", "text": SEED.read_text(encoding="utf-8"), "published": "2022-03-25"})
    if not base:
        raise SystemExit(f"no {kind} found under {GOLD}")
    return [dict(base[i % len(base)], id=f"{kind}-{i}") for i in range(count)]


def _run(mode: str, kind: str, count: int, queue) -> None:
    texts = corpus(kind, count)
    if mode == "baseline":
        from ceasefire.extract.ner import load_model

        nlp = load_model(components=None)
        nlp("warm up")
        start = time.perf_counter()
        n = sum(1 for _ in nlp.pipe((t["text"] for t in texts), batch_size=64))
    else:
        import ceasefire
        from ceasefire.extract.pipeline import Options

        options = {
            "extract_many": Options(),
            "no gazetteer": Options(use_gazetteer=False),
            "extract_many --ner": Options(use_ner=True),
        }[mode]
        list(ceasefire.extract_many(texts[:5], options=options))  # warm up: load lexicon, index (and model)
        start = time.perf_counter()
        n = 0
        for result in ceasefire.extract_many(texts, options=options):
            if result.error:
                raise SystemExit(f"{result.item}: {result.error}")
            n += 1
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"mode": mode, "kind": kind, "reports": n, "seconds": seconds, "per_s": n / seconds, "peak_mb": peak_mb})


def measure(mode: str, kind: str, count: int) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(mode, kind, count, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def accuracy_check() -> dict:
    """Gold-set F1 as shipped (no parse), with the recogniser on event sentences, and on every sentence."""
    from ceasefire.evaluate import SCALAR_FIELDS, SET_FIELDS, evaluate, load_gold
    from ceasefire.extract import pipeline

    gold = load_gold(sorted(GOLD.glob("*.jsonl")))
    runs = {
        "no_parse": evaluate(gold),
        "ner_event_sentences": evaluate(gold, options=pipeline.Options(use_ner=True)),
        "ner_every_sentence": evaluate(gold, options=pipeline.Options(use_ner=True, ner_everywhere=True)),
    }
    keys = ("events", *SCALAR_FIELDS, *SET_FIELDS)
    return {k: {name: round(r.fields[k].f1, 4) for name, r in runs.items()} for k in keys}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=3000, help="short notes to code")
    parser.add_argument("--articles", type=int, default=300, help="full articles to code")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    rows = []
    for kind, count in (("notes", args.notes), ("articles", args.articles)):
        base = measure("baseline", kind, count)
        ours = measure("extract_many", kind, count)
        no_gaz = measure("no gazetteer", kind, count)
        with_ner = measure("extract_many --ner", kind, count)
        for r in (base, ours, no_gaz, with_ner):
            r["ratio_to_baseline"] = r["per_s"] / base["per_s"]
            rows.append(r)
    print(f"{'texts':<10}{'run':<20}{'reports':>8}{'seconds':>9}{'reports/s':>11}{'x baseline':>12}{'peak MB':>9}")
    for r in rows:
        print(f"{r['kind']:<10}{r['mode']:<20}{r['reports']:>8}{r['seconds']:>9.2f}{r['per_s']:>11.1f}"
              f"{r['ratio_to_baseline']:>12.2f}{r['peak_mb']:>9.0f}")
    print("baseline = spaCy nlp.pipe, full pipeline of the same model, same texts; extract_many = ceasefire "
          "as shipped (rules and gazetteer, no parse); no gazetteer = without place resolution; "
          "--ner = plus spaCy's recogniser on event sentences without a place")
    out = {"rows": rows}
    if not args.skip_accuracy:
        out["accuracy_f1"] = accuracy_check()
        print(f"gold-set F1: {'field':<20}{'no parse':>10}{'ner events':>12}{'ner all':>10}")
        for k, v in out["accuracy_f1"].items():
            print(f"             {k:<20}{v['no_parse']:>10.3f}{v['ner_event_sentences']:>12.3f}{v['ner_every_sentence']:>10.3f}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The command line: thin wrappers over the library.

    ceasefire extract FILE... [--published YYYY-MM-DD] [--source NAME] [--format jsonl|json|csv|table]
    ceasefire schema
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Sequence

from . import __version__
from .api import extract_many
from .errors import CeasefireError
from .extract.lexicon import lexicon_for
from .io import acled_row, csv_writer, format_table, read_items
from .models import event_json_schema

EXAMPLES = """examples:
  ceasefire extract report.txt --published 2022-03-25 --source "Wire"
  ceasefire extract batch.jsonl --format csv > events.csv
  cat report.txt | ceasefire extract - --published 2022-03-25 --format table

A .jsonl batch has one report per line: {"id": ..., "text": ..., "published": "YYYY-MM-DD",
"source": ... (optional), "url": ... (optional)}. Bad items are reported on standard error by
file and line; the others are still coded; the exit status is 1 when any item failed.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ceasefire",
        description="Turn reports about armed conflict into coded events, with the evidence for every field.",
    )
    parser.add_argument("--version", action="version", version=f"ceasefire {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ex = commands.add_parser(
        "extract",
        help="code the events in reports (text files, .jsonl batches or - for stdin)",
        description="Code the conflict events each report describes. Output: one JSON object per event "
        "(JSON Lines; the event schema is printed by `ceasefire schema`), a table, or ACLED-style CSV.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("files", nargs="+", metavar="FILE", help="a .txt report, a .jsonl batch, or - (stdin)")
    ex.add_argument("--published", metavar="YYYY-MM-DD", help="publication date of text reports (jsonl items carry their own)")
    ex.add_argument("--source", metavar="NAME", help="the outlet or author of the reports")
    ex.add_argument(
        "--format",
        choices=("jsonl", "json", "csv", "table"),
        help="output format (default: table on a terminal, jsonl otherwise); csv uses ACLED's column order",
    )
    ex.add_argument("--processes", "-j", type=int, default=1, metavar="N", help="worker processes (default 1)")
    ex.add_argument("--ner", action="store_true",
                    help="also run spaCy's entity recogniser on event sentences where the rules found no place (slower)")
    ex.add_argument("--data", metavar="DIR", help="folder of data files overriding the bundled ones by name")
    ev = commands.add_parser(
        "evaluate",
        help="score the extractor against hand-coded gold files (per-field precision/recall/F1)",
        description="Code every report of the gold files and print per-field precision, recall and F1. "
        "Gold format: tests/gold/README.md.",
    )
    ev.add_argument("gold", nargs="+", metavar="GOLD.jsonl")
    ev.add_argument("--errors", action="store_true", help="also list, per report, the fields that were wrong")
    ev.add_argument("--json", action="store_true", help="print the scores as JSON")
    ev.add_argument("--ner", action="store_true", help="also run spaCy's entity recogniser, as `extract --ner`")
    ev.add_argument("--processes", "-j", type=int, default=1, metavar="N")
    commands.add_parser("schema", help="print the JSON Schema of an event record",
                        description="Print the JSON Schema (draft 2020-12) of the event record.")
    return parser


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "schema":
        out.write(json.dumps(event_json_schema(), indent=2) + "\n")
        return 0
    if args.command == "evaluate":
        return _evaluate(args, out, err)
    if args.command != "extract":
        build_parser().print_help(out)
        return 2
    try:
        return _extract(args, out, err)
    except CeasefireError as exc:
        err.write(f"ceasefire: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        err.write("ceasefire: interrupted\n")
        return 130


def _extract(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    lex = lexicon_for(args.data)
    fmt = args.format or ("table" if out.isatty() else "jsonl")
    items = read_items(args.files, published=args.published, source=args.source)
    failed = reports = n_events = 0
    collected = []
    writer = csv_writer(out) if fmt == "csv" else None
    for result in extract_many(items, n_process=args.processes, use_ner=args.ner, data_dir=args.data):
        if result.error is not None:
            failed += 1
            err.write(f"ceasefire: {_named(result.item, result.error)}\n")
            continue
        reports += 1
        for event in result.events:
            n_events += 1
            if fmt == "jsonl":
                out.write(json.dumps(event.to_json_dict(), ensure_ascii=False) + "\n")
            elif writer is not None:
                writer.writerow(acled_row(event, lex.actor_kinds))
            else:
                collected.append(event)
    if fmt == "json":
        out.write(json.dumps([e.to_json_dict() for e in collected], ensure_ascii=False, indent=2) + "\n")
    elif fmt == "table":
        out.write(format_table(collected))
    err.write(f"ceasefire: {reports} report(s) coded, {n_events} event(s), {failed} failed\n") if failed or fmt == "table" else None
    return 1 if failed else 0


def _evaluate(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .evaluate import evaluate, load_gold

    try:
        gold = load_gold(args.gold)
    except (OSError, ValueError) as exc:
        err.write(f"ceasefire: error: {exc}\n")
        return 2
    result = evaluate(gold, n_process=args.processes, use_ner=args.ner)
    if args.json:
        scores = {k: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                      "tp": s.tp, "fp": s.fp, "fn": s.fn} for k, s in result.fields.items()}
        out.write(json.dumps({"reports": result.reports, "scores": scores}, indent=2) + "\n")
    else:
        out.write(f"{result.reports} gold reports\n{result.table()}\n")
    if args.errors:
        for item in result.errors:
            out.write(f"\n{item['id']}\n" + "".join(f"  {w}\n" for w in item["wrong"]))
    for failure in result.failures:
        err.write(f"ceasefire: {failure}\n")
    return 1 if result.failures else 0


def _named(item: str, error: CeasefireError) -> str:
    message = str(error)
    return message if message.startswith(item) else f"{item}: {message}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

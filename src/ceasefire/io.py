"""Reading reports from files and writing events out (JSON Lines, CSV, table).

Readers yield :class:`Item` objects: a report, or the error that made one unreadable,
named by file and line, so that a batch goes on past a bad item.
"""

from __future__ import annotations

import csv
import datetime as dt
import io as _io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import BinaryInputError, CeasefireError, InputError, InvalidDateError, ReportTooLargeError
from .models import Event, Report

MAX_FILE_BYTES = 64 * 1024 * 1024  # a .txt report larger than this is refused
MAX_LINE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Item:
    """One input item: where it came from, and the report or the error reading it."""

    where: str
    report: Report | None = None
    error: CeasefireError | None = None


def parse_date(value: object, what: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise InvalidDateError(f"{what} is missing: give it as YYYY-MM-DD")
    text = value.strip()
    try:
        if len(text) > 10 and text[10] not in "T ":
            raise ValueError(text)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidDateError(f"{what} {value!r} is not a valid YYYY-MM-DD date") from None


def _decode(data: bytes, where: str) -> str:
    if b"\x00" in data[:8192]:
        raise BinaryInputError(f"{where}: binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not valid UTF-8 (byte {exc.start}); convert it first, e.g. `iconv -f cp1252 -t utf-8`"
        ) from None


def read_items(
    paths: Iterable[str], published: str | None = None, source: str | None = None, stdin: IO[bytes] | None = None
) -> Iterator[Item]:
    """Reports from ``.txt`` files, ``.jsonl`` batches and ``-`` (standard input)."""
    for path in paths:
        if path == "-":
            stream = stdin or sys.stdin.buffer
            data = stream.read(MAX_FILE_BYTES + 1)
            yield from _from_bytes(data, "<stdin>", published, source, jsonl=None)
            continue
        p = Path(path)
        try:
            size = p.stat().st_size
            if p.is_dir():
                raise InputError(f"{path}: is a folder; pass the files in it")
        except OSError as exc:
            yield Item(path, error=InputError(f"{path}: cannot read: {exc.strerror or exc}"))
            continue
        except InputError as exc:
            yield Item(path, error=exc)
            continue
        if p.suffix.lower() == ".jsonl":
            yield from _read_jsonl(p, published, source)
            continue
        if size > MAX_FILE_BYTES:
            yield Item(path, error=ReportTooLargeError(
                f"{path}: {size:,} bytes is larger than the {MAX_FILE_BYTES:,}-byte limit for one report"))
            continue
        try:
            data = p.read_bytes()
        except OSError as exc:
            yield Item(path, error=InputError(f"{path}: cannot read: {exc.strerror or exc}"))
            continue
        yield from _from_bytes(data, path, published, source, jsonl=False, report_id=p.stem)


def _from_bytes(data: bytes, where: str, published, source, jsonl: bool | None, report_id: str | None = None):
    if len(data) > MAX_FILE_BYTES:
        yield Item(where, error=ReportTooLargeError(f"{where}: larger than the {MAX_FILE_BYTES:,}-byte limit"))
        return
    try:
        text = _decode(data, where)
    except CeasefireError as exc:
        yield Item(where, error=exc)
        return
    if jsonl is None:
        jsonl = text.lstrip().startswith("{")
    if jsonl:
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield _jsonl_item(line, f"{where}:{n}", published, source)
        return
    yield _text_item(text, where, published, source, report_id)


def _text_item(text: str, where: str, published, source, report_id) -> Item:
    from .extract.pipeline import make_report

    try:
        if published is None:
            raise InvalidDateError(f"{where}: no publication date; pass --published YYYY-MM-DD")
        return Item(where, report=make_report(text, published, source=source, report_id=report_id))
    except CeasefireError as exc:
        return Item(where, error=InputError(str(exc)) if not str(exc).startswith(where) else exc)


def _read_jsonl(path: Path, published, source) -> Iterator[Item]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Item(str(path), error=InputError(f"{path}: cannot read: {exc.strerror or exc}"))
        return
    with handle:
        for n, raw in jsonl_lines(handle):
            item = line_item(raw, f"{path}:{n}", published, source)
            if item is not None:
                yield item


def jsonl_lines(handle: IO[bytes], stop: int | None = None) -> Iterator[tuple[int, bytes | None]]:
    """(line number from 1, raw bytes) of each line of a binary stream, never more than
    ``MAX_LINE_BYTES`` in memory: a longer line is skipped to its end and given as None.
    With ``stop`` (a byte offset), only the lines that start before it."""
    n = 0
    while stop is None or handle.tell() < stop:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            break
        n += 1
        if len(raw) > MAX_LINE_BYTES:
            while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                raw = handle.readline(MAX_LINE_BYTES + 1)
            yield n, None
            continue
        yield n, raw


def line_item(raw: bytes | None, where: str, published, source) -> Item | None:
    """The item one JSON Lines line holds (None for a blank line); ``raw`` None is a line too long."""
    if raw is None:
        return Item(where, error=ReportTooLargeError(f"{where}: line longer than {MAX_LINE_BYTES:,} bytes"))
    if not raw.strip():
        return None
    try:
        line = _decode(raw, where)
    except CeasefireError as exc:
        return Item(where, error=exc)
    return _jsonl_item(line, where, published, source)


def _jsonl_item(line: str, where: str, published, source) -> Item:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Item(where, error=InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})"))
    if not isinstance(obj, dict):
        return Item(where, error=InputError(f"{where}: expected a JSON object with 'id', 'text' and 'published'"))
    return item_from_mapping(obj, where, published, source)


def item_from_mapping(obj: dict, where: str, published=None, source=None) -> Item:
    """One report from a mapping with ``text``, ``published`` and optionally ``id``, ``source``, ``url``
    (a JSON Lines object or a Parquet row); ``published`` and ``source`` fill missing values."""
    from .extract.pipeline import make_report

    text = obj.get("text")
    if not isinstance(text, str):
        return Item(where, error=InputError(f"{where}: 'text' is missing or not a string"))
    report_id = obj.get("id")
    if report_id is not None and not isinstance(report_id, (str, int)):
        return Item(where, error=InputError(f"{where}: 'id' must be a string"))
    try:
        report = make_report(
            text,
            obj.get("published") or published,
            source=obj.get("source") or source,
            report_id=str(report_id) if report_id is not None else None,
            url=obj.get("url"),
        )
    except CeasefireError as exc:
        return Item(where, error=InputError(f"{where}: {exc}"))
    return Item(where, report=report)


# ---------------------------------------------------------------- output

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
_TIME_PRECISION = {"day": 1, "week": 2, "month": 3}
_GEO_PRECISION = {"exact": 1, "town": 1, "district": 2, "region": 2, "country": 3}


def acled_row(event: Event, inter_codes: dict[str, int]) -> dict[str, object]:
    a1, a2 = event.actor1, event.actor2
    inter1 = inter_codes.get(a1.kind, "") if a1 and a1.kind else ""
    inter2 = inter_codes.get(a2.kind, "") if a2 and a2.kind else ""
    interaction = "".join(sorted(str(i) for i in (inter1, inter2) if i != "")) if inter1 != "" else ""
    loc = event.location
    # the sentences that tell the event, in report order (older records: the cue and toll spans)
    sentences = [e.text for e in sorted(event.evidence, key=lambda e: e.start) if e.field == "notes"] or sorted(
        {e.text for e in event.evidence if e.field in ("event_type", "fatalities")}, key=len)
    return {
        "event_id_cnty": event.event_id,
        "event_date": event.date.isoformat(),
        "year": event.date.year,
        "time_precision": _TIME_PRECISION[event.date_precision],
        "disorder_type": _DISORDER.get(event.event_type, ""),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": a1.name if a1 else "",
        "assoc_actor_1": "",
        "inter1": inter1,
        "actor2": a2.name if a2 else "",
        "assoc_actor_2": "",
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if a2 and a2.kind == "civilians" else "",
        "iso": loc.country if loc and loc.country else "",
        "region": "",
        "country": loc.country if loc and loc.country else "",
        "admin1": loc.admin1 if loc and loc.admin1 else "",
        "admin2": loc.admin2 if loc and loc.admin2 else "",
        "admin3": "",
        "location": loc.name if loc and loc.name else "",
        "latitude": loc.lat if loc and loc.lat is not None else "",
        "longitude": loc.lon if loc and loc.lon is not None else "",
        "geo_precision": _GEO_PRECISION.get(loc.precision, "") if loc and loc.precision else "",
        "source": event.source or "",
        "source_scale": "",
        "notes": " ".join(sentences)[:1000],
        "fatalities": event.fatalities.best if event.fatalities and event.fatalities.best is not None
        else (event.fatalities.low if event.fatalities and event.fatalities.low is not None else 0),
        "tags": "; ".join(t for t in ("ceasefire violation" if event.ceasefire_violation else "",) if t),
        "timestamp": "",
    }


def event_columns(r: dict) -> dict:
    """The flat, typed columns of an event record that analysts filter on (Parquet outputs)."""
    loc = r.get("location") or {}
    fat, wnd = r.get("fatalities") or {}, r.get("wounded") or {}
    return {
        "event_id": r.get("event_id"), "date": r["date"], "event_type": r["event_type"],
        "sub_event_type": r["sub_event_type"], "actor1": (r.get("actor1") or {}).get("name"),
        "actor1_side": (r.get("actor1") or {}).get("side"), "actor2": (r.get("actor2") or {}).get("name"),
        "actor2_side": (r.get("actor2") or {}).get("side"), "location": loc.get("name"), "country": loc.get("country"),
        "admin1": loc.get("admin1"), "lat": loc.get("lat"), "lon": loc.get("lon"),
        "fatalities_low": fat.get("low"), "fatalities_best": fat.get("best"), "fatalities_high": fat.get("high"),
        "wounded_low": wnd.get("low"), "wounded_best": wnd.get("best"), "wounded_high": wnd.get("high"),
        "ceasefire_violation": bool(r.get("ceasefire_violation")),
    }


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _SpreadsheetSafeWriter(csv.DictWriter):
    """A text cell that a spreadsheet would run as a formula (one that starts with =, +, -, @, a tab or
    a carriage return: a place, actor, outlet or sentence taken from a report) is written with a
    leading apostrophe; numbers are written as they are."""

    def _safe(self, row: dict) -> dict:
        return {k: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v for k, v in row.items()}

    def writerow(self, rowdict):
        return super().writerow(self._safe(rowdict))

    def writerows(self, rowdicts):
        return super().writerows(self._safe(r) for r in rowdicts)


def csv_writer(out: IO[str]) -> csv.DictWriter:
    writer = _SpreadsheetSafeWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    return writer


def format_table(events: list[Event]) -> str:
    rows = [("date", "type", "actor1", "actor2", "location", "killed", "wounded", "weapons", "cf")]
    for e in events:
        rows.append((
            e.date.isoformat(),
            e.sub_event_type,
            (e.actor1.name if e.actor1 else "-")[:32],
            (e.actor2.name if e.actor2 else "-")[:32],
            (e.location.name if e.location and e.location.name else "-")[:24],
            _count(e.fatalities),
            _count(e.wounded),
            ", ".join(w.name for w in e.weapons)[:40] or "-",
            "yes" if e.ceasefire_violation else "",
        ))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    buf = _io.StringIO()
    for n, r in enumerate(rows):
        buf.write("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")
        if n == 0:
            buf.write("  ".join("-" * w for w in widths) + "\n")
    return buf.getvalue()


def _count(c) -> str:
    if c is None:
        return "-"
    parts = [str(v) if v is not None else "?" for v in (c.low, c.best, c.high)]
    return "/".join(parts)

"""Writing stored events out: table, JSON Lines, ACLED-style CSV, GeoJSON (streamed), Parquet."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import IO

from ..io import acled_row, csv_writer, event_columns, format_table
from ..models import Event


def _as_event(record: dict) -> Event:
    fields = {k: v for k, v in record.items() if k in Event.model_fields}
    fields.setdefault("report_id", "")
    fields["report_id"] = fields.get("report_id") or ""
    loc = fields.get("location")
    if loc and loc.get("precision") == "analyst":  # a place an analyst gave (review.py): exact when it has coordinates
        fields["location"] = {**loc, "precision": "exact" if loc.get("lat") is not None else None}
    return Event.model_validate(fields)


def iter_export(records: Iterable[dict], fmt: str, inter_codes: dict[str, int]) -> Iterator[str]:
    """The records in one format (jsonl, csv, geojson), as chunks of text: for files and HTTP streams."""
    if fmt == "jsonl":
        for r in records:
            yield json.dumps(r, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        for r in records:
            row = acled_row(_as_event(r), inter_codes)
            row["source"] = "; ".join(r.get("sources", []))
            row["source_scale"] = f"{r.get('number_of_sources', 1)} source(s)"
            if r.get("fatalities") and r["fatalities"].get("best") is not None:
                row["fatalities"] = r["fatalities"]["best"]
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():  # the header of an empty export
            yield buffer.getvalue()
    elif fmt == "geojson":
        yield '{"type": "FeatureCollection", "features": [\n'
        first = True
        for r in records:
            loc = r.get("location") or {}
            geometry = ({"type": "Point", "coordinates": [loc["lon"], loc["lat"]]} if loc.get("lat") is not None else None)
            props = {k: v for k, v in r.items() if k not in ("evidence",)}
            yield ("" if first else ",\n") + json.dumps({"type": "Feature", "geometry": geometry, "properties": props},
                                                         ensure_ascii=False)
            first = False
        yield "\n]}\n"
    else:
        raise ValueError(f"unknown export format {fmt!r}")


def write_events(records: Iterable[dict], fmt: str, out: IO[str], inter_codes: dict[str, int]) -> int:
    n = 0

    def counted() -> Iterator[dict]:
        nonlocal n
        for r in records:
            n += 1
            yield r
    if fmt == "table":
        records = list(records)
        out.write(format_table([_as_event(r) for r in records]))
        return len(records)
    for chunk in iter_export(counted(), fmt, inter_codes):
        out.write(chunk)
    return n


def write_parquet(records: Iterable[dict], path: str) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        from ..errors import InputError

        raise InputError('Parquet export needs pyarrow: pip install "ceasefire[parquet]"') from None
    rows = []
    for r in records:
        rows.append({**event_columns(r), "number_of_sources": r.get("number_of_sources", 1),
                     "sources": "; ".join(r.get("sources", [])), "record": json.dumps(r, ensure_ascii=False)})
    pq.write_table(pa.Table.from_pylist(rows), path)
    return len(rows)


"""Writing stored events out: table, JSON Lines, ACLED-style CSV, GeoJSON (streamed), Parquet."""

from __future__ import annotations

import json
from typing import IO, Iterable

from ..io import acled_row, csv_writer, format_table
from ..models import Event


def _as_event(record: dict) -> Event:
    fields = {k: v for k, v in record.items() if k in Event.model_fields}
    fields.setdefault("report_id", "")
    fields["report_id"] = fields.get("report_id") or ""
    return Event.model_validate(fields)


def write_events(records: Iterable[dict], fmt: str, out: IO[str], inter_codes: dict[str, int]) -> int:
    n = 0
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    elif fmt == "csv":
        writer = csv_writer(out)
        for r in records:
            row = acled_row(_as_event(r), inter_codes)
            row["source"] = "; ".join(r.get("sources", []))
            row["source_scale"] = f"{r.get('number_of_sources', 1)} source(s)"
            if r.get("fatalities") and r["fatalities"].get("best") is not None:
                row["fatalities"] = r["fatalities"]["best"]
            writer.writerow(row)
            n += 1
    elif fmt == "geojson":
        out.write('{"type": "FeatureCollection", "features": [\n')
        for r in records:
            loc = r.get("location") or {}
            geometry = ({"type": "Point", "coordinates": [loc["lon"], loc["lat"]]} if loc.get("lat") is not None else None)
            props = {k: v for k, v in r.items() if k not in ("evidence",)}
            out.write(("" if n == 0 else ",\n") + json.dumps({"type": "Feature", "geometry": geometry, "properties": props},
                                                            ensure_ascii=False))
            n += 1
        out.write("\n]}\n")
    else:  # table
        records = list(records)
        out.write(format_table([_as_event(r) for r in records]))
        n = len(records)
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
        loc = r.get("location") or {}
        fat, wnd = r.get("fatalities") or {}, r.get("wounded") or {}
        rows.append({
            "event_id": r.get("event_id"), "date": r["date"], "event_type": r["event_type"],
            "sub_event_type": r["sub_event_type"], "actor1": (r.get("actor1") or {}).get("name"),
            "actor1_side": (r.get("actor1") or {}).get("side"), "actor2": (r.get("actor2") or {}).get("name"),
            "actor2_side": (r.get("actor2") or {}).get("side"), "location": loc.get("name"), "country": loc.get("country"),
            "admin1": loc.get("admin1"), "lat": loc.get("lat"), "lon": loc.get("lon"),
            "fatalities_low": fat.get("low"), "fatalities_best": fat.get("best"), "fatalities_high": fat.get("high"),
            "wounded_low": wnd.get("low"), "wounded_best": wnd.get("best"), "wounded_high": wnd.get("high"),
            "ceasefire_violation": bool(r.get("ceasefire_violation")), "number_of_sources": r.get("number_of_sources", 1),
            "sources": "; ".join(r.get("sources", [])), "record": json.dumps(r, ensure_ascii=False),
        })
    pq.write_table(pa.Table.from_pylist(rows), path)
    return len(rows)

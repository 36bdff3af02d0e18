"""Import GeoNames dumps into the gazetteer, streaming, into a new index swapped in at the end.

Recognised by file name (plain or ``.zip``):

- ``allCountries.txt``, ``XX.txt`` (one country), ``cities*.txt``: the geoname table (19 tab-separated
  columns). Rows of feature classes ``P`` (populated places), ``A`` (administrative units) and
  ``T`` (hills, heights, passes: front-line positions) are kept; places already in the index (same
  geonameid) are not added twice.
- ``alternateNamesV2.txt`` / ``alternateNames.txt``: extra names for places in the index.
- ``admin1CodesASCII.txt``, ``admin2Codes.txt``: names of first- and second-level divisions, which
  then fill ``admin1``/``admin2`` of every place with those codes.

A malformed line stops the import with an error naming the file and line; the index in use is not
touched (the import writes a copy and replaces the original only when everything succeeded).
Memory stays bounded: rows are written in batches and looked up through SQLite indexes.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import GazetteerError
from .gazetteer import IndexWriter, iter_lines, normalize_name

KEEP_CLASSES = {"P", "A", "T"}
_SKIP_LANGS = {"link", "post", "iata", "icao", "faac", "wkdt", "unlc", "fr_1793", "abbr"}
BATCH = 5000

Progress = Callable[[str, int], None]


def kind_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".zip"):
        name = name[:-4] if name[:-4].endswith(".txt") else name[:-4] + ".txt"
    if name.startswith("admin1codes"):
        return "admin1"
    if name.startswith("admin2codes"):
        return "admin2"
    if name.startswith("alternatenames"):
        return "alternates"
    if name.startswith("allcountries") or name.startswith("cities") or re.fullmatch(r"[a-z]{2}\.txt", name):
        return "geonames"
    raise GazetteerError(
        f"{path}: not a GeoNames file this command knows (allCountries.txt, XX.txt, cities*.txt, "
        "alternateNamesV2.txt, admin1CodesASCII.txt, admin2Codes.txt, plain or zipped)"
    )


def import_files(paths: list[Path], index: Path, base: Path | None, progress: Progress | None = None) -> dict[str, int]:
    """Import GeoNames files into ``index`` (starting from ``base``); return row counts by kind."""
    for path in paths:
        if not path.exists():
            raise GazetteerError(f"{path}: no such file")
        kind_of(path)
    order = {"admin1": 0, "admin2": 1, "geonames": 2, "alternates": 3}
    writer = IndexWriter(index, base=base if base is not None and base.exists() else None)
    writer.conn.execute("CREATE INDEX IF NOT EXISTS places_geonameid ON places(geonameid)")
    counts = {"admin1": 0, "admin2": 0, "geonames": 0, "alternates": 0, "skipped": 0}
    try:
        for path in sorted(paths, key=lambda p: order[kind_of(p)]):
            kind = kind_of(path)
            if kind in ("admin1", "admin2"):
                counts[kind] += _admin(writer, path, 1 if kind == "admin1" else 2)
            elif kind == "geonames":
                added, skipped = _geonames(writer, path, progress)
                counts["geonames"] += added
                counts["skipped"] += skipped
            else:
                counts["alternates"] += _alternates(writer, path, progress)
    except sqlite3.DatabaseError as exc:
        writer.abort()
        raise GazetteerError(f"{index}: the index could not be written: {exc}") from None
    except BaseException:
        writer.abort()
        raise
    writer.commit({"last_import": time.strftime("%Y-%m-%dT%H:%M:%S"), "imported_files": ", ".join(p.name for p in paths)})
    return counts


def _fields(line: str, n: int, path: Path, expected: tuple[int, ...]) -> list[str]:
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) not in expected:
        raise GazetteerError(f"{path}:{n}: expected {' or '.join(map(str, expected))} tab-separated columns, "
                             f"found {len(parts)}; the file is corrupt or truncated")
    return parts


def _admin(writer: IndexWriter, path: Path, level: int) -> int:
    rows = []
    for n, line in iter_lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        code, name = _fields(line, n, path, (4,))[:2]
        country, _, rest = code.partition(".")
        if not rest or len(country) != 2:
            raise GazetteerError(f"{path}:{n}: admin code {code!r} is not like 'AM.09'")
        rows.append((country, level, rest, name))
    writer.conn.executemany("INSERT OR REPLACE INTO admin VALUES (?,?,?,?)", rows)
    return len(rows)


def _geonames(writer: IndexWriter, path: Path, progress: Progress | None) -> tuple[int, int]:
    conn = writer.conn
    added = skipped = 0
    places, names = [], []
    for n, line in iter_lines(path):
        if not line.strip():
            continue
        f = _fields(line, n, path, (19,))
        if f[6] not in KEEP_CLASSES:
            skipped += 1
            continue
        try:
            geonameid, lat, lon = int(f[0]), float(f[4]), float(f[5])
            population = int(f[14] or 0)
        except ValueError:
            raise GazetteerError(f"{path}:{n}: geonameid, latitude, longitude or population is not a number") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GazetteerError(f"{path}:{n}: coordinates {lat}, {lon} out of range")
        if conn.execute("SELECT 1 FROM places WHERE geonameid = ?", (geonameid,)).fetchone():
            skipped += 1
            continue
        feature = {"P": "P", "T": "height"}.get(f[6]) or (f[7] if f[7] in ("ADM1", "ADM2") else "district")
        pid = writer.next_id
        writer.next_id += 1
        places.append((pid, geonameid, f[1], f[8], f[10] or None, f[11] or None, None, None, feature, population,
                       lat, lon, "geonames-import"))
        keys = {normalize_name(f[1]): 1}
        for alt in [f[2], *f[3].split(",")]:
            k = normalize_name(alt)
            if k and k not in keys:
                keys[k] = 0
        names.extend((k, pid, m) for k, m in keys.items() if k)
        added += 1
        if len(places) >= BATCH:
            _flush(conn, places, names)
            if progress:
                progress(path.name, n)
    _flush(conn, places, names)
    if progress:
        progress(path.name, -1)
    return added, skipped


def _flush(conn, places: list, names: list) -> None:
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", places)
    conn.executemany("INSERT INTO names VALUES (?,?,?)", names)
    places.clear()
    names.clear()


def _alternates(writer: IndexWriter, path: Path, progress: Progress | None) -> int:
    conn = writer.conn
    batch = []
    added = 0
    for n, line in iter_lines(path):
        if not line.strip():
            continue
        f = _fields(line, n, path, (8, 10))
        if f[2] in _SKIP_LANGS:
            continue
        try:
            geonameid = int(f[1])
        except ValueError:
            raise GazetteerError(f"{path}:{n}: geonameid {f[1]!r} is not a number") from None
        row = conn.execute("SELECT id FROM places WHERE geonameid = ?", (geonameid,)).fetchone()
        key = normalize_name(f[3])
        if row is None or not key:
            continue
        batch.append((key, row[0], 0))
        added += 1
        if len(batch) >= BATCH:
            conn.executemany("INSERT INTO names VALUES (?,?,?)", batch)
            batch.clear()
            if progress:
                progress(path.name, n)
    conn.executemany("INSERT INTO names VALUES (?,?,?)", batch)
    if progress:
        progress(path.name, -1)
    return added

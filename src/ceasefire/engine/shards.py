"""Input shards cut into parts: the unit of work of a scaled-out run.

A part is a byte range of a JSON Lines file (cut at line starts, as Hadoop splits text) or a
run of row groups of a Parquet file, on any filesystem fsspec knows (a local path, ``s3://``,
``gs://``...). Parts are planned in the client from file sizes and Parquet footers only, so the
plan is cheap and the same for the same inputs: a part's id names its file, size and range,
which is what lets a re-run recognise the parts an earlier run finished.

Items are named as the single-process reader names them: ``file.jsonl:12`` (the line),
``file.parquet:row 7``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import CeasefireError, InputError
from ..io import Item, item_from_mapping, jsonl_lines, line_item

DEFAULT_BLOCKSIZE = 4 * 1024 * 1024  # bytes of input per part: ~13,000 short notes or ~800 articles, 10-30 s of work
REPORT_COLUMNS = ("id", "text", "published", "source", "url")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Part:
    """One task's input: ``start``/``stop`` are byte offsets (JSON Lines) or row groups (Parquet)."""

    url: str  # what fsspec opens
    name: str  # the input as the user named it; failures are reported by it
    kind: str  # "jsonl" | "parquet"
    size: int
    start: int
    stop: int
    first: int | None = None  # number of the part's first line or row, when known without reading
    compression: str | None = None

    @property
    def id(self) -> str:
        key = f"{self.url}|{self.size}|{self.kind}|{self.start}|{self.stop}"
        return hashlib.sha1(key.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        unit = "bytes" if self.kind == "jsonl" else "row groups"
        return f"{self.name} ({unit} {self.start}-{self.stop})"


@dataclass(frozen=True)
class PlanFailure:
    item: str
    error: str


def plan_parts(inputs: list[str], blocksize: int = DEFAULT_BLOCKSIZE) -> tuple[list[Part], list[PlanFailure]]:
    """The parts of every input (files, folders or glob patterns, local or fsspec URLs), in input
    order; an input that cannot be listed or read is a failure, and the others are planned."""
    import fsspec

    parts: list[Part] = []
    failures: list[PlanFailure] = []
    for spec in inputs:
        try:
            fs, path = fsspec.core.url_to_fs(spec)
            for url, name in _expand(fs, path, spec):
                try:
                    parts += _plan_file(fs, url, name, blocksize)
                except (OSError, ValueError, CeasefireError) as exc:
                    failures.append(PlanFailure(name, _message(name, exc)))
        except (OSError, ValueError, CeasefireError) as exc:
            failures.append(PlanFailure(spec, _message(spec, exc)))
    return parts, failures


def _expand(fs, path: str, spec: str) -> list[tuple[str, str]]:
    """(url to open, name to report) of each file an input names, sorted within a folder or pattern."""
    if any(ch in spec for ch in "*?["):
        found = sorted(fs.glob(path))
        if not found:
            raise InputError(f"{spec}: no file matches")
    elif fs.isdir(path):
        found = sorted(p for p in fs.find(path) if _kind(p) is not None)
        if not found:
            raise InputError(f"{spec}: no .jsonl or .parquet file in this folder")
    elif fs.exists(path):
        return [(fs.unstrip_protocol(path), spec)]
    else:
        raise InputError(f"{spec}: cannot read: no such file")
    prefix = spec if "://" in spec or spec.startswith("/") else None  # absolute: name files by their full path
    return [(fs.unstrip_protocol(p), _name_of(fs, p, prefix)) for p in found]


def _name_of(fs, path: str, prefix: str | None) -> str:
    """A local file found under a relative folder is named relative to it, as the other readers do."""
    if "file" not in fs.protocol:
        return fs.unstrip_protocol(path)
    if prefix is not None:
        return path
    import os

    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _kind(path: str) -> str | None:
    lower = path.lower()
    for suffix in (".gz", ".bz2", ".xz", ".zst"):
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(".parquet"):
        return "parquet"
    return None


def _plan_file(fs, url: str, name: str, blocksize: int) -> list[Part]:
    from fsspec.utils import infer_compression

    kind = _kind(url)
    if kind is None:
        raise InputError(f"{name}: not a JSON Lines (.jsonl) or Parquet (.parquet) shard")
    size = int(fs.size(url))
    compression = infer_compression(url)
    if kind == "jsonl":
        if compression or size <= blocksize:  # a compressed stream cannot be cut
            return [Part(url, name, kind, size, 0, size, 1, compression)]
        return [Part(url, name, kind, size, start, min(start + blocksize, size), 1 if start == 0 else None)
                for start in range(0, size, blocksize)]
    import pyarrow.parquet as pq

    with fs.open(url, "rb") as handle:
        meta = pq.ParquetFile(handle).metadata
    parts, start, first, row, budget = [], 0, 1, 1, 0
    for index in range(meta.num_row_groups):
        group = meta.row_group(index)
        if budget and budget + group.total_byte_size > blocksize:
            parts.append(Part(url, name, kind, size, start, index, first))
            start, first, budget = index, row, 0
        budget += group.total_byte_size
        row += group.num_rows
    parts.append(Part(url, name, kind, size, start, meta.num_row_groups, first))
    return parts


class PartReader:
    """The items of one part, in order, as ``(k, item)`` (``k`` counts the part's lines or rows
    from 1). A line or row that is not a valid report is an error item named by file and line; a
    shard that cannot be read at all raises ``OSError``/``ValueError`` (the caller records it).

    Only error items carry their name: the number of the first line of a part cut from the middle
    of a file is found (by counting the newlines before it) only when the part has an item to name.
    """

    def __init__(self, part: Part, published: str | None = None, source: str | None = None):
        self.part, self.published, self.source = part, published, source
        self._first = part.first

    def name(self, k: int) -> str:
        if self.part.kind == "parquet":
            return f"{self.part.name}:row {(self._first or 1) + k - 1}"
        if self._first is None:
            self._first = _first_line_number(self.part)
        return f"{self.part.name}:{self._first + k - 1}"

    def __iter__(self) -> Iterator[tuple[int, Item]]:
        if self.part.kind == "parquet":
            yield from self._parquet_items()
            return
        import fsspec

        part = self.part
        with fsspec.open(part.url, "rb", compression=part.compression) as handle:
            if part.start > 0:
                handle.seek(part.start - 1)
                handle.readline()  # the line under way at the cut belongs to the part before
            for k, raw in jsonl_lines(handle, stop=None if part.compression else part.stop):
                item = line_item(raw, "", self.published, self.source)
                if item is not None and item.error is not None:
                    item = line_item(raw, self.name(k), self.published, self.source)
                if item is not None:
                    yield k, item

    def _parquet_items(self) -> Iterator[tuple[int, Item]]:
        import fsspec
        import pyarrow.parquet as pq

        part = self.part
        with fsspec.open(part.url, "rb") as handle:
            shard = pq.ParquetFile(handle)
            names = set(shard.schema_arrow.names)
            if "text" not in names:
                raise ValueError(f"no 'text' column (a Parquet shard has columns {', '.join(REPORT_COLUMNS)})")
            columns = [c for c in REPORT_COLUMNS if c in names]
            k = 0
            for batch in shard.iter_batches(batch_size=1024, row_groups=range(part.start, part.stop), columns=columns):
                for obj in batch.to_pylist():
                    k += 1
                    item = item_from_mapping(obj, "", self.published, self.source)
                    if item.error is not None:
                        item = item_from_mapping(obj, self.name(k), self.published, self.source)
                    yield k, item


def _first_line_number(part: Part) -> int:
    """The number of the first line of a part that starts at byte ``part.start`` of its file."""
    import fsspec

    newlines, left, last = 0, part.start, b"\n"
    with fsspec.open(part.url, "rb") as handle:
        while left > 0:
            chunk = handle.read(min(left, 8 * 1024 * 1024))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            left -= len(chunk)
            last = chunk[-1:]
    # a cut just after a newline starts a line; otherwise the part starts with the next one
    return newlines + 1 if last == b"\n" else newlines + 2


def _message(name: str, exc: Exception) -> str:
    text = str(exc) if isinstance(exc, CeasefireError) else f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    return text if text.startswith(name) else f"{name}: {text}"

"""Readers for each kind of source, all yielding :class:`~ceasefire.io.Item`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

from ..errors import CeasefireError, InputError
from ..io import MAX_FILE_BYTES, Item, _decode, _read_jsonl, read_items
from .web import FetchPolicy, fetch

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}


def read_sources(
    specs: list[str], published: str | None = None, source: str | None = None, policy: FetchPolicy | None = None
) -> Iterator[Item]:
    policy = policy or FetchPolicy()
    for spec in specs:
        try:
            if spec.startswith(("http://", "https://")):
                yield from _url(spec, published, source, policy)
                continue
            path = Path(spec)
            if path.is_dir():
                for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                    yield from _file(child, published, source, policy)
                continue
            yield from _file(path, published, source, policy)
        except CeasefireError as exc:
            yield Item(spec, error=exc)


def _file(path: Path, published, source, policy) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(path, published, source)
    elif suffix == ".csv":
        yield from _csv(path, published, source)
    elif suffix in HTML_SUFFIXES or suffix in FEED_SUFFIXES:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise InputError(f"{path}: larger than the {MAX_FILE_BYTES:,}-byte limit")
            data = path.read_bytes()
        except OSError as exc:
            yield Item(str(path), error=InputError(f"{path}: cannot read: {exc.strerror or exc}"))
            return
        if suffix in FEED_SUFFIXES or data.lstrip()[:200].lower().startswith((b"<?xml", b"<rss", b"<feed")):
            yield from _feed(data, str(path), published, source, policy, fetch_links=False)
        else:
            yield _html(data, str(path), published, source, url=None)
    else:
        yield from read_items([str(path)], published=published, source=source)


def _csv(path: Path, published, source) -> Iterator[Item]:
    import json

    from ..io import _jsonl_item

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path}: larger than the {MAX_FILE_BYTES:,}-byte limit")
        text = _decode(path.read_bytes(), str(path))
    except (OSError, CeasefireError) as exc:
        yield Item(str(path), error=exc if isinstance(exc, CeasefireError) else InputError(f"{path}: {exc}"))
        return
    csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.DictReader(io.StringIO(text))
    try:
        if not reader.fieldnames or "text" not in reader.fieldnames:
            yield Item(str(path), error=InputError(f"{path}: a CSV batch needs a 'text' column (and id, published, source, url)"))
            return
        line = reader.line_num + 1
        for row in reader:
            yield _jsonl_item(json.dumps(row), f"{path}:{line}", published, source)
            line = reader.line_num + 1
    except csv.Error as exc:
        yield Item(str(path), error=InputError(f"{path}:{reader.line_num}: malformed CSV ({exc})"))


def _html(data: bytes, where: str, published, source, url: str | None) -> Item:
    import trafilatura

    from ..extract.pipeline import make_report

    try:
        html = _decode(data, where)
    except CeasefireError as exc:
        return Item(where, error=exc)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        return Item(where, error=InputError(f"{where}: no article text found in the page"))
    text = doc.text.strip()
    title = (doc.title or "").strip()
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    date = published or (doc.date[:10] if getattr(doc, "date", None) else None)
    try:
        report = make_report(text, date, source=source or doc.sitename or doc.hostname, url=url or doc.url)
    except CeasefireError as exc:
        return Item(where, error=InputError(f"{where}: {exc}"))
    return Item(where, report=report)


def _feed(data: bytes, where: str, published, source, policy: FetchPolicy, fetch_links: bool) -> Iterator[Item]:
    import feedparser

    from ..extract.pipeline import make_report

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        yield Item(where, error=InputError(f"{where}: not a readable RSS/Atom feed ({parsed.bozo_exception})"))
        return
    outlet = source or (parsed.feed.get("title") if parsed.feed else None)
    for n, entry in enumerate(parsed.entries, 1):
        item_where = f"{where}#{n}"
        link = entry.get("link")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        date = published or (dt.date(*stamp[:3]).isoformat() if stamp else None)
        if fetch_links and link:
            try:
                body, ctype, final = fetch(link, policy)
                item = _html(body, link, date, outlet, url=final)
                if item.report is not None:
                    yield item
                    continue
            except CeasefireError:
                pass  # fall back on the summary in the feed
        parts = [entry.get("title", ""), _strip_tags(entry.get("summary", ""))]
        text = "\n\n".join(p.strip() for p in parts if p and p.strip())
        try:
            yield Item(item_where, report=make_report(text, date, source=outlet, url=link,
                                                      report_id=entry.get("id") or link))
        except CeasefireError as exc:
            yield Item(item_where, error=InputError(f"{item_where}: {exc}"))


def _strip_tags(html: str) -> str:
    import html as htmllib
    import re

    return htmllib.unescape(re.sub(r"<[^>]+>", " ", html or ""))


def _url(url: str, published, source, policy: FetchPolicy) -> Iterator[Item]:
    body, ctype, final = fetch(url, policy)
    feed_types = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
    head = body.lstrip()[:300].lower()
    if ctype.split(";")[0].strip() in feed_types and b"<html" not in head or head.startswith((b"<rss", b"<feed")) or (
            head.startswith(b"<?xml") and b"<html" not in head):
        yield from _feed(body, url, published, source, policy, fetch_links=True)
    elif "html" in ctype or body.lstrip()[:1] == b"<":
        yield _html(body, url, published, source, url=final)
    else:
        from ..extract.pipeline import make_report

        try:
            text = _decode(body, url)
            yield Item(url, report=make_report(text, published, source=source, url=final))
        except CeasefireError as exc:
            yield Item(url, error=exc)

"""The public library functions: :func:`extract` and :func:`extract_many`."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .errors import CeasefireError, InputError
from .extract.lexicon import Lexicon, default_lexicon, lexicon_for
from .extract.pipeline import Options, extract_report, gazetteer_for, make_report
from .models import Event, Report


def extract(
    text: str,
    published: dt.date | str,
    source: str | None = None,
    *,
    report_id: str | None = None,
    url: str | None = None,
    lexicon: Lexicon | None = None,
    use_ner: bool = False,
) -> list[Event]:
    """The events one report describes, each coded field with its evidence span.

    Raises :class:`~ceasefire.errors.InputError` (empty, binary or oversized text, bad date).
    """
    report = make_report(text, published, source=source, report_id=report_id, url=url)
    return extract_report(report, lexicon or default_lexicon(), Options(use_ner=use_ner))


@dataclass(frozen=True)
class ExtractResult:
    """What :func:`extract_many` yields for each input: its events, or the error."""

    item: str
    report: Report | None
    events: list[Event] = field(default_factory=list)
    error: CeasefireError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _as_report(obj: Report | Mapping | object, n: int) -> tuple[str, Report | None, CeasefireError | None]:
    from .io import Item

    if isinstance(obj, Item):
        return obj.where, obj.report, obj.error
    if isinstance(obj, Report):
        return obj.id, obj, None
    if isinstance(obj, Mapping):
        where = str(obj.get("id", f"item {n}"))
        try:
            text = obj.get("text")
            if not isinstance(text, str):
                raise InputError(f"{where}: 'text' is missing or not a string")
            rid = obj.get("id")
            return where, make_report(text, obj.get("published"), obj.get("source"),
                                      str(rid) if isinstance(rid, int) else rid, obj.get("url")), None
        except CeasefireError as exc:
            return where, None, exc
    return f"item {n}", None, InputError(f"item {n}: expected a Report or a mapping, got {type(obj).__name__}")


_WORKER_OPTIONS = Options()


def _init_worker(options: Options) -> None:
    global _WORKER_OPTIONS
    _WORKER_OPTIONS = options
    lexicon_for(options.data_dir)


def _run(args: tuple[str, Report | None, CeasefireError | None], options: Options | None = None) -> ExtractResult:
    """Code one item; in a worker process the options come from the pool's initializer."""
    options = options or _WORKER_OPTIONS
    where, report, error = args
    if error is not None or report is None:
        return ExtractResult(where, report, error=error)
    try:
        return ExtractResult(where, report, extract_report(report, lexicon_for(options.data_dir), options))
    except CeasefireError as exc:
        return ExtractResult(where, report, error=exc)


def extract_many(
    reports: Iterable[Report | Mapping],
    n_process: int = 1,
    *,
    use_ner: bool = False,
    data_dir: str | None = None,
    chunksize: int = 16,
    options: Options | None = None,
) -> Iterator[ExtractResult]:
    """Code a stream of reports, in input order, one :class:`ExtractResult` each.

    ``reports`` holds :class:`Report` objects or mappings with ``id``, ``text``,
    ``published`` (and optionally ``source``, ``url``). A bad item yields a result with
    ``error`` set and the stream goes on. ``n_process > 1`` spreads the work over that many
    processes, each loading the lexicon and the model once. ``data_dir`` names a folder of
    data files that override the bundled ones by name.
    """
    if options is None:
        options = Options(use_ner=use_ner, data_dir=str(data_dir) if data_dir else None)
    lexicon_for(options.data_dir)  # a bad data folder fails here, before any work
    if n_process > 1:
        gazetteer_for(options)  # build the place index once, here, not in every worker at the same time
    items = (_as_report(obj, n) for n, obj in enumerate(reports, 1))
    if n_process <= 1:
        for args in items:
            yield _run(args, options)
        return
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(n_process, initializer=_init_worker, initargs=(options,)) as pool:
        yield from pool.imap(_run, items, chunksize=chunksize)

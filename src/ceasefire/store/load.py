"""Load a coded dataset (``ceasefire extract --out DIR``) into the store.

The reports are stored in the order the single-process ``ingest`` stores them (input order), each
through the same dedupe and cross-report merge, so that loading a dataset ends with the very store
content that ingesting the same input gives. Reports go in batches, one transaction per batch: a
crash keeps whole batches only, and running the load again skips what is stored (a stored report
is a duplicate, which changes nothing), so a load resumes and never duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..engine.dataset import CodedReport
from ..errors import CeasefireError, StoreError
from .ingest import IngestSummary
from .repository import Store

DEFAULT_BATCH = 500


def load(out: str, store: Store, *, batch_size: int = DEFAULT_BATCH, partial: bool = False,
         on_batch: Callable[[IngestSummary], None] | None = None) -> IngestSummary:
    """Store every coded report of the dataset at ``out`` (a folder or fsspec URL), in input order.

    Raises :class:`StoreError` when the dataset cannot be read or is unfinished (unless ``partial``:
    then the finished parts are loaded, and loading again after the run is finished adds the rest).
    """
    from ..engine.dataset import read_dataset

    summary = IngestSummary()
    try:
        for batch in _batches(read_dataset(out, partial=partial), batch_size):
            _store_batch(store, batch, summary)
            if on_batch:
                on_batch(summary)
    except (ValueError, OSError) as exc:
        raise StoreError(f"cannot load {out}: {exc}") from None
    return summary


def _batches(coded: Iterator[CodedReport], size: int) -> Iterator[list[CodedReport]]:
    batch: list[CodedReport] = []
    for c in coded:
        batch.append(c)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _store_batch(store: Store, batch: list[CodedReport], summary: IngestSummary) -> None:
    try:
        outcomes = store.add_reports([(c.report, c.events, c.reference) for c in batch])
    except StoreError:  # one of them cannot be stored: store them one by one to name it and keep the others
        outcomes = []
        for c in batch:
            try:
                outcomes.append(store.add_report(c.report, c.events, c.reference))
            except CeasefireError as exc:
                outcomes.append(None)
                summary.errors.append(str(exc))
    for outcome in outcomes:
        summary.read += 1
        if outcome is None:
            summary.failed += 1
        else:
            summary.count(outcome)

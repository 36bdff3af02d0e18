"""Ingest: code a stream of source items and store each report with its events."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..api import extract_many
from ..errors import CeasefireError
from ..extract.pipeline import reference_for
from ..io import Item
from .repository import IngestOutcome, Store


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    duplicate: int = 0
    copies: int = 0
    failed: int = 0
    events_created: int = 0
    events_merged: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: IngestOutcome) -> None:
        """Count one stored report (new, a syndicated copy, or a duplicate) and its events."""
        if outcome.status == "new":
            self.new += 1
        elif outcome.status == "copy":
            self.copies += 1
        else:
            self.duplicate += 1
        self.events_created += outcome.events_created
        self.events_merged += outcome.events_merged

    def line(self) -> str:
        return (f"reports read {self.read}, new {self.new}, duplicate {self.duplicate + self.copies} "
                f"({self.copies} syndicated copies), failed {self.failed}; "
                f"events created {self.events_created}, merged {self.events_merged}")


def ingest(items: Iterable[Item], store: Store, n_process: int = 1,
           on_item: Callable[[IngestSummary, str, str | None], None] | None = None) -> IngestSummary:
    """Code and store every item; bad items are counted and named, never fatal."""
    summary = IngestSummary()
    for result in extract_many(items, n_process=n_process):
        summary.read += 1
        error: str | None = None
        if result.error is not None:
            error = str(result.error)
        else:
            try:
                reference = reference_for(result.report) if not result.events else None
                outcome = store.add_report(result.report, result.events, reference)
            except CeasefireError as exc:
                error = str(exc)
            else:
                summary.count(outcome)
        if error is not None:
            summary.failed += 1
            message = error if error.startswith(result.item) else f"{result.item}: {error}"
            summary.errors.append(message)
        if on_item:
            on_item(summary, result.item, error)
    return summary

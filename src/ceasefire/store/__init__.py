"""The event store: reports, merged events, mentions and claims, in SQLite or PostgreSQL."""

from .repository import DEFAULT_URL, EventFilter, IngestOutcome, Store

__all__ = ["DEFAULT_URL", "EventFilter", "IngestOutcome", "Store"]

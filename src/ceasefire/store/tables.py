"""The store's tables (SQLAlchemy Core). Migrations in ``migrations/`` create and change them.

    sources        outlets and authors, by name
    reports        one row per distinct text (content hash), with its first outlet and URL
    report_copies  every outlet/URL that carried a report (syndicated wire copies included)
    events         the merged incidents, with reconciled fields and the number of sources
    mentions       what one report says of one event: the extractor's record, evidence included
    claims         each source's value for each contested field (fatalities, wounded, actors, type, date, place)
    places, actors normalised entities the events point to
    changes        the review history: every analyst action with its author, time and previous value (0003)
    overrides      fields an analyst corrected, pinned against later machine reconciliation (0003)
    api_tokens     hashes of the tokens that may write through the HTTP API (0003)
    store_state    one row: a version every write transaction bumps first, so readers (the API's
                   cache) see any change, and writers queue in one order on PostgreSQL (0005)
    pending_references  statements that refer to an incident not stored yet, kept until an event they fit
                   is created (0004)
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
)

reports = Table(
    "reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("report_key", String(300), nullable=False),
    Column("source_id", ForeignKey("sources.id"), nullable=True),
    Column("url", String(2000), nullable=True),
    Column("published", Date, nullable=False),
    Column("language", String(12), nullable=True),
    Column("content_hash", String(40), nullable=False, unique=True),
    Column("body_hash", String(40), nullable=True, index=True),
    Column("text", Text, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
)

report_copies = Table(
    "report_copies", metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("source_id", ForeignKey("sources.id"), nullable=True),
    Column("url", String(2000), nullable=True, unique=True),
)

places = Table(
    "places", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("country", String(2), nullable=True),
    Column("admin1", String(200), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    UniqueConstraint("name", "country", name="uq_places_name_country"),
)

actors = Table(
    "actors", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("side", String(120), nullable=True),
    Column("kind", String(60), nullable=True),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("event_uid", String(40), nullable=False, unique=True),
    Column("event_type", String(60), nullable=False),
    Column("sub_event_type", String(60), nullable=False),
    Column("date", Date, nullable=False),
    Column("date_precision", String(10), nullable=False),
    Column("place_id", ForeignKey("places.id"), nullable=True),
    Column("location", String(300), nullable=True),
    Column("country", String(2), nullable=True),
    Column("admin1", String(200), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("geo_precision", String(12), nullable=True),
    Column("actor1_id", ForeignKey("actors.id"), nullable=True),
    Column("actor2_id", ForeignKey("actors.id"), nullable=True),
    Column("actor1_side", String(120), nullable=True),
    Column("actor2_side", String(120), nullable=True),
    Column("fatalities_low", Integer, nullable=True),
    Column("fatalities_best", Integer, nullable=True),
    Column("fatalities_high", Integer, nullable=True),
    Column("wounded_low", Integer, nullable=True),
    Column("wounded_best", Integer, nullable=True),
    Column("wounded_high", Integer, nullable=True),
    Column("ceasefire_violation", Boolean, nullable=False, default=False),
    Column("contested", Boolean, nullable=False, default=False),
    Column("number_of_sources", Integer, nullable=False, default=1),
    Column("record", Text, nullable=False),  # the reconciled event as JSON (schema of models.Event plus sources)
    Column("words", Text, nullable=True),  # content words of every mention's evidence, for matching (0002)
    Column("review_state", String(20), nullable=False, default="machine"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
Index("ix_events_date", events.c.date)
Index("ix_events_country_date", events.c.country, events.c.date)
Index("ix_events_type_date", events.c.sub_event_type, events.c.date)
Index("ix_events_lat_lon", events.c.lat, events.c.lon)

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("record", Text, nullable=False),  # models.Event JSON from the extractor, with evidence spans
)

claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("mention_id", ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("source", String(300), nullable=True),
    Column("field", String(40), nullable=False),
    Column("value", Text, nullable=True),  # JSON
)

changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", Integer, nullable=False, index=True),  # no foreign key: the history outlives merged events
    Column("action", String(20), nullable=False),  # correct | confirm | reject | reopen | merge | split
    Column("field", String(40), nullable=True),
    Column("old_value", Text, nullable=True),  # JSON
    Column("new_value", Text, nullable=True),  # JSON
    Column("author", String(120), nullable=False),
    Column("note", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

overrides = Table(
    "overrides", metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(40), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)

pending_references = Table(
    "pending_references", metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("date", Date, nullable=False, index=True),  # the day the statement refers to (or its publication)
    Column("record", Text, nullable=False),  # the reference record (place, date, claims, words' evidence) as JSON
)

store_state = Table(
    "store_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

"""The typed records every stage reads and writes.

A :class:`Report` goes in; a list of :class:`Event` comes out. Each coded field of an
event is backed by one or more :class:`Evidence` spans: character offsets into the
report's text, so that a reader can see the sentence behind every value.

The JSON Schema of :class:`Event` is generated from these classes and shipped as
``ceasefire/schema/event.v{SCHEMA_VERSION}.json`` (``ceasefire schema`` prints it).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 2  # 2: places_named

ActorKind = Literal[
    "state forces",
    "rebel group",
    "political militia",
    "identity militia",
    "rioters",
    "protesters",
    "civilians",
    "external/other forces",
    "peacekeepers",
    "unidentified armed group",
]
DatePrecision = Literal["day", "week", "month"]
LocationPrecision = Literal["exact", "town", "district", "region", "country"]
CasualtyKind = Literal["killed", "wounded", "captured", "missing"]
CasualtyWho = Literal["military", "civilian", "unknown"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class Report(_Record):
    """One input text with its metadata."""

    id: str
    text: str
    published: dt.date
    source: str | None = None
    url: str | None = None


class Count(_Record):
    """A figure as UCDP codes it: the lowest, best and highest credible estimate."""

    low: int | None = None
    best: int | None = None
    high: int | None = None


class Actor(_Record):
    name: str
    side: str | None = Field(None, description="The state or movement the actor belongs to.")
    kind: ActorKind | None = None


class Location(_Record):
    name: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code.")
    lat: float | None = None
    lon: float | None = None
    precision: LocationPrecision | None = None


class Casualty(_Record):
    kind: CasualtyKind
    who: CasualtyWho = "unknown"
    side: str | None = None
    count: Count


class Weapon(_Record):
    name: str
    weapon_class: str = Field(alias="class")


class TerritoryChange(_Record):
    place: str | None = None
    gained_by: str | None = None
    lost_by: str | None = None


class Evidence(_Record):
    field: str
    start: int
    end: int
    text: str


class Event(_Record):
    """One incident as told by one report, every coded field with its evidence."""

    schema_version: int = SCHEMA_VERSION
    report_id: str
    event_id: str
    event_type: str
    sub_event_type: str
    date: dt.date
    date_precision: DatePrecision = "day"
    actor1: Actor | None = None
    actor2: Actor | None = None
    location: Location | None = None
    fatalities: Count | None = None
    wounded: Count | None = None
    casualties: list[Casualty] = []
    weapons: list[Weapon] = []
    ceasefire_violation: bool = False
    territory_change: TerritoryChange | None = None
    claimed_by: list[str] = []
    denied_by: list[str] = []
    places_named: list[str] = Field(
        [], description="The other places the report names where it tells the event (a district, a town nearby, "
        "a second spelling), as written: a second source that names its place as one of these may tell the same incident.")
    source: str | None = None
    url: str | None = None
    evidence: list[Evidence] = []
    extractor: str

    def to_json_dict(self) -> dict:
        """A JSON-ready dict with the documented field names (``class`` for weapons)."""
        return self.model_dump(mode="json", by_alias=True)


def event_json_schema() -> dict:
    schema = Event.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://ceasefire.invalid/schema/event.v{SCHEMA_VERSION}.json"
    schema["title"] = f"ceasefire event record, version {SCHEMA_VERSION}"
    return schema

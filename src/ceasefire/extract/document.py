"""The working record the extraction stages share while reading one report.

Stages add *hits* (what they found, where) to an :class:`Analysis`; the assemble stage
turns hits into :class:`~ceasefire.models.Event` records. Nothing here outlives one report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..models import Count, Report
from .text import Sentence


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    sentence: int


@dataclass(slots=True)
class CueHit(Hit):
    cue: str
    family: str
    weak: bool
    unreal: bool = False


@dataclass(slots=True)
class CasualtyHit(Hit):
    kind: str  # killed | wounded | captured | missing
    who: str  # military | civilian | unknown
    side: str | None
    count: Count | None  # None: figure pending / unknown
    update: bool = False  # "the toll rose to N"
    pending: bool = False
    group: str | None = None  # who was counted: military, combatants, civilians, police (None: anyone)
    also: bool = False  # "two soldiers were also killed": in addition to the others


@dataclass(slots=True)
class WeaponHit(Hit):
    name: str
    weapon_class: str
    generic: bool


@dataclass(slots=True)
class ActorHit(Hit):
    name: str
    side: str | None
    kind: str
    role: str | None = None  # agent | target | claimant | victim
    country: str | None = None  # where a named group operates (actors.yaml)


@dataclass(slots=True)
class DateHit(Hit):
    date: dt.date
    precision: str  # day | week | month
    explicit: bool  # a calendar date, not "yesterday"
    background: bool = False  # too old to be this report's news


@dataclass(slots=True)
class PlaceHit(Hit):
    name: str
    feature: str | None = None  # village, town, district, region, ...
    admin: str | None = None  # a parent named beside it: "Berd (Tavush)"
    how: str = "pattern"  # pattern | dateline | ner
    admin1: str | None = None  # the province after the district: "Chai (Macomia district, Cabo Delgado)"


@dataclass(slots=True)
class ClaimHit(Hit):
    claimant: str
    denial: bool = False


@dataclass(slots=True)
class TerritoryHit(Hit):
    place: str | None
    gained_by: str | None
    lost_by: str | None
    gainer_kind: str | None = None


@dataclass(slots=True)
class Analysis:
    report: Report
    match_text: str
    sentences: list[Sentence] = field(default_factory=list)
    cues: list[CueHit] = field(default_factory=list)
    casualties: list[CasualtyHit] = field(default_factory=list)
    weapons: list[WeaponHit] = field(default_factory=list)
    actors: list[ActorHit] = field(default_factory=list)
    dates: list[DateHit] = field(default_factory=list)
    places: list[PlaceHit] = field(default_factory=list)
    claims: list[ClaimHit] = field(default_factory=list)
    territory: list[TerritoryHit] = field(default_factory=list)
    background: set[int] = field(default_factory=set)  # sentences about the past, not news
    context_sides: list[str] = field(default_factory=list)

    def sentence_of(self, offset: int) -> int:
        lo, hi = 0, len(self.sentences) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.sentences[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

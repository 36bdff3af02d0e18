"""From hits to events: group the sentences of each incident, reconcile, classify.

A sentence with a real event cue (or a casualty figure, unless it tells deaths of a cause outside
conflict, triggers.yaml's ``not_conflict``, and no cue, weapon or armed actor) is a *frame*. Frames join the
latest compatible event of their family (violence; protest/riot; strategic) unless their
own date differs by more than a day, or they bring their own date and their own places,
none shared with the event: then they start a new event. Sentences that only add detail
(a casualty figure, "No casualties.") join the event before them. Each event's fields are
then reconciled from its sentences and its type is chosen by rules.yaml.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from ..geo.gazetteer import Gazetteer, GazetteerEntry, distance_km, normalize_name
from ..geo.resolve import Resolution, resolve_place
from ..models import Actor, Casualty, Count, Event, Evidence, Location, TerritoryChange, Weapon
from .document import ActorHit, Analysis, CasualtyHit, PlaceHit
from .lexicon import Lexicon
from .places import _DATELINE, STREET

REQUIRES = ("sentences", "cues", "casualties", "weapons", "actors", "dates", "places", "claims", "territory")
ASSIGNS = ("events",)

GENERIC_WEAPONS = {
    "firearms", "drone", "artillery", "mortar", "rocket", "missile", "aircraft", "helicopter", "tank",
    "armoured vehicle", "grenade", "IED", "landmine", "explosives", "ballistic missile", "cruise missile",
}
_HOW_CUES = {"clash", "shelling", "air", "ied", "suicide", "grenade", "chemical", "vac_attack", "blast", "shooting"}
_VIOLENT_CUES = {"shooting", "clash", "shelling", "air", "ied", "suicide", "grenade", "chemical", "vac_attack", "abduction", "sexual", "territory"}
_PROTEST_CUES = {"protest", "riot", "mob"}
_PRECISION = {
    "village": "town", "town": "town", "city": "town", "settlement": "town", "community": "town",
    "hamlet": "town", "locality": "town", "border village": "town", "frontline village": "town",
    "port city": "town", "port": "town", "camp": "exact", "refugee camp": "exact", "checkpoint": "exact", "airport": "exact",
    "airbase": "exact", "air base": "exact", "border crossing": "exact", "neighbourhood": "exact",
    "neighborhood": "exact", "suburb": "exact", "railway station": "exact", "bus station": "exact",
    "bazaar": "exact", "bazar": "exact", "market": "exact", STREET: "exact", "detachment": "exact", "garrison": "exact",
    "barracks": "exact", "military base": "exact", "army base": "exact", "police station": "exact", "kebele": "town",
    "barangay": "town", "upazila": "district", "tehsil": "district", "woreda": "district", "cercle": "district",
    "sindicatura": "district", "municipio": "district", "sub-county": "district", "lga": "district",
    "local government area": "district", "local government": "district", "territory": "district",
    "district": "district", "raion": "district", "county": "district",
    "municipality": "district", "township": "district", "region": "region", "province": "region",
    "oblast": "region", "governorate": "region", "state": "region", "prefecture": "region", "department": "region",
}
_GENERIC_NAMES = {"Unidentified Armed Group", "State forces (unidentified)", "Police (unidentified)"}
_SPECIFIC = {"town": 0, "exact": 0, None: 1, "district": 2, "region": 3, "country": 4}


@dataclass
class _Draft:
    family: str
    sentences: list[int] = field(default_factory=list)
    date: dt.date | None = None
    places: set[str] = field(default_factory=set)
    coords: list[tuple[float, float]] = field(default_factory=list)


def _family(cues: set[str]) -> str | None:
    if "agreement" in cues and not cues & {"casualty", "shelling", "air", "ied", "suicide", "shooting", "territory"}:
        return "strategic"  # "agreed to a ceasefire ending the fighting" is no battle
    if cues & _PROTEST_CUES and not cues & (_VIOLENT_CUES - {"abduction", "clash"}):
        return "protest"  # "protesters clashed with police" is a riot, not a battle
    if cues & (_VIOLENT_CUES | {"fire", "casualty", "ceasefire"}):
        return "violence"
    if cues & {"arrest", "agreement", "disrupted", "hq", "looting", "transfer", "change_group", "damage"}:
        return "strategic"
    return None


def assemble_events(doc: Analysis, lex: Lexicon, extractor: str, gazetteer: Gazetteer | None = None) -> list[Event]:
    cues_in: dict[int, set[str]] = {}
    for c in doc.cues:
        if not c.unreal and c.sentence not in doc.background:
            cues_in.setdefault(c.sentence, set()).add(c.cue)
    if not any(i not in doc.background for i in cues_in) and doc.background:
        # Everything that happened sits in "background" sentences (a statement that cites an old
        # date, "since October"): the report must be about something; take its first incident sentence.
        strong = sorted(c.sentence for c in doc.cues if not c.unreal and not c.weak and c.family == "violence")
        if strong:
            doc.background.discard(strong[0])
            cues_in = {}
            for c in doc.cues:
                if not c.unreal and c.sentence not in doc.background:
                    cues_in.setdefault(c.sentence, set()).add(c.cue)
    territory_sentences = {t.sentence for t in doc.territory}
    for i, names in cues_in.items():
        if "territory" in names and i not in territory_sentences:
            names.discard("territory")
    weapon_sentences = {w.sentence for w in doc.weapons}
    armed = {a.sentence for a in doc.actors if a.role == "agent" and a.kind not in ("civilians", "protesters")}
    casualty_sentences: dict[int, list[CasualtyHit]] = {}
    for h in doc.casualties:
        if h.sentence not in doc.background:
            casualty_sentences.setdefault(h.sentence, []).append(h)
            sent = doc.sentences[h.sentence]
            accident = (not cues_in.get(h.sentence) and h.sentence not in weapon_sentences and h.sentence not in armed
                        and lex.not_conflict.search(doc.match_text, sent.start, sent.end) is not None)
            if h.count is not None and (h.count.best or h.count.low or 0) > 0 and not accident:
                cues_in.setdefault(h.sentence, set()).add("casualty")  # not "floods killed 40 people"
    places = _PlaceResolver(doc, lex, gazetteer)
    doc.places[:] = [p for p in doc.places if p.how != "lead" or places.known_lead(p)]
    several = sum(1 for names in cues_in.values() if names & (_HOW_CUES | {"territory"})) > 1  # else no split to test
    drafts: list[_Draft] = []
    for sent in doc.sentences:
        i = sent.index
        names = {n for n in cues_in.get(i, set())}
        # "attack", "fire", "blast" count only beside a violent cue, a weapon, a figure or a target
        supported = bool(names & (_VIOLENT_CUES | {"casualty", "ceasefire"})) or i in weapon_sentences or any(
            a.sentence == i and (a.role == "target" or a.kind == "civilians") for a in doc.actors)
        if not supported:
            names -= {"fire", "blast"}
        family = _family(names)
        own_dates = [d for d in doc.dates if d.sentence == i and not d.background]
        own_places = {p.name for p in doc.places if p.sentence == i and p.how != "dateline"}
        if family is None or (names <= {"casualty", "fire", "blast"} and drafts and not own_dates):
            if i in casualty_sentences and drafts:
                drafts[-1].sentences.append(i)
            continue
        date = own_dates[0].date if own_dates else None
        own_places |= {p.admin for p in doc.places if p.sentence == i and p.admin}
        fresh = bool(own_dates) and bool(_SEPARATE.search(sent.text[:40]) or _SEPARATE_ANY.search(sent.text))
        later = bool(_LATER.search(sent.text)) and bool(names & (_VIOLENT_CUES | {"fire"}))
        target = None if later and drafts else _compatible(drafts, family, date, own_places, fresh)
        coords = places.town_coords(i) if several else []
        if target is not None and coords and target.coords and names & (_HOW_CUES | {"territory"}) and all(
                distance_km(a, b, c, d) > 40 for a, b in coords for c, d in target.coords):
            target = None  # the same day, somewhere else: ACLED codes one event per place
        if target is None:
            if family == "strategic" and drafts and not own_dates:
                drafts[-1].sentences.append(i)
                continue
            target = _Draft(family)
            drafts.append(target)
        target.sentences.append(i)
        target.date = target.date or date
        target.places |= own_places
        target.coords += coords
    events = []
    for n, draft in enumerate(drafts):
        event = _build(doc, lex, draft, cues_in, n, extractor, places)
        if event is not None:
            events.append(event)
    return events


_SEPARATE = re.compile(r"^\W*(?:On|In the early hours of|Early on|Late on|Around|On the night of) (?:the )?(?:\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)")
_SEPARATE_ANY = re.compile(r"\b(?:in (?:a |an )?(?:separate|another|second|unrelated) (?:incident|attack|development)|separately|elsewhere)\b", re.I)


_LATER = re.compile(r"^\W*(?:In (?:response|retaliation)|Afterwards|Shortly (?:after(?:wards)?|before)|Hours later|Separately|Elsewhere|In another|In a separate|Meanwhile)\b|\b(?:in (?:response|retaliation)|later (?:struck|hit|shelled|fired|launched|attacked))\b", re.I)


def _compatible(drafts: list[_Draft], family: str, date, places: set[str], has_date: bool) -> _Draft | None:
    for d in reversed(drafts):
        if d.family != family:
            continue
        if date and d.date and abs((date - d.date).days) > 1:
            continue
        if has_date and places and d.places and not (places & d.places) and d.date and date:
            continue
        return d
    return None


def _build(doc: Analysis, lex: Lexicon, draft: _Draft, cues_in, n: int, extractor: str,
           places: _PlaceResolver) -> Event | None:
    text = doc.report.text
    sents = set(draft.sentences)
    evidence: list[Evidence] = []

    def ev(field_name: str, start: int, end: int) -> None:
        evidence.append(Evidence(field=field_name, start=start, end=end, text=text[start:end]))

    cues = set().union(*(cues_in.get(i, set()) for i in sents))
    for c in doc.cues:
        if c.sentence in sents and not c.unreal and c.cue in cues and c.cue != "ceasefire":
            ev("event_type", c.start, c.end)
    # Date
    # a dateline's date ("BAMAKO, Oct 8 (Sahel Wire) -") is the day of writing: the story's own date first
    dateline = _DATELINE.match(doc.match_text)
    told = [d for d in doc.dates if not d.background and not (dateline and d.start < dateline.end())]
    dated = len(told) < sum(not d.background for d in doc.dates)  # the dateline tells a date
    dates = [d for d in told if d.sentence in sents]
    if not dates:  # the lead, or the sentences that go on with a lead dated only by its dateline
        dates = [d for d in told if d.sentence == 0] or [
            d for d in told if dated and max(sents) < d.sentence <= max(sents) + 2] or [
            d for d in doc.dates if not d.background and (d.sentence in sents or d.sentence == 0)]
    if dates:
        # the first day-precise date told of the incident; week/month only when nothing finer
        first = min(dates, key=lambda d: (d.precision != "day", d.date, d.start))
        date, precision = first.date, first.precision
        ev("date", first.start, first.end)
    else:
        date, precision = doc.report.published, "day"
    # Casualties
    hits = [h for h in doc.casualties if h.sentence in sents]
    fatalities, killed_ev = _reconcile(hits, "killed")
    wounded, wounded_ev = _reconcile(hits, "wounded")
    for h in killed_ev:
        ev("fatalities", h.start, h.end)
    for h in wounded_ev:
        ev("wounded", h.start, h.end)
    casualties = _casualty_list(hits)
    # Weapons
    weapons: dict[str, Weapon] = {}
    generic: set[str] = set()
    for w in doc.weapons:
        if w.sentence in sents:
            weapons.setdefault(w.name, Weapon(name=w.name, weapon_class=w.weapon_class))
            if w.generic or w.name in GENERIC_WEAPONS:
                generic.add(w.name)
            ev("weapons", w.start, w.end)
    specific_classes = {w.weapon_class for w in weapons.values() if w.name not in generic}
    weapon_list = [w for w in weapons.values() if not (w.name in generic and w.weapon_class in specific_classes)]
    # Ceasefire
    ceasefire = False
    for c in doc.cues:
        if c.sentence in sents and c.cue == "ceasefire" and not c.unreal:
            ceasefire = True
            ev("ceasefire_violation", c.start, c.end)
    # Actors
    actor1, actor2 = _actors(doc, lex, sents, hits, ev)
    # Territory
    territory = None
    t_hits = [t for t in doc.territory if t.sentence in sents]
    if t_hits:
        best = min(t_hits, key=lambda t: (_SPECIFIC.get(_place_precision(doc, t.place), 1), -t.start))
        gained = best.gained_by or next((t.gained_by for t in t_hits if t.gained_by), None)
        lost = best.lost_by
        sides = [a.side for a in (actor1, actor2) if a and a.side]
        if gained is None and lost:
            gained = next((s for s in sides if s != lost), None)
        if gained is None and actor1 is not None and actor1.side and actor1.side != lost:
            gained = actor1.side
        if lost is None and gained:
            lost = next((s for s in sides if s != gained), None)
        territory = TerritoryChange(place=best.place, gained_by=gained, lost_by=lost)
        ev("territory_change", best.start, best.end)
    if actor1 is None:  # "... Authorities blamed Boko Haram." / "Al-Shabaab claimed responsibility."
        after = [a for a in doc.actors if max(sents) < a.sentence <= max(sents) + 2 and a.role == "agent"
                 and a.kind not in ("civilians", "protesters") and a.sentence not in cues_in]
        if after:
            hit = after[0]
            actor1 = Actor(name=hit.name, side=hit.side, kind=hit.kind if hit.kind in lex.actor_kinds else None)
            ev("actor1", hit.start, hit.end)
    # Location
    location = _location(doc, lex, sents, territory, actor1, actor2, ev, places)
    named = _places_named(doc, lex, sents, location, ev)
    for i in sorted(sents):
        sent = doc.sentences[i]
        ev("notes", sent.start, sent.end)
    if location is not None and location.country:
        actor1 = _localise(lex, actor1, location.country)
        actor2 = _localise(lex, actor2, location.country)
    if actor2 is None and actor1 is not None and location is not None and location.country:
        actor2 = _implied_target(lex, hits, actor1, location.country)
    # Claims
    claimed, denied = [], []
    for c in doc.claims:
        follows = c.sentence - 1 in sents and c.sentence not in doc.background and not cues_in.get(c.sentence)
        if c.sentence in sents or follows:
            target = denied if c.denial else claimed
            if c.claimant not in target:
                target.append(c.claimant)
                ev("denied_by" if c.denial else "claimed_by", c.start, c.end)
    # The type is read from the sentence that opens the incident; cues told only once,
    # later on, add to it only when the opening says nothing of how the violence was done.
    lead = cues_in.get(min(sents), set())
    repeated = {c for c in cues if sum(c in cues_in.get(i, set()) for i in sents) >= 2}
    how = lead & _HOW_CUES
    typing_cues = (lead | repeated | (cues - _HOW_CUES)) if how else cues
    sub_event = _classify(lex, typing_cues, weapon_list, hits, actor1, actor2, territory, location)
    if sub_event is None:
        return None
    event_type = lex.sub_event_types[sub_event]
    if event_type in ("Protests", "Riots") and actor2 is not None and actor2.kind in ("protesters", "rioters") and (
            actor1 is None or actor1.kind not in ("protesters", "rioters")):
        actor1, actor2 = actor2, actor1  # ACLED: the demonstrators are actor 1, whoever intervenes actor 2
        swap = {"actor1": "actor2", "actor2": "actor1"}
        evidence = [e.model_copy(update={"field": swap.get(e.field, e.field)}) for e in evidence]
    event_id = hashlib.sha1(f"{doc.report.id}\x1f{n}".encode()).hexdigest()[:16]
    return Event(
        report_id=doc.report.id,
        event_id=event_id,
        event_type=event_type,
        sub_event_type=sub_event,
        date=date,
        date_precision=precision,
        actor1=actor1,
        actor2=actor2,
        location=location,
        fatalities=fatalities,
        wounded=wounded,
        casualties=casualties,
        weapons=weapon_list,
        ceasefire_violation=ceasefire,
        territory_change=territory,
        claimed_by=claimed,
        denied_by=denied,
        places_named=named,
        source=doc.report.source,
        url=doc.report.url,
        evidence=sorted(set(evidence), key=lambda e: (e.start, e.field, e.end)),
        extractor=extractor,
    )


def _reconcile(hits: list[CasualtyHit], kind: str) -> tuple[Count | None, list[CasualtyHit]]:
    """Reconcile every figure of one kind told in the event's sentences into low/best/high.

    Figures for different groups of people add up (see :func:`_buckets`); figures for the
    same group are alternatives: low is the smallest, high the largest, best the latest toll
    update or the most repeated figure (the one told first on a tie: the lead of a report
    carries its confirmed toll). A pending figure clears best.
    """
    mine = [h for h in hits if h.kind == kind]
    counted = [h for h in mine if h.count is not None]
    if not counted:
        return None, []
    pending = any(h.pending for h in mine)
    by_side = _buckets(counted)
    total_low = total_best = total_high = 0
    have_low = have_high = have_best = True
    for side_hits in by_side.values():
        nonzero = [h for h in side_hits if (h.count.best or h.count.low or h.count.high or 0) > 0] or side_hits
        lows = [h.count.low for h in nonzero if h.count.low is not None]
        highs = [h.count.high for h in nonzero if h.count.high is not None]
        bests = [h.count.best for h in nonzero if h.count.best is not None]
        updates = [h.count.best for h in nonzero if h.update and h.count.best is not None]
        if updates:
            best = updates[-1]
        elif bests:
            freq = Counter(bests)
            top = max(freq.values())
            best = next(v for v in bests if freq[v] == top)  # on a tie, the figure told first
        else:
            best = None
        if lows:
            total_low += min(lows)
        else:
            have_low = False
        if best is None:
            have_best = False
        else:
            total_best += best
        if len(set(bests)) > 1:
            total_high += max(bests + highs)
        elif highs:
            total_high += max(highs)
        else:
            have_high = False
    count = Count(
        low=total_low if have_low else None,
        best=total_best if have_best and not pending else None,
        high=total_high if have_high else None,
    )
    return count, counted


def _buckets(hits: list[CasualtyHit]) -> dict:
    """Split figures into groups of people whose counts add up.

    Figures for the same side and group (soldiers, combatants, civilians, police) are
    alternatives for one toll; a figure that names less (no side, or no group) joins the
    largest group it fits; "also killed" figures always add.
    """
    buckets: dict[tuple, list[CasualtyHit]] = {}
    for n, h in enumerate(hits):
        key = ("also", n) if h.also else (h.side, h.group)
        buckets.setdefault(key, []).append(h)

    def size(key) -> int:
        return max((h.count.best or h.count.low or 0) for h in buckets[key])

    for key in sorted(buckets, key=lambda k: (k[0] == "also", k[0] is not None, k[1] is not None)):
        if key[0] == "also" or key not in buckets:
            continue
        side, group = key
        if side is not None and group is not None:
            continue
        fits = [k for k in buckets if k != key and k[0] != "also"
                and (side is None or k[0] == side) and (group is None or k[1] == group)]
        if fits:
            target = max(fits, key=size)
            buckets[target].extend(buckets.pop(key))
    return buckets


def _casualty_list(hits: list[CasualtyHit]) -> list[Casualty]:
    groups: dict[tuple[str, str, str | None], list[CasualtyHit]] = {}
    pending = {h.kind for h in hits if h.pending}
    for h in hits:
        if h.count is not None:
            groups.setdefault((h.kind, h.who, h.side), []).append(h)
    out = []
    for (kind, who, side), group in groups.items():
        count, _ = _reconcile(group, kind)
        if count is not None and kind in pending:
            count = Count(low=count.low, best=None, high=count.high)
        if count is not None:
            out.append(Casualty(kind=kind, who=who, side=side, count=count))
    return out


def _actors(doc: Analysis, lex: Lexicon, sents: set[int], hits: list[CasualtyHit], ev):
    mentions = [a for a in doc.actors if a.sentence in sents]
    agents: Counter[str] = Counter()
    targets: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    by_name: dict[str, ActorHit] = {}
    for a in mentions:
        by_name.setdefault(a.name, a)
        first_seen.setdefault(a.name, a.start)
        named = 0.5 if a.name not in _GENERIC_NAMES and not a.name.startswith(("Military Forces", "Police Forces", "Civilians", "Protesters", "Rioters")) else 0
        if a.role == "agent":
            agents[a.name] += (2 if a.kind != "civilians" else 1) + named
        elif a.role == "target":
            targets[a.name] += 1 + named
        elif a.role is None:
            agents[a.name] += 0
    for h in hits:  # the side that lost people was acted on
        if h.side and h.count is not None and (h.count.best or h.count.low or 0) > 0:
            name = _actor_for_side(doc, lex, h.side, h.who)
            if name:
                targets[name.name] += 2 if h.who != "unknown" else 1
                by_name.setdefault(name.name, name)
                first_seen.setdefault(name.name, h.start)
    actor1 = actor2 = None
    if agents:
        name = max(agents, key=lambda k: (agents[k], -first_seen[k]))
        actor1 = by_name[name]
    elif mentions:
        non_claim = [a for a in mentions if a.role != "claimant"] or mentions
        if len({a.side for a in non_claim}) > 1 or not targets:
            actor1 = non_claim[0]
    rest = {k: v for k, v in targets.items() if actor1 is None or (by_name[k].side != actor1.side or by_name[k].kind != actor1.kind)}
    if not rest and actor1 is not None:  # "X and Y clashed": the other party
        rest = {k: v for k, v in agents.items() if by_name[k].side != actor1.side and by_name[k].side}
    if rest:
        name = max(rest, key=lambda k: (rest[k], -first_seen[k]))
        actor2 = by_name[name]
    if actor1 is None and actor2 is not None and actor2.kind not in ("civilians", "protesters"):
        others = [a for a in mentions if a.side != actor2.side and a.role != "claimant"]
        actor1 = others[0] if others else None
    result = []
    for role, hit in (("actor1", actor1), ("actor2", actor2)):
        if hit is None:
            result.append(None)
            continue
        if hit.start >= 0:
            ev(role, hit.start, hit.end)
        kind = hit.kind if hit.kind in lex.actor_kinds else None
        result.append(Actor(name=hit.name, side=hit.side, kind=kind))
    return result[0], result[1]


_GENERIC_ACTORS = {"State forces (unidentified)", "Police (unidentified)", "Protesters", "Rioters", "Civilians"}


def _localise(lex: Lexicon, actor: Actor | None, country: str) -> Actor | None:
    """Police, protesters or civilians named without a country take the country of the place."""
    if actor is None or actor.side is not None or actor.name not in _GENERIC_ACTORS:
        return actor
    side = lex.side_of_country.get(country)
    if side is None:
        return actor
    name = {"State forces (unidentified)": side.state_forces, "Police (unidentified)": side.police,
            "Civilians": side.civilians}.get(
        actor.name, f"{actor.name} ({side.side})")
    return Actor(name=name, side=side.side, kind=actor.kind)


def _implied_target(lex: Lexicon, hits: list[CasualtyHit], actor1: Actor, country: str) -> Actor | None:
    """The side acted on when the report names only a place: its civilians if civilians were
    hit, else its forces when the place is not the attacker's own country."""
    side = lex.side_of_country.get(country)
    if side is None or side.side == actor1.side:
        return None
    hurt = [h for h in hits if h.count and (h.count.best or h.count.low or 0) > 0]
    civilian = any(h.who in ("civilian", "unknown") for h in hurt) and not all(h.who == "military" for h in hurt)
    if civilian:
        return Actor(name=side.civilians, side=side.side, kind="civilians")
    attacker = lex.sides.get(actor1.side or "")
    if attacker is not None and attacker.country != country:
        return Actor(name=side.state_forces, side=side.side, kind="state forces")
    return None


def _actor_for_side(doc: Analysis, lex: Lexicon, side: str, who: str) -> ActorHit | None:
    for a in doc.actors:
        if a.side == side and (a.kind == "civilians") == (who == "civilian"):
            return a
    entry = lex.sides.get(side)
    if entry is None:
        return None
    if who == "civilian":
        return ActorHit(-1, -1, -1, entry.civilians, side, "civilians")
    return ActorHit(-1, -1, -1, entry.state_forces, side, "state forces")


def _place_precision(doc: Analysis, name: str | None) -> str | None:
    for p in doc.places:
        if p.name == name and p.feature:
            return _PRECISION.get(p.feature)
    return None


class _PlaceResolver:
    """Resolves the report's place mentions against the gazetteer, once each, in the
    report's country context (the sides it names, its dateline)."""

    def __init__(self, doc: Analysis, lex: Lexicon, gazetteer: Gazetteer | None) -> None:
        self.gazetteer = gazetteer
        self.doc = doc
        self._cache: dict[tuple[str, str | None, str | None], Resolution | None] = {}
        self._admins: dict[tuple[str, str, str | None], tuple[str, Resolution] | None] = {}
        votes: Counter[str] = Counter()
        for a in doc.actors:
            side = lex.sides.get(a.side or "")
            if side and side.country:
                votes[side.country] += 1
            elif a.country:  # a named group's home country ("Comando Vermelho" -> BR)
                votes[a.country] += 1
        for m in lex.demonyms.finditer(doc.match_text):
            if m.entry.country:
                votes[m.entry.country] += 1
        self.context = [c for c, _ in votes.most_common()]
        self.named = frozenset(normalize_name(p.name) for p in doc.places)
        if not self.context and gazetteer is not None:
            self.context = self._places_context(gazetteer)
        self.dateline: Resolution | None = None
        self.nearby = tuple(dict.fromkeys(
            t for c in self.context for side in [lex.side_of_country.get(c)] if side for t in side.theatres
            if t not in self.context))
        dateline = next((p for p in doc.places if p.how == "dateline"), None)
        if dateline is not None and gazetteer is not None:
            first = dateline.name.split("/")[0].strip().title()
            found = resolve_place(gazetteer, first, context=self.context) or resolve_place(gazetteer, first, context=[])
            if found is None:  # a dateline names a real place: its most populous namesake, if any is a town
                towns = [e for e in gazetteer.lookup(first) if e.main_name and e.feature == "P" and e.population >= 1000]
                if towns:
                    found = Resolution(max(towns, key=lambda e: e.population), 0.0, False)
            if found and found.entry.country:
                self.dateline = found
                self.context = [found.entry.country] + [c for c in self.context if c != found.entry.country]

    def _places_context(self, gazetteer: Gazetteer) -> list[str]:
        """The countries of the provinces and cities a report names, for a report whose sides and
        words name none: "Chai village (Macomia district, Cabo Delgado)" is in Mozambique, not the
        Turkish Chai."""
        votes: Counter[str] = Counter()
        for p in self.doc.places:
            if p.how in ("dateline", "lead") or p.feature == STREET:
                continue
            found = resolve_place(gazetteer, p.name, context=[], feature_hint=p.feature, named=self.named)
            entry = found.entry if found is not None and not found.fuzzy else None
            if entry is None or not entry.country:
                continue
            # a province or a city of a million weighs more than a town that may share a foreign name
            big = entry.feature in _ADMIN_FEATURES or entry.population >= 1_000_000
            if big or _PRECISION.get(p.feature or "") in ("district", "region") or entry.population >= 50_000:
                votes[entry.country] += 2 if big else 1
        ranked = votes.most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return []  # two countries named alike: nothing to tell
        return [ranked[0][0]] if ranked else []  # "Omdurman ... the Al-Thawra neighbourhoods": Sudan, not Syria too

    def town_coords(self, sentence: int) -> list[tuple[float, float]]:
        """Coordinates of the towns (not regions) a sentence names and the gazetteer knows."""
        out = []
        for p in self.doc.places:
            if p.sentence != sentence or p.how == "dateline" or _PRECISION.get(p.feature or "", "town") not in ("town", "exact"):
                continue
            res = self.resolve(p)
            if res is not None and res.entry.lat is not None and res.entry.precision in ("town", "exact"):
                out.append((res.entry.lat, res.entry.lon))
        return out

    def resolve(self, p: PlaceHit) -> Resolution | None:
        if self.gazetteer is None:
            return None
        if self.dateline is not None and normalize_name(p.name) == normalize_name(self.dateline.entry.name):
            return self.dateline
        key = (p.name, p.admin, p.feature)
        if p.feature == STREET:  # never a namesake town: "Moi Avenue" is not Moi; "Nairobi CBD" is Nairobi
            head = _CENTRE.match(p.name)
            if head is None:
                return None
            key = (head.group("town"), p.admin, None)
        if key not in self._cache:
            found = resolve_place(self.gazetteer, key[0], context=self.context, nearby=self.nearby,
                                  admin_hint=p.admin, feature_hint=key[2], named=self.named)
            named = _NAMED_FEATURE.match(key[0])
            if found is None and named:  # "Bor County", "Jani Khel Town": the place under its own name
                found = resolve_place(self.gazetteer, named.group("name"), context=self.context, nearby=self.nearby,
                                      admin_hint=p.admin, feature_hint=p.feature or named.group("feat").lower())
            admin = self.admin_of(p)
            country = admin[1].entry.country if admin is not None else None
            if found is not None and country and found.entry.country != country and found.entry.feature != "COUNTRY" \
                    and not _in_province(found.entry, p.admin):  # "Pokrovsk (Donetsk)": its own oblast
                # "Chai (Macomia district, Cabo Delgado)": a namesake outside the province's country is not it
                found = resolve_place(self.gazetteer, key[0], context=[country], admin_hint=p.admin,
                                      feature_hint=key[2], named=self.named)
                if found is not None and found.entry.country != country:
                    found = None
            self._cache[key] = found
        return self._cache[key]

    def known_lead(self, p: PlaceHit) -> bool:
        """Whether the capitalised word a report opens with is a town of the report's own country
        ("Bosso lived through a night of terror" in a report on Niger), or a city of 100,000 people in a
        report that names no country ("Gaza City and its suburbs were hit"), not a person or a group."""
        res = self.resolve(p)
        if res is None or res.fuzzy or res.entry.precision not in ("town", "exact"):
            return False
        if not self.context:  # no country to check it against: only a city of 100,000 or more
            return res.entry.population >= 100_000
        return res.entry.country == self.context[0]

    def admin_of(self, p: PlaceHit) -> tuple[str, Resolution] | None:
        """The district or province written beside a place ("Berd (Tavush)", "Chai (Macomia district,
        Cabo Delgado)"), as written and as the gazetteer knows it; None when it knows neither."""
        if self.gazetteer is None or not p.admin:
            return None
        key = (p.admin, "admin", p.admin1)
        if key not in self._admins:
            self._admins[key] = None
            for name in filter(None, (p.admin, p.admin1)):  # the district, else the province
                for context in (self.context, []):  # the writer named it: outside the sides' countries too
                    found = resolve_place(self.gazetteer, name, context=context, feature_hint="district")
                    if found is not None and found.entry.lat is not None and self._admins[key] is None \
                            and _written_as(found.entry, name, p.admin1 if name == p.admin else None):
                        self._admins[key] = (name, found)
        return self._admins[key]


_ADMIN_FEATURES = ("ADM1", "ADM2", "district", "region")  # gazetteer features of provinces and districts


def _written_as(entry: GazetteerEntry, name: str, province: str | None) -> bool:
    """Whether a gazetteer entry is the district written as ``name`` (its own name, or a province or
    district by an alternate one: "Bui" is not Bowie, Maryland), in the province written after it."""
    if normalize_name(entry.name) != normalize_name(name) and entry.feature not in _ADMIN_FEATURES:
        return False
    return _in_province(entry, province)


def _in_province(entry: GazetteerEntry, province: str | None) -> bool:
    """Whether an entry lies in the province written beside it (or nothing says otherwise)."""
    if not province or not entry.admin1:
        return True
    a, b = normalize_name(province), normalize_name(entry.admin1)
    return a in b or b in a


# a town's centre written as a place: "Nairobi CBD"
_CENTRE = re.compile(r"(?P<town>.+?)\s+(?:CBD|Central Business District)$")
# a feature word written as part of a name the gazetteer may not hold in that form
_NAMED_FEATURE = re.compile(r"(?P<name>.+?)\s+(?P<feat>County|District|Province|Territory|Township|Town|Municipality|"
                            r"Prefecture|Commune|Locality|Camp|Site|Local Government Area|Local Government|LGA|Cercle|"
                            r"Governorate|Oblast|Raion|Department)$")


def _location(doc: Analysis, lex: Lexicon, sents: set[int], territory, actor1, actor2, ev,
              places: _PlaceResolver) -> Location | None:
    candidates: list[PlaceHit] = [p for p in doc.places if p.sentence in sents and p.how != "dateline"]
    if not candidates:  # the place is often told in the sentence before the incident's first cue
        for i in range(min(sents) - 1, -1, -1):
            candidates = [p for p in doc.places if p.sentence == i and p.how != "dateline"]
            if candidates or (i not in doc.background and min(sents) - i >= 2):
                break  # no further than two sentences of the story back
    if not candidates and not any(p.how == "dateline" for p in doc.places):
        # "A drone strike killed eight at the weekend. The strike hit a gathering in X"
        ahead = [p for p in doc.places if max(sents) < p.sentence <= max(sents) + 2 and p.sentence not in doc.background]
        first = min((p.sentence for p in ahead), default=None)
        candidates = [p for p in ahead if p.sentence == first]
    chosen: PlaceHit | None = None
    if territory and territory.place:
        chosen = next((p for p in candidates if p.name == territory.place), None)

    def specificity(p: PlaceHit) -> str | None:
        if p.feature:
            return _PRECISION.get(p.feature)
        if p.name in lex.sides:
            return "country"
        res = places.resolve(p)
        return res.entry.precision if res else None

    if chosen is None and candidates:
        def rank(p: PlaceHit):
            unresolved = places.resolve(p) is None
            # a camp or neighbourhood the gazetteer lacks yields to a resolved town beside it
            sub_town = unresolved and _PRECISION.get(p.feature or "") == "exact"
            return (sub_town, _SPECIFIC.get(specificity(p), 1), p.feature is None, unresolved, p.start)

        chosen = min(candidates, key=rank)
    if chosen is None:
        chosen = next((p for p in doc.places if p.how == "dateline"), None)
    if chosen is None:
        return None
    ev("location", chosen.start, chosen.end)
    res = places.resolve(chosen)
    precision = specificity(chosen) or "town"
    suspect = res is None or _small(res.entry)  # the gazetteer lacks it, or may hold a namesake
    near = _container(doc, candidates, chosen, places) if suspect and precision != "country" else None
    written = places.admin_of(chosen) if res is None and precision != "country" else None
    if written is not None:  # "Chai (Macomia district, Cabo Delgado)": a place the gazetteer lacks is in that district
        at = doc.match_text.find(written[0], chosen.end)
        if at >= 0:
            near = (PlaceHit(at, at + len(written[0]), chosen.sentence, written[0], None, None, "pattern"), written[1])
    if near is not None and (res is None or _misplaced(res, *near)):
        # a village the gazetteer lacks (or holds only as a namesake in another country) "in Bannu district":
        # keep its name, placed at the district or town named with it, no more precise than a district
        hit, found = near
        entry = found.entry
        ev("location", hit.start, hit.end)
        if chosen.feature == STREET and entry.precision in ("town", "exact"):  # "on Moi Avenue" in Nairobi: Nairobi
            return Location(name=entry.name if hit.name.lower() == entry.name.lower() else hit.name, admin1=entry.admin1,
                            admin2=entry.admin2, country=entry.country, lat=entry.lat, lon=entry.lon, precision="town")
        kind = _PRECISION.get(hit.feature or "") or entry.precision
        approx = "region" if kind in ("region", "country") or entry.feature == "COUNTRY" else "district"
        return Location(name=chosen.name, admin1=entry.admin1 or (entry.name if approx == "region" else None),
                        admin2=entry.admin2 or (entry.name if approx == "district" else None),
                        country=entry.country, lat=entry.lat, lon=entry.lon, precision=approx)
    country = admin1 = admin2 = None
    lat = lon = None
    if res is not None:
        entry = res.entry
        country, admin1, admin2, lat, lon = entry.country, entry.admin1, entry.admin2, entry.lat, entry.lon
        if entry.feature == "COUNTRY":
            precision = "country"
    else:
        side = lex.sides.get(chosen.name)
        if side is not None:
            precision, country = "country", side.country
        else:
            country = _country_named(doc, lex, sents)
        guessed = None
        if country is None:  # a guess from the sides: the country's own forces or people were there
            for a in (actor2, actor1):
                if a is not None and a.side in lex.sides and a.kind in ("state forces", "civilians", "protesters"):
                    guessed = lex.sides[a.side].country
                    break
    if chosen.admin and not admin1 and not admin2:
        if precision in ("town", "exact"):
            admin1 = chosen.admin
    if res is None and precision != "country":
        # not in the gazetteer: keep the name as written, claim no more than the country the report
        # names; a country guessed from the sides (whose forces may be the attackers) is kept for the
        # record with no precision, so that it places nothing
        precision = "country" if country else None
        country = country or guessed
    name = chosen.name
    if chosen.feature == STREET and res is not None:  # "Nairobi CBD": Nairobi
        name, precision = res.entry.name, "town"
    return Location(name=name, admin1=admin1, admin2=admin2, country=country, lat=lat, lon=lon, precision=precision)


def _places_named(doc: Analysis, lex: Lexicon, sents: set[int], location: Location | None, ev) -> list[str]:
    """The places, other than the event's own, named in the sentences that tell it and the two before
    them (background excluded; no dateline, no country): "Khnatsakh ... the Goris medical centre"."""
    window = sents | {i for i in range(min(sents) - 2, min(sents)) if i >= 0 and i not in doc.background}
    own = normalize_name(location.name) if location is not None and location.name else None
    out: dict[str, str] = {}
    for p in doc.places:
        key = normalize_name(p.name)
        if p.sentence not in window or p.how == "dateline" or key == own or not key or p.name in lex.sides:
            continue
        if key not in out:
            out[key] = p.name
            ev("places_named", p.start, p.end)
    return list(out.values())


def _container(doc: Analysis, candidates: list[PlaceHit], chosen: PlaceHit,
               places: _PlaceResolver) -> tuple[PlaceHit, Resolution] | None:
    """A known place the report names around an event's place: "Kin Taung village in Buthidaung
    township", "a checkpost in Jani Khel, Bannu district". Among the event's other places (then the
    report's, never its dateline) that the gazetteer knows as a town or a region: a district or a
    region named by its feature word first, then the nearest in the text."""
    own = normalize_name(chosen.name)

    def known(pool: list[PlaceHit]) -> list[tuple[PlaceHit, Resolution]]:
        out = []
        for p in pool:
            if p is chosen or p.how == "dateline" or normalize_name(p.name) == own:
                continue
            res = places.resolve(p)
            if res is not None and res.entry.lat is not None and res.entry.feature != "COUNTRY":
                out.append((p, res))
        return out

    found = known(candidates) or known([p for p in doc.places if p not in candidates])
    if not found:
        return None

    def rank(item: tuple[PlaceHit, Resolution]):
        p, _ = item
        return (_PRECISION.get(p.feature or "") not in ("district", "region"), abs(p.start - chosen.start))

    return min(found, key=rank)


def _small(entry: GazetteerEntry) -> bool:
    """A small, uncurated place with coordinates: one whose name may well be another's too."""
    return entry.population < 5_000 and not entry.source.startswith("places:") and entry.lat is not None


def _misplaced(res: Resolution, hit: PlaceHit, near: Resolution) -> bool:
    """Whether a small place the gazetteer found is a namesake far from the known place the report
    names beside it: in another country than the district or region it is said to be in, or more
    than 60 km from that town ("Al-Rawdah ... in the city of Taiz", not the Al-Rawdah in Shabwah)."""
    entry, other = res.entry, near.entry
    if not _small(entry):
        return False
    feature = _PRECISION.get(hit.feature or "")
    if entry.country != other.country:
        return feature in ("district", "region")
    town = feature != "region" and other.precision in ("town", "exact")
    return town and distance_km(entry.lat, entry.lon, other.lat, other.lon) > 60


# "in Ukraine", "of southern Lebanon", "across north-eastern Nigeria"
_IN_COUNTRY = re.compile(r"\b(?:in|across|inside|of)\s+(?:(?:the\s+)?(?:far\s+)?(?:(?:north|south)(?:-?(?:east|west))?|east|west|central)"
                         r"(?:ern)?\s+)?$", re.I)


def _country_named(doc: Analysis, lex: Lexicon, sents: set[int]) -> str | None:
    """A country the event's sentences name as a place: "in Ukraine", "Ukraine's Donetsk region"."""
    text = doc.match_text
    for i in sorted(sents | {0}):
        sent = doc.sentences[i]
        for m in lex.demonyms.finditer(text, sent.start, sent.end):
            name = m.text[:-2] if m.text.endswith("'s") else m.text
            if name != m.entry.side or not m.entry.country:
                continue
            before = text[max(sent.start, m.start - 30) : m.start]
            if m.text.endswith("'s") or _IN_COUNTRY.search(before) or (i == 0 and m.start < 60):
                return m.entry.country
    return None


def _classify(lex: Lexicon, cues: set[str], weapons: list[Weapon], hits, actor1, actor2, territory, location) -> str | None:
    classes = {w.weapon_class for w in weapons}
    victims = {h.who for h in hits if h.count is not None and (h.count.best or h.count.low or 0) > 0}
    if actor2 is not None:
        victims.add({"civilians": "civilian", "protesters": "protesters"}.get(actor2.kind or "", "military"))
    casualties = any(h.count is not None and (h.count.best or h.count.low or 0) > 0 for h in hits)
    gainer = None
    if territory and territory.gained_by:
        side = lex.sides.get(territory.gained_by)
        is_state = side is not None
        at_home = location is None or location.country is None or (side is not None and side.country == location.country)
        gainer = "state_at_home" if is_state and at_home else "other"
    for rule in lex.rules:
        if "any" in rule and not cues & set(rule["any"]):
            continue
        if "all" in rule and not set(rule["all"]) <= cues:
            continue
        if "none" in rule and cues & set(rule["none"]):
            continue
        if "weapons_any" in rule and not classes & set(rule["weapons_any"]):
            continue
        if "victims_any" in rule and not victims & set(rule["victims_any"]):
            continue
        if "territory" in rule and bool(territory) != rule["territory"]:
            continue
        if "gainer" in rule and gainer != rule["gainer"]:
            continue
        if "casualties" in rule and casualties != rule["casualties"]:
            continue
        return rule["sub_event_type"]
    return None


def reference_record(doc: Analysis, lex: Lexicon, gazetteer: Gazetteer | None) -> dict | None:
    """What a report with no event of its own refers to: a denial, a confirmation, a statement
    ("we have nothing to do with the tragedy in Donetsk"). Its place, date and words let the store
    attach it, as a claim, to the incident it is about; it never becomes an event itself."""
    places = _PlaceResolver(doc, lex, gazetteer)
    located = None
    for p in doc.places:
        if p.how == "dateline" or p.sentence in doc.background:
            continue
        res = places.resolve(p)
        if res is None or res.entry.lat is None:
            continue
        precision = _PRECISION.get(p.feature or "") or res.entry.precision
        if precision in ("town", "exact") and res.entry.precision in ("town", "exact"):
            located = (p, res, "town")
            break
        if located is None and precision in ("region", "district"):
            located = (p, res, "region")  # "the Kursk region": kept unless a town follows
    if located is None:
        return None
    p, res, precision = located
    dates = [d for d in doc.dates if not d.background and d.precision == "day"]
    day = dates[0].date if dates else doc.report.published
    text = doc.report.text
    claims = [c for c in doc.claims if c.sentence not in doc.background]
    return {
        "reference": True,
        "report_id": doc.report.id,
        "date": day.isoformat(),
        "date_precision": "day",
        "date_told": text[dates[0].start:dates[0].end] if dates else None,
        "location": {"name": p.name, "country": res.entry.country, "admin1": res.entry.admin1, "lat": res.entry.lat,
                     "lon": res.entry.lon, "precision": precision},
        "claimed_by": sorted({c.claimant for c in claims if not c.denial}),
        "denied_by": sorted({c.claimant for c in claims if c.denial}),
        "evidence": [{"field": "location", "start": p.start, "end": p.end,
                      "text": doc.sentences[p.sentence].text}],
        "denial": bool(re.search(r"\b(?:den(?:y|ies|ied)|nothing to do with|false|fake|propaganda|categorically)\b",
                                 text, re.I)),
    }

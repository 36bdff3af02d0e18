"""Toponym resolution: which gazetteer entry a place mention in a report means.

Candidates come from the name index (exact key, then a fuzzy match among keys sharing the
first letters, for transliteration variants). Each is scored by the report's country context
(the sides and countries it names, its dateline), an admin name written beside the mention
("Berd (Tavush)", "Askeran district"), the kind of place the text calls it, curation
(project/user place files) and population. A candidate outside every country of the context is
refused unless it is a large city named exactly: an unknown place stays unknown rather than
landing at the wrong end of the world.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .gazetteer import Gazetteer, GazetteerEntry, normalize_name

_ADMIN_WORDS = {"district", "raion", "county", "municipality", "region", "province", "oblast", "governorate",
                "state", "prefecture", "department", "upazila", "tehsil", "woreda", "cercle", "sindicatura", "municipio",
                "sub-county", "lga", "local government area"}
_TOWN_WORDS = {"village", "town", "city", "settlement", "community", "hamlet", "locality", "border village",
               "frontline village", "port city"}


@dataclass(frozen=True)
class Resolution:
    entry: GazetteerEntry
    score: float
    fuzzy: bool


def candidates(gaz: Gazetteer, name: str) -> tuple[list[GazetteerEntry], bool]:
    found = list(gaz.lookup(name))
    if found:
        return found, False
    key = normalize_name(name)
    if len(key) < 5:
        return [], False
    keys = gaz.keys_with_prefix(key[:3])
    best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=88) if keys else None
    return (list(gaz.lookup(best[0])), True) if best else ([], False)


def resolve_place(
    gaz: Gazetteer,
    name: str,
    *,
    context: list[str],
    nearby: tuple[str, ...] = (),
    admin_hint: str | None = None,
    feature_hint: str | None = None,
    named: frozenset[str] = frozenset(),
) -> Resolution | None:
    """The best entry for ``name`` given the report's countries (most telling first), or None.

    ``nearby`` are countries where the report's sides also fight (their theatres): allowed, with
    less weight than the countries the report names. ``named``: the (normalised) names of the other
    places the report names; a namesake in a province the report names is preferred ("Bijapur" in a
    report that names Chhattisgarh is not the Bijapur of Karnataka).
    """
    found, fuzzy = candidates(gaz, name)
    if not found:
        return None
    admin_key = normalize_name(admin_hint) if admin_hint else None
    unique = len({(c.country, c.name) for c in found}) == 1
    bordering = set().union(*(gaz.neighbours(c) for c in context)) if context else set()
    named = named - {normalize_name(name)}  # its own name tells nothing of its province
    scored = []
    for c in found:
        s = 0.0
        in_named = bool(named and c.admin1 and normalize_name(c.admin1) in named)
        if context:
            if c.country in context:
                s += max(1.5, 3.0 - 0.5 * context.index(c.country))
            elif c.country in nearby:
                s += 1.0
            elif c.country in bordering and c.population >= 1_000:
                s -= 1.0  # across a border from the report's countries ("Mandera", with al-Shabaab)
            elif c.main_name and c.population >= 1_000_000:
                s -= 2.0
            else:
                continue
        elif not (c.population >= 100_000 or (unique and c.population >= 5_000) or c.source.startswith("places:")
                  or c.feature == "COUNTRY" or (in_named and c.population >= 1_000)):
            continue
        if admin_key and any(admin_key and admin_key in normalize_name(a or "") for a in (c.admin1, c.admin2)):
            s += 2.0
        if in_named:
            s += 2.0
        if feature_hint in _ADMIN_WORDS and c.feature in ("ADM1", "ADM2", "district", "region"):
            s += 1.5
        if feature_hint in _TOWN_WORDS and c.feature in ("P", "village", "town", "city"):
            s += 0.5
        if c.source.startswith("places:"):
            s += 1.5
        if c.main_name:
            s += 0.5
        s += 0.35 * math.log10(c.population + 1)
        scored.append((s, c))
    if not scored:
        return None
    score, best = max(scored, key=lambda x: x[0])
    return Resolution(best, score, fuzzy)

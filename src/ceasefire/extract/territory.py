"""Changes of territorial control: who took which place from whom.

Active cues ("took control of", "captured", "liberated", "invaded the village of X") take
the place after the cue and the acting side before it; passive ones ("X fell to Y",
"lost control of X", "withdrew from X") are read the other way round. A cue with no place
after it ("captured two soldiers") is not a change of territory.
"""

from __future__ import annotations

import re

from .document import Analysis, PlaceHit, TerritoryHit
from .lexicon import Lexicon
from .places import _STOP

REQUIRES = ("cues", "actors", "places")
ASSIGNS = ("territory",)

_LOSS = re.compile(r"lost|withdrew|retreated|pulled out|(?:had |have |has )lost", re.I)
_FELL = re.compile(r"fell", re.I)
_AFTER_GAP = 70
_ENTERED = re.compile(r"entered|rolled into|moved into|marched into", re.I)
_HANDOVER = re.compile(r"withdr[ae]w|withdrawal|pulled out|handed over|handover|hand back|retreat|without (?:a )?(?:fight|resistance)|under (?:a|the) (?:\w+ ){0,2}(?:deal|agreement|statement)|liberat|clearing|cleared|took control|taken control|full control|captured", re.I)


def _handover_nearby(doc: Analysis, i: int) -> bool:
    """A withdrawal or handover told in this sentence or the ones beside it."""
    lo, hi = max(0, i - 1), min(len(doc.sentences) - 1, i + 1)
    return any(_HANDOVER.search(doc.sentences[j].text) for j in range(lo, hi + 1))
# "took Parukh", "captured the last blocks of Bakhmut", "seized the Girkhgiz height"
_DIRECT = re.compile(
    r"\s+(?:(?:full|complete|effective)\s+)?(?:control\s+(?:of|over)\s+)?(?:the\s+)?(?:[a-z\-]+\s+){0,3}?(?:of\s+)?"
    r"(?P<name>[A-Z][\w'\u2019\-]+(?:\s+[A-Z][\w'\u2019\-]+){0,2})"
)


def find_territory(doc: Analysis, lex: Lexicon) -> None:
    text = doc.match_text
    for cue in doc.cues:
        if cue.cue != "territory" or cue.unreal or cue.sentence in doc.background:
            continue
        sent = doc.sentences[cue.sentence]
        if _ENTERED.match(text, cue.start) and not _handover_nearby(doc, cue.sentence):
            continue  # "entered Jenin" in a raid is no change of control
        after = [p for p in doc.places if p.sentence == cue.sentence and p.how != "dateline"
                 and cue.end <= p.start <= cue.end + _AFTER_GAP]
        if not after:
            direct = _DIRECT.match(text, cue.end, sent.end)
            if direct is None or any(a.start <= direct.start("name") < a.end for a in doc.actors):
                continue
            if direct.group("name").split()[0].lower() in _STOP or re.match(r"\s+(?:it|them|him|her)\b", text[cue.end:cue.end + 6]):
                continue  # "retook it in November"
            hit = PlaceHit(direct.start("name"), direct.end("name"), cue.sentence, direct.group("name"), None, None, "object")
            doc.places.append(hit)
            doc.places.sort(key=lambda p: p.start)
            after = [hit]
        between = text[cue.end : after[0].start]
        if re.search(r"\b(?:weapons|soldiers|servicemen|prisoners|people|civilians|fighters|equipment|tanks|vehicles|from)\b", between, re.I):
            continue
        place = after[0]
        actors = [a for a in doc.actors if a.sentence == cue.sentence and a.side and a.role != "claimant"]
        before = [a for a in actors if a.end <= cue.start]
        later = [a for a in actors if a.start >= place.end]
        verb = text[cue.start : cue.end]
        gained = lost = None
        gainer_kind = None
        if _LOSS.match(verb):
            if before:
                lost = before[-1].side
            if later:
                gained, gainer_kind = later[0].side, later[0].kind
        elif _FELL.match(verb):
            continue  # "X fell to Y": handled below with the place before the cue
        else:
            if before:
                gained, gainer_kind = before[-1].side, before[-1].kind
            elif later and re.search(r"\bby\b", text[place.end : later[0].start]):
                gained, gainer_kind = later[0].side, later[0].kind
        doc.territory.append(
            TerritoryHit(cue.start, place.end, cue.sentence, place.name, gained, lost, gainer_kind)
        )
    for m in re.finditer(r"(?P<verb>fell (?:to|into the hands of))", text):
        i = doc.sentence_of(m.start())
        if i in doc.background:
            continue
        places = [p for p in doc.places if p.sentence == i and p.end <= m.start() and p.how != "dateline"]
        winners = [a for a in doc.actors if a.sentence == i and a.start >= m.end() and a.side]
        if places and winners:
            doc.territory.append(
                TerritoryHit(places[-1].start, winners[0].end, i, places[-1].name, winners[0].side, None, winners[0].kind)
            )
    doc.territory.sort(key=lambda t: t.start)

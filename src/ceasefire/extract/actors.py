"""Actors: who acts and who is acted on.

Three kinds of mention, all from actors.yaml: named groups and forces by alias ("Defense
Army", "RSF"), a side's word before a force noun ("Azerbaijani army units" -> the state
forces of Azerbaijan; "Ukrainian civilians" -> civilians of Ukraine), and generic nouns
("unidentified gunmen", "protesters", "police") given the side the report is about.
Each mention gets a role from its place around the event cues of its sentence: ``agent``
(before the cue, or "by X"), ``target`` ("at/on/against X", or after the cue) or
``claimant`` (the subject of "said").
"""

from __future__ import annotations

import re
from collections import Counter

from .document import ActorHit, Analysis
from .lexicon import Lexicon

REQUIRES = ("sentences", "cues", "claims")
ASSIGNS = ("actors", "context_sides")

_FORCE_MODIFIERS = (
    r"(?:armed|army|military|border|special|government|regular|air|naval|security|defen[cs]e|state|"
    r"occupying|occupation|regime|enemy|federal|national|artillery|infantry|assault|sabotage|reconnaissance|"
    r"elite|ground|marine|airborne|mechanized|motorized|tank|pro-government|allied|separatist|volunteer|units of the)"
)
_FORCE_NOUNS = {
    "state forces": r"(?:fpv |kamikaze |attack |combat |guided |ballistic |cruise )?(?:missiles?|rockets?|drones?|uavs?|shells?|mortars?|strikes?|air ?strikes?|artillery fire|shelling|fire|air defen[cs]es?|batteries|bombs?|gunfire|sniper fire|attacks?|offensive|operation)|forces|troops|army|armies|military|militaries|soldiers|soldier|servicemen|serviceman|units|unit|positions|position|side|guards|guardsmen|border guards|artillery|drones|air force|navy|gunners|paratroopers|marines|personnel|jets|warplanes|aircraft|helicopters|tanks|brigades?|battalions?|detachments?|servicemembers|snipers|armed forces|defence ministry|defense ministry|military units|army units|checkpoints?|outposts?",
    "police": r"police|policemen|policeman|police officers|gendarmes|gendarmerie|riot police",
    "civilians": r"civilians|civilian|residents|villagers|farmers|farmer|shepherds?|citizens|nationals|children|women|workers|fishermen|herders?|journalists?|families|people|settlements|villages|homes|houses",
    "protesters": r"protesters|protestors|demonstrators|activists|opposition supporters",
}
_GENERIC = [
    (re.compile(r"(?<![\w\-])(?:(?:unidentified|unknown|suspected|masked|armed|unidentified armed)\s+)?(?:gunmen|assailants|attackers|armed men|militants|insurgents|jihadists|bandits|terrorists|kidnappers|abductors|extremists)(?![\w\-])", re.I),
     "Unidentified Armed Group", "unidentified armed group", None),
    (re.compile(r"(?<![\w\-])(?:protesters|protestors|demonstrators)(?![\w\-])", re.I), "Protesters", "protesters", "context"),
    (re.compile(r"(?<![\w\-])(?:rioters|mobs?|angry crowds?)(?![\w\-])", re.I), "Rioters", "rioters", "context"),
    (re.compile(r"(?<![\w\-])(?:civilians|residents|villagers|farmers|shepherds?|herders?|worshippers|passengers|displaced people)(?![\w\-])", re.I), "Civilians", "civilians", "context"),
    (re.compile(r"(?<![\w\-])(?:security forces|police|policemen|riot police|soldiers|troops|army|government forces|regime forces|junta forces|the military|gendarmes)(?![\w\-])", re.I), "state", "state forces", "context"),
]
_BY = re.compile(
    r"(?:\bby|\bunder|(?:fire|fired|firing|shelling|shots|rockets?|missiles?|drones?|attacks?|strikes?|launched|shells)\s+from)"
    r"\s+(?:the\s+|an?\s+|suspected\s+)?(?:[\w\-]+\s+){0,2}$", re.I)
_BLAMED = re.compile(r"\b(?:blamed|accused|attributed (?:it|the attack) to)\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}$", re.I)
_CLAIMED = re.compile(r"\s+(?:\w+\s+)?(?:claimed|has claimed|have claimed)\s+(?:responsibility|the attack|the bombing|the strike)", re.I)
_PASSIVE = re.compile(r"\s+(?:[\w\-]+\s+){0,4}?(?:was|were|has been|have been|had been|got|came under|died|are|is being)\b", re.I)
_LOCATIVE = re.compile(r"\b(?:in|inside|across|throughout|within|near|from|into|over|of|on|at|toward|towards|for|with|against|between)\s+(?:the\s+)?$", re.I)
_PARTY_OF = re.compile(r"\b(?:leaders?|ministers?|governments?|presidents?|delegations?|representatives|authorities|forces|troops|army)\s+of\s+$", re.I)


def _bare_side(text: str, m, side) -> bool:
    """A country named as a party ("Russia launched", "Armenia and Azerbaijan agreed")."""
    if m.text.lower() != side.side.lower() or not m.text[:1].isupper():
        return False
    before = text[max(0, m.start - 30) : m.start]
    if _LOCATIVE.search(before) and not _PARTY_OF.search(before):
        return False
    after = text[m.end : m.end + 30]
    return bool(re.match(r"(?:'s)?\s+(?:and\s+|,\s*)?(?:[a-z]|[A-Z][a-z]+\s+(?:and|agreed|signed))", after)) or bool(
        re.match(r"\s*(?:,|and)", after))
_AT = re.compile(
    r"(?:\bat|\bon|\bagainst|\btargeting|\btargeted|\btowards?|\bupon|\bhit|\bstruck|\bshelled|\battacked|\bkilled|\bkilling|\bwounded|\binjuring|\bfired on|\bambushed|\bkidnapped|\babducted|\barrested|\bdetained|\bdispersed|\bof|\binto)\s+(?:the\s+|an?\s+|two\s+|three\s+|several\s+)?(?:(?:positions|territory|areas|locations|convoys?|bases?|posts?|members|troops|units)\s+of\s+(?:the\s+)?)?(?:\w+\s+){0,1}$",
    re.I,
)


def find_actors(doc: Analysis, lex: Lexicon) -> None:
    text = doc.match_text
    taken: list[tuple[int, int]] = []
    hits: list[ActorHit] = []

    def add(hit: ActorHit) -> None:
        if any(a < hit.end and hit.start < b for a, b in taken):
            return
        taken.append((hit.start, hit.end))
        hits.append(hit)

    for m in lex.named_actors.finditer(text):
        add(ActorHit(m.start, m.end, doc.sentence_of(m.start), m.entry.name, m.entry.side, m.entry.kind,
                     country=m.entry.country))
    follow = re.compile(rf"\s+(?:(?:{_FORCE_MODIFIERS}|(?-i:[A-Z][\w\-]*))\s+){{0,3}}(?P<noun>" + "|".join(
        f"(?P<{k.replace(' ', '_')}>{v})" for k, v in _FORCE_NOUNS.items()) + r")(?![\w\-])", re.I)
    for m in lex.demonyms.finditer(text):
        side = m.entry
        f = follow.match(text, m.end)
        start = m.start
        pre = re.search(r"(?:units|forces|members|soldiers|positions|troops) of (?:the )?$", text[max(0, start - 30):start])
        if pre:
            start = start - len(pre.group())
        if not f:
            # "Azerbaijani and Armenian forces clashed": the first side shares the noun
            both = re.match(r"\s+and\s+", text[m.end:m.end + 6])
            nxt = next(lex.demonyms.finditer(text, m.end, min(len(text), m.end + 40)), None) if both else None
            f = follow.match(text, nxt.end) if nxt else None
            if f is None:
                if _bare_side(text, m, side):
                    add(ActorHit(m.start, m.end, doc.sentence_of(m.start), side.state_forces, side.side, "state forces"))
                continue
        if f.group("state_forces"):
            name, kind = side.state_forces, "state forces"
        elif f.group("police"):
            name, kind = side.police, "state forces"
        elif f.group("civilians"):
            name, kind = side.civilians, "civilians"
        else:
            name, kind = f"Protesters ({side.side})", "protesters"
        add(ActorHit(start, f.end(), doc.sentence_of(start), name, side.side, kind))
    sides = Counter(h.side for h in hits if h.side and h.kind in ("state forces", "civilians"))
    doc.context_sides = [s for s, _ in sides.most_common()]
    context = doc.context_sides[0] if doc.context_sides else None
    for regex, name, kind, side_rule in _GENERIC:
        for m in regex.finditer(text):
            side = context if side_rule == "context" else None
            actor_name = name
            if name == "state":
                entry = lex.sides.get(context) if context else None
                if entry is None:
                    actor_name = "Police (unidentified)" if "police" in m.group().lower() else "State forces (unidentified)"
                elif "police" in m.group().lower():
                    actor_name = entry.police
                else:
                    actor_name = entry.state_forces
            elif side and kind in ("protesters", "rioters"):
                actor_name = f"{name} ({side})"
            elif side and kind == "civilians":
                actor_name = lex.sides[side].civilians if side in lex.sides else f"Civilians ({side})"
            add(ActorHit(m.start(), m.end(), doc.sentence_of(m.start()), actor_name, side, kind))
    claim_spans = [(c.start, c.end) for c in doc.claims]
    cues_by_sentence: dict[int, list] = {}
    for c in doc.cues:
        if not c.unreal:
            cues_by_sentence.setdefault(c.sentence, []).append(c)
    for h in hits:
        h.role = _role(text, h, cues_by_sentence.get(h.sentence, []), claim_spans, doc)
    doc.actors = sorted(hits, key=lambda h: h.start)


def _role(text: str, hit: ActorHit, cues, claim_spans, doc: Analysis) -> str | None:
    if any(a <= hit.start < b or hit.start <= a < hit.end for a, b in claim_spans):
        return "claimant"
    sent_start = doc.sentences[hit.sentence].start
    before = text[max(sent_start, hit.start - 60) : hit.start]
    if _BY.search(before) or _BLAMED.search(before) or _CLAIMED.match(text, hit.end):
        return "agent"
    if _AT.search(before):
        return "target"
    if _PASSIVE.match(text, hit.end) and not re.match(r"\s+(?:was|were)\s+(?:\w+\s+)?(?:firing|shelling|attacking|fighting|advancing)", text[hit.end:hit.end + 40]):
        return "target"
    if not cues:
        return None
    strong = [c for c in cues if not c.weak] or cues
    if hit.start < strong[0].start or hit.start == strong[0].start and hit.end < strong[0].end:
        return "agent"  # before the cue, or the subject that opens it ("gunmen killed", "bandits carried off")
    return "target"

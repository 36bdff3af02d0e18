"""Weapons and platforms named in the report, normalised by weapons.yaml."""

from __future__ import annotations

from .document import Analysis, WeaponHit
from .lexicon import Lexicon

REQUIRES = ("sentences",)
ASSIGNS = ("weapons",)


def find_weapons(doc: Analysis, lex: Lexicon) -> None:
    text = doc.match_text
    for sent in doc.sentences:
        taken: list[tuple[int, int]] = []
        hits = sorted(lex.find_weapons(text, sent.start, sent.end), key=lambda m: (m.start, -(m.end - m.start)))
        for m in hits:
            if any(a < m.end and m.start < b for a, b in taken):
                continue
            # "Geran-2 drones", "FAB-500 bombs": the generic word belongs to the named system
            if m.entry.generic and doc.weapons and doc.weapons[-1].sentence == sent.index \
                    and not doc.weapons[-1].generic and 0 <= m.start - doc.weapons[-1].end <= 2:
                continue
            taken.append((m.start, m.end))
            name = m.entry.name.format(**m.groups) if m.groups else m.entry.name
            doc.weapons.append(
                WeaponHit(m.start, m.end, sent.index, name, m.entry.weapon_class, m.entry.generic)
            )
        named = {w.weapon_class for w in doc.weapons if w.sentence == sent.index}
        named_any = bool(named)
        for regex, entry in lex.implied_weapons:
            if entry.weapon_class in named or (entry.weapon_class == "artillery" and named_any):
                continue  # "shelled with Grad rockets": the rockets say it
            m = regex.search(text, sent.start, sent.end)
            if m:
                named.add(entry.weapon_class)
                doc.weapons.append(WeaponHit(m.start(), m.end(), sent.index, entry.name, entry.weapon_class, True))

"""Event cues: the words that say something happened (triggers.yaml).

A cue shortly after a threat, plan, hypothetical or negation ("threatened to strike",
"could escalate", "no clashes") is marked ``unreal`` and does not make an event.
"""

from __future__ import annotations

from .document import Analysis, CueHit
from .lexicon import Lexicon

REQUIRES = ("sentences",)
ASSIGNS = ("cues",)

_LOOKBACK = 32  # characters before a cue searched for threat/negation words


def find_cues(doc: Analysis, lex: Lexicon) -> None:
    text = doc.match_text
    for cue in lex.cues:  # one pass per cue over the whole text; sentences found by bisection
        for m in cue.regex.finditer(text):
            sent = doc.sentences[doc.sentence_of(m.start())]
            if m.end() > sent.end:
                continue
            window_start = max(sent.start, m.start() - _LOOKBACK)
            window = text[window_start : m.start()]
            # only the current clause counts
            cut = max(window.rfind(","), window.rfind(";"), window.rfind(" and "), window.rfind(" but "))
            if cut >= 0:
                window_start += cut + 1
            unreal = lex.unreal.search(text, window_start, m.start()) is not None
            doc.cues.append(CueHit(m.start(), m.end(), sent.index, cue.name, cue.family, cue.weak, unreal))
    doc.cues.sort(key=lambda c: c.start)

"""Text preparation: a matching copy of the text and sentence boundaries.

Offsets never change: the matching copy replaces typographic quotes, dashes and
non-breaking spaces one character for one character, so a span found in it is a
span of the original report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SAME_LENGTH = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2011": "-",
        "\u2010": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.n", "u.k", "e.g", "i.e", "approx", "est", "gov", "sen", "rep", "inc", "co",
    "jr", "sr", "mt", "ft", "cpl", "pvt", "adm", "brig", "cmdr", "prof", "rev",
}

# A sentence ends at . ! ? (with closing quotes/brackets) followed by space and an
# upper-case letter, digit or opening quote; paragraphs (blank lines or single newlines) end too.
_BOUNDARY = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9])|\n\s*""")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


def matching_text(text: str) -> str:
    """The text with typographic variants folded, same length as ``text``."""
    return text.translate(_SAME_LENGTH)


def split_sentences(text: str) -> list[Sentence]:
    """Sentence spans of ``text`` (offsets into it), fast and rule-based."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.start()
        if match.group().strip() == "" or match.group()[0] not in "\n":
            # Do not cut after an abbreviation or a single initial ("Gen. Smith", "J. Doe").
            before = text[start:cut].rstrip("\"')]")
            word = before.rsplit(None, 1)[-1] if before.split() else ""
            word = word.rstrip(".").lower()
            if "\n" not in match.group() and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
                continue
        spans.append((start, _rstrip_end(text, start, match.start() + _closing_len(match.group()))))
        start = match.end()
    spans.append((start, _rstrip_end(text, start, len(text))))
    sentences = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        if e > s:
            sentences.append(Sentence(len(sentences), s, e, text[s:e]))
    return sentences


def _closing_len(boundary: str) -> int:
    n = 0
    for ch in boundary:
        if ch in "\"')]\u201d\u2019":
            n += 1
        else:
            break
    return n


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end

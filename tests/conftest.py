"""Shared fixtures: the seed report, the bundled lexicon and a helper that codes one text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ceasefire
from ceasefire.extract.lexicon import default_lexicon

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = Path(__file__).resolve().parent / "gold"


def _seed_path() -> Path:
    candidates = [ROOT / "examples" / "parukh-2022-03-25.txt", ROOT.parent / "shared" / "examples" / "parukh-2022-03-25.txt"]
    if os.environ.get("CEASEFIRE_SEED"):
        candidates.insert(0, Path(os.environ["CEASEFIRE_SEED"]))
    for path in candidates:
        if path.exists():
            return path
    raise FileNotFoundError("the seed example parukh-2022-03-25.txt is missing from examples/")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return _seed_path()


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def lexicon():
    return default_lexicon()


@pytest.fixture(scope="session")
def code():
    """Code one text published on the given date (rules and recogniser, as users run it)."""

    def _code(text: str, published: str = "2022-03-25", **kwargs):
        return ceasefire.extract(text, published=published, **kwargs)

    return _code


@pytest.fixture(scope="session")
def one(code):
    """Code a text that must describe exactly one event, and return it."""

    def _one(text: str, published: str = "2022-03-25"):
        events = code(text, published)
        assert len(events) == 1, [e.sub_event_type for e in events]
        return events[0]

    return _one

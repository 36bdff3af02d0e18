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


# ------------------------------------------------------------------ stores

PG_ADMIN_URL = os.environ.get("CEASEFIRE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_admin():
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL is required in CI and is not reachable at {PG_ADMIN_URL}: {exc}") from exc
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL} ({exc}); set CEASEFIRE_TEST_PG to test against one")


@pytest.fixture
def pg_database():
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    import uuid

    admin = _pg_admin()
    name = f"ceasefire_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """Every store test runs on a real SQLite file and on the real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield request.getfixturevalue("pg_database")


# ------------------------------------------------------------------ the HTTP server

@pytest.fixture
def live_server():
    """Start the real application (uvicorn, a loopback port of its own) over a store:
    ``server = live_server(store, WebSettings(...))``; ``server.url`` is its base URL. Stopped after the test."""
    from ceasefire.web.server import ServerThread

    started = []

    def _start(store, settings=None):
        server = ServerThread(store, settings).__enter__()
        started.append(server)
        return server

    yield _start
    for server in started:
        server.__exit__(None, None, None)


# ------------------------------------------------------------------ Dask (scaled-out extraction)


@pytest.fixture(scope="module")
def dask_client():
    """A real local Dask cluster: two worker processes of one thread each, closed after the module."""
    import logging

    if os.environ.get("CI"):
        import distributed  # the test extra installs it: in CI a missing Dask is a failure, not a skip
    else:
        distributed = pytest.importorskip("distributed", reason='the Dask engine tests need pip install -e ".[test]"')
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as client:
        yield client

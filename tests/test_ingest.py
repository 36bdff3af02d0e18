"""`ceasefire ingest` as users run it: files, folders, batches, HTML, RSS and URLs from a real HTTP
server on loopback; bad items named and skipped; SIGKILL in the middle of a large ingest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ceasefire.store import Store

NOTE = "On 9 May 2020, Azerbaijani forces fired 82mm mortars at Armenian positions near Berd (Tavush), violating the ceasefire. No casualties."
ARTICLE_HTML = """<html><head><title>Shelling hits Kharkiv</title>
<meta property="article:published_time" content="2022-06-04T10:00:00Z"><meta property="og:site_name" content="Loopback News">
</head><body><nav>Home | World | Sport</nav><article><h1>Shelling hits Kharkiv</h1>
<p>KHARKIV, Ukraine - Russian forces shelled a residential district of Kharkiv on Friday, killing two civilians
and wounding five, the regional governor said.</p><p>The strike damaged a school and several apartment blocks.
Emergency services said rescuers were still searching the rubble on Saturday.</p>
<p>&lt;script&gt;alert(1)&lt;/script&gt; Residents said the shelling lasted for about an hour.</p></article>
<footer>Copyright Loopback News</footer></body></html>"""


def feed(base: str) -> str:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Feed</title>
<item><title>Drone strike in Odesa</title><link>{base}/odesa</link><pubDate>Tue, 21 Mar 2023 08:00:00 GMT</pubDate>
<description>Russian drones struck the port of Odesa overnight, injuring two port workers, the governor said.</description></item>
<item><title>Kharkiv shelled</title><link>{base}/article</link><pubDate>Sat, 04 Jun 2022 10:00:00 GMT</pubDate>
<description>Russian forces shelled Kharkiv.</description></item></channel></rss>"""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/article":
            self._send(200, ARTICLE_HTML.encode(), "text/html; charset=utf-8")
        elif self.path == "/odesa":
            self._send(500, b"server error", "text/plain")
        elif self.path == "/feed":
            self._send(200, feed(base).encode(), "application/rss+xml")
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, b"late", "text/plain")
        elif self.path == "/huge":  # claims nothing, streams forever: the size limit must stop it
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(100_000):
                    self.wfile.write(b"x" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ceasefire", *args], capture_output=True, text=True, timeout=timeout)


def test_ingest_files_folders_and_batches_with_a_summary(tmp_path, seed_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "note.txt").write_text(NOTE, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    batch = tmp_path / "batch.csv"
    batch.write_text('id,text,published,source\nc1,"On 3 June 2022, Russian forces shelled Kharkiv, killing two civilians.",2022-06-04,Wire\n'
                     'c2,"",2022-06-04,Wire\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'e.db'}"
    proc = run("ingest", str(seed_path), str(folder), str(batch), "--db", db, "--published", "2022-03-25", "--source", "Seed")
    assert proc.returncode == 1  # two items failed
    assert "empty.txt: report" in proc.stderr and "is empty" in proc.stderr and f"{batch}:3:" in proc.stderr
    assert proc.stdout.strip() == ("reports read 5, new 3, duplicate 0 (0 syndicated copies), failed 2; "
                                   "events created 3, merged 0")
    again = run("ingest", str(seed_path), "--db", db, "--published", "2022-03-25", "--source", "Seed")
    assert again.returncode == 0 and "new 0, duplicate 1" in again.stdout


def test_ingest_html_feed_and_urls_from_a_loopback_server(tmp_path, server):
    db = f"sqlite:///{tmp_path / 'web.db'}"
    refused = run("ingest", f"{server}/article", "--db", db)
    assert refused.returncode == 1 and "private or local address" in refused.stderr and "--allow-private" in refused.stderr
    proc = run("ingest", f"{server}/article", f"{server}/feed", f"{server}/slow", f"{server}/huge", f"{server}/missing",
               f"{server}/redirect", "--db", db, "--allow-private", "--timeout", "1", "--max-bytes", "200000")
    err = proc.stderr
    assert proc.returncode == 1
    assert f"{server}/slow: timed out after 1 s" in err
    assert f"{server}/huge: more than the 200,000-byte limit" in err
    assert f"{server}/missing: HTTP 404" in err
    store = Store.open(db)
    events = list(store.query_events())
    kharkiv = [e for e in events if e["location"] and e["location"]["name"] == "Kharkiv"]
    odesa = [e for e in events if e["location"] and e["location"]["name"] == "Odesa"]
    assert len(kharkiv) == 1 and kharkiv[0]["fatalities"]["best"] == 2 and kharkiv[0]["date"] == "2022-06-03"
    assert odesa and odesa[0]["wounded"]["best"] == 2  # the feed's summary stood in for the failing page
    mention = store.mentions_of(kharkiv[0]["store_id"])[0]
    assert mention["report_key"] and "Copyright" not in json.dumps(mention)  # boilerplate left out by trafilatura
    assert "new 0" in run("ingest", f"{server}/article", "--db", db, "--allow-private").stdout  # same URL: nothing new


def test_ingest_events_and_export_read_the_store(tmp_path, seed_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(json.dumps({"id": f"n{i}", "text": t, "published": "2022-06-06", "source": "Notes"}) for i, t in enumerate([
        "On 3 June 2022, Russian forces shelled Kharkiv, killing two civilians.",
        "On 5 June 2022, hundreds of people protested in Yerevan against the border deal.",
    ])) + "\n", encoding="utf-8")
    assert run("ingest", str(batch), "--db", db).returncode == 0
    rows = [json.loads(x) for x in run("events", "--db", db, "--country", "UA", "--format", "jsonl").stdout.splitlines()]
    assert [r["location"]["name"] for r in rows] == ["Kharkiv"]
    geo = json.loads(run("export", "--db", db, "--format", "geojson").stdout)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 2
    assert any(f["geometry"] and f["geometry"]["type"] == "Point" for f in geo["features"])
    csv_out = run("export", "--db", db, "--format", "acled-csv", "--since", "2022-06-04").stdout.splitlines()
    assert csv_out[0].startswith("event_id_cnty,event_date") and len(csv_out) == 2 and "Yerevan" in csv_out[1]
    parquet = tmp_path / "e.parquet"
    assert run("export", "--db", db, "--format", "parquet", "--out", str(parquet)).returncode == 0
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    assert table.num_rows == 2 and "fatalities_best" in table.column_names


def _big_batch(path: Path, n: int) -> None:
    towns = ["Kharkiv", "Kherson", "Odesa", "Mykolaiv", "Zaporizhzhia", "Nikopol", "Sumy", "Chernihiv"]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            day = 1 + i % 28
            text = (f"On {day} March 2023, Russian forces shelled {towns[i % len(towns)]}, killing {1 + i % 5} civilians "
                    f"and damaging house number {i}, local officials said.")
            out.write(json.dumps({"id": f"r{i}", "text": text, "published": "2023-03-29", "source": f"Outlet {i % 7}"}) + "\n")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_ingest_killed_midway_then_rerun_equals_one_clean_run(tmp_path, backend, request):
    batch = tmp_path / "big.jsonl"
    _big_batch(batch, 400)
    if backend == "sqlite":
        killed_db, clean_db = f"sqlite:///{tmp_path / 'killed.db'}", f"sqlite:///{tmp_path / 'clean.db'}"
    else:
        killed_db = request.getfixturevalue("pg_database")
        clean_db = killed_db.rsplit("/", 1)[0] + "/" + killed_db.rsplit("/", 1)[1] + "_clean"
        from conftest import _pg_admin

        admin = _pg_admin()
        admin.execute(f'CREATE DATABASE "{clean_db.rsplit("/", 1)[1]}"')
        request.addfinalizer(lambda: (admin.execute(f'DROP DATABASE IF EXISTS "{clean_db.rsplit("/", 1)[1]}" WITH (FORCE)'), admin.close()))
    proc = subprocess.Popen([sys.executable, "-m", "ceasefire", "ingest", str(batch), "--db", killed_db],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline:  # wait until some, but not all, reports are in
        time.sleep(0.3)
        try:
            n = Store.open(killed_db).counts()["reports"]
        except Exception:
            continue
        if n >= 20:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = Store.open(killed_db).counts()["reports"]
    assert 0 < partial < 400, "the kill should land in the middle of the ingest"
    assert run("ingest", str(batch), "--db", killed_db).returncode == 0
    assert run("ingest", str(batch), "--db", clean_db).returncode == 0
    killed, clean = Store.open(killed_db), Store.open(clean_db)
    assert killed.counts() == clean.counts()
    assert killed.canonical_dump() == clean.canonical_dump()

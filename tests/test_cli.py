"""The command line, run for real as a subprocess: formats, batches and bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ceasefire.io import ACLED_COLUMNS

NOTE = "On 9 May 2020, Azerbaijani forces fired 82mm mortars at Armenian positions near Berd (Tavush), violating the ceasefire. No casualties."


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ceasefire", *args], input=stdin, capture_output=True, timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_cli_codes_the_seed_from_a_file(seed_path):
    proc = run("extract", str(seed_path), "--published", "2022-03-25", "--source", "seed")
    assert proc.returncode == 0, proc.stderr.decode()
    events = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(events) == 1
    e = events[0]
    assert e["report_id"] == "parukh-2022-03-25" and e["source"] == "seed"
    assert e["fatalities"]["best"] == 2 and e["wounded"]["low"] == 14
    assert {"name": "Bayraktar TB2", "class": "drone"} in e["weapons"]
    assert e["territory_change"] == {"place": "Parukh", "gained_by": "Azerbaijan", "lost_by": "Artsakh"}


def test_cli_reads_stdin_and_writes_acled_csv():
    proc = run("extract", "-", "--published", "2020-05-11", "--format", "csv", stdin=NOTE.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode())))
    assert tuple(rows[0].keys()) == ACLED_COLUMNS
    assert rows[0]["event_date"] == "2020-05-09"
    assert rows[0]["sub_event_type"] == "Shelling/artillery/missile attack"
    assert rows[0]["actor1"] == "Military Forces of Azerbaijan" and rows[0]["inter1"] == "1"
    assert rows[0]["location"] == "Berd" and rows[0]["fatalities"] == "0"


def test_cli_table_format_shows_the_event(seed_path):
    proc = run("extract", str(seed_path), "--published", "2022-03-25", "--format", "table")
    out = proc.stdout.decode()
    assert "Government regains territory" in out and "Bayraktar TB2" in out and "Parukh" in out


def test_cli_batch_goes_on_past_bad_items_and_names_them(tmp_path: Path):
    batch = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "good-1", "text": NOTE, "published": "2020-05-11"}),
        "{not json",
        json.dumps({"id": "empty", "text": "   ", "published": "2020-05-11"}),
        json.dumps({"id": "nodate", "text": NOTE}),
        json.dumps({"id": "baddate", "text": NOTE, "published": "2020-02-30"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "good-2", "text": NOTE.replace("9 May", "10 May"), "published": "2020-05-11"}),
    ]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Azerbaijani forces shelled Berd. Caf\xe9".encode("latin-1"))
    proc = run("extract", str(batch), str(binary), str(latin), str(tmp_path / "missing.txt"), "--published", "2020-05-11")
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert "Traceback" not in err
    assert f"{batch}:2: malformed JSON" in err
    assert f"{batch}:3: report 'empty' is empty" in err
    assert f"{batch}:5: published '2020-02-30' is not a valid" in err
    assert f"{batch}:6: expected a JSON object" in err
    assert f"{binary}: binary data" in err
    assert f"{latin}: not valid UTF-8" in err
    assert "missing.txt: cannot read" in err
    ids = [json.loads(line)["report_id"] for line in proc.stdout.decode().splitlines()]
    assert ids == ["good-1", "nodate", "good-2"]  # jsonl items without a date take --published


def test_cli_without_a_date_for_text_says_how_to_give_one(seed_path):
    proc = run("extract", str(seed_path))
    assert proc.returncode == 1
    assert "--published YYYY-MM-DD" in proc.stderr.decode()


def test_cli_refuses_a_50_mb_file_without_reading_it_all(tmp_path: Path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.seek(70 * 1024 * 1024)
        handle.write(b"x")
    small = tmp_path / "small.txt"
    small.write_text(NOTE, encoding="utf-8")
    proc = run("extract", str(huge), str(small), "--published", "2020-05-11")
    assert proc.returncode == 1
    assert "larger than" in proc.stderr.decode()
    assert len(proc.stdout.decode().splitlines()) == 1


def test_cli_fifty_megabytes_of_text_in_a_batch_line_is_refused_by_name(tmp_path: Path):
    batch = tmp_path / "big.jsonl"
    with batch.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "big", "text": "word " * 10_000_000, "published": "2020-05-11"}) + "\n")
        handle.write(json.dumps({"id": "ok", "text": NOTE, "published": "2020-05-11"}) + "\n")
    proc = run("extract", str(batch))
    assert proc.returncode == 1
    assert f"{batch}:1: line longer than" in proc.stderr.decode()
    assert [json.loads(x)["report_id"] for x in proc.stdout.decode().splitlines()] == ["ok"]


def test_cli_user_errors_never_show_a_traceback(tmp_path):
    batch = tmp_path / "odd.jsonl"
    batch.write_text(json.dumps({"id": 7, "text": NOTE, "published": "2020-05-11", "source": 123}) + "\n", encoding="utf-8")
    cases = [
        (("extract", str(batch)), "'source' must be a string"),
        (("extract", "-", "--published", "2020-05-11junk"), "not a valid YYYY-MM-DD"),
        (("extract", str(batch), "--data", str(tmp_path / "nope")), "does not exist"),
        (("events", "--db", "foo://bar"), "cannot open the store"),
        (("events", "--db", f"sqlite:///{tmp_path / 'e.db'}", "--bbox", "1,2,3"), "give four numbers"),
        (("export", "--db", f"sqlite:///{tmp_path / 'e.db'}", "--format", "jsonl", "--out", str(tmp_path / "no" / "x")), "No such file"),
        (("evaluate", str(batch)), "malformed gold report"),
    ]
    for args, message in cases:
        proc = run(*args, stdin=NOTE.encode())
        err = proc.stderr.decode()
        assert proc.returncode != 0 and "Traceback" not in err and message in err, (args, err)


def test_cli_schema_prints_the_shipped_schema():
    proc = run("schema")
    schema = json.loads(proc.stdout)
    assert schema["title"].startswith("ceasefire event record")
    assert {"event_type", "sub_event_type", "fatalities", "evidence", "extractor"} <= set(schema["properties"])


@pytest.mark.parametrize("command", [("--help",), ("extract", "--help"), ("evaluate", "--help"), ("schema", "--help")])
def test_cli_every_command_has_help(command):
    proc = run(*command)
    assert proc.returncode == 0 and b"usage: ceasefire" in proc.stdout


def test_cli_evaluate_merge_errors_explains_each_split_incident(tmp_path):
    gold = tmp_path / "merge.jsonl"
    rows = [
        {"id": "a-1", "incident": "a", "published": "2024-05-02",
         "text": "On 1 May 2024, Russian artillery shelled the village of Novoselivka, killing two civilians."},
        {"id": "a-2", "incident": "a", "published": "2024-05-02",
         "text": "Local officials will meet on Friday to discuss the repair of the water main."},
        {"id": "b-1", "incident": "b", "published": "2024-05-02",
         "text": "On 1 May 2024, a drone struck a bus station in Kramatorsk, wounding five people."},
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = run("evaluate", "--merge", "--errors", str(gold))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "3 reports of 2 incidents" in out
    assert "SPLIT a: 2 reports in 2 events" in out
    assert "a-2 2024-05-02: no event" in out
    line = next(x for x in out.splitlines() if " a-1 2024-05-02: " in x)
    assert "2024-05-01" in line and "Novoselivka" in line and "Shelling/artillery/missile attack" in line and "fat=2" in line
    assert "MERGED" not in out and "SPLIT b" not in out

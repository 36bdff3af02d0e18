"""Scaled-out extraction (`extract --engine dask --out DIR`) and `load`, on a real local Dask
cluster, real Parquet files, a real SQLite file and the real PostgreSQL server: the dataset holds
exactly what the single-process `extract` codes, loading it ends with what `ingest` stores, and
neither a dead worker, an interrupted run nor an interrupted load loses or duplicates anything."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

import ceasefire
from ceasefire.cli import main
from ceasefire.engine import extract_to_dataset, read_dataset
from ceasefire.store import Store
from ceasefire.store.load import load

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = ROOT / "tests" / "gold" / "merge" / "incidents.jsonl"
GOLD = [ROOT / "tests" / "gold" / name for name in ("notes.jsonl", "places.jsonl")]
REPORT_KEYS = ("id", "text", "published", "source", "url")


def _rows(path: Path) -> list[dict]:
    return [{k: r[k] for k in REPORT_KEYS if r.get(k) is not None}
            for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r]


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> dict:
    """Reports of 42 incidents told by several outlets, in two JSON Lines shards (one with a bad
    line, a line without a date and a syndicated copy) and a Parquet shard of two row groups;
    a corrupt Parquet shard; and the same reports as JSON Lines for `ingest`, which reads no Parquet."""
    folder = tmp_path_factory.mktemp("shards")
    rows = _rows(INCIDENTS)
    copy = dict(rows[3], id="copy-of-3", source="Syndicating Wire")
    copy.pop("url", None)
    first = _write_jsonl(folder / "a.jsonl", [json.dumps(r) for r in rows[:60]])
    second_lines = [json.dumps(r) for r in rows[60:90]] + ["{not json", json.dumps({"id": "undated", "text": "Shelling."})]
    second_lines += [json.dumps(copy)] + [json.dumps(r) for r in rows[90:120]]
    second = _write_jsonl(folder / "b.jsonl", second_lines)
    table = pa.Table.from_pylist([{k: r.get(k) for k in REPORT_KEYS} for r in rows[120:]])
    pq.write_table(table, folder / "c.parquet", row_group_size=30)
    broken = folder / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not a Parquet file")
    as_jsonl = _write_jsonl(folder / "c-as-jsonl.jsonl", [json.dumps(r) for r in rows[120:]])
    return {"jsonl": [str(first), str(second)], "parquet": str(folder / "c.parquet"), "broken": str(broken),
            "ingest": [str(first), str(second), str(as_jsonl)]}


@pytest.fixture(scope="module")
def dataset(shards, dask_client, tmp_path_factory) -> dict:
    """`ceasefire extract --engine dask --scheduler ...` over the shards, as a user runs it."""
    out = tmp_path_factory.mktemp("coded") / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    inputs = [*shards["jsonl"], shards["parquet"], shards["broken"]]
    status = main(["extract", "--engine", "dask", "--scheduler", dask_client.scheduler.address, *inputs,
                   "--out", str(out)], stdout, stderr)
    return {"out": str(out), "status": status, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(),
            "manifest": json.loads((out / "manifest.json").read_text())}


@pytest.fixture(scope="module")
def single_process(shards) -> list[dict]:
    """What the single-process `ceasefire extract` prints for the JSON Lines shards, then what
    `extract_many` codes from the Parquet shard's rows."""
    stdout = io.StringIO()
    main(["extract", *shards["jsonl"], "--format", "jsonl"], stdout, io.StringIO())
    records = [json.loads(line) for line in stdout.getvalue().splitlines()]
    rows = pq.read_table(shards["parquet"]).to_pylist()
    return records + [e.to_json_dict() for r in ceasefire.extract_many(rows) for e in r.events]


def _records(out: str) -> list[dict]:
    return [e.to_json_dict() for coded in read_dataset(out) for e in coded.events]


def test_engine_dask_dataset_is_record_for_record_the_single_process_extract(dataset, single_process):
    assert len(single_process) > 150
    assert _records(dataset["out"]) == single_process


def test_engine_events_are_partitioned_by_date_for_analysts(dataset, single_process):
    events = pads.dataset(Path(dataset["out"]) / "events", format="parquet", partitioning="hive").to_table()
    assert events.num_rows == len(single_process)
    rows = events.select(["date", "event_id", "country", "fatalities_best", "record"]).to_pylist()
    for row in rows:
        record = json.loads(row["record"])
        assert str(row["date"]) == record["date"]
        assert (row["event_id"], row["country"]) == (record["event_id"], (record["location"] or {}).get("country"))
        assert row["fatalities_best"] == (record["fatalities"] or {}).get("best")
    assert sorted(r["event_id"] for r in rows) == sorted(r["event_id"] for r in single_process)


def test_engine_manifest_counts_and_names_every_failure(dataset, shards, single_process):
    manifest = dataset["manifest"]
    assert dataset["status"] == 1  # something failed
    b = shards["jsonl"][1]
    assert [f["item"] for f in manifest["failures"]] == [shards["broken"], f"{b}:31", f"{b}:32"]
    messages = [f["error"] for f in manifest["failures"]]
    assert "Parquet" in messages[0] and "malformed JSON" in messages[1] and "published is missing" in messages[2]
    assert manifest["counts"] == {"parts": 3, "parts_done": 3, "parts_failed": 0, "reports": 177,
                                  "events": len(single_process), "failed_items": 3}
    assert dataset["stdout"].startswith(f"177 report(s) coded, {len(single_process)} event(s), 3 failed item(s); parts 3 ")
    assert f"ceasefire: {b}:31: malformed JSON" in dataset["stderr"]


def test_engine_loads_the_pipeline_once_per_worker(dataset, dask_client):
    from ceasefire.extract.lexicon import lexicon_for

    def loads():
        info = lexicon_for.cache_info()
        return info.misses, info.hits

    per_worker = dask_client.run(loads)
    assert len(per_worker) == 2
    assert all(misses == 1 for misses, _hits in per_worker.values())  # loaded when the worker started
    assert sum(hits for _misses, hits in per_worker.values()) >= 177  # every report used the loaded one


def test_engine_local_engine_writes_the_same_dataset(shards, dataset, tmp_path):
    inputs = [*shards["jsonl"], shards["parquet"], shards["broken"]]
    summary = extract_to_dataset(inputs, str(tmp_path / "local"), engine="local")
    assert (summary.reports, summary.failed_items, summary.coded_now) == (177, 3, 3)
    assert _records(str(tmp_path / "local")) == _records(dataset["out"])


@pytest.fixture(scope="module")
def ingested(shards, tmp_path_factory) -> tuple[dict, str]:
    """The store `ceasefire ingest` makes of the same reports (SQLite), and its summary line."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ingested') / 'store.db'}"
    stdout = io.StringIO()
    assert main(["ingest", *shards["ingest"], "--db", url], stdout, io.StringIO()) == 1  # the two bad lines
    with Store.open(url) as store:
        return store.canonical_dump(), stdout.getvalue()


def test_load_ends_with_the_store_ingest_makes_and_loading_again_changes_nothing(dataset, ingested, store_url):
    expected, ingest_line = ingested
    assert ingest_line.startswith("reports read 179, new 171, duplicate 6 (6 syndicated copies), failed 2;")
    stdout = io.StringIO()
    assert main(["load", dataset["out"], "--db", store_url, "--batch", "50"], stdout, io.StringIO()) == 0
    loaded_line = stdout.getvalue()
    assert loaded_line.startswith("reports read 177, new 171, duplicate 6 (6 syndicated copies), failed 0;")
    assert loaded_line.split(";")[1] == ingest_line.split(";")[1]  # the same events created and merged
    with Store.open(store_url) as store:
        assert store.canonical_dump() == expected
        again = load(dataset["out"], store)
        assert (again.new, again.duplicate + again.copies, again.events_created) == (0, 177, 0)
        assert store.canonical_dump() == expected


def test_load_interrupted_between_batches_resumes_to_the_same_store(dataset, ingested, tmp_path):
    expected, _line = ingested
    url = f"sqlite:///{tmp_path / 'loaded.db'}"

    def crash_after_two_batches(summary):
        if summary.read >= 40:
            raise KeyboardInterrupt

    with Store.open(url) as store:
        with pytest.raises(KeyboardInterrupt):
            load(dataset["out"], store, batch_size=20, on_batch=crash_after_two_batches)
        assert store.counts()["report_copies"] == 40  # whole batches only: each report (or copy) one row
        resumed = load(dataset["out"], store, batch_size=20)
        assert (resumed.read, resumed.duplicate, resumed.new + resumed.copies) == (177, 40, 137)
        assert store.canonical_dump() == expected


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> tuple[list[str], list[dict]]:
    """552 short gold reports in eight shards, and what the single-process extract codes from them."""
    folder = tmp_path_factory.mktemp("many")
    rows = [dict(r, id=f"{r['id']}-{n}") for n in range(2) for path in GOLD for r in _rows(path)]
    files = [str(_write_jsonl(folder / f"shard-{n}.jsonl", [json.dumps(r) for r in rows[n::8]])) for n in range(8)]
    stdout = io.StringIO()
    main(["extract", *files, "--format", "jsonl"], stdout, io.StringIO())
    return files, [json.loads(line) for line in stdout.getvalue().splitlines()]


def _event_files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in (out / "events").rglob("*.parquet"))


def _expected_files(manifest: dict) -> list[str]:
    return sorted(f"events/date={d}/part-{p['id']}.parquet" for p in manifest["parts"] for d in p["dates"])


def test_engine_a_worker_killed_mid_run_loses_and_duplicates_nothing(many, dask_client, tmp_path):
    files, expected = many
    out = tmp_path / "out"
    pids = dask_client.run(os.getpid)
    killed: dict = {}

    def kill_a_busy_worker(summary, entry):
        if killed:
            return
        busy = {addr: keys for addr, keys in dask_client.processing().items() if keys and addr in pids}
        victim = next(iter(busy))
        killed.update(pid=pids[victim], tasks=list(busy[victim]))
        os.kill(pids[victim], signal.SIGKILL)

    summary = extract_to_dataset(files, str(out), engine="dask", client=dask_client, on_part=kill_a_busy_worker)
    assert killed["tasks"]  # the worker died holding work
    assert (summary.coded_now, summary.failed_parts, summary.failed_items) == (summary.parts, 0, 0)
    assert summary.parts == 8
    assert _records(str(out)) == expected
    manifest = json.loads((out / "manifest.json").read_text())
    assert _event_files(out) == _expected_files(manifest)  # no file of the dead attempt left over
    assert not (out / "_tmp").exists()
    dask_client.wait_for_workers(2, timeout=60)  # the nanny restarted it
    assert killed["pid"] not in dask_client.run(os.getpid).values()


def test_engine_an_interrupted_run_resumes_and_redoes_only_what_is_missing(many, dask_client, tmp_path):
    files, expected = many
    out = tmp_path / "out"
    command = ["extract", "--engine", "dask", "--scheduler", dask_client.scheduler.address, *files,
               "--out", str(out)]
    proc = subprocess.Popen([sys.executable, "-m", "ceasefire", *command], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    manifest_path = out / "manifest.json"
    deadline = time.monotonic() + 60
    done_before: dict = {}
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest_path.exists():
            manifest = json.loads(manifest_path.read_text())
            done_before = {p["id"]: p for p in manifest["parts"] if p["status"] == "done"}
            if done_before:
                break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    manifest = json.loads(manifest_path.read_text())
    done_before = {p["id"]: p for p in manifest["parts"] if p["status"] == "done"}
    pending = [p for p in manifest["parts"] if p["status"] != "done"]
    assert done_before and pending, "the run must be stopped part-way"

    stray = out / "events" / "date=2022-01-01" / f"part-{pending[0]['id']}.parquet"  # a dead attempt's file
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"partial")
    (out / "_tmp" / "x").mkdir(parents=True, exist_ok=True)
    status = main(["load", str(out), "--db", f"sqlite:///{tmp_path / 'early.db'}"], io.StringIO(), stderr := io.StringIO())
    assert status == 2 and "parts are not done" in stderr.getvalue()

    stdout = io.StringIO()
    assert main(command, stdout, stderr := io.StringIO()) == 0, stderr.getvalue()
    assert f"parts 8 ({len(done_before)} from an earlier run, {8 - len(done_before)} now, 0 failed)" in stdout.getvalue()
    after = json.loads(manifest_path.read_text())
    for part in after["parts"]:
        if part["id"] in done_before:
            assert part == done_before[part["id"]]  # kept, not coded again
    assert _records(str(out)) == expected
    assert _event_files(out) == _expected_files(after)
    assert not stray.exists() or stray.read_bytes() != b"partial"


def test_engine_options_that_cannot_run_are_clear_errors(shards, tmp_path):
    cases = [
        (["extract", "--engine", "dask", *shards["jsonl"]], "--engine dask writes a Parquet dataset: give --out DIR"),
        (["extract", "--workers", "2", *shards["jsonl"]], "--scheduler and --workers go with --engine dask"),
        (["extract", "--out", str(tmp_path / "o"), "--format", "csv", *shards["jsonl"]], "--format is for standard output"),
    ]
    for argv, message in cases:
        stderr = io.StringIO()
        assert main(argv, io.StringIO(), stderr) == 2
        assert message in stderr.getvalue()
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    stderr = io.StringIO()
    assert main(["extract", "--out", str(tmp_path / "used"), *shards["jsonl"]], io.StringIO(), stderr) == 2
    assert "is not empty and holds no manifest" in stderr.getvalue()


def test_engine_without_dask_names_the_extra_to_install(shards, tmp_path):
    script = ("import sys; sys.modules['distributed'] = None\n"
              "from ceasefire.cli import main\n"
              f"sys.exit(main(['extract', '--engine', 'dask', {shards['jsonl'][0]!r}, '--out', {str(tmp_path / 'o')!r}]))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert 'pip install "ceasefire[dask]"' in run.stderr


def test_engine_resume_with_other_options_is_refused(shards, tmp_path):
    out = str(tmp_path / "out")
    extract_to_dataset(shards["jsonl"][:1], out)
    stderr = io.StringIO()
    assert main(["extract", "--out", out, "--source", "Wire", shards["jsonl"][0]], io.StringIO(), stderr) == 2
    assert "was coded with other settings (source)" in stderr.getvalue()




def _spoil_records(path: Path) -> None:
    table = pq.read_table(path)
    bad = pa.array(['{"date": "bad"}'] * table.num_rows)
    pq.write_table(table.set_column(table.schema.get_field_index("record"), "record", bad), path)


def test_load_names_the_file_of_a_damaged_dataset(tmp_path):
    import shutil

    shard = _write_jsonl(tmp_path / "in.jsonl", [json.dumps(r) for r in _rows(INCIDENTS)[:3]])
    out = tmp_path / "out"
    extract_to_dataset([str(shard)], str(out))
    events_file = sorted((out / "events").rglob("part-*.parquet"))[0].relative_to(out)
    reports_file = next((out / "reports").glob("part-*.parquet")).relative_to(out)
    # the file named, then what is wrong with it (a regular expression)
    damage = [(events_file, lambda p: p.write_bytes(b"not parquet"), ": cannot read: Could not open Parquet"),
              (events_file, _spoil_records, r", row \d+: not a valid event record: report_id: Field required"),
              (reports_file, Path.unlink, r": missing \(the manifest marks its part done\)")]
    for n, (name, spoil, message) in enumerate(damage):
        copy = tmp_path / f"copy-{n}"
        shutil.copytree(out, copy)
        spoil(copy / name)
        with Store.open(f"sqlite:///{tmp_path / f'copy-{n}.db'}") as store:
            with pytest.raises(ceasefire.errors.StoreError) as raised:
                load(str(copy), store)
        assert re.search(re.escape(str(copy / name)) + message, str(raised.value)), str(raised.value)

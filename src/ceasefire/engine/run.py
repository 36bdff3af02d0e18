"""A run: plan the parts, skip those an earlier run finished, code the rest on an engine (this
process, or a Dask cluster), and keep the manifest up to date as parts complete.

The task every engine runs is :func:`code_part`: read one part, code each report exactly as
:func:`ceasefire.extract_many` does, write the part's files. Everything it needs per process
(lexicon, gazetteer, spaCy model) is loaded by :func:`warm` once, when a worker starts.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..api import _run
from ..errors import CeasefireError, EngineError
from ..extract.lexicon import lexicon_for
from ..extract.pipeline import Options, extractor_name, gazetteer_for, reference_for
from .dataset import (
    FORMAT,
    FORMAT_VERSION,
    CodedReport,
    PartOutput,
    PartWriter,
    read_manifest,
    remove_staging,
    remove_unfinished,
    write_manifest,
)
from .shards import DEFAULT_BLOCKSIZE, Part, PartReader, plan_parts

ENGINES = ("local", "dask")
MANIFEST_SHARE = 20  # rewrite the manifest at most every 20x the time one rewrite takes (5% of the client's time)


@dataclass(frozen=True)
class Task:
    """Everything a worker needs for one part (small and picklable)."""

    part: Part
    out: str
    options: Options
    published: str | None = None
    source: str | None = None


@dataclass
class RunSummary:
    out: str
    parts: int = 0
    resumed: int = 0  # parts an earlier run had finished
    coded_now: int = 0
    failed_parts: int = 0
    reports: int = 0
    events: int = 0
    failed_items: int = 0
    failures: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed_parts and not self.failed_items

    def line(self) -> str:
        return (f"{self.reports} report(s) coded, {self.events} event(s), {self.failed_items} failed item(s); "
                f"parts {self.parts} ({self.resumed} from an earlier run, {self.coded_now} now, "
                f"{self.failed_parts} failed); manifest: {self.out.rstrip('/')}/manifest.json")


def warm(options: Options) -> None:
    """Load what coding needs into this process, once: data files, place index, spaCy model."""
    lexicon_for(options.data_dir)
    gazetteer_for(options)
    if options.use_ner:
        from ..extract.ner import load_model

        load_model()


def code_part(task: Task) -> PartOutput:
    """Code one part and write its files; bad items are listed, a shard that cannot be read is
    one failure, and only an error of the output filesystem fails the task itself."""
    import fsspec

    started = time.perf_counter()
    fs, root = fsspec.core.url_to_fs(task.out)
    output = PartOutput(task.part.id, worker=f"{socket.gethostname()}:{os.getpid()}")
    reader = PartReader(task.part, task.published, task.source)
    writer = PartWriter(fs, root, task.part.id)
    lexicon = lexicon_for(task.options.data_dir)
    try:
        for k, item in reader:
            result = _run((item.where, item.report, item.error), task.options)
            if result.error is not None or result.report is None:
                output.fail(item.where or reader.name(k), str(result.error))
                continue
            reference = None if result.events else reference_for(result.report, lexicon, task.options)
            writer.add(k, CodedReport(result.report, result.events, reference))
            output.reports += 1
            output.events += len(result.events)
    except (OSError, ValueError, EOFError) as exc:  # a corrupt or unreadable shard: the rest of the run goes on
        output.fail(task.part.label, f"cannot read: {type(exc).__name__}: {exc}")
    output.dates = writer.finish()
    output.seconds = time.perf_counter() - started
    return output


def extract_to_dataset(
    inputs: list[str],
    out: str,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    client=None,
    options: Options | None = None,
    published: str | None = None,
    source: str | None = None,
    blocksize: int = DEFAULT_BLOCKSIZE,
    on_part: Callable[[RunSummary, dict], None] | None = None,
) -> RunSummary:
    """Code every report of the input shards into a Parquet dataset at ``out`` (a folder or an
    fsspec URL), resuming an earlier run into the same folder: parts it finished are kept, their
    partial leftovers removed, and only the rest is coded.

    ``engine="dask"`` runs the parts on a Dask cluster: ``client`` (a ``distributed.Client``),
    else the scheduler at ``scheduler`` (``tcp://host:8786``), else a ``LocalCluster`` of
    ``workers`` processes. ``engine="local"`` codes them one after the other in this process.
    Raises :class:`~ceasefire.errors.EngineError` when the run cannot start.
    """
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    started = time.perf_counter()
    options = options or Options()
    fs, root = _output_fs(out)
    warm(options)  # a bad data folder fails here; the place index is built once, before any worker starts
    settings = {"extractor": extractor_name(options), "use_ner": options.use_ner, "data_dir": options.data_dir,
                "use_gazetteer": options.use_gazetteer, "gazetteer_path": options.gazetteer_path,
                "max_chars": options.max_chars, "published": published, "source": source}
    manifest = _resumable_manifest(fs, root, out, settings)
    parts, plan_failures = plan_parts(inputs, blocksize)
    earlier = {p["id"]: p for p in manifest["parts"] if p["status"] == "done"}
    manifest["inputs"] = list(inputs)
    manifest["input_failures"] = [{"item": f.item, "error": f.error} for f in plan_failures]
    manifest["parts"] = [earlier.get(p.id) or _entry(p) for p in parts]
    done = {p["id"] for p in manifest["parts"] if p["status"] == "done"}
    remove_unfinished(fs, root, done)
    write_manifest(fs, root, manifest)

    summary = RunSummary(out, parts=len(parts), resumed=len(done))
    entries = {p["id"]: p for p in manifest["parts"]}
    todo = [Task(p, out, options, published, source) for p in parts if p.id not in done]
    next_write = 0.0
    for task, output, error in _run_tasks(engine, todo, options, scheduler, workers, client):
        entry = entries[task.part.id]
        if output is not None:
            entry.update(status="done", reports=output.reports, events=output.events, failed=output.failed,
                         failures=output.failures, dates=output.dates, seconds=round(output.seconds, 3),
                         worker=output.worker, error=None, coded_at=_now())
            summary.coded_now += 1
        else:
            entry.update(status="failed", error=error)
        if on_part:
            on_part(summary, entry)
        if time.monotonic() >= next_write:  # after every part, unless rewriting a large manifest costs too much
            began = time.monotonic()
            write_manifest(fs, root, manifest)
            next_write = time.monotonic() + MANIFEST_SHARE * (time.monotonic() - began)
    write_manifest(fs, root, manifest)
    if not any(p["status"] == "failed" for p in manifest["parts"]):
        remove_staging(fs, root)  # empty unless an attempt died; a failed part's staging is kept to look at

    counts = manifest["counts"]
    summary.failed_parts = counts["parts_failed"]
    summary.reports, summary.events, summary.failed_items = counts["reports"], counts["events"], counts["failed_items"]
    summary.failures = manifest["failures"]
    summary.seconds = time.perf_counter() - started
    return summary


def _run_tasks(engine: str, todo: list[Task], options: Options, scheduler, workers, client
               ) -> Iterator[tuple[Task, PartOutput | None, str | None]]:
    if not todo:
        return
    if engine == "dask":
        from .cluster import run_on_dask

        yield from run_on_dask(todo, options, scheduler=scheduler, workers=workers, client=client)
        return
    for task in todo:
        try:
            yield task, code_part(task), None
        except (OSError, CeasefireError) as exc:
            yield task, None, f"{type(exc).__name__}: {exc}"


def _output_fs(out: str):
    try:
        import fsspec
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise EngineError(f'writing a dataset needs {exc.name}: pip install "ceasefire[dask]"') from None
    return fsspec.core.url_to_fs(out)


def _resumable_manifest(fs, root: str, out: str, settings: dict) -> dict:
    try:
        manifest = read_manifest(fs, root)
    except (ValueError, OSError) as exc:
        raise EngineError(f"{out}: cannot read its manifest ({exc}); pass an empty or new --out folder") from None
    if manifest is None:
        if fs.exists(root) and fs.ls(root):
            raise EngineError(f"{out} is not empty and holds no manifest: pass an empty or new --out folder")
        return {"format": FORMAT, "version": FORMAT_VERSION, "created": _now(), "settings": settings,
                "inputs": [], "input_failures": [], "parts": []}
    if manifest.get("version") != FORMAT_VERSION or manifest.get("settings") != settings:
        changed = sorted(k for k in settings if (manifest.get("settings") or {}).get(k) != settings[k])
        raise EngineError(f"{out} was coded with other settings ({', '.join(changed) or 'format version'}); "
                          "resume with the same options, or pass a new --out folder")
    return manifest


def _entry(part: Part) -> dict:
    return {"id": part.id, "label": part.label, "input": part.name, "kind": part.kind, "start": part.start,
            "stop": part.stop, "status": "pending", "reports": 0, "events": 0, "failed": 0, "failures": [],
            "dates": [], "error": None}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


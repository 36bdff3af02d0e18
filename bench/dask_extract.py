"""Throughput of `extract --engine dask` on a LocalCluster of 1 and 2 workers against the
single-process ``extract_many``, in the same run, over the same generated reports.

Reports: N short, varied analyst-note style reports from ``store_ingest.reports`` (60 towns in
several theatres, four years, each incident told 1-4 times in different styles), in publication
order, written as JSON Lines shards of 1,000 reports (an archive sharded by crawl date).

- single process: ``extract_many`` over ``read_items`` of the shards (reading and coding, no output).
- dask, W workers: ``extract_to_dataset`` on a warmed LocalCluster (W processes, one thread each):
  planning, scheduling, reading, coding, writing the Parquet dataset and the manifest.
  Cluster start-up (processes, imports, the plugin loading the pipeline) is timed apart.

Scheduler overhead per report is what the cluster spends beyond coding: (wall x workers - the sum
of the time tasks spent inside ``code_part``) / reports; the scheduler's own cost per task is also
measured with no-op tasks. From these, the arithmetic for a million reports an hour on 32 workers.
Peak memory (RSS) of each worker is read from the workers after the run. As a control, the same
run also measures two independent ``extract_many`` processes at once (half the shards each): the
most two cores of this machine give, whatever the design (on a shared machine, less than 2x).

    python bench/dask_extract.py [--reports 50000] [--shard 1000] [--json bench/results.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_ingest import reports  # noqa: E402


def write_shards(folder: Path, n: int, shard: int) -> list[str]:
    files, handle = [], None
    for i, r in enumerate(reports(n)):
        if i % shard == 0:
            if handle:
                handle.close()
            files.append(str(folder / f"shard-{i // shard:05d}.jsonl"))
            handle = open(files[-1], "w", encoding="utf-8")
        handle.write(json.dumps(r) + "\n")
    if handle:
        handle.close()
    return files


def single_process(files: list[str]) -> dict:
    import ceasefire
    from ceasefire.io import read_items

    list(ceasefire.extract_many(read_items(files[:1])))  # warm up: lexicon and place index
    start = time.perf_counter()
    n = events = 0
    for result in ceasefire.extract_many(read_items(files)):
        if result.error:
            raise SystemExit(f"{result.item}: {result.error}")
        n += 1
        events += len(result.events)
    seconds = time.perf_counter() - start
    return {"run": "single process extract_many", "workers": 1, "reports": n, "events": events, "seconds": seconds,
            "per_s": n / seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _independent(files: list[str], queue) -> None:
    import ceasefire
    from ceasefire.io import read_items

    list(ceasefire.extract_many(read_items(files[:1])))
    start = time.perf_counter()
    n = sum(1 for _ in ceasefire.extract_many(read_items(files)))
    queue.put(n / (time.perf_counter() - start))


def machine_ceiling(files: list[str]) -> dict:
    """What two cores give with no coordination at all: two separate extract_many processes at once,
    each over its own half of the shards (the aggregate rate, and its ratio to one process)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_independent, args=(files[i::2], queue)) for i in range(2)]
    for proc in procs:
        proc.start()
    rates = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    return {"run": "2 independent processes", "per_s": sum(rates), "rates": rates}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def noop(i: int) -> int:
    return i


def on_cluster(files: list[str], workers: int, out: Path) -> dict:
    from distributed import Client

    from ceasefire.engine import extract_to_dataset
    from ceasefire.engine.cluster import CodingSetup, local_cluster
    from ceasefire.extract.pipeline import Options

    began = time.perf_counter()
    with local_cluster(workers) as cluster, Client(cluster) as client:  # the cluster --workers N starts
        client.register_plugin(CodingSetup(Options()))  # workers load the pipeline now, not inside the timing
        startup = time.perf_counter() - began

        start = time.perf_counter()
        summary = extract_to_dataset(files, str(out), engine="dask", client=client)
        wall = time.perf_counter() - start

        manifest = json.loads((out / "manifest.json").read_text())
        task_seconds = sum(p["seconds"] for p in manifest["parts"])
        peaks = sorted(client.run(peak_rss_mb).values())

        n_noop = 2000  # the scheduler's own cost per task: round trips of tasks that do nothing
        t = time.perf_counter()
        client.gather(client.map(noop, range(n_noop), pure=False))
        per_task_ms = (time.perf_counter() - t) / n_noop * 1000
    n = summary.reports
    return {"run": f"dask LocalCluster, {workers} worker(s)", "workers": workers, "reports": n,
            "events": summary.events, "failed": summary.failed_items, "parts": summary.parts, "seconds": wall,
            "per_s": n / wall, "startup_s": startup, "task_seconds": task_seconds,
            "per_worker_per_s": n / task_seconds,
            "overhead_ms_per_report": (wall * workers - task_seconds) / n * 1000,
            "noop_task_ms": per_task_ms, "worker_peak_mb": peaks,
            "files": sum(1 for _ in (out / "events").rglob("*.parquet"))}


def arithmetic(two: dict, reports_per_task: int) -> dict:
    """Coding rate per worker and scheduler cost per report, measured, scaled to 32 workers."""
    per_worker = two["per_worker_per_s"]
    per_report_s = 1 / per_worker + two["overhead_ms_per_report"] / 1000  # one worker's time per report, all in
    per_hour_32 = 32 * 3600 / per_report_s
    scheduler_s_per_million = 1_000_000 / reports_per_task * two["noop_task_ms"] / 1000
    return {"needed_per_worker_per_s": 1_000_000 / 3600 / 32, "per_report_ms_all_in": per_report_s * 1000,
            "reports_per_hour_32_workers": per_hour_32, "scheduler_seconds_per_million": scheduler_s_per_million,
            "hours_per_million_32_workers": 1_000_000 / per_hour_32}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--shard", type=int, default=1000, help="reports per input shard (one task each)")
    parser.add_argument("--json", type=Path, help="record the results under 'dask_extract' in this JSON file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dask-bench-") as tmp:
        folder = Path(tmp)
        files = write_shards(folder, args.reports, args.shard)
        rows = [single_process(files)]
        for workers in (1, 2):
            rows.append(on_cluster(files, workers, folder / f"out-{workers}"))
        ceiling = machine_ceiling(files)
    base = rows[0]["per_s"]
    ceiling["ratio_to_single"] = ceiling["per_s"] / base
    for r in rows:
        r["ratio_to_single"] = r["per_s"] / base
    sums = arithmetic(rows[2], args.shard)

    print(f"{args.reports:,} generated short reports in {len(files)} shards of {args.shard:,}")
    print(f"{'run':<32}{'reports/s':>11}{'x single':>10}{'seconds':>9}{'startup s':>11}{'overhead ms/report':>20}"
          f"{'worker peak MB':>16}")
    for r in rows:
        overhead = f"{r['overhead_ms_per_report']:.3f}" if "overhead_ms_per_report" in r else "-"
        peaks = "/".join(f"{p:.0f}" for p in r.get("worker_peak_mb", [r.get("peak_mb", 0)]))
        startup = f"{r['startup_s']:.1f}" if "startup_s" in r else "-"
        print(f"{r['run']:<32}{r['per_s']:>11.1f}{r['ratio_to_single']:>10.2f}{r['seconds']:>9.1f}{startup:>11}"
              f"{overhead:>20}{peaks:>16}")
    print(f"{'(ceiling) ' + ceiling['run']:<32}{ceiling['per_s']:>11.1f}{ceiling['ratio_to_single']:>10.2f}"
          "   - what this machine's two cores gave two uncoordinated processes, in the same run")
    two = rows[2]
    print(f"\n2 workers: {two['per_worker_per_s']:.0f} reports/s per worker inside tasks (reading, coding, writing "
          f"Parquet), {two['overhead_ms_per_report']:.3f} ms/report beyond that (scheduling, idle tail, manifest); "
          f"a no-op task costs the scheduler {two['noop_task_ms']:.2f} ms; {two['files']:,} event files")
    print(f"1M reports/hour on 32 workers needs {sums['needed_per_worker_per_s']:.1f} reports/s per worker. "
          f"Measured all-in cost per report and worker: 1/{two['per_worker_per_s']:.0f} s + "
          f"{two['overhead_ms_per_report']:.3f} ms = {sums['per_report_ms_all_in']:.2f} ms, so 32 workers code "
          f"32 x 3600 / {sums['per_report_ms_all_in'] / 1000:.5f} = {sums['reports_per_hour_32_workers'] / 1e6:.1f}M reports/hour "
          f"(1M in {sums['hours_per_million_32_workers'] * 60:.1f} minutes); the scheduler's share of 1M reports is "
          f"1,000,000 / {args.shard:,} tasks x {two['noop_task_ms']:.2f} ms = {sums['scheduler_seconds_per_million']:.1f} s")
    if args.json:
        existing = json.loads(args.json.read_text()) if args.json.exists() else {}
        existing["dask_extract"] = {"reports": args.reports, "shard": args.shard, "rows": rows, "ceiling": ceiling,
                                    "arithmetic": sums}
        args.json.write_text(json.dumps(existing, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

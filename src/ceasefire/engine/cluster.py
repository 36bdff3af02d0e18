"""Running the parts on a Dask distributed cluster (imported only when ``--engine dask`` is used).

One task per part, submitted all at once; Dask's scheduler places them, moves them off a worker
that dies (its tasks run again elsewhere, and their files, named by part, replace the dead
attempt's), and hands results back as they complete. A worker plugin loads the lexicon, the
place index and (with ``--ner``) the spaCy model when a worker starts, so tasks never load them.
Workers must see the output folder (a shared filesystem or an object store URL).
"""

from __future__ import annotations

import gc
import logging
import uuid
from collections.abc import Iterator

from ..errors import EngineError
from ..extract.pipeline import Options
from .dataset import PartOutput
from .run import Task, code_part, warm

try:
    import dask
    from distributed import Client, LocalCluster, WorkerPlugin, as_completed
except ImportError as exc:  # the base install has no Dask; only this engine needs it
    raise EngineError(f'the Dask engine needs Dask distributed ({exc.name} is missing): pip install "ceasefire[dask]"') from None


class CodingSetup(WorkerPlugin):
    """Loads everything coding needs once per worker process, when the worker starts."""

    name = "ceasefire-coding-setup"

    def __init__(self, options: Options):
        self.options = options

    def setup(self, worker) -> None:
        import pyarrow.parquet  # noqa: F401  (a fifth of a second, paid here rather than by the first task)

        warm(self.options)
        # The lexicon, the place index and Dask's own objects live as long as the worker: moved out of
        # the collector's sight, they are not traversed again at every full collection (the effect on
        # throughput was within the benchmark's run-to-run noise).
        gc.collect()
        gc.freeze()


# Dask's statistical profiler samples each worker's stack every 10 ms; on this pure-Python work it
# costs about 15% of a worker's throughput (measured), for a profile nobody reads in a batch run.
# Its monitors (each process's CPU and memory every 0.5 s, the nannies' memory every 0.1 s, the
# event loops' tick every 20 ms) take cores the coding needs; for tasks of seconds, a slower pace
# loses nothing.
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
}


def local_cluster(workers: int | None = None) -> LocalCluster:
    """A cluster on this machine: ``workers`` processes (default: one per core) of one thread each."""
    with dask.config.set(WORKER_CONFIG):
        return LocalCluster(n_workers=workers or None, threads_per_worker=1, processes=True, dashboard_address=":0",
                            silence_logs=logging.ERROR)


def run_on_dask(todo: list[Task], options: Options, *, scheduler: str | None = None, workers: int | None = None,
                client: Client | None = None) -> Iterator[tuple[Task, PartOutput | None, str | None]]:
    """Submit every task and yield ``(task, output, None)`` or ``(task, None, error)`` as each completes."""
    cluster = None
    own_client = client is None
    if client is None:
        try:
            if scheduler:
                client = Client(scheduler, timeout="30s")
            else:
                cluster = local_cluster(workers)
                client = Client(cluster)
        except (OSError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            raise EngineError(f"cannot reach the Dask scheduler {scheduler or '(local cluster)'}: {exc}") from None
    try:
        client.register_plugin(CodingSetup(options))
        run = uuid.uuid4().hex[:8]
        futures = {client.submit(code_part, task, key=f"ceasefire-part-{task.part.id}-{run}", retries=1): task
                   for task in todo}
        for future in as_completed(futures):
            task = futures.pop(future)
            try:
                output = future.result()
            except Exception as exc:  # noqa: BLE001 - a task's own failure (or a worker killed too often) fails its part only
                yield task, None, f"{type(exc).__name__}: {exc}"
            else:
                yield task, output, None
            future.release()
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()

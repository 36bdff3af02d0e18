"""Scaled-out extraction: input shards coded part by part into a Parquet dataset, on this process
or a Dask cluster, with a manifest that lets an interrupted run resume.

    from ceasefire.engine import extract_to_dataset
    summary = extract_to_dataset(["news/*.jsonl"], "out/", engine="dask", workers=8)

Modules: :mod:`.shards` (planning and reading parts), :mod:`.dataset` (the files and the
manifest), :mod:`.run` (a run and the task), :mod:`.cluster` (Dask; imported only when used).
"""

from .dataset import CodedReport, read_dataset
from .run import ENGINES, RunSummary, extract_to_dataset

__all__ = ["ENGINES", "CodedReport", "RunSummary", "extract_to_dataset", "read_dataset"]

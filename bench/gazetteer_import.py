"""Speed and peak memory of ``ceasefire gazetteer import`` on a generated GeoNames file.

Writes a GeoNames-format file of N rows (populated places with alternate names, like
allCountries.txt), imports it into a copy of the bundled index in a child process, and prints
rows/s, peak RSS and the time a full allCountries.txt (13 million rows) would take at that rate.

    python bench/gazetteer_import.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from pathlib import Path


def write_rows(path: Path, rows: int) -> None:
    rng = random.Random(7)
    letters = "abcdefghijklmnoprstuvyz"
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            name = "".join(rng.choice(letters) for _ in range(rng.randint(5, 11))).title()
            alts = ",".join(name + suffix for suffix in ("a", "y", "ovo"))
            cls, code = ("P", "PPL") if i % 3 else ("T", "HLL") if i % 2 else ("H", "STM")
            out.write(f"{50_000_000 + i}\t{name}\t{name}\t{alts}\t{rng.uniform(-60, 70):.5f}\t{rng.uniform(-170, 170):.5f}\t"
                      f"{cls}\t{code}\tAM\t\t09\t\t\t\t{rng.randint(0, 5000)}\t\t100\tAsia/Yerevan\t2024-01-01\n")


def _child(files: list[str], index: str, base: str, queue) -> None:
    from ceasefire.geo.geonames import import_files

    start = time.perf_counter()
    counts = import_files([Path(f) for f in files], Path(index), Path(base))
    queue.put({"seconds": time.perf_counter() - start, "counts": counts,
               "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    from ceasefire.geo.gazetteer import default_gazetteer

    base = default_gazetteer().path
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "allCountries.txt"
        write_rows(data, args.rows)
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=([str(data)], str(Path(tmp) / "index.sqlite"), str(base), queue))
        proc.start()
        result = queue.get()
        proc.join()
    rate = args.rows / result["seconds"]
    print(f"rows: {args.rows:,}  seconds: {result['seconds']:.1f}  rows/s: {rate:,.0f}  peak RSS: {result['peak_mb']:.0f} MB")
    print(f"kept: {result['counts']['geonames']:,} places  skipped: {result['counts']['skipped']:,}")
    print(f"a full allCountries.txt (13,000,000 rows) at this rate: {13_000_000 / rate / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark, print a table and write build/bench.json."""

from __future__ import annotations

import asyncio
import importlib
import json
from pathlib import Path
import sys

from .harness import BenchRecord, format_table

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "build" / "bench.json"


async def run_all(names: list[str]) -> list[BenchRecord]:
    """Run the named benchmark modules one after the other, so they do not disturb each other."""
    records: list[BenchRecord] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        records.extend(await module.run())
    return records


def discover() -> list[str]:
    """The benchmark modules, in a stable order."""
    return sorted(path.stem for path in (ROOT / "benchmarks").glob("bench_*.py"))


def main(argv: list[str]) -> int:
    """Run the benchmarks named on the command line, or all of them."""
    records = asyncio.run(run_all(argv or discover()))
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps([record.as_json() for record in records], indent=2) + "\n")
    print(format_table(records) if records else "no benchmarks found")
    print(f"\nwritten to {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The records every benchmark returns, and how they are judged and shown.

A benchmark module is ``benchmarks/bench_*.py`` with ``async def run() ->
list[BenchRecord]``. It measures our code and a peer (another library, a
physical limit, or the approach users run today) in the same process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass
import json
from pathlib import Path
import sys
import time
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent

# "lower" when smaller figures are better (seconds, CPU share), "higher" for rates.
type Better = Literal["lower", "higher"]


@dataclass(frozen=True, slots=True)
class BenchRecord:
    """One figure of ours next to the peer's, and whether it meets its target.

    ``target`` is the ratio ours/peer that must be met: at most ``target``
    when lower is better, at least ``target`` when higher is better.
    ``detail`` says how the figures were taken where the table cannot (the
    repetitions and their spread), and is printed under it.
    """

    name: str
    unit: str
    ours: float
    peer: float | None
    peer_name: str
    target: float | None
    better: Better = "lower"
    detail: str | None = None

    @property
    def ratio(self) -> float | None:
        """Ours divided by the peer's figure."""
        if self.peer is None or self.peer == 0:
            return None
        return self.ours / self.peer

    @property
    def meets_target(self) -> bool | None:
        """Whether the ratio is on the right side of the target; None without one."""
        ratio = self.ratio
        if ratio is None or self.target is None:
            return None
        return ratio <= self.target if self.better == "lower" else ratio >= self.target

    def as_json(self) -> dict[str, Any]:
        """The record as written to build/bench.json."""
        data = asdict(self)
        data.pop("better")
        return {**data, "ratio": self.ratio, "meets_target": self.meets_target}


async def run_worker(module: str) -> dict[str, Any]:
    """Run ``benchmarks.<module>`` in a fresh interpreter of this Python; the JSON object it prints last.

    A fresh interpreter, so that the Home Assistant a worker starts leaves
    nothing behind in this process.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"benchmarks.{module}",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"{module} failed:\n{stderr.decode(errors='replace')}")
    result: dict[str, Any] = json.loads(stdout.decode().splitlines()[-1])
    return result


def best_of(repeat: int, func: Callable[[], object]) -> float:
    """The fastest of ``repeat`` timed calls, in seconds; the least disturbed run."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def format_table(records: list[BenchRecord]) -> str:
    """Render the records as a plain-text table."""
    header = ("name", "unit", "ours", "peer", "peer_name", "ratio", "target", "meets")
    rows: list[tuple[str, ...]] = [header]
    for record in records:
        data = record.as_json()
        rows.append(
            tuple(
                _cell(data[key])
                for key in (
                    "name",
                    "unit",
                    "ours",
                    "peer",
                    "peer_name",
                    "ratio",
                    "target",
                    "meets_target",
                )
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    details = [f"{record.name}: {record.detail}" for record in records if record.detail]
    return "\n".join([*lines, *(["", *details] if details else [])])


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)

"""Small helpers shared by the benchmarks."""

from __future__ import annotations

from scripts.launch import free_port  # noqa: F401 (the benchmarks import it from here)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values; NaN when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")

"""The timing loop every bench shares: one timed call gives its wall time and its CPU time, and
repeated calls give medians; two subjects timed in alternation give the median of the ratios of
each pair, so that the load of a shared machine weighs on both alike.

The CPU time is that of the whole process (every thread: the script's and DuckDB's) plus that of
the child processes waited for during the call (a bench that times a whole ``python -m ...``
process): it says what a run costs when other programs stretch wall times unevenly.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Mesure:
    """Seconds of wall time and of CPU time."""

    wall: float
    cpu: float

    def __truediv__(self, other: "Mesure") -> "Mesure":
        return Mesure(self.wall / other.wall, self.cpu / other.cpu)

    def ms(self) -> str:
        """'123.4 ms (CPU 98 ms)'."""
        return f"{self.wall * 1000:8.1f} ms (CPU {self.cpu * 1000:.0f} ms)"


def _cpu() -> float:
    # process_time: every thread of this process, at a fine resolution; os.times: the children
    # waited for (clock ticks, 10 ms: enough for whole processes)
    children = os.times()
    return time.process_time() + children.children_user + children.children_system


def chrono(fn: Callable[..., Any], *args, **kwargs) -> tuple[Any, Mesure]:
    """``fn(*args, **kwargs)`` once: its result and its Mesure."""
    wall, cpu = time.perf_counter(), _cpu()
    result = fn(*args, **kwargs)
    return result, Mesure(time.perf_counter() - wall, _cpu() - cpu)


def mesure(fn: Callable[..., Any], *args, **kwargs) -> Mesure:
    """The Mesure of one call of ``fn(*args, **kwargs)``."""
    return chrono(fn, *args, **kwargs)[1]


def medianes(mesures: Iterable[Mesure]) -> Mesure:
    """Median wall time and median CPU time of several Mesures."""
    mesures = list(mesures)
    return Mesure(statistics.median(m.wall for m in mesures), statistics.median(m.cpu for m in mesures))


def mediane(fn: Callable[..., Any], *args, repeat: int, warmup: int = 1) -> Mesure:
    """Medians of ``repeat`` calls of ``fn(*args)``, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn(*args)
    return medianes(mesure(fn, *args) for _ in range(repeat))


def alternees(subject: Callable[..., Any], baseline: Callable[..., Any], *args,
              repeat: int) -> tuple[Mesure, Mesure, Mesure]:
    """``subject(*args)`` and ``baseline(*args)`` timed in alternation ``repeat`` times, after an
    untimed call of each: the median Mesures of each, and the medians of the ratios of each pair."""
    subject(*args)
    baseline(*args)
    pairs = [(mesure(subject, *args), mesure(baseline, *args)) for _ in range(repeat)]
    return (medianes(p[0] for p in pairs), medianes(p[1] for p in pairs),
            medianes(p[0] / p[1] for p in pairs))


def minimum(a: Mesure, b: Mesure) -> Mesure:
    """The smaller wall time and the smaller CPU time of two Mesures (a baseline measured twice)."""
    return Mesure(min(a.wall, b.wall), min(a.cpu, b.cpu))

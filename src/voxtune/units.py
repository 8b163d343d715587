"""Unit aliases, so signatures say what a number measures (lhotse style)."""

from typing import TypeAlias

Seconds: TypeAlias = float
Hertz: TypeAlias = int
# Azure reports offsets and durations in 100-nanosecond ticks.
Ticks: TypeAlias = int

TICKS_PER_SECOND = 10_000_000  # 1 s / 100 ns


def seconds_to_ticks(seconds: Seconds) -> Ticks:
    return round(seconds * TICKS_PER_SECOND)


def ticks_to_seconds(ticks: Ticks) -> Seconds:
    return ticks / TICKS_PER_SECOND

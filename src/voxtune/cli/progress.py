"""A progress bar on stderr that the core reports into through a plain callback."""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm


class ProgressBar:
    """Context manager; `update(done, total)` fits the core's on_progress callbacks.

    Drawn only on a terminal (tqdm's disable=None), so pipes and logs stay clean.
    """

    def __init__(self, total: int, label: str, *, enabled: bool = True) -> None:
        self._bar: tqdm | None = (
            tqdm(total=total, desc=label, unit="file", file=sys.stderr, disable=None, leave=False)
            if enabled
            else None
        )

    def update(self, done: int, total: int) -> None:
        if self._bar is not None:
            self._bar.total = total
            self._bar.n = done
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

"""Progress of long work on stderr: a bar with the time left on a terminal, else (a log)
one line every :data:`LOG_EVERY` seconds with the rate and the time left."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["LOG_EVERY", "counter", "duration"]

#: Seconds between two progress lines in a log (not a terminal).
LOG_EVERY = 5.0


@contextmanager
def counter(label: str, total: int, unit: str) -> Iterator[Callable[[int], None]]:
    """A callable that counts ``n`` more of ``total`` units done, shown as it goes."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        with tqdm(total=total, desc=label, unit=unit, file=sys.stderr, leave=False) as bar:
            yield bar.update
        return
    yield _LogProgress(label, total, unit)


class _LogProgress:
    """Progress for logs: a line every few seconds, with the rate and the time left."""

    def __init__(self, label: str, total: int, unit: str) -> None:
        self.label, self.total, self.unit, self.done = label, total, unit, 0
        self.start = self.last = time.monotonic()

    def __call__(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.last < LOG_EVERY and self.done < self.total:
            return
        self.last = now
        rate = self.done / max(now - self.start, 1e-9)
        left = (self.total - self.done) / rate if rate else float("inf")
        print(
            f"{self.label}: {self.done:,}/{self.total:,} {self.unit}s, {rate:,.0f}/s, "
            f"about {duration(left)} left",
            file=sys.stderr,
            flush=True,
        )


def duration(seconds: float) -> str:
    """``75`` -> ``'1 min 15 s'``.

    >>> duration(75), duration(8)
    ('1 min 15 s', '8 s')
    """
    if seconds != seconds or seconds == float("inf"):
        return "?"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"

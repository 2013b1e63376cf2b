"""Progress of a long build on stderr: articles done, rate and time left; then the query store's load.

On a terminal one line is redrawn in place; elsewhere (a log, CI) a line is printed every so many
seconds of a long build, and a last one when it ends, so a log shows it is alive without a line per
article; a short build prints none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Progress", "StoreProgress", "Stages"]


class _Pace:
    """When a progress line is due: `every` seconds after the last one, or at the end of work of
    which a line was already told, so that a log does not end on a share left behind; never at the
    end of a short piece of work, which prints nothing."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.started = self.last = clock()

    def due(self, every: float, *, ending: bool = False) -> float | None:
        """The time now if a line is due (and counted as told), else None."""
        now = self.clock()
        if now - self.last >= every or (ending and self.last > self.started):
            self.last = now
            return now
        return None


class Progress:
    """Counts finished articles and tells `say` how it goes."""

    # Seconds between two lines on a terminal while articles come from the cache, hundreds a second.
    _REDRAW = 0.1

    def __init__(self, total: int, say: Callable[[str], None], *, terminal: bool, every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.say, self.terminal, self.every, self.clock = total, say, terminal, every, clock
        self.done = self.cached = self.expected = 0
        self._pace = _Pace(clock)

    def expect(self) -> None:
        """One more article to build (not in the cache): the time left is that of those still to build."""
        self.expected += 1

    def skip(self, count: int) -> None:
        """`count` articles taken whole from the cache: told as a built one is, but on a terminal a
        few times a second at most (a rebuild of 10,000 articles looks them up for tens of seconds)."""
        self.cached += count
        self.done += count
        self._tell(self._REDRAW if self.terminal else self.every)

    def step(self) -> None:
        """One more article built."""
        self.done += 1
        self._tell(0.0 if self.terminal else self.every)

    def _tell(self, every: float) -> None:
        now = self._pace.due(every, ending=self.done == self.total)
        if now is not None:
            self.say(self.line(now))

    def line(self, now: float | None = None) -> str:
        """`[120/1000] 38.2 articles/s, about 23 s left (100 from the cache)`; `[600/1000] 600 from the
        cache` while none was built yet."""
        seconds = (now if now is not None else self.clock()) - self._pace.started
        built = self.done - self.cached
        if built == 0 and self.cached:
            return f"[{self.done}/{self.total}] {self.cached} from the cache"
        rate = built / seconds if seconds > 0 else 0.0
        text = f"[{self.done}/{self.total}] {rate:.1f} articles/s"
        if self.expected > built and rate > 0:  # those left to look up in the cache take no time to speak of
            text += f", {_left((self.expected - built) / rate)}"
        if self.cached:
            text += f" ({self.cached} from the cache)"
        return text


class StoreProgress:
    """How far the load of the query store has got (a `kg.write.store.Report`), told as `Progress`
    tells the articles: `[store 46%] loading the graphs, about 17 s left`.

    Called from the store's thread. The time left is the time so far, stretched over the bytes left;
    compacting the tables at the end (a tenth of the load) is told, not timed.
    """

    _STEPS = {"graphs": "loading the graphs", "default graph": "loading the default graph (the graphs merged)",
              "compacting": "compacting"}

    def __init__(self, say: Callable[[str], None], *, terminal: bool, every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.say, self.terminal, self.every, self.clock = say, terminal, every, clock
        self._pace: _Pace | None = None  # started by the first report

    def __call__(self, step: str, done: int, total: int) -> None:
        if self._pace is None:
            self._pace = _Pace(self.clock)
            return
        now = self._pace.due(0.0 if self.terminal else self.every, ending=step == "compacting")
        if now is not None:
            self.say(self.line(step, done, total, now))

    def line(self, step: str, done: int, total: int, now: float) -> str:
        """`[store 46%] loading the graphs, about 17 s left`."""
        share = done / total if total else 1.0
        text = f"[store {int(share * 100)}%] {self._STEPS.get(step, step)}"
        if step != "compacting" and 0 < done < total:
            text += f", {_left((now - self._pace.started) * (total - done) / done)}"
        return text


def _left(seconds: float) -> str:
    """`about 42 s left`; `under a second left` rather than `about 0 s left`."""
    return "under a second left" if seconds < 1 else f"about {_duration(seconds)} left"


def _duration(seconds: float) -> str:
    """`42 s`, `3 min 5 s`, `2 h 10 min`."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


class Stages:
    """The wall time of each stage of a build, in the order they ran: `with stages("articles"): ...`."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = self.clock()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + self.clock() - started

    def line(self) -> str:
        """`Stages: cache 0.41 s, articles 40.20 s, ...`."""
        return "Stages: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.seconds.items())

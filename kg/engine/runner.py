"""Run articles' jobs: in this process, in worker processes on this machine, or on a Dask cluster.

Each outcome is handed on with its job's index as it finishes, and not held here, so that the build
can put them in the jobs' order whoever finished first, and the output never depends on the
scheduler. One job, or one worker, runs in this process: starting a worker costs more than a small
article, unless the workers were started early (`Runner.start`) to build a rebuild's few changed
articles while the build looks the others up in its cache. On this machine `keep` (the cache's
`store`) runs in the worker, beside the work, so that a result comes back without its graph's bytes;
on Dask (`kg[dask]`) it runs here, as the results come. The Dask workers read the records from the
same paths, as on a shared file system, and kg's code must be installed on them.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from kg.engine.article import ArticleJob, run_article
from kg.engine.result import ArticleResult, Failure
from kg.errors import InputError
from kg.threads import wait_for

__all__ = ["Runner", "default_workers"]

Keep = Callable[[Path, ArticleResult], ArticleResult]
_IN_FLIGHT = 4  # jobs a worker given at once: enough that none waits for the next

Outcome = ArticleResult | Failure
T = TypeVar("T")


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Runner:
    """Jobs added one by one (`add`), run by `finish`; `start` has worker processes begin on those
    added so far while this process goes on, so that a rebuild's few changed articles are built
    while it looks the others up in the cache. No outcome is held here once handed to `done`, so
    that a build of thousands of articles holds only what `done` keeps of them. Use it in a `with`
    block: leaving it early (an error, Ctrl-C) cancels what has not started.
    """

    def __init__(self, done: Callable[[int, Outcome], None], *, workers: int = 1, scheduler: str | None = None,
                 keep: Keep | None = None) -> None:
        self.done, self.workers, self.scheduler, self.keep = done, workers, scheduler, keep
        self._waiting: deque[tuple[int, ArticleJob]] = deque()
        self._futures: dict = {}
        self._pool: ProcessPoolExecutor | None = None
        self.added = 0

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *failure) -> None:
        for future in self._futures:
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def add(self, index: int, job: ArticleJob) -> None:
        """One more job; `done` gets `index` with its outcome."""
        self._waiting.append((index, job))
        self.added += 1
        if self._pool is not None:
            self._feed()

    def start(self) -> None:
        """Start the worker processes now, if this machine's workers will run the jobs."""
        if self._waiting and self._pool is None and self.workers > 1 and not self.scheduler:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
            self._feed()

    def finish(self) -> None:
        """Run the jobs not yet done and wait until all are: one job alone, or with one worker, in
        this process (starting a worker costs more than a small article), unless workers began."""
        if self.scheduler:
            jobs = list(self._waiting)
            self._waiting.clear()
            if jobs:
                _on_dask([job for _, job in jobs], self.scheduler,
                         lambda number, outcome: self.done(jobs[number][0], outcome), self.keep)
            return
        if self._pool is None and (self.workers <= 1 or len(self._waiting) <= 1):
            while self._waiting:
                index, job = self._waiting.popleft()
                self.done(index, run_and_keep(job, self.keep))
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=min(self.workers, len(self._waiting)))
        self._feed()
        while self._futures:
            for future in wait_for(self._futures, first=True):
                self.done(self._futures.pop(future), future.result())
            self._feed()

    def collect(self) -> None:
        """Hand on the outcomes of the jobs the workers finished so far, without waiting for others."""
        done = [future for future in self._futures if future.done()]
        for future in done:
            self.done(self._futures.pop(future), future.result())
        if done:
            self._feed()

    def call(self, function: Callable[..., T], *args) -> Future[T]:
        """`function(*args)` in a worker process if they were started, beside what this process does
        next; else here, at once."""
        if self._pool is not None:
            return self._pool.submit(function, *args)
        future: Future[T] = Future()
        future.set_result(function(*args))
        return future

    def _feed(self) -> None:
        # A few jobs a worker in flight, each future let go once handed on: concurrent.futures'
        # as_completed would hold every future, and so every result, until the last one.
        while self._waiting and len(self._futures) < _IN_FLIGHT * self.workers:
            index, job = self._waiting.popleft()
            self._futures[self._pool.submit(run_and_keep, job, self.keep)] = index


def run_and_keep(job: ArticleJob, keep: Keep | None) -> Outcome:
    """One job's outcome, a result passed through `keep`."""
    outcome = run_article(job)
    if keep is not None and isinstance(outcome, ArticleResult):
        outcome = keep(Path(job.record), outcome)
    return outcome


def _on_dask(jobs: Sequence[ArticleJob], scheduler: str, done: Callable[[int, Outcome], None],
             keep: Keep | None) -> None:
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError:
        raise InputError("--scheduler needs Dask's distributed scheduler: pip install 'kg[dask]'",
                         field="--scheduler") from None
    try:
        client = Client(scheduler, timeout="10s")
    except Exception as error:  # distributed raises many kinds for an address it cannot use
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {error}", field="--scheduler") from None
    with client:
        futures = client.map(run_article, list(jobs), pure=False)
        order = {future.key: index for index, future in enumerate(futures)}
        # Dask's as_completed holds each future until it is done; then it is released here, and the
        # cluster lets go of its result.
        completed = dask_completed(futures)
        del futures
        try:
            for future in completed:
                outcome, index = future.result(), order[future.key]
                future.release()
                if keep is not None and isinstance(outcome, ArticleResult):
                    outcome = keep(Path(jobs[index].record), outcome)
                done(index, outcome)
        except Exception as error:  # a worker without kg, or one that died: kg's own errors come back as data
            raise InputError(f"the Dask cluster at {scheduler} could not build the articles: "
                             f"{type(error).__name__}: {error}", field="--scheduler") from None

"""Run articles' jobs: in this process, in worker processes on this machine, or on a Dask cluster.

Each outcome is handed on with its job's index as it finishes, and not held here, so that the
build can put them in the jobs' order whoever finished first, and the output never depends on the
scheduler. One job, or one worker, runs in this process: starting a worker costs more than a
small article. On this machine `keep` (the cache's `store`) runs in the worker, beside the work,
so that a result comes back without its graph's bytes; on Dask (`kg[dask]`) it runs here, as the
results come. The Dask workers read the records from the same paths, as on a shared file system,
and kg's code must be installed on them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

from kg.engine.article import ArticleJob, ArticleResult, Failure, run_article
from kg.errors import InputError
from kg.threads import wait_for

__all__ = ["run_jobs", "default_workers"]

Keep = Callable[[Path, ArticleResult], ArticleResult]
_IN_FLIGHT = 4  # jobs a worker given at once: enough that none waits for the next

Outcome = ArticleResult | Failure


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_jobs(
    jobs: Sequence[ArticleJob],
    done: Callable[[int, Outcome], None],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    keep: Keep | None = None,
) -> None:
    """Run every job, each result passed through `keep` (record, result) when given, and give `done`
    each one's index in `jobs` and outcome as it finishes. No outcome is held here once given, so
    that a build of thousands of articles holds only what `done` keeps of them."""
    if not jobs:
        return
    if scheduler:
        return _on_dask(jobs, scheduler, done, keep)
    if workers <= 1 or len(jobs) == 1:
        for index, job in enumerate(jobs):
            done(index, run_and_keep(job, keep))
        return
    workers = min(workers, len(jobs))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # A few jobs a worker in flight, each future let go once handed on: concurrent.futures'
        # as_completed would hold every future, and so every result, until the last one.
        waiting = iter(enumerate(jobs))
        futures = {pool.submit(run_and_keep, job, keep): index for index, job in islice(waiting, _IN_FLIGHT * workers)}
        try:
            while futures:
                finished = wait_for(futures, first=True)
                for future in finished:
                    done(futures.pop(future), future.result())
                    for index, job in islice(waiting, 1):
                        futures[pool.submit(run_and_keep, job, keep)] = index
        except BaseException:
            for future in futures:
                future.cancel()
            raise


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

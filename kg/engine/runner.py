"""Run articles' jobs: in this process, in worker processes on this machine, or on a Dask cluster.

The results come back in the jobs' order whoever finished first, so the output never depends on
the scheduler. One job, or one worker, runs in this process: starting a worker costs more than a
small article. On this machine `keep` (the cache's `store`) runs in the worker, beside the work,
so that a result comes back without its graph's bytes; on Dask (`kg[dask]`) it runs here, as the
results come. The Dask workers read the records from the same paths, as on a shared file system,
and kg's code must be installed on them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from kg.engine.article import ArticleJob, ArticleResult, Failure, run_article

Keep = Callable[[Path, ArticleResult], ArticleResult]
from kg.errors import InputError

__all__ = ["run_jobs", "default_workers"]

Outcome = ArticleResult | Failure


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_jobs(
    jobs: Sequence[ArticleJob],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    done: Callable[[int, Outcome], None] = lambda index, outcome: None,
    keep: Keep | None = None,
) -> list[Outcome]:
    """Each job's outcome, in the order of `jobs`, each result passed through `keep` (record, result)
    when given; `done` is called with each one's index and outcome as it finishes."""
    if not jobs:
        return []
    if scheduler:
        return _on_dask(jobs, scheduler, done, keep)
    if workers <= 1 or len(jobs) == 1:
        outcomes = []
        for index, job in enumerate(jobs):
            outcomes.append(run_and_keep(job, keep))
            done(index, outcomes[-1])
        return outcomes
    outcomes: list[Outcome | None] = [None] * len(jobs)
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = {pool.submit(run_and_keep, job, keep): index for index, job in enumerate(jobs)}
        try:
            for future in as_completed(futures):
                outcomes[futures[future]] = future.result()
                done(futures[future], outcomes[futures[future]])
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return outcomes  # type: ignore[return-value]


def run_and_keep(job: ArticleJob, keep: Keep | None) -> Outcome:
    """One job's outcome, a result passed through `keep`."""
    outcome = run_article(job)
    if keep is not None and isinstance(outcome, ArticleResult):
        outcome = keep(Path(job.record), outcome)
    return outcome


def _on_dask(jobs: Sequence[ArticleJob], scheduler: str, done: Callable[[int, Outcome], None],
             keep: Keep | None) -> list[Outcome]:
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
        outcomes: list[Outcome | None] = [None] * len(jobs)
        try:
            for future in dask_completed(futures):
                outcome = future.result()
                if keep is not None and isinstance(outcome, ArticleResult):
                    outcome = keep(Path(jobs[order[future.key]].record), outcome)
                outcomes[order[future.key]] = outcome
                done(order[future.key], outcome)
        except Exception as error:  # a worker without kg, or one that died: kg's own errors come back as data
            raise InputError(f"the Dask cluster at {scheduler} could not build the articles: "
                             f"{type(error).__name__}: {error}", field="--scheduler") from None
    return outcomes  # type: ignore[return-value]

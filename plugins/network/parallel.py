"""Work spread over the machine's cores, with results identical to doing it in one process.

Workers are forked, so they start with the build's state (the site model, fonts, the
Markdown renderer) already in memory: only the index of each job goes to a worker, and only
its result comes back. Jobs must not depend on the order they run in; results come back in
the order of the jobs, so a build with one worker and a build with many write the same bytes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from .memory import return_free_memory

Job = TypeVar("Job")
Result = TypeVar("Result")

# The job list and function of the running map; a forked worker finds them here.
_CURRENT: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
# Below this many jobs per worker, starting processes costs more than it saves.
MIN_JOBS_PER_WORKER = 8


def worker_count(setting: int) -> int:
    """CHORUS_WORKERS: 0 means one per core."""
    return setting if setting > 0 else (os.cpu_count() or 1)


def _run(index: int) -> Any:
    assert _CURRENT is not None
    function, jobs = _CURRENT
    return function(jobs[index])


def forks(jobs: int, workers: int) -> int:
    """How many processes :func:`map_jobs` starts for ``jobs`` jobs (0: it runs them itself)."""
    workers = min(workers, jobs // MIN_JOBS_PER_WORKER)
    return workers if workers > 1 and "fork" in multiprocessing.get_all_start_methods() else 0


def map_jobs(function: Callable[[Job], Result], jobs: Sequence[Job], workers: int) -> list[Result]:
    """``[function(job) for job in jobs]``, spread over ``workers`` forked processes."""
    global _CURRENT
    workers = forks(len(jobs), workers)
    if not workers:
        return [function(job) for job in jobs]
    _CURRENT = (function, jobs)
    # Memory the build freed but glibc keeps would count in the tree while workers run.
    return_free_memory()
    # The garbage collector of a forked worker would walk (and so copy) every object it
    # inherited; frozen, they stay shared with the build's process instead of being counted
    # once more per worker.
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            chunk = max(1, len(jobs) // (workers * 8))
            return list(pool.map(_run, range(len(jobs)), chunksize=chunk))
    finally:
        gc.unfreeze()
        _CURRENT = None

"""Run per-file jobs across processes, in order, surviving a worker that dies.

The audited files are hostile input: if the parser ever crashes a worker process (a native
segfault, the OOM killer), a plain `multiprocessing.Pool` waits forever for the lost task. A
`ProcessPoolExecutor` reports the broken pool instead; the jobs not yet returned are then re-run
one per fresh process, so the file that kills its process is identified and reported as a skip
(`parser-crash`) while every other file is still indexed.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

CRASH_REASON = "parser-crash"


def ordered_map(fn: Callable[[tuple], tuple], jobs: Sequence[tuple], processes: int) -> Iterator[tuple]:
    """fn(job) for every job, yielded in job order. `jobs[i][1]` must be the file path (used
    for the skip tuple of a job whose process died)."""
    context = multiprocessing.get_context("fork")
    chunksize = max(1, min(32, len(jobs) // (processes * 16) or 1))
    done = 0
    finished = False
    pool = ProcessPoolExecutor(processes, mp_context=context)
    try:
        try:
            for result in pool.map(fn, jobs, chunksize=chunksize):
                done += 1
                yield result
        except BrokenProcessPool:
            pool.shutdown(wait=True, cancel_futures=True)
            for job in jobs[done:]:
                yield _isolated(fn, job, context)
        finished = True
    finally:
        # Reap the workers when all is done (their CPU time then shows in getrusage); an
        # abandoned generator (the consumer failed) must not wait for the rest of the queue.
        pool.shutdown(wait=finished, cancel_futures=True)


def _isolated(fn: Callable[[tuple], tuple], job: tuple, context) -> tuple:
    with ProcessPoolExecutor(1, mp_context=context) as one:
        try:
            return one.submit(fn, job).result()
        except BrokenProcessPool:
            return ("skip", job[1], CRASH_REASON, "the parser process died on this file")

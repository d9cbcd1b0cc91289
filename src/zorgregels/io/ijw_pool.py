"""Parts of an iJw import read on all cores: a process pool that keeps the order of its parts
and stays quiet on Ctrl-C.

The workers are forked (the ``fork`` start method: no interpreter and no polars to start, and
no re-import of the caller's ``__main__`` script); what they run is pure Python (XML parsing
into lists of text), so nothing in them touches the thread pool of polars the parent may have
started. They ignore SIGINT from birth (the parent ignores it for the moment it forks them):
Ctrl-C reaches the parent alone, which ends the workers and lets the interrupt travel on to the
command line's one line and exit code 130. An error in a part (an ``InputError`` naming the
file) is raised in the parent as it is, in the order of the parts.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

P = TypeVar("P")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on (1 where processes cannot be forked, and inside a
    worker of a pool: a worker reads its part itself)."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a worker only builds what it returns and ends: no reference cycles worth a collection
    gc.disable()


def map_parts(fn: Callable[[P], R], parts: Sequence[P], workers: int) -> Iterator[R]:
    """``fn(p) for p in parts``, computed by ``workers`` forked processes, each result as soon as
    it and those before it are there."""
    ctx = multiprocessing.get_context("fork")
    main = threading.current_thread() is threading.main_thread()
    before = set(multiprocessing.active_children())
    # forked while SIGINT is ignored, so a worker never sees a Ctrl-C, not even as it starts
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start_worker)
        futures = [pool.submit(fn, p) for p in parts]  # forks every worker at the first submit
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    mine = [p for p in multiprocessing.active_children() if p not in before]
    try:
        for f in futures:
            yield f.result()
    except BaseException:
        for p in mine:  # Ctrl-C or an error in a part: the parts still running are not waited for
            p.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


__all__ = ["cores", "map_parts"]

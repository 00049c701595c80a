"""Where chunks run: local cores (the default) or a Dask cluster, behind the same `concurrent.futures.Executor`.

`distributed.Client(address).get_executor()` gives the Executor interface, so the batch code path is the same for
both (ENGINEERING-NOTES.md, "Batch work"). Dask is an optional extra: `pip install 'tthc[dask]'`.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, ForkServerContext

ExecutorKind = Literal["local", "dask"]


class ExecutorError(RuntimeError):
    """The requested executor cannot be used (Dask missing, scheduler unreachable)."""


def local_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def single_threaded() -> bool:
    """Whether this process runs a single thread, native ones included (Linux): only then is a fork safe, as a
    thread holding a lock at the fork would leave the child waiting on it for ever (Python 3.12+ warns)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def process_context() -> ForkContext | ForkServerContext | None:
    """How worker processes start: forked on Linux when that is safe (at once, sharing the parent's memory),
    else from a fork server; elsewhere the platform's default (spawn). Chosen here, not left to the Python
    version's default (fork up to 3.13, forkserver from 3.14)."""
    if sys.platform != "linux":
        return None
    if single_threaded():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver")


def _worker_started() -> None:
    """A worker forked from this process inherits its heap (a whole catalogue): move it out of the collector's
    sight, or every full collection in the worker walks it again."""
    gc.freeze()


@contextmanager
def open_executor(kind: ExecutorKind = "local", scheduler: str | None = None, workers: int | None = None) -> Iterator[Executor]:
    """An Executor for the batch: a process pool on local cores, or a Dask cluster's executor at `scheduler`."""
    if kind == "local":
        with ProcessPoolExecutor(max_workers=workers or local_workers(), mp_context=process_context(),
                                 initializer=_worker_started) as pool:
            yield pool
        return
    if not scheduler:
        raise ExecutorError("--executor dask cần --scheduler tcp://host:8786")
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError("chưa cài Dask: pip install 'tthc[dask]'") from None
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise ExecutorError(f"không kết nối được bộ điều phối Dask ở {scheduler}: {exc}") from None
    try:
        with client.get_executor() as executor:
            yield executor
    finally:
        client.close()


@contextmanager
def dask_client_executor(client: object) -> Iterator[Executor]:
    """The executor of an existing Dask client (a LocalCluster in tests, a notebook's client)."""
    with client.get_executor() as executor:  # type: ignore[attr-defined]
        yield executor

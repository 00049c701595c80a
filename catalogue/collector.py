"""Pausing Python's cyclic garbage collector around work that makes many objects and no cycles.

Loading or analysing a national catalogue allocates millions of small objects that reference counting frees; the
cyclic collector would walk all of them again and again (seconds at 100,000 procedures) to find no cycle.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block, then freeze what the block made and kept."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What the block made and kept (decoded records, results) would otherwise be walked by the full
        # collection that the first allocation after re-enabling triggers (3 s at 100,000 procedures): freeze
        # it; it is still freed by reference counting when dropped.
        gc.freeze()
        if enabled:
            gc.enable()

"""Giving memory the build no longer holds back to the system.

CPython frees objects into glibc's heap, which keeps the pages. Before the build starts
processes beside itself (forked workers, Pagefind), those pages are worth returning: the
whole process tree is what a machine must hold (issue #12 asks for 0.5 GiB at 10,000 posts).
"""

from __future__ import annotations

import ctypes
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def return_free_memory() -> None:
    """Collect garbage, then hand glibc's free pages back (a no-op on other C libraries)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # another C library: nothing to trim this way


@contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection inside the block, as before it afterwards.

    Reading the sources and running the rules make hundreds of thousands of objects that
    live to the end of the run and form no garbage cycles; the collector, started by every
    few hundred new objects, walked the growing heap again and again: a quarter of
    `chorus check`'s time at 10,000 posts. Nothing is lost by pausing it: anything cyclic
    made in the block is collected once it is back on.

    The switch is the whole process's, and `chorus serve` builds in one thread while it
    answers edits in another: the first block in records whether it was on, the last one
    out puts it back, so overlapping blocks can never leave it off."""
    global _paused_blocks, _enabled_before
    with _pause_lock:
        if _paused_blocks == 0:
            _enabled_before = gc.isenabled()
            gc.disable()
        _paused_blocks += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused_blocks -= 1
            if _paused_blocks == 0 and _enabled_before:
                gc.enable()


_pause_lock = threading.Lock()
_paused_blocks = 0  # blocks of collection_paused() running now, in any thread
_enabled_before = True  # whether the collector was on when the first of them began

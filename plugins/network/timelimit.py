"""Stop a block of pure-Python work (and, in the main thread, regular-expression work) after
a number of seconds.

Python-Markdown and regular expressions can take minutes on hostile input. In the main
thread (builds, ``chorus check``) a timer signal interrupts the block: both check for
signals while they run. Signals reach only the main thread, and ``chorus serve`` builds in a
thread of its own; there the timer raises the exception in the block's thread
asynchronously (``PyThreadState_SetAsyncExc``), which the interpreter delivers between two
steps of Python code. That stops Python-Markdown, Python's HTML parser and a loop over
matches, not one regular expression's search already running in C, which runs to its end.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(Exception):
    """The block ran past its time limit."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block after ``seconds`` (None or 0: no limit)."""
    if not seconds:
        yield
    elif threading.current_thread() is threading.main_thread():
        with _signal_limit(seconds):
            yield
    else:
        with _thread_limit(seconds):
            yield


@contextmanager
def _signal_limit(seconds: float) -> Iterator[None]:
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _set_async_exception(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


@contextmanager
def _thread_limit(seconds: float) -> Iterator[None]:
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"inside": True, "raised": False}

    def interrupt() -> None:
        with lock:
            if state["inside"]:
                state["raised"] = True
                _set_async_exception(thread_id, TimeLimitExceeded)

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["inside"] = False
            if state["raised"]:
                # Raised but perhaps not delivered yet: never outside the block.
                _set_async_exception(thread_id, None)

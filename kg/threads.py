"""Threads and waits that leave Ctrl-C working.

Python runs a signal's handler in the main thread, and only once that thread runs again. A wait on a
lock (a future's result, a join) ends early only if the signal interrupts that very wait, which it
misses in two ways: the signal lands in another thread, or it lands in the main thread just before
the wait begins. Either way Ctrl-C would do nothing until the work waited for is done.

So every thread kg starts blocks the signals a user sends (`start_thread`), and the kernel delivers
them to the main thread; and the main thread waits a slice at a time (`wait_for`, `join`, `receive`),
so that a signal already caught is acted on within one slice.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Collection
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, wait
from typing import Any, Callable

__all__ = ["start_thread", "wait_for", "join", "receive"]

_USER_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_SLICE = 0.2  # seconds: at most this long between a Ctrl-C and KeyboardInterrupt


def start_thread(target: Callable[..., Any], *args: Any, name: str, **kwargs: Any) -> threading.Thread:
    """Start a daemon thread running `target(*args, **kwargs)` with SIGINT and SIGTERM blocked.

    The signals are blocked in this thread while the new one starts, so that it inherits the mask
    from its first instruction; a signal that arrives meanwhile waits and is delivered here after.
    """
    thread = threading.Thread(target=target, args=args, kwargs=kwargs, name=name, daemon=True)
    if not hasattr(signal, "pthread_sigmask"):  # Windows: signals go to the main thread anyway
        thread.start()
        return thread
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _USER_SIGNALS)
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return thread


def wait_for(futures: Collection[Future], *, first: bool = False) -> set[Future]:
    """The futures done once all are done (or, with `first`, once any is), waiting a slice at a time.

    Only those not done yet are waited for: each slice's wait takes the lock of every future it is
    given, and a build's files are a thousand futures done at once (its links) and a few written.
    """
    done = {future for future in futures if future.done()}
    pending = [future for future in futures if future not in done]
    while pending and not (first and done):
        finished, _ = wait(pending, timeout=_SLICE, return_when=FIRST_COMPLETED if first else ALL_COMPLETED)
        done |= finished
        pending = [future for future in pending if future not in finished]
    return done


def join(thread: threading.Thread) -> None:
    """Wait until `thread` ends, a slice at a time."""
    while thread.is_alive():
        thread.join(_SLICE)


def receive(connection) -> Any:
    """The next object sent on `connection` (a multiprocessing Connection), waiting a slice at a time;
    EOFError once the other end is closed and nothing is left."""
    while not connection.poll(_SLICE):
        pass
    return connection.recv()

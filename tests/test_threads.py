"""kg's own threads leave SIGINT and SIGTERM to the main thread (kg.threads)."""

from __future__ import annotations

import signal
import time
from concurrent.futures import Future

import pytest

from kg.threads import join, start_thread, wait_for

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="signal masks are POSIX")


def _mask() -> set[int]:
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_a_thread_of_kg_blocks_the_signals_a_user_sends():
    seen: list[set[int]] = []
    start_thread(lambda: seen.append(_mask()), name="kg-test").join(5)
    assert {signal.SIGINT, signal.SIGTERM} <= seen[0]


def test_the_starting_thread_keeps_its_own_mask():
    before = _mask()
    thread = start_thread(lambda: None, name="kg-test")
    thread.join(5)
    assert _mask() == before
    assert signal.SIGINT not in before
    assert thread.daemon and thread.name == "kg-test"


def test_arguments_reach_the_target():
    got: list[tuple] = []
    start_thread(lambda *args, **kwargs: got.append((args, kwargs)), 1, 2, name="kg-test", key="v").join(5)
    assert got == [((1, 2), {"key": "v"})]


def test_wait_for_returns_when_all_or_the_first_are_done():
    done, pending = Future(), Future()
    done.set_result(1)
    assert wait_for([done, pending], first=True) == {done}
    start_thread(lambda: pending.set_result(2), name="kg-test")
    assert wait_for([done, pending]) == {done, pending}


def test_wait_for_waits_only_for_the_futures_not_done(monkeypatch):
    import kg.threads

    given: list[int] = []
    wait = kg.threads.wait

    def counting(futures, **options):
        given.append(len(futures))
        return wait(futures, **options)

    monkeypatch.setattr(kg.threads, "wait", counting)
    done = [Future() for _ in range(1000)]
    for future in done:
        future.set_result(None)
    writing = Future()
    start_thread(lambda: (time.sleep(0.5), writing.set_result(None)), name="kg-test")
    assert wait_for([*done, writing]) == {*done, writing}
    assert given and set(given) == {1}  # each slice waits for the one future not done
    first = Future()
    start_thread(lambda: (time.sleep(0.3), first.set_result(None)), name="kg-test")
    assert wait_for([first, Future()], first=True) == {first}


def test_join_waits_for_the_thread():
    thread = start_thread(time.sleep, 0.5, name="kg-test")
    join(thread)
    assert not thread.is_alive()

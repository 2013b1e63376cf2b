"""A kg process whose stderr is a terminal, for the tests of what kg draws there."""

from __future__ import annotations

import os
import pty
import subprocess
import sys


def kg_on_a_terminal(*args: str, timeout: float = 300) -> tuple[int, bytes, bytes]:
    """`python -m kg ARGS` with a terminal as its stderr: its exit code, its stdout, and what the terminal showed."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "kg", *args], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=follower, timeout=timeout)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: all was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    return done.returncode, done.stdout, shown

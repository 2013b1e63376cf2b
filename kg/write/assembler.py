"""The dataset's whole files (kg.nq, kg.trig, kg.ttl, kg.jsonld) put together from the graphs'
pieces as the graphs come, each file with its size and sha256 as written.

A build of many articles gives its graphs one by one as it folds them, while its own thread is busy
looking the others up in the cache, describing the dataset and writing its description. Threads of
this process could not write meanwhile: each of their calls gives the GIL back and waits for it
again, behind a thread that computes (1,000 articles' kg.nq written by two threads while the main
one decoded JSON: 0.5 s became 3.6 s, and the decoding slowed a quarter). So they are written by a
process of its own, forked before the build starts its threads, and sent the pieces (file names
or bytes) through a pipe as they come: when the build has its description, most of the corpus is
written. (A small build writes them at the end, in threads: a process costs more than it saves.)
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Sequence
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on a POSIX system
    fcntl = None

from kg.threads import receive
from kg.write.files import PieceWriter
from kg.write.nquads import Part

__all__ = ["Assembler", "Later"]


class Later:
    """A piece made where it is written: called there, it gives the pieces (bytes or files) it stands for."""

    def __call__(self) -> Sequence[Part]:
        raise NotImplementedError


# Graphs whose pieces are sent at once: each message wakes the process, which costs the build more
# than the message (1,000 articles: a message a graph held the build 0.17 s in all).
_BATCH = 32
Pieces = Sequence[Sequence["Part | Later"]]  # for each file, in the order the files were named, its next pieces


class Assembler:
    """Files in `paths` (new files, in staging) put together by a process of their own from pieces
    given in turn (`add`), then finished (`finish`: each file's size and sha256) or stopped (`stop`,
    after a failure)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        # One pipe each way: pieces to the process, its outcome back. The pieces' pipe is made as
        # large as the system lets, so that the build goes on while the process catches up.
        pieces, self._pipe = context.Pipe(duplex=False)
        self._outcome, outcome = context.Pipe(duplex=False)
        _enlarge(self._pipe)
        self._batch: list = []
        self._process = context.Process(target=_assemble, args=(pieces, outcome, list(paths)), name="kg-assembler",
                                        daemon=True)
        self._process.start()
        pieces.close()
        outcome.close()

    def add(self, pieces: Pieces) -> None:
        """The next pieces of each file; a piece is bytes, a file whose bytes are copied, or `Later`."""
        self._batch.append([[str(piece) if isinstance(piece, Path) else piece if isinstance(piece, Later)
                             else bytes(piece) for piece in more] for more in pieces])
        if len(self._batch) >= _BATCH:
            self._send()

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        try:
            self._pipe.send(batch)
        except (OSError, ValueError):  # the process ended: `finish` reports its error
            pass

    def finish(self) -> list[tuple[int, str]]:
        """Each file's size and sha256, once all are written; the OSError of one that could not be."""
        self._send()
        try:
            self._pipe.send(None)
        except (OSError, ValueError):
            pass  # it ended after an error, which it sent first
        try:
            outcome = receive(self._outcome)  # Ctrl-C acted on while the process writes
        except (OSError, EOFError):
            outcome = ("error", None, "the process writing the files ended", None)
        finally:
            self.stop()
        if outcome[0] == "error":
            _, number, message, name = outcome
            raise OSError(number, message, name)
        return outcome[1]

    def stop(self) -> None:
        """Write no more (after a failure, the files are left as they are, for their folder to be removed)."""
        if self._process is not None:
            self._pipe.close()  # the process reads the end of its pipe, and ends, unless a write holds it
            self._process.join(timeout=1)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()
            self._outcome.close()
            self._process = None


def _enlarge(connection) -> None:
    """Make the pipe under `connection` as large as the system lets (Linux), if it can."""
    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    try:
        with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as limit:
            fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, int(limit.read()))
    except (OSError, ValueError):
        pass  # the system's size: the build waits for the process a little more


def _assemble(pipe, reply, paths: Sequence[Path]) -> None:
    """The assembling process: append each message's pieces to their files until None; then send each
    file's size and sha256, or the first error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it stops this one
    writers = []
    try:
        for path in paths:
            writers.append(_Writer(path))
        while (batch := pipe.recv()) is not None:
            for message in batch:
                for writer, pieces in zip(writers, message):
                    writer.write(pieces)
        outcome = ("done", [writer.close() for writer in writers])
    except EOFError:  # the build stopped
        return
    except OSError as error:
        outcome = ("error", error.errno, error.strerror or str(error), error.filename)
    except Exception as error:  # a piece it could not make: kg's own fault, reported as the build's error
        outcome = ("error", None, f"{type(error).__name__}: {error}", None)
    finally:
        for writer in writers:
            writer.abandon()
    try:
        reply.send(outcome)
    except OSError:
        pass


class _Writer(PieceWriter):
    """One of the whole files, whose pieces come through the pipe: file names as strings, or `Later`."""

    def write(self, pieces: Sequence[str | bytes | Later]) -> None:
        for piece in pieces:
            if isinstance(piece, Later):
                super().write(piece())
            else:
                super().write([Path(piece) if isinstance(piece, str) else piece])

    def abandon(self) -> None:
        if not self.file.closed:
            self.file.close()

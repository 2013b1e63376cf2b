"""The one error hierarchy of kg; the command line maps each class to an exit code."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "KgError",
    "InputError",
    "NotConformingError",
    "StoreError",
    "EXIT_OK",
    "EXIT_NOT_CONFORMING",
    "EXIT_INPUT",
    "EXIT_STORE",
    "EXIT_INTERRUPTED",
]

EXIT_OK = 0
EXIT_NOT_CONFORMING = 1
EXIT_INPUT = 2
EXIT_STORE = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class KgError(Exception):
    """Anything a user can cause; printed as one line `Error: ...`, never as a traceback."""

    exit_code = EXIT_INPUT


class InputError(KgError):
    """Bad input or usage: a record, an article, a query, an option.

    The message names the file, the line and the field where they are known:
    `seeds/a.yaml:14: events[2].quote: not found in the article text`.
    """

    exit_code = EXIT_INPUT

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.detail}"


class NotConformingError(KgError):
    """The data does not conform to the shapes; `report` holds the text for people."""

    exit_code = EXIT_NOT_CONFORMING

    def __init__(self, message: str, report: str = "") -> None:
        self.report = report
        super().__init__(message)


class StoreError(KgError):
    """A triple store could not be reached, refused the credentials, or rejected the data."""

    exit_code = EXIT_STORE

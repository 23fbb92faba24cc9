"""Errors that the CLI reports as one line naming the file (and line), with exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .shapes.validate import ValidationReport

__all__ = ["GraphInvalid", "InputError", "KcgraphError", "QueryError"]


class KcgraphError(Exception):
    """Base class of kcgraph's expected errors (never shown as a traceback)."""

    exit_code = 2


class InputError(KcgraphError):
    """Unusable input: names the file and, where it applies, the line.

    >>> str(InputError("empty file", path="a.txt"))
    'a.txt: empty file'
    >>> str(InputError("no competencies", path="a.txt", line=12))
    'a.txt:12: no competencies'
    """

    def __init__(self, message: str, *, path: str | Path, line: int | None = None) -> None:
        self.message = message
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class QueryError(KcgraphError):
    """A query that cannot run: syntax error (with line and column), refused, timed out."""


class GraphInvalid(KcgraphError):
    """A built graph that does not conform to the shapes; carries the validation report."""

    exit_code = 1

    def __init__(self, report: ValidationReport, message: str) -> None:
        self.report = report
        super().__init__(message)

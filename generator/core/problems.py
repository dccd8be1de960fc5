"""The one way PaperShelf says that an input is wrong: a ``Problem`` (file, line, field, message).

Pages, the site's other pages, content files, validation and the readers of listings, saved
responses and records all report through this type, so a problem prints the same way
everywhere (``path:line: field: message — hint``), a CI annotation can be made from any of
them, and code that collects problems from several sources needs no conversions.

Readers that stop at a problem in the file as a whole raise a ``ProblemError`` subclass, which
carries its problems; the text of the error stays the sentence the command prints.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Level = Literal["error", "warning", "notice"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, addressed the way an editor or a CI annotation wants it.

    ``field`` is the page field (or ``file``, ``front matter``…) the problem is about; readers
    of listings leave it empty, and their problems then print their level instead, as
    ``path:line: error: message``. ``level`` tells apart what stops a record (``error``), what
    is reported while the record is still read (``warning``) and what never fails a check
    (``notice``). ``path`` (the file) is empty while a text is parsed, and set by whoever
    knows where the text came from.
    """

    line: int
    field: str
    message: str
    hint: str = ""
    path: str = ""
    level: Level = "error"

    @property
    def skipped(self) -> bool:
        """For readers: whether the record was left out (an error) or read anyway."""
        return self.level == "error"

    def at(self, path: str) -> Problem:
        """The same problem, now naming its file."""
        return replace(self, path=path)

    def format(self, path: str | None = None) -> str:
        """``path:line: field: message — hint``; ``path`` defaults to the problem's own."""
        where = path if path is not None else self.path or "<page>"
        if not self.field:
            return f"{where}:{self.line}: {self.level}: {self.message}"
        tail = f" — {self.hint}" if self.hint else ""
        note = "note: " if self.level == "notice" else ""
        return f"{where}:{self.line}: {self.field}: {note}{self.message}{tail}"


def read_problem(line: int, message: str, *, skipped: bool = True) -> Problem:
    """A reader's problem with one record: an error when the record was skipped, otherwise a
    warning (the record was read, but a person should look at it)."""
    return Problem(line, "", message, level="error" if skipped else "warning")


class ProblemError(ValueError):
    """An input that cannot be used at all, with the problems that say why.

    ``str(error)`` is ``message`` when one is given (readers keep the sentence they always
    printed), else every problem formatted against ``path``."""

    def __init__(self, problems: list[Problem], path: str = "<page>", message: str | None = None) -> None:
        self.problems = problems
        self.path = path
        super().__init__(message if message is not None else "\n".join(p.format(path) for p in problems))

    @property
    def problem(self) -> Problem:
        """The first (for whole-file errors, the only) problem."""
        return self.problems[0]


class FileError(ProblemError):
    """A whole file a reader cannot read (not UTF-8, not JSON, not the expected format…): one
    problem, on ``line`` of the file (1 when it is about the file as a whole)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__([Problem(line, "file", message)], message=message)

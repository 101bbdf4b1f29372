"""Problems found in content files, each naming the file, the line and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentProblem:
    """One problem in one content file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    """Content that must not be loaded; carries every problem found."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__(f"{len(problems)} problem(s) in content files")
        self.problems = sorted(problems)


class ProblemLog:
    """Collects problems for one file so validators can keep going after the first."""

    def __init__(self, path: str, problems: list[ContentProblem]):
        self.path = path
        self._problems = problems

    @property
    def problems(self) -> list[ContentProblem]:
        """Every problem logged so far (all files), to tell whether a step added any."""
        return self._problems

    def add(self, line: int, message: str) -> None:
        """Record a problem at a 1-based line of this file."""
        self._problems.append(ContentProblem(self.path, line, message))

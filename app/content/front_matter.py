"""Markdown files with a YAML front matter block between two `---` lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.content.problems import ProblemLog
from app.content.yaml_lines import YamlSyntaxError, load_with_lines


@dataclass(frozen=True)
class FrontMatterFile:
    """The parsed front matter, its key lines, and the Markdown body with its first line number."""

    meta: dict[str, Any]
    lines: dict
    body: str
    body_first_line: int


def split_front_matter(text: str, log: ProblemLog) -> FrontMatterFile | None:
    """Split and parse a front-matter file, logging a problem (and returning None) if malformed."""
    source_lines = text.splitlines()
    if not source_lines or source_lines[0].strip() != "---":
        log.add(1, "the file must start with a front matter block: a line `---`, YAML keys, then `---`")
        return None
    try:
        end = next(i for i in range(1, len(source_lines)) if source_lines[i].strip() == "---")
    except StopIteration:
        log.add(1, "the front matter block is not closed: add a line `---` after its last key")
        return None
    try:
        meta, lines = load_with_lines("\n".join(source_lines[1:end]), first_line=2)
    except YamlSyntaxError as exc:
        log.add(exc.line, f"{exc.message} (fix the front matter's YAML syntax)")
        return None
    if not isinstance(meta, dict):
        log.add(2, "the front matter must be YAML keys such as `id: my-lesson` and `title: ...`")
        return None
    body = "\n".join(source_lines[end + 1:])
    return FrontMatterFile(meta=meta, lines=lines, body=body, body_first_line=end + 2)

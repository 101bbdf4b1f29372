"""YAML loading that remembers the line of every key, so errors can name file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from app.content.problems import ProblemLog

Path_ = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    """A YAML document that does not parse; `line` is 1-based in the containing file."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


def load_with_lines(text: str, first_line: int = 1) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document safely; return the data and a map from key path to 1-based line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        problem = exc.problem or str(exc)
        if exc.context and exc.context_mark and exc.problem_mark:
            # The parser notices late; say where the unfinished construct began too.
            problem = f"{exc.context} (line {exc.context_mark.line + first_line}): {problem}"
        raise YamlSyntaxError(f"invalid YAML: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"invalid YAML: {exc}", first_line) from exc
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines, first_line)
    return data, lines


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], offset: int) -> None:
    lines[path] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + offset
            _walk(value_node, (*path, key), lines, offset)
            # The key's own line is the better place to point at than its value's.
            lines[(*path, key)] = key_node.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, offset)


def line_for(lines: dict[Path_, int], path: Path_) -> int:
    """The line of the longest known prefix of `path` (so a missing key points at its parent)."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def check_keys(data: dict, lines: dict[Path_, int], path: Path_, allowed, required, log: ProblemLog,
               top: str = "the top level") -> bool:
    """Report a mapping's unknown and missing keys at their lines, the one way every content file is checked."""
    ok = True
    for key in data:
        if key not in allowed:
            log.add(line_for(lines, (*path, key)),
                    f"unknown key {key!r}: the keys allowed here are {', '.join(sorted(allowed))}")
            ok = False
    for key in required:
        if key not in data:
            where = ".".join(str(part) for part in path) or top
            log.add(line_for(lines, path), f"missing key `{key}` in {where}: add `{key}: ...`")
            ok = False
    return ok


def read_mapping_file(path: Path, log: ProblemLog, shape: str) -> tuple[dict, dict] | None:
    """Load a YAML file that must be a mapping; log a problem (naming `shape`) and return None if not."""
    try:
        data, lines = load_with_lines(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        log.add(exc.line, f"{exc.message} (fix the YAML syntax)")
        return None
    except UnicodeDecodeError:
        log.add(1, "the file is not UTF-8 text: save it as UTF-8")
        return None
    if not isinstance(data, dict):
        log.add(1, f"{path.name} must be a mapping with {shape}")
        return None
    return data, lines

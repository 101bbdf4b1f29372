"""Writing a quiz document back in the quizzes/ file format: canonical, byte-stable YAML that reads back the same.

`parse_quiz(dump_quiz(document))` gives the same document and the same content hash, and the same
document always gives the same bytes, so an exported quiz can be committed and diffed like any file.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from app.content.quiz_files import QUESTION_KEYS, QUIZ_KEYS, SETTING_KEYS, normalize_document

REVIEW_KEYS = ("after_submit", "after_close")
# Line breaks other than \n do not survive a literal block or single quotes (the reader turns them into \n,
# or folds them into spaces), so text holding them is written double-quoted, where they are escapes.
_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")
# Cloze blanks are numbered; the parser reads `1:` and `"1":` alike, and the file format writes `1:`.
_NUMBER_KEY = re.compile(r"[1-9][0-9]{0,8}")
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_RESOLVER = yaml.resolver.Resolver()


class _QuizDumper(yaml.SafeDumper):
    """PyYAML's safe dumper (pure Python, so the bytes never depend on libyaml), with the quiz file's style."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent a list under its key (`questions:\\n  - id: ...`), as the hand-written files do."""
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        """Never write anchors: a text repeated in two places is written twice, as an author would."""
        return True


def _represent_str(dumper: _QuizDumper, value: str, key: bool = False) -> yaml.ScalarNode:
    if _ODD_BREAKS.search(value):
        # Only double quotes write these as escapes; any other style writes a raw break that reads back as \n.
        return dumper.represent_scalar(_STR, value, style='"')
    if "\n" in value:
        # Multi-line Markdown reads best as a literal block; the emitter still falls back to quotes when a
        # line ends in a space (a block scalar cannot keep it), so the text always comes back unchanged.
        return dumper.represent_scalar(_STR, value, style="|")
    if not key and _is_plain_timestamp(value):
        # `opens: 2026-01-05T09:00:00Z` as in hand-written files: YAML reads it as a date-time and
        # normalize_document turns that back into exactly this text (checked, so nothing else is written bare).
        # Not for keys: normalize_document turns a date-time key into other text (str() of it).
        return dumper.represent_scalar(_TIMESTAMP, value)
    return dumper.represent_scalar(_STR, value)


def _represent_dict(dumper: _QuizDumper, value: dict) -> yaml.MappingNode:
    node = yaml.MappingNode("tag:yaml.org,2002:map", [], flow_style=False)
    for key, child in value.items():
        if isinstance(key, str) and _NUMBER_KEY.fullmatch(key):
            key_node = yaml.ScalarNode(_INT, key)
        elif isinstance(key, str):
            key_node = _represent_str(dumper, key, key=True)
        else:
            key_node = dumper.represent_data(key)
        node.value.append((key_node, dumper.represent_data(child)))
    return node


_QuizDumper.add_representer(str, _represent_str)
# Mappings keep the order given (dump_quiz puts the known keys in canonical order first).
_QuizDumper.add_representer(dict, _represent_dict)


def _is_plain_timestamp(value: str) -> bool:
    """Whether `value` may be written unquoted: YAML reads it as a date-time that normalizes back to it."""
    if _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _TIMESTAMP:
        return False
    try:
        loaded = yaml.safe_load(value)
    except (yaml.YAMLError, ValueError):
        return False  # looks like a date-time but is not one (month 13, say): keep it quoted text
    return normalize_document({"value": loaded})["value"] == value


def _ordered(mapping: dict[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    """The mapping with `first` keys in that order, then any others in the order it has them."""
    out = {key: mapping[key] for key in first if key in mapping}
    out.update((key, child) for key, child in mapping.items() if key not in out)
    return out


def canonical_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its keys in the file format's canonical order (values unchanged)."""
    quiz = _ordered(normalize_document(document), QUIZ_KEYS)
    settings = quiz.get("settings")
    if isinstance(settings, dict):
        settings = _ordered(settings, SETTING_KEYS)
        if isinstance(settings.get("review"), dict):
            settings["review"] = _ordered(settings["review"], REVIEW_KEYS)
        quiz["settings"] = settings
    if isinstance(quiz.get("questions"), list):
        # A question's own keys (choices, answers, ...) follow its common ones in the order the author gave.
        quiz["questions"] = [_ordered(question, QUESTION_KEYS) if isinstance(question, dict) else question
                             for question in quiz["questions"]]
    return quiz


def dump_quiz(document: dict[str, Any]) -> str:
    """The quiz document as the text of a quizzes/ file: canonical key order, block style, ending in a newline."""
    return yaml.dump(
        canonical_document(document), Dumper=_QuizDumper, default_flow_style=False, sort_keys=False,
        allow_unicode=True, width=float("inf"), indent=2, explicit_start=False,
    )

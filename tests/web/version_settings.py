"""Editing a stored quiz version's settings in place, for tests that need a quiz closed, reopened or regraded now."""

from __future__ import annotations

from uuid import uuid4

from app.models import QuizVersion


def rewrite_settings(version: QuizVersion, **changes) -> None:
    """Change a version's stored settings as if it had been published so (a new content hash).

    Parley never edits a version: it publishes a new one. Processes remember a version's parsed settings
    by its id and content hash, so an in-place edit must change the hash as a publish would.
    """
    version.settings = {**version.settings, **changes}
    version.content_hash = uuid4().hex

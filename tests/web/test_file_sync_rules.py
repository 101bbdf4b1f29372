"""Files and the browser, one truth: `content export` writes a quiz's current version as its file, and
`content sync` never silently overwrites what was changed in the browser."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from sqlalchemy import func, select

from app.content.quiz_export import dump_quiz
from app.content.quiz_files import parse_quiz, parse_quiz_document
from app.extensions import db
from app.models import AuditEvent, Lesson, Quiz, QuizVersion
from app.services import authoring
from app.services.quiz_versions import publish

ALL_UNCHANGED = "0 added, 0 changed, 7 unchanged, 0 retired."


def quizzes_dir(app) -> Path:
    return Path(app.config["QUIZZES_DIR"])


def quiz_row(key: str) -> Quiz:
    """A quiz as the database has it now."""
    db.session.expire_all()
    return db.session.scalars(select(Quiz).where(Quiz.key == key)).one()


def current(key: str) -> QuizVersion:
    """A quiz's current version."""
    return db.session.get(QuizVersion, quiz_row(key).current_version_id)


def snapshot() -> dict:
    """Everything a sync writes, as comparable values."""
    db.session.expire_all()
    return {
        "versions": db.session.execute(select(Quiz.key, QuizVersion.number, QuizVersion.content_hash,
                                              QuizVersion.origin).join(Quiz, Quiz.id == QuizVersion.quiz_id)
                                       .order_by(Quiz.key, QuizVersion.number)).all(),
        "quizzes": db.session.execute(select(Quiz.key, Quiz.title, Quiz.origin, Quiz.current_version_id, Quiz.draft,
                                             Quiz.retired_at, Quiz.lesson_id).order_by(Quiz.key)).all(),
        "lessons": db.session.execute(select(Lesson.key, Lesson.title, Lesson.content_hash, Lesson.updated_at,
                                             Lesson.quiz_key).order_by(Lesson.key)).all(),
        "audit": db.session.scalar(select(func.count()).select_from(AuditEvent)),
    }


def browser_document(key: str, change) -> dict:
    """The quiz's current document with `change` applied, as the editor would make it."""
    document = copy.deepcopy(current(key).document)
    change(document)
    return document


def publish_from_browser(course, key: str, user, change) -> QuizVersion:
    """Publish a changed copy of the quiz as an instructor in the browser would, and commit."""
    document = browser_document(key, change)
    parsed = parse_quiz_document(document, authoring.lesson_outlines(db.session, course.id))
    assert parsed.quiz is not None, parsed.problems
    version = publish(db.session, quiz_row(key), parsed.quiz, origin="browser", actor_id=user.id)
    assert version is not None
    db.session.commit()
    return version


def retitle(title: str):
    """A change: a new quiz title and a reworded first question."""
    def change(document: dict) -> None:
        document["title"] = title
        document["questions"][0]["prompt"] += " (reworded in the browser)"
    return change


def edit_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sync(runner, *options: str):
    return runner.invoke(args=["content", "sync", *options])


# --------------------------------------------------------------------------- export


def test_export_prints_the_current_version_byte_for_byte(app, runner, course, tmp_path):
    version = current("alpha-check")
    expected = dump_quiz(version.document).encode("utf-8")
    printed = runner.invoke(args=["content", "export", "alpha-check"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout_bytes == expected
    out = tmp_path / "exported" / "alpha.yaml"
    out.parent.mkdir()
    written = runner.invoke(args=["content", "export", "alpha-check", "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_bytes() == expected
    assert parse_quiz(out.read_text(encoding="utf-8"), None).quiz.content_hash == version.content_hash


def test_export_all_then_sync_reports_every_quiz_unchanged(app, runner, course):
    before = snapshot()
    result = runner.invoke(args=["content", "export", "--all"])
    assert result.exit_code == 0, result.output
    assert "3 quiz file(s) written" in result.output
    written = sorted(path.name for path in quizzes_dir(app).iterdir())
    assert written == ["alpha-check.yaml", "beta-check.yaml", "final.yaml"]  # no temporary file left behind
    # The files are now in the canonical format (the fixtures use flow style): still the same quizzes.
    assert "  - {id: f1" not in (quizzes_dir(app) / "final.yaml").read_text(encoding="utf-8")
    synced = sync(runner)
    assert synced.exit_code == 0, synced.output
    assert ALL_UNCHANGED in synced.output
    assert snapshot() == before
    again = runner.invoke(args=["content", "export", "--all"])
    assert again.exit_code == 0 and again.output == result.output


def test_a_pending_draft_is_not_exported(runner, course, make_user):
    editor = make_user("instructor", name="Dee Drafter")
    quiz = quiz_row("alpha-check")
    authoring.save_draft(db.session, quiz, browser_document("alpha-check", retitle("Draft title")),
                         actor_id=editor.id, read_at_count=quiz.edit_count)
    db.session.commit()
    result = runner.invoke(args=["content", "export", "alpha-check"])
    assert result.exit_code == 0, result.output
    assert "Draft title" not in result.stdout and "title: 'Check: Alpha'\n" in result.stdout
    assert "NOT" in runner.invoke(args=["content", "export", "--help"]).output  # the help says so


def test_export_refuses_what_it_cannot_write(runner, course, make_user):
    unknown = runner.invoke(args=["content", "export", "no-such-quiz"])
    assert unknown.exit_code == 1
    assert "no quiz 'no-such-quiz' in course 'test-course'; the quizzes are: alpha-check, beta-check, final" \
        in unknown.output
    assert runner.invoke(args=["content", "export"]).exit_code == 2
    assert runner.invoke(args=["content", "export", "final", "--all"]).exit_code == 2
    assert runner.invoke(args=["content", "export", "final", "--dir", "x"]).exit_code == 2

    editor = make_user("instructor")
    authoring.create_quiz(db.session, course, authoring.new_document("gamma-check", "Gamma", "lesson", "gamma"),
                          editor.id)
    db.session.commit()
    draft_only = runner.invoke(args=["content", "export", "gamma-check"])
    assert draft_only.exit_code == 1
    assert "quiz 'gamma-check' has never been published" in draft_only.output

    # Versions made before documents were kept have none; every sync stores one, so only an old database can.
    current("beta-check").document = None
    db.session.commit()
    for args in (["beta-check"], ["--all"]):
        missing = runner.invoke(args=["content", "export", *args])
        assert missing.exit_code == 1
        assert "quiz 'beta-check': its current version (1) has no stored document" in missing.output
        assert "wrote:" not in missing.output  # --all writes nothing when one quiz cannot be exported


def test_export_all_skips_retired_and_unpublished_quizzes_and_keeps_file_names(app, runner, course, make_user):
    folder = quizzes_dir(app)
    (folder / "beta-check.yaml").rename(folder / "beta.yml")  # any name is allowed; the id is the identity
    (folder / "final.yaml").unlink()
    assert "retired: quiz final" in sync(runner).output
    editor = make_user("instructor")
    authoring.create_quiz(db.session, course, authoring.new_document("gamma-check", "Gamma", "lesson", "gamma"),
                          editor.id)
    db.session.commit()
    result = runner.invoke(args=["content", "export", "--all"])
    assert result.exit_code == 0, result.output
    assert "skipped: quiz final (retired)" in result.output
    assert "skipped: quiz gamma-check (never published)" in result.output
    assert sorted(path.name for path in folder.iterdir()) == ["alpha-check.yaml", "beta.yml"]
    assert sync(runner).exit_code == 0


# --------------------------------------------------------------------------- sync against browser work


def test_sync_refuses_an_old_file_over_a_browser_version_and_loads_nothing(app, runner, course, make_user):
    editor = make_user("instructor", name="Ada Editor")
    publish_from_browser(course, "alpha-check", editor, retitle("Alpha, edited in the browser"))
    # Unrelated good changes in the same sync must not land either: a sync is all or nothing.
    edit_file(Path(app.config["COURSE_DIR"]) / "01-alpha.md", "title: Alpha lesson", "title: Alpha, renamed")
    edit_file(quizzes_dir(app) / "beta-check.yaml", "Beta follows alpha.", "Beta comes after alpha.")
    before = snapshot()
    result = sync(runner)
    assert result.exit_code == 1
    assert re.search(r"quizzes/alpha-check\.yaml:1: quiz 'alpha-check' was changed in the browser by Ada Editor "
                     r"at \d{4}-\d\d-\d\d \d\d:\d\d UTC; export it \(`flask content export alpha-check`\) or sync "
                     r"with --prefer-files", result.output), result.output
    assert "nothing was loaded" in result.output
    assert snapshot() == before
    assert quiz_row("alpha-check").title == "Alpha, edited in the browser"


def test_sync_refuses_a_changed_file_over_a_pending_draft(app, runner, course, make_user):
    editor = make_user("instructor", name="Dee Drafter")
    quiz = quiz_row("alpha-check")
    authoring.save_draft(db.session, quiz, browser_document("alpha-check", retitle("Draft")),
                         actor_id=editor.id, read_at_count=quiz.edit_count)
    db.session.commit()
    assert ALL_UNCHANGED in sync(runner).output  # the file still says what the quiz says: no conflict
    edit_file(quizzes_dir(app) / "alpha-check.yaml", "Which letter is alpha?", "Which one is alpha?")
    before = snapshot()
    result = sync(runner)
    assert result.exit_code == 1
    assert "quiz 'alpha-check' has unpublished changes in the browser by Dee Drafter at" in result.output
    assert snapshot() == before


def test_prefer_files_loads_the_file_and_drops_the_draft(app, runner, course, make_user):
    editor = make_user("instructor", name="Ada Editor")
    publish_from_browser(course, "alpha-check", editor, retitle("From the browser"))
    quiz = quiz_row("alpha-check")
    authoring.save_draft(db.session, quiz, browser_document("alpha-check", retitle("Pending")),
                         actor_id=editor.id, read_at_count=quiz.edit_count)
    db.session.commit()
    file_hash = current("beta-check").content_hash  # unrelated, and must stay
    result = sync(runner, "--prefer-files")
    assert result.exit_code == 0, result.output
    assert "changed: quiz alpha-check" in result.output
    quiz = quiz_row("alpha-check")
    assert quiz.draft is None and quiz.origin == "file" and quiz.title == "Check: Alpha"
    version = current("alpha-check")
    assert (version.number, version.origin) == (3, "file")
    assert version.content_hash == parse_quiz((quizzes_dir(app) / "alpha-check.yaml").read_text(encoding="utf-8"),
                                              authoring.lesson_outlines(db.session, course.id)).quiz.content_hash
    assert current("beta-check").content_hash == file_hash
    assert ALL_UNCHANGED in sync(runner).output


def test_exporting_a_browser_version_makes_its_file_the_truth_again(app, runner, course, make_user):
    editor = make_user("instructor", name="Ada Editor")
    version = publish_from_browser(course, "alpha-check", editor, retitle("Alpha, edited in the browser"))
    path = quizzes_dir(app) / "alpha-check.yaml"
    exported = runner.invoke(args=["content", "export", "alpha-check", "--out", str(path)])
    assert exported.exit_code == 0, exported.output
    before = snapshot()["versions"]
    result = sync(runner)
    assert result.exit_code == 0, result.output
    assert ALL_UNCHANGED in result.output
    assert snapshot()["versions"] == before
    quiz = quiz_row("alpha-check")
    assert quiz.origin == "file" and quiz.current_version_id == version.id
    # The file is the truth again: editing it loads, with no conflict.
    edit_file(path, "Alpha, edited in the browser", "Alpha, edited in the file")
    assert "changed: quiz alpha-check" in sync(runner).output
    assert quiz_row("alpha-check").title == "Alpha, edited in the file"


def test_a_browser_made_quiz_survives_sync_and_export_all_writes_its_file(app, runner, course, make_user):
    editor = make_user("instructor", name="Ada Editor")
    document = authoring.new_document("gamma-check", "Check: Gamma", "lesson", "gamma")
    quiz = authoring.create_quiz(db.session, course, document, editor.id)
    document = copy.deepcopy(document)
    document["questions"] = [{"id": "g1", "type": "true_false", "prompt": "Gamma: third?",
                              "source": "gamma#the-gamma-idea", "answer": True}]
    authoring.save_draft(db.session, quiz, document, actor_id=editor.id, read_at_count=quiz.edit_count)
    authoring.publish_draft(db.session, quiz, actor_id=editor.id, read_at_count=quiz.edit_count)
    db.session.commit()
    result = sync(runner)
    assert result.exit_code == 0, result.output
    assert "0 retired" in result.output
    quiz = quiz_row("gamma-check")
    assert quiz.retired_at is None and quiz.origin == "browser"

    exported = runner.invoke(args=["content", "export", "--all"])
    assert exported.exit_code == 0, exported.output
    path = quizzes_dir(app) / "gamma-check.yaml"
    assert f"wrote: {path} (quiz gamma-check, version 1)" in exported.output
    before = snapshot()["versions"]
    result = sync(runner)
    assert result.exit_code == 0, result.output
    assert "0 added, 0 changed, 8 unchanged, 0 retired." in result.output
    assert snapshot()["versions"] == before
    assert quiz_row("gamma-check").origin == "file"


def test_a_quiz_whose_file_returns_is_restored_but_a_browser_retirement_holds(app, course, runner, make_user):
    path = quizzes_dir(app) / "final.yaml"
    text = path.read_text()
    path.unlink()
    assert "retired: quiz final" in runner.invoke(args=["content", "sync"]).output
    assert quiz_row("final").retired_at is not None
    path.write_text(text)
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0 and "changed: quiz final" in result.output, result.output
    assert quiz_row("final").retired_at is None

    author = make_user("instructor", email="retirer@example.org")
    authoring.retire_quiz(db.session, quiz_row("final"), actor_id=author.id)
    db.session.commit()
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0 and "unchanged" in result.output
    assert quiz_row("final").retired_at is not None  # the author's decision, not overwritten by the file

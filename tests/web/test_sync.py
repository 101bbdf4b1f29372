"""`flask content check` and `flask content sync`: idempotent, atomic, stable ids."""

from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Course, Lesson, LessonProgress
from app.services.progress import mark_complete


def course_dir(app) -> Path:
    return Path(app.config["COURSE_DIR"])


def snapshot():
    """Everything sync writes, as comparable values."""
    lessons = db.session.execute(
        select(Lesson.key, Lesson.title, Lesson.position, Lesson.body_html, Lesson.updated_at, Lesson.retired_at)
        .order_by(Lesson.key)
    ).all()
    courses = db.session.execute(select(Course.key, Course.title, Course.about_html, Course.updated_at)).all()
    return [tuple(row) for row in courses], [tuple(row) for row in lessons]


def test_check_reports_ok_and_writes_nothing(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "3 lessons" in result.output
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0


def test_check_fails_with_file_line_messages(app, runner):
    path = course_dir(app) / "02-beta.md"
    path.write_text(path.read_text().replace("minutes: 10", "minutes: -3"))
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "course/02-beta.md:5: `minutes` must be a whole number from 1 to 600" in result.output
    assert "nothing was loaded" in result.output


def test_check_fails_on_an_answer_given_away_but_sync_still_loads(app, runner):
    quizzes = Path(app.config["QUIZZES_DIR"])
    path = quizzes / "alpha-check.yaml"
    path.write_text(path.read_text().replace("prompt: Which letter is alpha?",
                                             "prompt: Which letter is alpha (the secret word is zetasecretword)?"))
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert ("quizzes/alpha-check.yaml:39: question 'type-it' is given away: the answer 'zetasecretword' appears in "
            "the text of question 'pick-one' (line 17), which a student sees before submitting; reword one of them "
            "[warning]") in result.output
    assert "1 warning(s) about how the quizzes are written" in result.output
    # A warning is about how a quiz is written, not a format error: the files still load.
    assert runner.invoke(args=["content", "sync"]).exit_code == 0


def test_sync_loads_then_is_idempotent(runner):
    first = runner.invoke(args=["content", "sync"])
    assert first.exit_code == 0, first.output
    assert "added: lesson alpha" in first.output
    assert "7 added, 0 changed, 0 unchanged, 0 retired." in first.output
    before = snapshot()
    second = runner.invoke(args=["content", "sync"])
    assert second.exit_code == 0, second.output
    assert "0 added, 0 changed, 7 unchanged, 0 retired." in second.output
    db.session.expire_all()
    assert snapshot() == before


def test_sync_is_atomic_when_any_file_is_bad(app, runner):
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    before = snapshot()
    folder = course_dir(app)
    # A good edit in one file and a broken one in another: neither may land.
    alpha = folder / "01-alpha.md"
    alpha.write_text(alpha.read_text().replace("title: Alpha lesson", "title: Alpha, renamed"))
    (folder / "04-delta.md").write_text((folder / "03-gamma.md").read_text().replace("id: gamma", "id: delta"))
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 1
    assert "course/04-delta.md:" in result.output
    db.session.expire_all()
    assert snapshot() == before


def test_edits_keep_ids_and_progress(app, runner, make_user):
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    learner = make_user()
    alpha = db.session.scalars(select(Lesson).where(Lesson.key == "alpha")).one()
    alpha_id = alpha.id
    mark_complete(db.session, learner.id, alpha_id)
    db.session.commit()

    folder = course_dir(app)
    path = folder / "01-alpha.md"
    # Rename the file, retitle and reorder it: the id in the front matter is what counts.
    text = path.read_text().replace("title: Alpha lesson", "title: Alpha, revised").replace("order: 1", "order: 9")
    path.unlink()
    (folder / "09-alpha-revised.md").write_text(text)
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    assert "changed: lesson alpha" in result.output
    assert "1 changed" in result.output
    db.session.expire_all()
    revised = db.session.get(Lesson, alpha_id)
    assert revised.title == "Alpha, revised" and revised.position == 9
    progress = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == learner.id)).one()
    assert progress.lesson_id == alpha_id and progress.completed_at is not None


def test_removed_lesson_is_retired_not_deleted(app, runner, make_user):
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    learner = make_user()
    gamma = db.session.scalars(select(Lesson).where(Lesson.key == "gamma")).one()
    mark_complete(db.session, learner.id, gamma.id)
    db.session.commit()
    folder = course_dir(app)
    gamma_text = (folder / "03-gamma.md").read_text()
    (folder / "03-gamma.md").unlink()
    final = Path(app.config["QUIZZES_DIR"]) / "final.yaml"
    final_text = final.read_text()
    final.unlink()  # it draws on gamma, so it goes too
    course_yaml = folder / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("    - Third Section\n", ""))
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    assert "retired: lesson gamma" in result.output
    assert "retired: quiz final" in result.output
    db.session.expire_all()
    assert db.session.get(Lesson, gamma.id).retired_at is not None
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
    # Bringing the file back revives the same lesson row.
    (folder / "03-gamma.md").write_text(gamma_text)
    final.write_text(final_text)
    course_yaml.write_text(course_yaml.read_text().replace("    - Second Section\n",
                                                           "    - Second Section\n    - Third Section\n"))
    result = runner.invoke(args=["content", "sync"])
    assert "changed: lesson gamma" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Lesson, gamma.id).retired_at is None


def test_sync_sanitizes_lesson_html(app, runner):
    path = course_dir(app) / "01-alpha.md"
    path.write_text(path.read_text().replace(
        "Some content about alpha", '<script>alert(1)</script><a href="javascript:x()">x</a> Some content about alpha'))
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    html = db.session.scalars(select(Lesson.body_html).where(Lesson.key == "alpha")).one()
    assert "Some content about alpha" in html
    assert "<script" not in html and "javascript:" not in html

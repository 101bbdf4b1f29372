"""Objectives and writing checks in the browser: the editor names the objective a question assesses, and the
quiz page shows what `flask content check` would warn about."""

from __future__ import annotations

from html import unescape

from app.extensions import db
from app.services.authoring import save_draft, working_document
from tests.web.test_authoring_questions import edit_url, error_at, instructor, open_form, overview, quiz_of, send

__all__ = ["instructor"]  # the fixture, used by name


def test_the_objective_is_picked_from_the_lessons_objectives_and_saved(client, instructor):
    quiz = quiz_of("alpha-check")
    fields = open_form(client, edit_url(quiz, "pick-many"))
    assert fields["objective"] == "alpha#2"
    page = client.get(edit_url(quiz, "pick-many")).get_data(as_text=True)
    assert '<option selected value="alpha#2">2. Compare it with the others</option>' in page
    assert 'value="beta#1"' in page  # every lesson's objectives, in optgroups
    fields["objective"] = "alpha#1"
    assert send(client, edit_url(quiz, "pick-many"), fields).status_code == 302
    assert quiz_of("alpha-check").draft["questions"][1]["objective"] == 1
    fields = open_form(client, edit_url(quiz_of("alpha-check"), "pick-many"))
    fields["objective"] = ""
    assert send(client, edit_url(quiz_of("alpha-check"), "pick-many"), fields).status_code == 302
    assert "objective" not in quiz_of("alpha-check").draft["questions"][1]


def test_an_objective_of_another_lesson_than_the_source_is_refused_on_its_field(client, instructor):
    quiz = quiz_of("alpha-check")
    fields = open_form(client, edit_url(quiz, "pick-one"))
    response = send(client, edit_url(quiz, "pick-one"), {**fields, "objective": "beta#1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "`objective` must be the number of an objective of lesson 'alpha' (1 to 2)" in error_at(page, "objective")
    assert 'value="beta#1"' in page and quiz_of("alpha-check").draft is None


def test_the_quiz_page_lists_writing_warnings_until_they_are_fixed(client, instructor):
    quiz = quiz_of("alpha-check")
    page = unescape(client.get(overview(quiz)).get_data(as_text=True))
    assert "Writing checks" in page and "✔ None" in page
    document = working_document(db.session, quiz)
    document["questions"][0]["prompt"] = "Which letter is alpha (the secret word is zetasecretword)?"
    del document["questions"][1]["objective"]
    save_draft(db.session, quiz, document, actor_id=instructor.id, read_at_count=quiz.edit_count)
    db.session.commit()
    page = unescape(client.get(overview(quiz_of("alpha-check"))).get_data(as_text=True))
    assert "3 things to fix before this quiz passes" in page
    assert ("question 'type-it' is given away: the answer 'zetasecretword' appears in the text of question "
            "'pick-one', which a student sees before submitting") in page
    assert "question 'pick-many' names no objective" in page
    assert "objective 2 of lesson 'alpha' ('Compare it with the others') is assessed by no question" in page

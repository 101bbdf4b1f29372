"""The attempt review teaches: the student's own answer as text with each part marked right, partly right or
wrong in words and a symbol; the key beside it only when the review options allow; re-read links that name
their section. Never the key when the options do not allow it."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from app.authoring.preview import run_of
from app.engine import build_question
from app.engine.presentation import PARTLY, RIGHT, WRONG, answer_marks
from app.extensions import db
from app.models import Attempt, QuizVersion
from app.services import attempts as attempt_service
from tests.conftest import PASSWORD, csrf_token
from tests.web.test_authoring_preview import begin, instructor, post, quiz_row, url  # noqa: F401 (a fixture)
from tests.web.test_authoring_preview import save as save_preview
from tests.web.test_quiz import COURSE, answers_for, html, save, start, submit
from tests.web.version_settings import rewrite_settings

EVERYTHING = ["score", "correctness", "feedback", "correct_answers"]
NO_KEY = ["score", "correctness", "feedback"]

# --------------------------------------------------------------------------- helpers


def review_options(attempt: Attempt, items: list[str]) -> None:
    """Make the attempt's quiz show `items` after submitting (the options of its current version)."""
    version = db.session.get(QuizVersion, attempt.quiz_version_id)
    rewrite_settings(version, review_after_submit=items)
    db.session.commit()


def ids_by_text(attempt: Attempt, qid: str) -> dict[str, str]:
    """The ids the attempt shows for a question's choices, items or options, by their text."""
    question = attempt_service.engine_questions(attempt.version)[qid]
    public = question.public(attempt.orders.get(qid))
    shown = [*public.get("choices", []), *public.get("items", []), *public.get("left", []), *public.get("right", [])]
    return {entry["text"]: entry["id"] for entry in shown}


def answer(client, attempt: Attempt, fields: dict[str, list[str]]) -> str:
    """Save these answer fields (question id:field -> values), submit, and return the review's main part."""
    save(client, attempt, {"questions": list(attempt.question_ids), **fields})
    submit(client, attempt)
    return review_of(client, attempt)


def review_of(client, attempt: Attempt) -> str:
    """The review page's main content (the layout around it says nothing about answers)."""
    return html(client, f"/attempts/{attempt.id}/review").split('<main id="main"', 1)[1]


def section(review: str, qid: str) -> str:
    """One question's card in a review."""
    return review.split(f'id="question-{qid}"', 1)[1].split("</section>", 1)[0]


def item(card: str, text: str) -> str:
    """The list item or table row of a review card that shows `text`."""
    for piece in re.findall(r"<li class=\"choice.*?</li>|<tr>.*?</tr>", card, flags=re.S):
        if text in piece:
            return piece
    raise AssertionError(f"{text!r} not shown in {card}")


def words(fragment: str) -> str:
    """The text of an HTML fragment, as a screen reader would meet it (hidden symbols included)."""
    blocks = re.sub(r"</?(?:p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|fieldset|legend)\b[^>]*>", " ", fragment)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", blocks)).split())


def beta_answers(ids: dict[str, str]) -> dict[str, list[str]]:
    """A partly right answer to every beta-check question: one pair, one link of the order, one blank right."""
    return {"tf:answer": ["false"],
            f"match:{ids['A']}": [ids["alpha-word"]], f"match:{ids['B']}": [ids["omega-word"]],
            "order:answer": [ids["second-item"], ids["third-item"], ids["first-item"]],
            "blanks:1": ["blankanswerone"], "blanks:2": ["nope"]}


def alpha_answers(ids: dict[str, str]) -> dict[str, list[str]]:
    """A wrong single choice, one right and one wrong tick, a wrong word and a right number."""
    return {"pick-one:answer": [ids["Beta letter"]], "pick-many:answer": [ids["Omega"], ids["Aleph"]],
            "type-it:answer": ["nope"], "count-it:answer": ["4242"]}


def take_alpha(client, items: list[str] | None = None) -> str:
    attempt = start(client, "alpha-check")
    if items is not None:
        review_options(attempt, items)
    ids = ids_by_text(attempt, "pick-one") | ids_by_text(attempt, "pick-many")
    return answer(client, attempt, alpha_answers(ids))


def take_beta(client, items: list[str] | None = None) -> str:
    attempt = start(client, "beta-check")
    if items is not None:
        review_options(attempt, items)
    return answer(client, attempt, beta_answers(ids_by_text(attempt, "match") | ids_by_text(attempt, "order")))


# --------------------------------------------------------------------------- the student's own answer


def test_the_review_shows_answers_as_text_not_disabled_controls(client, course, student):
    for review in (take_alpha(client), take_beta(client)):
        questions = review.split("<fieldset", 1)[1]
        assert "<input" not in questions and "<select" not in questions and " disabled" not in questions


def test_chosen_options_are_named_and_marked_in_words_and_symbols(client, course, student):
    review = take_alpha(client, NO_KEY)
    single = section(review, "pick-one")
    assert words(item(single, "Beta letter")) == "Beta letter Your answer ✘ Wrong"
    assert words(item(single, "Alpha letter")) == "Alpha letter"
    many = section(review, "pick-many")
    assert words(item(many, "Omega")) == "Omega Your answer ✔ Right"
    assert words(item(many, "Aleph")) == "Aleph Your answer ✘ Wrong"
    assert words(item(many, "Delta")) == "Delta"
    # The symbol is decoration for sighted readers; the words carry the meaning.
    assert '<span aria-hidden="true">✘</span> Wrong' in single
    assert "Your answer</dt>" in section(review, "type-it") and ">nope</span>" in section(review, "type-it")
    assert "✔</span> Right" in section(review, "count-it")


def test_matching_pairs_ordering_positions_and_blanks_are_each_marked(client, course, student):
    review = take_beta(client, NO_KEY)
    assert words(item(section(review, "tf"), "False")) == "False Your answer ✘ Wrong"
    match = section(review, "match")
    assert words(item(match, "<th scope=\"row\">A</th>")) == "A alpha-word ✔ Right"
    assert words(item(match, "<th scope=\"row\">B</th>")) == "B omega-word ✘ Wrong"
    assert "◐</span> Partly correct" in review.split('id="question-match"', 1)[1]
    order = section(review, "order")
    assert [words(row) for row in re.findall(r"<tr>.*?</tr>", order, flags=re.S)[1:]] == [
        "1 second-item ✔ Right – the right item comes next",
        "2 third-item ✘ Wrong – a different item should come next",
        "3 first-item ✘ Wrong – it does not belong last"]
    blanks = section(review, "blanks")
    assert (
        "After alpha comes Blank 1, Your answer: blankanswerone ✔ Right, "
        "then Blank 2, Your answer: nope ✘ Wrong.") in words(blanks)


def test_unanswered_questions_say_so(client, course, student):
    attempt = start(client, "alpha-check")
    review = answer(client, attempt, {})
    assert "Your answer: none chosen" in words(section(review, "pick-one"))
    assert "Your answer None given ✘ Wrong" in words(section(review, "type-it"))


# --------------------------------------------------------------------------- the key, only when allowed


def test_correct_answers_are_shown_beside_the_answer_when_allowed(client, course, student):
    review = take_alpha(client, EVERYTHING)
    single = section(review, "pick-one")
    assert words(item(single, "Alpha letter")) == "Alpha letter Correct answer"
    assert words(item(single, "Beta letter")) == "Beta letter Your answer ✘ Wrong"
    many = section(review, "pick-many")
    assert words(item(many, "Delta")) == "Delta Correct answer"
    assert words(item(many, "Omega")) == "Omega Your answer ✔ Right Correct answer"
    assert words(item(many, "Aleph")) == "Aleph Your answer ✘ Wrong"
    assert "Correct answer zetasecretword" in words(section(review, "type-it"))
    assert "Correct answer 4242" in words(section(review, "count-it"))
    assert "<details" not in review


def test_correct_pairs_order_and_blanks_are_shown_when_allowed(client, course, student):
    review = take_beta(client, EVERYTHING)
    assert words(item(section(review, "tf"), "True")) == "True Correct answer"
    match = section(review, "match")
    assert "Correct match</th>" in match
    assert words(item(match, "<th scope=\"row\">B</th>")) == "B omega-word ✘ Wrong beta-word"
    order = section(review, "order")
    assert [words(row).split()[-1] for row in re.findall(r"<tr>.*?</tr>", order, flags=re.S)[1:]] == [
        "first-item", "second-item", "third-item"]
    assert "Blank 2, Your answer: nope ✘ Wrong (Correct answer: blankanswertwo)" in words(section(review, "blanks"))


def test_the_key_shows_without_marks_when_only_correct_answers_are_allowed(client, course, student):
    review = take_alpha(client, ["correct_answers"])
    assert words(item(section(review, "pick-one"), "Beta letter")) == "Beta letter Your answer"
    assert words(item(section(review, "pick-one"), "Alpha letter")) == "Alpha letter Correct answer"
    assert "Right" not in review and "Wrong" not in review and "Re-read" not in review


@pytest.mark.parametrize("items", [NO_KEY, ["score"], []])
def test_no_key_leaks_when_correct_answers_are_not_allowed(client, course, student, items):
    alpha, beta = take_alpha(client, items), take_beta(client, items)
    for review in (alpha, beta):
        assert "Correct answer" not in review and "answer-key" not in review and "answer-tag-key" not in review
        # Nothing the student did not give: not the secret word, the number, a blank's answer, an unchosen match.
        for secret in ("zetasecretword", "blankanswertwo", "beta-word", "Correct match", "Correct order"):
            assert secret not in review, secret
    # Without correctness, not even which parts were right.
    if "correctness" not in items:
        for review in (alpha, beta):
            assert "Right" not in review and "Wrong" not in review and "Partly" not in review
            assert "mark-" not in review


def test_the_key_is_hidden_again_when_the_options_stop_allowing_it(client, course, student):
    attempt = start(client, "alpha-check")
    review_options(attempt, EVERYTHING)
    ids = ids_by_text(attempt, "pick-one") | ids_by_text(attempt, "pick-many")
    assert "Correct answer" in answer(client, attempt, alpha_answers(ids))
    review_options(attempt, NO_KEY)
    assert "Correct answer" not in review_of(client, attempt) and "zetasecretword" not in review_of(client, attempt)


# --------------------------------------------------------------------------- staff and previews reuse the review


def test_staff_read_the_students_answer_by_name_in_every_part(client, course, make_user, auth):
    make_user("student", email="ana@example.org", name="Ana Example")
    make_user("admin", email="admin@example.org", name="Ada Admin")
    auth.login("ana@example.org", PASSWORD)
    attempt = start(client, "beta-check")
    review_options(attempt, EVERYTHING)
    answer(client, attempt, beta_answers(ids_by_text(attempt, "match") | ids_by_text(attempt, "order")))
    auth.logout()
    auth.login("admin@example.org", PASSWORD)
    review = review_of(client, attempt)
    assert "Your answer" not in review
    assert words(item(section(review, "tf"), "False")) == "False Ana Example's answer ✘ Wrong"
    assert "<th scope=\"col\">Ana Example&#39;s answer</th>" in section(review, "match")
    assert "<th scope=\"col\">Ana Example&#39;s answer</th>" in section(review, "order")
    assert "Blank 2, Ana Example's answer: nope ✘ Wrong" in words(section(review, "blanks"))


def test_the_authoring_preview_review_teaches_the_same_way(client, instructor):  # noqa: F811 (the fixture)
    quiz = quiz_row("alpha-check")
    preview = begin(client, quiz)
    save_preview(client, quiz, answers_for(run_of(preview), right=False))
    post(client, quiz, "/submit", {})
    after_submit = html(client, url(quiz, "/review")).split('<main id="main"', 1)[1]
    assert "Correct answer" not in after_submit and "zetasecretword" not in after_submit
    assert "Your answer: none chosen" in words(section(after_submit, "pick-one"))
    assert "Your answer certainly-wrong ✘ Wrong" in words(section(after_submit, "type-it"))
    assert 'href="/courses/test-course/lessons/alpha#the-alpha-idea"' in section(after_submit, "type-it")
    closed = html(client, url(quiz, "/review?after=close")).split('<main id="main"', 1)[1]
    assert words(item(section(closed, "pick-one"), "Alpha letter")) == "Alpha letter Correct answer"
    assert "Correct answer zetasecretword" in words(section(closed, "type-it"))
    for qid in ("pick-one", "pick-many", "type-it", "count-it"):
        assert "<input" not in section(closed, qid) and "<select" not in section(closed, qid)


# --------------------------------------------------------------------------- re-read links name their section


def test_reread_links_name_the_section_and_its_lesson(client, course, student):
    review = take_alpha(client, NO_KEY)
    assert ('<p class="reread">Re-read: <a href="/courses/test-course/lessons/alpha#a-detail-of-alpha">'
            'A detail of alpha</a> <span class="meta">in Alpha lesson</span></p>') in section(review, "pick-many")
    assert ">The alpha idea</a>" in section(review, "pick-one")
    assert "the lesson section this question tests" not in review
    # A right answer needs no re-reading.
    assert "Re-read" not in section(review, "count-it")


def test_the_immediate_check_names_the_section_to_reread(client, course, student):
    attempt = start(client, "beta-check")
    token = csrf_token(client, f"/attempts/{attempt.id}")
    client.post(f"/attempts/{attempt.id}/save",
                data={"csrf_token": token, "go": "check:tf", "page": 1, "tf:answer": "false"})
    page = html(client, f"/attempts/{attempt.id}")
    assert (f'Re-read: <a href="{COURSE}/lessons/beta#the-beta-idea" target="_blank" rel="noopener">The beta idea</a>'
            ' <span class="meta">in Beta lesson</span> (opens in a new tab)') in page


# --------------------------------------------------------------------------- marks per part (the engine)


def test_answer_marks_follow_the_scoring_rules():
    order = build_question({"type": "ordering", "id": "o", "prompt": "p", "items": ["a", "b", "c", "d"]})
    a, b, c, d = order.correct_response()
    assert answer_marks(order, (a, b, c, d)) == dict.fromkeys("1234", RIGHT)
    # Two of three pairs kept: the marks of positions 1 to 3 add up to the score; the last belongs last or not.
    assert answer_marks(order, (b, c, d, a)) == {"1": RIGHT, "2": RIGHT, "3": WRONG, "4": WRONG}
    assert answer_marks(order, ()) == {}
    cloze = build_question({"type": "cloze", "id": "c", "prompt": "p", "text": "[[1]] and [[2]]",
                            "blanks": {1: {"answers": ["one", {"text": "uno", "weight": 0.5}]},
                                       2: {"answers": ["two"]}}})
    assert answer_marks(cloze, cloze.normalize({"1": "uno", "2": "two"})) == {"1": PARTLY, "2": RIGHT}
    assert answer_marks(cloze, cloze.normalize({})) == {"1": WRONG, "2": WRONG}
    many = build_question({"type": "multiple", "id": "m", "prompt": "p",
                           "choices": [{"text": "A", "correct": True}, {"text": "B", "correct": True}, {"text": "C"}]})
    ids = {choice["text"]: choice["id"] for choice in many.public()["choices"]}
    assert answer_marks(many, frozenset(ids.values())) == {ids["A"]: RIGHT, ids["B"]: RIGHT, ids["C"]: WRONG}
    short = build_question({"type": "short", "id": "s", "prompt": "p", "answers": ["yes"]})
    assert answer_marks(short, "yes") == {"answer": RIGHT} and answer_marks(short, "no") == {"answer": WRONG}
    # Only what the student gave is marked: an unanswered choice question marks nothing.
    single = build_question({"type": "single", "id": "s", "prompt": "p",
                             "choices": [{"text": "A", "correct": True}, {"text": "B"}]})
    assert answer_marks(single, None) == {}

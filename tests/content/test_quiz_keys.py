"""Answer keys of the Cyber Diplomacy quizzes in ``quizzes/``.

Plain pytest over the repository's own files (no app fixtures, no database): every question must
build with the quiz engine, its own correct response must earn full marks, its ``source`` must
name a real lesson heading, and the key of every question must say what the source and the
lesson say. The table ``KEYS`` below restates each key independently of the quiz files, so an
edit that changes a figure, a name or a correct choice fails here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.content.rendering import render_markdown
from app.engine import build_question, grade_response

ROOT = Path(__file__).resolve().parents[2]
QUIZ_DIR = ROOT / "quizzes"
COURSE_DIR = ROOT / "course"

# Headings every lesson has; a question's `source` must point at a content section instead.
GENERIC_ANCHORS = {"key-terms", "summary", "discussion-questions", "primary-documents",
                   "since-the-source-was-written"}
QUESTION_TYPES = {"single", "multiple", "true_false", "short", "numerical", "matching", "ordering", "cloze"}
FINAL_ID = "final-assessment"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return a lesson's YAML front matter and its Markdown body."""
    lines = text.splitlines()
    assert lines and lines[0].strip() == "---", "a lesson starts with a front matter block"
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    return yaml.safe_load("\n".join(lines[1:end])), "\n".join(lines[end + 1:])


def load_lessons() -> dict[str, set[str]]:
    """Lesson id -> the heading anchors its rendered body has."""
    lessons = {}
    for path in sorted(COURSE_DIR.glob("[0-9][0-9]-*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        lessons[meta["id"]] = {heading.id for heading in render_markdown(body).headings}
    return lessons


def load_quizzes() -> dict[str, dict[str, Any]]:
    """Quiz id -> the parsed quiz file."""
    quizzes = {}
    for path in sorted(QUIZ_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["id"] == path.stem, f"{path.name}: the file is named after the quiz id"
        quizzes[data["id"]] = data
    return quizzes


LESSONS = load_lessons()
QUIZZES = load_quizzes()
QUESTIONS = [(quiz_id, question) for quiz_id, quiz in QUIZZES.items() for question in quiz["questions"]]
QUESTION_IDS = [f"{quiz_id}/{question['id']}" for quiz_id, question in QUESTIONS]


def build(question: dict[str, Any]):
    """Build a question with the engine, leaving out the key the content layer owns."""
    return build_question({key: value for key, value in question.items() if key != "general_feedback"})


# ---------------------------------------------------------------------------------------------
# The keys, restated. By question type, the expected value is:
#   numerical   the one number that earns full marks (tolerance 0)
#   short       the answers that must earn full marks (the first is the source's own wording)
#   single      a substring of the one correct choice
#   multiple    substrings of exactly the correct choices
#   true_false  the correct judgement
#   cloze       blank number -> an answer that must earn full marks
#   matching    left item -> right-hand text
#   ordering    the item texts in the correct order
# ---------------------------------------------------------------------------------------------
L1 = "evolution-of-diplomatic-relations-check"
L2 = "us-interests-in-cyberspace-check"
L3 = "us-strategy-and-legislation-check"
L4 = "us-cyber-defence-institutions-check"
L5 = "public-opinion-on-state-sponsored-attacks-check"
L6 = "cyber-diplomacy-around-the-world-check"
L7 = "stability-and-bilateral-dialogue-check"
L8 = "the-increasing-need-for-cyber-diplomacy-check"
F = FINAL_ID

THROUGH = "Diplomacy through cyberspace (a new channel)"
ABOUT = "Diplomacy about cyberspace (a new agenda)"
CHRONOLOGY = (
    "The U.S. government formulates its International Strategy for Cyberspace.",  # May 2011
    "The White House launches the Cyber Threat Intelligence Integration Center.",  # February 2015
    "The House of Representatives passes two cyber security bills.",  # April 2015
    "The US and China reach a landmark cyber espionage deal.",  # September 2015
    "The Department of Defense's new cyber mission is due to have 133 teams.",  # 2018
)

KEYS: dict[tuple[str, str], Any] = {
    # Lesson 1: The Evolution of Diplomatic Relations
    (L1, "closed-doors"): "In secrecy, behind closed doors",
    (L1, "three-shifts"): ("interact with their peers", "communicate with the public",
                           "from cyber espionage to internet governance"),
    (L1, "heads-of-state-on-twitter"): 70,
    (L1, "channel-or-agenda"): {
        "How diplomats deal with their counterparts": THROUGH,
        "How governments address the public": THROUGH,
        "New issues from cyber espionage to internet governance": ABOUT,
    },
    (L1, "visible-interactions"): {"1": "retweets", "2": "mentions"},
    (L1, "public-performance"): False,
    (L1, "new-arena"): ["cyberspace"],
    # Lesson 2: U.S. Interests in Cyberspace
    (L2, "office-interests"): ("Internet freedom", "Innovation", "Military uses of the internet",
                               "Internet governance"),
    (L2, "interest-groups"): {
        "Internet freedom": "Values",
        "Innovation": "Prosperity",
        "Economic growth": "Prosperity",
        "Military uses of the internet": "Security",
        "Cyber security": "Security",
        "Internet governance": "Rule-making",
    },
    (L2, "primary-mission"): "defend the U.S. against significant cyber attacks and to defend Department of Defense",
    (L2, "full-spectrum-options"): {"1": "full-spectrum", "2": "contingency"},
    (L2, "facebook-pages"): 200,
    (L2, "hanson-name"): ["Fergus Hanson"],
    (L2, "reach-not-influence"): False,
    # Lesson 3: U.S. Strategy and Legislation
    (L3, "strategy-year"): 2011,
    (L3, "strategy-aim"): {"1": "May", "2": "resilience", "3": "global"},
    (L3, "strategy-goals"): ("21st-century security challenges", "fundamental freedoms", "open markets"),
    (L3, "house-bills"): "The Protecting Cyber Networks Act and The National Cyber Security Protection Advancement Act",
    (L3, "bills-purpose"): "sharing of vital information between companies, and between companies and the government",
    (L3, "house-passage"): False,
    (L3, "strategy-and-bills-order"): (
        "The U.S. government formulates the International Strategy for Cyberspace.",  # May 2011
        "The House passes The Protecting Cyber Networks Act.",  # 22 April 2015
        "The House passes The National Cyber Security Protection Advancement Act.",  # 23 April 2015
    ),
    (L3, "domestic-international"): "shapes what it can offer, and ask for",
    # Lesson 4: U.S. Cyber Defence Institutions
    (L4, "mission-teams"): 133,
    (L4, "mission-scale"): {"1": "2018", "2": "6000"},
    (L4, "war-planning"): "internet-enabled offensive and defensive cyber strategies",
    (L4, "ctiic-launcher"): ["White House", "the White House"],
    (L4, "ctiic-date"): "February 2015",
    (L4, "ctiic-not-offensive"): False,
    (L4, "institutions-match"): {
        "The DOD's new American cyber mission": "133 teams with more than 6000 cyber operators by 2018",
        "The DOD's cyber command structure":
            "Internet-enabled offensive and defensive cyber strategies in war planning",
        "The Cyber Threat Intelligence Integration Center":
            "Coordination of cyber security data for American policy makers and cyber centres",
    },
    (L4, "plans-not-results"): True,
    # Lesson 5: Public Opinion on State-Sponsored Cyber Attacks
    (L5, "survey-percentage"): 45,
    (L5, "survey-response"): "High-level talks with the officials of the country behind the attack",
    (L5, "governments-unnamed"): False,
    (L5, "cautions-match"): {
        "Proportion": "45% is less than half of respondents, so the figure does not show majority support.",
        "Presupposition":
            "\u201cThe country behind the attack\u201d assumes that responsibility has already been established.",
        "Exclusivity": "A preference for talks does not rule out support for other measures alongside them.",
    },
    (L5, "missing-details"): ("Who conducted", "How many people", "How the question was worded",
                              "Which other responses"),
    (L5, "most-popular"): False,
    (L5, "trade-secrets"): ["trade secrets", "American trade secrets"],
    (L5, "opinion-and-agreements"): "Nothing in the source shows that public opinion shaped the agreement",
    # Lesson 6: Cyber Diplomacy around the World
    (L6, "eu-focus"): "governance and application of international law in cyberspace",
    (L6, "eu-issues"): ("free and open Internet", "Reducing cybercrime", "Building capacity",
                        "digital economy"),
    (L6, "agencies-by-country"): {
        "Cyber Administration of China": "China",
        "Central Internet Security and Leading Information Group": "China",
        "Ministry of Science, ICT and Future Planning": "South Korea",
        "National Internet and Security Agency": "South Korea",
        "Ministry of Communications & ICT": "India",
        "National Critical Information Infrastructure Protection Centre": "India",
        "Department of Electronics & Information Technology": "India",
    },
    (L6, "india-lead"): False,
    (L6, "deal-month"): ["September", "September 2015"],
    (L6, "deal-terms"): ("norms of behaviour", "cooperate in cyber investigations"),
    (L6, "south-korea-bodies"): {"1": "ICT", "2": "Foreign Affairs"},
    (L6, "no-foreign-ministry"): "India",
    # Lesson 7: International Cyber Stability and Bilateral Dialogue
    (L7, "every-nation"): "Each nation has a role to play",
    (L7, "us-encourages"): {"1": "transnational", "2": "stability"},
    (L7, "espionage-kind"): ["cyber-enabled economic espionage", "economic espionage"],
    (L7, "eu-partners"): ("USA", "South Korea", "India", "Japan", "China"),
    (L7, "european-parliament"): True,
    (L7, "dialogue-outcomes"): {
        "U.S.\u2013China": "An agreement not to engage in cyber-enabled economic espionage against each other",
        "India\u2013United States": "A commitment to robust cooperation on cyber issues",
        "The European Union": "Cyber dialogues with the USA, South Korea, India, Japan, China and other countries",
    },
    (L7, "bilateral-limit"): "does not bind others",
    # Lesson 8: The Increasing Need for Cyber Diplomacy
    (L8, "four-challenges"): ("Cyber security", "Cyber espionage", "Privacy", "Internet freedom"),
    (L8, "two-purposes"): {"1": "interests", "2": "users"},
    (L8, "work-together"): "work together to shape cyberspace policy",
    (L8, "internet-freedom-both"): True,
    (L8, "privacy-new"): "Privacy",
    (L8, "users-security"): "individuals and companies",
    (L8, "module-order"): (
        "The changing practice of diplomacy",
        "The interests, strategy, legislation and institutions of the United States",
        "American public opinion on state-sponsored cyber attacks",
        "The approaches of the EU, China, South Korea and India",
        "The dialogues that connect them",
        "The increasing need for cyber diplomacy",
    ),
    (L8, "interconnected"): ["interconnected"],
    # Final assessment
    (F, "l1-openness-sequence"): (
        "Diplomacy is conducted in secrecy, behind closed doors.",
        "New communication technologies make diplomacy more open and public.",
        "Cyberspace becomes an arena for international diplomacy.",
    ),
    (F, "l1-heads-of-state-share"): "More than 70%",
    (F, "l1-social-network"): ["Twitter"],
    (F, "l1-issues-range"): {"1": "espionage", "2": "governance"},
    (F, "l1-channel-not-agenda"): False,
    (F, "l2-twitter-accounts"): 150,
    (F, "l2-empire-word"): ["empire"],
    (F, "l2-office-department"): "The State Department",
    (F, "l2-outreach-figures"): {
        "Over 200": "Facebook pages",
        "150": "Twitter accounts",
        "Millions": "Followers of those pages and accounts",
    },
    (F, "l2-mission-framing"): False,
    (F, "l2-leads-in-resources"): "leads in cyber diplomacy resources",
    (F, "l3-strategy-month"): ["May", "May 2011"],
    (F, "l3-goals-incomplete"): False,
    (F, "l3-bill-names"): {"1": "Cyber Networks", "2": "Advancement"},
    (F, "l3-bill-count"): 2,
    (F, "l3-sharing-premise"): "No single organisation sees the whole threat picture",
    (F, "l3-steps-to-law"): ("Senate must also pass", "in the same form", "presented to the President"),
    (F, "l4-operators"): 6000,
    (F, "l4-target-year"): 2018,
    (F, "l4-ctiic-name"): ["Cyber Threat Intelligence Integration Center"],
    (F, "l4-ctiic-launcher"): False,
    (F, "l4-offensive-options"): "capabilities that states actually hold and plan for",
    (F, "l4-chronology"): CHRONOLOGY,
    (F, "l5-survey-wording"): {"1": "state-sponsored", "2": "high-level"},
    (F, "l5-presupposition"): "responsibility for the attack has already been established",
    (F, "l5-majority"): False,
    (F, "l5-risk-trend"): "As increasing",
    (F, "l5-what-source-reports"): ("state-sponsored cyber crimes", "45% of respondents favoured high-level talks"),
    (F, "l6-china-agencies"): ("Cyber Administration of China", "Ministry of Foreign Affairs",
                               "Central Internet Security and Leading Information Group"),
    (F, "l6-india-forefront"): ["Ministry of Communications & ICT"],
    (F, "l6-eu-not-issue"): "offensive cyber strategies",
    (F, "l6-south-korea-active"): True,
    (F, "l6-deal-year"): 2015,
    (F, "l6-actors-match"): {
        "European Union": "Focuses on the governance and application of international law in cyberspace",
        "China": "Reached a landmark cyber espionage deal with the US in September 2015",
        "South Korea": "Has a Ministry of Science, ICT and Future Planning in charge of cyber issues",
        "India": "Has the government rather than the private sector leading cyber security awareness",
    },
    (F, "l6-deal-significance"): "bilateral negotiation to set expectations",
    (F, "l7-us-role"): False,
    (F, "l7-eu-hub"): "every state examined in Lesson 6",
    (F, "l7-narrow-commitment"): ("easier to agree", "easier to monitor", "outside its scope"),
    (F, "l7-eu-dialogues"): {"1": "Japan", "2": "Parliament"},
    (F, "l7-robust-cooperation"): ["India"],
    (F, "l8-challenge-count"): 4,
    (F, "l8-purposes"): ("protect national interests", "security of Internet users"),
    (F, "l8-channel-and-agenda"): "both a new channel",
    (F, "l8-cross-borders"): True,
}

# Typed answers that must score 0: wrong figures, and wrong answers a wildcard or a loose variant
# might otherwise let through.
WRONG: dict[tuple[str, str], list[str]] = {
    (L1, "heads-of-state-on-twitter"): ["45", "71", "7"],
    (L1, "new-arena"): ["Twitter", "social networks"],
    (L2, "facebook-pages"): ["150", "201", "2000"],
    (L2, "hanson-name"): ["Fergus", "Hillary Clinton"],
    (L3, "strategy-year"): ["2015", "2010", "2012"],
    (L4, "mission-teams"): ["6000", "132", "134"],
    (L4, "mission-scale"): ["2015", "600", "60000"],
    (L4, "ctiic-launcher"): ["Department of Defense", "Department of Defence", "State Department", "Congress"],
    (L5, "survey-percentage"): ["70", "50", "4.5"],
    (L5, "trade-secrets"): ["data", "secrets of state"],
    (L6, "deal-month"): ["February", "April", "May", "September 2011"],
    (L7, "espionage-kind"): ["military espionage", "political espionage", "non-economic espionage"],
    (F, "l1-social-network"): ["Facebook", "LinkedIn"],
    (F, "l2-twitter-accounts"): ["200", "15", "1500"],
    (F, "l3-strategy-month"): ["April", "February", "May 2015"],
    (F, "l3-bill-count"): ["1", "3"],
    (F, "l4-operators"): ["133", "600", "60000"],
    (F, "l4-target-year"): ["2015", "2011", "2020"],
    (F, "l4-ctiic-name"): ["Cyber Threat Information Center", "CTIIC"],
    (F, "l6-india-forefront"): ["Ministry of Foreign Affairs", "Ministry of Science, ICT and Future Planning"],
    (F, "l6-deal-year"): ["2011", "2016", "2018"],
    (F, "l7-robust-cooperation"): ["China", "Japan", "South Korea"],
    (F, "l8-challenge-count"): ["3", "5", "6"],
}


def choice_ids(question, substrings) -> list[str]:
    """Ids of the choices whose text contains each substring (exactly one choice each)."""
    ids = []
    for part in substrings:
        found = [choice.id for choice in question.choices if part in choice.text]
        assert len(found) == 1, f"{part!r} should appear in exactly one choice, found {len(found)}"
        ids.append(found[0])
    return ids


def fraction(question, raw: dict[str, Any]) -> float:
    return grade_response(question, raw).fraction


# ---------------------------------------------------------------------------------------------
# Per-question tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("quiz_id", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_question_builds_and_its_key_earns_full_marks(quiz_id, question):
    assert question["type"] in QUESTION_TYPES
    built = build(question)
    assert built.grade(built.correct_response()).fraction == 1.0
    assert isinstance(question.get("general_feedback"), str) and question["general_feedback"].strip()


@pytest.mark.parametrize(("quiz_id", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_source_names_a_content_heading_of_the_right_lesson(quiz_id, question):
    lesson, _, anchor = question["source"].partition("#")
    assert lesson in LESSONS, f"no lesson {lesson!r} in course/"
    assert anchor in LESSONS[lesson], f"lesson {lesson!r} has no heading #{anchor}"
    assert anchor not in GENERIC_ANCHORS, "cite a content section, not a closing one"
    quiz = QUIZZES[quiz_id]
    if quiz.get("kind", "lesson") == "lesson":
        assert lesson == quiz["lesson"], "a lesson check only asks about its own lesson"


@pytest.mark.parametrize(("quiz_id", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_key_matches_the_source(quiz_id, question):
    assert (quiz_id, question["id"]) in KEYS, "restate this question's key in KEYS"
    expected = KEYS[(quiz_id, question["id"])]
    built = build(question)
    kind = question["type"]
    if kind == "numerical":
        full = [answer for answer in built.answers if answer.weight == 1.0]
        assert [(answer.low, answer.high) for answer in full] == [(expected, expected)]
        assert fraction(built, {"answer": str(expected)}) == 1.0
    elif kind == "short":
        for text in expected:
            assert fraction(built, {"answer": text}) == 1.0, text
        assert question["answers"][0] == expected[0], "list the source's own wording first"
    elif kind == "single":
        [picked] = choice_ids(built, [expected])
        assert fraction(built, {"answer": picked}) == 1.0
    elif kind == "multiple":
        picked = choice_ids(built, expected)
        assert set(picked) == {choice.id for choice in built.choices if choice.weight > 0}
        assert fraction(built, {"answer": picked}) == 1.0
    elif kind == "true_false":
        assert question["answer"] is expected
        assert fraction(built, {"answer": "true" if expected else "false"}) == 1.0
    elif kind == "cloze":
        assert [blank.id for blank in built.blanks] == list(expected)
        assert fraction(built, expected) == 1.0
    elif kind == "matching":
        assert {pair.text for pair in built.pairs} == set(expected)
        option = {o.text: o.id for o in built.options}
        assert fraction(built, {pair.id: option[expected[pair.text]] for pair in built.pairs}) == 1.0
    elif kind == "ordering":
        assert tuple(item.text for item in built.items) == expected
        assert fraction(built, {"answer": [item.id for item in built.items]}) == 1.0
    else:  # pragma: no cover - QUESTION_TYPES is checked above
        pytest.fail(f"unknown type {kind}")


@pytest.mark.parametrize(("key", "wrong"), sorted(WRONG.items()), ids=[f"{q}/{i}" for q, i in sorted(WRONG)])
def test_wrong_answers_score_zero(key, wrong):
    quiz_id, question_id = key
    [question] = [q for q in QUIZZES[quiz_id]["questions"] if q["id"] == question_id]
    built = build(question)
    for text in wrong:
        raw = {blank.id: text for blank in built.blanks} if question["type"] == "cloze" else {"answer": text}
        assert fraction(built, raw) == 0.0, text


# What students reasonably type for a key, which must earn full marks (issue 9's findings among them).
REASONABLE: dict[tuple[str, str], list[str]] = {
    (F, "l1-social-network"): ["X", "Twitter/X", "twitter"],
    ("us-cyber-defence-institutions-check", "ctiic-launcher"): ["US White House", "U.S. White House", "white house"],
    (F, "l6-india-forefront"): ["Ministry of Communications & IT", "The Ministry of Communications & ICT"],
    ("cyber-diplomacy-around-the-world-check", "deal-month"): ["Sept. 2015", "Sept.", "september"],
    ("evolution-of-diplomatic-relations-check", "new-arena"): ["cyber-space", "Cyberspace"],
    ("evolution-of-diplomatic-relations-check", "heads-of-state-on-twitter"): ["70%", "70 %", "70"],
    ("public-opinion-on-state-sponsored-attacks-check", "survey-percentage"): ["45%", "45 %"],
}


@pytest.mark.parametrize(("key", "typed"), sorted(REASONABLE.items()), ids=[f"{q}/{i}" for q, i in sorted(REASONABLE)])
def test_reasonable_ways_of_typing_a_key_score_full_marks(key, typed):
    quiz_id, question_id = key
    [question] = [q for q in QUIZZES[quiz_id]["questions"] if q["id"] == question_id]
    built = build(question)
    for text in typed:
        assert fraction(built, {"answer": text}) == 1.0, text


def test_every_key_in_the_table_names_a_question():
    known = {(quiz_id, question["id"]) for quiz_id, question in QUESTIONS}
    assert set(KEYS) <= known
    assert set(WRONG) <= known
    assert set(REASONABLE) <= known


# ---------------------------------------------------------------------------------------------
# Quiz-level tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("quiz_id", sorted(QUIZZES))
def test_question_ids_are_unique(quiz_id):
    ids = [question["id"] for question in QUIZZES[quiz_id]["questions"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_each_lesson_has_one_check_quiz(lesson):
    checks = [quiz for quiz in QUIZZES.values() if quiz.get("lesson") == lesson]
    assert len(checks) == 1
    [quiz] = checks
    assert quiz["id"] == f"{lesson}-check"
    assert quiz["title"].startswith("Check: ")
    assert quiz.get("kind", "lesson") == "lesson"
    questions = quiz["questions"]
    assert len(questions) >= 6
    assert len({question["type"] for question in questions}) >= 4
    settings = quiz["settings"]
    assert settings["pass_mark"] == 70
    assert settings["attempts"] == "unlimited"
    assert settings["grading"] == "highest"
    if settings["feedback"] == "immediate":
        # Trial and error must not pass: each wrong try costs at least a third.
        assert settings["penalty"] >= 1 / 3


def test_lesson_checks_use_every_question_type():
    used = {q["type"] for quiz in QUIZZES.values() if quiz.get("lesson") for q in quiz["questions"]}
    assert used == QUESTION_TYPES


def test_final_assessment_covers_the_course():
    finals = [quiz for quiz in QUIZZES.values() if quiz.get("kind") == "final"]
    assert [quiz["id"] for quiz in finals] == [FINAL_ID]
    final = finals[0]
    assert "lesson" not in final
    settings = final["settings"]
    assert settings["draw"] == {"per_group": 2, "any": 4}
    assert {question["group"] for question in final["questions"]} == {f"lesson-{n}" for n in range(1, 9)}
    assert settings["attempts"] == 2
    assert settings["time_limit_minutes"] == 40
    questions = final["questions"]
    assert len(questions) >= 40
    assert {question["type"] for question in questions} == QUESTION_TYPES
    per_lesson = Counter(question["source"].partition("#")[0] for question in questions)
    assert set(per_lesson) == set(LESSONS)
    assert min(per_lesson.values()) >= 4


def test_final_questions_are_not_copies_of_lesson_checks():
    checks = {q["prompt"].strip() for quiz in QUIZZES.values() if quiz.get("lesson") for q in quiz["questions"]}
    final = {q["prompt"].strip() for q in QUIZZES[FINAL_ID]["questions"]}
    assert not checks & final

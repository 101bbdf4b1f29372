"""Parley's quiz engine core: question types, grading, scoring, shuffling, mastery and statistics.

Pure Python (standard library only), so it can be tested and reused without the web app.
"""

from app.engine import types  # noqa: F401  (importing registers every question type)
from app.engine.mastery import LESSON_STATES, course_complete, course_progress, lesson_mastered, lesson_state
from app.engine.question import (
    COMMON_KEYS,
    TYPE_NAMES,
    Grade,
    QuestionError,
    QuestionType,
    build_question,
    grade_response,
    question_type,
    register,
)
from app.engine.scoring import GRADING_METHODS, apply_penalty, attempt_score, combine_attempts, passed, percent
from app.engine.shuffle import attempt_rng, draw_pool, permute, shuffle_questions
from app.engine.statistics import OverallStatistics, QuestionStatistics, QuizStatistics, quiz_statistics
from app.engine.text_answers import normalize_text
from app.engine.types import (
    Cloze,
    Matching,
    MultipleResponse,
    Numerical,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    parse_number,
)

__all__ = [
    "COMMON_KEYS",
    "GRADING_METHODS",
    "LESSON_STATES",
    "TYPE_NAMES",
    "Cloze",
    "Grade",
    "Matching",
    "MultipleResponse",
    "Numerical",
    "Ordering",
    "OverallStatistics",
    "QuestionError",
    "QuestionStatistics",
    "QuestionType",
    "QuizStatistics",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "apply_penalty",
    "attempt_rng",
    "attempt_score",
    "build_question",
    "combine_attempts",
    "course_complete",
    "course_progress",
    "draw_pool",
    "grade_response",
    "lesson_mastered",
    "lesson_state",
    "normalize_text",
    "parse_number",
    "passed",
    "percent",
    "permute",
    "question_type",
    "quiz_statistics",
    "register",
    "shuffle_questions",
]

"""Parley's SQLAlchemy models; importing this package registers every table."""

from app.models.audit import AuditEvent
from app.models.base import Base, utcnow
from app.models.cohort import Cohort, CohortMember
from app.models.course import Course, Lesson
from app.models.password_reset import PasswordReset
from app.models.preview import QuizPreview
from app.models.progress import LessonProgress, LessonVisit
from app.models.quiz import Attempt, Quiz, QuizVersion, Response, ResponseTry
from app.models.user import ROLES, User

__all__ = [
    "ROLES", "Attempt", "AuditEvent", "Base", "Cohort", "CohortMember", "Course", "Lesson", "LessonProgress",
    "LessonVisit", "PasswordReset", "Quiz", "QuizPreview", "QuizVersion", "Response", "ResponseTry", "User", "utcnow",
]

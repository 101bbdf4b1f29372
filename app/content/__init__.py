"""Reading, validating and rendering content files (course lessons and quizzes)."""

"""Question types; importing this package registers every one of them."""

from app.engine.types.cloze import Cloze
from app.engine.types.matching import Matching
from app.engine.types.multiple_response import MultipleResponse
from app.engine.types.numerical import Numerical, parse_number
from app.engine.types.ordering import Ordering
from app.engine.types.short_answer import ShortAnswer
from app.engine.types.single_choice import SingleChoice
from app.engine.types.true_false import TrueFalse

__all__ = [
    "Cloze",
    "Matching",
    "MultipleResponse",
    "Numerical",
    "Ordering",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "parse_number",
]

"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "stability-and-bilateral-dialogue-check"

# Lesson 7: every nation has a role in international cyber stability, which is shared because networks
# interconnect; the U.S. encourages others (transnational cooperation, stability) rather than providing it
# itself. The U.S.-China dialogue led to an agreement not to engage in cyber-enabled economic espionage
# against each other; the September 2015 deal also endorsed norms of behaviour and cooperation on cyber
# investigations. India and the U.S. committed to robust cooperation on cyber issues (no further detail).
# The EU pursues dialogues with the USA, South Korea, India, Japan, China and other countries; the European
# Parliament plays an important role in strengthening Internet technologies. Bilateral dialogue addresses
# particular concerns in detail; a narrow commitment is easier to agree and monitor but leaves other activity
# outside its scope; its limit is coverage (it does not bind others).
KEYS: dict[str, Any] = {
    "small-state-role": "insecurity on its networks can put other countries at risk",
    "us-role": False,
    "espionage-kind": ["cyber-enabled economic espionage", "economic espionage", "cyber enabled economic espionage"],
    "deal-scope": ("norms of behaviour", "cyber investigations"),
    "india-press": "robust cooperation on cyber issues",
    "eu-partners": ("Japan", "South Korea"),
    "legislature-role": "strengthening Internet technologies",
    "bilateral-limit": "binds A and B but not C",
    "bilateral-tradeoffs": {
        "Two neighbours use their dialogue to agree detailed rules for a data cable that only they share":
            "Two parties can address their particular concerns in detail",
        "Two rival powers settle on one clearly defined pledge, and each can check that the other keeps it":
            "A narrow commitment can be easier to agree and to monitor",
        "Under that one pledge, the rivals' other cyber activity against each other goes on untouched":
            "A narrow commitment leaves other activity outside its scope",
    },
}

WRONG: dict[str, list[str]] = {
    "espionage-kind": [
        "military espionage", "political espionage", "non-economic espionage", "cyber espionage",
        "state espionage", "espionage", "economic warfare", "military", "political",
    ],
}

REASONABLE: dict[str, list[str]] = {
    "espionage-kind": [
        "Cyber-enabled economic espionage.", "cyber enabled economic espionage", "Economic espionage",
        "economic", "cyber economic espionage", "economic cyber espionage", "cyber-enabled economic",
        "the economic espionage", "cyber–enabled economic espionage",
    ],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = (
    "small-state-role", "india-press", "legislature-role", "bilateral-limit", "bilateral-tradeoffs",
)

"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "public-opinion-on-state-sponsored-attacks-check"

KEYS: dict[str, Any] = {
    # "Some recent incidents of malicious cyber activity and theft of American trade secrets have been blamed on
    # foreign governments": the source's own wording first.
    "trade-secrets": ["American trade secrets", "trade secrets", "trade secret", "US trade secrets"],
    # The source speaks only of "foreign governments" and names none.
    "governments-unnamed": False,
    # "45% of respondents said that the solution should be high-level talks".
    "survey-percentage": 45,
    # High-level talks: direct discussions between senior officials of the governments concerned, with the
    # officials of the country behind the attack.
    "talks-in-practice": "foreign minister meets her counterpart",
    # Unknown: who conducted the survey, when, how many took part, how the question was worded.
    "missing-details": ("Who carried out", "When it was carried out", "How many people", "How the question"),
    # The three cautions: proportion (less than half; the most common answer cannot be shown), presupposition
    # (the attacker is assumed identified), exclusivity (talks do not rule out other measures).
    "misreadings-match": {
        "“A majority of Americans back high-level talks.”": "Proportion",
        "“Talks were the most popular answer in the survey.”": "Proportion",
        "“Respondents favour talks, so we will open them with the state our investigators merely suspect.”":
            "Presupposition",
        "“Respondents who favoured talks must be against sanctions.”": "Exclusivity",
    },
    # Public support creates expectations: the public will judge high-level talks by results.
    "talks-expectations": "judge the talks by what they achieve",
    # Nothing in the source shows public opinion shaped the deal; the deal is an example of the favoured response.
    "opinion-and-agreements": "no influence is shown",
}

WRONG: dict[str, list[str]] = {
    "trade-secrets": ["secrets", "state secrets", "military secrets", "intellectual property", "personal data",
                      "passwords", "trade"],
    "survey-percentage": ["70", "50", "55", "4.5", "0.45", "54", "45 km"],
}

REASONABLE: dict[str, list[str]] = {
    "trade-secrets": ["Trade secrets.", "the trade secrets", "american trade-secrets", "U.S. trade secrets",
                      "America's trade secrets", "American trade secret", "trade secrets of American companies"],
    "survey-percentage": ["45%", "45 %", "45.0", " 45 ", "45 percent"],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = (
    "talks-in-practice", "misreadings-match", "talks-expectations", "opinion-and-agreements",
)

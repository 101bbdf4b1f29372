"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "us-cyber-defence-institutions-check"

KEYS: dict[str, Any] = {
    # By 2018 the new American cyber mission was to have 133 teams with more than 6000 cyber operators.
    "mission-teams": 133,
    "mission-scale": {"1": "2018", "2": "6000"},
    # The source's figures were plans (by 2018) when it was written, not results.
    "plans-not-results": True,
    # Integral to war planning because it has internet-enabled offensive and defensive cyber strategies.
    "war-planning": "offensive as well as defensive cyber strategies",
    # The White House launched the CTIIC ...
    # The President and the Executive Office of the President are the White House.
    "ctiic-launcher": ["White House", "the White House", "the President", "Executive Office of the President"],
    # ... in February 2015.
    "ctiic-date": "February 2015",
    # Cyber security data for policy makers and cyber centres is coordinated from the CTIIC.
    "coherent-picture": "Cyber Threat Intelligence Integration Center",
    # Norms concern capabilities states hold; institutions give something to negotiate from but raise concern.
    "partner-assessment": ("capabilities the U.S. actually holds", "something to negotiate from",
                           "heighten other states' concern"),
}

WRONG: dict[str, list[str]] = {
    "mission-teams": ["6000", "2018", "132", "134", "13", "1330"],
    "mission-scale": ["2015", "2016", "133", "600", "60000"],
    "ctiic-launcher": ["Department of Defense", "Department of Defence", "the Pentagon", "State Department",
                       "Congress", "House of Representatives", "Senate", "CIA", "U.S. Cyber Command"],
}

REASONABLE: dict[str, list[str]] = {
    "mission-teams": ["133", " 133", "133.0"],
    "ctiic-launcher": ["white house", "The White House.", "US White House", "U.S. White House", "the US White House",
                       "Whitehouse", "President", "the President", "U.S. President", "US President",
                       "the Executive Office of the President", "President of the United States"],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = ("plans-not-results", "coherent-picture", "partner-assessment")

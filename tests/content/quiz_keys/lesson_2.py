"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "us-interests-in-cyberspace-check"

# Lesson 2: the office's six interests (Internet freedom, innovation, economic growth, military uses of the
# internet, cyber security, internet governance), which can pull against each other; the primary mission
# (defend the U.S. against significant cyber attacks, defend DOD information networks); full-spectrum cyber
# options to support military operations and contingency plans; Fergus Hanson's "global media empire";
# over 200 Facebook pages and 150 Twitter accounts; reach is not influence; "empire" assumes central direction.
KEYS: dict[str, Any] = {
    "office-interests": ("Innovation", "Economic growth"),
    "interest-cases": {
        "Pressing the host government to unblock news and blogging sites": "Internet freedom",
        "Agreeing with an allied defence ministry how cyber capabilities fit into joint military exercises":
            "Military uses of the internet",
        "Helping a partner's electricity grid operators harden their networks against intrusion": "Cyber security",
        "Lobbying at an international forum over who should set the rules for running the internet":
            "Internet governance",
    },
    "interests-trade-offs": False,
    "primary-mission": "significant cyber attacks and defending DOD information networks",
    "full-spectrum-purpose": "military operations and contingency plans",
    "facebook-pages": 200,
    "hanson-name": ["Fergus Hanson", "Hanson"],
    "influence-evidence": "citing its posts when they explain a change of policy",
    "empire-coordination": "one coordinated line",
}

WRONG: dict[str, list[str]] = {
    "facebook-pages": ["150", "201", "2000", "20", "199"],
    "hanson-name": ["Fergus", "Hillary Clinton", "Hans", "Hanson Institute", "Norwich University"],
}

REASONABLE: dict[str, list[str]] = {
    "facebook-pages": ["200", "200.0", " 200 "],
    "hanson-name": ["fergus hanson", "HANSON", "F. Hanson", "F Hanson", "Fergus Hanson."],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = ("interest-cases", "full-spectrum-purpose", "influence-evidence", "empire-coordination")

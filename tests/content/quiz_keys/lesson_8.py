"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "the-increasing-need-for-cyber-diplomacy-check"

# Lesson 8: the world is becoming more networked and interconnected, which creates shared exposure and four
# challenges that cross borders (cyber security, cyber espionage, privacy, Internet freedom); governments
# around the world need to work together to shape cyberspace policy; continued cyber diplomacy is needed to
# protect national interests and to enhance the security of Internet users, two distinct purposes that can
# diverge. Across the module, cyber diplomacy is a new channel and a new agenda, pursued alongside military
# and intelligence capabilities; Internet freedom is both a U.S. interest and a challenge.
KEYS: dict[str, Any] = {
    "four-challenges": ("Cyber security", "Cyber espionage", "Privacy", "Internet freedom"),
    "speech-order": (
        "Our world is growing ever more networked and interconnected.",
        "So what happens on one network can reach far beyond it.",
        "That shared exposure has produced new challenges, each crossing borders.",
        "No government can handle such challenges on its own.",
        "So governments must keep working together through cyber diplomacy.",
    ),
    "diverging-purposes": "Protecting national interests and enhancing the security of Internet users",
    "policy-to-shape": ["cyberspace policy", "cyber space policy", "cyber policy"],
    "committee-alongside": "alongside those capabilities, not in place of them",
    "channel-agenda": True,
    "goal-and-friction": "another's source of friction",
}

WRONG: dict[str, list[str]] = {
    "policy-to-shape": [
        "cyber security", "cyber diplomacy", "internet governance", "national interests", "international law",
        "foreign policy", "security policy", "policy", "cyber security policy",
    ],
}

REASONABLE: dict[str, list[str]] = {
    "policy-to-shape": [
        "Cyberspace policy.", "cyber-space policy", "cyberspace policies", "the cyberspace policy",
        "Cyber policy", "CYBERSPACE POLICY",
    ],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = ("speech-order", "diverging-purposes", "committee-alongside", "goal-and-friction")

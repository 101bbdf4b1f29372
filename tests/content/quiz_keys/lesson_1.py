"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "evolution-of-diplomatic-relations-check"

# Lesson 1: new technologies make diplomacy more open and let governments engage the public directly;
# three shifts (peers, public, agenda from cyber espionage to internet governance); more than 70% of heads
# of state on Twitter, whose retweets, replies and mentions make interaction visible but are not the whole
# negotiation; diplomacy through cyberspace (digital diplomacy) versus about cyberspace (cyber diplomacy).
THROUGH = "Diplomacy through cyberspace (a new channel)"
ABOUT = "Diplomacy about cyberspace (a new agenda)"

KEYS: dict[str, Any] = {
    "opening-up": "more visible and letting governments engage the public directly",
    "three-shifts": (
        "How diplomats deal with their counterparts",
        "How governments communicate with the public",
        "Which issues diplomats have to negotiate",
    ),
    "issue-range": {"1": "espionage", "2": "governance"},
    "heads-of-state-on-twitter": 70,
    "public-performance": False,
    "visible-ties": "retweets, replies to and mentions",
    "channel-cases": {
        "Its embassy hosts a live online question-and-answer session with local students": THROUGH,
        "Its minister announces a new visa policy to foreign audiences on social media": THROUGH,
        "Its envoys negotiate a pact to stop state hackers stealing each other's trade secrets": ABOUT,
        "Its delegation argues at an international forum over who should set the rules for running the internet":
            ABOUT,
    },
    "ministry-readiness": "says little about whether it is ready",
    "term-for-channel": ["digital diplomacy"],
}

WRONG: dict[str, list[str]] = {
    # Every blank gets the same text: a word that is right in neither blank.
    "issue-range": ["security", "crime", "freedom", "warfare", "hacking"],
    "heads-of-state-on-twitter": ["45", "71", "7", "50", "0.7", "70 km"],
    "term-for-channel": ["cyber diplomacy", "public diplomacy", "diplomacy", "Twitter diplomacy", "digital"],
}

REASONABLE: dict[str, list[str]] = {
    "heads-of-state-on-twitter": ["70%", "70 %", "70 percent", "70"],
    "term-for-channel": ["Digital Diplomacy", "digital-diplomacy", "the digital diplomacy", "digital diplomacy."],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = ("visible-ties", "channel-cases", "ministry-readiness")

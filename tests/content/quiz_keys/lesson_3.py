"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "us-strategy-and-legislation-check"

KEYS: dict[str, Any] = {
    # The strategy was formulated in May 2011.
    "strategy-year": 2011,
    # It aims to enhance the reliability, resilience and security of global networks.
    "network-qualities": "Reliability, resilience and security",
    # Its other goals: 21st-century security challenges, fundamental freedoms, open markets.
    "goal-cases": {
        "A U.S. trade delegation presses a partner to drop rules that keep foreign online retailers out of its "
        "market.": "Promoting open markets",
        "A U.S. embassy protests the jailing of a blogger for criticising her government online.":
            "Supporting fundamental freedoms",
        "U.S. officials run an exercise with allies on kinds of network attack that did not exist a generation ago.":
            "Preparing for 21st-century security challenges",
    },
    # The other goals are named "among others": the list is not complete.
    "goals-complete": False,
    "house-bills": "The Protecting Cyber Networks Act and The National Cyber Security Protection Advancement Act",
    # Sharing between companies, and between companies and government: no one sees the whole threat picture.
    "bills-purpose": "Share it with other firms and with the government",
    # ... so that companies find potential vulnerabilities early, before hackers notice them.
    "early-detection": ["potential vulnerabilities", "vulnerabilities"],
    # House and Senate pass it in the same form, then it is presented to the President.
    "stages-to-law": (
        "The House of Representatives passes the bill",
        "The Senate passes the bill in the same form",
        "The bill is presented to the President",
        "The bill becomes law",
    ),
    # Domestic sharing shapes what a state can offer, and ask for, in cooperation on incidents.
    "domestic-international": "It has little threat information to offer",
}

WRONG: dict[str, list[str]] = {
    "strategy-year": ["2015", "2010", "2012", "2001"],
    "early-detection": ["threats", "attacks", "hackers", "cyber attacks", "threat information", "defences",
                        "malware", "intrusions", "attack vectors", "hacker attacks", "security breaches"],
}

REASONABLE: dict[str, list[str]] = {
    "strategy-year": ["2011", " 2011 ", "2011.0"],
    "early-detection": ["Vulnerabilities.", "potential vulnerability", "vulnerability", "weaknesses",
                        "security vulnerabilities", "Potential Vulnerabilities", "the vulnerabilities",
                        "software vulnerabilities", "vulnerabilities to attack", "flaws", "security flaws",
                        "weak points", "potential weaknesses"],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = (
    "goal-cases",
    "goals-complete",
    "bills-purpose",
    "stages-to-law",
    "domestic-international",
)

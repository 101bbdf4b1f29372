"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "cyber-diplomacy-around-the-world-check"

KEYS: dict[str, Any] = {
    # "The focus of the European Union is the governance and application of international law in cyberspace."
    "eu-focus": "governance and application of international law in cyberspace",
    # The five EU issues, each applied to a new proposal; "promoting open markets" is a U.S. strategy goal.
    "eu-issues-cases": {
        "Funding training for network defenders in low-income countries":
            "Building capacity in developing (“third world”) countries",
        "A joint operation to track down and prosecute online fraudsters": "Reducing cybercrime",
        "Pressing a partner government not to shut down social networks": "Protecting the free and open Internet",
        "A hotline so that a cyber incident between two states does not escalate": "Enhancing international stability",
        "Securing the online services on which European businesses depend": "Protecting the digital economy",
    },
    # Usual names: Central Leading Group for Cybersecurity and Informatization (source: "Central Internet Security
    # and Leading Information Group"), Ministry of Communications and Information Technology (source: "Ministry of
    # Communications & ICT").
    "bodies-by-country": {
        "Central Leading Group for Cybersecurity and Informatization": "China",
        "Ministry of Science, ICT and Future Planning": "South Korea",
        "Ministry of Communications and Information Technology": "India",
        "National Critical Information Infrastructure Protection Centre": "India",
    },
    # "In India, the government rather than the private sector is taking the lead in cyber security awareness."
    "india-lead": False,
    # India: a communications ministry at the forefront, no foreign ministry: a technical rather than diplomatic frame.
    "framing-apply": "technical matters rather than diplomatic",
    # "A landmark cyber espionage deal was reached between the US and China in September 2015."
    "deal-month": ["September", "September 2015", "Sept", "Sept. 2015"],
    # Norms of behaviour, cooperation on cyber investigations, and no cyber-enabled economic espionage (Lesson 7).
    "deal-commitments": ("norms of behaviour", "cyber investigations", "cyber-enabled economic espionage"),
    # The deal: two powers using bilateral negotiation to set expectations for each other's conduct.
    "deal-analogue": "Negotiating directly with the neighbour",
}

WRONG: dict[str, list[str]] = {
    "deal-month": ["February", "April", "May", "December", "2015", "September 2011", "October", "Sept 2016"],
}

REASONABLE: dict[str, list[str]] = {
    "deal-month": ["september", "Sept.", "Sep.", "Sept 2015", "Sep 2015", "Sept. 2015", "September, 2015",
                   "09/2015", "the September"],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = ("eu-issues-cases", "framing-apply", "deal-analogue")

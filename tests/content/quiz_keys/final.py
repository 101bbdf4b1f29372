"""Answer keys of the quiz named in QUIZ, restated independently of its file (see test_quiz_keys.py)."""

from __future__ import annotations

from typing import Any

QUIZ = "final-assessment"

KEYS: dict[str, Any] = {
    # Lesson 1: closed doors -> open technologies -> public engagement -> cyberspace as an arena.
    "l1-openness-sequence": (
        "Diplomacy is practised confidentially, behind closed doors",
        "New communication technologies spread",
        "Diplomacy grows more open and visible, and governments gain new means to engage the public directly",
        "Cyberspace becomes an arena in which international diplomacy itself takes place",
    ),
    "l1-heads-of-state-percent": 70,  # "more than 70% of the world's heads of state"
    "l1-shifts-match": {
        "An ambassador settles the wording of a joint statement with a foreign counterpart by direct message":
            "How diplomats deal with their counterparts",
        "A foreign minister answers citizens' questions in a live online session": "How governments address the public",
        "Two states open formal talks on the rules by which the internet is run": "Which issues diplomacy must take up",
    },
    "l1-channel-not-agenda": False,  # adept at the channel, possibly unprepared for the agenda
    "l1-feed-reading": "chosen with an audience in mind",
    "l1-digital-diplomacy-term": ["digital diplomacy"],
    # Lesson 2: six interests; primary mission is defensive; 150 Twitter accounts; reach is not influence.
    "l2-office-interests": ["Innovation", "Economic growth", "Military uses of the internet"],
    "l2-primary-mission": "Defending Department of Defense information networks",
    "l2-twitter-accounts": 150,
    "l2-outreach-evidence": "views or partners' policies shifted",
    "l2-empire-label": "implies central direction",
    # Lesson 3: May 2011; "among others"; the two April 2015 bills; sharing; Senate and President.
    "l3-strategy-year": 2011,
    "l3-goals-incomplete": False,
    "l3-house-bills": ["The Protecting Cyber Networks Act", "The National Cyber Security Protection Advancement Act"],
    "l3-breach-response": "passes details of the technique",
    "l3-house-caveat": {"1": "Senate", "2": "President"},
    "l3-domestic-offer": "thin sharing at home limits",
    # Lesson 4: 133 teams, more than 6000 operators by 2018; offensive and defensive strategies; CTIIC.
    "l4-operators": 6000,
    "l4-war-planning": "offensive and defensive cyber strategies",
    "l4-ctiic-launch-date": "February 2015",
    # The President and the Executive Office of the President are the White House.
    "l4-ctiic-launched-by": ["White House", "The White House", "the President", "Executive Office of the President"],
    "l4-ctiic-role": True,  # coordination of cyber security data for policy makers and cyber centres
    "l4-norms-talks": "actually holds and plans for",
    # Lesson 5: trade secrets; 45%; three cautions; expectations.
    "l5-talks-percent": 45,
    "l5-blamed-for": "thefts of American trade secrets",
    "l5-speech-draft": ["Fewer than half", "presuppose that responsibility", "does not rule out"],
    "l5-public-expectations": "judge the talks by their results",
    "l5-sanctions-poll": False,
    # Lesson 6: EU = governance and international law; bodies; India names no foreign ministry; the deal.
    "l6-eu-focus": "governance and application of international law",
    "l6-bodies-match": {
        "Central Internet Security and Leading Information Group (usually the Central Leading Group for "
        "Cybersecurity and Informatization)": "China",
        "Ministry of Science, ICT and Future Planning": "South Korea",
        "National Critical Information Infrastructure Protection Centre": "India",
        "Department of Electronics & Information Technology": "India",
    },
    "l6-foreign-ministries": False,
    "l6-deal-significance": "set expectations for each other's conduct",
    "l6-lead-body": "frame cyber issues differently",
    # Lesson 7: shared good; U.S. encourages; the deal covered norms, investigations and economic espionage.
    "l7-shared-good": "Networks are interconnected",
    "l7-us-role": True,
    "l7-deal-content": "endorsed norms of behaviour, agreed to cooperate on cyber investigations",
    "l7-eu-legislature": ["European Parliament", "EU Parliament"],
    "l7-narrow-commitment": ["easier to agree", "easier to monitor", "outside its scope"],
    "l7-patchwork": "binds only its own two parties",
    # Lesson 8: networked world -> cross-border challenges -> no one government -> work together.
    "l8-argument-order": (
        "The world becomes ever more networked and interconnected",
        "Shared exposure gives rise to challenges that cross borders",
        "No government can handle these challenges on its own",
        "Governments must work together to shape cyberspace policy",
    ),
    "l8-challenges": ["Privacy", "Internet freedom"],
    "l8-diverging-aims": "sets its two purposes against each other",
    "l8-military-evidence": "The United States was building cyber forces and an intelligence centre",
    "l8-domestic-politics": True,
}

WRONG: dict[str, list[str]] = {
    "l1-heads-of-state-percent": ["45", "50", "90", "7", "0.7"],
    "l1-digital-diplomacy-term": ["cyber diplomacy", "public diplomacy", "diplomacy", "digital"],
    "l2-twitter-accounts": ["200", "15", "1500", "6000"],
    "l3-strategy-year": ["2015", "2010", "2012", "2001"],
    # Every blank is tried with each of these.
    "l3-house-caveat": ["House", "House of Representatives", "Congress", "Supreme Court", "Vice President",
                        "State Department"],
    "l4-operators": ["133", "600", "60000", "2018"],
    "l4-ctiic-launched-by": ["Department of Defense", "State Department", "Pentagon", "Congress", "DOD",
                             "House of Representatives", "CTIIC"],
    "l5-talks-percent": ["70", "50", "54", "4.5", "55"],
    "l7-eu-legislature": ["European Commission", "European Council", "Council of the European Union",
                          "Commission", "European Court of Justice"],
}

REASONABLE: dict[str, list[str]] = {
    "l1-heads-of-state-percent": ["70%", "70 %", "70 percent", "70.0"],
    "l1-digital-diplomacy-term": ["Digital Diplomacy", "digital-diplomacy", "the digital diplomacy",
                                  "digital diplomacy."],
    "l2-twitter-accounts": ["150", "150.0", " 150 "],
    "l3-strategy-year": ["2011"],
    "l4-operators": ["6000", "6,000", "6 000"],
    "l4-ctiic-launched-by": ["white house", "the White House", "The white house.", "US White House",
                             "U.S. White House", "Whitehouse", "President", "U.S. President", "US President",
                             "President of the United States", "the Executive Office of the President"],
    "l5-talks-percent": ["45%", "45 %", "45 percent"],
    "l7-eu-legislature": ["the European Parliament", "european parliament", "EU Parliament", "Parliament",
                          "the Parliament of the European Union"],
}

# Questions that set a new case (a ministry, an embassy, a negotiation) for the student to apply the lesson to.
APPLICATION: tuple[str, ...] = (
    "l1-shifts-match",
    "l1-channel-not-agenda",
    "l1-feed-reading",
    "l2-outreach-evidence",
    "l2-empire-label",
    "l3-goals-incomplete",
    "l3-breach-response",
    "l3-house-caveat",
    "l3-domestic-offer",
    "l4-ctiic-role",
    "l4-norms-talks",
    "l5-speech-draft",
    "l5-public-expectations",
    "l5-sanctions-poll",
    "l6-deal-significance",
    "l6-lead-body",
    "l7-shared-good",
    "l7-narrow-commitment",
    "l7-patchwork",
    "l8-diverging-aims",
    "l8-military-evidence",
    "l8-domestic-politics",
)

"""Issue 9: the lessons for a 2026 reader, an honest About page, and the known slips fixed.

Like test_course_facts.py, these tests read ``course/`` with plain Python and PyYAML (no
application imports). Every lesson ends with ``## Primary documents`` and ``## Since the source
was written``: the first lists official texts by title and date, the second a few
well-established later facts with their dates. Later facts live only in that closing box, so
the teaching text above it stays a faithful account of the source.
"""

import re
from pathlib import Path

import pytest
import yaml

COURSE_DIR = Path(__file__).resolve().parents[2] / "course"
LESSON_FILES = sorted(COURSE_DIR.glob("[0-9][0-9]-*.md"))
LESSON_IDS = [path.stem[3:] for path in LESSON_FILES]

PRIMARY = "Primary documents"
SINCE = "Since the source was written"

# The primary documents issue 9 names, by the start of their title. No other documents are listed.
PRIMARY_DOCUMENTS = {
    "*International Strategy for Cyberspace: Prosperity, Security, and Openness in a Networked World*, "
    "The White House, May 2011",
    "*The Department of Defense Cyber Strategy*, U.S. Department of Defense, April 2015",
    "*Council Conclusions on Cyber Diplomacy*, Council of the European Union, 11 February 2015",
    "*Report of the Group of Governmental Experts on Developments in the Field of Information and "
    "Telecommunications in the Context of International Security*, United Nations, 2015 (UN document A/70/174)",
    "*Fact Sheet: President Xi Jinping's State Visit to the United States*, The White House, 25 September 2015",
}

# (lesson id, text that its "Since the source was written" box carries): the dated facts of issue 9.
LATER_FACTS = [
    ("evolution-of-diplomatic-relations", "renamed X in 2023"),
    ("us-interests-in-cyberspace", "Bureau of Cyberspace and Digital Policy, established in 2022"),
    ("us-interests-in-cyberspace", "renamed X in 2023"),
    ("us-strategy-and-legislation", "Cybersecurity Act of 2015, signed on 18 December 2015"),
    ("us-cyber-defence-institutions",
     "133 teams of the Cyber Mission Force reached full operational capability in May 2018"),
    ("us-cyber-defence-institutions", "In 2018 U.S. Cyber Command became a unified combatant command"),
    ("cyber-diplomacy-around-the-world",
     "in 2018 the Central Leading Group for Cybersecurity and Informatization became the Central Cyberspace Affairs "
     "Commission"),
    ("cyber-diplomacy-around-the-world",
     "in 2017 the Ministry of Science, ICT and Future Planning became the Ministry of Science and ICT"),
    ("cyber-diplomacy-around-the-world",
     "in 2016 the Ministry of Communications and Information Technology was split into the Ministry of "
     "Communications and the Ministry of Electronics and Information Technology"),
    ("stability-and-bilateral-dialogue", "Central Cyberspace Affairs Commission in 2018"),
    ("stability-and-bilateral-dialogue", "Bureau of Cyberspace and Digital Policy, established in 2022"),
    ("the-increasing-need-for-cyber-diplomacy", "Cybersecurity Act of 2015, signed on 18 December 2015"),
    ("the-increasing-need-for-cyber-diplomacy", "renamed X in 2023"),
]

# Names that exist only after the source: they may appear in the closing box and nowhere else.
AFTER_SOURCE_NAMES = [
    "Bureau of Cyberspace and Digital Policy",
    "Central Cyberspace Affairs Commission",
    "Ministry of Science and ICT",
    "Ministry of Electronics and Information Technology",
    "renamed X",
    "Cybersecurity Act of 2015",
    "unified combatant command",
    "full operational capability",
]

# The source's garbled or informal names, each shown with the usual name right beside it.
USUAL_NAMES = [
    ("us-interests-in-cyberspace", "cyber diplomacy office",
     "at the time, the Office of the Coordinator for Cyber Issues"),
    ("us-cyber-defence-institutions", "American cyber mission", "usually called the Cyber Mission Force"),
    ("us-cyber-defence-institutions", "cyber command structure", "the command is U.S. Cyber Command"),
    ("cyber-diplomacy-around-the-world", "Cyber Administration of China",
     "usually the Cyberspace Administration of China"),
    ("cyber-diplomacy-around-the-world", "Central Internet Security and Leading Information Group",
     "usually the Central Leading Group for Cybersecurity and Informatization"),
    ("cyber-diplomacy-around-the-world", "National Internet and Security Agency",
     "usually the Korea Internet & Security Agency"),
    ("cyber-diplomacy-around-the-world", "Ministry of Communications & ICT",
     "usually the Ministry of Communications and Information Technology"),
]

# Phrases issue 9 names as slips; none may come back.
SLIPS = [
    "central aim",  # the source says the strategy "aims to"
    "(about 2015)",  # a date the source never states
    "look to companies themselves",  # not what the source says of the House bills
    "economic espionage only",  # the deal also covered norms and cooperation on investigations
]

# The institution whose degree the source's last section advertises, and the degree itself.
ADVERTISER = ["Norwich", "Master of Arts in Diplomacy", "oldest private military college"]

YEAR = re.compile(r"\b(19|20)\d\d\b")


def body_of(path):
    text = path.read_text(encoding="utf-8")
    end = text.find("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + len("\n---\n"):]


def h2_sections(body):
    """Return {heading: text under it} for every `## ` section, and the headings in order."""
    sections, order, current = {}, [], None
    for line in body.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            order.append(current)
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {name: "\n".join(lines) for name, lines in sections.items()}, order


def bullets(text):
    return [line[2:] for line in text.splitlines() if line.startswith("- ")]


def normalised(text):
    return " ".join(text.split())


def lesson(lesson_id):
    return body_of(COURSE_DIR / LESSON_FILES[LESSON_IDS.index(lesson_id)].name)[1]


def test_there_are_eight_lessons():
    assert len(LESSON_IDS) == 8


def test_course_yaml_requires_the_closing_sections():
    course = yaml.safe_load((COURSE_DIR / "course.yaml").read_text(encoding="utf-8"))
    assert course["lessons"]["required_sections"][-2:] == [PRIMARY, SINCE]


@pytest.mark.parametrize("path", LESSON_FILES, ids=LESSON_IDS)
def test_lesson_ends_with_primary_documents_then_since_the_source(path):
    _, body = body_of(path)
    sections, order = h2_sections(body)
    assert order[-2:] == [PRIMARY, SINCE]
    assert bullets(sections[PRIMARY]), "list at least one primary document"
    assert bullets(sections[SINCE]), "the box holds a few bullet points"


@pytest.mark.parametrize("path", LESSON_FILES, ids=LESSON_IDS)
def test_primary_documents_are_the_named_ones_without_links(path):
    _, body = body_of(path)
    text = h2_sections(body)[0][PRIMARY]
    assert "http" not in text and "](" not in text, "titles and dates in plain text, no links"
    for item in bullets(text):
        assert any(item.startswith(document) for document in PRIMARY_DOCUMENTS), item


def test_every_primary_document_is_listed_somewhere():
    listed = set()
    for path in LESSON_FILES:
        text = h2_sections(body_of(path)[1])[0][PRIMARY]
        listed |= {document for document in PRIMARY_DOCUMENTS for item in bullets(text) if item.startswith(document)}
    assert listed == PRIMARY_DOCUMENTS


@pytest.mark.parametrize(("lesson_id", "fact"), LATER_FACTS, ids=[f"{i}:{f[:30]}" for i, f in LATER_FACTS])
def test_later_fact_is_in_the_lessons_box(lesson_id, fact):
    box = h2_sections(lesson(lesson_id))[0][SINCE]
    assert normalised(fact) in normalised(box)


@pytest.mark.parametrize("path", LESSON_FILES, ids=LESSON_IDS)
def test_later_facts_stay_in_the_box(path):
    """Above the closing box the lesson speaks only for the source (and the common knowledge it needs)."""
    _, body = body_of(path)
    before_box = body.split(f"\n## {SINCE}\n", 1)[0]
    for name in AFTER_SOURCE_NAMES:
        assert name not in before_box, name


@pytest.mark.parametrize("path", LESSON_FILES, ids=LESSON_IDS)
def test_box_gives_dates_and_no_source_date(path):
    box = h2_sections(body_of(path)[1])[0][SINCE]
    dated = [item for item in bullets(box) if YEAR.search(item)]
    assert dated or "No later fact is added" in box, "each later fact carries its date"
    assert "2015\u201316" not in box, "the lesson's dated note appears once, in its introduction"


@pytest.mark.parametrize("path", LESSON_FILES, ids=LESSON_IDS)
def test_no_known_slip(path):
    text = path.read_text(encoding="utf-8")
    for slip in SLIPS:
        assert slip not in text, slip


@pytest.mark.parametrize("path", LESSON_FILES, ids=LESSON_IDS)
def test_the_source_date_is_marked_as_inferred(path):
    intro = body_of(path)[1].split("\n## ", 1)[0]
    assert "the date is inferred, not stated" in intro


@pytest.mark.parametrize(("lesson_id", "name", "usual"), USUAL_NAMES, ids=[n for _, n, _ in USUAL_NAMES])
def test_source_names_carry_the_usual_name_beside_them(lesson_id, name, usual):
    """The first mention in the lesson's text (headings aside) names the usual name too."""
    text = lesson(lesson_id).split("\n## Summary\n", 1)[0]
    content = normalised("\n".join(line for line in text.splitlines() if not line.startswith("#")))
    first = content.index(name) + len(name)
    assert content[first:].startswith(f" (the source's wording; {usual}"), content[first:first + 120]


@pytest.mark.parametrize("lesson_id", ["cyber-diplomacy-around-the-world", "stability-and-bilateral-dialogue"])
def test_us_china_deal_is_more_than_economic_espionage(lesson_id):
    """Both lessons on the deal name its norms, investigations and economic espionage, in text and summary."""
    sections, _ = h2_sections(lesson(lesson_id))
    for part in ["\n".join(text for name, text in sections.items() if name not in {"Summary", PRIMARY, SINCE}),
                 sections["Summary"]]:
        part = normalised(part)
        assert "norms of behaviour" in part
        assert "investigations" in part
        assert "economic espionage" in part


def test_lesson_1_names_digital_and_cyber_diplomacy():
    content = normalised(lesson("evolution-of-diplomatic-relations").split("\n## Summary\n", 1)[0])
    assert "*Digital diplomacy* is diplomacy conducted with digital tools and channels" in content
    assert "*cyber diplomacy*, in the narrower sense, is diplomacy about cyberspace issues as an agenda" in content


def test_about_claims_no_affiliation():
    meta, body = body_of(COURSE_DIR / "about.md")
    assert meta["kind"] == "page"
    for name in ADVERTISER:
        assert name.lower() not in body.lower(), name
    assert "It is not part of any degree and claims no affiliation" in normalised(body)


def test_about_says_what_the_source_is():
    text = normalised(body_of(COURSE_DIR / "about.md")[1])
    assert "an infographic on cyber diplomacy" in text
    assert "the infographic is undated. We date it to about 2015\u201316 by inference" in text
    assert "advertisement for a university's online master's degree in diplomacy" in text
    assert "case in source criticism" in text and "Lesson 5" in text

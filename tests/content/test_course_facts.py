"""Content checks for the Cyber Diplomacy course files in ``course/``.

These tests read the Markdown and YAML files directly with plain Python and
PyYAML (no application imports), so they run in any clone of the repository.
They check the structure the content loader relies on and that every figure,
date, name and quotation carried over from the source infographic appears,
character for character, in the lesson that should carry it.
"""

import re
from pathlib import Path

import pytest
import yaml

COURSE_DIR = Path(__file__).resolve().parents[2] / "course"

# The 17 section headings of the source before "Learn More", verbatim and in order.
SOURCE_SECTIONS = [
    "The Evolution of Diplomatic Relations",
    "U.S. Interests in Cyberspace",
    "U.S. Cyber Diplomacy Amounts To a \u201cGlobal Media Empire\u201d",
    "International Strategy for Cyberspace by U.S. Government",
    "Efforts to Increase Cyber Security in the US",
    "A New American Cyber Mission",
    "American Cyber War Planning",
    "Cyber Threat Intelligence Integration Center (CTIIC)",
    "What Americans Think Of State Sponsored Cyber Attacks",
    "Cyber Diplomacy around the World",
    "European Union",
    "China",
    "South Korea",
    "India",
    "International Cyber Stability",
    "The Bilateral Dialogue on Cyber Issues",
    "The Increasing Need for Cyber Diplomacy",
]

# Lesson slug -> the source sections it covers, in lesson order.
LESSONS = {
    "evolution-of-diplomatic-relations": SOURCE_SECTIONS[0:1],
    "us-interests-in-cyberspace": SOURCE_SECTIONS[1:3],
    "us-strategy-and-legislation": SOURCE_SECTIONS[3:5],
    "us-cyber-defence-institutions": SOURCE_SECTIONS[5:8],
    "public-opinion-on-state-sponsored-attacks": SOURCE_SECTIONS[8:9],
    "cyber-diplomacy-around-the-world": SOURCE_SECTIONS[9:14],
    "stability-and-bilateral-dialogue": SOURCE_SECTIONS[14:16],
    "the-increasing-need-for-cyber-diplomacy": SOURCE_SECTIONS[16:17],
}
LESSON_FILES = {slug: f"{order:02d}-{slug}.md" for order, slug in enumerate(LESSONS, start=1)}

LESSON_KEYS = {"id", "title", "order", "minutes", "objectives", "source_sections"}
PAGE_KEYS = {"id", "title", "kind"}
COURSE_KEYS = {"id", "title", "summary", "source", "lessons"}
SOURCE_KEYS = {"title", "dated", "sections"}

OBJECTIVE_VERBS = {
    "Analyse",
    "Apply",
    "Assess",
    "Compare",
    "Critique",
    "Describe",
    "Discuss",
    "Distinguish",
    "Evaluate",
    "Explain",
    "Identify",
    "Interpret",
    "Outline",
    "Relate",
    "Summarise",
    "Synthesise",
}

DATED_NOTE = "2015\u201316"
HANSON_QUOTE = "\u201cThe U.S. State Department is operating a global media empire.\u201d"

# (lesson slug, exact string). Each row is one test case.
FACTS = [
    # 01 The Evolution of Diplomatic Relations (and the opening paragraph)
    ("evolution-of-diplomatic-relations", "behind closed doors"),
    ("evolution-of-diplomatic-relations", "more than 70%"),
    ("evolution-of-diplomatic-relations", "heads of state were on Twitter"),
    ("evolution-of-diplomatic-relations", "retweets, replies and mentions"),
    ("evolution-of-diplomatic-relations", "cyber espionage"),
    ("evolution-of-diplomatic-relations", "internet governance"),
    # 02 U.S. Interests in Cyberspace + "Global Media Empire"
    ("us-interests-in-cyberspace", "cyber diplomacy office"),
    ("us-interests-in-cyberspace", "Internet freedom"),
    ("us-interests-in-cyberspace", "innovation"),
    ("us-interests-in-cyberspace", "economic growth"),
    ("us-interests-in-cyberspace", "military uses of the internet"),
    ("us-interests-in-cyberspace", "cyber security"),
    ("us-interests-in-cyberspace", "internet governance"),
    ("us-interests-in-cyberspace", "defend the U.S. against significant cyber attacks"),
    (
        "us-interests-in-cyberspace",
        "defend Department of Defense (DOD) information networks",
    ),
    ("us-interests-in-cyberspace", "full-spectrum cyber options"),
    ("us-interests-in-cyberspace", "military operations and contingency plans"),
    (
        "us-interests-in-cyberspace",
        "Fergus Hanson, writing from a Washington, DC think-tank",
    ),
    ("us-interests-in-cyberspace", HANSON_QUOTE),
    ("us-interests-in-cyberspace", "over 200 Facebook pages"),
    ("us-interests-in-cyberspace", "150 Twitter accounts"),
    ("us-interests-in-cyberspace", "millions of followers"),
    ("us-interests-in-cyberspace", "leads the world in cyber diplomacy resources"),
    # 03 International Strategy for Cyberspace + House bills
    ("us-strategy-and-legislation", "International Strategy for Cyberspace"),
    ("us-strategy-and-legislation", "May 2011"),
    (
        "us-strategy-and-legislation",
        "reliability, resilience and security of global networks",
    ),
    ("us-strategy-and-legislation", "21st century"),
    ("us-strategy-and-legislation", "fundamental freedoms"),
    ("us-strategy-and-legislation", "open markets"),
    ("us-strategy-and-legislation", "House of Representatives"),
    ("us-strategy-and-legislation", "The Protecting Cyber Networks Act"),
    (
        "us-strategy-and-legislation",
        "The National Cyber Security Protection Advancement Act",
    ),
    ("us-strategy-and-legislation", "22 April 2015"),
    ("us-strategy-and-legislation", "23 April 2015"),
    (
        "us-strategy-and-legislation",
        "between companies, and between companies and the government",
    ),
    ("us-strategy-and-legislation", "vulnerabilities early"),
    # 04 Cyber mission, war planning, CTIIC
    ("us-cyber-defence-institutions", "Department of Defense (DOD)"),
    ("us-cyber-defence-institutions", "by 2018"),
    ("us-cyber-defence-institutions", "133 teams"),
    ("us-cyber-defence-institutions", "more than 6000 cyber operators"),
    ("us-cyber-defence-institutions", "cyber command structure"),
    ("us-cyber-defence-institutions", "war planning"),
    (
        "us-cyber-defence-institutions",
        "internet-enabled offensive and defensive cyber strategies",
    ),
    (
        "us-cyber-defence-institutions",
        "White House launched the Cyber Threat Intelligence Integration Center (CTIIC)",
    ),
    ("us-cyber-defence-institutions", "February 2015"),
    ("us-cyber-defence-institutions", "American policy makers"),
    ("us-cyber-defence-institutions", "cyber centres"),
    # 05 Public opinion on state-sponsored attacks
    ("public-opinion-on-state-sponsored-attacks", "state actors"),
    ("public-opinion-on-state-sponsored-attacks", "trade secrets"),
    ("public-opinion-on-state-sponsored-attacks", "foreign governments had been blamed"),
    # The source dates neither the incidents nor the survey: the lesson says so (issue 9).
    ("public-opinion-on-state-sponsored-attacks", 'In incidents the source calls "recent" but does not date'),
    ("public-opinion-on-state-sponsored-attacks", 'In a survey the source calls "recent"'),
    ("public-opinion-on-state-sponsored-attacks", "45%"),
    (
        "public-opinion-on-state-sponsored-attacks",
        "high-level talks with officials of the country behind the attack",
    ),
    # 06 Around the world: EU, China, South Korea, India
    (
        "cyber-diplomacy-around-the-world",
        "governance and application of international law in cyberspace",
    ),
    ("cyber-diplomacy-around-the-world", "free and open Internet"),
    ("cyber-diplomacy-around-the-world", "reducing cybercrime"),
    ("cyber-diplomacy-around-the-world", 'the source says "third world countries"'),
    ("cyber-diplomacy-around-the-world", "international stability"),
    ("cyber-diplomacy-around-the-world", "digital economy"),
    ("cyber-diplomacy-around-the-world", "Cyber Administration of China"),
    ("cyber-diplomacy-around-the-world", "Ministry of Foreign Affairs"),
    (
        "cyber-diplomacy-around-the-world",
        "Central Internet Security and Leading Information Group",
    ),
    ("cyber-diplomacy-around-the-world", "landmark cyber espionage deal"),
    ("cyber-diplomacy-around-the-world", "September 2015"),
    ("cyber-diplomacy-around-the-world", "norms of behaviour in cyberspace"),
    ("cyber-diplomacy-around-the-world", "work together on cyber investigations"),
    ("cyber-diplomacy-around-the-world", "active cyber diplomacy"),
    (
        "cyber-diplomacy-around-the-world",
        "Ministry of Science, ICT and Future Planning",
    ),
    ("cyber-diplomacy-around-the-world", "National Internet and Security Agency"),
    (
        "cyber-diplomacy-around-the-world",
        "the government rather than the private sector",
    ),
    ("cyber-diplomacy-around-the-world", "Ministry of Communications & ICT"),
    (
        "cyber-diplomacy-around-the-world",
        "National Critical Information Infrastructure Protection Centre",
    ),
    (
        "cyber-diplomacy-around-the-world",
        "Department of Electronics & Information Technology",
    ),
    # 07 Stability and bilateral dialogue
    ("stability-and-bilateral-dialogue", "every nation has a part to play"),
    ("stability-and-bilateral-dialogue", "transnational cyber cooperation"),
    ("stability-and-bilateral-dialogue", "work for international cyber stability"),
    (
        "stability-and-bilateral-dialogue",
        "not to engage in cyber-enabled economic espionage against each other",
    ),
    ("stability-and-bilateral-dialogue", "September 2015"),
    (
        "stability-and-bilateral-dialogue",
        "India and the United States have committed to robust cooperation on cyber issues",
    ),
    (
        "stability-and-bilateral-dialogue",
        "the USA, South Korea, India, Japan, China and other countries",
    ),
    ("stability-and-bilateral-dialogue", "European Parliament"),
    ("stability-and-bilateral-dialogue", "strengthening Internet technologies"),
    # 08 The increasing need for cyber diplomacy
    ("the-increasing-need-for-cyber-diplomacy", "networked and interconnected"),
    ("the-increasing-need-for-cyber-diplomacy", "cyber security"),
    ("the-increasing-need-for-cyber-diplomacy", "cyber espionage"),
    ("the-increasing-need-for-cyber-diplomacy", "privacy"),
    ("the-increasing-need-for-cyber-diplomacy", "Internet freedom"),
    (
        "the-increasing-need-for-cyber-diplomacy",
        "cooperate in shaping cyberspace policy",
    ),
    ("the-increasing-need-for-cyber-diplomacy", "protect national interests"),
    ("the-increasing-need-for-cyber-diplomacy", "security of Internet users"),
    # About this module: what the source is. Its "Learn More" advertisement is described, not
    # reproduced; tests/content/test_course_updates.py checks that no affiliation is claimed.
    ("about", "advertisement for a university's online master's degree in diplomacy"),
    ("about", "claims no affiliation"),
    ("about", "eight lessons"),
    ("about", "final assessment"),
    ("about", DATED_NOTE),
]

# The sections every lesson ends with (course.yaml's lessons.required_sections). They look beyond
# the source (official documents, later facts), so the length limit below leaves them out.
CLOSING_SECTIONS = ["Summary", "Discussion questions", "Primary documents", "Since the source was written"]
AFTER_SOURCE_SECTIONS = CLOSING_SECTIONS[2:]

HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
KEY_TERM_RE = re.compile(r"^- \*\*[^*]+\*\*: \S")
NUMBERED_RE = re.compile(r"^\d+\.\s+\S")


def split_front_matter(path):
    """Return (front matter dict, body text) for a Markdown file with YAML front matter."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.name}: must start with '---' front matter"
    end = text.find("\n---\n", 4)
    assert end != -1, f"{path.name}: front matter is not closed"
    meta = yaml.safe_load(text[4:end])
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    return meta, text[end + len("\n---\n") :]


def headings(body):
    """Return (level, text) for every ATX heading in a Markdown body."""
    found = []
    for line in body.splitlines():
        match = HEADING_RE.match(line)
        if match:
            found.append((len(match.group(1)), match.group(2)))
    return found


def section_lines(body, title):
    """Return the lines under the H2 `title`, up to the next H2 (or the end)."""
    lines = body.splitlines()
    start = lines.index(f"## {title}") + 1
    rest = lines[start:]
    for i, line in enumerate(rest):
        if line.startswith("## "):
            return rest[:i]
    return rest


def normalised(text):
    """Collapse all whitespace so that facts wrapped over lines still match."""
    return " ".join(text.split())


def lesson_path(slug):
    """Return the path of a lesson file, or of about.md for the slug 'about'."""
    return COURSE_DIR / ("about.md" if slug == "about" else LESSON_FILES[slug])


@pytest.fixture(scope="module")
def course():
    """The parsed course.yaml."""
    return yaml.safe_load((COURSE_DIR / "course.yaml").read_text(encoding="utf-8"))


def test_course_yaml_keys(course):
    """course.yaml has exactly the agreed keys and source metadata."""
    assert set(course) == COURSE_KEYS
    assert course["id"] == "cyber-diplomacy"
    assert course["title"] == "Cyber Diplomacy"
    assert isinstance(course["summary"], str) and course["summary"].strip()
    assert set(course["source"]) == SOURCE_KEYS
    assert course["source"]["title"] == "Cyber Diplomacy (infographic)"
    assert course["source"]["dated"] == "about 2015\u201316"


def test_course_yaml_sections_verbatim(course):
    """The 17 source headings are listed verbatim, in order, each once."""
    assert course["source"]["sections"] == SOURCE_SECTIONS


def test_expected_files_exist():
    """The eight lesson files and about.md exist, and no stray lesson files."""
    for name in [*LESSON_FILES.values(), "about.md"]:
        assert (COURSE_DIR / name).is_file(), f"missing course/{name}"
    markdown = sorted(p.name for p in COURSE_DIR.glob("*.md"))
    assert markdown == sorted([*LESSON_FILES.values(), "about.md"])


def test_source_sections_cover_each_heading_once(course):
    """The union of lessons' source_sections is the 17 headings, each exactly once."""
    listed = []
    for slug in LESSONS:
        meta, _ = split_front_matter(lesson_path(slug))
        listed.extend(meta["source_sections"])
    assert sorted(listed) == sorted(course["source"]["sections"])
    assert len(listed) == len(set(listed)) == 17


@pytest.mark.parametrize("slug", list(LESSONS))
def test_lesson_front_matter(slug):
    """Each lesson's front matter has exactly the agreed keys and sane values."""
    meta, _ = split_front_matter(lesson_path(slug))
    assert set(meta) == LESSON_KEYS
    assert meta["id"] == slug
    assert meta["order"] == list(LESSONS).index(slug) + 1
    assert LESSON_FILES[slug].startswith(f"{meta['order']:02d}-")
    assert isinstance(meta["title"], str) and meta["title"].strip()
    assert isinstance(meta["minutes"], int) and 10 <= meta["minutes"] <= 25
    assert 3 <= len(meta["objectives"]) <= 4
    for objective in meta["objectives"]:
        assert objective.split()[0] in OBJECTIVE_VERBS, objective
    assert meta["source_sections"] == LESSONS[slug]


def test_about_front_matter():
    """about.md is a page, not a lesson: id, title and kind only."""
    meta, body = split_front_matter(COURSE_DIR / "about.md")
    assert set(meta) == PAGE_KEYS
    assert meta == {"id": "about", "title": "About this module", "kind": "page"}
    assert body.strip()


@pytest.mark.parametrize("slug", list(LESSONS))
def test_lesson_body_structure(slug):
    """Intro, Key terms, one heading per source section, then the closing sections in order."""
    _, body = split_front_matter(lesson_path(slug))
    found = headings(body)
    assert all(level >= 2 for level, _ in found), "no H1 in lesson bodies"
    names = [text for _, text in found]
    assert len(names) == len(set(names)), "headings must be unique within a lesson"

    h2 = [text for level, text in found if level == 2]
    assert h2[0] == "Key terms"
    assert h2[-len(CLOSING_SECTIONS):] == CLOSING_SECTIONS
    sections = h2[1:-len(CLOSING_SECTIONS)]
    if slug == "cyber-diplomacy-around-the-world":
        assert sections == ["Cyber diplomacy around the world"]
        h3 = [text for level, text in found if level == 3]
        assert h3 == ["European Union", "China", "South Korea", "India"]
    else:
        assert len(sections) == len(LESSONS[slug])

    intro = body.split("\n## ", 1)[0]
    assert intro.strip(), "a short introductory paragraph comes before the first heading"


@pytest.mark.parametrize("slug", list(LESSONS))
def test_key_terms(slug):
    """Key terms is a list of 3-6 items, each '**Term**: definition'."""
    _, body = split_front_matter(lesson_path(slug))
    items = [line for line in section_lines(body, "Key terms") if line.strip()]
    assert 3 <= len(items) <= 6
    for item in items:
        assert KEY_TERM_RE.match(item), item


@pytest.mark.parametrize("slug", list(LESSONS))
def test_discussion_questions(slug):
    """Discussion questions is a numbered list of 2 or 3 questions."""
    _, body = split_front_matter(lesson_path(slug))
    items = [line for line in section_lines(body, "Discussion questions") if line.strip()]
    assert 2 <= len(items) <= 3
    for number, item in enumerate(items, start=1):
        assert NUMBERED_RE.match(item), item
        assert item.startswith(f"{number}. ")
        assert "?" in item, item


@pytest.mark.parametrize("slug", list(LESSONS))
def test_dated_note_once(slug):
    """Each lesson says once that it reflects the source as of about 2015-16."""
    text = lesson_path(slug).read_text(encoding="utf-8")
    assert text.count(DATED_NOTE) == 1


@pytest.mark.parametrize("slug", list(LESSONS))
def test_lesson_length(slug):
    """Lessons stay within a readable length (about 350-700 words of content).

    Primary documents and Since the source was written are reading lists and later facts, not
    teaching text, so they are not counted.
    """
    _, body = split_front_matter(lesson_path(slug))
    for title in AFTER_SOURCE_SECTIONS:
        body = body.replace("\n".join([f"## {title}", *section_lines(body, title)]), "")
    words = len(re.findall(r"[\w\u2019'&%.-]+", body))
    assert 330 <= words <= 800, words


@pytest.mark.parametrize(
    ("slug", "fact"),
    FACTS,
    ids=[f"{slug}:{fact[:40]}" for slug, fact in FACTS],
)
def test_fact_in_lesson(slug, fact):
    """Each figure, date, name and quotation of the source is carried exactly."""
    _, body = split_front_matter(lesson_path(slug))
    assert normalised(fact) in normalised(body)

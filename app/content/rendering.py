"""The one place author text becomes HTML: Markdown rendered, then sanitized with nh3."""

from __future__ import annotations

from dataclasses import dataclass

import markdown
import nh3

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "code": {"class"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["extra", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"permalink": False, "toc_depth": "2-4"}}


@dataclass(frozen=True)
class Heading:
    """A heading in rendered content, with the anchor id a link can point at."""

    id: str
    level: int
    text: str


@dataclass(frozen=True)
class Rendered:
    """Sanitized HTML and the headings found in it."""

    html: str
    headings: tuple[Heading, ...]


def sanitize_html(html: str) -> str:
    """Strip every tag, attribute and URL scheme not on the allow-lists."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> Rendered:
    """Render author Markdown to sanitized HTML and list its headings."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    html = sanitize_html(md.convert(text))
    headings = tuple(_flatten(md.toc_tokens))
    return Rendered(html=html, headings=headings)


def render_inline(text: str) -> str:
    """Render a short piece of author Markdown (a title, a feedback line) without a wrapping <p>."""
    html = render_markdown(text).html
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def _flatten(tokens) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        out.append(Heading(id=token["id"], level=token["level"], text=_plain(token["name"])))
        out.extend(_flatten(token.get("children", [])))
    return out


def _plain(name: str) -> str:
    # toc token names are HTML-escaped text; keep them as plain text for storage.
    import html

    return html.unescape(nh3.clean(name, tags=set()))

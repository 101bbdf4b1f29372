"""render_markdown is the one path from author text to HTML: it must neutralise every XSS payload."""

import pytest

from app.content.rendering import render_inline, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](  javascript:alert(1) )",
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<form action="https://evil.example"><input name="p"></form>',
    '<body onload="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">para</p>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>body{background:red}</style>",
    "<details open ontoggle=alert(1)>",
    "## Heading {onclick=alert(1)}",
    '<input autofocus onfocus="alert(1)">',
    "<base href=\"javascript:alert(1)//\">",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_script_survives(payload):
    html = render_markdown(f"Some text.\n\n{payload}\n\nMore text.").html.lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "data:text" not in html
    for tag in ("<iframe", "<object", "<embed", "<form", "<input", "<meta", "<style", "<base", "<svg", "<body"):
        assert tag not in html
    # No event-handler attribute of any kind: ` on<name>=` inside a tag.
    import re

    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html)
    assert "style=" not in html


def test_ordinary_markdown_renders():
    rendered = render_markdown("# Title\n\nSome *emphasis* and a [link](https://example.org).\n\n## Part two\n")
    assert "<em>emphasis</em>" in rendered.html
    assert 'href="https://example.org"' in rendered.html
    assert 'rel="noopener noreferrer nofollow"' in rendered.html
    # Lesson titles come from front matter, so only sections (h2-h4) are link targets.
    assert [(h.level, h.text, h.id) for h in rendered.headings] == [(2, "Part two", "part-two")]
    assert '<h2 id="part-two">' in rendered.html


def test_tables_and_lists_survive():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n2. two\n").html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<ol>" in html and "<li>one</li>" in html


def test_render_inline_drops_the_paragraph():
    assert render_inline("A *short* line") == "A <em>short</em> line"
    assert "<script" not in render_inline("<script>x</script>ok")

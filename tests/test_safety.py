"""No author or guest can put script into the site; metadata is escaped wherever it lands."""

from __future__ import annotations

import json

from lxml import etree

from conftest import GINA, post

HOSTILE_BODY = """
<script>alert('body')</script>
<img src=x onerror="alert('img')">
<iframe src="https://evil.example"></iframe>
<form action="https://evil.example"><input name=q></form>
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example">
<svg><script>alert('svg')</script></svg>
<a href="#" onclick="alert('click')">click</a>
<!-- internal: customer is Acme -->

[js](javascript:alert(1)) [mixed](JaVaScRiPt:alert(1)) [entity](&#106;avascript:alert(1))
[tab](java&#x09;script:alert(1)) [vb](vbscript:msgbox(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
[file](file:///etc/passwd) <javascript:alert(1)>
![svg](data:image/svg+xml;base64,PHN2Zz4=)
![ok](data:image/png;base64,iVBORw0KGgo=)

## search {#search}

## Location

| a | b |
|:--|--:|
| 1 | 2 |

Footnote[^1].

[^1]: The note.

```python
print("kept")
```
"""


def _all_attributes(page):
    return [
        (el.tag, name, value)
        for el in page.iter()
        if isinstance(el.tag, str)
        for name, value in el.attrib.items()
    ]


def test_hostile_markdown_is_neutralised(site):
    site.write("content/gina/x.md", post("Hostile", body=HOSTILE_BODY))
    site.build()
    page = site.page("posts/gina/x/index.html")
    prose = page.cssselect(".prose")[0]
    assert not prose.cssselect("script, iframe, form, input, base, meta, svg, style")
    for tag, name, value in _all_attributes(prose):
        assert not name.startswith("on"), (tag, name)
        lowered = value.replace("\t", "").lower()
        if name in ("href", "src"):
            assert not lowered.startswith(
                ("javascript:", "vbscript:", "file:", "data:text", "data:image/svg")
            ), value
    html = (site.output / "posts/gina/x/index.html").read_text()
    assert "alert(" not in html and "Acme" not in html
    # what authors legitimately need survives
    assert prose.cssselect('img[src^="data:image/png"]')
    assert prose.cssselect("table th[style='text-align:left']")
    assert prose.cssselect("div.highlight pre")
    assert prose.cssselect("sup a[href='#fn:1']") and prose.cssselect("li#fn\\:1")
    # author-chosen ids cannot clobber the page's own: headings are prefixed
    assert not page.cssselect("#search") and prose.cssselect("h2#h-location")


def test_metadata_is_escaped_in_html_json_and_attributes(site):
    evil = "\"><script>alert('t')</script></script>"
    site.write(
        "content/gina/x.md", post(evil, Summary="<img src=x onerror=alert(1)> plain", Tags="<b>bold</b>")
    )
    site.write(
        "authors/gina.yml", GINA.replace("Nordlicht University", "Uni \"><script>alert('aff')</script>")
    )
    site.build()
    for path in ["posts/gina/x/index.html", "index.html", "authors/gina/index.html", "topics/index.html"]:
        text = (site.output / path).read_text()
        assert "<script>alert" not in text, path
        page = site.page(path)
        for script in page.cssselect("script"):
            # only our own files, or JSON-LD data that stays data (parses, cannot close the element)
            if script.get("src"):
                assert script.get("src").startswith("/theme/"), (path, script.get("src"))
            else:
                assert script.get("type") == "application/ld+json", path
                json.loads(script.text)
                assert "</script" not in script.text.lower(), path
    page = site.page("posts/gina/x/index.html")
    assert page.cssselect("h1")[0].text_content() == evil
    assert page.cssselect("title")[0].text_content().startswith(evil)
    index = json.loads((site.output / "network.json").read_text())
    assert index["posts"][0]["title"] == evil
    assert any((a["affiliation"] or "").startswith('Uni "><script>') for a in index["authors"])


def test_bio_is_rendered_and_sanitised(site):
    site.write(
        "authors/gina.yml",
        GINA.replace(
            "bio: Gina studies sensor drift.",
            "bio: |\n  Gina **studies** drift.<script>alert(1)</script>[x](javascript:alert(2))",
        ),
    )
    site.write("content/gina/x.md", post())
    site.build()
    page = site.page("authors/gina/index.html")
    bio = page.cssselect(".profile .prose")[0]
    assert bio.cssselect("strong")[0].text == "studies"
    assert not bio.cssselect("script") and "javascript" not in etree.tostring(bio, encoding="unicode")


def test_template_syntax_in_content_is_just_text(site):
    site.write(
        "content/gina/x.md", post("{{ config }}", body="{% include '../../.env' %} and {{ ''.__class__ }}")
    )
    site.build()
    page = site.page("posts/gina/x/index.html")
    assert page.cssselect("h1")[0].text_content() == "{{ config }}"
    assert "{% include '../../.env' %}" in page.cssselect(".prose")[0].text_content()


def test_deeply_nested_markdown_fails_with_the_file_instead_of_crashing(site):
    site.write(
        "content/gina/deep.md", post("Deep", body="\n".join("  " * depth + "- item" for depth in range(600)))
    )
    assert site.problems() == [
        "content/gina/deep.md:4: error: nesting is too deep to render (lists, quotes or brackets inside each other); flatten it"
    ]


def test_markdown_that_renders_too_slowly_fails_instead_of_stalling_the_build(site):
    site.write("content/gina/slow.md", post("Slow", body="[" * 3000 + "x" + "] " * 3000))
    assert site.problems(CHORUS_MAX_RENDER_SECONDS=1) == [
        "content/gina/slow.md:4: error: took longer than 1 s to render; look for thousands of nested brackets or emphasis markers"
    ]

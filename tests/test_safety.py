"""No author or guest can put script into the site; metadata is escaped wherever it lands."""

from __future__ import annotations

import io
import json
import threading
import time

import pytest
from lxml import etree
from PIL import Image, ImageCms, PngImagePlugin

from conftest import DEPARTMENTS, GINA, png_bytes, post

HOSTILE_BODY = """
<script>alert('body')</script>
<img src=https://evil.example/x.png onerror="alert('img')">
<iframe src="https://evil.example"></iframe>
<form action="https://evil.example"><input name=q></form>
<input type="text" name="card" autofocus onfocus="alert('input')"> <input type=submit formaction="https://evil.example">
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
    assert not prose.cssselect("script, iframe, form, base, meta, svg, style, button, textarea, select")
    # the one input an author gets is a task list's: whatever was written, a disabled checkbox
    for field in prose.cssselect("input"):
        assert field.get("type") == "checkbox" and field.get("disabled") is not None, field.attrib
        assert set(field.attrib) <= {"type", "disabled", "checked"}, field.attrib
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
        "content/gina/x.md",
        post(evil, Summary="<img src=https://evil.example/x.png onerror=alert(1)> plain", Tags="<b>bold</b>"),
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


def test_markdown_that_renders_too_slowly_fails_in_a_thread_too(site):
    # `chorus serve` builds in a thread of its own, which no timer signal reaches.
    site.write("content/gina/slow.md", post("Slow", body="[" * 3000 + "x" + "] " * 3000))
    problems: list[str] = []
    builder = threading.Thread(
        target=lambda: problems.extend(site.problems(CHORUS_MAX_RENDER_SECONDS=1)), daemon=True
    )
    builder.start()
    builder.join(60)
    assert not builder.is_alive(), "the build in a thread ran past its time limit"
    assert problems == [
        "content/gina/slow.md:4: error: took longer than 1 s to render; look for thousands of nested brackets or emphasis markers"
    ]


def test_a_time_limit_in_a_thread_stops_the_block_and_nothing_after_it():
    from plugins.network.timelimit import TimeLimitExceeded, time_limit

    seen: list[str] = []

    def work() -> None:
        try:
            with time_limit(0.2):
                while True:
                    sum(range(100))
        except TimeLimitExceeded:
            seen.append("stopped")
        with time_limit(0.1):
            seen.append("in time")
        until = time.monotonic() + 0.4  # past the second limit: nothing is raised out here
        while time.monotonic() < until:
            sum(range(100))
        seen.append("after")

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(10)
    assert seen == ["stopped", "in time", "after"]


# Static files are safe by construction (issue #11, point 4): images are re-encoded, other
# files must be what their extension says, names come from a safe alphabet.


def _jpeg_with_metadata() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show it upright
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 40, 40)).save(
        buffer, "JPEG", exif=exif, comment=b"Nordchem", icc_profile=_SRGB, xmp=b"<x:xmpmeta>Alice</x:xmpmeta>"
    )
    return buffer.getvalue()


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Nordchem plant, line 3")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>Alice</x:xmpmeta>")
    buffer = io.BytesIO()
    Image.new("RGBA", (30, 20), (10, 20, 30, 128)).save(buffer, "PNG", pnginfo=info, icc_profile=_SRGB)
    return buffer.getvalue()


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (10, 10), (80 * i, 0, 0)) for i in range(3)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=b"Nordchem",
    )
    return buffer.getvalue()


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def test_published_images_are_reencoded_without_metadata(site):
    site.write("content/alice/photo.jpg", _jpeg_with_metadata())
    site.write("content/alice/images/chart.png", _png_with_text())
    site.write("content/alice/spin.gif", _animated_gif())
    site.write(
        "content/alice/hello.md",
        post("Hello", body="![Photo]({static}photo.jpg) ![Chart](images/chart.png) ![Spin](spin.gif)"),
    )
    site.build()
    prose = site.page("posts/alice/hello/index.html").cssselect(".prose")[0]
    assert [img.get("src") for img in prose.cssselect("img")] == [
        "/media/alice/photo.jpg",
        "/media/alice/images/chart.png",
        "/media/alice/spin.gif",
    ]
    media = site.output / "media/alice"
    for name, fmt, size in [("photo.jpg", "JPEG", (60, 80)), ("images/chart.png", "PNG", (30, 20))]:
        data = (media / name).read_bytes()
        with Image.open(media / name) as image:
            assert (image.format, image.size) == (fmt, size)  # turned upright, same format
            assert not image.getexif(), name  # no EXIF, so no GPS and no orientation left
            assert not {"exif", "xmp", "icc_profile", "comment", "Comment", "XML:com.adobe.xmp"} & set(
                image.info
            )
            assert not getattr(image, "text", {}), name  # no PNG text chunks
        assert b"Nordchem" not in data and b"Alice" not in data and b"SecretCam" not in data
    with Image.open(media / "photo.jpg") as photo:
        assert photo.getpixel((30, 40))[0] > 150  # still red: the pixels, not a blank image
    with Image.open(media / "spin.gif") as spin:
        assert spin.n_frames == 3 and "comment" not in spin.info
        durations = []
        for index in range(spin.n_frames):
            spin.seek(index)
            durations.append(spin.info["duration"])
        assert durations == [100, 200, 300]


def test_a_real_pdf_is_published_as_it_is(site):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    site.write("content/alice/datasheet.pdf", pdf)
    site.write("content/alice/hello.md", post("Hello from service", body="The [datasheet](datasheet.pdf)."))
    site.build()
    assert (site.output / "media/alice/datasheet.pdf").read_bytes() == pdf


@pytest.mark.parametrize(
    ("relative", "content", "expected"),
    [
        (
            "content/bob/doc.pdf",
            b"<html><script>alert(1)</script></html>",
            "content/bob/doc.pdf: error: the content is not a PDF document (it looks like HTML or XML);"
            " only a real PDF document may be named .pdf",
        ),
        (
            "content/bob/sheet.pdf",
            b"PK\x03\x04rest of a zip",
            "content/bob/sheet.pdf: error: the content is not a PDF document (it is a ZIP archive (Word and Excel"
            " files are too)); only a real PDF document may be named .pdf",
        ),
        (
            "content/bob/chart.jpg",
            png_bytes(),
            "content/bob/chart.jpg: error: the content is a PNG image, not JPEG: rename the file to end in .png"
            " (and the links to it)",
        ),
        (
            "content/bob/page.png",
            b"<html><script>alert(1)</script></html>",
            "content/bob/page.png: error: not a decodable image (expected one of PNG, JPEG, WEBP, GIF)",
        ),
        (
            "content/bob/big.pdf",
            b"%PDF-" + b"0" * 2000,
            "content/bob/big.pdf: error: file is 2,005 bytes; the limit is 1,000 bytes (CHORUS_MAX_ATTACHMENT_BYTES)",
        ),
        (
            "content/bob/lfs.pdf",
            b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12345\n",
            "content/bob/lfs.pdf: error: this is a Git LFS pointer, not a PDF document: fetch LFS objects before building",
        ),
    ],
)
def test_a_file_must_be_what_its_extension_says(site, relative, content, expected):
    site.write(relative, content)
    assert site.check(CHORUS_MAX_ATTACHMENT_BYTES=1000) == [expected]


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (
            "content/bob/my chart.png",
            "content/bob/my chart.png: error: name has characters that are not allowed (a space);"
            " use only letters a-z and A-Z, digits, '-', '_' and '.', like 'pump-curve.png'",
        ),
        (
            "content/bob/-rf.png",
            "content/bob/-rf.png: error: name starts with '-'; start it with a letter or a digit",
        ),
        (
            "content/bob/a\nb.png",
            "content/bob/a\\u000ab.png: error: name has characters that are not allowed (U+000A);"
            " use only letters a-z and A-Z, digits, '-', '_' and '.', like 'pump-curve.png'",
        ),
        (
            "content/bob/k\u00e4se.md",
            "content/bob/käse.md: error: name has characters that are not allowed ('ä');"
            " use only letters a-z and A-Z, digits, '-', '_' and '.', like 'pump-curve.png'",
        ),
        (
            "content/bob/con.png",
            "content/bob/con.png: error: 'con' is a reserved name on Windows; choose another name",
        ),
        (
            "content/bob/" + "a" * 120 + ".png",
            "content/bob/"
            + "a" * 120
            + ".png: error: name is 124 characters long; the limit is 100 (CHORUS_MAX_FILE_NAME_LENGTH)",
        ),
    ],
)
def test_file_names_come_from_a_safe_alphabet(site, relative, expected):
    site.write(relative, png_bytes() if relative.endswith(".png") else post())
    assert site.check() == [expected]


def test_an_editors_backup_and_auto_save_files_are_not_sources(site):
    """vim's and Emacs' 'hello.md~', Emacs' '#hello.md#': the build failed on the name (so the
    preview broke at an editor's first save), as Hugo does not. Left out, like hidden files."""
    for name in ("hello.md~", "#hello.md#", ".#hello.md"):
        site.write(f"content/alice/{name}", post("Backup", body="[[nowhere]]"))
    site.write("authors/alice.yml~", "not: [yaml")
    site.write("content/alice/old~/hello.md", post("Backup"))  # a folder kept aside
    assert site.check() == []
    output = site.build()
    assert not [p for p in output.rglob("*") if "~" in p.name or "#" in p.name]
    assert "Backup" not in (output / "index.html").read_text()


def test_a_post_named_with_a_hash_is_still_a_post_and_refused_by_name(site):
    """'#tips.md' is no editor's file: Pelican reads it, so the model must too (skipped by
    check, it failed the build with 'Could not process alice/#tips.md', no reason given)."""
    site.write("content/alice/#tips.md", post("Tips"))
    expected = [
        "content/alice/#tips.md: error: name has characters that are not allowed ('#'); use only letters"
        " a-z and A-Z, digits, '-', '_' and '.', like 'pump-curve.png'"
    ]
    assert site.check() == expected
    assert site.problems() == expected


def test_a_post_with_an_upper_case_extension_is_refused_not_published_as_its_source(site):
    """Pelican reads only '.md' as a post: 'idea.MD' would be copied to the site as it is,
    its header and draft text included."""
    site.write("content/bob/idea.MD", post("Idea", Status="draft", body="DRAFT-CANARY"))
    expected = (
        "content/bob/idea.MD: error: write the extension in lower case, '.md': Pelican reads only"
        " '.md' files as posts, and would publish this one's source as it is"
    )
    assert site.check() == [expected]
    assert site.problems() == [expected]
    site.remove("content/bob/idea.MD")
    site.write("content/bob/idea.md", post("Idea", Status="draft", body="DRAFT-CANARY"))
    output = site.build()
    assert not any(b"DRAFT-CANARY" in p.read_bytes() for p in output.rglob("*") if p.is_file())


def test_a_folder_with_a_bad_name_is_one_error(site):
    for name in ("a.png", "b.png", "c.md"):
        site.write(f"content/bob/old stuff/{name}", png_bytes() if name.endswith(".png") else post())
    assert site.check() == [
        "content/bob/old stuff: error: name has characters that are not allowed (a space);"
        " use only letters a-z and A-Z, digits, '-', '_' and '.', like 'pump-curve.png'"
    ]


def test_static_extensions_are_types_chorus_can_check(site):
    assert site.check(CHORUS_STATIC_EXTENSIONS=["png", "html"]) == [
        "pelicanconf.py: error: CHORUS_STATIC_EXTENSIONS: Chorus cannot check that a file's content is 'html'"
        " (it can check: gif, jpeg, jpg, pdf, png, webp) (got ['png', 'html'])"
    ]


def test_no_rewrite_after_the_sanitiser_brings_a_dead_link_to_life(site):
    # Spaces, tabs and character references before a scheme: the browser strips them, and so
    # did the feeds' URL rewriting (urljoin) after the sanitiser had judged the URL.
    site.write(
        "content/gina/x.md",
        post(
            "Links",
            Summary='<a href="&#x20;data:text/html,SUMMARY-CANARY">s</a>',
            body="""
            <a href="&#x20;data:text/html,DATA-CANARY">a</a> <a href=" vbscript:VB-CANARY">b</a>
            <a href="jav&#x09;ascript:JS-CANARY()">c</a> <img src=" data:image/svg+xml,SVG-CANARY" alt="d">
            <a href=" https://example.org/fine ">fine</a>
            """,
        ),
    )
    output = site.build()
    written = {
        path: path.read_text(encoding="utf-8")
        for path in output.rglob("*")
        if path.suffix in (".html", ".xml", ".json", ".opml")
    }
    feeds = [p for p in written if "feeds" in p.parts]
    assert {p.suffix for p in feeds} >= {".xml", ".json"}
    for path, text in written.items():
        for canary in ("DATA-CANARY", "VB-CANARY", "JS-CANARY", "SVG-CANARY", "SUMMARY-CANARY"):
            assert canary not in text, (path, canary)
    assert 'href="https://example.org/fine"' in (output / "posts/gina/x/index.html").read_text()


def test_registry_text_reaches_rss_readers_as_text(site):
    site.write(
        "departments.yml",
        DEPARTMENTS.replace(
            "Field engineers who keep meters running.",
            "Field engineers <b onclick=alert(1)>who</b> fix meters.",
        ),
    )
    output = site.build()
    channel = etree.parse(str(output / "feeds/departments/service/rss.xml")).find("channel")
    # An RSS reader renders <description> as HTML: the markup must arrive as visible text.
    assert (
        channel.findtext("description")
        == "Field engineers &lt;b onclick=alert(1)&gt;who&lt;/b&gt; fix meters."
    )
    atom = etree.parse(str(output / "feeds/departments/service/atom.xml"))
    assert atom.findtext("{http://www.w3.org/2005/Atom}subtitle") == (
        "Field engineers <b onclick=alert(1)>who</b> fix meters."
    )


def test_a_failing_url_rewrite_is_an_error_not_a_link_silently_dropped():
    """The sanitiser drops an attribute whose filter raises and goes on; the renderer
    raises instead, so a bug cannot remove links from pages without a word."""
    from plugins.network.rendering import MarkdownRenderer

    def broken(url: str) -> str:
        raise ValueError(f"cannot point {url}")

    with pytest.raises(ValueError, match="cannot point x.png"):
        MarkdownRenderer().render("![A](x.png)", rewrite_url=broken)

"""`chorus import wordpress`: a WordPress export becomes authors, posts, drafts and pages as
they were, its HTML goes through the sanitiser like any post, and nothing is overwritten."""

from __future__ import annotations

import textwrap

import pytest

from chorus.check import run_check
from chorus.cli import main
from chorus.importers.html import html_to_markdown
from chorus.importers.wordpress import author_id, read_export
from conftest import NOW, png_bytes

BLOG = "https://blog.acme.example"
UPLOADS = f"{BLOG}/wp-content/uploads"


def item(post_id, title, creator, body, *, kind="post", status="publish", date="2019-03-04 11:00:00",
         gmt="2019-03-04 10:00:00", modified=None, modified_gmt=None, slug="", terms=(), excerpt="",
         sticky=0, password=""):  # fmt: skip
    categories = "".join(
        f'<category domain="{domain}" nicename="{nicename}"><![CDATA[{name}]]></category>'
        for domain, nicename, name in terms
    )
    return f"""
    <item>
      <title>{title}</title>
      <link>{BLOG}/{slug or post_id}/</link>
      <pubDate>Mon, 04 Mar 2019 10:00:00 +0000</pubDate>
      <dc:creator><![CDATA[{creator}]]></dc:creator>
      <guid isPermaLink="false">{BLOG}/?p={post_id}</guid>
      <content:encoded><![CDATA[{body}]]></content:encoded>
      <excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
      <wp:post_id>{post_id}</wp:post_id>
      <wp:post_date><![CDATA[{date}]]></wp:post_date>
      <wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>
      <wp:post_modified><![CDATA[{modified or date}]]></wp:post_modified>
      <wp:post_modified_gmt><![CDATA[{modified_gmt or gmt}]]></wp:post_modified_gmt>
      <wp:post_name><![CDATA[{slug}]]></wp:post_name>
      <wp:status><![CDATA[{status}]]></wp:status>
      <wp:post_type><![CDATA[{kind}]]></wp:post_type>
      <wp:post_password><![CDATA[{password}]]></wp:post_password>
      <wp:is_sticky>{sticky}</wp:is_sticky>
      {categories}
    </item>"""


def author(login, name, email):
    return f"""
    <wp:author>
      <wp:author_id>1</wp:author_id>
      <wp:author_login><![CDATA[{login}]]></wp:author_login>
      <wp:author_email><![CDATA[{email}]]></wp:author_email>
      <wp:author_display_name><![CDATA[{name}]]></wp:author_display_name>
    </wp:author>"""


HELLO = f"""Thanks for reading &amp; welcome.<script>alert("hello")</script>

<img src="{UPLOADS}/2019/03/pump.png" alt="A pump on the test bench" width="80" height="60" />

More in <a href="{BLOG}/flow-basics/">the basics</a>. <a href="javascript:alert(1)" onclick="steal()">Bad link</a>

<img src="{UPLOADS}/2019/03/missing.jpg" alt="A meter that only the old blog has" />
<iframe src="https://www.youtube.com/embed/abc123"></iframe>"""

CLASSIC = """Paragraph one,
with a line break.

<h2>Heading</h2>
Paragraph two with <em>emphasis</em>.<style>body { display: none }</style>"""


def export(*items: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Acme Blog</title>
  <link>{BLOG}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  {author("jdoe", "Jane Doe", "jane.doe@acme.example")}
  {author("Li.Wei", "Li Wei", "li.wei@acme.example")}
  {author("admin", "Site Admin", "admin@acme.example")}
  {"".join(items)}
</channel>
</rss>
"""


EXPORT = export(
    item(12, "Hello &amp; welcome", "jdoe", HELLO, slug="hello-welcome", sticky=1,
         terms=[("category", "news", "News"), ("category", "uncategorized", "Uncategorized"),
                ("post_tag", "flow-meters", "Flow meters")],
         modified="2019-03-05 12:30:00", modified_gmt="2019-03-05 11:30:00", excerpt="Short <em>intro</em>."),
    item(13, "Flow basics", "Li.Wei", CLASSIC, slug="flow-basics", date="2019-07-01 09:15:00",
         gmt="2019-07-01 07:15:00", terms=[("post_tag", "flow-meters-2", "flow meters")]),
    item(14, "Half-written thoughts", "jdoe", "<p>Not ready.</p>", status="draft", gmt="0000-00-00 00:00:00"),
    item(15, "Only for the team", "jdoe", "<p>Internal.</p>", status="private", slug="team-only"),
    item(16, "Next year's plan", "Li.Wei", "<p>Soon.</p>", status="future", slug="plan",
         date="2030-01-02 08:00:00", gmt="2030-01-02 07:00:00"),
    item(17, "Secret", "jdoe", "<p>Password.</p>", slug="secret", password="hunter2"),
    item(20, "About us", "admin", "<p>We make meters.</p>", kind="page", slug="about-us"),
    item(21, "Authors", "admin", "<p>Our writers.</p>", kind="page", slug="authors"),
    item(30, "pump", "jdoe", "", kind="attachment", status="inherit", slug="pump"),
    item(40, "Deleted", "jdoe", "<p>Gone.</p>", status="trash", slug="deleted"),
    item(50, "Home", "admin", "", kind="nav_menu_item", slug="home"),
)  # fmt: skip


@pytest.fixture
def wordpress(site, tmp_path):
    """The export and a local copy of its uploads (pump.png only) outside the network."""
    folder = tmp_path / "export"
    (folder / "uploads/2019/03").mkdir(parents=True)
    (folder / "uploads/2019/03/pump.png").write_bytes(png_bytes())
    (folder / "acme.xml").write_text(EXPORT, encoding="utf-8")
    return folder / "acme.xml"


def run_import(site, capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["import", *args, "--root", str(site.root)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def header(site, path) -> dict[str, str]:
    text = (site.root / path).read_text(encoding="utf-8")
    lines = text.split("\n\n", 1)[0].splitlines()
    return dict(line.split(": ", 1) for line in lines)


def test_a_wordpress_blog_arrives_as_it_was_and_builds_strictly(site, wordpress, capsys):
    code, out = run_import(site, capsys, "wordpress", str(wordpress), "--department", "service")
    assert code == 0, out
    assert out.splitlines()[0] == (
        "imported 3 post(s), 3 draft(s), 2 page(s); created 2 author(s), kept 0;"
        " copied 1 attachment(s); skipped 3 item(s)"
    )
    for line in [
        "  created authors/jdoe.yml",
        "  created authors/li-wei.yml",
        "  created content/jdoe/pump.png",
        "  skipped 1 nav_menu_item item(s): not a post or a page",
        "  skipped post 40 'Deleted': in WordPress's trash",
        "  skipped WordPress user 'admin': no post to import",
        f"  content/jdoe/hello-welcome.md: {UPLOADS}/2019/03/missing.jpg",
        "  authors/jdoe.yml: WordPress user 'jdoe' <jane.doe@acme.example>, department 'service' given by"
        " --department: check it, and write the title, expertise and bio",
    ]:
        assert line in out.splitlines(), line

    # Authors: login -> id, display name, the department given; the e-mail stays out.
    jane = (site.root / "authors/jdoe.yml").read_text(encoding="utf-8")
    assert "name: Jane Doe" in jane and "department: service" in jane and "acme.example" not in jane
    assert "name: Li Wei" in (site.root / "authors/li-wei.yml").read_text(encoding="utf-8")

    # Posts: dates with the blog's offset, tags from categories and tags, one spelling per topic.
    hello = header(site, "content/jdoe/hello-welcome.md")
    assert hello == {
        "Title": "Hello & welcome",
        "Date": "2019-03-04 11:00:00+01:00",
        "Modified": "2019-03-05 12:30:00+01:00",
        "Tags": "News, Flow meters",
        "Summary": "Short *intro*.",
        "Featured": "yes",
        "Imported-From": f"{BLOG}/hello-welcome/",
        "Feed-Id": f"{BLOG}/?p=12",
    }
    basics = header(site, "content/li-wei/flow-basics.md")
    assert basics["Date"] == "2019-07-01 09:15:00+02:00" and basics["Tags"] == "Flow meters"
    assert header(site, "content/li-wei/plan.md")["Date"] == "2030-01-02 08:00:00+01:00"  # scheduled
    for draft in (
        "content/jdoe/half-written-thoughts.md",
        "content/jdoe/team-only.md",
        "content/jdoe/secret.md",
    ):
        assert header(site, draft)["Status"] == "draft" and "Imported-From" not in header(site, draft)
    assert header(site, "content/jdoe/half-written-thoughts.md")["Date"] == "2019-03-04 11:00:00"
    assert header(site, "content/pages/about-us.md")["Title"] == "About us"
    assert header(site, "content/pages/authors-page.md")["Title"] == "Authors"  # 'authors/' is the site's

    body = (site.root / "content/jdoe/hello-welcome.md").read_text(encoding="utf-8")
    assert "![A pump on the test bench](pump.png)" in body  # copied beside the post
    assert "[the basics]({filename}/li-wei/flow-basics.md)" in body  # a checked link now
    assert (site.root / "content/jdoe/pump.png").read_bytes() == png_bytes()
    assert "alert" not in body and "<script" not in body
    classic = (site.root / "content/li-wei/flow-basics.md").read_text(encoding="utf-8")
    assert "Paragraph one,  \nwith a line break.\n\n## Heading\n\nParagraph two with *emphasis*." in classic

    # Nothing needs a human but the authors' profiles: check passes, a strict build too.
    assert main(["check", "--root", str(site.root), "--now", NOW]) == 0
    site.build()
    index = site.index()
    posts = {
        p["url"].rstrip("/").rsplit("/", 2)[-2] + "/" + p["url"].rstrip("/").rsplit("/", 1)[-1]: p
        for p in index["posts"]
    }
    assert set(posts) >= {"jdoe/hello-welcome", "li-wei/flow-basics"}
    assert "li-wei/plan" not in posts and "jdoe/secret" not in posts
    # The header keeps the blog's offset (above); the network shows the same instant on its
    # own clock (TIMEZONE, UTC here), as it files every post.
    assert posts["jdoe/hello-welcome"]["date"] == "2019-03-04T10:00:00+00:00"
    assert {"jdoe", "li-wei"} <= {a["id"] for a in index["authors"]}
    for page in site.output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "alert(" not in html and "steal()" not in html and "javascript:" not in html, page
    post = site.page("posts/jdoe/hello-welcome/index.html")
    assert post.cssselect('img[src="/media/jdoe/pump.png"][alt="A pump on the test bench"]')
    inline = [s for s in post.cssselect("script") if not s.get("src")]
    assert all(s.get("type") == "application/ld+json" for s in inline)  # the page's own data only
    assert (site.output / "about-us/index.html").is_file() and (
        site.output / "authors-page/index.html"
    ).is_file()


def test_importing_again_overwrites_nothing(site, wordpress, capsys):
    assert run_import(site, capsys, "wordpress", str(wordpress), "--department", "service")[0] == 0
    before = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    code, out = run_import(site, capsys, "wordpress", str(wordpress), "--department", "service")
    assert code == 0
    assert out.splitlines()[0].startswith(
        "imported 0 post(s), 0 draft(s), 0 page(s); created 0 author(s), kept 2;"
    )
    assert (
        "  skipped post 12 'Hello & welcome': content/jdoe/ already has its file; chorus import never overwrites"
        in out
    )
    assert {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()} == before


def test_without_a_department_check_names_each_new_author(site, wordpress, capsys):
    code, out = run_import(site, capsys, "wordpress", str(wordpress))
    assert code == 0
    assert (
        "department:  # which one? service, sales (departments.yml)"
        in (site.root / "authors/jdoe.yml").read_text()
    )
    assert "  authors/jdoe.yml:1: error: missing required field 'department'" in out.splitlines()
    errors = [str(p) for p in run_check(site.root, overrides={"CHORUS_NOW": NOW}).errors]
    assert errors == [
        "authors/jdoe.yml:1: error: missing required field 'department'",
        "authors/li-wei.yml:1: error: missing required field 'department'",
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("<rss><channel>", "acme.xml:1: error: not a readable XML file"),
        (
            "<rss><channel><title>x</title></channel></rss>",
            "acme.xml: error: expected a WordPress export (WXR",
        ),
    ],
)
def test_what_is_not_a_wordpress_export_is_refused(site, tmp_path, capsys, text, message):
    (tmp_path / "acme.xml").write_text(text)
    code, out = run_import(site, capsys, "wordpress", str(tmp_path / "acme.xml"))
    assert code == 1 and message in out
    assert not (site.root / "content/jdoe").exists()


def test_an_unknown_department_is_refused_before_anything_is_written(site, wordpress, capsys):
    code, out = run_import(site, capsys, "wordpress", str(wordpress), "--department", "servce")
    assert code == 1
    assert "chorus import: error: --department: unknown department 'servce' (did you mean 'service'?)" in out
    assert not (site.root / "authors/jdoe.yml").exists()


def test_export_reading_and_author_ids():
    assert (
        author_id("Jane.Doe") == "jane-doe" and author_id("li_wei ") == "li-wei" and author_id("ÉVA") == "va"
    )
    blog, users, items = read_export_text(EXPORT)
    assert blog == BLOG and [u.login for u in users] == ["jdoe", "Li.Wei", "admin"]
    first = items[0]
    assert (first.title, first.creator, first.sticky, first.excerpt) == (
        "Hello & welcome",
        "jdoe",
        True,
        "Short <em>intro</em>.",
    )


def read_export_text(text, tmp=None):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        path.write_text(text, encoding="utf-8")
        return read_export(path)


def test_html_to_markdown_keeps_text_that_looks_like_markup():
    markdown = html_to_markdown("<p>a &lt; b, [[not a link]] &amp;amp; <code>x &lt; y</code></p>")
    assert markdown == "a &lt; b, \\[[not a link]] &amp;amp; `x < y`"
    code = html_to_markdown(
        '<pre class="wp-block-code"><code class="language-python">x = 1\n\ny = 2</code></pre>'
    )
    assert code == "```python\nx = 1\n\ny = 2\n```"
    assert html_to_markdown(textwrap.dedent("<p>One</p>\n\n\n<p>Two</p>")) == "One\n\nTwo"


def test_keep_urls_records_each_permalink_as_a_redirect(site, wordpress, capsys):
    (site.root / "redirects.yml").write_text(
        "old-news/: '@alice'\nflow-basics/: '@alice'\n", encoding="utf-8"
    )
    code, out = run_import(
        site, capsys, "wordpress", str(wordpress), "--department", "service", "--keep-urls"
    )
    assert code == 0, out
    entries = (site.root / "redirects.yml").read_text(encoding="utf-8").splitlines()
    # Existing entries stay as they are (an editor's choice wins); a published post's old
    # path goes to its new address; a page whose old path is its new one needs none; one
    # that would shadow the hub's own directory is left for a human; drafts and scheduled
    # posts were never public.
    assert entries == ["old-news/: '@alice'", "flow-basics/: '@alice'", "hello-welcome/: jdoe/hello-welcome"]
    assert "old URLs recorded in the redirects file (1):" in out
    for line in [
        "  content/li-wei/flow-basics.md: redirects.yml already has an entry for flow-basics/: left as it is",
        "  content/pages/authors-page.md: no redirect for https://blog.acme.example/authors/: /authors/ is the hub's own",
    ]:
        assert line in out.splitlines(), line

    assert main(["check", "--root", str(site.root), "--now", NOW]) == 0
    site.build()
    page = site.page("hello-welcome/index.html")
    refresh = page.cssselect('meta[http-equiv="refresh"]')[0].get("content")
    assert refresh == "0; url=/posts/jdoe/hello-welcome/"

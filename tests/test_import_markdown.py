"""`chorus import markdown`: Jekyll, Hugo and Pelican posts become posts of one author."""

from __future__ import annotations

import datetime as dt

import pytest

from chorus.cli import main
from chorus.importers.markdown import as_date, front_matter
from conftest import NOW, png_bytes

JEKYLL = """\
---
layout: post
title: "Hello, world"
date: 2019-03-04 10:00:00 +0100
tags: pumps valves
categories: [Field notes]
excerpt: The first post.
---
Hello from **Jekyll**.
"""

JEKYLL_DRAFT = """\
---
title: An idea
---
Not finished.
"""

HUGO_BUNDLE = """\
+++
title = "Commissioning day"
date = 2020-05-01T10:00:00+02:00
lastmod = 2020-06-01T09:00:00+02:00
expiryDate = 2030-01-01T00:00:00+01:00
draft = false
tags = ["commissioning", "Pumps"]
slug = "commissioning"
description = "What happens on the day."
+++

![The wiring diagram](diagram.png)
"""

PELICAN = """\
Title: Quotes that win
Date: 2021-01-02 10:00
Category: Sales
Tags: tenders, pumps
Summary: How we price.
Author: someone-else

Body text.
"""


@pytest.fixture
def blog(tmp_path):
    folder = tmp_path / "old-blog"
    files = {
        "_posts/2019-03-04-hello-world.md": JEKYLL,
        "_drafts/an-idea.md": JEKYLL_DRAFT,
        "content/posts/commissioning/index.md": HUGO_BUNDLE,
        "content/posts/_index.md": "---\ntitle: Posts\n---\n",
        "pelican/quotes.md": PELICAN,
        "notes/untitled.md": "Just some text without a title.\n",
        "notes/2022-02-02-heading.md": "# A title from the heading\n\nAnd a body.\n",
        "notes/undated.md": "---\ntitle: When?\n---\nx\n",
    }
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    (folder / "content/posts/commissioning/diagram.png").write_bytes(png_bytes())
    return folder


def run_import(site, capsys, *args):
    capsys.readouterr()
    code = main(["import", "markdown", *args, "--root", str(site.root)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_jekyll_hugo_and_pelican_posts_become_the_authors_posts(site, blog, capsys):
    code, out = run_import(site, capsys, str(blog), "--author", "alice")
    assert code == 0, out
    assert out.splitlines()[0] == (
        "imported 4 post(s), 1 draft(s), 0 page(s); created 0 author(s), kept 0;"
        " copied 1 attachment(s); skipped 3 item(s)"
    )
    assert (
        f"  skipped {blog}/notes/undated.md: no date: front matter 'date', or a file name like 2019-03-04-title.md"
        in out
    )
    assert f"  skipped {blog}/content/posts/_index.md: a Hugo section page, not a post" in out
    assert (
        f"  skipped {blog}/notes/untitled.md: no title (front matter 'title', or a '# Heading' first line)"
        in out
    )
    content = site.root / "content/alice"
    hello = (content / "hello-world.md").read_text(encoding="utf-8")
    assert hello.startswith(
        "Title: Hello, world\nDate: 2019-03-04 10:00:00+01:00\nTags: pumps, valves, Field notes\n"
        "Summary: The first post.\n\nHello from **Jekyll**.\n"
    )
    bundle = (content / "commissioning.md").read_text(encoding="utf-8")
    assert bundle.startswith(
        "Title: Commissioning day\nDate: 2020-05-01 10:00:00+02:00\nModified: 2020-06-01 09:00:00+02:00\n"
        "Expires: 2030-01-01 00:00:00+01:00\nTags: commissioning, pumps\n"  # one spelling per topic: the first seen
    )
    assert (content / "diagram.png").read_bytes() == png_bytes()
    quotes = (content / "quotes.md").read_text(encoding="utf-8")
    assert quotes.startswith(
        "Title: Quotes that win\nDate: 2021-01-02 10:00:00\nTags: tenders, pumps, Sales\n"
    )
    assert "Author" not in quotes  # the folder is the author
    assert "Status: draft" in (content / "an-idea.md").read_text(encoding="utf-8")
    assert (content / "heading.md").read_text(encoding="utf-8").endswith("\n\nAnd a body.\n")
    # The one post without a summary is to review, as `chorus check` warns about it.
    assert "to review (1):" in out
    assert "content/alice/heading.md:1: warning: missing 'Summary:'" in out
    assert main(["check", "--root", str(site.root), "--now", NOW]) == 0
    site.build()
    page = site.page("posts/alice/commissioning/index.html")
    assert page.cssselect('img[src="/media/alice/diagram.png"][alt="The wiring diagram"]')

    # Again: nothing is overwritten.
    code, out = run_import(site, capsys, str(blog), "--author", "alice")
    assert out.splitlines()[0].startswith("imported 0 post(s), 0 draft(s)")
    assert "content/alice/hello-world.md exists already; chorus import never overwrites" in out


def test_an_unknown_author_is_refused(site, blog, capsys):
    code, out = run_import(site, capsys, str(blog), "--author", "alise")
    assert (
        code == 1 and "chorus import: error: --author: unknown author 'alise' (did you mean 'alice'?)" in out
    )


def test_front_matter_formats_and_dates():
    assert front_matter("+++\ntitle = 'T'\n+++\nbody\n") == ({"title": "T"}, "body\n")
    assert front_matter("Title: T\nTags: a, b\n\nbody\n") == ({"title": "T", "tags": "a, b"}, "body\n")
    assert front_matter("no header\n") == ({}, "no header\n")
    assert as_date("2019-03-04 10:00:00 +0100") == dt.datetime(
        2019, 3, 4, 10, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert as_date(dt.date(2020, 1, 2)) == dt.date(2020, 1, 2) and as_date("soon") is None


def test_a_front_matter_value_yaml_cannot_read_skips_that_file_with_the_reason(site, tmp_path, capsys):
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "bad-date.md").write_text("---\ntitle: T\ndate: 2019-02-30\n---\nx\n", encoding="utf-8")
    code, out = run_import(site, capsys, str(blog), "--author", "bob")
    assert "Traceback" not in out
    assert (
        f"  skipped {blog}/bad-date.md: front matter has a value YAML cannot read:"
        " day is out of range for month"
    ) in out.splitlines()


def test_the_network_cannot_import_its_own_posts(site, capsys):
    before = sorted(p.relative_to(site.root) for p in (site.root / "content").rglob("*"))
    for folder in (site.root, site.root / "content", site.root / "content" / "alice"):
        code, out = run_import(site, capsys, str(folder), "--author", "bob")
        assert (
            code != 0
            and "is or holds the network's content/: import from a folder outside the network" in out
        )
    assert sorted(p.relative_to(site.root) for p in (site.root / "content").rglob("*")) == before


def test_the_review_reads_the_settings_the_import_was_given(site, tmp_path, capsys):
    """`-s FILE` is the network's settings for the whole import, the review of what it wrote
    included: a policy file those settings name is applied to the imported posts."""
    site.write(
        "custom.py",
        "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
        "CHORUS_POLICY_FILE = 'rules/words.yml'\n",
    )
    site.write(
        "rules/words.yml",
        "rules:\n  - id: codename\n    severity: error\n    message: an internal code name\n"
        "    terms: [Project Nightjar]\n",
    )
    folder = tmp_path / "old-blog"
    folder.mkdir()
    (folder / "2020-01-02-launch.md").write_text("# Launch\n\nProject Nightjar ships.\n", encoding="utf-8")
    code, out = run_import(site, capsys, str(folder), "--author", "alice", "-s", str(site.root / "custom.py"))
    assert code == 0, out
    assert "to review (2):" in out  # and its missing summary, a warning
    assert "content/alice/launch.md:4:1: error: an internal code name (in body)" in out


def test_an_expiry_hugo_never_showed_is_left_out_and_said(site, tmp_path, capsys):
    folder = tmp_path / "old-blog"
    folder.mkdir()
    source = folder / "offer.md"
    source.write_text(
        '+++\ntitle = "Offer"\ndate = 2020-05-01\nexpiryDate = 2020-04-01\n+++\nBody.\n', encoding="utf-8"
    )
    code, out = run_import(site, capsys, str(folder), "--author", "alice")
    assert code == 0, out
    assert "Expires" not in (site.root / "content/alice/offer.md").read_text(encoding="utf-8")
    assert f"{source}: its expiryDate (2020-04-01) is not after its date, so Hugo never showed it" in out


def test_an_expiry_is_kept_when_it_is_later_on_the_sites_clock(site, tmp_path, capsys):
    """A date without an offset is on the site's TIMEZONE, as the network reads it."""
    site.write(
        "pelicanconf.py",
        "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
        "TIMEZONE = 'Europe/Berlin'\n",
    )
    folder = tmp_path / "old-blog"
    folder.mkdir()
    (folder / "fair.md").write_text(  # 10:00+05:00 is 07:00 in Berlin: expiring at 06:00 there is before
        '+++\ntitle = "Fair"\ndate = 2020-05-01T10:00:00+05:00\nexpiryDate = 2020-05-01T06:00:00\n+++\nBody.\n',
        encoding="utf-8",
    )
    code, out = run_import(site, capsys, str(folder), "--author", "alice")
    assert code == 0, out
    assert "Expires" not in (site.root / "content/alice/fair.md").read_text(encoding="utf-8")
    assert "is not after its date" in out


def test_another_generators_template_code_is_named_for_review(site, tmp_path, capsys):
    """Hugo's shortcodes and Liquid's tags are copied as they are; Markdown shows them as
    text, so the import says where they are (it said there was nothing to review)."""
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "2020-01-02-shortcodes.md").write_text(
        "---\ntitle: Codes\ndescription: D.\n---\n"
        'See {{< ref "second.md" >}}.\n\n{% highlight python %}\nx = 1\n{% endhighlight %}\n',
        encoding="utf-8",
    )
    code, out = run_import(site, capsys, str(folder), "--author", "alice")
    assert code == 0, out
    assert out.splitlines()[-2:] == [
        "to review (1):",
        "  content/alice/shortcodes.md: template code of the old generator, shown as text:"
        ' {{< ref "second.md" >}}, {% highlight python %}, {% endhighlight %} (rewrite it in Markdown:'
        " a [[short link]] for a ref, a fenced block for highlighted code)",
    ]

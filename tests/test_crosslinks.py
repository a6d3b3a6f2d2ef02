"""Cross-links: both link forms, every broken-link error, backlinks, related posts, navigation."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import itertools
import random
import re
import textwrap
from dataclasses import replace
from types import MappingProxyType

import lxml.html
import pytest
from markdown.extensions.fenced_code import FencedBlockPreprocessor

from chorus.conf import PROJECT_ROOT
from conftest import post
from plugins.network import links
from plugins.network.links import (
    LinkError,
    LinkIndex,
    _blank_code_spans,
    _fenced_lines,
    as_browser_reads,
    scan_references,
)
from plugins.network.model import Post, Reference, RefForm, Status
from plugins.network.rendering import DEFAULT_MARKDOWN, MarkdownRenderer
from plugins.network.similarity import Document, RelatedSettings, related_posts

PUBLISHED, HIDDEN, DRAFT, SCHEDULED = Status.PUBLISHED, Status.HIDDEN, Status.DRAFT, Status.SCHEDULED

# -- the link index, without Pelican -------------------------------------------------------


def _post(source: str, status: Status = PUBLISHED, slug: str | None = None, date: str = "2026-01-10") -> Post:
    owner, name = source.removesuffix(".md").split("/")
    slug = slug or name.lower().replace("_", "-")
    return Post(
        source=source,
        path=f"content/{source}",
        title=f"Title of {name}",
        slug=slug,
        status=status,
        header=MappingProxyType({}),
        body="",
        body_line=3,
        references=(),
        date=dt.datetime.fromisoformat(date + "T09:00:00+00:00"),
        owner=owner,
    )


@pytest.fixture
def index() -> LinkIndex:
    posts = [
        _post("li-wei/field-repairs.md"),
        _post("li-wei/Old_Name.md", slug="renamed"),
        _post("alice/hello.md"),
        _post("bob/hello.md"),
        _post("bob/plan.md", DRAFT),
        _post("bob/launch.md", SCHEDULED, date="2027-03-01"),
        _post("bob/quiet.md", HIDDEN),
    ]
    authors = {"li-wei": "Li Wei", "alice": "Alice Field", "bob": "Bob Quote"}
    return LinkIndex(
        posts,
        authors,
        files=["li-wei/images/pump.png"],
        urls=["", "topics/", "posts/alice/hello/", "posts/bob/hello/", "media/li-wei/images/pump.png"],
        url_of=lambda p: f"posts/{p.owner}/{p.slug}/",
    )


def _ref(form: RefForm, target: str, image: bool = False) -> Reference:
    return Reference(form, target, 3, 1, image=image, text="x")


def _short(index: LinkIndex, target: str, status: Status = PUBLISHED):
    return index.check(_ref(RefForm.SHORT, target), "alice/hello.md", status)


@pytest.mark.parametrize(
    "target, source",
    [
        ("li-wei/field-repairs", "li-wei/field-repairs.md"),
        ("field-repairs", "li-wei/field-repairs.md"),  # unique slug
        ("li-wei/renamed", "li-wei/Old_Name.md"),  # the Slug:
        ("li-wei/Old_Name", "li-wei/Old_Name.md"),  # or the file name
        ("bob/quiet", "bob/quiet.md"),  # hidden posts may be linked, never listed
    ],
)
def test_short_forms_resolve(index, target, source):
    resolved, problem = _short(index, target)
    assert problem is None and resolved.post.source == source


def test_fragment_and_profile(index):
    resolved, _ = _short(index, "li-wei/field-repairs#h-tools")
    assert (resolved.post.source, resolved.fragment) == ("li-wei/field-repairs.md", "h-tools")
    resolved, _ = _short(index, "@li-wei")
    assert resolved.author == "li-wei" and resolved.post is None


@pytest.mark.parametrize(
    "target, message",
    [
        (
            "li-wei/feild-repairs",
            "unknown post '[[li-wei/feild-repairs]]' (did you mean 'li-wei/field-repairs'?)",
        ),
        ("feild-repairs", "unknown post '[[feild-repairs]]' (did you mean 'li-wei/field-repairs'?)"),
        ("hello", "'[[hello]]' is ambiguous: alice/hello, bob/hello (write [[author-id/slug]])"),
        ("@li-we", "unknown author '[[@li-we]]' (did you mean '@li-wei'?)"),
        ("li-wei", "unknown post '[[li-wei]]' (did you mean '@li-wei'?)"),
        (
            "Field Repairs",
            "'[[Field Repairs]]' is not a link target (expected [[author-id/slug]], [[slug]] or [[@author-id]]) (did you mean 'li-wei/field-repairs'?)",
        ),
        (
            "bob/plan",
            "'[[bob/plan]]' links to a draft, which is never published (publish it first or remove the link)",
        ),
        (
            "bob/launch",
            "'[[bob/launch]]' links to a post scheduled for 2027-03-01, which is not published yet (add the link once it is)",
        ),
    ],
)
def test_short_form_errors(index, target, message):
    assert _short(index, target) == (None, message)


def test_drafts_may_link_drafts_and_hidden_posts_may_not(index):
    assert _short(index, "bob/plan", DRAFT)[1] is None
    assert "links to a draft" in _short(index, "bob/plan", HIDDEN)[1]


def test_a_scheduled_post_is_judged_as_of_its_own_date():
    """It is written from its date on: what it links must be written by then, or its link
    would break on its own in the build that publishes it."""
    posts = [
        _post("bob/launch.md", SCHEDULED, date="2027-03-01"),
        _post("bob/follow-up.md", SCHEDULED, date="2027-04-01"),
        _post("bob/plan.md", DRAFT),
    ]
    index = LinkIndex(posts, {"bob": "Bob Quote"}, url_of=lambda p: f"posts/{p.owner}/{p.slug}/")

    def link(source: str, target: str) -> str | None:
        return index.check(_ref(RefForm.SHORT, target), source, SCHEDULED)[1]

    assert link("bob/follow-up.md", "bob/launch") is None
    assert link("bob/launch.md", "bob/follow-up") == (
        "'[[bob/follow-up]]' links to a post scheduled for 2027-04-01, after this one's date"
        " (link it once both are published)"
    )
    assert "links to a draft" in (link("bob/launch.md", "bob/plan") or "")


@pytest.mark.parametrize(
    "target, source",
    [
        ("/li-wei/field-repairs.md", "li-wei/field-repairs.md"),
        ("../li-wei/field-repairs.md#h-x", "li-wei/field-repairs.md"),  # relative to alice/
        ("/li-wei/Old_Name.md", "li-wei/Old_Name.md"),
    ],
)
def test_filename_links_resolve(index, target, source):
    resolved, problem = index.check(_ref(RefForm.FILENAME, target), "alice/hello.md", PUBLISHED)
    assert problem is None and resolved.post.source == source


@pytest.mark.parametrize(
    "form, target, image, expected",
    [
        (RefForm.STATIC, "/li-wei/images/pump.png", True, "li-wei/images/pump.png"),
        (RefForm.RELATIVE, "images/pump.png", True, "li-wei/images/pump.png"),  # from li-wei/
        (RefForm.RELATIVE, "../alice/hello.md", False, "alice/hello.md"),
    ],
)
def test_static_and_relative_paths_name_content_files(index, form, target, image, expected):
    resolved, problem = index.check(_ref(form, target, image), "li-wei/field-repairs.md", PUBLISHED)
    assert problem is None and resolved.file == expected


@pytest.mark.parametrize(
    "form, target, url",
    [
        (RefForm.ROOT, "/topics/", "topics/"),
        (RefForm.ROOT, "/posts/bob/hello/index.html", "posts/bob/hello/"),
        (RefForm.RELATIVE, "../../bob/hello/", "posts/bob/hello/"),  # from posts/alice/hello/
        (RefForm.ROOT, "/media/li-wei/images/pump.png", "media/li-wei/images/pump.png"),
    ],
)
def test_site_urls_resolve_to_pages_the_build_writes(index, form, target, url):
    resolved, problem = index.check(_ref(form, target), "alice/hello.md", PUBLISHED)
    assert problem is None and resolved.url == url


@pytest.mark.parametrize(
    "text, lines",
    [
        ("~~~\n[[in-code]]\n~~~\n[[after]]", [4]),
        ("Intro.\n\n~~~\n\nSee [[not-code]].\n", [5]),  # never closed: Markdown renders the link
        ("```\n[[in-code]]\n````\n[[still-code]]\n```\n[[after]]", [6]),  # closed by the same fence only
        ("  ~~~\n[[x]]\n  ~~~", [2]),  # an indented fence is not one to Python-Markdown
        ("  ```\n[[x]]\n  ```", []),  # but its backticks pair as a code span
        ('<img alt="A" src=pump.png>', [1]),  # an attribute without quotes, as a browser reads it
    ],
)
def test_the_scanner_skips_the_fenced_blocks_markdown_renders_as_code(text, lines):
    assert [r.line for r in scan_references(text)] == lines


@pytest.mark.parametrize(
    "text, found",
    [
        (
            "Read [the data\nsheet](sheet.pdf) first.",
            [(1, 6, "sheet.pdf", False)],
        ),  # link text over two lines
        ("A\n![A pump\nat work](pump.png)", [(2, 1, "pump.png", True)]),  # an image starts at its '!'
        ("[x](\n  sheet.pdf)", [(1, 1, "sheet.pdf", False)]),  # the URL on the next line
        ('[x](sheet.pdf\n"The sheet")', [(1, 1, "sheet.pdf", False)]),  # the title on the next line
        ("[x](<sheet\n.pdf>)", [(1, 1, "sheet.pdf", False)]),  # a newline in <…> is dropped, as browsers do
        ("Read [s].\n\n[s]:\n    sheet.pdf", [(3, 1, "sheet.pdf", False)]),  # a definition's URL below it
        (
            'Intro.\n\n<img alt="Pump"\n     src="pump.png">',
            [(3, 1, "pump.png", True)],
        ),  # raw HTML over lines
        ('x <a title="y"\nhref=sheet.pdf>z</a>', [(1, 3, "sheet.pdf", False)]),  # an inline tag over lines
        ("[the data\n\nsheet](sheet.pdf)", []),  # a paragraph ends inside: not a link
        ("[s]:\n\n    sheet.pdf", []),  # nor is a definition whose URL follows a blank line
        ("Keep a <a and b\nsrc=sheet.pdf in mind.", []),  # a tag must close
        ("```\n[x](\n```\nsheet.pdf)", []),  # a link cannot begin in code
        # after a fenced block (its lines once left the mask shorter than the text: a crash)
        ("```python\nx = [1](2)\n```\n\nSee [the\nsheet](sheet.pdf).", [(5, 5, "sheet.pdf", False)]),
        ("~~~\ncode\n~~~\n> See [the\n> sheet](sheet.pdf).", [(4, 7, "sheet.pdf", False)]),
    ],
)
def test_the_scanner_reads_links_and_tags_written_over_several_lines(text, found):
    """Markdown lets a link's text, URL or title, a definition's URL and a tag's attributes
    go on the next line; the check names the line where the link starts, as for any other."""
    assert [(r.line, r.col, as_browser_reads(r.target), r.image) for r in scan_references(text)] == found


def _fenced_by_markdown(text: str) -> set[int]:
    """The lines Python-Markdown's own pattern finds in fenced blocks, searched over the
    whole text as its preprocessor does (slow on hostile input: small texts only)."""
    lines: set[int] = set()
    for block in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(text):
        first = text.count("\n", 0, block.start())
        lines.update(range(first, first + block.group(0).count("\n") + 1))
    return lines


def test_the_fenced_blocks_found_line_by_line_are_those_markdown_finds():
    """Random texts of fences (backticks and tildes, of several lengths, with languages,
    attributes, trailing spaces and text after them) and ordinary lines."""
    pieces = ["```", "````", "~~~", "~~~~", "```python", "~~~ {.yaml}", "``` ", "```x y", "  ```", "text", ""]
    rng = random.Random(12)
    for _ in range(3000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert _fenced_lines(text) == _fenced_by_markdown(text), text


def test_random_markdown_is_scanned_with_every_link_placed_at_its_start():
    """Random texts of the lines posts are made of (fences, quotes, lists, indented lines,
    HTML blocks, definitions, links over two lines): the scan never fails, and each link it
    reports is placed where a link, image, short link, definition or tag starts, in the
    paragraph that holds it."""
    pieces = [
        "```", "~~~", "```python", "x = [1](2)", "text", "", "> quote", "> > deeper", "- item",
        "1. step", "    indented [c](c.md)", "\tcode [t](t.md)", "<div>", "</div>", "See [the",
        "guide](g.md).", "[g]: g.md", "    [n]: n.md", "[[bob/x]]", '<img src="i.png">',
        "`span [s](s.md)`", "<!--", "-->", "Title", "===", "| [a](a.md) |", "|---|",
        "![alt](p.png)", "Term", ":   def [d](d.md)", "  [g]: g2.md", "> [q]: q.md", "[g]:",
        "- [a][g] and [b][n]", "        [n]: deep.md",
    ]  # fmt: skip
    rng = random.Random(7)
    for _ in range(3000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        lines = text.split("\n")
        for ref in scan_references(text):
            assert lines[ref.line - 1][ref.col - 1] in "[<!", (text, ref)
            # and written there, in the paragraph it starts in (a link's URL may be lines below)
            paragraph = itertools.takewhile(lambda line: line.strip(" >"), lines[ref.line - 1 :])
            assert ref.target in "\n".join(paragraph), (text, ref)


@pytest.mark.parametrize(
    "line, blanked",
    [
        ("a `b` c", "a     c"),
        ("``a ` b`` c", "          c"),  # a shorter run inside is text of the span
        ("`a``b`", "      "),  # a run of another length does not close it
        ("`a` and ``", "    and ``"),  # a run with no partner is literal
        ("\\`a` b`", "\\`a    "),  # an escaped backtick opens nothing
        ("```", "```"),
    ],
)
def test_code_spans_pair_runs_of_backticks_of_one_length(line, blanked):
    assert _blank_code_spans(line) == blanked


@pytest.mark.parametrize(
    "text",
    [
        "> Read [the sheet](\n> sheet.pdf) first.",  # a quote's marker is not part of the URL
        "> See ![the pump](\n> pump.png).",
        '<img src="pump.png" alt="Pressure < 2 bar">',  # '<' and '>' in a quoted value
        '<img alt="a > b" src="pump.png">',
        '<a title="href=y.md" href="x.md">x</a>',  # the attribute, not a value that looks like one
        "Plans [draft\n---\nfinal](missing.pdf)",  # a setext heading ends the paragraph
        "[a\n# b](x.md)",  # so do an ATX heading,
        "[a\n***\nb](x.md)",  # a rule,
        "[a\n<div>\nb](x.md)",  # a block-level tag,
        "[a\n> b](x.md)",  # a deeper quote,
        "- [a\n- b](x.md)",  # the list's next item,
        "> See [the\n>\n> sheet](missing.pdf).",  # and a blank line in a quote
        "[a](x.md\n# h)",
        "[a\n- b](x.md)",  # but not a list item after a paragraph line (Python-Markdown)
        "> [a\nb](x.md)",  # nor a lazy line of a quote
        "[a\n<em>b</em>](x.md)",  # nor an inline tag
        "- [a\n  b](x.md)",
        "[Update]:\nSince then we moved the office.",  # not a definition: words after the URL
        '[the sheet](missing.pdf "Notes [v2](draft)")',  # a title holding a link
        '<!--\n<img alt="Old"\n     src="old.png">\n-->',  # comments are never shown
        "Text <!-- [a](x.md) --> more",
        "x <!-- a\n\nb --> [c](y.md)",  # a blank line makes it text
        "[![Pump](pump.png)](sheet.pdf)",  # a linked image
        "[a](x(1).md)",  # parentheses in pairs in the URL
        "```\n[a](in-code.md)\n```\n[b](out.md)",
        # found by a second reader's second pass
        "See [the guide](guide.md for details.\n\nIt's [the valve](valve.md) that's broken (again).",
        "Run `make\ninstall`, then read [the guide](guide.md) and run `make test`.",  # a span over lines
        "Set `a\n[x](y.md) b` here.",
        "[the [beta] release](notes.md)",  # brackets in pairs in the text
        "![Figure [1]](fig.png)",
        '[![Pump](pump.png "The pump")](big.png)',
        "1. Install [the agent, then\n   - if needed - the plugin](agent.md)",  # a bullet in a numbered list
        "- We moved to [the office we opened in\n  2019. It is great](office.md)",
        "- See [the figures\n  1) and 2)](x.md)",  # '1)' is no list marker to Python-Markdown
        "- See [the\n  #general channel](chat.md)",  # nor is an indented '#' a heading
        "[d]:\tdocs.md\n\n[x][d]",  # a tab after the colon
        '<div class="note">\nSee [g](guide.md).\n</div>\n\n[h](h.md)',  # raw HTML: no Markdown inside
        "<details>\n<summary>S</summary>\n\nSee [l](log.md).\n\n</details>\n\n[c](z.md)",
        '<figure>\n<img src="a.png">\n<figcaption>See [m](m.pdf)</figcaption>\n</figure>',  # tags are read
        "<div>[a](x.md)</div> [b](y.md)",  # Markdown again after the closing tag
        "> <div>\n> See [g](guide.md).\n> </div>",  # but a quoted <div> holds Markdown
        '> > <div>\n> > <img src="p.png">\n> > </div>\n\n<div>\n[n](not-a-link.md)\n</div>',
        "![Shot](Screen Shot 1.png)",  # spaces belong to the URL
        '[a](x.md foo "t")',
        "[a](x.md\nfoo)",  # a newline does not: browsers drop it
        "[a](x y (z))",
        "[a](x 't')",
        # indented code blocks show their links as text; a list's or definition's next
        # paragraph is indented too, and is not code
        "Intro.\n\n    code [a](missing.md) and [[bob/nothing]]\n\nAfter [b](y.md).",
        "- item\n\n    more of the item: [a](x.md)",
        "- item\n\n        code in the item [a](missing.md)",
        "> quote\n>\n>     code in the quote [a](missing.md)",
        "Para\n    a lazy line, not code [a](x.md)",
        "Term\n:   said [a](x.md)\n\n    more of it [b](y.md)",
        '    <img src="missing.png">',
        "\tcode after a tab [a](missing.md)",
        "1. one\n2. two\n\n    more of two [a](x.md)\n\nText.\n\n    code [b](missing.md)",
        # definitions in a list item or a nested quote are indented too; in code they are text
        "- item [g]\n\n    [g]: guide.md",
        '1. item [g]\n\n    [g]: guide.md "Title"',
        "> > quote [g]\n> >\n> > [g]: guide.md",
        "- item\n\n    [g]:\n    guide.md\n\n[g]",
        "Text [g]\n\n    [g]: code.md",
        # a definition counts where the parser took it: not in code, not in text, not a
        # definition of the same label that a later one replaces (found by a second reader)
        "- See [a][g].\n\n    [g]: missing.md\n\n- b\n\n    # Heading [c](c.md) #",
        "- See [a][g].\n\n    [g]: missing.md\n\n>     | [c](c.md) |\n|---|---|",
        "Example:\n\n    [guide]: https://example.com/guide\n\nRead [the guide][guide].\n\n[guide]: gide.md",
        "See [the notes][note].\n\n[Note]: this matters more than it seems.\n\n[note]: notes.md",
        "- item [a][g]\n\n    [g]: nested.md\n\n[g]: top.md",
        "- [g]: x.md\n\nSee [a][g].",  # a list item that is a definition
        "> - - [h]: q.md\n\n[a][h]",
        "Text\n- [g]: x.md\n\n[a][g]",  # no list: the paragraph goes on
        # a line's mark must change nothing else of the parse (found by a second reader)
        '<div>\n    <a href="a.md">x</a></div>    ',  # text after a closing tag
        '<div>\n    <img src="a.png"></div>\n===\n    [b](c.md)',  # and a setext underline
        ">     | [a](missing.md) |\n|---|---|",  # a table's last '|'
        "```\nx = 1\n```\n\nSee [the\nguide](guide.md) and [a\n\nb](x.md).",
    ],
)
def test_the_scanner_finds_the_links_markdown_renders(text):
    """Each link and image the scan finds is one the rendered page has, and the other way
    round: the check judges what readers get."""
    page = lxml.html.fragment_fromstring(MarkdownRenderer().render(text) or "<p></p>", create_parent="div")
    rendered = {
        element.get("href") or element.get("src") for element in page.xpath("//a[@href] | //img[@src]")
    }
    assert {as_browser_reads(r.target) for r in scan_references(text)} == rendered


def test_scanning_a_source_leaves_nothing_for_the_collector():
    # The sources are read with the collector paused (plugins/network/memory.py): a cycle a
    # scan leaves keeps its text and references until the end of the reading, for every post.
    text = textwrap.dedent("""\
        See [a](../bob/x.md), [![chart](chart.png)](big.png) and [[bob/x]].

        - a list item

              [ref]: ../bob/y.md

        [ref]: ../bob/z.md
        <img src="pic.png"> <a href="../bob/x.md">x</a>
        """)
    scan_references(text)  # the first sets up the thread's block parser, once
    gc.collect()
    gc.disable()
    try:
        references = scan_references(text)
        assert {r.target for r in references} >= {"../bob/x.md", "chart.png", "big.png", "bob/x"}
        del references
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_link_in_an_indented_code_block_is_code_to_check_and_build(site):
    """An example of Markdown shown as code, the old way (four spaces): no link to check,
    and the page shows it as written. A list item's next paragraph, indented the same way,
    keeps its links, and they are checked."""
    example = (
        "How to link a post:\n\n    See [the guide](guide.md).\n\n- Step one\n\n    Then [[bob/nothing]].\n"
    )
    site.write("content/bob/x.md", post("X", body="Intro.") + "\n" + example)  # post() dedents
    expected = ["content/bob/x.md:12:10: error: unknown post '[[bob/nothing]]'"]
    assert site.check() == expected
    assert site.problems() == expected
    site.write(
        "content/bob/x.md", post("X", body="Intro.") + "\n" + example.replace("[[bob/nothing]]", "more")
    )
    assert site.check() == []
    site.build()
    code = site.page("posts/bob/x/index.html").cssselect("pre code")
    assert [c.text_content().strip() for c in code] == ["See [the guide](guide.md)."]


def test_a_definition_in_a_list_item_is_checked_where_it_is_written(site):
    """Python-Markdown takes a definition indented under a list item (or in a quote in a
    quote): the check names its line, as the build does."""
    body = "- Step one, see [the guide][g].\n\n    [g]: gide.md\n"
    site.write("content/bob/guide.md", post("Guide"))
    site.write("content/bob/x.md", post("X", body="Intro.") + "\n" + body)  # post() dedents
    expected = [
        "content/bob/x.md:8:5: error: 'gide.md' does not name a file in the content folder"
        " or a page of the site (did you mean 'guide.md'?)"
    ]
    assert site.check() == expected
    assert site.problems() == expected


@pytest.mark.parametrize(
    "text, found",
    [
        ("- item [g]\n\n    [g]: guide.md", [(3, 5, "guide.md")]),
        ("> > quote [g]\n> >\n> > [g]: guide.md", [(3, 5, "guide.md")]),
        (
            "Example:\n\n    [guide]: https://x.example\n\nRead [it][guide].\n\n[guide]: gide.md",
            [(7, 1, "gide.md")],
        ),
        ("- item [a][g]\n\n    [g]: nested.md\n\n[g]: top.md", [(5, 1, "top.md")]),  # the last one wins
        (
            "See [the notes][note].\n\n[Note]: this matters more than it seems.\n\n[note]: n.md",
            [(5, 1, "n.md")],
        ),
        ("[a][g] x[^1]\n\n[^1]: note\n\n    [g]: foot.md", [(5, 5, "foot.md")]),  # in a footnote
        ("x[^1]\n\n[^1]: note\n\n        code [b](missing.md)", []),  # code in a footnote
    ],
)
def test_a_definition_is_reported_where_the_parser_took_it_from(text, found):
    """Not on a line in code, a line of text, or a definition a later one of its label
    replaces; in a footnote too, whose blocks Python-Markdown parses last."""
    assert [(r.line, r.col, r.target) for r in scan_references(text)] == found


def test_with_markdown_extensions_of_its_own_a_site_has_its_indented_links_checked(site):
    """An admonition holds indented Markdown, which Chorus's own parser would take for code:
    with a Markdown configuration of the site's own, the scan asks no parser, and the link
    in the admonition is checked as the page shows it."""
    config = copy.deepcopy(DEFAULT_MARKDOWN)
    config["extensions"].append("markdown.extensions.admonition")
    body = '!!! note "Careful"\n\n    See [the guide](missing.md).\n'
    site.write("content/bob/x.md", post("X", body="Intro.") + "\n" + body)  # post() dedents
    expected = [
        "content/bob/x.md:8:9: error: 'missing.md' does not name a file in the content folder"
        " or a page of the site (did you mean 'x.md'?)"
    ]
    assert site.check(MARKDOWN=config) == expected
    assert site.problems(MARKDOWN=config) == expected
    assert site.check() == []  # with Chorus's own, the line is code


def test_indented_lines_the_block_parser_cannot_answer_in_time_keep_their_links(monkeypatch):
    """Without an answer from Python-Markdown's block parser, an indented line's links are
    checked: the check may then report a link in code, never miss one."""
    monkeypatch.setattr(links, "_PARSE_SECONDS", 0.001)
    text = "    [a](code.md)\n\n" * 20_000
    assert len(scan_references(text)) == 20_000


def test_a_link_over_two_lines_after_a_code_block_is_checked_by_check_and_build(site):
    site.write("content/bob/x.md", post("X", body="```\nx = 1\n```\n\nSee [the\nguide](missing.md)."))
    expected = [
        "content/bob/x.md:8:5: error: 'missing.md' does not name a file in the content folder"
        " or a page of the site (did you mean 'x.md'?)"
    ]
    assert site.check() == expected
    assert site.problems() == expected


def test_a_link_after_an_unclosed_fence_fails_check_and_build_alike(site):
    site.write("content/bob/x.md", post("X", body="Intro.\n\n~~~\n\nSee [[bob/nothing]].\n"))
    expected = "content/bob/x.md:8:5: error: unknown post '[[bob/nothing]]'"
    assert site.check() == [expected]
    assert site.problems() == [expected]


@pytest.mark.parametrize(
    "form, target, image, message",
    [
        (
            RefForm.FILENAME,
            "/li-wei/field-repair.md",
            False,
            "'{filename}/li-wei/field-repair.md' does not name a file in the content folder (did you mean '{filename}/li-wei/field-repairs.md'?)",
        ),
        (
            RefForm.FILENAME,
            "../../../etc/passwd",
            False,
            "'{filename}../../../etc/passwd' does not name a file in the content folder",
        ),
        (
            RefForm.FILENAME,
            "/bob/plan.md",
            False,
            "'{filename}/bob/plan.md' links to a draft, which is never published (publish it first or remove the link)",
        ),
        (
            RefForm.STATIC,
            "/li-wei/images/pmp.png",
            True,
            "image not found: {static}/li-wei/images/pmp.png (did you mean '{static}/li-wei/images/pump.png'?)",
        ),
        (
            RefForm.RELATIVE,
            "pump.png",
            True,
            "image not found: pump.png (did you mean '../li-wei/images/pump.png'?)",
        ),
        (
            RefForm.ROOT,
            "/posts/bob/helo/",
            False,
            "'/posts/bob/helo/' is not a page of this site (did you mean '/posts/bob/hello/'?)",
        ),
        (
            RefForm.RELATIVE,
            "no-such-page/",
            False,
            "'no-such-page/' does not name a file in the content folder or a page of the site",
        ),
    ],
)
def test_reference_errors(index, form, target, image, message):
    assert index.check(_ref(form, target, image), "alice/hello.md", PUBLISHED) == (None, message)


def test_scanner_finds_every_reference_with_line_and_column_and_skips_code():
    text = textwrap.dedent("""\
        Title: T

        See [[a/b]] and [x]({filename}/c/d.md#h-1) ![Pump](pump.png).
        `[[in-code]]` and \\[[escaped]] and [[e|text]] [site](/topics/) [web](https://example.org)
        ```
        [[fenced]] {filename}/fenced.md
        ```
        [ref]: {filename}../f/g.md
        [^1]: A footnote, not a link definition.
        <img src="{static}/raw.png" alt="">
        """)
    found = [(r.line, r.col, r.form, r.target, r.image, r.text) for r in scan_references(text)]
    assert found == [
        (3, 5, RefForm.SHORT, "a/b", False, None),
        (3, 17, RefForm.FILENAME, "/c/d.md#h-1", False, "x"),
        (3, 44, RefForm.RELATIVE, "pump.png", True, "Pump"),
        (4, 36, RefForm.SHORT, "e", False, "text"),
        (4, 47, RefForm.ROOT, "/topics/", False, "site"),
        (4, 64, RefForm.EXTERNAL, "https://example.org", False, "web"),
        (8, 1, RefForm.FILENAME, "../f/g.md", False, None),
        (10, 1, RefForm.STATIC, "/raw.png", True, None),
    ]


def test_related_picks_resolve_like_links(index):
    assert index.post("field-repairs").source == "li-wei/field-repairs.md"
    with pytest.raises(
        LinkError, match=r"unknown post 'li-wei/feild-repairs' \(did you mean 'li-wei/field-repairs'\?\)"
    ):
        index.post("li-wei/feild-repairs")


# -- related posts, without Pelican ---------------------------------------------------------

TOPICS = {
    "meters": "flow meter calibration electrode magnetic coil liner pipe",
    "tenders": "tender offer pricing procurement contract deadline bid",
    "hiring": "interview candidate onboarding apprentice mentor recruiting",
}


def _document(key: str, topic: str, department: str, author: str, tags=(), **fields) -> Document:
    words = TOPICS[topic].split()
    body = " ".join(words[i % len(words)] for i in range(60)) + f" {key.split('/')[-1]} unique{key[-1]}"
    return Document(
        key=key,
        title=f"Notes on {topic}",
        summary=f"About {topic}",
        body=body,
        tags=tuple(tags),
        authors=(author,),
        department=department,
        **fields,
    )


def _network() -> list[Document]:
    return [
        _document("a/1", "meters", "service", "alice", ["flow meters"]),
        _document("a/2", "meters", "service", "alice", ["flow meters"]),
        _document("c/3", "meters", "service", "carol", ["flow meters"]),
        _document("d/4", "meters", "service", "dave", ["flow meters"]),
        _document("e/5", "meters", "service", "erin", ["flow meters"]),
        _document("b/6", "meters", "sales", "bob", ["tenders"]),
        _document("b/7", "tenders", "sales", "bob", ["tenders"]),
        _document("h/8", "hiring", "hr", "hana", ["hiring"]),
    ]


def _keys(result, key):
    return [m.key for m in result[key]]


def test_related_never_self_and_limited_to_k():
    result = related_posts(_network(), RelatedSettings(count=3))
    for key, matches in result.items():
        assert key not in [m.key for m in matches] and len(matches) <= 3


def test_related_is_deterministic_whatever_the_input_order():
    documents = _network()
    first = related_posts(documents, RelatedSettings())
    random.Random(7).shuffle(documents)
    assert related_posts(documents, RelatedSettings()) == first


def test_related_with_kept_term_frequencies_equals_a_fresh_computation():
    """chorus serve keeps each document's term frequencies between edits: after an edit
    (a new document for one post), the lists are those computed from nothing."""
    documents = _network()
    memo: dict = {}
    assert related_posts(documents, RelatedSettings(), memo) == related_posts(documents, RelatedSettings())
    assert len(memo) == len(documents)
    edited = replace(documents[0], body=documents[3].body + " hiring hiring")
    documents[0] = edited
    assert related_posts(documents, RelatedSettings(), memo) == related_posts(documents, RelatedSettings())
    assert edited in memo


def test_related_prefers_other_authors():
    keys = _keys(related_posts(_network(), RelatedSettings(count=3, cross_department_threshold=1)), "a/1")
    assert "a/2" not in keys[:3] and set(keys) == {"c/3", "d/4", "e/5"}


def test_related_includes_another_department_above_the_threshold():
    result = related_posts(_network(), RelatedSettings(count=3, cross_department_threshold=0.05))
    keys = _keys(result, "a/1")
    assert keys[-1] == "b/6", "the sales post on meters takes the last place"
    assert result["a/1"][-1].score >= 0.05
    # above every sales post's score: no cross-department place
    keys = _keys(related_posts(_network(), RelatedSettings(count=3, cross_department_threshold=0.99)), "a/1")
    assert all(not k.startswith("b/") for k in keys)


def test_related_picks_come_first_and_unlisted_posts_never_appear():
    documents = _network()
    documents[0] = _document("a/1", "meters", "service", "alice", ["flow meters"], pinned=("h/8",))
    documents[3] = _document("d/4", "meters", "service", "dave", ["flow meters"], listed=False)
    result = related_posts(documents, RelatedSettings(count=3))
    assert result["a/1"][0].key == "h/8" and result["a/1"][0].pinned
    assert all("d/4" not in _keys(result, key) for key in result)
    assert result["d/4"], "an unlisted (hidden) post still gets its own related posts"


def test_related_skips_the_same_series():
    documents = [
        _document(k, "meters", "service", a, series="pumps" if k in ("a/1", "c/3") else "")
        for k, a in (("a/1", "alice"), ("c/3", "carol"), ("d/4", "dave"))
    ]
    assert _keys(related_posts(documents, RelatedSettings()), "a/1") == ["d/4"]


# -- whole builds ---------------------------------------------------------------------------


def _prose_links(site, path):
    return [(a.get("href"), a.text_content()) for a in site.page(path).cssselect(".prose a")]


def test_both_link_forms_resolve_to_the_right_urls(site):
    site.write("content/bob/deal.md", post("How we scope a deal", body="Deal text."))
    site.write("content/bob/Old_Name.md", post("Renamed later", Slug="renamed"))
    site.write(
        "content/alice/links.md",
        post(
            "Links",
            body="""
        Short forms [[bob/deal]], [[deal|the deal]], [[bob/renamed#h-part]], [[bob/Old_Name]] and [[@bob]].
        Long forms [the deal]({filename}/bob/deal.md) and [hello]({filename}hello.md).
        Code stays code, `[[bob/deal]]`, and \\[[not a link]] stays text.

        ```
        [[bob/deal]]
        ```
        """,
        ),
    )
    site.build()
    assert _prose_links(site, "posts/alice/links/index.html") == [
        ("/posts/bob/deal/", "How we scope a deal"),
        ("/posts/bob/deal/", "the deal"),
        ("/posts/bob/renamed/#h-part", "Renamed later"),
        ("/posts/bob/renamed/", "Renamed later"),
        ("/authors/bob/", "Bob Quote"),
        ("/posts/bob/deal/", "the deal"),
        ("/posts/alice/hello/", "hello"),
    ]
    prose = site.page("posts/alice/links/index.html").cssselect(".prose")[0].text_content()
    assert "`" not in prose and "[[bob/deal]]" in prose and "[[not a link]]" in prose


def test_link_text_and_titles_are_escaped(site):
    site.write("content/bob/deal.md", post('Deal <img src=x onerror="alert(1)">'))
    site.write(
        "content/alice/links.md", post("Links", body='[[bob/deal]] and [[bob/deal|<b onclick="x">bold</b>]]')
    )
    site.build()
    page = site.page("posts/alice/links/index.html")
    assert not page.cssselect(".prose img, .prose b, [onclick], [onerror]")
    assert [a.text_content() for a in page.cssselect(".prose a")] == [
        'Deal <img src=x onerror="alert(1)">',
        '<b onclick="x">bold</b>',
    ]


def test_every_broken_link_fails_the_build_at_once_with_its_line(site):
    site.write("content/bob/hello.md", post("Bob says hello"))
    site.write("content/bob/plan.md", post("Plan", Status="draft"))
    site.write("content/bob/launch.md", post("Launch", date="2026-09-01"))
    site.write("content/bob/field-repairs.md", post("Repairs"))
    site.write(
        "content/alice/links.md",
        post(
            "Links",
            Summary="See [[bob/feild-repairs]].",
            body="""
        A fine link, [[bob/field-repairs]].

        A typo, [[bob/feild-repairs]] and [[@bobb]].
        Ambiguous, [[hello]].
        Unpublished, [[bob/plan]], [plan]({filename}/bob/plan.md) and [[launch]].
        A missing file, [x]({filename}/bob/field-repair.md).
        The typo again, [[bob/feild-repairs]].
        """,
        ),
    )
    assert site.problems() == [
        "content/alice/links.md:3:14: error: unknown post '[[bob/feild-repairs]]' (did you mean 'bob/field-repairs'?)",
        "content/alice/links.md:7:9: error: unknown post '[[bob/feild-repairs]]' (did you mean 'bob/field-repairs'?)",
        "content/alice/links.md:7:35: error: unknown author '[[@bobb]]' (did you mean '@bob'?)",
        "content/alice/links.md:8:12: error: '[[hello]]' is ambiguous: alice/hello, bob/hello (write [[author-id/slug]])",
        "content/alice/links.md:9:14: error: '[[bob/plan]]' links to a draft, which is never published (publish it first or remove the link)",
        "content/alice/links.md:9:28: error: '{filename}/bob/plan.md' links to a draft, which is never published (publish it first or remove the link)",
        "content/alice/links.md:9:63: error: '[[launch]]' links to a post scheduled for 2026-09-01, which is not published yet (add the link once it is)",
        "content/alice/links.md:10:17: error: '{filename}/bob/field-repair.md' does not name a file in the content folder (did you mean '{filename}/bob/field-repairs.md'?)",
        "content/alice/links.md:11:17: error: unknown post '[[bob/feild-repairs]]' (did you mean 'bob/field-repairs'?)",
    ]


def test_a_link_in_a_summary_is_named_where_it_is_written(site):
    """After extra spaces, and on the summary's continuation lines."""
    site.write(
        "content/alice/links.md",
        "Title: Links\nDate: 2026-01-10\nSummary:    See [[bob/nothing]], a summary that wraps\n"
        "    and links [the guide](missing.md) on its second line.\n\nText.\n",
    )
    assert site.check() == [
        "content/alice/links.md:3:17: error: unknown post '[[bob/nothing]]'",
        "content/alice/links.md:4:15: error: 'missing.md' does not name a file in the content folder or a page of the site (did you mean 'links.md'?)",
    ]


def test_drafts_may_link_drafts_and_are_still_checked(site):
    site.write("content/bob/plan.md", post("Plan", Status="draft"))
    site.write("content/bob/next.md", post("Next", Status="draft", body="After [[bob/plan]]."))
    site.build()
    site.write("content/bob/next.md", post("Next", Status="draft", body="After [[bob/plna]]."))
    assert site.problems() == [
        "content/bob/next.md:5:7: error: unknown post '[[bob/plna]]' (did you mean 'bob/plan'?)"
    ]


def test_pages_links_are_checked_and_resolved(site):
    site.write("content/pages/about.md", "Title: About\n\nAsk [[@alice]] or read [[alice/hello]].\n")
    site.build()
    assert _prose_links(site, "about/index.html") == [
        ("/authors/alice/", "Alice Field"),
        ("/posts/alice/hello/", "Hello from service"),
    ]
    site.write("content/bob/plan.md", post("Plan", Status="draft"))
    site.write("content/pages/about.md", "Title: About\n\nComing soon, [[bob/plan]].\n")
    assert site.problems() == [
        "content/pages/about.md:3:14: error: '[[bob/plan]]' links to a draft, which is never published (publish it first or remove the link)"
    ]


def test_short_links_in_bios_are_refused(site):
    site.write(
        "authors/gina.yml",
        (site.root / "authors/gina.yml")
        .read_text()
        .replace("bio: Gina studies sensor drift.", "bio: Works with [[@alice]]."),
    )
    assert site.problems() == [
        "authors/gina.yml:7: error: short links ([[…]]) work in posts and pages, not in bios: write a Markdown link, or \\[[ for brackets"
    ]


def test_short_links_can_be_turned_off(site):
    site.write("content/bob/deal.md", post("Deal", body="Matrix m[[0]] and [[alice/hello]] stay text."))
    site.build(CROSSLINKS_SHORT_LINKS=False)
    page = site.page("posts/bob/deal/index.html")
    assert not page.cssselect(".prose a") and "[[alice/hello]]" in page.cssselect(".prose")[0].text_content()


def test_backlinks_list_published_posts_never_drafts(site):
    site.write(
        "content/bob/deal.md",
        post("Deal", date="2026-01-05", body="Thanks to [[alice/hello]] and [x]({filename}/alice/hello.md)."),
    )
    site.write(
        "content/gina/study.md",
        post("Study", date="2026-01-07", Summary="Builds on [[alice/hello]].", body="Text."),
    )
    site.write("content/bob/plan.md", post("Secret plan", Status="draft", body="See [[alice/hello]]."))
    site.write("content/bob/quiet.md", post("Quiet one", Status="hidden", body="See [[alice/hello]]."))
    site.write("content/alice/self.md", post("Self", body="My own [[alice/hello]] and [[@alice]]."))
    site.build()
    items = site.page("posts/alice/hello/index.html").cssselect(".crosslinks-backlinks li")
    assert [" ".join(li.text_content().split()) for li in items] == [
        "Self by Alice Field · Service",
        "Study by Gina Guest · Service",
        "Deal by Bob Quote · Sales",
    ]
    # the author's profile lists colleagues' posts only, with what they link to
    profile = [
        " ".join(li.text_content().split())
        for li in site.page("authors/alice/index.html").cssselect(".crosslinks-profile-backlinks li")
    ]
    assert profile == [
        "Study by Gina Guest · Service links to Hello from service",
        "Deal by Bob Quote · Sales links to Hello from service",
    ]
    assert not site.page("posts/bob/deal/index.html").cssselect(".crosslinks-backlinks")
    # a short link in a summary is resolved wherever the summary is shown
    [card] = [
        c
        for c in site.page("index.html").cssselect(".card")
        if c.cssselect("h3")[0].text_content() == "Study"
    ]
    assert [(a.get("href"), a.text_content()) for a in card.cssselect(".summary a")] == [
        ("/posts/alice/hello/", "Hello from service")
    ]


def test_profile_links_count_as_profile_backlinks(site):
    site.write("content/bob/deal.md", post("Deal", body="Ask [[@gina|Gina]]."))
    site.build()
    [item] = site.page("authors/gina/index.html").cssselect(".crosslinks-profile-backlinks li")
    assert " ".join(item.text_content().split()) == "Deal by Bob Quote · Sales links to this profile"


def _related(site, path):
    return [a.get("href") for a in site.page(path).cssselect(".crosslinks-related li > a")]


def _topic_network(site):
    meters = "Flow meter calibration: electrodes, coils, liners and grounding rings on the pipe."
    site.write("content/alice/hello.md", post("Calibrating flow meters", Tags="flow meters", body=meters))
    site.write(
        "content/alice/second.md", post("More flow meter calibration", Tags="flow meters", body=meters)
    )
    site.write(
        "content/gina/drift.md", post("Flow meter drift and calibration", Tags="flow meters", body=meters)
    )
    site.write(
        "content/bob/quote.md",
        post(
            "Quoting flow meter calibration", Tags="tenders, flow meters", body=meters + " Price and offer."
        ),
    )
    site.write(
        "content/bob/tender.md",
        post("Tender deadlines", Tags="tenders", body="Tender offers, deadlines and pricing."),
    )


def test_related_posts_never_self_deterministic_and_cross_department(site):
    _topic_network(site)
    site.build()
    first = {
        p: _related(site, f"posts/{p}/index.html")
        for p in ("alice/hello", "alice/second", "gina/drift", "bob/quote")
    }
    site.build()
    assert {p: _related(site, f"posts/{p}/index.html") for p in first} == first
    for path, related in first.items():
        assert f"/posts/{path}/" not in related
    hello = first["alice/hello"]
    assert hello[0] == "/posts/gina/drift/", "another author first"
    assert "/posts/bob/quote/" in hello, "the sales view of the same topic"
    assert (
        site.page("posts/alice/hello/index.html").cssselect(".crosslinks-other-department a")[0].get("href")
        == "/posts/bob/quote/"
    )


def test_related_count_and_cross_department_threshold_are_settings(site):
    _topic_network(site)
    site.build(CROSSLINKS_RELATED_COUNT=1, CROSSLINKS_CROSS_DEPARTMENT_THRESHOLD=1.0)
    assert _related(site, "posts/alice/hello/index.html") == ["/posts/gina/drift/"]
    site.build(CROSSLINKS_RELATED_COUNT=0)
    assert not site.page("posts/alice/hello/index.html").cssselect(".crosslinks-related")


def test_manual_related_picks_come_first(site):
    _topic_network(site)
    site.write(
        "content/alice/hello.md",
        post(
            "Calibrating flow meters",
            Tags="flow meters",
            Related="bob/tender, [[drift]]",
            body="Flow meter calibration.",
        ),
    )
    site.build()
    assert _related(site, "posts/alice/hello/index.html")[:2] == ["/posts/bob/tender/", "/posts/gina/drift/"]


def test_manual_related_picks_are_checked(site):
    site.write("content/bob/quiet.md", post("Quiet", Status="hidden"))
    site.write("content/bob/plan.md", post("Plan", Status="draft"))
    site.write("content/bob/a.md", post("A", Related="bob/quiet, bob/plan, bob/a, alice/helo, @alice"))
    assert site.problems() == [
        "content/bob/a.md:3: error: 'Related' names 5 posts; at most 4 are shown (CROSSLINKS_RELATED_COUNT)",
        "content/bob/a.md:3: error: 'Related' names posts, not profiles: '@alice'",
        "content/bob/a.md:3: error: 'Related' names the post itself: 'bob/a'",
        "content/bob/a.md:3: error: 'Related': 'bob/plan' links to a draft, which is never published (publish it first or remove the link)",
        "content/bob/a.md:3: error: 'Related': 'bob/quiet' is a hidden post, and hidden posts are never listed",
        "content/bob/a.md:3: error: 'Related': unknown post 'alice/helo' (did you mean 'alice/hello'?)",
    ]


def test_previous_next_by_author_and_department(site):
    site.write("content/alice/b.md", post("Second", date="2026-01-11"))
    site.write("content/gina/g.md", post("Gina's", date="2026-01-12"))
    site.write("content/alice/c.md", post("Third", date="2026-01-13"))
    site.write("content/alice/draft.md", post("Draft", date="2026-01-12", Status="draft"))
    site.write("content/bob/s.md", post("Sales", date="2026-01-12"))
    site.build()

    def nav(path, row):
        page = site.page(f"posts/{path}/index.html")
        return [a.get("href") for a in page.cssselect(f".crosslinks-nav-{row} a")]

    assert nav("alice/b", "author") == ["/posts/alice/hello/", "/posts/alice/c/"]
    assert nav("alice/b", "department") == ["/posts/alice/hello/", "/posts/gina/g/"]
    assert nav("gina/g", "department") == ["/posts/alice/b/", "/posts/alice/c/"]
    assert nav("alice/hello", "author") == ["/posts/alice/b/"]
    assert nav("bob/s", "author") == [] and nav("bob/s", "department") == []


def test_series_box_orders_posts_by_date(site):
    site.write("content/alice/part-a.md", post("Pumps, part 2", date="2026-02-01", Series="Pump care"))
    site.write("content/alice/part-b.md", post("Pumps, part 1", date="2026-01-01", Series="Pump care"))
    site.write("content/gina/part-c.md", post("Pumps, part 3", date="2026-03-01", Series="pump  care"))
    site.write(
        "content/alice/part-d.md",
        post("Pumps, part 4", date="2026-04-01", Series="Pump care", Status="draft"),
    )
    site.build()
    page = site.page("posts/alice/part-a/index.html")
    box = page.cssselect(".crosslinks-series")[0]
    assert box.cssselect("h2")[0].text_content() == "Series: Pump care"
    assert box.cssselect(".crosslinks-position")[0].text_content() == "Part 2 of 3"
    assert [li.text_content().strip() for li in box.cssselect("li")] == [
        "Pumps, part 1",
        "Pumps, part 2",
        "Pumps, part 3",
    ]
    assert box.cssselect("[aria-current=page]")[0].text_content() == "Pumps, part 2"
    assert not site.page("posts/alice/hello/index.html").cssselect(".crosslinks-series")


@pytest.mark.parametrize(
    "setting, value, expected",
    [
        (
            "CROSSLINKS_RELATED_COUNT",
            -1,
            "CROSSLINKS_RELATED_COUNT: expected a whole number from 0 (no related posts) to 20 (got -1)",
        ),
        (
            "CROSSLINKS_RELATED_WEIGHTS",
            {"title": 1},
            "CROSSLINKS_RELATED_WEIGHTS: expected a dict with the numbers 'title', 'summary', 'body', 'tags' (0 or more, not all 0) (got {'title': 1})",
        ),
        (
            "CROSSLINKS_CROSS_DEPARTMENT_THRESHOLD",
            2,
            "CROSSLINKS_CROSS_DEPARTMENT_THRESHOLD: expected a number from 0 to 1 (got 2)",
        ),
        (
            "CROSSLINKS_SAME_AUTHOR_FACTOR",
            0,
            "CROSSLINKS_SAME_AUTHOR_FACTOR: expected a number above 0, at most 1 (got 0)",
        ),
        ("CROSSLINKS_SHORT_LINKS", "yes", "CROSSLINKS_SHORT_LINKS: expected True or False (got 'yes')"),
        (
            "CROSSLINKS_RELATED",
            3,
            "CROSSLINKS_RELATED: unknown setting (did you mean CROSSLINKS_RELATED_COUNT?)",
        ),
    ],
)
def test_settings_are_checked_before_reading(site, setting, value, expected):
    assert site.problems(**{setting: value}) == [f"pelicanconf.py: error: {expected}"]


def test_sample_network_uses_both_link_forms():
    sources = [
        p.read_text(encoding="utf-8")
        for p in (PROJECT_ROOT / "content").rglob("*.md")
        if "pages" not in p.parts
    ]
    short = [s for s in sources if re.search(r"(?<!\\)\[\[[^\]]+\]\]", s)]
    long = [s for s in sources if "{filename}" in s]
    profile = [s for s in sources if "[[@" in s]
    assert len(short) >= 5 and len(long) >= 5 and profile


def test_a_broken_short_link_never_suggests_the_post_it_is_written_in(site):
    """[[bob/enx]] in bob/enc.md suggested 'bob/enc': the post the reader is on."""
    site.write("content/bob/enc.md", post("Enc", body="See [[bob/enx]] and [[enx]]."))
    site.write("content/bob/note.md", post("Note"))
    errors = site.check()
    assert [e.split(" (did you mean")[0] for e in errors] == [
        "content/bob/enc.md:4:5: error: unknown post '[[bob/enx]]'",
        "content/bob/enc.md:4:21: error: unknown post '[[enx]]'",
    ]
    assert not any("'bob/enc'" in e for e in errors)
    # From another post, the same link suggests it.
    site.write("content/bob/note.md", post("Note", body="[[bob/enx]]"))
    assert "(did you mean 'bob/enc'?)" in " ".join(site.check())

"""Check and build cannot disagree: for every error-level rule, one broken input makes
`chorus check` and `chorus build` fail with the same lines (path:line:col and message).

Each case is the smallest input that breaks one rule of ``plugins.network.rules.RULES``;
a rule added without a case here fails ``test_every_error_rule_has_a_case``.
"""

from __future__ import annotations

import subprocess

import pytest

from chorus.build import BuildFailed
from chorus.check import run_check
from conftest import DEPARTMENTS, GINA, NOW, png_bytes, post
from plugins.network.codeowners import HEADER as CODEOWNERS_HEADER
from plugins.network.rules import RULES

POLICY = """\
rules:
  - id: customer-names
    severity: error
    message: name customers only with written consent
    terms: [Nordchem]
"""

# rule name -> (files to write, one line both must print). None as content removes the file.
CASES = {
    "reading": (
        {"content/bob/x.md": "Title: T\nDate: soon\n\nx\n"},
        "content/bob/x.md:2: error: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30, found 'soon'",
    ),
    "reading:registry": (
        {"authors/bob.yml": "name: Bob\nkind: expert\ndepartment: sales\nexpertise: [x]\nbio: b\n"},
        "authors/bob.yml:1: error: missing required field 'title'",
    ),
    "tree": (
        {"content/bob/notes.txt": "x"},
        "content/bob/notes.txt: error: file type '.txt' is not allowed in content/ (expected .md or one of: .gif, .jpeg, .jpg, .pdf, .png, .webp)",
    ),
    "tree:image": (
        {"content/bob/broken.png": b"\x89PNG\r\n\x1a\nnot really"},
        "content/bob/broken.png: error: image does not decode: Truncated File Read",
    ),
    "reading:tags": (
        {"content/bob/x.md": post(Tags=", ".join(f"t{i}" for i in range(100_000)))},
        "content/bob/x.md:3: error: 100,000 tags; the limit is 20 (CHORUS_MAX_TAGS): keep the few that say what the post is about",
    ),
    "reading:yaml": (
        {"authors/bob.yml": "name: Bob\n\tkind: expert\n"},
        "authors/bob.yml:2:1: error: YAML does not allow tabs for indentation; use spaces",
    ),
    "tree:name": (
        {"content/bob/my chart.png": png_bytes()},
        "content/bob/my chart.png: error: name has characters that are not allowed (a space); use only letters a-z and A-Z, digits, '-', '_' and '.', like 'pump-curve.png'",
    ),
    "tree:content": (
        {"content/bob/doc.pdf": b"<html><script>alert(1)</script></html>"},
        "content/bob/doc.pdf: error: the content is not a PDF document (it looks like HTML or XML); only a real PDF document may be named .pdf",
    ),
    "identity": (
        {"authors/gina.yml": GINA.replace("Gina Guest", "\u0410lice Field")},
        "authors/gina.yml:1: error: name 'Аlice Field' looks the same as 'Alice Field' (authors/alice.yml): readers could not tell these authors apart (here 'А' is U+0410 CYRILLIC CAPITAL LETTER A)",
    ),
    "reserved-ids": (
        {"authors/pages.yml": GINA.replace("Gina Guest", "Paula Ages")},
        "authors/pages.yml: error: author id 'pages' is the folder of the site's pages (PAGE_PATHS); choose another id",
    ),
    "identity:lead": (
        {"departments.yml": DEPARTMENTS.replace("sales:\n", "sales:\n  lead: gina\n")},
        "departments.yml:6: error: department 'sales': lead 'gina' is a guest (authors/gina.yml); a department is led by in-house staff (kind: expert)",
    ),
    "registry": (
        {
            "authors/bob.yml": "name: Bob\nkind: expert\ntitle: T\ndepartment: sales\nexpertise: ['!!!']\nbio: b\n"
        },
        "authors/bob.yml:5: error: expertise topic '!!!' has no letters or digits to link it with; write it out, like 'flow meters'",
    ),
    "ownership": (
        {"content/bob/x.md": post(Co_Authors="alise")},
        "content/bob/x.md:3: error: unknown co-author 'alise' (did you mean 'alice'?)",
    ),
    "ownership:folder": (
        {"content/carol/x.md": post()},
        "content/carol/x.md: error: no author registry entry for folder 'carol': add authors/carol.yml (expected one of: alice, bob, gina)",
    ),
    "links": (
        {"content/bob/x.md": post(body="See [[alice/helo]].")},
        "content/bob/x.md:4:5: error: unknown post '[[alice/helo]]' (did you mean 'alice/hello'?)",
    ),
    "links:image": (
        {"content/bob/x.md": post(body="![Chart](chart.png)")},
        "content/bob/x.md:4:1: error: image not found: chart.png",
    ),
    "links:alt": (
        {"content/bob/chart.png": png_bytes(), "content/bob/x.md": post(body="![](chart.png)")},
        "content/bob/x.md:4:1: error: image without alt text: describe what it shows, like ![Lead times by part family](...)",
    ),
    "links:cover": (
        {"content/bob/x.md": post(Cover="images/cover.jpg", Cover_Alt="A pump on its skid")},
        "content/bob/x.md:3:8: error: image not found: images/cover.jpg",
    ),
    "links:cover-alt": (
        {"content/bob/cover.png": png_bytes(), "content/bob/x.md": post(Cover="cover.png")},
        "content/bob/x.md:3: error: cover image without alt text: add 'Cover-Alt:' saying what it shows, like 'Cover-Alt: A technician at an open flow meter'",
    ),
    "links:root": (
        {"content/bob/x.md": post(body="See [topics](/topcs/).")},
        "content/bob/x.md:4:5: error: '/topcs/' is not a page of this site (did you mean '/topics/'?)",
    ),
    "related": (
        {"content/bob/x.md": post(Related="bob/x")},
        "content/bob/x.md:3: error: 'Related' names the post itself: 'bob/x'",
    ),
    "bios": (
        {
            "authors/bob.yml": "name: Bob\nkind: expert\ntitle: T\ndepartment: sales\nexpertise: [x]\nbio: Ask [[@alice]].\n"
        },
        "authors/bob.yml:6: error: short links ([[…]]) work in posts and pages, not in bios: write a Markdown link, or \\[[ for brackets",
    ),
    "outputs": (
        {"content/bob/a.md": post(Slug="b"), "content/bob/b.md": post()},
        "content/bob/b.md: error: would be written to 'posts/bob/b/index.html', which content/bob/a.md already writes (rename one, or give it another Slug:)",
    ),
    "templates": (
        {
            "templates/article.html": '{% extends "!theme/article.html" %}\n'
            "{% block title %}{{ article.title | nosuchfilter }}{% endblock %}\n"
        },
        "templates/article.html:2: error: No filter named 'nosuchfilter'.",
    ),
    "templates:include": (
        {"templates/page.html": '{% extends "!theme/page.html" %}\n{% include "nothere.html" %}\n'},
        "templates/page.html:2: error: template 'nothere.html' not found",
    ),
    "outputs:page": (
        {"content/pages/topics.md": "Title: Topics\n\nx\n"},
        "content/pages/topics.md: error: page slug 'topics' is used by the site itself (reserved: 404, _redirects, archives, authors, categories, departments, feeds, health, index, media, network, network-stats, posts, robots, search, sitemap, subscribe, tags, theme, topics)",
    ),
    "outputs:static": (
        {"static/robots.txt": "User-agent: *\n"},
        "static/robots.txt: error: would replace 'robots.txt', which the site writes itself (SEO_ROBOTS_SAVE_AS); remove one",
    ),
    "outputs:static-folder": (
        {"static/authors/alice.css": "a {}\n"},
        "static/authors/alice.css: error: would be written into 'authors/', a folder the site writes itself (AUTHORS_SAVE_AS); move it",
    ),
    "tags": (
        {"content/bob/a.md": post(Tags="Flow Meters"), "content/bob/b.md": post(Tags="flow-meters")},
        "content/bob/b.md:3: error: tag 'flow-meters' and tag 'Flow Meters' (content/bob/a.md) would share the page topics/flow-meters/; use one spelling (for two topics, names that differ in their letters or digits: only those name the page)",
    ),
    "tags:length": (
        {"content/bob/x.md": post(Tags="中" * 50)},
        "content/bob/x.md:3: error: tag '中中中中中中中中中中中中中中中中中中中中…' becomes a web address of 299 characters (topics/zhong-zhong-zhong-zh…/); the limit is 200: shorten it",
    ),
    "translations": (
        {"content/bob/deal.de.md": post("Das Angebot")},
        "content/bob/deal.de.md: error: translates 'bob/deal', which is not a post (expected content/bob/deal.md)",
    ),
    "feed-ids": (
        {"content/bob/x.md": post(Feed_Id="has spaces")},
        "content/bob/x.md:3: error: 'feed-id' must be a per-post id like 'alice/old-file-name' (letters, digits, '.', '_', '~', '-', '/') or a whole URI like 'tag:example.com,2019:post-7', found 'has spaces'",
    ),
    "policy": (
        {"policy.yml": POLICY, "content/bob/x.md": post(body="Nordchem")},
        "content/bob/x.md:4:1: error: name customers only with written consent (in body)",
    ),
    "policy:allow": (
        {"policy.yml": POLICY, "content/bob/x.md": post(Policy_Allow="nope — reviewed")},
        "content/bob/x.md:3: error: Policy-Allow names unknown rule 'nope' (expected one of: customer-names)",
    ),
    "comments": (
        {
            "pelicanconf.py": "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\nCOMMENTS_OFF_DEPARTMENTS = ['salse']\n"
        },
        "pelicanconf.py:3: error: COMMENTS_OFF_DEPARTMENTS: unknown department 'salse' (did you mean 'sales'?)",
    ),
    "codeowners": (
        {".github/CODEOWNERS": CODEOWNERS_HEADER + "* @someone\n"},  # made by Chorus, then edited
        ".github/CODEOWNERS: error: out of date with the author registry; run 'chorus codeowners' and commit the result",
    ),
    "codeowners:by-hand": (
        {".github/CODEOWNERS": "* @someone\n"},
        ".github/CODEOWNERS: error: written by hand: making it from the author registry would drop its lines;"
        " run 'chorus codeowners --force' to replace it (the network's review rules then come from authors/"
        " and CHORUS_EDITORS)",
    ),
    "redirects": (
        {"redirects.yml": "posts/bob/old/: bob/nope\n"},
        "redirects.yml:1: error: 'posts/bob/old/' goes nowhere: unknown post 'bob/nope'",
    ),
    "reading:redirects": (
        {"redirects.yml": "- posts/bob/old/\n"},
        "redirects.yml:1: error: expected a mapping of old URL to where it goes, like 'posts/li-wei/old-name/: li-wei/new-name'",
    ),
    # Committed first (the live revision, CHORUS_PUBLISHED_REF), then removed.
    "lost-urls": (
        {"content/bob/x.md": None},
        "content/bob/x.md: error: was published at /posts/bob/x/ (HEAD), which this change loses: move posts with 'chorus mv', or add 'posts/bob/x/: <where it goes now>' to redirects.yml",
        {"content/bob/x.md": post()},
    ),
}


def commit(site, files: dict) -> None:
    """Write ``files`` and commit the whole site: the revision that is live."""
    for path, content in files.items():
        site.write(path, content)
    identity = ["-c", "user.name=T", "-c", "user.email=t@example.com"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], [*identity, "commit", "-q", "-m", "live"]):
        subprocess.run(["git", *command], cwd=site.root, check=True, capture_output=True)


def test_every_error_rule_has_a_case():
    # Rules that never report an error: drafts and scheduled posts (info), summaries and
    # missing GitHub handles (warnings).
    informational = {"publication", "summaries", "github-handles"}
    assert {rule.name for rule in RULES} - informational <= {name.split(":")[0] for name in CASES}


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_and_build_fail_alike(site, name):
    files, expected, *live = CASES[name]
    settings = {}
    if live:
        commit(site, live[0])
        settings["CHORUS_PUBLISHED_REF"] = "HEAD"
    for path, content in files.items():
        if content is None:
            site.remove(path)
        else:
            site.write(path, content)
    checked = [str(p) for p in run_check(site.root, overrides={"CHORUS_NOW": NOW, **settings}).errors]
    with pytest.raises(BuildFailed) as built:
        site.build(**settings)
    assert expected in checked
    assert sorted(checked) == sorted(str(p) for p in built.value.problems)

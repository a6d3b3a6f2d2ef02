"""Published URLs keep working: redirect records, the pages and `_redirects` the build writes
for them, and the check that fails when a published URL is lost without one."""

from __future__ import annotations

import subprocess

from chorus.check import run_check
from conftest import NOW, load_model, post
from plugins.network.rules import run_rules


def rule_lines(site, rule: str, **settings) -> list[str]:
    return [str(p) for p in run_rules(load_model(site, **settings)) if p.rule == rule]


def commit(site) -> None:
    identity = ["-c", "user.name=T", "-c", "user.email=t@example.com"]
    if not (site.root / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=site.root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=site.root, check=True)
    subprocess.run(["git", *identity, "commit", "-q", "-m", "live"], cwd=site.root, check=True)


# -- the records ------------------------------------------------------------------------------


def test_each_record_is_an_old_url_going_to_something_the_build_writes(site):
    site.write("content/bob/draft.md", post(Status="draft"))
    site.write(
        "redirects.yml",
        "# moved posts\n"
        "posts/alice/old-hello/: alice/hello\n"  # fine
        "/posts/alice/hello/: alice/hello\n"  # the post's own URL
        "posts/bob/gone/: bob/nope\n"
        "posts/bob/x: /topics/\n"  # neither a folder nor an .html page
        "posts/bob/y/: bob/draft\n"
        "posts/alice/old-hello: '@alise'\n",
    )
    assert rule_lines(site, "redirects") == [
        "redirects.yml:3: error: 'posts/alice/hello/' is a page this site writes; a redirect there would hide it (remove this line)",
        "redirects.yml:4: error: 'posts/bob/gone/' goes nowhere: unknown post 'bob/nope'",
        "redirects.yml:5: error: 'posts/bob/x' is not a URL of this site like 'posts/li-wei/old-name/' (relative to SITEURL, ending in '/' or '.html')",
        "redirects.yml:6: error: 'posts/bob/y/' goes nowhere: 'bob/draft' links to a draft, which is never published (publish it first or remove the link)",
        "redirects.yml:7: error: 'posts/alice/old-hello' is not a URL of this site like 'posts/li-wei/old-name/' (relative to SITEURL, ending in '/' or '.html')",
    ]


def test_a_url_is_redirected_once(site):
    site.write("redirects.yml", "posts/a/: alice/hello\n/posts/a/index.html: '@bob'\n")
    assert rule_lines(site, "redirects") == [
        "redirects.yml:2: error: 'posts/a/index.html' is redirected already on line 1"
    ]


# -- what the build writes --------------------------------------------------------------------


def test_the_build_writes_a_redirect_page_and_the_redirects_file(site):
    site.write("pages/x.md", "")  # not content: ignored
    site.write("content/pages/about.md", "Title: About us\n\nWho we are.\n")
    site.write(
        "redirects.yml",
        "posts/alice/old-hello/: alice/hello#part-2\nabout-us.html: /about/\nposts/bob/gone/: '@bob'\n",
    )
    site.build()
    page = site.page("posts/alice/old-hello/index.html")
    assert page.cssselect("link[rel=canonical]")[0].get("href") == "/posts/alice/hello/#part-2"
    refresh = page.cssselect('meta[http-equiv="refresh"]')[0].get("content")
    assert refresh == "0; url=/posts/alice/hello/#part-2"
    link = page.cssselect("main a")[0]
    assert link.get("href") == "/posts/alice/hello/#part-2" and link.text_content() == "Hello from service"
    assert page.cssselect('meta[name="robots"]')[0].get("content") == "noindex"
    assert site.page("about-us.html").cssselect("main a")[0].text_content() == "About us"
    assert site.page("posts/bob/gone/index.html").cssselect("main a")[0].get("href") == "/authors/bob/"
    assert (site.output / "_redirects").read_text() == (
        "/posts/alice/old-hello/ /posts/alice/hello/ 301\n/about-us.html /about/ 301\n/posts/bob/gone/ /authors/bob/ 301\n"
    )
    # old URLs are not content: not in network.json, feeds or the sitemap
    assert [p["url"] for p in site.index()["posts"]] == ["/posts/alice/hello/"]


def test_a_site_under_a_sub_path_redirects_within_it(site):
    site.write("redirects.yml", "posts/alice/old-hello/: alice/hello\n")
    site.build(SITEURL="https://example.com/voices")
    page = site.page("posts/alice/old-hello/index.html")
    assert (
        page.cssselect("link[rel=canonical]")[0].get("href")
        == "https://example.com/voices/posts/alice/hello/"
    )
    assert (
        site.output / "_redirects"
    ).read_text() == "/voices/posts/alice/old-hello/ /voices/posts/alice/hello/ 301\n"


def test_no_redirects_no_file(site):
    site.build()
    assert not (site.output / "_redirects").exists()


# -- published URLs are not lost --------------------------------------------------------------


def test_removing_a_published_post_without_a_redirect_fails_the_check(site):
    site.write("content/bob/x.md", post("X"))
    site.write("content/bob/later.md", post("Later", date="2026-12-01"))  # scheduled: not live yet
    site.write("content/bob/draft.md", post("Draft", Status="draft"))
    site.write("content/bob/hidden.md", post("Hidden", Status="hidden"))  # written, so live
    commit(site)
    for name in ("x", "later", "draft", "hidden"):
        site.remove(f"content/bob/{name}.md")
    report = run_check(site.root, changed_since="HEAD", overrides={"CHORUS_NOW": NOW})
    assert [str(p) for p in report.errors] == [
        f"content/bob/{name}.md: error: was published at /posts/bob/{name}/ (HEAD), which this change loses:"
        f" move posts with 'chorus mv', or add 'posts/bob/{name}/: <where it goes now>' to redirects.yml"
        for name in ("hidden", "x")
    ]
    site.write("redirects.yml", "posts/bob/x/: alice/hello\nposts/bob/hidden/: '@bob'\n")
    assert run_check(site.root, changed_since="HEAD", overrides={"CHORUS_NOW": NOW}).errors == []


def test_a_new_slug_loses_the_old_url_too(site):
    site.write("content/bob/x.md", post("X"))
    commit(site)
    site.write("content/bob/x.md", post("X", Slug="ex"))
    assert rule_lines(site, "lost-url", CHORUS_PUBLISHED_REF="HEAD") == [
        "content/bob/x.md: error: was published at /posts/bob/x/ (HEAD), which this change loses:"
        " move posts with 'chorus mv', or add 'posts/bob/x/: <where it goes now>' to redirects.yml"
    ]


def test_a_live_revision_git_does_not_know_is_a_settings_error(site):
    assert rule_lines(site, "lost-url", CHORUS_PUBLISHED_REF="origin/main") == [
        "pelicanconf.py: error: CHORUS_PUBLISHED_REF: cannot compare with 'origin/main', which git does not know here"
        " (is the site in a git clone with that branch fetched?)"
    ]

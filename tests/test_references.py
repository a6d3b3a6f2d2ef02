"""Links and images written the ways authors write them end up where the build puts their targets."""

from __future__ import annotations

from conftest import GINA, NOW, png_bytes, post


def test_images_beside_a_post_are_published_with_or_without_static(site):
    site.write("content/bob/pump.png", png_bytes())
    site.write("content/bob/img/valve.png", png_bytes())
    site.write(
        "content/bob/x.md",
        post(body="![The pump](pump.png) ![The valve](img/valve.png) ![Again]({static}pump.png)"),
    )
    output = site.build()
    sources = [img.get("src") for img in site.page("posts/bob/x/index.html").cssselect(".prose img")]
    assert sources == ["/media/bob/pump.png", "/media/bob/img/valve.png", "/media/bob/pump.png"]
    assert all((output / src.lstrip("/")).is_file() for src in sources)


def test_relative_and_root_links_point_at_pages_the_build_writes(site):
    site.write(
        "content/bob/x.md",
        post(body="[Hello](../alice/hello.md), [topics](/topics/), [up](../../alice/hello/)"),
    )
    site.build()
    links = [a.get("href") for a in site.page("posts/bob/x/index.html").cssselect(".prose a")]
    assert links == ["/posts/alice/hello/", "/topics/", "../../alice/hello/"]


def test_a_missing_image_fails_with_its_line_and_a_suggestion(site):
    site.write("content/bob/pump.png", png_bytes())
    site.write("content/bob/x.md", post(body="Intro.\n\nSee ![The pump](pmup.png)."))
    assert site.problems() == [
        "content/bob/x.md:6:5: error: image not found: pmup.png (did you mean 'pump.png'?)"
    ]


def test_pelicans_attach_links_publish_the_file_where_every_file_goes(site):
    """{attach} (Pelican: publish the file beside the page) is read as {static}: every file
    of content/ has one address, /media/…, and Pelican's own fallback would warn, failing a
    strict build that `chorus check` passed."""
    from chorus.build import build_site

    site.write("content/bob/chart.png", png_bytes())
    site.write(
        "content/bob/x.md",
        post("X", Summary="S.", body="![Chart]({attach}chart.png) and [it]({attach}chart.png)"),
    )
    assert site.check() == []
    build_site(site.root, output=site.output, strict=True, overrides={"CHORUS_NOW": NOW})
    page = site.page("posts/bob/x/index.html")
    assert page.cssselect(".prose img")[0].get("src") == "/media/bob/chart.png"
    assert [a.get("href") for a in page.cssselect(".prose a")] == ["/media/bob/chart.png"]


def test_a_link_whose_host_a_browser_reads_otherwise_fails_check_and_build(site):
    """'℀' is 'a/c' once normalised (NFKC, as a browser maps a host): the link shows one
    host and leads to none. Found where it is written, in a post and in a bio; the same
    character in a path, and plain Unicode hosts, are fine."""
    site.write(
        "content/bob/hosts.md",
        post(
            "Hosts",
            body="Fine: [café](https://café.example/℀) and [x](https://example.com/).\n\n"
            "Broken: [account](//a℀b.example/), [v6](http://[::1/).",
        ),
    )
    site.write("authors/gina.yml", GINA_WITH_LINK)
    errors = site.check()
    assert errors == site.problems()  # check and build refuse the same, in the same words
    assert [e for e in errors if "browser" in e] == [
        "authors/gina.yml:7: error: link to https://x／y.example/: its host holds '／' (U+FF0F, read as '/'), "
        "so a browser reads another address; write the host in plain characters",
        "content/bob/hosts.md:6:9: error: link to //a℀b.example/: its host holds '℀' (U+2100, read as 'a/c'), "
        "so a browser reads another address; write the host in plain characters",
        "content/bob/hosts.md:6:36: error: link to http://[::1/: not a URL a browser can follow (Invalid IPv6 URL)",
    ]


GINA_WITH_LINK = GINA.replace(
    "bio: Gina studies sensor drift.", "bio: Gina studies [drift](https://x／y.example/)."
)


def test_a_character_in_the_path_is_not_blamed_on_the_host():
    from plugins.network.links import external_problem

    assert external_problem("https://[oops]/docs/a℀b") == (
        "link to https://[oops]/docs/a℀b: not a URL a browser can follow"
        " ('oops' does not appear to be an IPv4 or IPv6 address)"
    )

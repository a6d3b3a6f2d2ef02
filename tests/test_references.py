"""Links and images written the ways authors write them end up where the build puts their targets."""

from __future__ import annotations

from conftest import NOW, png_bytes, post


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

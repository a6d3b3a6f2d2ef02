"""A build on every core writes exactly what a one-process build writes; a warm render cache
renders nothing and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import png_bytes, post


def _files(output: Path) -> dict[str, bytes]:
    """Every file the build wrote, except the search index: Pagefind itself writes a different
    index on every run (its filter files are named by content hashes of unordered data), so
    the pages it indexes are compared instead."""
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file() and "pagefind" not in p.relative_to(output).parts
    }


def _network_of(site, posts: int = 24) -> None:
    site.write("content/bob/chart.png", png_bytes())
    for number in range(posts):
        owner = ("alice", "bob", "gina")[number % 3]
        site.write(
            f"content/{owner}/post-{number}.md",
            post(
                f"Post {number} on meters",
                date=f"2026-0{1 + number % 5}-1{number % 10}",
                Tags=f"meters, topic {number % 4}",
                body=f"Text of post {number}, *emphasis*, `code` and [[alice/hello]].\n\n![Chart](../bob/chart.png)",
            ),
        )


def test_parallel_build_is_byte_identical_to_a_serial_one(site, tmp_path, monkeypatch):
    from plugins.network import parallel_pages

    _network_of(site)
    serial = _files(
        site.build(CHORUS_WORKERS=1, CHORUS_PAGE_WORKERS=1, CACHE_PATH=str(tmp_path / "serial-cache"))
    )
    # The pages must reach the workers: the build's in-order fallback is byte-identical too.
    sent: list[int] = []
    map_jobs = parallel_pages.map_jobs
    monkeypatch.setattr(
        parallel_pages,
        "map_jobs",
        lambda run, calls, workers: sent.append(len(calls)) or map_jobs(run, calls, workers),
    )
    parallel = _files(
        site.build(CHORUS_WORKERS=2, CHORUS_PAGE_WORKERS=2, CACHE_PATH=str(tmp_path / "parallel-cache"))
    )
    assert sent and sent[0] > 20, "post and listing pages rendered by the page workers"
    assert serial.keys() == parallel.keys()
    assert [name for name in serial if serial[name] != parallel[name]] == []


def test_a_warm_render_cache_renders_nothing_and_writes_the_same_site(site, tmp_path, monkeypatch):
    _network_of(site, posts=6)
    cache = str(tmp_path / "cache")
    cold = _files(site.build(CACHE_PATH=cache))
    assert list((tmp_path / "cache" / "markdown").rglob("*.html")), "the render cache was not written"

    import plugins.markdown_posts.prerender as prerender

    rendered: list[int] = []
    real_map = prerender.map_jobs

    def counting(function, jobs, workers):
        rendered.append(len(jobs))
        return real_map(function, jobs, workers)

    monkeypatch.setattr(prerender, "map_jobs", counting)
    assert _files(site.build(CACHE_PATH=cache)) == cold
    assert rendered == [0], "a warm cache still rendered Markdown"
    entries = sorted((tmp_path / "cache" / "markdown").rglob("*.html"))
    site.write("content/bob/post-1.md", post("Post 1, edited", body="A sentence no other post has."))
    site.build(CACHE_PATH=cache)
    assert rendered[-1] == 1, "only the edited post is rendered again"
    # The edited text's old entry is gone: the cache holds what the site renders, no more.
    after = sorted((tmp_path / "cache" / "markdown").rglob("*.html"))
    assert len(after) == len(entries) and len(set(after) - set(entries)) == 1


def test_the_next_process_finds_what_this_one_rendered(site):
    # The cache's key once held repr() of a function, its memory address: a new process
    # (the next build, CI restoring cache/, `chorus serve` restarted) found nothing.
    import subprocess
    import sys

    from conftest import NOW

    _network_of(site, posts=3)
    entries = []
    for _ in range(2):
        built = subprocess.run(
            [sys.executable, "-m", "chorus.cli", "build", "--now", NOW],
            cwd=site.root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert built.returncode == 0, built.stderr
        entries.append(sorted(p.name for p in (site.root / "cache/markdown").rglob("*.html")))
    assert entries[0] and entries[1] == entries[0], "the second build rendered Markdown again"


def test_the_markdown_configuration_names_functions_without_their_address():
    from plugins.markdown_posts.prerender import config_text
    from plugins.network.rendering import DEFAULT_MARKDOWN, heading_slug

    text = config_text(DEFAULT_MARKDOWN)
    assert " at 0x" not in text and "plugins.network.rendering.heading_slug" in text
    assert config_text({"slugify": heading_slug}) != config_text({"slugify": len})


def test_a_template_error_on_a_page_a_worker_renders_names_its_file_and_line(site):
    # The worker's failure is run again by the build's process, which raises it with its
    # traceback: the same problem as a one-process build reports.
    _network_of(site, posts=24)
    site.write(
        "templates/article.html",
        "{% extends '!theme/article.html' %}"
        "{% block content %}{% if article.slug == 'post-7' %}\n{% include 'nowhere.html' %}"
        "{% endif %}{{ super() }}{% endblock %}\n",
    )
    settings = {"THEME_TEMPLATES_OVERRIDES": [str(site.root / "templates")]}
    serial = site.problems(CHORUS_PAGE_WORKERS=1, **settings)
    assert serial == site.problems(CHORUS_PAGE_WORKERS=2, **settings)
    assert serial == ["templates/article.html:2: error: template 'nowhere.html' not found"]


class _Writer:
    """The part of Pelican's writer the page workers use: write_file and what it wrote."""

    def __init__(self, output: Path):
        self.output = output
        self._written_files: set[str] = set()

    def write_file(self, name, template, context, **kwargs):
        import logging

        path = str(self.output / name)
        if path in self._written_files:
            from pelican.writers import FileOverwriteFailedError

            raise FileOverwriteFailedError(path)
        # Pelican's loggers drop a message they logged before: each test's is its own.
        logging.getLogger("plugins.example").warning("rendered %s in %s", name, self.output)
        Path(path).write_text(name)
        self._written_files.add(path)


class _Generator:
    settings: dict = {}

    def __init__(self, names: list[str]):
        self.names = names

    def generate_pages(self, writer):
        for name in self.names:
            writer.write_file(name, None, {})


@pytest.mark.parametrize("pages", [40, 5])  # 5: too few to fork for, written in the build's process
def test_page_workers_write_every_page_and_their_warnings_reach_the_build(tmp_path, caplog, pages):
    from plugins.network.parallel_pages import render_pages_on_every_core

    names = [f"page-{number}.html" for number in range(pages)]
    generator, writer = _Generator(names), _Writer(tmp_path)
    render_pages_on_every_core(generator, 2)
    with caplog.at_level("WARNING"):
        generator.generate_pages(writer)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert writer._written_files == {str(tmp_path / name) for name in names}
    # logged once each, in the build's process, where the build records warnings
    assert sorted(r.getMessage() for r in caplog.records) == sorted(
        f"rendered {n} in {tmp_path}" for n in names
    )


# 2: in the chunk of page-3's call, so in the same worker; 39: in a later chunk, which
# either worker may take.
@pytest.mark.parametrize("again", [2, 39])
def test_page_workers_refuse_one_file_written_twice_as_pelicans_writer_does(tmp_path, again):
    from pelican.writers import FileOverwriteFailedError

    from plugins.network.parallel_pages import render_pages_on_every_core

    names = [f"page-{number}.html" for number in range(40)]
    names[again] = "page-3.html"
    generator = _Generator(names)
    render_pages_on_every_core(generator, 2)
    with pytest.raises(FileOverwriteFailedError):
        generator.generate_pages(_Writer(tmp_path))


def test_a_configuration_no_text_names_reliably_renders_without_the_cache():
    # Two closures (or bound methods) with different captured values have the same name
    # and code, and may even share an address once one is freed: no key can tell them apart.
    from functools import partial

    from plugins.markdown_posts.prerender import Uncacheable, config_text

    def prefixed(prefix):
        return lambda value, separator: prefix + value

    with pytest.raises(Uncacheable):
        config_text({"slugify": prefixed("h-")})
    with pytest.raises(Uncacheable):
        config_text({"slugify": "".join})  # a bound method
    assert config_text(partial(max, 3)) != config_text(partial(max, 4))


def test_an_uncacheable_configuration_builds_all_the_same(site, tmp_path):
    from plugins.network.rendering import DEFAULT_MARKDOWN

    _network_of(site, posts=3)
    markdown = {**DEFAULT_MARKDOWN, "extension_configs": dict(DEFAULT_MARKDOWN["extension_configs"])}
    prefix = "h-"
    markdown["extension_configs"]["markdown.extensions.toc"] = {"slugify": lambda value, sep: prefix + value}
    site.build(MARKDOWN=markdown, CACHE_PATH=str(tmp_path / "cache"))
    assert not list((tmp_path / "cache" / "markdown").rglob("*.html")), "nothing kept for it"


class _FailingWriter(_Writer):
    """Writes the first page of 'listing.html', then fails: a listing whose second page's
    template breaks."""

    def write_file(self, name, template, context, **kwargs):
        if name == "listing.html":
            super().write_file("listing-1.html", template, context)
            raise ValueError("the second page's template broke")
        super().write_file(name, template, context, **kwargs)


@pytest.mark.parametrize("pages", [40, 5])  # 5: too few to fork for, written in order here
def test_a_failing_call_raises_its_own_error(tmp_path, pages):
    from plugins.network.parallel_pages import render_pages_on_every_core

    names = [f"page-{number}.html" for number in range(pages - 1)] + ["listing.html"]
    names[1], names[-1] = names[-1], names[1]
    generator = _Generator(names)
    render_pages_on_every_core(generator, 2)
    with pytest.raises(ValueError, match="second page"):
        generator.generate_pages(_FailingWriter(tmp_path))


# The single pattern the render cache's key used to find URL candidates with: the three
# patterns of url_candidates() must find every string it found (more is only looser).
_ONE_PATTERN = r"""\]\(\s*<?(?P<inline>[^)\s>]+)|^[ ]{0,3}\[[^\]\n]+\]:\s*<?(?P<definition>[^\s>]+)|\b(?:src|href)\s*=\s*(?:"(?P<quoted>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s>"']+))"""


def test_url_candidates_find_whatever_one_pattern_over_all_three_found():
    import random
    import re

    from plugins.markdown_posts.prerender import url_candidates

    one = re.compile(_ONE_PATTERN, re.IGNORECASE | re.MULTILINE)
    pieces = [
        "](",
        "]: ",
        "[ref]",
        "[a]",
        "\n",
        "   ",
        " ",
        "<",
        ">",
        ")",
        '"',
        "'",
        "=",
        "src",
        "SRC",
        "href",
        "HRef",
        "ſrc",
        "x.png",
        "../b/c.md",
        "{static}d.pdf",
        "#top",
        "é",
        "\t",
        "ß",
    ]
    rng = random.Random(15)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(20000)]
    texts += ['<img alt="Chart"\n  src="chart.png">', "[ref]:\n  x.png", "[a](<b c.png>)", "ſrc=x.png"]
    for text in texts:
        expected = {match.group(match.lastgroup or 0) for match in one.finditer(text)}
        assert expected <= url_candidates(text), repr(text)

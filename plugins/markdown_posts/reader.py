"""A Markdown reader for posts and pages: the site model's post, rendered.

Replaces Pelican's MarkdownReader. The source was read and its header checked once, into
the site model (``plugins.network.sources``), and every rule ran before Pelican asks for a
file; the first read renders every source at once with the one sanitising renderer, on
every core and through the render cache (``prerender``), and each read hands Pelican one
post's HTML and metadata. Markdown that cannot be rendered in time is the one problem
only rendering finds: it is reported with the file and line like every other. Once the
posts (then the pages) are read, the run lets go of their rendered HTML: the articles
hold what is written from then on.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from weakref import WeakKeyDictionary

from pelican import signals
from pelican.readers import BaseReader
from pelican.urlwrappers import Tag
from pelican.utils import SafeDatetime

from plugins.network import Problem, SourceError, get_state
from plugins.network.model import Post
from plugins.network.parallel import worker_count
from plugins.network.state import BuildState
from plugins.network.urls import slug_of

from .prerender import BODY, SUMMARY, RenderCache, Rendered, render_site

_WORD = re.compile(r"\w+")


# What render_site produced for each build, found again by the reader for every file.
_RENDERED: WeakKeyDictionary[BuildState, dict[tuple[str, str], Rendered]] = WeakKeyDictionary()


def rendered_site(state: BuildState) -> dict[tuple[str, str], Rendered]:
    """Every source of the run rendered, once, on every core (the rules ran before any read)."""
    if state not in _RENDERED:
        settings = state.settings
        _RENDERED[state] = render_site(
            state.site,
            state.renderer,
            settings.get("MARKDOWN"),
            RenderCache(state.cache_dir("markdown")),
            settings["CHORUS_MAX_RENDER_SECONDS"],
            worker_count(settings["CHORUS_WORKERS"]),
        )
    return _RENDERED[state]


def reading_figures(body: str, words_per_minute: int) -> tuple[int, int]:
    """A body's word count and reading time in whole minutes (at least one)."""
    words = len(_WORD.findall(body))
    return words, max(1, math.ceil(words / words_per_minute))


class ChorusMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path: str):
        state = get_state(self.settings)
        relative = Path(source_path).absolute().relative_to(state.content_path).as_posix()
        source = state.site.by_source.get(relative)
        if source is None:  # not in the model: the rules have reported why, and the build stopped
            raise SourceError(Problem(state.shown(source_path), None, "could not be read", rule="reading"))
        rendered = rendered_site(state)

        def html_of(part: str, line: int | None) -> str:
            result = rendered[(relative, part)]
            if result.error is not None:
                problem = Problem(source.path, line, result.error, rule="markdown")
                state.reader_problems[relative] = [problem]
                raise SourceError(problem)
            return result.html

        metadata: dict[str, object] = {"title": source.title, "slug": source.slug}
        for key in ("date", "modified"):
            if (stamp := getattr(source, key)) is not None:
                metadata[key] = SafeDatetime.fromisoformat(stamp.isoformat())
        if source.summary is not None:
            metadata["summary"] = html_of(SUMMARY, source.line_of("summary"))
        if "status" in source.header:
            metadata["status"] = source.header["status"].raw.lower()
        if isinstance(source, Post):
            tags: dict[str, Tag] = {}
            for name in source.tags:
                tag = Tag(name, self.settings)
                # The URL scheme's slug, remembered per name: Pelican would slugify each
                # post's every tag again (35,000 times at 10,000 posts). An empty one is
                # left to Pelican, which warns about it.
                if slug := slug_of(name, self.settings, "TAG"):
                    tag.slug = slug
                tags.setdefault(tag.slug, tag)
            metadata["tags"] = list(tags.values())
            metadata["featured"] = source.featured
            for key in ("canonical", "series"):
                if (value := getattr(source, key)) is not None:
                    metadata[key] = value
        words, minutes = reading_figures(source.body, self.settings["CHORUS_WORDS_PER_MINUTE"])
        metadata["word_count"] = words
        metadata["reading_time"] = minutes
        return html_of(BODY, source.body_line), metadata


def add_reader(readers) -> None:
    for extension in ChorusMarkdownReader.file_extensions:
        readers.reader_classes[extension] = ChorusMarkdownReader
    # Content in other markup would bypass the sanitiser: Chorus reads Markdown only.
    for extension in ("html", "htm", "rst"):
        readers.reader_classes.pop(extension, None)


def forget_read_posts(generator) -> None:
    """Every post is read: its HTML lives in its article now (and pointing its links made a
    new string of most), so the run's copy goes (about 60 MiB at 10,000 posts). Pages are
    read after posts and keep theirs until then."""
    state = get_state(generator.settings)
    rendered = _RENDERED.get(state)
    if rendered is not None:
        posts = state.site.posts_by_source
        for key in [key for key in rendered if key[0] in posts]:
            del rendered[key]


def forget_rendered_site(generators) -> None:
    """Every source is read: nothing of the run's rendering is needed any more."""
    if generators:
        _RENDERED.pop(get_state(generators[0].settings), None)


def register() -> None:
    signals.readers_init.connect(add_reader)
    signals.article_generator_pretaxonomy.connect(forget_read_posts)
    signals.all_generators_finalized.connect(forget_rendered_site)

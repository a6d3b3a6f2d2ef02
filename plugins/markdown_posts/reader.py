"""A Markdown reader for posts and pages: the site model's post, rendered.

Replaces Pelican's MarkdownReader. The source was read and its header checked once, into
the site model (``plugins.network.sources``), and every rule ran before Pelican asks for a
file; this reader renders the body and summary with the one sanitising renderer and hands
Pelican the post's metadata. Markdown that cannot be rendered in time is the one problem
only rendering finds: it is reported with the file and line like every other.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pelican import signals
from pelican.readers import BaseReader
from pelican.urlwrappers import Tag
from pelican.utils import SafeDatetime

from plugins.network import Problem, SourceError, get_state
from plugins.network.links import classify, content_relative
from plugins.network.model import Post, RefForm
from plugins.network.rendering import RenderError

_WORD = re.compile(r"\w+")


class ChorusMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path: str):
        state = get_state(self.settings)
        relative = Path(source_path).absolute().relative_to(state.content_path).as_posix()
        source = state.site.by_source.get(relative)
        if source is None:  # not in the model: the rules have reported why, and the build stopped
            raise SourceError(Problem(state.shown(source_path), None, "could not be read", rule="reading"))
        limit = self.settings["CHORUS_MAX_RENDER_SECONDS"]
        site = state.site

        def point_at_content(url: str) -> str:
            """A relative path to a file in content/ becomes Pelican's {static} or {filename}
            form, so it points where the build publishes that file, not next to the page."""
            classified = classify(url)
            if classified is None or classified[0] is not RefForm.RELATIVE:
                return url
            target = content_relative(unquote(urlsplit(url).path), relative)
            if target in site.by_source:
                return "{filename}" + url
            if target in site.static_paths:
                return "{static}" + url
            return url

        def render(text: str, line: int | None) -> str:
            try:
                return state.renderer.render(text, time_limit=limit, rewrite_url=point_at_content)
            except RenderError as exc:
                problem = Problem(source.path, line, str(exc), rule="markdown")
                state.reader_problems[relative] = [problem]
                raise SourceError(problem) from None

        metadata: dict[str, object] = {"title": source.title, "slug": source.slug}
        for key in ("date", "modified"):
            if (stamp := getattr(source, key)) is not None:
                metadata[key] = SafeDatetime.fromisoformat(stamp.isoformat())
        if source.summary is not None:
            metadata["summary"] = render(source.summary, source.line_of("summary"))
        if "status" in source.header:
            metadata["status"] = source.header["status"].raw.lower()
        if isinstance(source, Post):
            tags: dict[str, Tag] = {}
            for name in source.tags:
                tag = Tag(name, self.settings)
                tags.setdefault(tag.slug, tag)
            metadata["tags"] = list(tags.values())
            metadata["featured"] = source.featured
            for key in ("canonical", "series"):
                if (value := getattr(source, key)) is not None:
                    metadata[key] = value
        words = len(_WORD.findall(source.body))
        metadata["word_count"] = words
        metadata["reading_time"] = max(1, math.ceil(words / self.settings["CHORUS_WORDS_PER_MINUTE"]))
        return render(source.body, source.body_line), metadata


def add_reader(readers) -> None:
    for extension in ChorusMarkdownReader.file_extensions:
        readers.reader_classes[extension] = ChorusMarkdownReader
    # Content in other markup would bypass the sanitiser: Chorus reads Markdown only.
    for extension in ("html", "htm", "rst"):
        readers.reader_classes.pop(extension, None)


def register() -> None:
    signals.readers_init.connect(add_reader)

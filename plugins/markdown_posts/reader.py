"""A Markdown reader for posts and pages that reports bad input with file and line.

Replaces Pelican's MarkdownReader: the header is parsed by the shared schema
(``plugins.network.postmeta``), the body and summary are rendered by the one sanitising
renderer, and the reading time is measured. The reader depends only on the file and the
settings, never on the author registry, so Pelican's reader cache stays correct when the
registry changes; checks against the registry happen in ``author_folders``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from pelican import signals
from pelican.readers import BaseReader
from pelican.urlwrappers import Tag
from pelican.utils import SafeDatetime

from plugins.network import Problem, ProblemList, SourceError, get_state
from plugins.network.posts import parse_post_file
from plugins.network.rendering import RenderError

_WORD = re.compile(r"\w+")


class ChorusMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path: str):
        state = get_state(self.settings)
        parsed = parse_post_file(
            Path(source_path),
            state.content_path,
            state.shown(source_path),
            self.settings["PAGE_PATHS"],
            self.settings["CHORUS_MAX_POST_BYTES"],
        )
        content_relative, shown, is_page = str(parsed.relative), parsed.shown, parsed.is_page
        if parsed.problems:
            state.reader_problems[content_relative] = parsed.problems
            raise SourceError(parsed.problems)
        header, fields, slug = parsed.header, parsed.fields, parsed.slug
        problems = ProblemList(rule="metadata")

        limit = self.settings["CHORUS_MAX_RENDER_SECONDS"]

        def render(text: str, line: int) -> str:
            try:
                return state.renderer.render(text, time_limit=limit)
            except RenderError as exc:
                problem = Problem(shown, line, str(exc), rule="markdown")
                state.reader_problems[content_relative] = [problem]
                raise SourceError(problem) from None

        values = fields.values
        metadata: dict[str, object] = {
            "title": values["title"],
            "slug": slug,
            "meta_lines": dict(fields.lines),
            "body_line": header.body_line,
        }
        for key in ("date", "modified"):
            if key in values:
                metadata[key] = SafeDatetime.fromisoformat(values[key].isoformat())  # type: ignore[union-attr]
        if "summary" in values:
            metadata["summary"] = render(str(values["summary"]), fields.lines["summary"])
        if "status" in values:
            metadata["status"] = values["status"]
        if not is_page:
            tags = []
            seen = set()
            for name in values.get("tags", []):  # type: ignore[union-attr]
                tag = Tag(name, self.settings)
                if not tag.slug:
                    problems.add(shown, fields.lines["tags"], f"tag {name!r} has no letters or digits")
                elif tag.slug not in seen:
                    seen.add(tag.slug)
                    tags.append(tag)
            if problems.errors:
                state.reader_problems[content_relative] = problems.errors
                raise SourceError(problems.errors)
            metadata["tags"] = tags
            metadata["author_claim"] = values.get("author")
            metadata["coauthor_ids"] = tuple(values.get("co-authors", ()))  # type: ignore[arg-type]
            metadata["department_id"] = values.get("department")
            metadata["featured"] = bool(values.get("featured", False))
            for key in ("canonical", "series", "feed-id", "policy-allow"):
                if key in values:
                    metadata[key.replace("-", "_")] = values[key]
            metadata["related_ids"] = tuple(values.get("related", ()))  # type: ignore[arg-type]
        words = len(_WORD.findall(header.body))
        metadata["word_count"] = words
        metadata["reading_time"] = max(1, math.ceil(words / self.settings["CHORUS_WORDS_PER_MINUTE"]))
        return render(header.body, header.body_line), metadata


def add_reader(readers) -> None:
    for extension in ChorusMarkdownReader.file_extensions:
        readers.reader_classes[extension] = ChorusMarkdownReader
    # Content in other markup would bypass the sanitiser: Chorus reads Markdown only.
    for extension in ("html", "htm", "rst"):
        readers.reader_classes.pop(extension, None)


def register() -> None:
    signals.readers_init.connect(add_reader)

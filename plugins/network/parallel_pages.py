"""Pelican's post and listing pages rendered on every core, byte for byte as in one process.

``ArticlesGenerator.generate_pages`` renders every post's page and every listing (home,
archives, topics, departments, authors) one after another, the largest part of a warm
build. Here it runs as it always does, except that the writer records each ``write_file``
call instead of rendering it; the calls are then replayed by forked workers
(``plugins.network.parallel``), which start with the whole build in memory, so each renders
exactly what the build's process would have rendered and writes it to the same place.

What a call needs besides its arguments comes with it:

- Pelican sends ``article_generator_write_article`` just before it writes a post's page
  (``plugins.post_page`` makes the post's body then, and drops the previous post's;
  ``plugins.seo`` its structured data), so a recorded post page carries its post and the
  worker sends the signal again before rendering it.
- Pelican's writer refuses to write one file twice; each worker knows what was written
  before the pages and what it wrote itself, and the build's process goes through the
  workers' files in the order of the calls, as one writer would have met them.
- What a worker logs at WARNING or above is logged again by the build's process, where the
  build records it (a warning fails a strict build).
- A call that fails in a worker is run again by the build's process, knowing what the
  calls before it wrote, and raises there with its own traceback (a template error names
  its file and line).

The build's process replays every call itself, in order, when there are too few to be
worth a process, when writes ask to override another (``override_output``: that depends
on their order), with relative URLs (they carry state from one write to the next), or when
something listens to ``content_written`` (it would hear only the workers' writes). The
recording pass still sends ``article_generator_write_article`` for every post, so the
build's process makes each post's body once more than the workers need: part of what the
workers save goes there.

The cost is memory: a worker's copy of the build is shared with the build's process only
until it touches it, and rendering thousands of pages touches much of it. At 10,000 posts
two workers took a warm build's process tree from 439 to 683 MiB, over issue #12's
0.5 GiB (docs/performance.md, "Pages on every core"); so it runs only when
CHORUS_PAGE_WORKERS asks for more than one process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pelican import signals
from pelican.writers import FileOverwriteFailedError

from .parallel import forks, map_jobs

_LOGGED = ("pelican", "plugins", "jinja2")  # whose warnings the build records (chorus.build)


@dataclass
class _Call:
    args: tuple
    kwargs: dict[str, Any]
    article: Any = None  # the post Pelican sent article_generator_write_article for


@dataclass
class _Outcome:
    written: list[str] = field(default_factory=list)
    logged: list[tuple[str, int, str]] = field(default_factory=list)  # (logger, level, message)
    failed: bool = False


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def render_pages_on_every_core(generator: Any, workers: int) -> None:
    """From now on, ``generator.generate_pages`` renders its pages on ``workers`` processes."""
    generate_pages = generator.generate_pages

    def in_parallel(writer: Any) -> None:
        calls = _recorded(generator, writer, generate_pages)
        if (
            not forks(len(calls), workers)  # too few pages to be worth a process
            or generator.settings.get("RELATIVE_URLS")  # carries state from one write to the next
            or any(call.kwargs.get("override_output") for call in calls)  # depends on the order
            or signals.content_written.receivers  # a listener would hear only the workers' writes
        ):
            for call in calls:
                _replay(generator, writer, call)
            return
        outcomes = map_jobs(lambda call: _run(generator, writer, call), calls, workers)
        # In the order of the calls, as one writer would have met them.
        for call, outcome in zip(calls, outcomes, strict=True):
            if outcome.failed:
                # Run again here, knowing what the calls before it wrote: it raises with the
                # real traceback (a template error names its file and line).
                _replay(generator, writer, call)
                continue
            for name, level, message in outcome.logged:  # logged in the worker: log it where it counts
                logging.getLogger(name).log(level, "%s", message)
            for path in outcome.written:
                if path in writer._written_files:  # what Pelican's one writer would have refused
                    raise FileOverwriteFailedError(
                        f'Failed to overwrite "{path}" as Pelican has already written to it previously'
                    )
                writer._written_files.add(path)

    generator.generate_pages = in_parallel


def _recorded(generator: Any, writer: Any, generate_pages: Any) -> list[_Call]:
    """The writer's calls ``generate_pages`` makes, each with the post it was sent for."""
    calls: list[_Call] = []
    pending: list[Any] = []

    def note_article(sender: Any, content: Any) -> None:
        if sender is generator:
            pending[:] = [content]

    def record(*args: Any, **kwargs: Any) -> None:
        calls.append(_Call(args, kwargs, pending.pop() if pending else None))

    real = writer.write_file
    writer.write_file = record
    signals.article_generator_write_article.connect(note_article)
    try:
        generate_pages(writer)
    finally:
        signals.article_generator_write_article.disconnect(note_article)
        writer.write_file = real
    return calls


def _replay(generator: Any, writer: Any, call: _Call) -> None:
    if call.article is not None:
        signals.article_generator_write_article.send(generator, content=call.article)
    writer.write_file(*call.args, **call.kwargs)


class _NotedSet(set):
    """The writer's set of written files, noting what is added in order (a worker's own
    writes), so a call's files are the tail of the list, not a copy of the whole set."""

    def __init__(self, items: set[str]) -> None:
        super().__init__(items)
        self.added: list[str] = []

    def add(self, item: str) -> None:
        if item not in self:
            self.added.append(item)
        super().add(item)


def _run(generator: Any, writer: Any, call: _Call) -> _Outcome:
    """One call, in a worker."""
    outcome = _Outcome()
    records = _Records()
    loggers = [logging.getLogger(name) for name in _LOGGED]
    for logger in loggers:
        logger.addHandler(records)
    if not isinstance(writer._written_files, _NotedSet):  # the worker's copy of the writer
        writer._written_files = _NotedSet(writer._written_files)
    noted = writer._written_files
    mark = len(noted.added)
    try:
        _replay(generator, writer, call)
    except Exception:  # the build's process runs it again and raises it there
        outcome.failed = True
    finally:
        for logger in loggers:
            logger.removeHandler(records)
    outcome.logged = records.records
    outcome.written = noted.added[mark:]
    return outcome

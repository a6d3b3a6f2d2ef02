"""Write every feed of the network with feedgen, and the pages that help people subscribe.

- ``initialized``: settings validated (scopes, formats, limits, id domain, paths).
- ``article_generator_finalized``: the feed catalog built from the published posts only; every output path claimed, so a
  feed that would land on another file fails the build instead of overwriting it.
- ``article_writer_finalized``: feeds, OPML lists and the Subscribe page written (in ``chorus
  serve``, a feed whose posts no change since the last build reached is linked from it).

Pelican's own feeds stay off (chorus/conf.py): its writer keeps only a post's first author.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from pelican import signals

from plugins.network import Problem, ProblemList, SourceError, get_state
from plugins.network.reuse import Written
from plugins.network.urls import LANGUAGES

from .catalog import FeedCatalog, Scope, build_catalog
from .config import FeedConfig, apply_settings
from .entries import Entry, make_entry, updated_of
from .formats import FeedHeader, owner_of, render
from .opml import opml_bytes

CONTEXT_KEY = "feed_catalog"  # what the theme's partials and subscribe.html read
SUBSCRIBE_TEMPLATE = "subscribe"


def check_settings(pelican) -> None:
    apply_settings(pelican.settings)


def _outputs(catalog: FeedCatalog, config: FeedConfig) -> list[tuple[str, str]]:
    """(output path, the setting that puts it there) for every file this plugin writes."""
    outputs = [(feed.path, scope.source) for scope in catalog.scopes for feed in scope.feeds]
    outputs += [(opml.path, opml.source) for opml in catalog.opml_files]
    outputs.append((config.urls.subscribe().save_as, "DEPARTMENT_FEEDS_SUBSCRIBE_SAVE_AS"))
    return outputs


def prepare_feeds(generator) -> None:
    """Decide which feeds exist and claim their paths; the theme reads the catalog.
    (``Feed-Id:`` values and unique entry ids are a rule: ``plugins.network.rules.feed_ids``.)"""
    settings = generator.settings
    state = get_state(settings)
    config = FeedConfig.from_settings(settings, state.urls)
    problems = ProblemList()
    catalog = build_catalog(state.published, state.network, settings, config)
    for output, source in _outputs(catalog, config):
        if problem := state.outputs.claim(output, source):
            problems.items.append(problem)
    problems.raise_if_errors()
    generator.context[CONTEXT_KEY] = catalog


def _write_new_file(output_root: Path, relative: str, data: bytes, source: str) -> None:
    # The build writes into a fresh folder: a file already there was written by another
    # part of the site that did not claim it (Pelican's own listing pages, for one).
    target = output_root / relative
    if target.exists():
        raise SourceError(
            Problem(source, None, f"would overwrite '{relative}', which another part of the site writes")
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


class _EntryCache:
    """Each post becomes an entry once, however many feeds it appears in."""

    def __init__(self, config: FeedConfig):
        self.config = config
        self._entries: dict[str, Entry] = {}

    def __call__(self, article) -> Entry:
        key = article.source_path
        if key not in self._entries:
            self._entries[key] = make_entry(article, self.config)
        return self._entries[key]


def newest_update(state):
    # Dates come from the posts, never the clock, so an unchanged site writes unchanged files.
    return max((updated_of(a) for a in state.published), default=state.now)


def feed_files(
    settings: dict, catalog: FeedCatalog, scopes: Iterable[Scope]
) -> Iterator[tuple[str, bytes, str]]:
    """(output path, bytes, the setting behind it) of every feed of ``scopes``, as the build
    writes them (``chorus serve`` writes again the feeds of the scopes an edit reaches)."""
    state = get_state(settings)
    config = FeedConfig.from_settings(settings, state.urls)
    language = settings.get("DEFAULT_LANG") or "en"
    fallback_update = newest_update(state)
    entry_for = _EntryCache(config)
    for scope in scopes:
        entries = [entry_for(article) for article in scope.articles]
        if scope.kind not in config.full_content:
            entries = [replace(entry, content_html=entry.teaser_html) for entry in entries]
        updated = max((e.updated for e in entries), default=fallback_update)
        owner = owner_of(scope, entries)
        for feed in scope.feeds:
            in_language = scope.slug if scope.kind == LANGUAGES else language
            yield (
                feed.path,
                render(FeedHeader(scope, feed, in_language, updated, owner), entries),
                scope.source,
            )


def _scopes_to_write(state, catalog: FeedCatalog, output_root: Path) -> list[Scope]:
    """The scopes whose feeds must be written. In ``chorus serve``, the others' feeds are
    linked from the last build (``plugins.network.reuse``): a scope that holds the same
    posts, none of them changed, has the same feeds."""
    unchanged = state.unchanged
    scopes = []
    for scope in catalog.scopes:
        record = _record(scope)
        before = unchanged.previous.feeds.get(_key(scope)) if unchanged is not None else None
        if (
            unchanged is not None
            and before is not None
            and record.members  # an empty feed is dated by the whole network's newest post
            and before.files == record.files
            and unchanged.posts(record.members, before)
            and (made := unchanged.link(before, str(output_root))) is not None
        ):
            state.reused_files += len(made)
            continue
        scopes.append(scope)
    return scopes


def _key(scope: Scope) -> str:
    return f"{scope.kind}/{scope.slug}"


def _record(scope: Scope) -> Written:
    """What a scope's feeds are: their files and the scope's posts."""
    return Written(
        tuple(feed.path for feed in scope.feeds), None, tuple(a.relative_source_path for a in scope.articles)
    )


def _write_subscribe_page(generator, writer, config: FeedConfig) -> None:
    page = config.urls.subscribe()
    writer.write_file(
        page.save_as,
        generator.get_template(SUBSCRIBE_TEMPLATE),
        generator.context,
        relative_urls=generator.settings.get("RELATIVE_URLS", False),
        url=page.url,
    )


def write_feeds(generator, writer) -> None:
    """Every feed, the OPML lists and the Subscribe page, once all posts' pages are known."""
    catalog: FeedCatalog | None = generator.context.get(CONTEXT_KEY)
    if catalog is None:
        return
    settings = generator.settings
    state = get_state(settings)
    config = FeedConfig.from_settings(settings, state.urls)
    output_root = Path(generator.output_path)
    for path, data, source in feed_files(settings, catalog, _scopes_to_write(state, catalog, output_root)):
        _write_new_file(output_root, path, data, source)
    if state.preview:  # what the next build of `chorus serve` may take
        state.written_feeds = {
            _key(scope): _record(scope).written_in(str(output_root)) for scope in catalog.scopes
        }
    company = settings.get("CHORUS_COMPANY") or settings.get("SITENAME") or ""
    updated = newest_update(state)
    for opml in catalog.opml_files:
        _write_new_file(output_root, opml.path, opml_bytes(opml, company, updated), opml.source)
    _write_subscribe_page(generator, writer, config)


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.article_generator_finalized.connect(prepare_feeds)
    signals.article_writer_finalized.connect(write_feeds)

"""Index the built site with Pagefind (its binary ships in the `pagefind-bin` wheel).

Only pages that mark their main content with ``data-pagefind-body`` are indexed: published
posts, profiles and department pages — never listings, and never hidden posts (drafts and
future posts are not written at all). Filters come from ``data-pagefind-filter`` attributes
(department, author, kind). It runs on the build's staging folder, so a failed index leaves
the previous site in place like any other failed build.

Pagefind holds everything it indexes in memory until it writes the index, so a large
network is indexed in batches of at most SITE_SEARCH_BATCH_PAGES pages, each its own
bundle (the first in SITE_SEARCH_BUNDLE_DIR, the others in ``part-N/`` inside it), which
the search page merges when it searches (Pagefind's ``mergeIndex``). The pages come from
the site model, so the search page knows the bundles before the index is written. A batch
whose pages are byte for byte those of a bundle in ``cache/search/`` gets that bundle,
copied, instead of a Pagefind run (:class:`BundleCache`).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator

from plugins.crosslinks.resolve import forget_rendered
from plugins.network import get_state
from plugins.network.memory import return_free_memory
from plugins.network.model import Site
from plugins.network.settings import Setting, SettingsSpec, is_bool, is_positive_int, switch_off_pages
from plugins.network.urls import UrlScheme, output_settings

SETTINGS = SettingsSpec(
    "SITE_SEARCH_",
    Setting(
        "SITE_SEARCH_ENABLED",
        True,
        "Build the Pagefind index, the search page and the header's search box; False leaves all three out.",
        is_bool,
    ),
    Setting(
        "SITE_SEARCH_BATCH_PAGES",
        500,
        "Most pages one Pagefind run indexes; a larger site gets several bundles the search page merges (bounds memory).",
        is_positive_int,
    ),
    *output_settings("SITE_SEARCH_"),
)
# The bundles besides the first, as URLs relative to the site: what search.html merges.
CONTEXT_KEY = "search_bundles"


class SearchIndexError(RuntimeError):
    """Pagefind failed: not a content problem, so it keeps its details."""


def apply_settings(pelican) -> None:
    settings = pelican.settings
    SETTINGS.apply(settings)
    if not settings["SITE_SEARCH_ENABLED"]:
        # No search page, no script for it; the header's form is left out by its partial.
        switch_off_pages(settings, ["search"], ["search.js"])
    # Where the site lives on its host ("/" or "/voices/"): search results link from there,
    # so search keeps working when the site is served from a sub-path.
    settings["SITE_SEARCH_BASE_PATH"] = get_state(settings).urls.base_path


def indexed_pages(site: Site, urls: UrlScheme) -> list[str]:
    """The files whose main content is searchable: published posts, profiles, departments."""
    pages = [urls.source(post).save_as for post in site.posts if post.status.listed]
    pages += [urls.author(author_id).save_as for author_id in site.network.authors]
    pages += [urls.department(department_id).save_as for department_id in site.network.departments]
    return sorted(page for page in pages if page)


def batches(pages: list[str], size: int) -> list[list[str]]:
    count = max(1, math.ceil(len(pages) / size))
    return [pages[number * size : (number + 1) * size] for number in range(count)]


def bundle_folder(urls: UrlScheme, number: int) -> str:
    """The folder of bundle ``number`` (0: the main bundle), relative to the site."""
    main = urls.search_bundle("").save_as.rstrip("/")
    return main if number == 0 else f"{main}/part-{number}"


def announce_bundles(generator: ArticlesGenerator) -> None:
    """Before pages are written: tell the search page which extra bundles to merge."""
    settings = generator.settings
    if not settings["SITE_SEARCH_ENABLED"]:
        return
    state = get_state(settings)
    count = len(batches(indexed_pages(state.site, state.urls), settings["SITE_SEARCH_BATCH_PAGES"]))
    generator.context[CONTEXT_KEY] = [bundle_folder(state.urls, n) + "/" for n in range(1, count)]


async def _index(output: Path, pages: list[str], bundle: Path) -> None:
    from pagefind.index import PagefindIndex

    # One glob naming every page of the batch: Pagefind reads the files itself, in one request
    # (sending files one by one costs a round trip each, about 0.1 s). Names under content/
    # are letters, digits, '-', '_' and '.' (the tree rule), so none needs escaping in a glob.
    async with PagefindIndex(config={"output_path": str(bundle)}) as index:
        indexed = await index.add_directory(path=str(output), glob="{" + ",".join(pages) + "}")
        if indexed["page_count"] != len(pages):
            raise SearchIndexError(
                f"pagefind read {indexed['page_count']} of the {len(pages)} pages of {bundle.name}"
            )


def _release_written(written: list) -> None:
    """Give the memory the build no longer needs back to the system before Pagefind starts
    beside it (about 150 MiB a batch). Every page and feed is written, so each post's HTML
    can go: Pelican's memo of it and the article's own copy, about 130 MiB at 10,000 posts.
    (The preview's fast page renders an edited post from a copy that gets the new HTML; no
    post page shows another post's text.)
    """
    forget_rendered(written)
    for article in written:
        article._content = None
    return_free_memory()


class BundleCache:
    """Bundles Pagefind wrote before, in ``cache/search/<key>/``, keyed by what it read to
    write them: its version, the bundle's place, and the name and bytes of every page of the
    batch. A build whose batch of pages is byte for byte the same copies the bundle instead
    of indexing again (at 10,000 posts the index is about a third of a build with warm
    caches); after one edit in ``chorus serve``, only the edited page's batch is indexed.

    Pagefind writes each new bundle into the cache first, so an entry holds exactly what
    Pagefind wrote, whatever else shares the bundle's folder in the output. Several builds
    may share the cache (the demo's English and German builds, a preview beside a test
    run), so an entry no build has used for a day is deleted, not one this build did not use.
    """

    UNUSED_SECONDS = 24 * 3600

    def __init__(self, folder: Path):
        self.folder = folder
        versions = []
        for package in ("pagefind", "pagefind_bin", "pagefind_bin_extended"):
            try:
                versions.append(f"{package}={metadata.version(package)}")
            except metadata.PackageNotFoundError:
                pass
        # What writes the bundles, found once per build: the same for every batch.
        self.indexer = f"{' '.join(versions)} {os.environ.get('PAGEFIND_BINARY_PATH', '')}"

    def key(self, output: Path, pages: list[str], place: str) -> str:
        digest = hashlib.sha256(f"{self.indexer} {place}\n".encode())
        for page in pages:
            digest.update(page.encode() + b"\0" + hashlib.sha256((output / page).read_bytes()).digest())
        return digest.hexdigest()[:32]

    def restore(self, key: str, bundle: Path) -> bool:
        """Copy the bundle of ``key`` into the output; False when there is none (or it broke)."""
        cached = self.folder / key
        if not (cached / "pagefind.js").is_file():
            return False
        try:
            shutil.copytree(cached, bundle, dirs_exist_ok=True)
            os.utime(cached)  # used now: see prune()
        except OSError:  # removed meanwhile by another build's prune: index instead
            return False
        return True

    def files(self, key: str) -> list[str] | None:
        """The files of the bundle of ``key``, relative to its folder; None when there is none."""
        entry = self.folder / key
        if not (entry / "pagefind.js").is_file():
            return None
        return sorted(path.relative_to(entry).as_posix() for path in entry.rglob("*") if path.is_file())

    def writing_place(self, key: str) -> Path | None:
        """Where Pagefind writes the bundle of ``key`` (then copied out), or None when the
        cache cannot be written (Pagefind then writes into the output itself)."""
        partial = self.folder / f".{key}.{os.getpid()}.tmp"
        try:
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir(parents=True)
        except OSError:
            return None
        return partial

    def keep(self, key: str, written: Path) -> None:
        target = self.folder / key
        try:
            shutil.rmtree(target, ignore_errors=True)  # a broken entry (no pagefind.js) of the same key
            os.replace(written, target)
        except OSError:
            shutil.rmtree(written, ignore_errors=True)  # a cache that cannot be written is no cache

    def prune(self) -> None:
        """Delete what no build has used for a day (half-written folders of crashed builds too)."""
        cutoff = time.time() - self.UNUSED_SECONDS
        for entry in self.folder.iterdir() if self.folder.is_dir() else ():
            try:
                stale = entry.stat().st_mtime < cutoff
            except OSError:
                continue
            if stale:
                shutil.rmtree(entry, ignore_errors=True)


def search_batches(state) -> list[tuple[str, list[str]]]:
    """(bundle folder, its pages) of every batch the index is written in."""
    pages = indexed_pages(state.site, state.urls)
    size = state.settings["SITE_SEARCH_BATCH_PAGES"]
    return [(bundle_folder(state.urls, number), batch) for number, batch in enumerate(batches(pages, size))]


def write_bundle(cache: BundleCache, output: Path, place: str, batch: list[str]) -> str:
    """The bundle of one batch, in ``output/place``: copied from the cache, or indexed by
    Pagefind (into the cache first). Returns its cache key."""
    bundle = output / place
    key = cache.key(output, batch, place)
    if cache.restore(key, bundle):
        return key
    written = cache.writing_place(key) or bundle
    try:
        # In a thread of its own: the caller may already run an event loop (a browser test).
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, _index(output, batch, written)).result()
    except (OSError, AssertionError) as exc:  # the service's own failures: keep their details
        raise SearchIndexError(f"pagefind failed on bundle {place}: {exc}") from exc
    if not (written / "pagefind.js").is_file():
        raise SearchIndexError(f"pagefind wrote no index into {written}")
    if written != bundle:
        shutil.copytree(written, bundle, dirs_exist_ok=True)
        cache.keep(key, written)
    return key


def build_index(pelican) -> None:
    settings = pelican.settings
    if not settings["SITE_SEARCH_ENABLED"]:
        return
    state = get_state(settings)
    output = Path(pelican.output_path)
    entry_point = state.urls.search_bundle("pagefind.js").save_as
    state.outputs.claim_or_raise(entry_point, "SITE_SEARCH_BUNDLE_DIR")
    _release_written(state.published)
    cache = BundleCache(state.cache_dir("search"))
    for place, batch in search_batches(state):
        state.search_bundles[place] = write_bundle(cache, output, place, batch)
    cache.prune()


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(announce_bundles)
    signals.finalized.connect(build_index)

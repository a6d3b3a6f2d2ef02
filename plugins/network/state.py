"""Per-build state shared by every Chorus plugin: settings, the network, what was written.

Pelican hands the same ``settings`` dict to every generator and reader of a run, so the
state lives there under one private key; ``get_state`` creates it on first use, which makes
plugin order irrelevant. ``chorus build`` starts each run with a fresh Pelican, so a
live preview never sees the previous run's network.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import logging
import os
import unicodedata
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from .errors import ConfigError, Problem, SourceError
from .files import FILE_TYPES
from .i18n import check_language
from .links import published_link
from .load import DEFAULT_LINK_KINDS, load_network
from .model import Network, Post, Site
from .postmeta import LANG_PATTERN
from .rendering import MarkdownRenderer
from .reuse import PreviousPages, Unchanged, Written
from .settings import (
    Setting,
    SettingsSpec,
    is_bool,
    is_optional_text,
    is_positive_int,
    is_text,
    is_text_mapping,
    is_whole_number,
)
from .similarity import Document, TermMemo
from .urls import UrlScheme
from .yamlfile import MAX_REGISTRY_BYTES, MAX_YAML_DEPTH

STATE_KEY = "chorus_state"
# Set by build_site(drafts_shown=True), for `chorus serve --drafts` alone, to DraftsShown.YES.
# Lower case: Pelican reads only upper-case names from a settings file; and only that enum
# member counts, which no settings file, override or `pelican -e key=json` can write.
DRAFTS_SHOWN_KEY = "chorus_drafts_shown"


class DraftsShown(enum.Enum):
    YES = "yes"  # an enum member: copying the settings keeps it the same object


def is_moment(value: Any) -> str | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return "expected None or an ISO date-time like '2026-01-31T12:00:00+00:00'"
    # Months and years are counted back from it (the health page's quiet authors): a
    # moment at the calendar's ends has none before it.
    if not 1900 <= moment.year <= 9998:
        return "expected a moment between the years 1900 and 9998"
    return None


def _is_extension_list(value: Any) -> str | None:
    known = ", ".join(sorted(FILE_TYPES))
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        return f"expected a list of file extensions like ['png', 'jpg'] (Chorus can check: {known})"
    unknown = [v for v in value if v.lower() not in FILE_TYPES]
    if unknown:
        return f"Chorus cannot check that a file's content is {', '.join(map(repr, unknown))} (it can check: {known})"
    return None


def _is_text_list(value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        return "expected a list of names, like ['Halvard', 'Halvard Instruments GmbH']"
    return None


def _is_handle_list(value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(v, str) and (v.startswith("@") or "@" in v) for v in value
    ):
        return "expected a list of GitHub handles or e-mail addresses, like ['@halvard/editors']"
    return None


def _is_department_editors(value: Any) -> str | None:
    if not isinstance(value, dict) or any(_is_handle_list(v) for v in value.values()):
        return "expected a dict of department id to a list of GitHub handles"
    return None


def _is_language_tag(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and LANG_PATTERN.match(value)):
        return None
    return "a language code like 'en', 'de' or 'pt-BR', or None"


def check_timezone(settings: Mapping[str, Any]) -> str | None:
    """A settings relation: Pelican's TIMEZONE must name a zone of the IANA database (every
    date without an offset is read in it); Pelican itself does not check it."""
    zone = settings.get("TIMEZONE", "UTC")
    if not isinstance(zone, str) or not zone.strip():
        # Pelican reads an empty one as no zone at all, and the build fails far from here.
        return f"TIMEZONE: expected a time zone like 'Europe/Berlin' or 'UTC', found {zone!r}"
    try:
        zoneinfo.ZoneInfo(zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        close = difflib.get_close_matches(str(zone), zoneinfo.available_timezones(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ", like 'Europe/Berlin' or 'UTC'"
        return f"TIMEZONE: no time zone named {zone!r}{hint}"
    return None


CORE_SETTINGS = SettingsSpec(
    "CHORUS_",
    Setting(
        "CHORUS_ROOT",
        None,
        "Site root; relative registry paths start here (default: the folder above PATH).",
        is_optional_text,
    ),
    Setting(
        "CHORUS_AUTHORS_PATH",
        "authors",
        "Folder of author registry files, one <author-id>.yml each.",
        is_text,
    ),
    Setting("CHORUS_DEPARTMENTS_FILE", "departments.yml", "The department registry.", is_text),
    Setting(
        "CHORUS_STATIC_DIR",
        "static",
        "The network's own files (CSS, favicon, …), published as they are at the site root: static/css/brand.css is /css/brand.css.",
        is_text,
    ),
    Setting(
        "CHORUS_POLICY_FILE",
        "policy.yml",
        "The company's 'what not to say' rules (a missing file means no rules).",
        is_text,
    ),
    Setting(
        "CHORUS_REDIRECTS_FILE",
        "redirects.yml",
        "Old URLs of the site and where they go now, written by `chorus mv` (a missing file means none).",
        is_text,
    ),
    Setting(
        "CHORUS_PUBLISHED_REF",
        None,
        "The git revision that is live, like 'origin/main': a URL it published that this tree loses"
        " without a redirect is an error. None: no comparison (chorus check --changed-since REV uses REV).",
        is_optional_text,
    ),
    Setting(
        "CHORUS_EDITORS",
        [],
        "Code owners of everything but authors' own folders, e.g. ['@halvard/editors'].",
        _is_handle_list,
    ),
    Setting(
        "CHORUS_DEPARTMENT_EDITORS",
        {},
        "Extra code owners per department id, e.g. {'service': ['@halvard/service-editors']}.",
        _is_department_editors,
    ),
    Setting("CHORUS_COMPANY", "Our company", "Company name shown in the header, cards and JSON-LD.", is_text),
    Setting(
        "CHORUS_COMPANY_ALIASES",
        [],
        "Other names the company goes by; like CHORUS_COMPANY, a guest's title or affiliation may not contain them.",
        _is_text_list,
    ),
    Setting(
        "CHORUS_NOW",
        None,
        "Build as of this moment (ISO date-time); posts dated later stay unpublished. None: now.",
        is_moment,
    ),
    Setting(
        "CHORUS_LINK_KINDS",
        dict(DEFAULT_LINK_KINDS),
        "Profile link kinds authors may use, and their labels.",
        is_text_mapping,
    ),
    Setting("CHORUS_MAX_POST_BYTES", 1024 * 1024, "Largest Markdown file accepted.", is_positive_int),
    Setting("CHORUS_MAX_IMAGE_BYTES", 5 * 1024 * 1024, "Largest image file accepted.", is_positive_int),
    Setting(
        "CHORUS_MAX_IMAGE_PIXELS",
        24_000_000,
        "Largest image accepted, in pixels (width x height).",
        is_positive_int,
    ),
    Setting(
        "CHORUS_MAX_RENDER_SECONDS",
        10,
        "Longest a single Markdown file may take to render before it is refused.",
        is_positive_int,
    ),
    Setting("CHORUS_WORDS_PER_MINUTE", 230, "Reading speed used for reading times.", is_positive_int),
    Setting(
        "CHORUS_WORKERS",
        0,
        "Processes that render Markdown and draw cards (0: one per core; 1: no extra process).",
        is_whole_number,
    ),
    Setting(
        "CHORUS_PAGE_WORKERS",
        1,
        "Processes that render post and listing pages (0: one per core). More is faster and"
        " holds more memory: at 10,000 posts two took the build's processes from 439 to"
        " 683 MiB (docs/performance.md, 'Pages on every core').",
        is_whole_number,
    ),
    Setting(
        "CHORUS_OUTPUT_GATE",
        True,
        "Scan every built file for error-level policy terms before publishing it (docs/editorial.md).",
        is_bool,
    ),
    Setting(
        "CHORUS_STATIC_EXTENSIONS",
        ["png", "jpg", "jpeg", "gif", "webp", "pdf"],
        "Files other than posts that may live in content/ (each checked by its content).",
        _is_extension_list,
    ),
    Setting(
        "CHORUS_MAX_ATTACHMENT_BYTES",
        10 * 1024 * 1024,
        "Largest file in content/ that is neither a post nor an image (a PDF).",
        is_positive_int,
    ),
    Setting(
        "CHORUS_MAX_FILE_NAME_LENGTH",
        100,
        "Longest file or folder name accepted in content/, in characters.",
        is_positive_int,
    ),
    Setting("CHORUS_MAX_TAGS", 20, "Most tags one post may have.", is_positive_int),
    Setting("CHORUS_MAX_TAG_LENGTH", 60, "Longest tag accepted, in characters.", is_positive_int),
    Setting(
        "CHORUS_MAX_REGISTRY_BYTES",
        MAX_REGISTRY_BYTES,
        "Largest author or department registry file accepted.",
        is_positive_int,
    ),
    Setting(
        "CHORUS_MAX_YAML_DEPTH",
        MAX_YAML_DEPTH,
        "Deepest nesting of lists and mappings accepted in a registry file.",
        is_positive_int,
    ),
    Setting(
        "CHORUS_POSTS_LANG",
        None,
        "Language of the posts that do not say (no 'Lang:', no 'slug.de.md' name), like 'en'; "
        "None: DEFAULT_LANG. For a network whose interface is in one language and whose "
        "experts mostly write in another.",
        _is_language_tag,
    ),
    # Pelican's DEFAULT_LANG is the interface language: it needs a catalogue (plugins.network.i18n).
    relations=(check_language, check_timezone),
)


class OutputRegistry:
    """Every file the build writes, keyed the way file systems confuse them (case, Unicode form)."""

    def __init__(self) -> None:
        self._owners: dict[str, tuple[str, str]] = {}

    @staticmethod
    def _key(path: str) -> str:
        return unicodedata.normalize("NFC", path.strip("/")).casefold()

    def claim(self, output: str, source: str) -> Problem | None:
        """Record that ``source`` writes ``output``; return a Problem if someone already does."""
        key = self._key(output)
        if key in self._owners:
            first_output, first_source = self._owners[key]
            if first_source == source and first_output == output:
                return None
            return Problem(
                source,
                None,
                f"would be written to '{output}', which {first_source} already writes"
                " (rename one, or give it another Slug:)",
                rule="url-collision",
                also=(first_source,),
            )
        self._owners[key] = (output, source)
        return None

    def claim_or_raise(self, output: str, source: str) -> None:
        problem = self.claim(output, source)
        if problem:
            raise SourceError(problem)

    def __contains__(self, output: str) -> bool:
        return self._key(output) in self._owners

    def owner_of(self, output: str) -> str | None:
        """Who writes ``output`` (as file systems compare paths), or None."""
        found = self._owners.get(self._key(output))
        return found[1] if found else None

    def owners(self) -> dict[str, str]:
        """Each claimed output path (no leading '/') and the source that writes it."""
        return {output.strip("/"): source for output, source in self._owners.values()}


class BuildState:
    def __init__(self, settings: dict):
        CORE_SETTINGS.apply(settings)
        self.settings = settings
        self.urls = UrlScheme(settings)
        content = Path(settings["PATH"]).resolve()
        self.content_path = content
        self.root = Path(settings["CHORUS_ROOT"] or content.parent).resolve()
        self.authors_path = (self.root / settings["CHORUS_AUTHORS_PATH"]).resolve()
        self.departments_file = (self.root / settings["CHORUS_DEPARTMENTS_FILE"]).resolve()
        self.static_path = (self.root / settings["CHORUS_STATIC_DIR"]).resolve()
        self.now = moment_of(settings)
        # Drafts written as if published, in the preview of `chorus serve --drafts` only.
        self.drafts_shown = settings.get(DRAFTS_SHOWN_KEY) is DraftsShown.YES
        self.renderer = MarkdownRenderer(settings.get("MARKDOWN"))
        self.outputs = OutputRegistry()
        # Markdown that failed to render, by source path relative to content/: reported together later.
        self.reader_problems: dict[str, list[Problem]] = {}
        self._network: Network | None = None
        self._site: Site | None = None
        # Published articles, newest first, once author_folders has applied the publication rule.
        self.published: list = []
        # Search bundle folder -> the cache key of the bundle written there (plugins.site_search):
        # what `chorus serve` replaces when an edit changes a page of its batch.
        self.search_bundles: dict[str, str] = {}
        # `chorus serve` keeps this run for its body path (chorus/incremental.py): then
        # crosslinks keeps what it computed related posts from, the documents (one per
        # written post, its text) and their term frequencies, instead of dropping them.
        self.preview = False
        self.related_documents: list[Document] = []
        self.related_terms: TermMemo = {}
        # The posts each written post links, by source (crosslinks; kept in the preview only).
        self.post_links: dict[str, tuple[str, ...]] = {}
        # What `chorus serve`'s next build may take from this one (plugins.network.reuse):
        # the last good build's pages, given to this run; what this run's writer wrote; how
        # many of its files it took from the last build.
        self.reuse: PreviousPages | None = None
        self.unchanged: Unchanged | None = None  # what this run may take from it, once decided
        self.written_pages: dict[str, Written] = {}  # by the writer call's first file
        self.written_feeds: dict[str, Written] = {}  # by feed scope (plugins.department_feeds)
        self.reused_files = 0

    @property
    def network(self) -> Network:
        if self._network is None:
            self._network = load_network(
                self.root,
                self.authors_path,
                self.departments_file,
                link_kinds=self.settings["CHORUS_LINK_KINDS"],
                image_limits=(
                    self.settings["CHORUS_MAX_IMAGE_BYTES"],
                    self.settings["CHORUS_MAX_IMAGE_PIXELS"],
                ),
                renderer=self.renderer,
                render_seconds=self.settings["CHORUS_MAX_RENDER_SECONDS"],
                yaml_limits=(
                    self.settings["CHORUS_MAX_REGISTRY_BYTES"],
                    self.settings["CHORUS_MAX_YAML_DEPTH"],
                ),
                bio_urls=partial(published_link, self.urls),
            )
        return self._network

    @property
    def site(self) -> Site:
        """The sources, read once for this run (``chorus check`` reads them the same way)."""
        if self._site is None:
            from .sources import load_site

            self._site = load_site(self)
        return self._site

    def statuses_hold(self, site: Site) -> bool:
        """Whether a build starting now would give every post of ``site`` the status this
        run gave it: without CHORUS_NOW the clock has moved on since, and a post dated or
        expiring in between is due or gone (``chorus serve``'s paths that skip the build)."""
        later = moment_of(self.settings)
        if later <= self.now:
            return True
        return not any(
            (post.date is not None and self.now < post.date <= later)
            or (post.expires is not None and self.now < post.expires <= later)
            for post in site.posts
        )

    def site_with(self, posts: Iterable[Post]) -> Site:
        """The same site with these posts' new versions: ``chorus serve`` applies an edit of
        a post's text to the kept build (chorus/incremental.py) instead of reading every
        source again."""
        new = {post.source: post for post in posts}
        site = self.site
        return replace(site, posts=tuple(new.get(post.source, post) for post in site.posts))

    def replace_site(self, site: Site) -> None:
        """The run's model from now on (``chorus serve``, after :meth:`site_with`)."""
        self._site = site

    def cache_dir(self, name: str) -> Path:
        """A folder of the build cache (CACHE_PATH, relative to the site root), kept between builds."""
        cache_root = Path(self.settings.get("CACHE_PATH") or "cache")
        return (cache_root if cache_root.is_absolute() else self.root / cache_root) / name

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def shown(self, path: str | Path) -> str:
        """A path as the user sees it: relative to the site root."""
        path = Path(os.path.abspath(self.content_path / path))  # not resolve(): keep symlinks' names
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def moment_of(settings: dict) -> dt.datetime:
    """The moment a build with ``settings`` starting now is built for: CHORUS_NOW, or the clock."""
    if settings.get("CHORUS_NOW"):
        now = dt.datetime.fromisoformat(str(settings["CHORUS_NOW"]))
    else:
        now = dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        from zoneinfo import ZoneInfo

        now = now.replace(tzinfo=ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    return now


def get_state(settings: dict) -> BuildState:
    """The run's state, created on first use (idempotent, so plugin order does not matter)."""
    state = settings.get(STATE_KEY)
    if state is None:
        state = BuildState(settings)
        settings[STATE_KEY] = state
    return state


def get_network(settings: dict) -> Network:
    return get_state(settings).network


class SuppressReportedFailures(logging.Filter):
    """Pelican logs 'Could not process <file>' when a reader raises; Chorus reports those
    files itself with file, line and message, so the duplicate log line is dropped. Any
    other failure (a bug) still reaches the log and fails ``chorus build``."""

    def __init__(self, state: BuildState):
        super().__init__()
        self.state = state

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Could not process %s" and isinstance(record.args, tuple) and record.args:
            return str(record.args[0]) not in self.state.reader_problems
        return True


def install_log_filter(state: BuildState) -> None:
    logger = logging.getLogger("pelican.generators")
    for old in [f for f in logger.filters if isinstance(f, SuppressReportedFailures)]:
        logger.removeFilter(old)
    logger.addFilter(SuppressReportedFailures(state))


__all__ = ["BuildState", "ConfigError", "get_state", "get_network", "install_log_filter", "OutputRegistry"]

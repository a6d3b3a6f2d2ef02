"""Every post and page rendered before Pelican asks for them: on every core, and only once.

Rendering Markdown is most of a build's work, and each source renders alone, so all of them
are rendered up front in worker processes (``plugins.network.parallel``). Each result is
also kept in a content-addressed cache (``cache/markdown/``): the key covers the text, the
Markdown configuration, what the text's relative links point at, and the code and library
versions that render, so a clean build with the cache present renders only what changed.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from plugins.network import links, rendering
from plugins.network.links import classify, content_relative, published_link
from plugins.network.model import Page, RefForm, Site
from plugins.network.parallel import map_jobs
from plugins.network.rendering import MarkdownRenderer, RenderError

BODY, SUMMARY = "body", "summary"


@dataclass(frozen=True)
class Rendered:
    """The sanitised HTML of one part of a source, or why it could not be rendered."""

    html: str = ""
    error: str | None = None


@dataclass(frozen=True)
class _Job:
    source: Page
    part: str
    text: str
    key: str


def point_at_content(site: Site, source: str, url: str) -> str:
    """A relative path to a file in content/ becomes Pelican's {static} or {filename} form,
    so it points where the build publishes that file, not next to the page. A root-relative
    URL (``/topics/x/``) goes under SITEURL's path, where the site's root is. Pelican's
    {attach} (publish the file beside the page) becomes {static}: every file of content/
    is published at its own address (``/media/…``), which Pelican's {attach} falls back to
    with a warning that would fail a strict build."""
    if url.startswith("{attach}"):
        return "{static}" + url[len("{attach}") :]
    classified = classify(url)
    if classified is None or classified[0] is not RefForm.RELATIVE:
        return published_link(site.urls, url)
    parts = urlsplit(url)
    path = unquote(parts.path)  # Pelican looks the file up by this name ('my%2Dchart.png' is 'my-chart.png')
    rest = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
    target = content_relative(path, source)
    if target in site.by_source:
        return "{filename}" + path + rest
    if target in site.static_paths:
        return "{static}" + path + rest
    return url


def _code_digest() -> str:
    """What renders: this code, the renderer's, and the libraries they call."""
    digest = hashlib.sha256()
    for module_file in (rendering.__file__, links.__file__, __file__):
        digest.update(Path(str(module_file)).read_bytes())
    for package in ("markdown", "nh3", "pygments"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()


def config_text(value: object) -> str:
    """The Markdown configuration as text that is the same in every process that has the same
    configuration. ``repr()`` names a function by its memory address (the table of contents'
    ``slugify`` is one), which changed with every run: no build ever found what the one
    before it had rendered.

    Only what its name and code decide is named that way: a function or class defined at a
    module's top level, with the digest of the file that defines it (editing it renders
    again). A ``functools.partial`` is spelled out, plain values are their ``repr()``.
    Anything else (a closure, a bound method, an object) has no text that says what it
    does: ``Uncacheable``, and the build renders without the cache rather than risk
    serving another configuration's HTML (two closures can even share an address)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{config_text(k)}: {config_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(config_text(item) for item in value) + "]"
    if isinstance(value, partial):
        return f"partial({config_text(value.func)}, {config_text(value.args)}, {config_text(value.keywords)})"
    if _named_by_its_code(value):
        return f"<{value.__module__}.{value.__qualname__} {_defining_file_digest(value)}>"  # type: ignore[attr-defined]
    if value is None or isinstance(value, str | int | float | bool):
        return repr(value)
    raise Uncacheable(f"{type(value).__name__} in MARKDOWN")


class Uncacheable(Exception):
    """The Markdown configuration holds something no text names reliably."""


def _named_by_its_code(value: object) -> bool:
    """A function (without captured variables) or class defined at a module's top level, or
    a module's built-in function."""
    if inspect.isfunction(value):
        top_level = value.__closure__ is None
    elif inspect.isclass(value):
        top_level = True
    elif inspect.isbuiltin(value):
        top_level = inspect.ismodule(getattr(value, "__self__", None))  # not a bound method
    else:
        return False
    return top_level and "<locals>" not in value.__qualname__ and isinstance(value.__module__, str)


def _defining_file_digest(function: object) -> str:
    try:
        source = inspect.getsourcefile(function)  # type: ignore[arg-type]
    except TypeError:  # built in: its version is the interpreter's
        return ""
    if not source:
        return ""
    try:
        stat = os.stat(source)
    except OSError:
        return ""
    # By size and time too: `chorus serve` reads pelicanconf.py again when it changes.
    return _file_digest(source, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


# Every string of a text that Markdown or raw HTML could render as a link or image URL,
# wherever its line breaks fall: what the sanitiser may hand to point_at_content. Loose on
# purpose (a candidate in a code block costs nothing): a cache entry must not outlive a
# change in which of these names a file of content/. Each pattern is tried wherever it can
# start ('](', a line, 'src' or 'href'), overlapping matches included: one pattern of the
# three alternatives found no literal to skip ahead to, and read every position of every
# text (1.5 s for 10,000 posts against about 0.2).
_INLINE_URL = re.compile(r"\]\(\s*<?([^)\s>]+)")  # [text](url), ![alt](url)
_DEFINITION_URL = re.compile(r"[ ]{0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)")  # [ref]: url, on the next line too
_HTML_URL = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)
_HTML_NAME = re.compile(r"src|href", re.IGNORECASE)  # where _HTML_URL may start ('ſrc' too)


def url_candidates(text: str) -> set[str]:
    """The strings of ``text`` that could be rendered as link or image URLs (see above)."""
    found = set()
    at = text.find("](")
    while at != -1:
        if match := _INLINE_URL.match(text, at):
            found.add(match.group(1))
        at = text.find("](", at + 1)
    if "]:" in text:  # in every definition
        line = 0
        while line != -1:
            if match := _DEFINITION_URL.match(text, line):
                found.add(match.group(1))
            line = text.find("\n", line) + 1 or -1
    folded = text.casefold()  # 'ſrc' folds to 'src', as IGNORECASE matches it
    if "src" in folded or "href" in folded:
        for name in _HTML_NAME.finditer(text):
            if match := _HTML_URL.match(text, name.start()):
                found.add(next(filter(None, match.groups()), ""))
    return found


def _pointed_urls(site: Site, source: Page, text: str) -> list[tuple[str, str]]:
    """(URL as written, as the render points it) for each candidate the render would change."""
    found = set()
    for url in url_candidates(text):
        pointed = point_at_content(site, source.source, url)
        if pointed != url:
            found.add((url, pointed))
    return sorted(found)


def _key(base: str, source: Page, site: Site, text: str) -> str:
    pointed = _pointed_urls(site, source, text)
    digest = hashlib.sha256(base.encode())
    digest.update(text.encode())
    digest.update(repr(pointed).encode())
    return digest.hexdigest()


class RenderCache:
    """Rendered HTML on disk, one file per key (``ab/abcdef….html``), written atomically;
    ``folder`` None: nothing is kept."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.html"

    def get(self, key: str) -> str | None:
        if self.folder is None:
            return None
        try:
            return self._path(key).read_text(encoding="utf-8")
        except OSError:  # never written, or pruned by a build in another thread meanwhile
            return None

    def put(self, key: str, html: str) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{key}.{os.getpid()}.tmp")
        partial.write_text(html, encoding="utf-8")
        os.replace(partial, path)

    def prune(self, keep: set[str]) -> None:
        """Delete every entry but ``keep``: after a build that rendered every source, the
        others are older versions of texts, which would pile up with every edit."""
        if self.folder is None:
            return
        try:
            with os.scandir(self.folder) as listing:
                shelves = [entry.path for entry in listing if entry.is_dir(follow_symlinks=False)]
        except OSError:
            return
        for shelf in shelves:
            try:
                with os.scandir(shelf) as listing:
                    stale = [
                        entry.path
                        for entry in listing
                        if entry.name.endswith(".html") and entry.name[: -len(".html")] not in keep
                    ]
            except OSError:  # removed meanwhile
                continue
            for path in stale:
                try:
                    os.unlink(path)
                except OSError:  # gone already (another build pruned it)
                    pass


def render_site(
    site: Site,
    renderer: MarkdownRenderer,
    config: object,
    cache: RenderCache,
    time_limit: float,
    workers: int,
    sources: Sequence[Page] | None = None,
) -> dict[tuple[str, str], Rendered]:
    """(source, part) -> Rendered, for the body and summary of every post and page (or of
    ``sources`` only: ``chorus serve`` renders an edited post alone, as the build would)."""
    try:
        base = f"{_code_digest()}\0{config_text(config)}\0"
    except Uncacheable:
        base, cache = "", RenderCache(None)
    jobs = []
    for source in (*site.posts, *site.pages) if sources is None else sources:
        jobs.append(_Job(source, BODY, source.body, _key(base, source, site, source.body)))
        if source.summary is not None:
            jobs.append(_Job(source, SUMMARY, source.summary, _key(base, source, site, source.summary)))
    results: dict[tuple[str, str], Rendered] = {}
    missing = []
    for job in jobs:
        cached = cache.get(job.key)
        if cached is None:
            missing.append(job)
        else:
            results[(job.source.source, job.part)] = Rendered(cached)

    def render(job: _Job) -> Rendered:
        try:
            html = renderer.render(
                job.text,
                time_limit=time_limit,
                rewrite_url=lambda url: point_at_content(site, job.source.source, url),
            )
        except RenderError as exc:
            return Rendered(error=str(exc))
        return Rendered(html)

    for job, rendered in zip(missing, map_jobs(render, missing, workers), strict=True):
        results[(job.source.source, job.part)] = rendered
        if rendered.error is None:
            cache.put(job.key, rendered.html)
    if sources is None:  # the whole site: what no source rendered to is a text no longer written
        cache.prune({job.key for job in jobs})
    return results

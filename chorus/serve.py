"""``chorus serve``: build, serve the output on localhost, rebuild when a source changes.

It behaves like ``hugo server`` or ``mkdocs serve``:

- files are watched with watchfiles (no polling of the whole tree);
- every HTML page served gets a small script (``chorus/static/live.js``) that listens on
  ``/__chorus/events`` (server-sent events; one stream for all open pages, through a
  shared worker, ``live-worker.js``): after a good build the page reloads itself,
  after a failed one it shows the ``path:line: error:`` lines over the last good page until
  the next good build. The script is added while serving, never written to the output, so
  a published build never carries it;
- a failed build, including a typo in ``pelicanconf.py`` or a template, never ends the
  preview: the previous output stays served;
- a missing page gets the site's own 404 page, with status 404;
- every link stays in the preview (SITEURL is '' unless --siteurl says otherwise), and
  feeds, OPML lists and cards use the address actually served;
- an edit of posts' text alone (no header field, link target or reading time changed)
  is applied to the last build's state and rewrites every output it reaches: the posts'
  pages, the pages whose related posts change, the feeds that carry the text, their search
  bundles (``chorus/incremental.py``, the body path); no build runs;
- any other edit of a post gets its own page rewritten at once from the last build's state
  (the fast path) and the open pages reload; the full build runs next, in a thread of its
  own, and the pages reload again when it is swapped in. Changes saved while it runs get
  their fast page at once and one more full build after it. When every change since the
  last good build is a post (edited, added, renamed, deleted), that build takes the post
  pages, listings and feeds none of them reaches from the last output instead of rendering them
  (``plugins.network.reuse``, :class:`ChangedSince`). Either way the output ends as a clean
  build's, byte for byte (docs/model.md, "The preview").
"""

from __future__ import annotations

import http.server
import json
import mimetypes
import re
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from chorus.build import OUTPUT_MARK, BuildFailed, BuildResult, build_site
from chorus.incremental import LastBuild, body_edits, fast_page, unwritten_edits, write_if_changed
from plugins.network.codeowners import CODEOWNERS_PATH
from plugins.network.model import MARKDOWN_EXTENSIONS
from plugins.network.posts import is_page_source
from plugins.network.sources import is_skipped_name

EVENTS_PATH = "/__chorus/events"
SCRIPT_PATH = "/__chorus/live.js"
LIVE_SCRIPT = Path(__file__).with_name("static") / "live.js"
WORKER_PATH = "/__chorus/live-worker.js"  # one event stream shared by the preview's pages
LIVE_WORKER = Path(__file__).with_name("static") / "live-worker.js"
_SCRIPT_TAG = f'<script src="{SCRIPT_PATH}" defer></script>'.encode()
HEARTBEAT_SECONDS = 15
# What a source change never is: the output itself, caches, tools' folders.
_IGNORED_PARTS = {"output", "cache", ".git", ".venv", "node_modules", "__pycache__", ".pytest_cache"}


class Preview:
    """The preview's state: which build this is and what went wrong in it, shared between
    the rebuild loop and every connected browser."""

    def __init__(self, output: Path, not_found: str = "404.html"):
        self.output = output
        self.not_found = not_found
        self.generation = 0
        self.problems: list[str] = []
        self.fast = self.building = self.edited = False
        self.changed = threading.Condition()

    def rebuild(
        self, build: Callable[[], BuildResult], more: Callable[[], bool] = lambda: False
    ) -> list[str]:
        """Build once; wake every browser. Returns the problems ([] for a good build).
        ``more``: whether another build is already wanted when this one ends."""
        try:
            result = build()
            self.not_found = result.urls.not_found().save_as if result.urls else self.not_found
            problems = []
        except BuildFailed as exc:
            problems = [str(p) for p in exc.problems]
        except Exception as exc:  # a bug must not end the preview; its traceback goes to the terminal
            traceback.print_exc()
            problems = [f"internal error: {type(exc).__name__}: {exc} (see the terminal)"]
        self.publish(problems, building=more())
        return problems

    def publish(
        self, problems: list[str], *, fast: bool = False, building: bool = False, edited: bool = False
    ) -> None:
        """A new state of the output: wake every browser. ``fast``: only the fast path's pages
        changed; ``building``: a full build is still to come (always so after a fast one);
        ``edited``: an edit rewrote every output it reaches (posts' text; none for a draft),
        without a build."""
        with self.changed:
            self.generation += 1
            self.problems = problems
            self.fast = fast
            self.edited = edited
            self.building = fast or building
            self.changed.notify_all()

    def state(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "problems": list(self.problems),
            "fast": self.fast,
            "edited": self.edited,
            "building": self.building,
        }

    def wait(self, generation: int, timeout: float) -> dict[str, Any] | None:
        """The state once a build newer than ``generation`` finished, or None on timeout."""
        with self.changed:
            if self.changed.wait_for(lambda: self.generation != generation, timeout):
                return self.state()
        return None


def handler_for(preview: Preview) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
            pass  # the terminal shows builds, not every request

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == EVENTS_PATH:
                self._events()
            elif path == SCRIPT_PATH:
                self._send(200, "text/javascript; charset=utf-8", LIVE_SCRIPT.read_bytes())
            elif path == WORKER_PATH:
                self._send(200, "text/javascript; charset=utf-8", LIVE_WORKER.read_bytes())
            else:
                self._serve(body=True)

        def _file_for(self, path: str) -> Path | None:
            relative = unquote(path).lstrip("/")
            target = (preview.output / relative).resolve()
            if preview.output.resolve() not in (target, *target.parents):
                return None
            if target.is_dir():
                target = target / "index.html"
            return target if target.is_file() else None

        def _serve(self, body: bool) -> None:
            parts = urlsplit(self.path)
            path = parts.path
            target = self._file_for(path)
            if target is not None and target.name == "index.html" and not path.endswith(("/", ".html")):
                # A folder's page at its address without the slash: sent to the address with
                # it, as static hosts do, so the page's relative links resolve as published.
                self.send_response(301)
                self.send_header("Location", path + "/" + (f"?{parts.query}" if parts.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 200
            if target is None:
                status, target = 404, self._file_for("/" + preview.not_found)
            if (
                target is None
            ):  # no 404 page: none built yet (the page shows why, and reloads), or none in the theme
                built = (preview.output / OUTPUT_MARK).is_file()
                page = _with_live_script(_NOT_FOUND if built else _NOTHING_BUILT, preview.generation)
                self._send(404, "text/html; charset=utf-8", page, body)
                return
            served_at = preview.generation  # read first: a change in between only costs a reload
            data = target.read_bytes()
            kind = _media_type(target.name)
            if kind.startswith("text/html"):
                data = _with_live_script(data, served_at)
            self._send(status, kind, data, body)

        def _send(self, status: int, kind: str, data: bytes, body: bool = True) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            state = preview.state()
            try:
                while True:
                    self.wfile.write(b"event: build\ndata: " + json.dumps(state).encode() + b"\n\n")
                    self.wfile.flush()
                    newer = None
                    while newer is None:
                        newer = preview.wait(state["generation"], HEARTBEAT_SECONDS)
                        if newer is None:
                            self.wfile.write(b": still here\n\n")
                            self.wfile.flush()
                    state = newer
            except (BrokenPipeError, ConnectionResetError):
                return  # the page went away

    return Handler


# Types of what the site publishes that Python's table does not know, or knows otherwise:
# an OPML list or _redirects shown in the browser, as a static host serves them, not saved.
_MEDIA_TYPES = {".opml": "text/xml", ".xml": "application/xml", "_redirects": "text/plain"}


def _media_type(name: str) -> str:
    kind = _MEDIA_TYPES.get(name) or _MEDIA_TYPES.get(Path(name).suffix.lower())
    kind = kind or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return kind + "; charset=utf-8" if kind.startswith("text/") or kind.endswith(("xml", "json")) else kind


_NOTHING_BUILT = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head>'
    b"<body><h1>Not built yet</h1><p>The preview has no good build to show: the terminal lists"
    b" what to fix. This page reloads itself after the next good save.</p></body></html>\n"
)


_NOT_FOUND = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Not found</h1></body></html>\n'


class PreviewServer(http.server.ThreadingHTTPServer):
    """The preview's HTTP server: a browser that goes away mid-answer (a reload, a page
    left, ``curl … | head``) is no error worth a traceback in the author's terminal."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # reset, broken pipe, aborted
            return
        super().handle_error(request, client_address)


def _with_live_script(html: bytes, generation: int) -> bytes:
    """The page with the live script, which is told which state of the output it shows: a
    page that loads while the output changes (a fast page, then the full build) still sees
    the change it missed when its event stream connects."""
    tag = _SCRIPT_TAG.replace(b"<script ", f'<script data-generation="{generation}" '.encode())
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def is_source_change(path: str, root: Path | None = None, output: Path | None = None) -> bool:
    """Whether a changed path can change the site (not the output, caches or tools' files).

    Hidden files and folders never count: a build's staging folder (``.output-building-…``)
    is one, and the preview watches while a build writes there. But .github/CODEOWNERS is
    read by a rule: written by `chorus codeowners`, as the rule's error says, it clears it.
    Nor do the network's own notes beside its settings (README.md: content is in content/),
    or another build's output (`make html-de` into output-de/: it holds the output's mark)."""
    changed = Path(path)
    if output is not None and changed.is_relative_to(output):
        return False
    if root is not None and changed.is_relative_to(root):
        changed = changed.relative_to(root)
        if any((root / folder / OUTPUT_MARK).is_file() for folder in list(changed.parents)[:-1] + [changed]):
            return False
    if changed.as_posix() == CODEOWNERS_PATH:  # the one hidden file a rule reads
        return True
    parts = changed.parts
    name = parts[-1] if parts else ""
    if len(parts) == 1 and changed.suffix.lower() in (".md", ".markdown", ".txt", ".rst"):
        return False
    hidden = any(part.startswith(".") for part in parts)
    return not (_IGNORED_PARTS & set(parts)) and not hidden and not is_skipped_name(name)


# Files editors write and remove around a save: vim's test of the folder ('4913', '4914', …),
# JetBrains IDEs' 'x.md___jb_tmp___' and 'x.md___jb_old___', sed -i's 'sedAbC123'.
_SAVE_LEFTOVER = re.compile(r"\d+|.*___jb_(?:tmp|old)___|sed[A-Za-z0-9]{6}")


def real_changes(paths: set[Path], last_build_failed: bool) -> set[Path]:
    """The changed paths that can change the site, without the files an editor's save made
    and removed again (:data:`_SAVE_LEFTOVER`): counted, a save of a post was never the post
    alone, and went to the full build instead of the fast paths. Any other path counts,
    gone or not (a post deleted, an author's folder moved away); after a failed build
    every path counts (a stray file may be what failed it)."""
    if last_build_failed:
        return set(paths)
    return {path for path in paths if path.exists() or not _SAVE_LEFTOVER.fullmatch(path.name)}


class FastWrites:
    """The pages the fast path wrote, kept until a full build that read their sources is in.

    A full build swaps in a whole folder: a fast page written while it ran, for an edit it
    may not have read, is written again right after the swap (and another full build,
    requested by that edit, follows)."""

    def __init__(self, output: Path):
        self.output = output
        self._lock = threading.Lock()
        self._count = 0
        self._pages: dict[str, tuple[int, bytes]] = {}

    def mark(self) -> int:
        """Taken when a full build starts."""
        with self._lock:
            return self._count

    def write(self, pages: list[tuple[str, bytes]]) -> list[str]:
        """Write the pages whose bytes changed; return their paths."""
        written = []
        with self._lock:
            for save_as, data in pages:
                self._count += 1
                self._pages[save_as] = (self._count, data)
                try:
                    if write_if_changed(self.output, save_as, data):
                        written.append(save_as)
                except OSError:  # the output is being swapped: after_build writes it again
                    written.append(save_as)
        return written

    def after_build(self, mark: int) -> None:
        """The full build that started at ``mark`` is swapped in."""
        with self._lock:
            for save_as, (count, data) in list(self._pages.items()):
                if count > mark:
                    write_if_changed(self.output, save_as, data)
                else:
                    del self._pages[save_as]


class ChangedSince:
    """The sources changed since the last good build began: whether the next build may take
    pages from it (``plugins.network.reuse``) depends on them all being posts. Changes the
    model cannot see (templates, settings, translations, static files) must render all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[Path] = set()

    def add(self, paths: set[Path]) -> None:
        with self._lock:
            self._paths |= paths

    def take(self) -> set[Path]:
        """The changes a build starting now answers; given back if it fails."""
        with self._lock:
            taken, self._paths = self._paths, set()
        return taken

    def give_back(self, paths: set[Path]) -> None:
        self.add(paths)


def only_posts(paths: set[Path], last: LastBuild) -> bool:
    """Whether every path is a Markdown file of the content folder that is not a page."""
    content, page_paths = last.state.content_path, last.state.settings["PAGE_PATHS"]
    for path in paths:
        try:
            relative = path.resolve().relative_to(content).as_posix()
        except ValueError:
            return False
        if path.suffix.lower().lstrip(".") not in MARKDOWN_EXTENSIONS or is_page_source(relative, page_paths):
            return False
    return True


class Rebuilder:
    """Runs full builds one after another in a thread, as long as changes ask for them."""

    def __init__(self, preview: Preview, build: Callable[[], BuildResult]):
        self._preview = preview
        self._build = build
        self._changed = threading.Condition()
        self._wanted = self._running = self._stopping = False
        self._thread = threading.Thread(target=self._run, name="chorus-rebuild", daemon=True)
        self._thread.start()

    def request(self) -> None:
        with self._changed:
            self._wanted = True
            self._changed.notify_all()

    @property
    def busy(self) -> bool:
        with self._changed:
            return self._wanted or self._running

    def stop(self, wait: bool = True) -> None:
        """No build after this one; ``wait``: for the one under way to end."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if wait:
            self._thread.join()

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._wanted or self._stopping)
                if self._stopping:
                    return
                self._wanted, self._running = False, True
            try:
                _report(self._preview.rebuild(self._build, more=lambda: self._wanted))
            finally:
                with self._changed:
                    self._running = False
                    self._changed.notify_all()


def serve(
    root: Path,
    output: Path,
    *,
    settings_file: str | None,
    bind: str,
    port: int,
    overrides: dict[str, Any],
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
    on_address: Callable[[str], object] | None = None,
    fast: bool = True,
    drafts_shown: bool = False,
    strict: bool = False,
) -> int:
    """Serve until interrupted (or until ``stop`` is set); ``ready`` is set once the first
    build is served, and ``on_address`` hears the address first (tests use both).
    ``fast``: rewrite an edited post's page before the full build (chorus/incremental.py).
    ``drafts_shown``: drafts are built as if published (``chorus serve --drafts``).
    ``strict``: a build with warnings fails, and shows them, as ``chorus build --strict``."""
    from watchfiles import watch

    root, output = Path(root).resolve(), Path(output).resolve()
    preview = Preview(output)
    try:
        server = PreviewServer((bind, port), handler_for(preview))
    except OSError as exc:  # the port in use, an address this machine does not have
        print(f"chorus serve: cannot listen on {bind} port {port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    address = f"http://{'localhost' if bind in ('0.0.0.0', '::') else bind}:{server.server_address[1]}"
    # Every link of the preview stays in it, as `hugo server` serves at its own address: the
    # site's SITEURL (publishconf.py's, or pelicanconf.py's) is not used unless --siteurl
    # says so, and absolute URLs (feeds, OPML, cards) point at the address actually served.
    overrides = {"SITEURL": "", "DEPARTMENT_FEEDS_FALLBACK_SITEURL": address, **overrides}
    if on_address is not None:
        on_address(address)
    fast_writes = FastWrites(output)
    last: list[LastBuild | None] = [None]  # the last good build, for the fast path

    changed = ChangedSince()

    def build() -> BuildResult:
        mark = fast_writes.mark()
        taken = changed.take()
        kept = last[0]
        try:
            result = build_site(
                root,
                settings_file=settings_file,
                output=output,
                overrides=overrides,
                strict=strict,
                keep_generators=fast,
                drafts_shown=drafts_shown,
                retire_in_background=True,
                reuse=kept.previous_pages() if kept is not None and only_posts(taken, kept) else None,
            )
        except BaseException:
            changed.give_back(taken)
            raise
        last[0] = LastBuild.of(result.generators, result.output) if fast else None
        result.generators = []
        fast_writes.after_build(mark)
        reused = (
            f" ({result.reused_files} files unchanged, taken from the last build)"
            if result.reused_files
            else ""
        )
        for warning in result.warnings:  # as `chorus build` prints them: a --strict build in CI fails on them
            print(f"warning: {warning}", file=sys.stderr, flush=True)
        print(f"built {result.articles} published posts{reused}", flush=True)
        if drafts_shown:
            print(f"{len(result.drafts)} draft(s) shown as if published, in this preview only:", flush=True)
            for shown, url in result.drafts:
                print(f"  {shown}: {address}/{url}", flush=True)
        return result

    # Ctrl-C, or SIGTERM (chorus.cli makes it one), may come at any point from here: the
    # first build then deletes its staging folder; a later one is abandoned (see below).
    rebuilder: Rebuilder | None = None
    serving = interrupted = False
    try:
        _report(preview.rebuild(build))
        rebuilder = Rebuilder(preview, build)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        serving = True
        print(f"serving {output} at {address}/ (Ctrl-C to stop)", flush=True)
        if ready is not None:
            ready.set()
        for changes in watch(
            root, watch_filter=lambda _, path: is_source_change(path, root, output), stop_event=stop
        ):
            paths = real_changes({Path(path) for _, path in changes}, bool(preview.problems))
            if not paths:
                continue
            changed.add(paths)
            if last[0] is not None and not (output / OUTPUT_MARK).is_file():
                # The output was deleted (rm -rf output): the fast paths would write a few
                # pages into a new, unmarked folder, which no build may then replace.
                last[0] = None
            # The edited page first, whatever follows: it is what the author looks at.
            written = _fast_pages(last[0], preview, fast_writes, paths)
            if written:
                preview.publish([], fast=True)
            if not rebuilder.busy and (updated := _body_edits(last, preview, paths)) is not None:
                print(f"rewrote {len(updated)} file(s) the edit reaches; no build needed", flush=True)
                preview.publish([], edited=True)
                continue
            if not rebuilder.busy and (checked := _unwritten_edits(last, preview, paths, strict)) is not None:
                print(
                    f"checked {', '.join(checked)}: not published, so no page changes; no build needed",
                    flush=True,
                )
                # Answered, as a build would be: a page waiting for this change hears of it.
                preview.publish([], edited=True)
                continue
            if written:
                print(f"rewrote {', '.join(written)}; rebuilding the rest…", flush=True)
            else:
                print(f"{len(paths)} change(s), rebuilding…", flush=True)
            rebuilder.request()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if rebuilder is not None:
            # Interrupted, the preview ends at once, as hugo server does: a full build under
            # way in its thread (a minute at 10,000 posts) is abandoned with the process, and
            # the next build deletes its staging folder (chorus.build).
            rebuilder.stop(wait=not interrupted)
        if serving:
            server.shutdown()
        server.server_close()
    return 0


def _body_edits(last: list[LastBuild | None], preview: Preview, paths: set[Path]) -> list[str] | None:
    """Edits of posts' text applied to the last good build (chorus/incremental.py): the
    outputs written, or None when the full build is needed. Only while no build runs."""
    if last[0] is None or preview.problems:
        return None
    try:
        return body_edits(last[0], paths)
    except Exception:  # a bug, or Pagefind failing: say so; the full build runs
        traceback.print_exc()
        last[0] = None  # the kept build may be half updated: no fast path until the next build
        return None


def _unwritten_edits(
    last: list[LastBuild | None], preview: Preview, paths: set[Path], strict: bool
) -> list[str] | None:
    """Changes of drafts and scheduled posts alone, checked against the last good build
    (chorus/incremental.py): the sources checked, or None when the full build is needed.
    A --strict preview leaves them to the full build, which judges Pelican's warnings too."""
    if last[0] is None or preview.problems or strict:
        return None
    try:
        found = unwritten_edits(last[0], paths)
    except Exception:  # a bug: say so; the full build runs
        traceback.print_exc()
        return None
    if found is None:
        return None
    last[0], checked = found
    return checked


def _fast_pages(last: LastBuild | None, preview: Preview, writes: FastWrites, paths: set[Path]) -> list[str]:
    """The fast path for a batch of changes: every changed file must be a post it can
    render, or no page is written (a half-updated preview would mislead). Returns the
    pages written; none while the last build failed, so its problems stay shown."""
    if last is None or preview.problems:
        return []
    pages = []
    try:
        for path in sorted(paths):
            page = fast_page(last, path)
            if page is None:
                return []
            pages.append(page)
    except Exception:  # a bug in the fast path: say so, the full build still runs
        traceback.print_exc()
        return []
    return writes.write(pages)


def _report(problems: list[str]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr, flush=True)
    if problems:
        print("build failed; still serving the last good build", file=sys.stderr, flush=True)

"""``chorus serve``: build, serve the output on localhost, rebuild when a source changes.

It behaves like ``hugo server`` or ``mkdocs serve``:

- files are watched with watchfiles (no polling of the whole tree);
- every HTML page served gets a small script (``chorus/static/live.js``) that listens on
  ``/__chorus/events`` (server-sent events): after a good build the page reloads itself,
  after a failed one it shows the ``path:line: error:`` lines over the last good page until
  the next good build. The script is added while serving, never written to the output, so
  a published build never carries it;
- a failed build, including a typo in ``pelicanconf.py`` or a template, never ends the
  preview: the previous output stays served;
- a missing page gets the site's own 404 page, with status 404;
- feeds, OPML lists and cards of the preview use the address actually served.
"""

from __future__ import annotations

import http.server
import json
import mimetypes
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from chorus.build import BuildFailed, BuildResult, build_site

EVENTS_PATH = "/__chorus/events"
SCRIPT_PATH = "/__chorus/live.js"
LIVE_SCRIPT = Path(__file__).with_name("static") / "live.js"
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
        self.changed = threading.Condition()

    def rebuild(self, build: Callable[[], BuildResult]) -> list[str]:
        """Build once; wake every browser. Returns the problems ([] for a good build)."""
        try:
            result = build()
            self.not_found = result.urls.not_found().save_as if result.urls else self.not_found
            problems = []
        except BuildFailed as exc:
            problems = [str(p) for p in exc.problems]
        except Exception as exc:  # a bug must not end the preview; its traceback goes to the terminal
            traceback.print_exc()
            problems = [f"internal error: {type(exc).__name__}: {exc} (see the terminal)"]
        with self.changed:
            self.generation += 1
            self.problems = problems
            self.changed.notify_all()
        return problems

    def state(self) -> dict[str, Any]:
        return {"generation": self.generation, "problems": list(self.problems)}

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
            path = urlsplit(self.path).path
            target = self._file_for(path)
            status = 200
            if target is None:
                status, target = 404, self._file_for("/" + preview.not_found)
            if target is None:
                self._send(404, "text/plain; charset=utf-8", b"not found\n", body)
                return
            data = target.read_bytes()
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind == "text/html":
                data = _with_live_script(data)
                kind += "; charset=utf-8"
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


def _with_live_script(html: bytes) -> bytes:
    at = html.rfind(b"</body>")
    return html[:at] + _SCRIPT_TAG + html[at:] if at >= 0 else html + _SCRIPT_TAG


def is_source_change(path: str) -> bool:
    """Whether a changed path can change the site (not the output, caches or tools' files)."""
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    return not (_IGNORED_PARTS & set(parts)) and not name.startswith(".") and not name.endswith(("~", ".swp"))


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
) -> int:
    """Serve until interrupted (or until ``stop`` is set); ``ready`` is set once the first
    build is served, and ``on_address`` hears the address first (tests use both)."""
    from watchfiles import watch

    preview = Preview(output)
    server = http.server.ThreadingHTTPServer((bind, port), handler_for(preview))
    server.daemon_threads = True
    address = f"http://{'localhost' if bind in ('0.0.0.0', '::') else bind}:{server.server_address[1]}"
    # The preview's absolute URLs (feeds, OPML, cards) point at the address actually served.
    overrides = {"DEPARTMENT_FEEDS_FALLBACK_SITEURL": address, **overrides}
    if on_address is not None:
        on_address(address)

    def build() -> BuildResult:
        result = build_site(root, settings_file=settings_file, output=output, overrides=overrides)
        print(f"built {result.articles} published posts", flush=True)
        return result

    _report(preview.rebuild(build))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {output} at {address}/ (Ctrl-C to stop)", flush=True)
    if ready is not None:
        ready.set()
    try:
        for changes in watch(root, watch_filter=lambda _, path: is_source_change(path), stop_event=stop):
            print(f"{len(changes)} change(s), rebuilding…", flush=True)
            _report(preview.rebuild(build))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0


def _report(problems: list[str]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr, flush=True)
    if problems:
        print("build failed; still serving the last good build", file=sys.stderr, flush=True)

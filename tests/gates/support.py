"""What the quality gates share: where their tools live, the rule for a missing tool, the
sample network built and served on 127.0.0.1, and the main pages the gates visit."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from lxml import html as lxml_html

from chorus.build import build_site
from chorus.conf import PROJECT_ROOT

BUILD_AS_OF = "2026-11-22T12:00:00+00:00"
GATES_DIR = Path(__file__).resolve().parent
NODE_MODULES = GATES_DIR / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
CHROMIUM = Path(os.environ.get("CHORUS_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
README_SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
SUB_PATH = "/voices/"

# Chromium on a machine without a network: no background services that would try to reach
# Google (refused connections, failed look-ups), no QUIC, no GPU, no sandbox (CI runs as
# root). Playwright adds --headless and a fresh --user-data-dir itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The pages the issue names, in the order screenshots and reports list them.
MAIN_PAGES = [
    "home",
    "post",
    "guest-post",
    "profile",
    "directory",
    "department",
    "tag",
    "search",
    "subscribe",
    "health",
]
# Pages whose content arrives after the load, and the element that shows it is all there
# (search: a result's link once no placeholder is left, as the theme hides results until then).
READY_WHEN = {"search": ".pagefind-ui__results:not(:has(.pagefind-ui__loading)) .pagefind-ui__result-link"}


def require(missing: str | None) -> None:
    """Skip (locally) or fail (under CI=true) when a tool a gate needs is missing."""
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{missing}. CI=true: the quality gates may not be skipped.", pytrace=False)
    pytest.skip(
        f"{missing}. (`make gates-setup` installs every tool of the gates; under CI=true this fails.)"
    )


def missing_node_tool(path: Path) -> str | None:
    if path.is_file():
        return None
    return f"{path.relative_to(PROJECT_ROOT)} is missing: run `npm ci --ignore-scripts --prefix tests/gates`"


# The demo's German configuration (`make html-de`): the gates judge both interface languages.
GERMAN_SETTINGS = PROJECT_ROOT / "pelicanconf-de.py"
LANGUAGES = ("en", "de")


def build_sample(output: Path, *, lang: str = "en", **overrides) -> Path:
    """Build the sample network strictly (a warning fails), as of the date its tests assume,
    with its English settings (pelicanconf.py) or its German ones (pelicanconf-de.py)."""
    overrides = {"CHORUS_NOW": BUILD_AS_OF, **overrides}
    settings = GERMAN_SETTINGS if lang == "de" else None
    return build_site(
        PROJECT_ROOT, settings_file=settings, output=output, strict=True, overrides=overrides
    ).output


@dataclass(frozen=True)
class ServedSite:
    """A built site and the address it is served from (``base`` ends with a slash)."""

    output: Path
    base: str

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def page(self, path: str):
        """The built file of a site path, parsed with lxml (no browser needed)."""
        target = self.output / path.lstrip("/")
        if not target.suffix:
            target = target / "index.html"
        return lxml_html.fromstring(target.read_bytes())

    def network(self) -> dict:
        return json.loads((self.output / "network.json").read_text())


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``directory`` under the URL prefix ``prefix``; every other path is a 404."""

    def __init__(self, *args, prefix: str, **kwargs):
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside-the-site__")
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, format, *args) -> None:
        pass  # keep the test run quiet: the assertions say what went wrong


def main_page_paths(site: ServedSite) -> dict[str, str]:
    """Site path of each main page, picked from network.json so they follow the sample content."""
    network = site.network()
    kinds = {author["id"]: author["kind"] for author in network["authors"]}
    post = next(p for p in network["posts"] if kinds[p["authors"][0]] == "expert")
    guest_post = next(p for p in network["posts"] if kinds[p["authors"][0]] == "guest")
    profile = next(a for a in network["authors"] if a["kind"] == "expert" and not a["former"])
    topic = site.page(post["url"]).cssselect('a[href*="/topics/"]:not([href$="/topics/"])')[0]
    paths = {
        "home": "/",
        "post": post["url"],
        "guest-post": guest_post["url"],
        "profile": profile["profile_url"],
        "directory": "/authors/",
        "department": network["departments"][0]["url"],
        "tag": topic.get("href"),
        "search": "/search/?q=" + quote_plus(topic.text_content()),  # with results, as people see it
        "subscribe": "/subscribe/",
        "health": "/health/",
    }
    assert list(paths) == MAIN_PAGES
    return paths


@dataclass
class PageLog:
    """What a page did while it loaded: every request's URL, console errors, uncaught errors."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def console_error(message) -> str:
    """A console error with its source: "Failed to load resource" alone does not say which."""
    return f"console: {message.text} ({message.location.get('url') or 'no URL'})"


def open_page(context, url: str):
    """A new page in ``context`` that logs what it does, loaded until the network is idle."""
    page = context.new_page()
    log = PageLog()
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and log.errors.append(console_error(message)))
    page.on("pageerror", lambda error: log.errors.append(f"uncaught: {error}"))
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok, (
        f"{url}: HTTP {response.status if response else 'no response'}"
    )
    return page, log


def open_main_page(context, site: ServedSite, main_pages: dict[str, str], name: str):
    """Open one of the main pages and wait until its content is complete (search results)."""
    page, log = open_page(context, site.url(main_pages[name]))
    if name in READY_WHEN:
        page.wait_for_selector(READY_WHEN[name], timeout=15_000)
    return page, log

"""Fixtures of the quality gates: the sample network built once and served on 127.0.0.1 (at the
root and from a sub-path), and the tools that check it: the Nu Html Checker on Java, axe-core,
Debian's Chromium driven by Playwright, and Lighthouse on Node driving the same Chromium.

A missing tool skips the gates that need it, naming the command that installs it; under
CI=true it fails them instead (see support.require). `make gates-setup`, which `make test`
runs first, installs all of them.
"""

from __future__ import annotations

import shutil
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from .support import (
    AXE_SCRIPT,
    CHROMIUM,
    CHROMIUM_ARGS,
    LIGHTHOUSE_CLI,
    SUB_PATH,
    VNU_JAR,
    ServedSite,
    SiteHandler,
    build_sample,
    main_page_paths,
    missing_node_tool,
    require,
)


def missing_chromium() -> str | None:
    if CHROMIUM.is_file():
        return None
    return f"Debian's Chromium is missing at {CHROMIUM}: install it with `sudo apt-get install -y chromium`"


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    """The Nu Html Checker's command line, less the files to check."""
    java_missing = (
        "Java is missing (the Nu Html Checker runs on it): install it with "
        "`sudo apt-get install -y default-jre-headless`"
    )
    require(None if shutil.which("java") else java_missing)
    require(missing_node_tool(VNU_JAR))
    return ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only"]


@pytest.fixture(scope="session")
def axe_script() -> Path:
    require(missing_node_tool(AXE_SCRIPT))
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def lighthouse_command() -> list[str]:
    """Lighthouse's command line, less its options (test_lighthouse.py sets them).

    It launches a Chromium of its own: Debian's, as the environment variable CHROME_PATH says.
    """
    node_missing = (
        "Node.js is missing (Lighthouse runs on it): install it with `sudo apt-get install -y nodejs`"
    )
    require(None if shutil.which("node") else node_missing)
    require(missing_node_tool(LIGHTHOUSE_CLI))
    require(missing_chromium())
    return ["node", str(LIGHTHOUSE_CLI)]


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run; each test opens its own context."""
    require(missing_chromium())
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("The Python package playwright is missing: run `.venv/bin/pip install -e '.[test]'`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    """A fresh browser context per test: no cache, cookies or storage carried over."""
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture(scope="session")
def serve():
    """``serve(output, prefix)`` serves a folder on a free port and returns its base URL;
    ``handler_class`` may be a SiteHandler of the test's own (one that answers slowly, say).

    Serving starts before the site is built: a sub-path build needs its address (SITEURL).
    """
    servers = []

    def start(output: Path, prefix: str = "/", handler_class: type[SiteHandler] = SiteHandler) -> str:
        handler = partial(handler_class, directory=str(output), prefix=prefix)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory, serve) -> ServedSite:
    """The sample network as `make html` builds it (SITEURL ""), served from the root."""
    output = build_sample(tmp_path_factory.mktemp("gates") / "output")
    return ServedSite(output, serve(output))


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory, serve) -> ServedSite:
    """The sample network built for and served from http://127.0.0.1:PORT/voices/."""
    output = tmp_path_factory.mktemp("gates-subpath") / "output"
    base = serve(output, SUB_PATH)
    build_sample(output, SITEURL=base.rstrip("/"))
    return ServedSite(output, base)


@pytest.fixture(scope="session")
def main_pages(sample_site) -> dict[str, str]:
    """Site path of each page the issue names (home, post, guest post, profile, ...)."""
    return main_page_paths(sample_site)


@pytest.fixture(scope="session")
def german_site(tmp_path_factory, serve) -> ServedSite:
    """The sample network as `make html-de` builds it (the German interface), served from the root."""
    output = build_sample(tmp_path_factory.mktemp("gates-de") / "output", lang="de")
    return ServedSite(output, serve(output))


@pytest.fixture(scope="session")
def german_pages(german_site) -> dict[str, str]:
    return main_page_paths(german_site)


@pytest.fixture
def site_in(request):
    """``site_in(lang)``: the served sample network in that interface language and its main pages."""

    def pick(lang: str) -> tuple[ServedSite, dict[str, str]]:
        if lang == "de":
            return request.getfixturevalue("german_site"), request.getfixturevalue("german_pages")
        return request.getfixturevalue("sample_site"), request.getfixturevalue("main_pages")

    return pick

"""Tiny Chorus sites in tmp_path: a dict of files in, a built output folder (or the problems) out."""

from __future__ import annotations

import contextlib
import io
import json
import textwrap
import threading
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image

from chorus.build import BuildFailed, build_site

NOW = "2026-06-01T12:00:00+00:00"

DEPARTMENTS = """\
service:
  name: Service
  description: Field engineers who keep meters running.
  colour: "#0b7285"
sales:
  name: Sales
  description: People who scope projects with customers.
"""

ALICE = """\
name: Alice Field
kind: expert
title: Field Service Engineer
department: service
expertise: [field repairs, flow meters]
avatar: alice.png
bio: |
  Alice repairs *flow meters* on site.
"""

BOB = """\
name: Bob Quote
kind: expert
title: Account Manager
department: sales
expertise: [tenders]
bio: Bob scopes projects.
"""

GINA = """\
name: Gina Guest
kind: guest
title: Researcher
department: service
expertise: [sensor drift]
affiliation: Nordlicht University
bio: Gina studies sensor drift.
"""


def post(title: str = "Hello", date: str = "2026-01-10", body: str = "Some text.", **fields: str) -> str:
    """A post file: header lines (keys as given, underscores become hyphens), blank line, body."""
    lines = [f"Title: {title}", f"Date: {date}"]
    lines += [f"{key.replace('_', '-').title()}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n\n" + textwrap.dedent(body).strip() + "\n"


def png_bytes(size=(80, 60), colour=(200, 40, 40), fmt="PNG", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt, **save)
    return buffer.getvalue()


class Site:
    """A site folder under tmp_path with the default tiny network, editable file by file."""

    def __init__(self, root: Path):
        self.root = root
        self.output = root / "output"
        self.write("departments.yml", DEPARTMENTS)
        self.write("authors/alice.yml", ALICE)
        self.write("authors/alice.png", png_bytes())
        self.write("authors/bob.yml", BOB)
        self.write("authors/gina.yml", GINA)
        self.write("content/alice/hello.md", post("Hello from service"))

    def write(self, relative: str, data: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    def remove(self, relative: str) -> None:
        (self.root / relative).unlink()

    def build(self, strict: bool = True, **settings) -> Path:
        settings.setdefault("CHORUS_NOW", NOW)
        settings.setdefault("CACHE_PATH", str(self.root / "cache"))
        build_site(self.root, strict=strict, overrides=settings)
        return self.output

    def problems(self, **settings) -> list[str]:
        """Build expecting failure; return the problem lines as printed."""
        with pytest.raises(BuildFailed) as caught:
            self.build(**settings)
        return [str(p) for p in caught.value.problems]

    def check(self, **settings) -> list[str]:
        """`chorus check`'s errors, printed as the build prints them: no Pelican run."""
        from chorus.check import run_check

        settings.setdefault("CHORUS_NOW", NOW)
        return [str(p) for p in run_check(self.root, overrides=settings).errors]

    def page(self, relative: str):
        return lxml_html.fromstring((self.output / relative).read_bytes())

    def index(self) -> dict:
        return json.loads((self.output / "network.json").read_text(encoding="utf-8"))


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


SAMPLE_AS_OF = "2026-11-22T12:00:00+00:00"


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    """The demo network (content/, authors/ at the repository root), built strictly once per run."""
    from chorus.conf import PROJECT_ROOT

    output = tmp_path_factory.mktemp("sample") / "output"
    build_site(PROJECT_ROOT, output=output, strict=True, overrides={"CHORUS_NOW": SAMPLE_AS_OF})
    return output


def load_model(site: Site, **settings):
    """The site model of ``site``, read as `chorus check` and the build read it: no Pelican run."""
    from chorus.build import load_settings
    from plugins.network.state import BuildState

    settings.setdefault("CHORUS_NOW", NOW)
    return BuildState(load_settings(site.root, None, settings)).site


@contextlib.contextmanager
def running_preview(site: Site, **serve_options):
    """`chorus serve` of ``site`` on a free port, in a thread; yields its base URL."""
    from chorus.serve import serve

    ready, stop = threading.Event(), threading.Event()
    addresses: list[str] = []
    options = {"settings_file": None, "bind": "127.0.0.1", "port": 0, "overrides": {"CHORUS_NOW": NOW}}
    thread = threading.Thread(
        target=serve,
        args=(site.root, site.output),
        kwargs={**options, **serve_options, "ready": ready, "stop": stop, "on_address": addresses.append},
        daemon=True,
    )
    thread.start()
    try:
        assert ready.wait(60), "the preview did not start"
        yield addresses[0]
    finally:
        stop.set()
        thread.join(30)

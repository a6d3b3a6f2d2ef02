"""The contributors' guide works when followed literally on a fresh clone.

The test copies the repository's files (what a clone has: no .venv, no output, no cache),
then runs every command of the guide's ``bash`` blocks in order, as written, in a shell
whose PATH has no `chorus` until the guide's activation step puts it there. It does the
guide's prose steps by hand (write the post, replace the summary; once it has been
previewed as a draft, remove the draft line) and ends with the guide's strict build,
which must contain the new author and post.

Two stand-ins: `make setup` installs Chorus from PyPI's packages into .venv, which a test
machine without a network cannot do, so the copy gets a .venv whose `chorus` runs the
copy's own code with this test run's interpreter, and `make setup` finds it up to date;
and `make serve` runs on a free port (`PORT=0`) until the test has fetched the new post
(still a draft: the guide previews it with `DRAFTS=1`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from lxml import html as lxml_html

from chorus.conf import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "content/pages/contributing.md"
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"


def guide_commands() -> list[str]:
    """Every command of the guide's bash blocks, in order (comments and blank lines left out)."""
    blocks = re.findall(r"^```bash\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.M | re.S)
    lines = [line.split(" #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def fresh_clone(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def stand_in_for_make_setup(clone: Path) -> None:
    bin_dir = clone / ".venv/bin"
    bin_dir.mkdir(parents=True)
    chorus = bin_dir / "chorus"
    chorus.write_text(f'#!/bin/sh\nPYTHONPATH="{clone}" exec "{sys.executable}" -m chorus.cli "$@"\n')
    chorus.chmod(0o755)
    (bin_dir / "activate").write_text(f'export PATH="{bin_dir}:$PATH"\n')
    (clone / ".venv/.installed").touch()  # newer than pyproject.toml: make has nothing to do


def run(clone: Path, setup: list[str], command: str, **kwargs) -> subprocess.CompletedProcess:
    script = " && ".join([*setup, command])
    env = {"PATH": BASE_PATH, "HOME": str(clone.parent), "LANG": "C.UTF-8"}
    return subprocess.run(
        ["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=300, **kwargs
    )


def write_the_post(path: Path) -> None:
    """What the guide asks in prose: write the body, replace the summary, add tags."""
    text = path.read_text()
    header, _, _ = text.partition("\n\n")
    header = re.sub(r"(?m)^Summary: .*$", "Summary: Why we test every meter where it will run.", header)
    header = re.sub(r"(?m)^Tags:.*$", "Tags: site surveys, flow meters", header)
    path.write_text(header + "\n\nA meter behaves on site as nowhere else. [[@li-wei]] agrees.\n")


def publish_the_post(path: Path) -> None:
    """What the guide asks in prose once the post is ready: drop the draft line."""
    text = path.read_text()
    assert "\nStatus: draft\n" in text
    path.write_text(text.replace("\nStatus: draft\n", "\n", 1))


def serve_and_fetch(clone: Path, setup: list[str], command: str, path: str) -> str:
    """Start the guide's preview server (on a free port), fetch one page, stop it."""
    env = {"PATH": BASE_PATH, "HOME": str(clone.parent), "LANG": "C.UTF-8"}
    server = subprocess.Popen(
        ["bash", "-c", " && ".join([*setup, command + " PORT=0"])],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: stopped below, and only it
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if found := re.search(r"serving .* at (http://\S+/)", line):
                with urllib.request.urlopen(found.group(1) + path.lstrip("/"), timeout=30) as response:
                    return response.read().decode()
        raise AssertionError("the preview server stopped without serving")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_following_the_contributors_guide_ends_in_a_strict_build_with_the_new_author(tmp_path):
    clone = fresh_clone(tmp_path / "clone")
    stand_in_for_make_setup(clone)
    commands = guide_commands()
    assert commands[:2] == ["make setup", ". .venv/bin/activate"], "the guide starts by getting chorus"
    assert run(clone, [], "command -v chorus").returncode != 0, "a fresh clone has no chorus on the PATH"

    setup: list[str] = []  # commands that change the shell (activation) stay in force
    post = None
    for command in commands:
        if command.startswith((". ", "source ")):
            setup.append(command)
            continue
        if command.startswith("make serve"):
            # Still a draft: the guide's preview shows it all the same.
            page = serve_and_fetch(clone, setup, command, "/posts/dora-lee/why-we-test-on-site/")
            assert "Why we test on site" in page
            continue
        if command == "make html" and post is not None:
            publish_the_post(post)
        result = run(clone, setup, command)
        assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"
        if shlex.split(command)[:3] == ["chorus", "new", "post"]:
            created = re.search(r"created (\S+\.md)", result.stdout)
            assert created, result.stdout
            post = clone / created.group(1)
            text = post.read_text()
            for field in ("Title:", "Date:", "Summary:", "Tags:"):  # what the guide calls required, and tags
                assert f"\n{field}" in "\n" + text, field
            write_the_post(post)
        if command.startswith("chorus check"):
            assert "checked 2 files: 0 error(s), 0 warning(s)" in result.stderr, result.stderr

    assert post is not None and commands[-1] == "make html", "the guide ends with the complete build"
    output = clone / "output"
    index = json.loads((output / "network.json").read_text())
    assert "dora-lee" in [a["id"] for a in index["authors"]]
    assert "/posts/dora-lee/why-we-test-on-site/" in [p["url"] for p in index["posts"]]
    profile = lxml_html.fromstring((output / "authors/dora-lee/index.html").read_bytes())
    assert "Dora Lee works in Sales" in profile.text_content()
    assert (
        "/content/dora-lee/ @dora-lee-halvard @halvard/sales-editors"
        in (clone / ".github/CODEOWNERS").read_text()
    )

"""The chorus command: clear messages and exit codes, never a traceback for a user mistake."""

from __future__ import annotations

import subprocess
import sys

from conftest import NOW, png_bytes, post


def chorus(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "chorus.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_build_succeeds_and_reports(site):
    result = chorus("build", "--strict", "--now", NOW, cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert "built 1 published posts" in result.stdout
    assert (site.root / "output/index.html").is_file()


def test_user_error_exits_1_with_file_and_line_and_no_traceback(site):
    site.write("content/bob/x.md", "Title: T\nDate: someday\n\nx\n")
    result = chorus("build", "--now", NOW, cwd=site.root)
    assert result.returncode == 1
    assert (
        "content/bob/x.md:2: error: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30, found 'someday'"
        in result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert "previous output was left untouched" in result.stderr


def test_strict_turns_warnings_into_failures(site):
    site.write("content/bob/chart.png", png_bytes())
    site.write(
        "content/bob/x.md", post(body="See [the chart]({filename}chart.png).")
    )  # Pelican: use {static}
    assert chorus("build", "--now", NOW, cwd=site.root).returncode == 0
    strict = chorus("build", "--strict", "--now", NOW, cwd=site.root)
    assert strict.returncode == 1 and "warning:" in strict.stderr


def test_usage_error_exits_2(site):
    assert chorus("frobnicate", cwd=site.root).returncode == 2

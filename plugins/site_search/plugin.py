"""Index the built site with Pagefind (its binary ships in the `pagefind-bin` wheel).

Only pages that mark their main content with ``data-pagefind-body`` are indexed: published
posts, profiles and department pages — never listings, and never hidden posts (drafts and
future posts are not written at all). Filters come from ``data-pagefind-filter`` attributes
(department, author, kind). It runs on the build's staging folder, so a failed index leaves
the previous site in place like any other failed build.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pelican import signals

from plugins.network import get_state
from plugins.network.settings import Setting, SettingsSpec, is_bool
from plugins.network.urls import output_settings

SETTINGS = SettingsSpec(
    "SITE_SEARCH_",
    Setting("SITE_SEARCH_ENABLED", True, "Build the Pagefind index and the search page.", is_bool),
    *output_settings("SITE_SEARCH_"),
)


class SearchIndexError(RuntimeError):
    """Pagefind failed: not a content problem, so it keeps its details."""


def apply_settings(pelican) -> None:
    settings = pelican.settings
    SETTINGS.apply(settings)
    # Where the site lives on its host ("/" or "/voices/"): search results link from there,
    # so search keeps working when the site is served from a sub-path.
    settings["SITE_SEARCH_BASE_PATH"] = get_state(settings).urls.base_path


def build_index(pelican) -> None:
    settings = pelican.settings
    if not settings["SITE_SEARCH_ENABLED"]:
        return
    state = get_state(settings)
    bundle = state.urls.search_bundle("").save_as.rstrip("/")
    entry_point = state.urls.search_bundle("pagefind.js").save_as
    state.outputs.claim_or_raise(entry_point, "SITE_SEARCH_BUNDLE_DIR")
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(pelican.output_path),
        "--output-subdir",
        bundle,
        "--silent",
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not (Path(pelican.output_path) / entry_point).is_file():
        raise SearchIndexError(
            f"pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
        )


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.finalized.connect(build_index)

"""POST_PAGE_* settings, checked before any content is read."""

from __future__ import annotations

from plugins.network.settings import Setting, SettingsSpec, is_whole_number

SETTINGS = SettingsSpec(
    "POST_PAGE_",
    Setting(
        "POST_PAGE_TOC_MIN_HEADINGS",
        3,
        "A post gets a table of contents once it has this many section headings (0: never).",
        is_whole_number,
    ),
)

"""What the comments settings say about the content: departments that exist, a policy page
that is written. (The settings' own shape is checked with the other settings, at start.)"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem
from ..load import suggest
from ..model import Site
from ..settings import SETTINGS_FILE


def comments_settings(site: Site) -> Iterator[Problem]:
    departments = site.network.departments
    for department in site.settings.get("COMMENTS_OFF_DEPARTMENTS") or ():
        if department not in departments:
            yield Problem(
                SETTINGS_FILE,
                None,
                f"COMMENTS_OFF_DEPARTMENTS: unknown department {department!r}"
                + suggest(department, departments),
                rule="settings",
            )
    slug = site.settings.get("COMMENTS_POLICY_PAGE")
    if site.settings.get("COMMENTS_PROVIDER") is not None and slug is not None and policy_page(site) is None:
        yield Problem(
            SETTINGS_FILE,
            None,
            f"COMMENTS_POLICY_PAGE: no page {slug!r} in content/pages/ (write content/pages/{slug}.md,"
            " saying what gets published and how comments are moderated, or set COMMENTS_POLICY_PAGE = None)",
            rule="settings",
        )


def policy_page(site: Site) -> str | None:
    """The URL of the written comment policy page, or None."""
    slug = site.settings.get("COMMENTS_POLICY_PAGE")
    page = next((p for p in site.pages if p.slug == slug and p.status.written), None)
    return site.urls.source(page).url if page is not None else None

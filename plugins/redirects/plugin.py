"""Write a page at every old URL of ``redirects.yml``, and the ``_redirects`` file.

The entries are read into the site model and judged by the ``redirects`` rule before any
post is read (so by now each goes to something the build writes). Each old URL gets a small
page that sends readers on (an immediate meta refresh), tells search engines where the
content lives now (a canonical link) and shows a plain link for everyone else; hosts that
read ``_redirects`` (Netlify, Cloudflare Pages) answer with a real 301 instead.

- ``initialized``: settings validated.
- ``article_writer_finalized``: every post's page is written and claimed, so a redirect
  that would land on another output fails instead of overwriting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals

from plugins.network import Problem, SourceError, get_state
from plugins.network.links import site_index
from plugins.network.redirects import destination, in_effect
from plugins.network.settings import SettingsSpec
from plugins.network.urls import output_settings

SETTINGS = SettingsSpec("REDIRECTS_", *output_settings("REDIRECTS_"))
TEMPLATE = "redirect"


@dataclass(frozen=True)
class RedirectPage:
    """What ``redirect.html`` shows: the old URL and where it goes (``link``, as pages link it)."""

    old_url: str
    link: str
    title: str


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def write_redirects(generator, writer) -> None:
    state = get_state(generator.settings)
    site, urls = state.site, state.urls
    index = site_index(site)
    template = generator.get_template(TEMPLATE)
    rules = []
    for redirect in site.redirects:
        if not in_effect(redirect, index):
            continue
        goes = destination(redirect, site, index)
        page = urls.redirect(redirect.url)
        state.outputs.claim_or_raise(page.save_as, redirect.path)
        shown = RedirectPage(redirect.url, urls.link(goes.url), goes.title)
        writer.write_file(page.save_as, template, generator.context, url=page.url, redirect=shown)
        rules.append(f"{urlsplit(urls.link(redirect.url)).path} {urlsplit(shown.link).path} 301\n")
    if rules:
        _write_redirects_file(Path(generator.output_path), state, "".join(rules))


def _write_redirects_file(output: Path, state, text: str) -> None:
    save_as = state.urls.redirects_file().save_as
    state.outputs.claim_or_raise(save_as, "REDIRECTS_FILE_SAVE_AS")
    target = output / save_as
    if target.exists():  # written by a part of the site that did not claim it
        raise SourceError(Problem("REDIRECTS_FILE_SAVE_AS", None, f"would overwrite '{save_as}'"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_writer_finalized.connect(write_redirects)

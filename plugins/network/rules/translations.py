"""Translations of posts: each names a post that exists, in a language of its own."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..errors import WARNING, Problem
from ..links import site_index
from ..model import Post, Site


def translations(site: Site) -> Iterator[Problem]:
    default = str(site.settings.get("DEFAULT_LANG") or "en")
    posts = {post.key: post for post in site.posts}
    languages: dict[tuple[str, str], Post] = {}
    for post in sorted(site.posts, key=lambda p: p.source):
        if post.translation_of is None:
            continue
        line = post.line_of("translation") or post.line_of("lang")
        original = posts.get(post.translation_of)
        if original is None and site_index(site).names_unread_post(post.translation_of):
            continue  # an original whose header could not be read: its own error says so
        if original is None:
            owner, slug = post.translation_of.split("/", 1)
            mine = [p.slug for p in site.posts if p.owner == post.owner and p.translation_of is None]
            close = difflib.get_close_matches(slug, mine, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"expected content/{owner}/{slug}.md"
            yield Problem(
                post.path,
                line,
                f"translates '{post.translation_of}', which is not a post ({hint})",
                rule="translation",
            )
            continue
        if original.translation_of is not None:
            yield Problem(
                post.path,
                line,
                f"translates {original.path}, which is itself a translation;"
                f" translate the original, {original.translation_of}",
                rule="translation",
            )
            continue
        lang = post.language(default)
        if lang == original.language(default):
            yield Problem(
                post.path,
                line,
                f"is in '{lang}', the language of {original.path} that it translates;"
                " give the original its own 'Lang:'",
                rule="translation",
            )
            continue
        first = languages.setdefault((original.key, lang), post)
        if first is not post:
            yield Problem(
                post.path,
                line,
                f"{first.path} already translates {original.path} into '{lang}'",
                rule="translation",
            )
        elif original.expires is not None and (post.expires is None or post.expires > original.expires):
            # An offer taken down in one language and left online in another: say so.
            yield Problem(
                post.path,
                line,
                f"translates {original.path}, which expires on {original.expires:%Y-%m-%d %H:%M}, but stays"
                " online longer; give it the same 'Expires:' unless it should outlive the original",
                level=WARNING,
                rule="translation",
            )

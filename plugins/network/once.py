"""``once``: a piece of a template rendered once a build for the same arguments, like Hugo's
``partialCached``.

A post's card is on its author's page, its department's, the home page's and each of its
topics' pages: six or seven listings on average, 65,000 cards for 10,000 posts, and most of
the listings' time. Wrapped in ``{% call once("card", article) %}…{% endcall %}``, the
card is rendered the first time and the same HTML is written after that.

The contract is Hugo's: what is inside the call may depend on its arguments and on what is
the same for the whole build (settings, the language, the URL scheme), never on the page
it appears on. Chorus's card and avatar keep to it; a network that overrides them keeps
to it too, or leaves out the call (docs/theme.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

_VALUES = (str, int, float, bool, type(None))


class RenderedOnce:
    """The ``once`` of one build's templates (a new one each build: see ``author_folders``)."""

    def __init__(self, remember: bool = True) -> None:
        """``remember`` False: every call renders (with RELATIVE_URLS, each page has a
        SITEURL of its own, '../..', and cards and avatars link with it)."""
        self.remember = remember
        # key -> (the arguments, kept alive so that no id in a key is reused, the HTML)
        self._rendered: dict[tuple, tuple[tuple, Markup]] = {}

    def __call__(self, name: str, *arguments: Any, caller: Callable[[], Markup]) -> Markup:
        if not self.remember:
            return caller()
        key = (name, *(a if isinstance(a, _VALUES) else (type(a), id(a)) for a in arguments))
        found = self._rendered.get(key)
        if found is None:
            found = self._rendered[key] = (arguments, caller())
        return found[1]

    def forget(self) -> None:
        """Render everything again from now on (``chorus serve`` changed what was rendered)."""
        self._rendered.clear()

"""Extract the interface's messages and update the catalogues (``make messages``).

    python -m chorus.messages            # re-extract locale/chorus.pot, update every .po
    python -m chorus.messages --init it  # and start a catalogue for a new language

Messages come from the theme's templates (``{% trans %}``, ``_()``, ``ngettext()``) and from
the plugins' Python (``lang.gettext()``, ``lang.ngettext()``, and ``N_()`` for a message
defined apart from where it is translated). Babel's extractors read them as the build
reads them (Jinja's i18n extension, whitespace trimmed). File names are kept as
locations but not line numbers, so an edit to a template changes the catalogues only
where a message changed.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from chorus.conf import PROJECT_ROOT, THEME_DIR
from plugins.network.i18n import DOMAIN, LOCALE_DIR, catalogue_path, supported_languages

PROJECT = "Chorus"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
JINJA_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "trimmed": "true",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "newstyle_gettext": "true",
}
# (folder, glob relative to it, extraction method)
SOURCES = (
    (THEME_DIR / "templates", "**.html", "jinja2"),
    (PROJECT_ROOT / "plugins", "**.py", "python"),
)


def extract() -> Catalog:
    """Every message of the interface, as the .pot holds it."""
    catalog = Catalog(project=PROJECT, domain=DOMAIN, charset="utf-8", fuzzy=False)
    for folder, pattern, method in SOURCES:
        options = {pattern: JINJA_OPTIONS} if method == "jinja2" else {}
        found = extract_from_dir(
            folder, [(pattern, method)], options, keywords=KEYWORDS, strip_comment_tags=True
        )
        for filename, lineno, message, comments, context in found:
            location = str(folder.relative_to(PROJECT_ROOT) / filename)
            catalog.add(message, None, [(location, lineno)], auto_comments=comments, context=context)
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=100,
        omit_header=False,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=True,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def update(init: list[str] | None = None) -> list[Path]:
    """Write chorus.pot; merge it into every catalogue (and new ones for ``init``). Return the files written."""
    template = extract()
    written = [LOCALE_DIR / f"{DOMAIN}.pot"]
    _write(template, written[0])
    for lang in sorted(set(supported_languages()) | set(init or [])):
        path = catalogue_path(lang)
        if path.is_file():
            with path.open("rb") as po:
                catalog = read_po(po, locale=lang, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang, project=PROJECT, domain=DOMAIN, charset="utf-8", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        _write(catalog, path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chorus.messages", description=__doc__.splitlines()[0])
    parser.add_argument("--init", action="append", metavar="LANG", help="start a catalogue for LANG")
    args = parser.parse_args(argv)
    for path in update(args.init):
        print(path.relative_to(PROJECT_ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The source tree as a whole: no symbolic links or special files, safe names, and files
whose content is what their extension says (``plugins.network.files``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import Problem
from ..files import FILE_TYPES, content_problem, path_name_problem, printable
from ..model import MARKDOWN_EXTENSIONS, Site, SourceFile
from ..sourcefile import not_regular_message


def source_tree(site: Site) -> Iterator[Problem]:
    settings = site.settings
    static_dir = str(settings["CHORUS_STATIC_DIR"]).strip("/")
    for file in site.public_files:
        if file.symlink:
            yield Problem(
                file.shown,
                None,
                f"symbolic links are not allowed in {static_dir}/ (the file they point to would be published); copy the file instead",
                rule="symlink",
            )
        elif file.special:
            yield Problem(file.shown, None, not_regular_message(file.special), rule="file-type")
    allowed = {e.lower() for e in settings["CHORUS_STATIC_EXTENSIONS"]}
    max_name = int(settings["CHORUS_MAX_FILE_NAME_LENGTH"])
    content_shown = site.shown(site.content)
    named: set[str] = set()  # a folder with a bad name is reported once, not once per file in it
    for file in site.files:
        if file.symlink:
            yield Problem(
                file.shown,
                None,
                "symbolic links are not allowed in content/ or authors/; copy the file instead",
                rule="symlink",
            )
            continue
        if file.special:
            yield Problem(file.shown, None, not_regular_message(file.special), rule="file-type")
            continue
        if not file.in_content:
            continue
        bad_name = path_name_problem(file.relative, max_name)
        if bad_name:
            where = printable(f"{content_shown}/{bad_name[0]}")
            if where not in named:
                named.add(where)
                yield Problem(where, None, bad_name[1], rule="file-name")
            continue
        if file.extension in MARKDOWN_EXTENSIONS:
            if file.path.suffix != f".{file.extension}":
                # Pelican's readers match extensions case by case: 'idea.MD' would be copied
                # to the site as a static file, draft or not, source and header included.
                yield Problem(
                    file.shown,
                    None,
                    f"write the extension in lower case, '.{file.extension}': Pelican reads only"
                    f" '.{file.extension}' files as posts, and would publish this one's source as it is",
                    rule="file-name",
                )
            continue
        yield from _attachment(file, allowed, settings)


def _attachment(file: SourceFile, allowed: set[str], settings: Mapping[str, Any]) -> Iterator[Problem]:
    if file.extension not in allowed:
        expected = ", ".join("." + e for e in sorted(allowed))
        yield Problem(
            file.shown,
            None,
            f"file type '.{file.extension}' is not allowed in content/ (expected .md or one of: {expected})",
            rule="file-type",
        )
        return
    message = content_problem(
        file.path,
        file.extension,
        max_image_bytes=int(settings["CHORUS_MAX_IMAGE_BYTES"]),
        max_image_pixels=int(settings["CHORUS_MAX_IMAGE_PIXELS"]),
        max_other_bytes=int(settings["CHORUS_MAX_ATTACHMENT_BYTES"]),
    )
    if message:
        rule = "image" if FILE_TYPES[file.extension].image_format else "file-type"
        yield Problem(file.shown, None, message, rule=rule)

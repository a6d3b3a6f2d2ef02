"""The source tree as a whole: no symbolic links or special files, only allowed file types, sound images."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem, SourceError
from ..images import check_image
from ..model import MARKDOWN_EXTENSIONS, Site
from ..sourcefile import not_regular_message

IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}


def source_tree(site: Site) -> Iterator[Problem]:
    settings = site.settings
    allowed = {e.lower() for e in settings["CHORUS_STATIC_EXTENSIONS"]}
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
        if not file.in_content or file.extension in MARKDOWN_EXTENSIONS:
            continue
        if file.extension not in allowed:
            expected = ", ".join("." + e for e in sorted(allowed))
            yield Problem(
                file.shown,
                None,
                f"file type '.{file.extension}' is not allowed in content/ (expected .md or one of: {expected})",
                rule="file-type",
            )
        elif file.extension in IMAGE_EXTENSIONS:
            try:
                check_image(
                    file.path,
                    file.shown,
                    settings["CHORUS_MAX_IMAGE_BYTES"],
                    settings["CHORUS_MAX_IMAGE_PIXELS"],
                )
            except SourceError as exc:
                yield from exc.problems

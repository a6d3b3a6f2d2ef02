"""The source tree as a whole: no symbolic links, only allowed file types, sound images."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Problem, ProblemList, SourceError
from .images import check_image

IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}
POST_EXTENSIONS = {"md", "markdown"}


def scan_source_tree(state) -> list[Problem]:
    """Problems in content/ and authors/ that no single post or registry file would show."""
    problems = ProblemList()
    settings = state.settings
    allowed = {e.lower() for e in settings["CHORUS_STATIC_EXTENSIONS"]}
    for top in (state.content_path, state.authors_path):
        if not top.is_dir():
            continue
        for folder, dirs, files in os.walk(top):
            for name in sorted(dirs + files):
                if (Path(folder) / name).is_symlink():
                    problems.add(
                        state.shown(Path(folder) / name),
                        None,
                        "symbolic links are not allowed in content/ or authors/; copy the file instead",
                        rule="symlink",
                    )
            dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink() and not d.startswith(".")]
            if top != state.content_path:
                continue
            for name in sorted(files):
                path = Path(folder) / name
                extension = path.suffix.lower().lstrip(".")
                if name.startswith(".") or path.is_symlink() or extension in POST_EXTENSIONS:
                    continue
                if extension not in allowed:
                    problems.add(
                        state.shown(path),
                        None,
                        f"file type '.{extension}' is not allowed in content/ (expected .md or one of: "
                        + ", ".join("." + e for e in sorted(allowed))
                        + ")",
                        rule="file-type",
                    )
                elif extension in IMAGE_EXTENSIONS:
                    try:
                        check_image(
                            path,
                            state.shown(path),
                            settings["CHORUS_MAX_IMAGE_BYTES"],
                            settings["CHORUS_MAX_IMAGE_PIXELS"],
                        )
                    except SourceError as exc:
                        problems.extend(exc.problems)
    return problems.items


def post_sources(state) -> list[Path]:
    """Every Markdown source under content/, in a stable order (hidden files ignored)."""
    found = []
    for folder, dirs, files in os.walk(state.content_path):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(folder) / d).is_symlink())
        for name in sorted(files):
            path = Path(folder) / name
            if (
                not name.startswith(".")
                and path.suffix.lower().lstrip(".") in POST_EXTENSIONS
                and not path.is_symlink()
            ):
                found.append(path)
    return found

"""Images from ``content/`` are published re-encoded, never copied byte for byte, and in the
smaller widths a post page offers.

Pelican's StaticGenerator copies every file of ``content/`` as it is: for an image that
would publish whatever the camera or the editor put in it (EXIF with a GPS position and a
camera serial, XMP with names, PNG text chunks, ICC descriptions) and any payload a
polyglot file carries. At ``static_generator_finalized`` every static file has been found
and none copied yet: this plugin takes the images out of Pelican's copy list and writes
each one re-encoded (``plugins.network.images.clean_image``: its pixels only, turned
upright, in its own format) to the very path Pelican would have copied it to. The URL and
file name stay the same, so ``{static}`` links and relative image links keep working.

Every still image a written post shows (in its text or as its ``Cover:``) is also
published in the widths of ``CLEAN_IMAGES_WIDTHS`` narrower than itself (never enlarged),
made from the re-encoded pixels, where ``urls.media_width`` puts them. What a page needs
to show each one (URL, size, widths) is the context key ``post_images``: content path ->
``ResponsiveImage``.

The ``tree`` rule has already checked every image (format matches the extension, size and
pixel limits, every frame decodes) before Pelican read anything. Results are cached by a
hash of the source bytes (the widths by the recipe too), so an unchanged image is encoded
once and a warm build draws nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pelican import signals

from plugins.network import get_state
from plugins.network.files import IMAGE_EXTENSIONS
from plugins.network.images import (
    FORMAT_OF,
    ImageDecodeError,
    ImageWidth,
    ResponsiveImage,
    cached_files,
    clean_image,
    encode,
    open_raster,
    resized_to_width,
)
from plugins.network.links import site_index
from plugins.network.model import RefForm, Site
from plugins.network.settings import Setting, SettingsSpec
from plugins.network.sourcefile import read_regular_bytes
from plugins.network.urls import output_settings

# Bumped whenever the re-encoding changes, so results of older code are not reused.
_PIPELINE_VERSION = b"clean-images-v1"
_WIDTHS_VERSION = b"widths-v1"
CONTEXT_KEY = "post_images"


def _widths_setting(value: Any) -> str | None:
    if (
        not isinstance(value, (list, tuple))
        or not all(isinstance(v, int) and not isinstance(v, bool) and 100 <= v <= 4000 for v in value)
        or len(set(value)) != len(value)
    ):
        return "expected a list of different widths in pixels between 100 and 4000, like [480, 960, 1600]"
    return None


SETTINGS = SettingsSpec(
    "CLEAN_IMAGES_",
    Setting(
        "CLEAN_IMAGES_WIDTHS",
        [480, 960, 1600],
        "Widths, in pixels, made of every still image a post shows, when narrower than the image (the widest is the largest served; [] offers the image as it is).",
        _widths_setting,
    ),
    *output_settings("CLEAN_IMAGES_"),
)


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def shown_images(site: Site) -> set[str]:
    """Content paths of every image a written post shows: in its text or as its cover."""
    index = site_index(site)
    found = set()
    for post in site.posts:
        if not post.status.written:
            continue
        for ref in post.references:
            if ref.image and ref.form is not RefForm.EXTERNAL:
                resolved, _ = index.check(ref, post.source, post.status)
                if resolved is not None and resolved.file:
                    found.add(resolved.file)
    return found


def publish_images(generator) -> None:
    """Write every image re-encoded where Pelican would copy it, and leave Pelican the rest."""
    settings = generator.settings
    state = get_state(settings)
    cache_root = Path(settings.get("CACHE_PATH") or "cache")
    cache_dir = (cache_root if cache_root.is_absolute() else state.root / cache_root) / "images"
    output = Path(generator.output_path)
    shown = shown_images(state.site)
    widths = sorted(settings["CLEAN_IMAGES_WIDTHS"])
    published: dict[str, ResponsiveImage] = {}
    others = []
    for static in generator.staticfiles:
        source = Path(os.path.join(generator.path, static.source_path))
        if source.suffix.lower().lstrip(".") not in IMAGE_EXTENSIONS:
            others.append(static)
            continue
        shown_as = state.shown(static.source_path)
        state.outputs.claim_or_raise(static.save_as, shown_as)
        data = read_regular_bytes(source, shown_as, settings["CHORUS_MAX_IMAGE_BYTES"], rule="image")
        _write(output / static.save_as, _cleaned(source, data, shown_as, cache_dir))
        relative = Path(static.relative_source_path).as_posix()
        if relative in shown:
            published[relative] = _responsive(
                relative, static.url, output / static.save_as, data, widths, state, output, shown_as
            )
    generator.staticfiles[:] = others
    generator.context["staticfiles"] = generator.staticfiles
    generator.context[CONTEXT_KEY] = MappingProxyType(published)


def _responsive(
    relative: str,
    url: str,
    published: Path,
    data: bytes,
    widths: list[int],
    state,
    output: Path,
    shown_as: str,
) -> ResponsiveImage:
    """The image's size and, for a still image, its narrower widths written beside it."""
    try:
        with open_raster(published) as image:
            width, height = image.size
            image_format = str(image.format)
            animated = getattr(image, "n_frames", 1) > 1
    except ImageDecodeError as exc:  # it was re-encoded by this very plugin a moment ago: a bug
        raise RuntimeError(f"{shown_as}: the published image does not decode: {exc}") from exc
    fmt = FORMAT_OF.get(image_format)
    narrower = [w for w in widths if w < width]
    if animated or fmt is None or not narrower:
        return ResponsiveImage(url, width, height)
    # The image itself is the widest offered, unless it is wider than the widest width asked for.
    offered = narrower if width > widths[-1] else [*narrower, width]
    made = [w for w in offered if w < width]
    names = [f"{w}.{fmt.extension}" for w in made]
    recipe = repr((made, fmt.pillow)).encode()
    key = hashlib.sha256(data + b"\0" + recipe + _WIDTHS_VERSION).hexdigest()[:16]

    def render(folder: Path) -> None:
        with open_raster(published) as image:
            image.load()
            for w, name in zip(made, names, strict=True):
                encode(resized_to_width(image, w), fmt, folder / name)

    cached = cached_files(state.cache_dir("image-widths") / relative, key, names, render)
    files = []
    for w, name in zip(made, names, strict=True):
        place = state.urls.media_width(relative, w)
        state.outputs.claim_or_raise(place.save_as, shown_as)
        target = output / place.save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached / name, target)
        files.append(ImageWidth(place.url, w))
    if width in offered:
        files.append(ImageWidth(url, width))
    return ResponsiveImage(url, width, height, tuple(files))


def _cleaned(source: Path, data: bytes, shown: str, cache_dir: Path) -> bytes:
    key = hashlib.sha256(data + _PIPELINE_VERSION).hexdigest()[:24]
    cached = cache_dir / (key + source.suffix.lower())
    if cached.is_file():
        return cached.read_bytes()
    cleaned = clean_image(source, shown)
    _write(cached, cleaned)
    return cleaned


def _write(target: Path, data: bytes) -> None:
    """Write all of ``data`` or nothing: a half-written file never stands at ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.static_generator_finalized.connect(publish_images)

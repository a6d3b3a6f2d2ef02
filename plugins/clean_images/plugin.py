"""Images from ``content/`` are published re-encoded, never copied byte for byte.

Pelican's StaticGenerator copies every file of ``content/`` as it is: for an image that
would publish whatever the camera or the editor put in it (EXIF with a GPS position and a
camera serial, XMP with names, PNG text chunks, ICC descriptions) and any payload a
polyglot file carries. At ``static_generator_finalized`` every static file has been found
and none copied yet: this plugin takes the images out of Pelican's copy list and writes
each one re-encoded (``plugins.network.images.clean_image``: its pixels only, turned
upright, in its own format) to the very path Pelican would have copied it to. The URL and
file name stay the same, so ``{static}`` links and relative image links keep working.

The ``tree`` rule has already checked every image (format matches the extension, size and
pixel limits, every frame decodes) before Pelican read anything. Results are cached by a
hash of the source bytes, so an unchanged image is encoded once.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pelican import signals

from plugins.network import get_state
from plugins.network.files import IMAGE_EXTENSIONS
from plugins.network.images import clean_image
from plugins.network.sourcefile import read_regular_bytes

# Bumped whenever the re-encoding changes, so results of older code are not reused.
_PIPELINE_VERSION = b"clean-images-v1"


def publish_images(generator) -> None:
    """Write every image re-encoded where Pelican would copy it, and leave Pelican the rest."""
    settings = generator.settings
    state = get_state(settings)
    cache_root = Path(settings.get("CACHE_PATH") or "cache")
    cache_dir = (cache_root if cache_root.is_absolute() else state.root / cache_root) / "images"
    output = Path(generator.output_path)
    others = []
    for static in generator.staticfiles:
        source = Path(os.path.join(generator.path, static.source_path))
        if source.suffix.lower().lstrip(".") not in IMAGE_EXTENSIONS:
            others.append(static)
            continue
        shown = state.shown(static.source_path)
        state.outputs.claim_or_raise(static.save_as, shown)
        data = read_regular_bytes(source, shown, settings["CHORUS_MAX_IMAGE_BYTES"], rule="image")
        _write(output / static.save_as, _cleaned(source, data, shown, cache_dir))
    generator.staticfiles[:] = others
    generator.context["staticfiles"] = generator.staticfiles


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
    signals.static_generator_finalized.connect(publish_images)

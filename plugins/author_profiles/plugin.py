"""Attach processed avatars to every author; written once per build, cached across builds."""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from plugins.network import get_state
from plugins.network.settings import Setting, SettingsSpec, path_template

from .avatars import make_avatars


def _sizes(value) -> str | None:
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, int) and 16 <= v <= 1024 for v in value):
        return "expected a list of pixel sizes between 16 and 1024, like [64, 128, 256]"
    return None


SETTINGS = SettingsSpec(
    "AUTHOR_PROFILES_",
    Setting("AUTHOR_PROFILES_AVATAR_SIZES", [64, 128, 256], "Square avatar sizes produced, in pixels.", _sizes),
    Setting("AUTHOR_PROFILES_AVATAR_PATH", "avatars", "Output folder of the avatars.", path_template()),
)


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def write_avatars(generator) -> None:
    """Runs after the articles are read (so the network is loaded), before any page is written."""
    settings = generator.settings
    state = get_state(settings)
    folder = settings["AUTHOR_PROFILES_AVATAR_PATH"]
    cache_root = Path(settings.get("CACHE_PATH") or "cache")
    cache_dir = (cache_root if cache_root.is_absolute() else state.root / cache_root) / "avatars"
    output_dir = Path(generator.output_path) / folder
    state.avatars = {}
    for author in state.network.authors.values():
        avatar_set = make_avatars(author, list(settings["AUTHOR_PROFILES_AVATAR_SIZES"]), cache_dir, output_dir, folder)
        for image in avatar_set.webp + avatar_set.fallback:
            state.outputs.claim_or_raise(image.url, author.source)
        state.avatars[author.id] = avatar_set
    for article in list(generator.articles) + list(generator.hidden_articles):
        for author in article.authors:
            author.avatar_images = state.avatars.get(author.slug)


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(write_avatars)

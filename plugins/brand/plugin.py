"""Brand by settings: a thin adapter between the BRAND_ settings and the site.

- ``initialized``: the BRAND_ settings are validated before any content is read (an accent
  that cannot be made readable fails here, naming BRAND_COLOR).
- ``generator_init``: the ``brand`` view (:class:`plugins.brand.views.Brand`) goes into
  the template context.
- ``static_generator_finalized``: every brand file claims its output.
- ``finalized``: the files are written.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from plugins.network import get_state
from plugins.network.brand import SETTINGS
from plugins.network.settings import SETTINGS_FILE

from .files import brand_files
from .views import brand_view

CONTEXT_KEY = "brand"


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def add_view(generator) -> None:
    if CONTEXT_KEY not in generator.context:
        generator.context[CONTEXT_KEY] = brand_view(generator.settings, get_state(generator.settings).urls)


def claim_outputs(generator) -> None:
    state = get_state(generator.settings)
    for output in brand_files(generator.context[CONTEXT_KEY], generator.settings, state.urls):
        state.outputs.claim_or_raise(output, SETTINGS_FILE)


def publish(pelican) -> None:
    state = get_state(pelican.settings)
    brand = brand_view(pelican.settings, state.urls)
    for save_as, write in brand_files(brand, pelican.settings, state.urls).items():
        target = Path(pelican.output_path) / save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        write(target)


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.generator_init.connect(add_view)
    signals.static_generator_finalized.connect(claim_outputs)
    signals.finalized.connect(publish)

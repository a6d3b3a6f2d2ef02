"""Publish the network's ``static/`` folder (``CHORUS_STATIC_DIR``) as it is, at the site root.

A company adds files without forking the theme: its own stylesheet (linked from an
override of ``partials/head_extra.html``), a favicon, a verification file for a search
console. The site model lists them (``Site.public_files``) and the rules have already
refused symbolic links and files that would replace or enter one of the site's own outputs.

- ``static_generator_finalized`` (every source read, nothing written): each file claims its
  output in the run's registry, so a feature that would write the same file fails, naming it.
- ``finalized`` (the site is written): the files are copied byte for byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pelican import signals

from plugins.network import get_state


def claim_outputs(generator) -> None:
    state = get_state(generator.settings)
    for file in state.site.public_files:
        if file.regular:  # the rules refused the others before anything was read
            state.outputs.claim_or_raise(state.urls.public_file(file.relative).save_as, file.shown)


def publish(pelican) -> None:
    state = get_state(pelican.settings)
    output = Path(pelican.output_path)
    for file in state.site.public_files:
        if not file.regular:
            continue
        target = output / state.urls.public_file(file.relative).save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file.path, target)


def register() -> None:
    signals.static_generator_finalized.connect(claim_outputs)
    signals.finalized.connect(publish)

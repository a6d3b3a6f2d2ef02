"""The documentation that is generated from code stays in step with it."""

from __future__ import annotations

from chorus.conf import PROJECT_ROOT
from chorus.settings_doc import all_specs, render


def test_settings_page_is_up_to_date():
    committed = (PROJECT_ROOT / "docs/settings.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: .venv/bin/python -m chorus.settings_doc > docs/settings.md"


def test_every_plugin_setting_has_a_description():
    for module, spec in all_specs():
        for name, _default, doc in spec.docs():
            assert doc.strip().endswith((".", ")")), f"{module}: {name} needs a one-sentence description"

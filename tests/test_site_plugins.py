"""PLUGINS is checked before anything runs: build and check name the settings line, never the theme."""

from __future__ import annotations

import sys

import pytest

from chorus.conf import CHORUS_PLUGINS
from chorus.site_plugins import plugin_problems

HEADER = "from pathlib import Path\nfrom chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"


def settings_with(site, plugins_line: str, extra: str = "") -> None:
    site.write("pelicanconf.py", HEADER + extra + plugins_line + "\n")


def test_a_typo_in_plugins_is_named_at_its_line_with_the_plugin_meant(site):
    """Pelican only logs a plugin it cannot find and builds on: the build then failed on
    Chorus's theme ('No filter named date_long'), naming no settings line."""
    settings_with(site, "PLUGINS = [*PLUGINS, 'plugins.autor_profiles']")
    expected = "pelicanconf.py:4: error: PLUGINS: no plugin 'plugins.autor_profiles' (did you mean 'plugins.author_profiles'?)"
    assert site.problems() == [expected]
    assert site.check() == [expected]


def test_a_site_plugin_that_fails_as_it_is_imported_is_named(site):
    site.write("broken.py", "import no_such_module_here\n")
    site.write("raising.py", "raise RuntimeError('set API_KEY first')\n")
    settings_with(
        site,
        "PLUGINS = [*PLUGINS, 'broken', 'raising']",
        extra="PLUGIN_PATHS = [*PLUGIN_PATHS, str(Path(__file__).parent)]\n",
    )
    assert site.problems() == [
        "pelicanconf.py:5: error: PLUGINS: plugin 'broken' cannot be imported: No module named 'no_such_module_here'",
        "pelicanconf.py:5: error: PLUGINS: plugin 'raising' failed as it was imported: RuntimeError: set API_KEY first",
    ]


@pytest.mark.parametrize(
    "plugins, expected",
    [
        (
            "['plugins.author_profiles']",
            "PLUGINS leaves out Chorus's 'plugins.markdown_posts', 'plugins.author_folders', 'plugins.translations' and "
            f"{len(CHORUS_PLUGINS) - 4} more: the network and its theme need every one; "
            "add a plugin of the site's after them: PLUGINS = [*PLUGINS, 'myplugin']",
        ),
        (
            "PLUGINS[::-1]",
            "PLUGINS lists Chorus's plugins in another order, or one twice: each runs on what the ones before it made; "
            "add a plugin of the site's after them: PLUGINS = [*PLUGINS, 'myplugin']",
        ),
        (
            "[*PLUGINS, 'plugins.seo']",
            "PLUGINS lists Chorus's plugins in another order, or one twice: each runs on what the ones before it made; "
            "add a plugin of the site's after them: PLUGINS = [*PLUGINS, 'myplugin']",
        ),
    ],
)
def test_plugins_must_keep_chorus_own_in_their_order(site, plugins, expected):
    """Left out or reordered, Chorus's plugins ended the build in a traceback
    ("'Article' object has no attribute 'authors'")."""
    settings_with(site, f"PLUGINS = {plugins}")
    assert site.problems() == [f"pelicanconf.py:4: error: {expected}"]


def test_plugins_given_as_modules_and_added_with_plus_equals(site):
    """Pelican takes modules in PLUGINS: Chorus's given so were all 'left out'; and a typo
    in 'PLUGINS += [...]' was named without its line."""
    import importlib

    modules = [importlib.import_module(name) for name in CHORUS_PLUGINS]
    assert plugin_problems({"PLUGINS": modules, "PLUGIN_PATHS": []}, "pelicanconf.py", 4) == []
    settings_with(site, "PLUGINS += ['plugins.autor_profiles']")
    assert site.check() == [
        "pelicanconf.py:4: error: PLUGINS: no plugin 'plugins.autor_profiles' (did you mean 'plugins.author_profiles'?)"
    ]


def test_a_site_plugin_between_chorus_own_is_accepted():
    plugins = [*CHORUS_PLUGINS[:3], "json", *CHORUS_PLUGINS[3:]]  # any importable module will do
    assert plugin_problems({"PLUGINS": plugins, "PLUGIN_PATHS": []}, "pelicanconf.py", 4) == []


def test_an_installed_namespace_plugin_is_found_as_pelican_finds_it(site, tmp_path, monkeypatch):
    """A plugin installed from PyPI lives in the pelican.plugins namespace: PLUGINS names it
    without the prefix. The check loaded only from PLUGIN_PATHS and sys.path, and refused it."""
    package = tmp_path / "installed" / "pelican" / "plugins" / "shout"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from pelican import signals\n\n"
        "def add(generator):\n    generator.env.filters['shout'] = str.upper\n\n"
        "def register():\n    signals.generator_init.connect(add)\n"
    )
    # Plugins made from Pelican's template ship their tests in the package: check must not import them.
    (package / "test_shout.py").write_text("import pytest_this_is_not_installed\n")
    (package / "__main__.py").write_text("raise SystemExit('the plugin was run')\n")
    monkeypatch.syspath_prepend(str(tmp_path / "installed"))
    import pelican.plugins

    monkeypatch.setattr(pelican.plugins, "__path__", [*pelican.plugins.__path__, str(package.parent)])
    monkeypatch.delitem(sys.modules, "pelican.plugins.shout", raising=False)
    settings_with(site, "PLUGINS = [*PLUGINS, 'shout']")
    assert site.check() == []
    site.build()
    assert "pelican.plugins.shout" in sys.modules

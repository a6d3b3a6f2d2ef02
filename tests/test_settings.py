"""The settings machinery every plugin shares: compound values and settings that need each other."""

from __future__ import annotations

import pytest

from conftest import NOW
from plugins.network.errors import ConfigError
from plugins.network.settings import Setting, SettingsSpec, is_text, keyed, one_of

SPEC = SettingsSpec(
    "DEMO_",
    Setting("DEMO_MODE", None, "Which backend.", one_of(None, "a")),
    Setting(
        "DEMO_A", None, "The backend's keys.", keyed({"host": is_text, "id": is_text}, {"theme": is_text})
    ),
    relations=[
        lambda s: (
            "DEMO_A: required when DEMO_MODE is 'a'" if s["DEMO_MODE"] == "a" and not s["DEMO_A"] else None
        )
    ],
)


def problems(**settings) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        SPEC.apply(settings)
    return [str(p) for p in caught.value.problems]


def test_every_problem_of_a_dict_setting_is_its_own_line():
    assert problems(DEMO_A={"host": "", "thme": "x"}) == [
        "pelicanconf.py: error: DEMO_A: key 'host': expected non-empty text, found ''",
        "pelicanconf.py: error: DEMO_A: missing key 'id' (expected a dict with host, id; optional: theme)",
        "pelicanconf.py: error: DEMO_A: unknown key 'thme' (did you mean 'theme'?)",
    ]
    assert problems(DEMO_A=["host"]) == [
        "pelicanconf.py: error: DEMO_A: expected None or a dict with host, id; optional: theme (got ['host'])"
    ]


def test_relations_are_judged_once_every_value_is_well_formed():
    assert problems(DEMO_MODE="a") == ["pelicanconf.py: error: DEMO_A: required when DEMO_MODE is 'a'"]
    assert problems(DEMO_MODE="b", DEMO_A=None) == [
        "pelicanconf.py: error: DEMO_MODE: expected one of None, 'a' (got 'b')"
    ]
    settings = {"DEMO_MODE": "a", "DEMO_A": {"host": "h", "id": "1"}}
    SPEC.apply(settings)
    assert settings["DEMO_A"] == {"host": "h", "id": "1"}


def test_a_settings_file_is_read_again_as_it_is_now_with_what_it_imports(tmp_path):
    """publishconf.py imports pelicanconf by name, and Pelican kept each settings file it
    read in sys.modules: a second read in one process (`chorus serve` after pelicanconf.py
    was edited, a build of another site) got the module as first read."""
    from chorus.build import load_settings

    base = "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
    sites = {}
    for name in ("one", "two"):
        root = tmp_path / name
        (root / "content").mkdir(parents=True)
        (root / "pelicanconf.py").write_text(base + f"SITENAME = '{name}'\n")
        (root / "publishconf.py").write_text(
            "import sys\nfrom pathlib import Path\nsys.path.insert(0, str(Path(__file__).parent))\n"
            "from pelicanconf import *\nSITEURL = 'https://example.com'\n"
        )
        sites[name] = root
    one, two = sites["one"], sites["two"]
    assert load_settings(one, one / "publishconf.py", {})["SITENAME"] == "one"
    assert load_settings(two, two / "publishconf.py", {})["SITENAME"] == "two"  # not one's
    (one / "pelicanconf.py").write_text(base + "SITENAME = 'one, edited'\n")
    assert load_settings(one, one / "publishconf.py", {})["SITENAME"] == "one, edited"
    assert load_settings(one, None, {})["SITENAME"] == "one, edited"


@pytest.mark.parametrize("zone", [None, "", "  "])
def test_an_empty_timezone_is_a_settings_error_not_a_failed_build(site, zone):
    """TIMEZONE = None passed the check and then failed the build far from the setting."""
    site.write(
        "pelicanconf.py",
        f"from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\nTIMEZONE = {zone!r}\n",
    )
    expected = [
        f"pelicanconf.py:3: error: TIMEZONE: expected a time zone like 'Europe/Berlin' or 'UTC', found {zone!r}"
    ]
    assert site.check() == expected
    assert site.problems() == expected


def test_a_settings_problem_names_the_line_that_sets_it(site):
    """Plugins check their settings without knowing the file: 'pelicanconf.py: error:
    TIMEZONE: …' named no line, and publishconf.py's own settings were blamed on pelicanconf.py."""
    header = "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
    site.write("pelicanconf.py", header + "SITENAME = 'Voices'\nTIMEZONE = 'Europe/Berlinn'\n")
    expected = "pelicanconf.py:4: error: TIMEZONE: no time zone named 'Europe/Berlinn' (did you mean 'Europe/Berlin'?)"
    assert site.check() == [expected]
    assert site.problems() == [expected]
    site.write("pelicanconf.py", header)
    site.write(
        "publishconf.py",
        "import sys\nfrom pathlib import Path\nsys.path.insert(0, str(Path(__file__).parent))\n"
        "from pelicanconf import *\nSITEURL = 'https://example.com'\nCHORUS_MAX_POST_BYTE = 10\n",
    )
    from chorus.check import run_check

    report = run_check(site.root, settings_file=site.root / "publishconf.py", overrides={"CHORUS_NOW": NOW})
    assert [str(p) for p in report.errors] == [
        "publishconf.py:6: error: CHORUS_MAX_POST_BYTE: unknown setting (did you mean CHORUS_MAX_POST_BYTES?)"
    ]


def test_a_script_in_the_site_folder_keeps_its_module(tmp_path, monkeypatch):
    """Reading the settings dropped every module whose file is in the settings' folder,
    __main__ included (a script kept beside pelicanconf.py could no longer pickle)."""
    import sys
    import types

    from chorus.build import load_settings

    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text(
        "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
    )
    script = types.ModuleType("__main__")
    script.__file__ = str(tmp_path / "publish.py")
    monkeypatch.setitem(sys.modules, "__main__", script)
    load_settings(tmp_path, None, {})
    assert sys.modules["__main__"] is script


def test_a_plugin_of_one_file_is_looked_into_for_settings(tmp_path, monkeypatch):
    """`chorus check` ended in AttributeError (no __path__) for a plugin that is one .py file."""
    from chorus.settings_doc import all_specs

    (tmp_path / "oneplugin.py").write_text(
        "from plugins.network.settings import Setting, SettingsSpec\n"
        "SETTINGS = SettingsSpec('ONE_', Setting('ONE_X', 1, 'x'))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [spec.prefix for name, spec in all_specs(["oneplugin"]) if name == "oneplugin"] == ["ONE_"]

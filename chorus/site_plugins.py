"""The plugins a site's PLUGINS names, found as Pelican finds them, and checked before a run.

Pelican only logs a plugin it cannot import and builds on without it: the build then fails
later, on a template that wanted the plugin's filter, naming Chorus's theme instead of the
settings line. Both ``chorus build`` and ``chorus check`` load the plugins here first, so a
typo in PLUGINS is one error at its line.
"""

from __future__ import annotations

import difflib
import pkgutil
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from pelican.plugins._utils import get_namespace_plugins, get_plugin_name, load_legacy_plugin

from chorus.conf import CHORUS_PLUGINS, PLUGINS_ROOT
from plugins.network import Problem


def load_plugin(name: str, plugin_paths: Sequence[str], namespace: dict[str, ModuleType]) -> ModuleType:
    """The module Pelican's ``load_plugins`` registers for the PLUGINS entry ``name``: an
    installed namespace plugin (``pelican.plugins.<name>``) first, then PLUGIN_PATHS, then
    where Python imports from. ``namespace``: ``get_namespace_plugins()``, found once."""
    for key in (name, f"pelican.plugins.{name}"):
        if key in namespace:
            return namespace[key]
    return load_legacy_plugin(name, list(plugin_paths))


def plugin_problems(settings: dict, shown: str, line: int | None) -> list[Problem]:
    """One problem per PLUGINS entry that cannot be loaded, at ``shown:line`` (the settings
    file's PLUGINS line), with the closest plugin there is."""
    plugin_paths = settings.get("PLUGIN_PATHS") or []
    namespace = get_namespace_plugins()
    problems = []
    for name in settings.get("PLUGINS") or []:
        if not isinstance(name, str):
            continue  # a module object: already imported by the settings file
        try:
            load_plugin(name, plugin_paths, namespace)
        except ImportError as exc:
            if str(exc) == f"Cannot import plugin `{name}`":  # Pelican's words for "not found"
                message = f"PLUGINS: no plugin '{name}'" + _closest(name, plugin_paths, namespace)
            else:
                message = f"PLUGINS: plugin '{name}' cannot be imported: {exc}"
            problems.append(Problem(shown, line, message, rule="settings"))
        except Exception as exc:  # the plugin's own code failed as it was imported
            problems.append(
                Problem(
                    shown,
                    line,
                    f"PLUGINS: plugin '{name}' failed as it was imported: {type(exc).__name__}: {exc}",
                    rule="settings",
                )
            )
    names = [
        name if isinstance(name, str) else get_plugin_name(name) for name in settings.get("PLUGINS") or []
    ]
    return problems + _chorus_plugins_problems(names, shown, line)


def _chorus_plugins_problems(plugins: list, shown: str, line: int | None) -> list[Problem]:
    """Chorus's plugins build on one another (the model, then the pages that show it, then
    what indexes the pages) and the theme uses their filters: a PLUGINS that leaves one out,
    or lists them in another order, fails halfway through a build with a traceback."""
    listed = [name for name in plugins if name in CHORUS_PLUGINS]
    missing = [name for name in CHORUS_PLUGINS if name not in listed]
    extend = "add a plugin of the site's after them: PLUGINS = [*PLUGINS, 'myplugin']"
    if missing:
        named = ", ".join(f"'{name}'" for name in missing[:3]) + (
            f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        )
        return [
            Problem(
                shown,
                line,
                f"PLUGINS leaves out Chorus's {named}: the network and its theme need every one; {extend}",
                rule="settings",
            )
        ]
    if listed != [name for name in CHORUS_PLUGINS if name in listed] or len(listed) != len(set(listed)):
        return [
            Problem(
                shown,
                line,
                f"PLUGINS lists Chorus's plugins in another order, or one twice: each runs on what the ones before it made; {extend}",
                rule="settings",
            )
        ]
    return []


def _closest(name: str, plugin_paths: Sequence[str], namespace: dict[str, ModuleType]) -> str:
    known = set(CHORUS_PLUGINS) | {key.removeprefix("pelican.plugins.") for key in namespace}
    # The site's own plugin folders; not the one of Chorus's plugins, which is site-packages
    # when Chorus is installed (every package there would be a suggestion).
    own_paths = [str(p) for p in plugin_paths if Path(p).resolve() != PLUGINS_ROOT]
    known |= {info.name for info in pkgutil.iter_modules(own_paths)}
    # Compared by the last part too: 'authrs' is nearer 'author_profiles' than 'plugins.author_profiles'.
    by_spelling = {plugin.rpartition(".")[2]: plugin for plugin in sorted(known)} | {p: p for p in known}
    close = difflib.get_close_matches(name.rpartition(".")[2], sorted(by_spelling), n=1)
    return f" (did you mean '{by_spelling[close[0]]}'?)" if close else ""

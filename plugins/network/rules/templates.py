"""The site's own templates compile, and every template they name by name exists.

A template is code the build runs: a mistake in one of the site's own (a syntax error, a
filter or test that does not exist, an ``{% extends %}`` or ``{% include %}`` of no
template) stopped the build, but ``chorus check`` passed it. Each file of the override
folders (THEME_TEMPLATES_OVERRIDES, ``templates/``) is compiled in an environment made as
Pelican's generator makes one (its loaders, filters and tests) with the build's interface
language (``i18n.install_interface``), and each template it names is looked up. A filter
or test that does not exist is not judged when the site runs plugins of its own, which may
add it. The theme's own templates are Chorus's, tested with it, and not compiled here.
What only rendering shows (a variable that is not there) is the build's to find.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import pelican
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, nodes
from pelican.plugins._utils import plugin_enabled
from pelican.utils import DateFormatter

from ..errors import Problem
from ..i18n import install_interface
from ..model import Site

RULE = "template"
_TEMPLATE_FILES = (".html", ".xml", ".txt")


def override_templates(site: Site) -> dict[Path, Path]:
    """The site's own template files, each with the override folder it is in."""
    found: dict[Path, Path] = {}
    for folder in map(Path, site.settings.get("THEME_TEMPLATES_OVERRIDES") or ()):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix in _TEMPLATE_FILES:
                    found.setdefault(path, folder)
    return found


def templates(site: Site) -> Iterator[Problem]:
    files = override_templates(site)
    if not files:
        return  # most sites: nothing to compile
    env = _environment(site)
    own_plugins = _own_plugins(site.settings)
    for path, folder in files.items():
        shown = site.shown(path)
        tree: nodes.Template | None = None
        try:
            source = path.read_text(encoding="utf-8")
            tree = env.parse(source, path.relative_to(folder).as_posix(), str(path))
            env.compile(tree)
        except UnicodeDecodeError:
            yield Problem(shown, None, "not UTF-8 text: save the template as UTF-8", rule=RULE)
            continue
        except jinja2.TemplateAssertionError as exc:  # a filter or test that does not exist
            if not (own_plugins and (exc.message or "").startswith(("No filter named", "No test named"))):
                yield Problem(shown, exc.lineno, exc.message or type(exc).__name__, rule=RULE)
            elif tree is not None:  # a plugin's filter, maybe: what the template names is still looked up
                yield from _names(env, tree, shown)
            continue
        except jinja2.TemplateSyntaxError as exc:
            yield Problem(shown, exc.lineno, exc.message or type(exc).__name__, rule=RULE)
            continue
        yield from _names(env, tree, shown)


def _environment(site: Site) -> jinja2.Environment:
    """A template environment as Pelican's ``Generator`` makes one (the same loaders,
    options, filters and tests; pelican/generators.py), with the build's interface language.
    Made here, not by a Generator: that would announce itself (``generator_init``,
    ``readers_init``) to every plugin of the process, a second time inside a build."""
    settings = site.settings
    theme = os.path.join(os.path.expanduser(str(settings["THEME"])), "templates")
    simple = FileSystemLoader(
        os.path.join(os.path.dirname(pelican.__file__), "themes", "simple", "templates")
    )
    env = jinja2.Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader([*settings["THEME_TEMPLATES_OVERRIDES"], theme]),
                simple,
                PrefixLoader({"!simple": simple, "!theme": FileSystemLoader(theme)}),
            ]
        ),
        **settings["JINJA_ENVIRONMENT"],
    )
    env.filters["strftime"] = DateFormatter()
    env.filters.update(settings["JINJA_FILTERS"])
    env.globals.update(settings["JINJA_GLOBALS"])
    env.tests["plugin_enabled"] = partial(plugin_enabled, plugin_list=settings["PLUGINS"])  # type: ignore[assignment]
    env.tests.update(settings["JINJA_TESTS"])
    install_interface(env, settings)
    return env


def _own_plugins(settings: Mapping[str, Any]) -> bool:
    """Whether the site runs plugins of its own besides Chorus's (``plugins.…``): their
    filters and tests are added when the build runs them, which this rule does not."""
    return any(
        not str(getattr(p, "__name__", p)).startswith("plugins.") for p in settings.get("PLUGINS") or ()
    )


def _names(env: jinja2.Environment, tree: nodes.Template, shown: str) -> Iterator[Problem]:
    """Each template ``tree`` extends, includes or imports by a constant name, looked up."""
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        named = getattr(node, "template", None)  # each of the four has it
        name = named.value if isinstance(named, nodes.Const) else None
        if not isinstance(name, str):
            continue  # a name made at render time: the build's to find
        assert env.loader is not None
        try:
            env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            yield Problem(shown, node.lineno, f"template '{name}' not found", rule=RULE)

"""The Pelican settings that make a Chorus site: URL scheme, plugins, theme, feeds.

A network's ``pelicanconf.py`` starts from ``chorus_settings(__file__)`` and adds the
site's own values; the demo network of this repository, tests and benchmarks build sites
from the same function, so they exercise the real setup.

Chorus runs from an installed wheel or from a checkout of its repository. The wheel
carries the theme inside the package (``chorus/theme/``); the repository keeps it at its
top level (``theme/``). ``THEME_DIR`` is whichever exists, so neither an editable install
nor a wheel needs the other's layout.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import plugins
from plugins.network.rendering import DEFAULT_MARKDOWN
from plugins.network.sources import EDITOR_LEFTOVERS

PACKAGE_DIR = Path(__file__).resolve().parent
# The folder holding the `chorus` and `plugins` packages: a checkout of the repository
# (the demo network, docs and tests live there too) or, installed, site-packages.
PROJECT_ROOT = PACKAGE_DIR.parent
_THEME_IN_PACKAGE = PACKAGE_DIR / "theme"
THEME_DIR = _THEME_IN_PACKAGE if _THEME_IN_PACKAGE.is_dir() else PROJECT_ROOT / "theme"
# Pelican imports the features by dotted name (plugins.seo) from this folder.
PLUGINS_ROOT = Path(plugins.__file__).resolve().parent.parent

# A network's own templates: one with the name of a Chorus template replaces it.
TEMPLATES_DIR = "templates"

CHORUS_PLUGINS = [
    "plugins.markdown_posts",
    "plugins.author_folders",
    "plugins.translations",  # the interface in DEFAULT_LANG: gettext and date filters in every template
    "plugins.clean_images",  # images from content/ published re-encoded, without metadata
    "plugins.crosslinks",  # early: rewrites short links before any plugin reads .content
    "plugins.network_index",
    "plugins.redirects",
    "plugins.network_health",
    "plugins.author_profiles",
    "plugins.hub_pages",
    "plugins.site_static",  # before site_search: its files are there when the site is indexed
    "plugins.site_search",
    "plugins.department_feeds",
    "plugins.brand",  # logo, icons, accent and font from the BRAND_ settings
    "plugins.social_cards",
    "plugins.seo",
    "plugins.conversation",
    "plugins.post_page",  # table of contents, heading anchors, copy buttons, responsive images
]


def chorus_settings(root: str | Path) -> dict[str, Any]:
    """Settings for the site whose root folder is ``root`` (or a file in it, like __file__)."""
    root = Path(root).resolve()
    if root.is_file():
        root = root.parent
    return {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(root / "output"),
        "CHORUS_ROOT": str(root),
        "THEME": str(THEME_DIR),
        # Pelican looks here first: a network replaces any template of the theme by
        # putting one of the same name in its templates/ folder (docs/theme.md).
        "THEME_TEMPLATES_OVERRIDES": [str(root / TEMPLATES_DIR)],
        "PLUGIN_PATHS": [str(PLUGINS_ROOT)],
        "PLUGINS": list(CHORUS_PLUGINS),
        "TIMEZONE": "UTC",
        "DEFAULT_LANG": "en",
        # A copy: Pelican's own MarkdownReader appends its "meta" extension to this dict.
        "MARKDOWN": copy.deepcopy(DEFAULT_MARKDOWN),
        # Autoescape everywhere: metadata is data. Only sanitised HTML is marked |safe.
        # Templates are translated ({% trans %}, _()): plugins.translations installs the catalogue.
        "JINJA_ENVIRONMENT": {
            "trim_blocks": True,
            "lstrip_blocks": True,
            "autoescape": True,
            "extensions": ["jinja2.ext.i18n"],
            # One build's templates are read once: Jinja would otherwise stat a template's
            # file on every include (18,000 times for 1,000 posts). A changed template is
            # read by the next build, which makes new generators (chorus serve too).
            "auto_reload": False,
        },
        # One folder per author: the folder is the author, never the category, and
        # the department comes from the registry (see plugins.author_folders).
        "USE_FOLDER_AS_CATEGORY": False,
        "PATH_METADATA": r"(?P<author_id>[^/]+)/.*",
        "SLUGIFY_SOURCE": "basename",
        # Equal slugs in different author folders are different posts, not translations.
        "ARTICLE_TRANSLATION_ID": None,
        "PAGE_TRANSLATION_ID": None,
        "ARTICLE_PATHS": [""],
        "ARTICLE_EXCLUDES": ["pages"],
        "PAGE_PATHS": ["pages"],
        "STATIC_PATHS": [""],
        "STATIC_EXCLUDES": [],  # pages' images too; only the files written sources link are published
        "IGNORE_FILES": [".*", "__pycache__", *EDITOR_LEFTOVERS],
        # The URL scheme keeps authors apart: two authors may both write hello-world.md.
        "ARTICLE_URL": "posts/{author_id}/{slug}/",
        "ARTICLE_SAVE_AS": "posts/{author_id}/{slug}/index.html",
        "DRAFT_SAVE_AS": "",
        "DRAFT_LANG_SAVE_AS": "",
        "DRAFT_PAGE_SAVE_AS": "",
        "DRAFT_PAGE_LANG_SAVE_AS": "",
        "ARTICLE_LANG_SAVE_AS": "",
        "PAGE_LANG_SAVE_AS": "",
        "PAGE_URL": "{slug}/",
        "PAGE_SAVE_AS": "{slug}/index.html",
        "AUTHOR_URL": "authors/{slug}/",
        "AUTHOR_SAVE_AS": "authors/{slug}/index.html",
        "AUTHORS_URL": "authors/",
        "AUTHORS_SAVE_AS": "authors/index.html",
        "CATEGORY_URL": "departments/{slug}/",
        "CATEGORY_SAVE_AS": "departments/{slug}/index.html",
        "CATEGORIES_URL": "departments/",
        "CATEGORIES_SAVE_AS": "departments/index.html",
        "TAG_URL": "topics/{slug}/",
        "TAG_SAVE_AS": "topics/{slug}/index.html",
        "TAGS_URL": "topics/",
        "TAGS_SAVE_AS": "topics/index.html",
        "ARCHIVES_URL": "archives/",
        "ARCHIVES_SAVE_AS": "archives/index.html",
        "YEAR_ARCHIVE_URL": "archives/{date:%Y}/",
        "YEAR_ARCHIVE_SAVE_AS": "archives/{date:%Y}/index.html",
        "MONTH_ARCHIVE_SAVE_AS": "",
        "DAY_ARCHIVE_SAVE_AS": "",
        "STATIC_URL": "media/{path}",
        "STATIC_SAVE_AS": "media/{path}",
        "THEME_STATIC_DIR": "theme",
        # The home page's address is the site's own ('/'), never '/index.html': Pelican's
        # pagination names page 1 by it (the "Newer" link of page 2).
        "INDEX_URL": "",
        "DIRECT_TEMPLATES": ["index", "authors", "categories", "tags", "archives", "search", "404"],
        "SEARCH_URL": "search/",
        "SEARCH_SAVE_AS": "search/index.html",
        "PAGINATED_TEMPLATES": {"index": 12, "author": 12, "category": 12, "tag": 12},
        "PAGINATION_PATTERNS": [
            (1, "{url}", "{save_as}"),
            (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
        ],
        "DEFAULT_PAGINATION": 12,
        "SUMMARY_MAX_LENGTH": 50,
        # The publication rule lives in plugins.network.model.Status (with an injectable
        # 'now'); Pelican's own future-date check would be a second, untestable rule.
        "WITH_FUTURE_DATES": True,
        "DEFAULT_DATE": None,
        "NEWEST_FIRST_ARCHIVES": True,
        # Pelican's own feeds are off: feeds are written by Chorus (with every co-author).
        "FEED_ALL_ATOM": None,
        "FEED_ALL_RSS": None,
        "FEED_ATOM": None,
        "FEED_RSS": None,
        "CATEGORY_FEED_ATOM": None,
        "CATEGORY_FEED_RSS": None,
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "TAG_FEED_ATOM": None,
        "TAG_FEED_RSS": None,
        "TRANSLATION_FEED_ATOM": None,
        "TRANSLATION_FEED_RSS": None,
        "RELATIVE_URLS": False,
        "SITEURL": "",
        "DELETE_OUTPUT_DIRECTORY": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
    }

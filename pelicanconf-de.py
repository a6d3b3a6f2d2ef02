"""The demo network in German (`make html-de`): the interface, dates and feeds follow DEFAULT_LANG.

Everything else is the demo's own settings (pelicanconf.py); setting DEFAULT_LANG is all a
network needs for the German interface. The site is built into output-de/, beside the
English one.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: E402,F403

DEFAULT_LANG = "de"
OUTPUT_PATH = str(Path(__file__).resolve().parent / "output-de")
SITESUBTITLE = "Notizen aus der Praxis der Menschen, die Halvard Instruments entwickeln, verkaufen und warten"
# The sample company's experts write in English; a few posts have German translations
# (slug.de.md). Their pages, feeds and the directory say which language each post is in.
CHORUS_POSTS_LANG = "en"

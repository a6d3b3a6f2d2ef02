"""Settings for publishing: absolute URLs for feeds, cards and canonical links."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("CHORUS_SITEURL", "https://voices.halvard.example")
RELATIVE_URLS = False

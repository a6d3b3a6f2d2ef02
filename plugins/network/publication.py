"""The one rule that decides whether a post may appear anywhere in the output."""

from __future__ import annotations

import datetime as dt


def publication_state(status: str, date: dt.datetime, now: dt.datetime) -> str:
    """'published', 'hidden' (written, never listed) or 'draft' (never written).

    A post dated after the build's 'now' is a draft until that date, whatever its status says.
    """
    if status == "draft" or date > now:
        return "draft"
    return status


def is_published(status: str, date: dt.datetime, now: dt.datetime) -> bool:
    return publication_state(status, date, now) == "published"

"""What a post page shows of the conversation: its share links.

Built once per post, in Python, so templates only print fields (docs/conversation.md lists
them). Nothing here reaches a third party: share links are plain links.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


def _query(**params: str) -> str:
    return urlencode(params, quote_via=quote)


@dataclass(frozen=True)
class ShareLink:
    """One way to share a post: a plain link, nothing loaded."""

    service: str  # 'linkedin', 'x', 'email'
    label: str  # what the link says: 'LinkedIn'
    action: str  # what a screen reader hears before it: 'Share on'
    url: str


@dataclass(frozen=True)
class Share:
    """A post's share links, all carrying its absolute URL."""

    url: str  # the post's absolute URL (SITEURL, or the local fallback on a local build)
    title: str
    links: tuple[ShareLink, ...]

    @property
    def text(self) -> str:
        """What a Mastodon post (or anything typed by hand) says: the title and the URL."""
        return f"{self.title} {self.url}"


def share_links(title: str, url: str) -> Share:
    return Share(
        url,
        title,
        (
            ShareLink(
                "linkedin",
                "LinkedIn",
                "Share on",
                "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url),
            ),
            ShareLink("x", "X", "Share on", "https://x.com/intent/tweet?" + _query(text=title, url=url)),
            ShareLink("email", "E-mail", "Share by", "mailto:?" + _query(subject=title, body=url)),
        ),
    )


@dataclass(frozen=True)
class Conversation:
    """``article.conversation``: what the post page's conversation partial shows."""

    share: Share

"""What a post page shows of the conversation: share links and the comments section.

Built once per post, in Python, so templates only print fields (docs/conversation.md lists
them). Nothing here reaches a third party: share links are plain links, and the comments
section names the provider's script in ``Comments.config`` for ``comments.js``, which
inserts it only after the reader asks for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from plugins.network.i18n import Language
from plugins.network.model import Author, Post

from .settings import DEFAULT_GISCUS_THEME, GISCUS, REMARK42

GISCUS_ORIGIN = "https://giscus.app"


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


def share_links(title: str, url: str, lang: Language) -> Share:
    share_on, share_by = lang.gettext("Share on"), lang.gettext("Share by")
    return Share(
        url,
        title,
        (
            ShareLink(
                "linkedin",
                "LinkedIn",
                share_on,
                "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url),
            ),
            ShareLink("x", "X", share_on, "https://x.com/intent/tweet?" + _query(text=title, url=url)),
            ShareLink(
                "email", lang.gettext("E-mail"), share_by, "mailto:?" + _query(subject=title, body=url)
            ),
        ),
    )


@dataclass(frozen=True)
class PlainLink:
    url: str
    text: str


@dataclass(frozen=True)
class Comments:
    """A post's comments section: a notice, a button, and what comments.js loads after it is pressed."""

    provider: str  # 'giscus' or 'remark42'
    source: str  # where the comments are kept, as the button names it: 'GitHub Discussions'
    hosts: tuple[str, ...]  # the hosts the reader's browser talks to once comments load
    thread: str  # the post's stable id: the thread's key at the provider
    config: Mapping[str, Any]  # for comments.js, printed with |tojson
    link: PlainLink | None  # works without script: the discussion, or asking the author
    policy_url: str | None  # the comment policy page, relative to the site
    button: str  # 'Load comments from GitHub Discussions', in the site's language


@dataclass(frozen=True)
class Conversation:
    """``article.conversation``: what the post page's conversation partial shows."""

    share: Share
    comments: Comments | None = None


@dataclass(frozen=True)
class CommentsSetup:
    """The COMMENTS_* settings, read once per build: which posts get comments, and how."""

    provider: str | None
    giscus: Mapping[str, str] = field(default_factory=dict)
    remark42: Mapping[str, str] = field(default_factory=dict)
    policy_url: str | None = None
    off_departments: frozenset[str] = frozenset()
    off_for_guests: bool = False
    lang: str = "en"

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], policy_url: str | None) -> CommentsSetup:
        return cls(
            provider=settings["COMMENTS_PROVIDER"],
            giscus=dict(settings["COMMENTS_GISCUS"] or {}),
            remark42=dict(settings["COMMENTS_REMARK42"] or {}),
            policy_url=policy_url,
            off_departments=frozenset(settings["COMMENTS_OFF_DEPARTMENTS"]),
            off_for_guests=settings["COMMENTS_OFF_FOR_GUESTS"],
            lang=str(settings.get("DEFAULT_LANG") or "en"),
        )

    def wanted(self, post: Post, authors: Sequence[Author]) -> bool:
        """Whether a post has comments: the site has a provider, the post did not say
        'Comments: off', and neither its department nor a guest author rules them out."""
        return (
            self.provider is not None
            and post.comments
            and post.department not in self.off_departments
            and not (self.off_for_guests and any(a.is_guest for a in authors))
        )

    @property
    def language(self) -> Language:
        return Language.of({"DEFAULT_LANG": self.lang})

    def comments(self, post: Post, thread: str, authors: Sequence[Author], today: dt.date) -> Comments | None:
        """The comments section of ``post`` (``authors``: its registry authors, owner first), or None."""
        if not self.wanted(post, authors):
            return None
        if self.provider == GISCUS:
            return self._giscus(thread)
        assert self.provider == REMARK42
        return self._remark42(thread, authors, today)

    def _giscus(self, thread: str) -> Comments:
        repo = self.giscus["repo"]
        attributes = {
            "data-repo": repo,
            "data-repo-id": self.giscus["repo_id"],
            "data-category": self.giscus["category"],
            "data-category-id": self.giscus["category_id"],
            "data-mapping": "specific",
            "data-term": thread,
            # Strict: the thread is found by a hash of the whole id, not by a title search
            # that would also match a post whose id starts the same way.
            "data-strict": "1",
            "data-reactions-enabled": "1",
            "data-emit-metadata": "0",
            "data-input-position": "top",
            "data-theme": self.giscus.get("theme", DEFAULT_GISCUS_THEME),
            "data-lang": self.lang,
            "crossorigin": "anonymous",
        }
        search = "https://github.com/" + repo + "/discussions?" + _query(discussions_q=f'"{thread}"')
        t = self.language
        return Comments(
            provider=GISCUS,
            source="GitHub Discussions",
            button=t.gettext("Load comments from %(source)s", source="GitHub Discussions"),
            hosts=("giscus.app", "github.com"),
            thread=thread,
            config={
                "script": {"src": f"{GISCUS_ORIGIN}/client.js", "attributes": attributes},
                "remember": f"giscus:{repo}",
            },
            link=PlainLink(search, t.gettext("read and join the discussion on GitHub")),
            policy_url=self.policy_url,
        )

    def _remark42(self, thread: str, authors: Sequence[Author], today: dt.date) -> Comments:
        host = self.remark42["host"].rstrip("/")
        site_id = self.remark42["site_id"]
        hostname = urlsplit(host).netloc
        asking = next((a for a in authors if a.ask_route(today)), None)
        t = self.language
        return Comments(
            provider=REMARK42,
            source=hostname,
            button=t.gettext("Load comments from %(source)s", source=hostname),
            hosts=(hostname,),
            thread=thread,
            config={
                "script": {"src": f"{host}/web/embed.mjs", "type": "module", "attributes": {}},
                # Remark42's embed reads its settings from this global; 'url' is the thread's key.
                "global": {
                    "name": "remark_config",
                    "value": {
                        "host": host,
                        "site_id": site_id,
                        "url": thread,
                        "components": ["embed"],
                        "locale": self.lang,
                    },
                },
                "remember": f"remark42:{host}/{site_id}",
            },
            link=(
                PlainLink(
                    str(asking.ask_route(today)), t.gettext("ask %(name)s directly", name=asking.first_name)
                )
                if asking
                else None
            ),
            policy_url=self.policy_url,
        )

"""A social card (1200×630 PNG) for every post, profile and department page.

Cards are drawn once all content is read and before any page is written, so templates can
point ``og:image`` at them: ``article.social_card``, the author wrapper's ``social_card`` and
the category's ``social_card`` hold the card's URL relative to SITEURL, and the
``social_cards`` context key (a :class:`SocialCards`) answers for the profiles and
department pages other features write with wrappers of their own. Where a card goes is
``urls.social_card(page_url)`` of the site's URL scheme. Each card is cached under
CACHE_PATH by a hash of everything drawn on it, so a rebuild draws only what changed.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from markupsafe import Markup
from pelican import signals
from pelican.generators import ArticlesGenerator
from PIL import ImageFont

from plugins.network import ConfigError, Problem, SourceError, get_state
from plugins.network.brand import light_variant, logo_path
from plugins.network.i18n import language
from plugins.network.images import ImageDecodeError
from plugins.network.links import site_index
from plugins.network.model import Author, Department
from plugins.network.parallel import map_jobs, worker_count
from plugins.network.portraits import colour_for, initials
from plugins.network.settings import SETTINGS_FILE, Setting, SettingsSpec, is_bool, is_optional_text
from plugins.network.state import OutputRegistry
from plugins.network.urls import UrlScheme, output_settings

from .draw import CardContent, Portrait, card_key, draw_card, file_digest, font_digest, to_palette
from .layout import Fonts

logger = logging.getLogger(__name__)

# Without a font setting, the theme's own fonts (THEME/fonts/): the theme ships them, in
# the repository and in the wheel alike.
THEME_FONTS = {"SOCIAL_CARDS_FONT": "DejaVuSans.ttf", "SOCIAL_CARDS_FONT_BOLD": "DejaVuSans-Bold.ttf"}


def _is_colour(value) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return "expected a colour like '#364fc7'"
    return None


SETTINGS = SettingsSpec(
    "SOCIAL_CARDS_",
    Setting(
        "SOCIAL_CARDS_ENABLED",
        True,
        "Draw a social card for every post, profile and department page; False draws none, and pages share without an image.",
        is_bool,
    ),
    *output_settings("SOCIAL_CARDS_"),
    Setting(
        "SOCIAL_CARDS_FONT",
        None,
        "TrueType font for the card's plain text (relative paths start at the site root; None: the theme's fonts/DejaVuSans.ttf).",
        is_optional_text,
    ),
    Setting(
        "SOCIAL_CARDS_FONT_BOLD",
        None,
        "TrueType font for titles and names (None: the theme's fonts/DejaVuSans-Bold.ttf).",
        is_optional_text,
    ),
    Setting(
        "SOCIAL_CARDS_COLOUR",
        "#364fc7",
        "Accent colour for departments without a colour in departments.yml, when BRAND_COLOR is not set.",
        _is_colour,
    ),
)


CONTEXT_KEY = "social_cards"  # what partials/head_seo.html reads


@dataclass(frozen=True)
class SocialCards:
    """The card URL (relative to SITEURL, versioned with ``?v=``) of every profile and department page."""

    authors: Mapping[str, str]  # author id -> card URL
    departments: Mapping[str, str]  # department id -> card URL

    def author(self, author_id: str) -> str | None:
        return self.authors.get(author_id)

    def department(self, department_id: str) -> str | None:
        return self.departments.get(department_id)


def _font_paths(settings: dict, root: Path) -> list[Path]:
    """The regular and the bold font; relative paths start at the site root, unset ones
    are the theme's."""
    paths = [
        Path(settings[name] or Path(settings["THEME"]) / "fonts" / default)
        for name, default in THEME_FONTS.items()
    ]
    return [path if path.is_absolute() else root / path for path in paths]


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)
    state = get_state(pelican.settings)
    problems = []
    for name, path in zip(
        ("SOCIAL_CARDS_FONT", "SOCIAL_CARDS_FONT_BOLD"),
        _font_paths(pelican.settings, state.root),
        strict=True,
    ):
        try:
            ImageFont.truetype(str(path), 12)
        except OSError as exc:
            problems.append(Problem(SETTINGS_FILE, None, f"{name}: cannot load font '{path}' ({exc})"))
    if problems:
        raise ConfigError(problems)


@dataclass
class CardWriter:
    """Writes cards into the output, drawing only those not in the cache."""

    fonts: Fonts
    cache_dir: Path
    output_dir: Path
    urls: UrlScheme
    outputs: OutputRegistry  # every card is claimed, so no other source can write it
    drawn: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    # (card to draw, its cache file, the source named if it cannot be drawn) until finish()
    _to_draw: dict[Path, tuple[CardContent, str]] = field(default_factory=dict)
    _to_copy: list[tuple[Path, Path]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fonts_digest = font_digest(self.fonts)
        self.photo_digests: dict[Path, str] = {}  # one author's photo is on many cards

    def _key(self, content: CardContent) -> str:
        photo = content.portrait.photo if content.portrait else None
        if photo is not None and photo not in self.photo_digests:
            self.photo_digests[photo] = file_digest(photo)
        return card_key(content, self.fonts_digest, self.photo_digests.get(photo) if photo else None)

    def write(self, content: CardContent, page_url: str, source: str) -> str:
        """Write the card of the page at ``page_url``; return its URL (relative to SITEURL).

        The URL carries the card's hash as a query, so sites that cache previews by URL
        fetch the new card when it changes.
        """
        card = self.urls.social_card(page_url)
        self.outputs.claim_or_raise(card.save_as, source)
        key = self._key(content)
        cached = self.cache_dir / (page_url.strip("/") or "index") / f"{key}.png"
        if cached.is_file():
            self.reused.append(cached.parent.name)
        else:
            self._to_draw[cached] = (content, source)
        self._to_copy.append((cached, self.output_dir / card.save_as))
        return f"{card.url}?v={key[:12]}"

    def finish(self, workers: int) -> None:
        """Draw the cards the cache lacks (on every core), then copy every card into place."""
        pending = list(self._to_draw.items())
        failures = [
            Problem(failure, None, message)
            for failure, message in map_jobs(self._draw, pending, workers)
            if failure is not None and message is not None
        ]
        if failures:
            raise SourceError(failures)
        self.drawn += [cached.parent.name for cached, _ in pending]
        for cached, target in self._to_copy:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, target)

    def _draw(self, job: tuple[Path, tuple[CardContent, str]]) -> tuple[str | None, str | None]:
        """Draw one card into the cache; (source to name, message) when its avatar cannot be drawn."""
        cached, (content, source) = job
        try:
            image = draw_card(content, self.fonts)
        except ImageDecodeError as exc:
            portrait = content.portrait.shown_as if content.portrait else source
            return portrait or source, f"avatar could not be drawn on a card: {exc}"
        folder = cached.parent
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{cached.stem}.{os.getpid()}.tmp"
        # A palette PNG at the default level is a third of the RGB one and encodes faster
        # than RGB did at level 1.
        to_palette(content, image).save(partial, "PNG", compress_level=6)
        for old in folder.glob("*.png"):
            old.unlink()  # an older card of the same page: never needed again
        os.replace(partial, cached)
        return None, None


def portrait_of(author: Author) -> Portrait:
    return Portrait(
        initials(author.name),
        "#{:02x}{:02x}{:02x}".format(*colour_for(author.id)),
        author.avatar,
        author.source,
    )


def role_of(author: Author) -> str:
    """'Field Service Engineer', or for a guest 'Researcher, Nordlicht University'."""
    return ", ".join(part for part in (author.title, author.affiliation if author.is_guest else "") if part)


def colour_of(department: Department | None, settings: dict) -> str:
    """The band's colour: the department's, else the brand's accent, else SOCIAL_CARDS_COLOUR."""
    return (
        (department.colour if department and department.colour else None)
        or settings.get("BRAND_COLOR")
        or settings["SOCIAL_CARDS_COLOUR"]
    )


def brand_of(settings: dict) -> dict:
    """The brand on every card: the accent (its variant readable on white) and a raster logo
    (Pillow cannot draw an SVG one: the company's name stays then)."""
    accent = settings.get("BRAND_COLOR")
    logo = logo_path(settings)
    return {
        "accent": light_variant(accent).colour if accent else "",
        "logo": logo if logo is not None and logo.suffix.lower() != ".svg" else None,
    }


def cover_of(post, site) -> Path | None:
    """The source file of a post's cover (the links rule made sure it is an image of content/)."""
    if post.cover is None:
        return None
    resolved, _ = site_index(site).check(post.cover, post.source, post.status)
    return site.content / resolved.file if resolved is not None and resolved.file else None


def post_card(article, settings: dict, cover: Path | None = None) -> CardContent:
    owner = article.authors[0].profile
    department = article.department
    guest_post = language(settings).gettext("Guest post")
    kicker = department.name + (f" · {guest_post}" if owner.is_guest else "")
    coauthors = tuple(author.profile.name for author in article.authors[1:])
    lines: tuple[str, ...]
    if owner.is_guest and owner.affiliation and not coauthors:
        lines = (owner.name, owner.title, owner.affiliation)  # room for the affiliation on its own
    else:
        lines = (owner.name, role_of(owner))
    return CardContent(
        kicker=kicker,
        title=article.title,
        company=settings["CHORUS_COMPANY"],
        colour=colour_of(department, settings),
        lines=lines,
        coauthors=coauthors,
        portrait=portrait_of(owner),
        cover=cover,
        **brand_of(settings),
    )


def profile_card(author: Author, department: Department | None, settings: dict) -> CardContent:
    guest_author = language(settings).gettext("Guest author")
    kicker = (department.name if department else "") + (f" · {guest_author}" if author.is_guest else "")
    return CardContent(
        kicker=kicker.strip(" ·"),
        title=author.name,
        subtitle=Markup(author.bio_html).striptags(),
        company=settings["CHORUS_COMPANY"],
        colour=colour_of(department, settings),
        lines=tuple(
            line
            for line in (
                author.title,
                author.affiliation if author.is_guest else "",
                " · ".join(author.expertise),
            )
            if line
        ),
        portrait=portrait_of(author),
        **brand_of(settings),
    )


def department_card(
    department: Department, lead: Author | None, members: list[Author], settings: dict
) -> CardContent:
    others = tuple(m.name for m in members if lead is None or m.id != lead.id)
    lang = language(settings)
    lines: tuple[str, ...]
    if lead is not None:
        lines, portrait = (lang.gettext("Led by %(name)s", name=lead.name), lead.title), portrait_of(lead)
    else:
        count = len(members)
        lines, portrait = (
            (lang.ngettext("%(num)s expert or guest", "%(num)s experts and guests", count),),
            None,
        )
    return CardContent(
        kicker=lang.gettext("Department"),
        title=department.name,
        subtitle=department.description,
        company=settings["CHORUS_COMPANY"],
        colour=colour_of(department, settings),
        lines=lines,
        coauthors=others,
        portrait=portrait,
        **brand_of(settings),
    )


def _profile_cards(writer: CardWriter, state, settings: dict) -> dict[str, str]:
    network = state.network
    return {
        author.id: writer.write(
            profile_card(author, network.departments.get(author.department), settings),
            state.urls.author(author.id).url,
            author.source,
        )
        for author in network.authors.values()
    }


def _department_cards(writer: CardWriter, state, settings: dict) -> dict[str, str]:
    network = state.network
    current = [a for a in network.authors.values() if not a.is_former(state.today)]
    cards = {}
    for department in network.departments.values():
        lead = network.authors.get(department.lead) if department.lead else None
        members = [a for a in current if department.id in a.departments]
        cards[department.id] = writer.write(
            department_card(department, lead, members, settings),
            state.urls.department(department.id).url,
            department.source,
        )
    return cards


def _attach(articles: ArticlesGenerator, author_cards: dict, department_cards: dict) -> None:
    """Pelican hands templates its own Author and Category wrappers: attach to every one in sight."""
    for article in [*articles.articles, *articles.hidden_articles]:
        for wrapper in article.authors:
            wrapper.social_card = author_cards.get(wrapper.slug)
        article.category.social_card = department_cards.get(article.category.slug)
    for wrapper, _ in articles.authors:
        wrapper.social_card = author_cards.get(wrapper.slug)
    for wrapper, _ in articles.categories:
        wrapper.social_card = department_cards.get(wrapper.slug)


def write_cards(generators) -> None:
    """Draw (or reuse) every card and attach its URL to the objects templates see."""
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles.settings
    if not settings["SOCIAL_CARDS_ENABLED"]:
        return  # no card anywhere: templates and JSON-LD find none and share without an image
    state = get_state(settings)
    writer = CardWriter(
        Fonts(*_font_paths(settings, state.root)),
        state.cache_dir("social-cards"),
        Path(articles.output_path),
        state.urls,
        state.outputs,
    )
    # Hidden posts are written (only never listed), so a shared link to one gets a card too.
    for article in sorted([*articles.articles, *articles.hidden_articles], key=lambda a: a.source_path):
        article.social_card = writer.write(
            post_card(article, settings, cover_of(article.post, state.site)),
            article.url,
            state.shown(article.source_path),
        )
    author_cards = _profile_cards(writer, state, settings)
    department_cards = _department_cards(writer, state, settings)
    writer.finish(worker_count(settings["CHORUS_WORKERS"]))
    _attach(articles, author_cards, department_cards)
    # For pages other features write about authors or departments with wrappers of their own.
    articles.context[CONTEXT_KEY] = SocialCards(
        MappingProxyType(author_cards), MappingProxyType(department_cards)
    )
    logger.info("Social cards: %d drawn, %d unchanged", len(writer.drawn), len(writer.reused))


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.all_generators_finalized.connect(write_cards)

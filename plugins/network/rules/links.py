"""Every reference in a post, page or bio resolves to something the build writes, or fails.

The forms and how they resolve are in ``plugins.network.links``; this is where they are
judged, once, for ``chorus check`` and the build alike.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem
from ..files import IMAGE_EXTENSIONS
from ..links import LinkError, LinkIndex, check_related, external_problem, scan_bio, site_index
from ..model import Author, Post, Reference, RefForm, Site, Status

_ALT_HINT = "image without alt text: describe what it shows, like ![Lead times by part family](...)"
_COVER_ALT_HINT = "cover image without alt text: add 'Cover-Alt:' saying what it shows, like 'Cover-Alt: A technician at an open flow meter'"
_BIO_SHORT = (
    "short links ([[…]]) work in posts and pages, not in bios: write a Markdown link, or \\[[ for brackets"
)


def references(site: Site) -> Iterator[Problem]:
    """Links and images of every post and page, drafts included (a draft's links are checked
    too, so publishing it later cannot break the build). An expired post's are not: it is
    written no more, and what it linked may have gone with it."""
    index = site_index(site)
    for source in (*site.posts, *site.pages):
        if source.status is Status.EXPIRED:
            continue
        if isinstance(source, Post) and source.cover is not None and not (source.cover_alt or "").strip():
            yield Problem(source.path, source.cover.line, _COVER_ALT_HINT, rule="image-alt")
        for ref in source.references:
            if ref.image and ref.text is not None and not ref.text.strip():
                yield Problem(source.path, ref.line, _ALT_HINT, rule="image-alt", col=ref.col)
            if ref.form is RefForm.EXTERNAL:
                if message := external_problem(ref.target):
                    yield Problem(source.path, ref.line, message, rule="links", col=ref.col)
                continue
            resolved, message = index.check(ref, source.source, source.status)
            if isinstance(source, Post) and ref is source.cover and resolved is not None:
                message = _cover_problem(resolved.file)
            if message:
                rule = "image" if ref.image else "links"
                also = _named(index, ref, source.source)
                yield Problem(source.path, ref.line, message, rule=rule, col=ref.col, also=also)


def _named(index: LinkIndex, ref: Reference, source: str) -> tuple[str, ...]:
    """The post a failing reference names, when there is one (a draft, a post expiring
    first): the problem is about it too, so a check of a change to it reports the problem."""
    try:
        resolved = index.resolve(ref, source)
    except LinkError:
        return ()
    target = resolved.post or index.post_at(resolved.url)
    return (target.path,) if target is not None else ()


def _cover_problem(file: str | None) -> str | None:
    """A cover is a raster image of content/ (it is resized and drawn on the social card)."""
    if file is None or file.rsplit(".", 1)[-1].lower() not in IMAGE_EXTENSIONS:
        return f"'Cover' must name an image in content/ ({', '.join(sorted(IMAGE_EXTENSIONS))}), found {file or 'a page'}"
    return None


def related(site: Site) -> Iterator[Problem]:
    """Every ``Related:`` pick names a post that is listed wherever the naming post is."""
    index = site_index(site)
    limit = int(site.settings.get("CROSSLINKS_RELATED_COUNT", 3))
    for post in site.posts:
        if post.related and post.status is not Status.EXPIRED:  # written no more (see references)
            _, messages = check_related(post.related, post.source, post.status, index, limit)
            named = tuple(p.path for p in index.posts_named(post.related)) if messages else ()
            for message in messages:
                yield Problem(post.path, post.line_of("related"), message, rule="links", also=named)


def bio_references(site: Site) -> Iterator[Problem]:
    """Bios are shown on profiles, bylines and feeds, far from any folder in content/: only
    full URLs and links to the site's own pages work there."""
    index = site_index(site)
    for author in site.network.authors.values():
        first = _bio_first_line(site, author)
        for ref in scan_bio(site, author.bio, first):
            message: str | None
            if ref.form is RefForm.EXTERNAL:
                message = external_problem(ref.target)
            elif ref.form is RefForm.SHORT:
                message = _BIO_SHORT
            elif ref.form is RefForm.ROOT:
                _, message = index.check(ref, "", Status.PUBLISHED)
            else:
                message = f"'{ref.written}': a bio is shown on many pages, so link with a full URL or a root-relative one like /posts/…"
            if message:
                yield Problem(author.source, ref.line, message, rule="links", also=_named(index, ref, ""))


def _bio_first_line(site: Site, author: Author) -> int:
    """The line of the bio's first line of text: after 'bio: |' or 'bio: >', the next one."""
    if author.bio_line is None:
        return 1
    path = site.root / author.source
    lines = path.read_text(encoding="utf-8").split("\n") if path.is_file() else []
    written = lines[author.bio_line - 1] if author.bio_line <= len(lines) else ""
    value = written.partition(":")[2].strip()
    return author.bio_line + (1 if value[:1] in ("|", ">") else 0)

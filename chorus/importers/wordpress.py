"""``chorus import wordpress EXPORT.xml``: a WordPress export (WXR, Tools → Export) becomes
authors, posts and pages of the network.

- Users who wrote at least one imported post become registry entries (login → id, display
  name); their e-mail address stays out of the site (it is printed for the reviewer only).
- Posts go to ``content/<author>/<slug>.md``: title, date and modified date as they were
  (with the blog's UTC offset), tags and categories as tags, the excerpt as summary,
  sticky posts featured. Drafts, pending, private and password-protected posts become
  drafts; posts scheduled for later keep their date (Chorus publishes them then).
  Published items keep their permalink (``Imported-From:``) and their feed id. With
  ``--keep-urls`` (the hub takes over the blog's address) each permalink's path is also
  recorded in ``redirects.yml``, so the build writes a redirect page where the post was.
- Pages go to ``content/pages/``; the trash, auto-drafts, revisions, menus and other
  item types are skipped and reported.
- Images and files from the blog's uploads are copied beside the post when a local copy
  of ``wp-content/uploads`` is given (``--uploads``, or found next to the export); all
  others stay links to the old blog, listed in the report, never fetched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from chorus.importers import Importer, ImportReport, iso, refuse
from chorus.importers.html import SHORTCODES, html_to_markdown, text_of
from chorus.scaffold import registry_text, write_registry_entry
from plugins.network.links import url_key
from plugins.network.load import ID_PATTERN, suggest
from plugins.network.postid import feed_id_problem
from plugins.network.redirects import HEADER as REDIRECTS_HEADER
from plugins.network.redirects import read_redirects, url_problem
from plugins.network.urls import reserved_slug_message, reserved_top_level

_WP = "http://wordpress.org/export/"  # then "1.2/" (wp:) or "1.2/excerpt/" (excerpt:)
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"
_EMPTY_DATE = "0000-00-00 00:00:00"
_HTTP_URL = re.compile(r"^https?://[^\s<>\"']+$")
UPLOADS = "/wp-content/uploads/"
STATUSES = {
    "publish": "published",
    "future": "published",
    "draft": "draft",
    "pending": "draft",
    "private": "draft",
}
SKIPPED_STATUSES = {
    "trash": "in WordPress's trash",
    "auto-draft": "an empty auto-draft",
    "inherit": "a revision",
}


@dataclass
class WpAuthor:
    login: str
    name: str
    email: str = ""


@dataclass
class WpItem:
    post_id: str
    kind: str
    status: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    slug: str
    date: dt.datetime | None
    modified: dt.datetime | None
    password: str = ""
    sticky: bool = False
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.post_id} '{self.title or '(untitled)'}'"


def _local(element: etree._Element) -> tuple[str, str]:
    name = etree.QName(element)
    return name.namespace or "", name.localname


def _text(parent: etree._Element, namespace: str, name: str) -> str:
    """The text of the first child ``name`` in a namespace starting with ``namespace``
    (WXR 1.0, 1.1 and 1.2 differ only in the version in their namespaces)."""
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        child_ns, child_name = _local(child)
        if child_name == name and child_ns.startswith(namespace):
            return child.text or ""
    return ""


def _stamp(local: str, gmt: str) -> dt.datetime | None:
    """The item's moment as the blog showed it: local time with the blog's UTC offset
    (from WordPress's local and GMT columns), else local time alone (the site's zone)."""

    def parse(value: str) -> dt.datetime | None:
        if not value or value.startswith("0000"):
            return None
        try:
            return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return None

    local_time, gmt_time = parse(local), parse(gmt)
    if local_time and gmt_time:
        offset = dt.timedelta(minutes=round((local_time - gmt_time).total_seconds() / 60))
        if abs(offset) < dt.timedelta(hours=24):
            return local_time.replace(tzinfo=dt.timezone(offset))
    if local_time:
        return local_time
    return gmt_time.replace(tzinfo=dt.UTC) if gmt_time else None


def read_export(path: Path) -> tuple[str, list[WpAuthor], list[WpItem]]:
    """The blog's address, its users and its items, as the export lists them."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        raise refuse(f"not a readable XML file: {exc.msg}", f"{path}:{exc.lineno}") from None
    except OSError as exc:
        raise refuse(f"cannot read the export: {exc.strerror or exc}", str(path)) from None
    channel = tree.getroot().find("channel")
    if tree.getroot().tag != "rss" or channel is None or not _text(channel, _WP, "wxr_version"):
        raise refuse(
            "expected a WordPress export (WXR, from Tools → Export): an <rss> file with wp: elements",
            str(path),
        )
    authors = []
    for node in channel:
        if isinstance(node.tag, str) and _local(node)[1] == "author" and _local(node)[0].startswith(_WP):
            first, last = _text(node, _WP, "author_first_name"), _text(node, _WP, "author_last_name")
            authors.append(
                WpAuthor(
                    _text(node, _WP, "author_login").strip(),
                    text_of(_text(node, _WP, "author_display_name") or f"{first} {last}"),
                    _text(node, _WP, "author_email").strip(),
                )
            )
    items = []
    for node in channel.iter("item"):
        items.append(
            WpItem(
                post_id=_text(node, _WP, "post_id").strip(),
                kind=_text(node, _WP, "post_type").strip() or "post",
                status=_text(node, _WP, "status").strip() or "publish",
                title=text_of(node.findtext("title") or ""),
                link=(node.findtext("link") or "").strip(),
                guid=(node.findtext("guid") or "").strip(),
                creator=_text(node, _DC, "creator").strip(),
                content=_text(node, _CONTENT, "encoded"),
                excerpt=_text(node, _WP, "encoded"),  # excerpt:encoded, the only "encoded" there
                slug=unquote(_text(node, _WP, "post_name").strip()),
                date=_stamp(_text(node, _WP, "post_date"), _text(node, _WP, "post_date_gmt")),
                modified=_stamp(_text(node, _WP, "post_modified"), _text(node, _WP, "post_modified_gmt")),
                password=_text(node, _WP, "post_password").strip(),
                sticky=_text(node, _WP, "is_sticky").strip() == "1",
                terms=[
                    (term.get("domain", ""), term.get("nicename", ""), text_of(term.text or ""))
                    for term in node.findall("category")
                ],
            )
        )
    return (channel.findtext("link") or "").strip(), authors, items


def author_id(login: str) -> str:
    """A registry id from a WordPress login: 'Jane.Doe' -> 'jane-doe'."""
    ascii_login = login.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_login).strip("-")[:63].strip("-")


def _same_url(url: str) -> str:
    """A URL as blogs confuse them: scheme, 'www.' and a trailing '/' do not matter."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


class WordPressImport(Importer):
    def __init__(
        self,
        root: Path,
        export: Path,
        *,
        department: str | None = None,
        uploads: Path | None = None,
        keep_urls: bool = False,
        settings_file: Path | None = None,
    ):
        super().__init__(root, settings_file)
        self.keep_urls = keep_urls
        if department is not None and department not in self.network.departments:
            raise refuse(
                f"--department: unknown department '{department}'"
                + suggest(department, self.network.departments)
            )
        self.export = export
        self.department = department
        if uploads is None:
            for candidate in (export.parent / "uploads", export.parent / "wp-content" / "uploads"):
                if candidate.is_dir():
                    uploads = candidate
        self.uploads = uploads.resolve() if uploads else None
        if uploads is not None and not uploads.is_dir():
            raise refuse(f"--uploads: {uploads} is not a folder")
        self.base = ""
        self.targets: dict[str, str] = {}  # old URL (as _same_url) -> {filename} link of its new file
        self.old_paths: list[tuple[str, str, str]] = []  # (file, old path, redirect target)
        self.reserved: set[str] = set()  # the hub's own top-level folders: no redirect shadows them

    # --- the whole import ------------------------------------------------------------------

    def run(self) -> ImportReport:
        self.base, users, items = read_export(self.export)
        by_login = {user.login: user for user in users if user.login}
        posts = [i for i in items if i.kind == "post" and self._keep(i)]
        pages = [i for i in items if i.kind == "page" and self._keep(i)]
        for kind, count in sorted(
            Counter(i.kind for i in items if i.kind not in ("post", "page", "attachment")).items()
        ):
            self.report.skipped.append((f"{count} {kind} item(s)", "not a post or a page"))

        ids = self._authors(posts, by_login)
        planned = []
        for item in posts:
            folder = self.content / ids[item.creator]
            stem = self.stem(item.slug, item.title) or f"post-{item.post_id}"
            planned.append((item, self.free_post_path(folder, stem)))
        reserved = self.reserved = reserved_top_level(self.settings)
        for item in pages:
            stem = self.stem(item.slug, item.title) or f"page-{item.post_id}"
            if reserved_slug_message(stem, reserved):
                stem = f"{stem}-page"
            planned.append((item, self.free_post_path(self.content / "pages", stem)))
        for item, path in planned:
            if path is not None and STATUSES[item.status] == "published" and item.status != "future":
                relative = path.relative_to(self.content).as_posix()
                for url in (item.link, item.guid):
                    if url:
                        self.targets[_same_url(url)] = "{filename}/" + relative
        for item, path in planned:
            if path is None:
                existing = self.content / (ids[item.creator] if item.kind == "post" else "pages")
                self.report.skipped.append(
                    (
                        item.label,
                        f"{self.shown(existing)}/ already has its file; chorus import never overwrites",
                    )
                )
                continue
            self._write(item, path, ids.get(item.creator, ""))
        if self.keep_urls:
            self._record_redirects()
        self.review(self._author_review(posts, ids, by_login))
        return self.report

    def _keep(self, item: WpItem) -> bool:
        if item.status in SKIPPED_STATUSES:
            self.report.skipped.append((item.label, SKIPPED_STATUSES[item.status]))
            return False
        if item.status not in STATUSES:
            self.report.skipped.append((item.label, f"unknown WordPress status '{item.status}'"))
            return False
        return True

    # --- authors ---------------------------------------------------------------------------

    def _authors(self, posts: list[WpItem], users: dict[str, WpAuthor]) -> dict[str, str]:
        """login -> registry id for every author of an imported post; new ones are written."""
        ids: dict[str, str] = {}
        taken = set(self.network.authors)
        tags_by_login: dict[str, Counter[str]] = {}
        for item in posts:
            tags_by_login.setdefault(item.creator, Counter()).update(self.tag_names(self._terms(item)))
        for login in sorted(tags_by_login):
            candidate = author_id(login) or "author"
            if not ID_PATTERN.match(candidate):
                candidate = "author"
            if candidate in self.network.authors:
                ids[login] = candidate
                self.report.authors_kept.append(self.shown(self.state.authors_path / f"{candidate}.yml"))
                continue
            unique, number = candidate, 2
            while unique in taken:
                unique, number = f"{candidate}-{number}", number + 1
            taken.add(unique)
            ids[login] = unique
            self._write_author(unique, users.get(login) or WpAuthor(login, login), tags_by_login[login])
        for login in users:
            if login not in ids:
                self.report.skipped.append((f"WordPress user '{login}'", "no post to import"))
        return ids

    def _write_author(self, new_id: str, user: WpAuthor, tags: Counter[str]) -> None:
        name = user.name.strip() or user.login
        company = self.settings["CHORUS_COMPANY"]
        entry: dict[str, object] = {"name": name, "kind": "expert", "title": "Contributor"}
        if self.department:
            entry["department"] = self.department
        entry["expertise"] = [tag for tag, _ in tags.most_common(3)] or ["writing"]
        entry["bio"] = f"{name} writes for {company}."
        path = self.state.authors_path / f"{new_id}.yml"
        write_registry_entry(
            path,
            registry_text(
                entry, f"# Imported from WordPress (user '{user.login}'): review title, expertise and bio."
            ),
        )
        if not self.department:
            # One line a human completes: `chorus check` names the file until then.
            text = path.read_text(encoding="utf-8").replace(
                "title: Contributor\n",
                "title: Contributor\ndepartment:  # which one? "
                + ", ".join(self.network.departments)
                + " (departments.yml)\n",
            )
            path.write_text(text, encoding="utf-8")
        (self.content / new_id).mkdir(parents=True, exist_ok=True)
        self.written(path)
        self.report.authors.append(self.shown(path))

    def _author_review(
        self, posts: list[WpItem], ids: dict[str, str], users: dict[str, WpAuthor]
    ) -> list[str]:
        lines = []
        created = set(self.report.authors)
        for login, new_id in sorted(ids.items(), key=lambda pair: pair[1]):
            shown = self.shown(self.state.authors_path / f"{new_id}.yml")
            if shown not in created:
                continue
            email = users[login].email if login in users else ""
            who = f"WordPress user '{login}'" + (f" <{email}>" if email else "")
            department = (
                f"department '{self.department}' given by --department"
                if self.department
                else "no department yet"
            )
            lines.append(f"{shown}: {who}, {department}: check it, and write the title, expertise and bio")
        return lines

    # --- items -----------------------------------------------------------------------------

    @staticmethod
    def _terms(item: WpItem) -> list[str]:
        return [
            name
            for domain, nicename, name in item.terms
            if domain in ("category", "post_tag") and nicename != "uncategorized" and name
        ]

    def _write(self, item: WpItem, path: Path, owner: str) -> None:
        shown = self.shown(path)
        status = STATUSES[item.status]
        if item.password:
            status = "draft"  # never public on the blog either
        published = status == "published" and item.status != "future"
        header: dict[str, str] = {"Title": item.title or f"Untitled ({item.kind} {item.post_id})"}
        date = item.date or item.modified
        if date is None:
            date = dt.datetime.now(dt.UTC).replace(microsecond=0)
            self.report.review.append(f"{shown}: the export gives no date; it was dated today")
        header["Date"] = iso(date)
        if item.modified and _naive(item.modified) > _naive(date):
            header["Modified"] = iso(item.modified)
        if status == "draft":
            header["Status"] = "draft"
        if item.kind == "post":
            header["Tags"] = ", ".join(self.tag_names(self._terms(item)))
            if item.sticky and published:
                header["Featured"] = "yes"
        if item.excerpt.strip():
            header["Summary"] = html_to_markdown(item.excerpt)
        if published and _HTTP_URL.match(item.link):
            header["Imported-From"] = item.link
            if self.keep_urls:
                self._keep_url(shown, item, path, owner)
        if published and item.kind == "post" and item.guid and not feed_id_problem(item.guid):
            header["Feed-Id"] = item.guid  # subscribers of the old feed know the post by it

        folder = path.parent
        remote: list[str] = []

        def rewrite(tag: str, url: str) -> str:
            absolute = urljoin(self.base.rstrip("/") + "/", url) if self.base else url
            if tag == "a" and (target := self.targets.get(_same_url(absolute))):
                return target  # another imported post: a checked link to its new address
            if UPLOADS not in urlsplit(absolute).path:
                return url
            local = self._upload(absolute)
            if local is not None and item.kind == "post" and (name := self.copy_attachment(local, folder)):
                return name  # beside the post
            if absolute not in remote:
                remote.append(absolute)
            return absolute

        body = html_to_markdown(item.content, rewrite)
        self.report.remote += [(shown, url) for url in remote]
        for code in sorted({m.group(1).lower() for m in SHORTCODES.finditer(body)}):
            self.report.review.append(f"{shown}: WordPress shortcode [{code}] left as text: replace it")
        self.write_post(path, header, body)
        if item.kind == "page":
            self.report.pages.append(shown)
        elif status == "draft":
            self.report.drafts.append(shown)
        else:
            self.report.posts.append(shown)

    # --- old addresses ---------------------------------------------------------------------

    def _keep_url(self, shown: str, item: WpItem, path: Path, owner: str) -> None:
        """Plan a redirect from the permalink's path to the new post or page."""
        old = urlsplit(item.link)
        old_path = old.path.lstrip("/")
        if old.query or not old_path:
            self.report.review.append(
                f"{shown}: no redirect for {item.link}: a URL with a query string (plain"
                " permalinks) cannot be a page of a static site; set WordPress's permalinks to"
                " a path before exporting, or redirect it at the web server"
            )
            return
        if problem := url_problem(old_path):
            self.report.review.append(f"{shown}: no redirect for {item.link}: {problem}")
            return
        if old_path.split("/", 1)[0] in self.reserved:
            self.report.review.append(
                f"{shown}: no redirect for {item.link}: /{old_path.split('/', 1)[0]}/ is the hub's own"
            )
            return
        if item.kind == "post":
            target, new_url = f"{owner}/{path.stem}", self.state.urls.post(owner, path.stem).url
        else:
            new_url = self.state.urls.page(path.stem).url
            target = "/" + new_url
        if url_key(old_path) != url_key(new_url):
            self.old_paths.append((shown, old_path, target))

    def _record_redirects(self) -> None:
        """Append the planned redirects to the redirects file, leaving entries it has alone."""
        path = self.root / self.settings["CHORUS_REDIRECTS_FILE"]
        shown = self.shown(path)
        existing, _ = read_redirects(path, shown)
        taken = {url_key(redirect.url) for redirect in existing}
        lines = []
        for source, old_path, target in self.old_paths:
            if url_key(old_path) in taken:
                self.report.review.append(
                    f"{source}: {shown} already has an entry for {old_path}: left as it is"
                )
                continue
            taken.add(url_key(old_path))
            lines.append(f"{old_path}: {target}")
        if not lines:
            return
        text = path.read_text(encoding="utf-8") if path.is_file() else REDIRECTS_HEADER
        path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        self.written(path)
        self.report.redirects += lines

    def _upload(self, url: str) -> Path | None:
        """The local copy of a file of the blog's uploads, when there is one."""
        if self.uploads is None:
            return None
        relative = unquote(urlsplit(url).path.split(UPLOADS, 1)[1])
        local = (self.uploads / PurePosixPath(relative)).resolve()
        if not local.is_relative_to(self.uploads) or not local.is_file():
            return None
        return local


def _naive(stamp: dt.datetime) -> dt.datetime:
    return stamp.replace(tzinfo=None)


def import_wordpress(
    root: Path,
    export: Path,
    *,
    department: str | None = None,
    uploads: Path | None = None,
    keep_urls: bool = False,
    settings_file: Path | None = None,
) -> ImportReport:
    return WordPressImport(
        root, export, department=department, uploads=uploads, keep_urls=keep_urls, settings_file=settings_file
    ).run()


__all__ = ["author_id", "import_wordpress", "read_export"]

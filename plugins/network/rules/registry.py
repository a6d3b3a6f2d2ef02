"""Registry facts that need the whole registry or the rest of the site: topics shared with
posts, and authors a reader can tell apart."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import WARNING, Problem
from ..identity import describe_char, look_alike, mixed_script_intruders, scripts, skeleton
from ..load import reserved_id_problem
from ..model import Author, Site
from ..urls import slug_of
from .outputs import long_slug_message


def expertise_topics(site: Site) -> Iterator[Problem]:
    """An expertise topic must have a slug, or the expertise index could not link it."""
    for author in site.network.authors.values():
        for topic in author.expertise:
            slug = slug_of(topic, dict(site.settings), "TAG")
            if slug and (message := long_slug_message("expertise topic", topic, slug)):
                yield Problem(author.source, author.expertise_line, message, rule="registry")
            if topic.strip() and not slug:
                yield Problem(
                    author.source,
                    author.expertise_line,
                    f"expertise topic {topic!r} has no letters or digits to link it with; write it out, like 'flow meters'",
                    rule="registry",
                )


def reserved_ids(site: Site) -> Iterator[Problem]:
    """No author's id may be a folder of content/ that is not an author's (PAGE_PATHS)."""
    for author in site.network.authors.values():
        if message := reserved_id_problem(author.id, site.settings["PAGE_PATHS"]):
            yield Problem(author.source, None, message, rule="registry")


def identities(site: Site) -> Iterator[Problem]:
    """Readers must be able to tell authors apart, and a guest must not pass for staff.

    - No two display names, and no two author ids, look alike (UTS #39 skeletons,
      ``plugins.network.identity``): the later file is refused, naming the first; a guest
      is always the later one next to an expert, so an expert keeps their own name, and
      a file a change adds is later than one it left alone.
    - A name that hides look-alike letters of another script is refused; a name written
      in two scripts side by side is flagged for the reviewer.
    - A guest cannot lead a department, and their title and affiliation cannot name the
      company (CHORUS_COMPANY or CHORUS_COMPANY_ALIASES).
    """
    # Who keeps a name: an expert before a guest; then a registry file the live revision has
    # as it is (with `chorus check --changed-since`, the file the change adds is named).
    authors = sorted(
        site.network.authors.values(), key=lambda a: (a.is_guest, a.source not in site.left_alone, a.source)
    )
    names: dict[str, Author] = {}
    ids: dict[str, Author] = {}
    for author in authors:
        name_line = author.field_lines.get("name")
        twin = next((names[k] for k in look_alike(author.name) if k in names), None)
        if twin is not None:
            yield Problem(
                author.source, name_line, _twin_message(author, twin), rule="identity", also=(twin.source,)
            )
        else:
            yield from _scripts(author, name_line)
        names.update(dict.fromkeys(look_alike(author.name), author))
        id_twin = next((ids[k] for k in look_alike(author.id) if k in ids), None)
        if id_twin is not None:
            yield Problem(
                author.source,
                None,
                f"author id '{author.id}' looks the same as '{id_twin.id}' ({id_twin.source}):"
                " choose an id that cannot be mistaken for it",
                rule="identity",
                also=(id_twin.source,),
            )
        ids.update(dict.fromkeys(look_alike(author.id), author))
    yield from _guest_roles(site)


def _twin_message(author: Author, twin: Author) -> str:
    different = [c for c in dict.fromkeys(author.name) if c not in twin.name and not c.isspace()]
    detail = f" (here {', '.join(describe_char(c) for c in different[:3])})" if different else ""
    return (
        f"name '{author.name}' looks the same as '{twin.name}' ({twin.source}):"
        f" readers could not tell these authors apart{detail}"
    )


def _scripts(author: Author, line: int | None) -> Iterator[Problem]:
    intruders = mixed_script_intruders(author.name)
    if intruders:
        letters = ", ".join(describe_char(char) for char, _ in intruders[:3])
        yield Problem(
            author.source,
            line,
            f"name '{author.name}' hides look-alike letters of another script ({letters}); type the name in one script",
            rule="identity",
        )
    elif len(used := scripts(author.name)) > 1:
        yield Problem(
            author.source,
            line,
            f"name '{author.name}' is written in {' and '.join(s.title() for s in used)} letters; check that is how it is spelled",
            level=WARNING,
            rule="identity",
        )


def _guest_roles(site: Site) -> Iterator[Problem]:
    authors = site.network.authors
    for department in site.network.departments.values():
        lead = authors.get(department.lead or "")
        if lead is not None and lead.is_guest:
            yield Problem(
                department.source,
                department.field_lines.get("lead", department.line),
                f"department '{department.id}': lead '{lead.id}' is a guest ({lead.source});"
                " a department is led by in-house staff (kind: expert)",
                rule="identity",
            )
    companies = [str(site.settings.get("CHORUS_COMPANY") or "")]
    companies += [str(alias) for alias in site.settings.get("CHORUS_COMPANY_ALIASES") or ()]
    wanted = [(company, skeleton(company.casefold())) for company in companies if company.strip()]
    for author in authors.values():
        if not author.is_guest:
            continue
        for field in ("title", "affiliation"):
            value = getattr(author, field) or ""
            written = skeleton(value.casefold())
            for company, key in wanted:
                if key in written:
                    yield Problem(
                        author.source,
                        author.field_lines.get(field),
                        f"a guest's {field} cannot name {company}: guests write as themselves,"
                        " not as staff (someone employed there is kind: expert)",
                        rule="identity",
                    )
                    break

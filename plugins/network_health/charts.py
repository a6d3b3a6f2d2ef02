"""SVG charts of the network's health, drawn at build time: no JavaScript, no external file.

Each chart is one inline ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>``; every mark carries its own ``<title>`` (the browser shows it on hover), and the
page shows the same figures as a table beside it. Colours and text come from the theme's
CSS (classes ``chart-*``), so the charts follow the light and the dark scheme. No text is
drawn on a coloured mark: every number stands on the page's own background.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from plugins.network.i18n import N_, Language

from .stats import DepartmentHealth, Matrix, NetworkHealth

WIDTH = 720
LABEL = 170  # room for department names on the left
ROW = 30


@dataclass(frozen=True)
class Chart:
    """A drawn chart: ``id`` (for the page's anchors), its title, its description, the SVG."""

    id: str
    title: str
    description: str
    svg: Markup


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str]) -> Chart:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height:.0f}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return Chart(chart_id, title, description, Markup(head + "".join(body) + "</svg>"))


def _text(x: float, y: float, text: str, css: str = "", anchor: str = "start") -> str:
    css_class = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{css_class}>{escape(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, css: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{max(height, 0):.1f}"'
        f' class="{css}"><title>{escape(tip)}</title></rect>'
    )


def _posts(t: Language, count: int) -> str:
    return t.ngettext("%(num)s post", "%(num)s posts", count)


def posts_per_month(health: NetworkHealth, t: Language) -> Chart:
    """One row of monthly bars per department, all on one scale (small multiples)."""
    months, top = health.months, max(health.largest_month, 1)
    step = (WIDTH - LABEL - 10) / len(months)
    body = []
    for row, department in enumerate(health.departments):
        base = 10 + (row + 1) * ROW
        name = department.department.name
        body.append(_text(LABEL - 8, base - 8, name, anchor="end"))
        body.append(f'<line x1="{LABEL}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" class="chart-axis"/>')
        for i, count in enumerate(department.per_month):
            if count:
                height = (ROW - 6) * count / top
                tip = f"{name}, {t.month(months[i].first_day)}: {_posts(t, count)}"
                body.append(_rect(LABEL + i * step + 1, base - height, step - 2, height, "chart-bar", tip))
    axis = 10 + len(health.departments) * ROW + 16
    for i, month in enumerate(months):
        if month.month in (1, 4, 7, 10):  # a quarter's first month: labels never crowd
            body.append(_text(LABEL + i * step, axis, t.month(month.first_day, short=True), "chart-muted"))
    busiest = max(health.departments, key=lambda d: d.posts, default=None)
    description = t.gettext(
        "Published posts per month from %(first)s to %(last)s, one row per department,"
        " all rows on one scale (the tallest bar is %(top)s): %(all)s in all.",
        first=t.month(months[0].first_day),
        last=t.month(months[-1].first_day),
        top=_posts(t, top),
        all=_posts(t, health.posts),
    )
    if busiest and busiest.posts:
        description += " " + t.gettext(
            "%(department)s published most (%(num)s).", department=busiest.department.name, num=busiest.posts
        )
    title = t.gettext("Posts per month by department")
    return _svg("chart-monthly", title, description, axis + 8, body)


KIND_NAMES = {"active": N_("active"), "quiet": N_("quiet"), "former": N_("former")}


def contributors(health: NetworkHealth, t: Language) -> Chart:
    """Each department's people as one bar: active, quiet and former, with the numbers beside it."""
    kinds = (("active", "chart-active"), ("quiet", "chart-quiet"), ("former", "chart-former"))
    names = {kind: t.gettext(word) for kind, word in KIND_NAMES.items()}
    top = max((len(d.active) + len(d.quiet) + len(d.former) for d in health.departments), default=1) or 1
    scale = (WIDTH - LABEL - 230) / top
    body = []
    x: float = LABEL
    for label, css in kinds:  # the legend
        body.append(f'<rect x="{x}" y="6" width="12" height="12" class="{css}"/>')
        body.append(_text(x + 17, 16, names[label]))
        x += 90
    for row, department in enumerate(health.departments):
        y = 30 + row * ROW
        name = department.department.name
        body.append(_text(LABEL - 8, y + 14, name, anchor="end"))
        x = LABEL
        for label, css in kinds:
            people = getattr(department, label)
            if people:
                tip = f"{name}: {len(people)} {names[label]} ({', '.join(p.author.name for p in people)})"
                body.append(_rect(x, y, len(people) * scale, 18, css, tip))
                x += len(people) * scale
        counts = " · ".join(f"{len(getattr(department, label))} {names[label]}" for label, _ in kinds)
        body.append(_text(x + 8, y + 14, counts, "chart-muted"))
    description = t.ngettext(
        "People per department as of %(date)s: active (a post in the last month), quiet (none since)"
        " and former contributors. Across the network: %(active)s active, %(quiet)s quiet,"
        " %(former)s former; someone in two departments counts in both.",
        "People per department as of %(date)s: active (a post in the last %(num)s months), quiet (none since)"
        " and former contributors. Across the network: %(active)s active, %(quiet)s quiet,"
        " %(former)s former; someone in two departments counts in both.",
        health.quiet_months,
        date=t.date(health.now),
        active=health.active,
        quiet=health.quiet,
        former=health.former,
    )
    return _svg(
        "chart-contributors",
        t.gettext("Contributors by department"),
        description,
        30 + len(health.departments) * ROW,
        body,
    )


def guest_share(health: NetworkHealth, t: Language) -> Chart:
    """The share of each department's posts written or co-written by guests."""
    rows: list[tuple[str, DepartmentHealth | None]] = [(d.department.name, d) for d in health.departments]
    rows.append((t.gettext("Whole network"), None))
    width = WIDTH - LABEL - 190
    body = []
    for row, (name, department) in enumerate(rows):
        y = 8 + row * ROW
        posts = department.posts if department else health.posts
        guests = department.guest_posts if department else health.guest_posts
        share = guests / posts if posts else 0.0
        body.append(
            _text(LABEL - 8, y + 14, name, "chart-strong" if department is None else "", anchor="end")
        )
        body.append(f'<rect x="{LABEL}" y="{y}" width="{width}" height="18" class="chart-track"/>')
        if guests:
            tip = t.gettext(
                "%(name)s: %(guests)s of %(posts)s by guests",
                name=name,
                guests=guests,
                posts=_posts(t, posts),
            )
            body.append(_rect(LABEL, y, width * share, 18, "chart-bar", tip))
        figure = (
            t.gettext(
                "%(share)s (%(guests)s of %(posts)s)", share=t.percent(share), guests=guests, posts=posts
            )
            if posts
            else t.gettext("no posts")
        )
        body.append(_text(LABEL + width + 8, y + 14, figure, "chart-muted"))
    overall = health.guest_share
    description = (
        t.gettext(
            "Share of published posts written or co-written by guests, per department and for the network"
            " (%(share)s of %(posts)s).",
            share=t.percent(overall),
            posts=_posts(t, health.posts),
        )
        if overall is not None
        else t.gettext("No posts in the period.")
    )
    return _svg("chart-guests", t.gettext("Guest share of posts"), description, 8 + len(rows) * ROW, body)


def matrix(chart_id: str, title: str, what: Callable[[int], str], data: Matrix, description: str) -> Chart:
    """A bubble matrix: rows 'from', columns 'to'; a circle's area is proportional to the count.
    ``what(n)``: the count as a circle's tip says it ('3 posts linked', in its plural form)."""
    names = [d.name for d in data.departments]
    count = len(names)
    cell = min(56.0, (WIDTH - LABEL - 20) / max(count, 1))
    top = 110  # room for the slanted column names
    largest = max(data.largest, 1)
    body = []
    for j, name in enumerate(names):
        x = LABEL + (j + 0.5) * cell
        body.append(
            f'<text x="{x:.1f}" y="{top - 8}" transform="rotate(-40 {x:.1f} {top - 8})">{escape(name)}</text>'
        )
    for i, source in enumerate(names):
        y = top + (i + 0.5) * cell
        body.append(_text(LABEL - 8, y + 4, source, anchor="end"))
        for j, target in enumerate(names):
            x = LABEL + (j + 0.5) * cell
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.5" class="chart-axis"/>')
            value = data.counts[i][j]
            if value:
                radius = max(3.0, (cell / 2 - 3) * math.sqrt(value / largest))
                tip = f"{source} → {target}: {what(value)}"
                body.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" class="chart-bubble">'
                    f"<title>{escape(tip)}</title></circle>"
                )
    return _svg(chart_id, title, description, top + count * cell + 8, body)


def charts(health: NetworkHealth, t: Language) -> dict[str, Chart]:
    """Every chart of the health page, by the name the template uses, in the interface language."""
    links = sum(map(sum, health.links.counts))
    together = sum(map(sum, health.coauthors.counts))
    return {
        "monthly": posts_per_month(health, t),
        "contributors": contributors(health, t),
        "guests": guest_share(health, t),
        "links": matrix(
            "chart-links",
            t.gettext("Links between departments"),
            lambda n: t.ngettext("%(num)s post linked", "%(num)s posts linked", n),
            health.links,
            t.ngettext(
                "How often posts of the department in a row link to posts of the department in a column"
                " (%(num)s link between published posts in all); a larger circle means more links.",
                "How often posts of the department in a row link to posts of the department in a column"
                " (%(num)s links between published posts in all); a larger circle means more links.",
                links,
            ),
        ),
        "coauthors": matrix(
            "chart-coauthors",
            t.gettext("Co-authoring between departments"),
            lambda n: t.ngettext("%(num)s post written together", "%(num)s posts written together", n),
            health.coauthors,
            t.ngettext(
                "How many posts people of the department in a row wrote together with people of the department"
                " in a column (%(num)s department pair in all); a larger circle means more posts.",
                "How many posts people of the department in a row wrote together with people of the department"
                " in a column (%(num)s department pairs in all); a larger circle means more posts.",
                together,
            ),
        ),
    }

"""Generate a synthetic Chorus network for benchmarks: departments, authors and posts.

    python benchmarks/generate.py OUT_DIR --posts 1000 [--seed 20261122]

Everything comes from one seeded ``random.Random`` and fixed word lists, so the same
``posts`` and ``seed`` always produce byte-identical files (no network, no clock, no
set iteration). The shape is meant to resemble a real company network, because that is
what decides how much work a build does:

- one author per 20 posts, spread over the seven departments unevenly (R&D ~24 %, HR ~5 %),
  about 10 % of them guests;
- posts per author log-normal: a few prolific experts, a long tail of occasional writers;
- 400-1,200-word bodies with headings, lists, a highlighted code block, a quote and inline
  markup, so Markdown, Pygments and the sanitiser all do realistic work;
- 2-5 tags per post drawn with Zipf weights from ~300 topics, so a few topic pages are
  huge and most are small, as on a real blog;
- dates uniform over 2020-2024 (all in the past, so every post is published).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import json
import math
import random
import re
import shutil
import sys
from pathlib import Path

DEFAULT_SEED = 20261122
POSTS_PER_AUTHOR = 20
GUEST_SHARE = 0.10
ZIPF_S = 1.05
TOPIC_COUNT = 300
FIRST_DAY = dt.datetime(2020, 1, 1)
LAST_DAY = dt.datetime(2024, 12, 31, 23, 59)
MARKER = ".benchmark-corpus.json"

# (id, name, share of authors, description). Shares sum to 1.
DEPARTMENTS = [
    ("rnd", "R&D", 0.24, "Sensor physics, firmware, electronics and the test lab."),
    (
        "service",
        "Service",
        0.19,
        "Field engineers and support specialists who keep installed instruments running.",
    ),
    ("sales", "Sales", 0.16, "Account managers and sales engineers who scope projects with customers."),
    (
        "product-management",
        "Product Management",
        0.13,
        "The people who decide what we build next, and what we don't.",
    ),
    ("marketing", "Marketing", 0.12, "Trade shows, case studies and the website."),
    (
        "logistics",
        "Logistics",
        0.11,
        "Spare parts, repairs, regional stock and shipping of calibrated instruments.",
    ),
    ("hr", "HR", 0.05, "Hiring, onboarding, apprenticeships and everything that helps people do good work."),
]
COLOURS = ["#1864ab", "#0b7285", "#c92a2a", "#5f3dc4", "#2b8a3e", "#8a5a00", "#c2255c"]

JOB_TITLES = {
    "rnd": [
        "Firmware Engineer",
        "Sensor Physicist",
        "Test Lab Lead",
        "Electronics Designer",
        "Research Engineer",
    ],
    "service": [
        "Field Service Engineer",
        "Support Specialist",
        "Commissioning Engineer",
        "Service Team Lead",
    ],
    "sales": ["Key Account Manager", "Sales Engineer", "Regional Sales Director", "Inside Sales Specialist"],
    "product-management": ["Product Manager", "Senior Product Owner", "Portfolio Manager"],
    "marketing": ["Content Marketing Manager", "Event Manager", "Marketing Analyst", "Brand Designer"],
    "logistics": ["Logistics Coordinator", "Warehouse Lead", "Repairs and Returns Coordinator"],
    "hr": ["HR Business Partner", "Talent Acquisition Lead", "Apprenticeship Coordinator"],
}
GUEST_TITLES = [
    "Plant Manager",
    "Process Engineer",
    "Consultant",
    "Professor of Metrology",
    "Operations Director",
]
AFFILIATIONS = [
    "Nordwasser Utilities",
    "Brightwater Brewing",
    "Delta Chemicals",
    "Polytechnic Institute",
    "Harbour City Water",
    "Alpine Dairy Cooperative",
    "Meridian Energy",
    "Ostrava Steelworks",
]

FIRST_NAMES = """
ada adam aiko alba alex amara anders andrea anna arjun astrid ben bianca carlos chen chiara
clara daniel dara david elena elif emil emma erik eva farah felix fatima freya gabriel greta
hana hannah hugo ida ines ivan jakob jana jonas julia kai karin kenji lara lea leon li lina
lucas luca maja marco maria mateo mila mira nadia nils noah nora olga omar oscar paula pedro
pieter priya rahul rosa ruben sara sofia sven tariq teresa tomas una victor wei yara yuki zoe
""".split()  # noqa: SIM905 (a word list reads better as text)
LAST_NAMES = """
abbas adler alvarez andersen baker bauer berg bianchi brandt castro chen costa dahl dekker
dubois eriksen fischer fontaine garcia graham haddad hansen hoffmann ivanova jansen kaur kim
kowalski kral krause lambert larsen laurent lindqvist lopez maier martin meyer moreau nagy
nielsen novak okafor olsen owens park patel petrov quinn rossi santos schmidt silva singh
sorensen stein tanaka torres vogt wagner walsh weber wei wolf yilmaz young zhang zimmermann
""".split()  # noqa: SIM905 (a word list reads better as text)

# Topic names are built from these parts: a few stand-alone topics plus qualifier + subject.
TOPIC_SUBJECTS = (
    """
flow meters|pressure sensors|level sensors|calibration|firmware updates|field repairs|spare parts
commissioning|water utilities|breweries|chemical plants|tenders|project scoping|trade shows
case studies|onboarding|apprenticeships|hiring|remote monitoring|data logging|cybersecurity
test lab|electronics|enclosures|signal processing|supply chain|warehousing|returns|pricing
roadmaps|user research|documentation|training|safety|compliance|energy savings|leak detection
""".strip()
    .replace("\n", "|")
    .split("|")
)
TOPIC_QUALIFIERS = (
    """
ultrasonic|electromagnetic|wireless|industrial|predictive|remote|low-power|modular|regional
digital|automated|sustainable|hybrid|legacy|open-source|smart|portable|high-temperature
""".strip()
    .replace("\n", "|")
    .split("|")
)

# Prose vocabulary, roughly in order of frequency: weights fall off with rank, so the
# function words dominate as in real text and rarer domain words give it some flavour.
WORDS = """
the of and to a in that is for it we on with as this be are at by not or from have an they
but you was our which all can more when one what their so if about there will out up them
only time also into some than other most just then first because two how need before after
each customer meter site team work data sensor flow installation pressure field plant water
test first project service engineer week year process value reading measure signal system
problem question answer report change result order part spare repair return quote price
model design firmware board cable housing display battery network alarm threshold interval
calibration accuracy drift noise range error limit standard check audit trace log record
plan schedule budget risk cost margin volume demand supply stock shelf shipment route truck
pallet warehouse label invoice contract tender offer proposal scope requirement feature
release version update patch review feedback interview candidate training mentor trainee
colleague manager lead role skill habit lesson mistake surprise detail decision trade-off
simple careful quick slow early late small large reliable robust clear honest practical
useful rare common typical different similar important difficult obvious hidden remote
local regional global annual monthly weekly daily nightly install replace adjust inspect
verify document explain learn teach share write read listen ask decide build break fix
improve reduce increase compare choose keep start finish ship deliver support monitor
""".split()  # noqa: SIM905 (a word list reads better as text)

LANGUAGES = ["python", "bash", "sql", "yaml", "json"]
PLACES = [
    "the field",
    "the lab",
    "a brewery",
    "a water utility",
    "the warehouse",
    "a trade show",
    "a tender",
    "our team",
]


def slugify(text: str) -> str:
    """The slug Pelican derives from a title (for the titles generated here: ASCII words)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Corpus:
    """All random choices, in one fixed order, from one seeded generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        # Zipf-Mandelbrot (1/(rank + 8)): common words dominate without "the the the".
        self.word_cum = list(itertools.accumulate(1 / (rank + 8) for rank in range(len(WORDS))))
        self.topics = self._topics()
        self.topic_cum = list(
            itertools.accumulate(1 / (rank + 1) ** ZIPF_S for rank in range(len(self.topics)))
        )

    # -- vocabulary ------------------------------------------------------------------

    def _topics(self) -> list[str]:
        # Zipf rank order is random but fixed by the seed; slugs are unique so no two
        # topics ever share a topic page (Chorus rejects that, and rightly so).
        combos = [f"{q} {s}" for q in TOPIC_QUALIFIERS for s in TOPIC_SUBJECTS]
        chosen = TOPIC_SUBJECTS + self.rng.sample(combos, TOPIC_COUNT - len(TOPIC_SUBJECTS))
        assert len({slugify(t) for t in chosen}) == len(chosen)
        self.rng.shuffle(chosen)
        return chosen

    def words(self, n: int) -> list[str]:
        return self.rng.choices(WORDS, cum_weights=self.word_cum, k=n)

    def sentence(self, low: int = 8, high: int = 22) -> str:
        words = self.words(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def tags(self) -> list[str]:
        # Without replacement: draw by Zipf weight until enough distinct topics.
        wanted = self.rng.randint(2, 5)
        chosen: list[str] = []
        while len(chosen) < wanted:
            topic = self.topics[bisect.bisect(self.topic_cum, self.rng.random() * self.topic_cum[-1])]
            if topic not in chosen:
                chosen.append(topic)
        return chosen

    # -- post bodies -----------------------------------------------------------------

    def inline(self, words: list[str]) -> str:
        """Decorate up to two words of a sentence with emphasis, code or a link."""
        words = list(words)
        for i in self.rng.sample(range(len(words)), min(len(words), self.rng.randint(0, 2))):
            word, kind = words[i], self.rng.random()
            if kind < 0.35:
                words[i] = f"*{word}*"
            elif kind < 0.55:
                words[i] = f"**{word}**"
            elif kind < 0.75:
                words[i] = f"`{word.lower()}_{self.rng.randint(1, 99)}`"
            else:
                words[i] = f"[{word}](https://example.com/{word.lower()}/{self.rng.randint(1, 9999)})"
        return " ".join(words)

    def paragraph(self, budget: int = 10_000) -> tuple[str, int]:
        """A paragraph of at most ``budget`` words (at least one sentence), and its length."""
        sentences, count = [], 0
        for _ in range(self.rng.randint(2, 6)):
            if sentences and budget - count < 8:
                break
            words = self.words(self.rng.randint(8, 24))[: max(budget - count, 8)]
            words[0] = words[0].capitalize()
            sentences.append(self.inline(words) + ".")
            count += len(words)
        return " ".join(sentences), count

    def heading(self) -> str:
        return " ".join(self.words(self.rng.randint(2, 6))).capitalize()

    def bullet_list(self) -> str:
        return "\n".join(f"- {self.sentence(4, 12)}" for _ in range(self.rng.randint(3, 6)))

    def numbered_list(self) -> str:
        return "\n".join(f"{i}. {self.sentence(5, 14)}" for i in range(1, self.rng.randint(3, 6) + 1))

    def quote(self) -> str:
        return "> " + self.sentence(10, 25)

    def code_block(self) -> str:
        language = self.rng.choice(LANGUAGES)
        a, b, c = (w.replace("-", "_") for w in self.rng.sample(WORDS[60:], 3))
        n = self.rng.randint(2, 500)
        if language == "python":
            code = (
                f"def {a}_{b}(readings, threshold={n}):\n"
                f'    """{self.sentence(5, 10)}"""\n'
                f"    selected = [r for r in readings if r.{c} > threshold]\n"
                f"    if not selected:\n"
                f"        return None\n"
                f"    return sum(r.{c} for r in selected) / len(selected)\n"
            )
        elif language == "bash":
            code = (
                f"# {self.sentence(4, 9)}\n"
                f"for f in /var/log/{a}/*.log; do\n"
                f'  grep -c "{b}" "$f" | sort -n | tail -{n % 20 + 1}\n'
                f"done\n"
                f"systemctl restart {c}.service\n"
            )
        elif language == "sql":
            code = (
                f"SELECT {a}_id, avg(value) AS mean_{b}\n"
                f"FROM {c}_readings\n"
                f"WHERE recorded_at >= '2023-01-01'\n"
                f"GROUP BY {a}_id\n"
                f"ORDER BY mean_{b} DESC\n"
                f"LIMIT {n};\n"
            )
        elif language == "yaml":
            code = f"{a}:\n  interval: {n}s\n  {b}:\n    - {c}\n    - {a}\n  enabled: true\n"
        else:
            code = (
                json.dumps(
                    {"id": f"{a}-{n}", b: [n, n * 2, n * 3], c: {"enabled": True, "unit": "m3/h"}}, indent=2
                )
                + "\n"
            )
        return f"```{language}\n{code}```"

    def body(self) -> str:
        """One post body: every block type once, then sections until the word target.

        Words are counted as a reader would (prose, lists, headings, quote), not the code.
        """
        target = self.rng.randint(400, 1200)
        blocks, count = [], 0

        def add(block: str, words: int | None = None) -> None:
            nonlocal count
            blocks.append(block)
            # Markers (-, 1., >, ##) are not words; the code block passes words=0.
            count += len([w for w in block.split() if w.strip("#>-.0123456789")]) if words is None else words

        add(*self.paragraph())
        add(f"## {self.heading()}")
        add(*self.paragraph())
        add(self.bullet_list())
        add(f"### {self.heading()}")
        add(*self.paragraph())
        add(self.numbered_list())
        add(self.code_block(), 0)
        add(*self.paragraph())
        add(self.quote())
        while target - count >= 8:
            if self.rng.random() < 0.2:
                add(f"## {self.heading()}")
            add(*self.paragraph(target - count))
        return "\n\n".join(blocks) + "\n"

    # -- network -----------------------------------------------------------------------

    def title(self, tags: list[str]) -> str:
        topic, other = tags[0], tags[-1]
        pattern = self.rng.randrange(6)
        if pattern == 0:
            text = f"How we {self.rng.choice(WORDS[-30:])} {topic} in {self.rng.choice(PLACES)}"
        elif pattern == 1:
            text = f"{self.rng.randint(3, 12)} lessons from {topic}"
        elif pattern == 2:
            text = f"What {topic} taught us about {other}"
        elif pattern == 3:
            text = f"Notes on {topic} and {' '.join(self.words(2))}"
        elif pattern == 4:
            text = f"Why {topic} matters for {self.rng.choice(PLACES)}"
        else:
            text = f"A field guide to {topic}"
        return text[0].upper() + text[1:]

    def authors(self, count: int) -> list[dict]:
        departments = apportion([share for _, _, share, _ in DEPARTMENTS], count)
        department_of = [
            dep for (dep, _, _, _), n in zip(DEPARTMENTS, departments, strict=False) for _ in range(n)
        ]
        self.rng.shuffle(department_of)
        guests = set(self.rng.sample(range(count), round(count * GUEST_SHARE)))
        seen: set[str] = set()
        authors = []
        for i, department in enumerate(department_of):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            author_id = base = f"{first}-{last}"
            name = f"{first.capitalize()} {last.capitalize()}"
            for suffix in itertools.count(2):
                if author_id not in seen:
                    break
                author_id = f"{base}-{suffix}"
                # Namesakes get a middle initial: Chorus refuses two authors readers cannot tell apart.
                name = f"{first.capitalize()} {chr(ord('A') + suffix - 2)}. {last.capitalize()}"
            seen.add(author_id)
            kind = "guest" if i in guests else "expert"
            record = {
                "name": name,
                "kind": kind,
                "title": self.rng.choice(GUEST_TITLES if kind == "guest" else JOB_TITLES[department]),
                "department": department,
                "expertise": self.rng.sample(self.topics[:60], self.rng.randint(2, 4)),
                "bio": " ".join(self.sentence(10, 20) for _ in range(self.rng.randint(2, 3))),
            }
            if kind == "guest":
                record["affiliation"] = self.rng.choice(AFFILIATIONS)
            authors.append({"id": author_id, "record": record})
        return authors


def apportion(weights: list[float], total: int, minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    spare = total - minimum * len(weights)
    exact = [w / sum(weights) * spare for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [c + minimum for c in counts]


def _dump_yaml(data: dict) -> str:
    import yaml  # here, not at the top: run.py imports this module and should stay small

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def generator_fingerprint() -> str:
    """Changes whenever this file does, so a stale corpus is never reused by mistake."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def read_marker(root: str | Path) -> dict | None:
    try:
        return json.loads((Path(root) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def generate(root: str | Path, posts: int = 1000, seed: int = DEFAULT_SEED) -> dict:
    """Write departments.yml, authors/*.yml and content/<author>/*.md under ``root``.

    Refuses a non-empty folder that this function did not generate, so a mistyped path
    can never wipe a real site. Returns the marker (posts, seed, authors, fingerprint).
    """
    if posts < 1:
        raise ValueError("posts must be at least 1")
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        if read_marker(root) is None:
            raise FileExistsError(
                f"{root} is not empty and was not made by {Path(__file__).name}; refusing to overwrite it"
            )
        # The marker goes first, so an interrupted run is never mistaken for a complete one.
        (root / MARKER).unlink()
        shutil.rmtree(root / "content", ignore_errors=True)
        shutil.rmtree(root / "authors", ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)

    corpus = Corpus(seed)
    rng = corpus.rng
    authors = corpus.authors(max(1, round(posts / POSTS_PER_AUTHOR)))

    # Log-normal productivity, but every registered author has written at least one post.
    productivity = [rng.lognormvariate(0.0, 1.0) for _ in authors]
    post_counts = apportion(productivity, posts, minimum=1 if posts >= len(authors) else 0)

    departments = {}
    for (dep_id, name, _, description), colour in zip(DEPARTMENTS, COLOURS, strict=False):
        departments[dep_id] = {"name": name, "description": description, "colour": colour}
        experts = sorted(
            a["id"]
            for a in authors
            if a["record"]["department"] == dep_id and a["record"]["kind"] == "expert"
        )
        if experts:
            departments[dep_id]["lead"] = experts[0]
    _write(root / "departments.yml", _dump_yaml(departments))

    span_minutes = int((LAST_DAY - FIRST_DAY).total_seconds() // 60)
    for author, count in zip(authors, post_counts, strict=False):
        _write(root / "authors" / f"{author['id']}.yml", _dump_yaml(author["record"]))
        slugs: set[str] = set()
        for _ in range(count):
            tags = corpus.tags()
            title = corpus.title(tags)
            # Titles become slugs (file names for Chorus, title slugs for Pelican), which
            # must be unique per author and short enough for Chorus's 80-character limit.
            while slugify(title) in slugs or len(slugify(title)) > 80:
                title = f"{corpus.title(tags)} {rng.randint(2, 999)}"[:70].rstrip()
            slug = slugify(title)
            slugs.add(slug)
            date = FIRST_DAY + dt.timedelta(minutes=rng.randrange(span_minutes + 1))
            header = (
                f"Title: {title}\n"
                f"Date: {date:%Y-%m-%d %H:%M}\n"
                f"Tags: {', '.join(tags)}\n"
                f"Summary: {corpus.sentence(10, 24)}\n"
            )
            _write(root / "content" / author["id"] / f"{slug}.md", header + "\n" + corpus.body())

    marker = {"posts": posts, "seed": seed, "authors": len(authors), "generator": generator_fingerprint()}
    _write(root / MARKER, json.dumps(marker, indent=1) + "\n")
    return marker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", help="folder to create (or a folder this script generated before)")
    parser.add_argument("--posts", type=int, default=1000, help="number of posts (default: 1000)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    try:
        marker = generate(args.out_dir, posts=args.posts, seed=args.seed)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"generated {marker['posts']} posts by {marker['authors']} authors in {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

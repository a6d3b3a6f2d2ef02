"""Time the cross-link computations on synthetic networks: related posts, links and backlinks.

    python benchmarks/bench_crosslinks.py [--posts 1000 10000] [--repeat 3]

The corpus comes from ``generate.py`` (``benchmarks/.work/site-N``, shared with ``run.py``:
reused while N, the seed and generate.py are unchanged). What is timed is the work the
``crosslinks`` plugin adds to a build, on data already read, not Markdown rendering:

- related posts: ``plugins.network.similarity.related_posts`` over title, summary, tags and
  body text of every post (the Markdown source here; the build strips tags from the
  rendered HTML, which leaves the same words);
- links and backlinks: generated posts link nowhere, so each post gets 0-3 links to
  random other posts or profiles (seeded; a mix of ``[[author-id/slug]]``,
  ``[[@author-id]]`` and ``{filename}`` links), which are found in the text
  (``scan_references``), resolved against a ``LinkIndex``, and turned into post and profile
  backlinks.

Each measurement is the best of ``--repeat`` runs (wall-clock seconds and, because the
machine may be shared, CPU seconds of this process); the related lists of every run must
be identical, which checks determinism on the way.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, SimpleNamespace

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(PROJECT_ROOT))

from generate import DEFAULT_SEED, generate, generator_fingerprint, read_marker

from plugins.crosslinks.navigation import post_backlinks, profile_backlinks
from plugins.network.links import LinkIndex, scan_references
from plugins.network.model import Post as ModelPost
from plugins.network.model import RefForm, Status
from plugins.network.similarity import Document, RelatedSettings, related_posts

LINK_SEED = 7


@dataclass
class Post:
    source: str
    owner: str
    title: str
    summary: str
    tags: tuple[str, ...]
    body: str
    department: str


def corpus(posts: int, seed: int) -> Path:
    """benchmarks/.work/site-N, generated unless an identical one is already there."""
    site = WORK_DIR / f"site-{posts}"
    marker = read_marker(site)
    wanted = {"posts": posts, "seed": seed, "generator": generator_fingerprint()}
    if marker and all(marker.get(k) == v for k, v in wanted.items()):
        return site
    print(f"generating {posts} posts in {site.relative_to(PROJECT_ROOT)} …", flush=True)
    generate(site, posts=posts, seed=seed)
    return site


def _departments(site: Path) -> dict[str, str]:
    import yaml

    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["department"]
        for p in (site / "authors").glob("*.yml")
    }


def load_posts(site: Path) -> list[Post]:
    """The generated posts: header fields and body, as the reader would see them."""
    department_of = _departments(site)
    posts = []
    for path in sorted((site / "content").rglob("*.md")):
        header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        owner = path.parent.name
        posts.append(
            Post(
                source=path.relative_to(site / "content").as_posix(),
                owner=owner,
                title=fields["Title"],
                summary=fields.get("Summary", ""),
                tags=tuple(t.strip() for t in fields.get("Tags", "").split(",") if t.strip()),
                body=body,
                department=department_of[owner],
            )
        )
    return posts


def add_links(posts: list[Post]) -> None:
    """Give each post 0-3 links to other posts or profiles, in all three forms."""
    rng = random.Random(LINK_SEED)
    for post in posts:
        links = []
        for _ in range(rng.randint(0, 3)):
            target = rng.choice(posts)
            kind = rng.random()
            if kind < 0.4:
                links.append(f"[[{target.source.removesuffix('.md')}]]")
            elif kind < 0.6:
                links.append(f"[[@{target.owner}|{target.owner}]]")
            else:
                links.append(f"[{target.title}]({{filename}}/{target.source})")
        if links:
            post.body += "\nSee also " + ", ".join(links) + ".\n"


def time_related(posts: list[Post]) -> dict:
    documents = [
        Document(
            key=p.source,
            title=p.title,
            summary=p.summary,
            body=p.body,
            tags=p.tags,
            authors=(p.owner,),
            department=p.department,
        )
        for p in posts
    ]
    return related_posts(documents, RelatedSettings())


def time_links(posts: list[Post]) -> tuple[int, int, int]:
    """Find, resolve and invert every link; return (links, post backlinks, profile backlinks)."""
    models = [
        ModelPost(
            source=p.source,
            path=f"content/{p.source}",
            title=p.title,
            slug=Path(p.source).stem,
            status=Status.PUBLISHED,
            header=MappingProxyType({}),
            body=p.body,
            body_line=1,
            references=(),
            owner=p.owner,
        )
        for p in posts
    ]
    index = LinkIndex(models, {p.owner: p.owner for p in posts})
    articles = [
        SimpleNamespace(relative_source_path=p.source, authors=[SimpleNamespace(slug=p.owner)]) for p in posts
    ]
    links_of, count = {}, 0
    for post in posts:
        resolved = []
        for found in scan_references(post.body):
            if found.form is RefForm.EXTERNAL:
                continue
            target, problem = index.check(found, post.source, Status.PUBLISHED)
            if problem:
                raise SystemExit(f"{post.source}:{found.line}: {problem}")
            resolved.append(target)
        links_of[post.source] = resolved
        count += len(resolved)
    backlinks = post_backlinks(articles, links_of, articles)
    by_author = profile_backlinks(articles, links_of)
    return count, sum(map(len, backlinks.values())), sum(map(len, by_author.values()))


def measure(function, *args, repeat: int):
    """(best wall seconds, best CPU seconds, the result of every run)."""
    walls, cpus, results = [], [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        results.append(function(*args))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--posts", type=int, nargs="+", default=[1000, 10000], help="network sizes (default: 1000 10000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; the best counts (default: 3)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"corpus seed (default: {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    rows = []
    for size in args.posts:
        posts = load_posts(corpus(size, args.seed))
        add_links(posts)
        related_wall, related_cpu, lists = measure(time_related, posts, repeat=args.repeat)
        if any(result != lists[0] for result in lists[1:]):
            raise SystemExit("related posts differ between runs: not deterministic")
        links_wall, links_cpu, counts = measure(time_links, posts, repeat=args.repeat)
        rows.append(
            (size, len({p.owner for p in posts}), related_wall, related_cpu, counts[0], links_wall, links_cpu)
        )
    print(
        f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs, 1-min load {os.getloadavg()[0]:.1f}, best of {args.repeat}"
    )
    print("| posts | authors | related posts: wall s | CPU s | links | links + backlinks: wall s | CPU s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, authors, rw, rc, (links, _, _), lw, lc in rows:
        print(f"| {size:,} | {authors:,} | {rw:.2f} | {rc:.2f} | {links:,} | {lw:.2f} | {lc:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

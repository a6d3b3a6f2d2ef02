"""Gate: Google Lighthouse scores each main page, and a post page with comments on, at least
the thresholds below in its four categories (issues #13 and #16).

One Lighthouse run per page, one page after the other, with Lighthouse's desktop preset, in a
Chromium that Lighthouse launches itself: Debian's (CHROME_PATH) with the gates' flags. The
pages come from the sample network built with absolute URLs for the address it is served
from, as publishconf.py publishes it: Lighthouse's SEO audits want an absolute canonical link,
and the `make html` build writes relative ones. Each report (JSON and HTML) and a summary of
its scores go to test-artifacts/lighthouse/.

Throttling is simulated, Lighthouse's default and what PageSpeed Insights reports: the page
loads at the machine's full speed and Lighthouse computes the metrics a desktop on a
10 Mbit/s, 40 ms connection would see from the requests and tasks it observed. Measured as it
loads ("provided"), a page served from 127.0.0.1 has no network to speak of, so a heavier page
would not score lower, and each run waits 5.25 s of quiet instead of 1 s. Simulated, a busy
machine moves the scores only through the CPU time of the page's own tasks: first and largest
paint come out at 0.25-0.5 s, against the 0.9 s and 1.2 s up to which a desktop page counts
as fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, MAIN_PAGES, ServedSite, build_sample
from .test_conversation import PROVIDERS, commented_post

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Accessibility, best practices and SEO are pass/fail audits, and every page passes all of them:
# less than 100 is a regression. Performance is computed from timings: the issues' 95 leaves
# room for a busy machine while the pages measure 100.
THRESHOLDS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# Where a page is below the issues' aim today: what it reliably reaches (see docs/quality.md).
# (The search page was, at 81-82 and then 94-100, until its results stopped moving as they arrive.)
SHORTFALLS: dict[tuple[str, str], int] = {}
COMMENTED_POST = "commented-post"
# Every main page in English, then in German (the interface language changes the text each
# audit reads: names, labels, the lang attribute), then a post with comments on.
PAGES = [*MAIN_PAGES, *(f"de-{name}" for name in MAIN_PAGES), COMMENTED_POST]
LIGHTHOUSE_OPTIONS = [
    "--only-categories=" + ",".join(CATEGORIES),
    "--preset=desktop",
    "--throttling-method=simulate",
    "--chrome-flags=" + " ".join([*CHROMIUM_ARGS, "--headless=new"]),
    "--no-enable-error-reporting",  # never send anything anywhere, never ask
    "--disable-full-page-screenshot",  # seconds a page, and the report's largest part
    "--output=json",
    "--output=html",
]
REPORTS = ARTIFACTS / "lighthouse"


# -- the pages -------------------------------------------------------------------------------


def published_site(tmp_path_factory, serve, name: str, lang: str = "en", **overrides) -> ServedSite:
    """The sample network built for the address it is served from (absolute URLs)."""
    output = tmp_path_factory.mktemp(name) / "output"
    base = serve(output)
    build_sample(output, lang=lang, SITEURL=base.rstrip("/"), **overrides)
    return ServedSite(output, base)


@pytest.fixture(scope="session")
def lighthouse_site(tmp_path_factory, serve) -> ServedSite:
    return published_site(tmp_path_factory, serve, "lighthouse")


@pytest.fixture(scope="session")
def lighthouse_german_site(tmp_path_factory, serve) -> ServedSite:
    return published_site(tmp_path_factory, serve, "lighthouse-de", lang="de")


@pytest.fixture(scope="session")
def lighthouse_commented_site(tmp_path_factory, serve) -> ServedSite:
    """The same with giscus comments on, as test_conversation.py builds it."""
    return published_site(tmp_path_factory, serve, "lighthouse-giscus", **PROVIDERS["giscus"])


def page_url(request, name: str) -> str:
    """The page's address; each site is built when a page of it is first asked for."""
    if name == COMMENTED_POST:
        site = request.getfixturevalue("lighthouse_commented_site")
        return site.url(commented_post(site.output)[0])
    if name.startswith("de-"):
        return request.getfixturevalue("lighthouse_german_site").url(
            request.getfixturevalue("german_pages")[name.removeprefix("de-")]
        )
    main_pages = request.getfixturevalue("main_pages")
    return request.getfixturevalue("lighthouse_site").url(main_pages[name])


# -- running Lighthouse and reading its report -------------------------------------------------


def run_lighthouse(command: list[str], url: str, name: str) -> dict:
    """One Lighthouse run; its reports are written next to each other, the JSON one is returned."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    base = REPORTS / name
    report = Path(f"{base}.report.json")
    report.unlink(missing_ok=True)
    result = subprocess.run(
        [*command, url, *LIGHTHOUSE_OPTIONS, f"--output-path={base}"],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or not report.is_file():
        raise AssertionError(f"Lighthouse exited {result.returncode} on {url}:\n{result.stderr[-3000:]}")
    lhr = json.loads(report.read_text(encoding="utf-8"))
    if lhr.get("runtimeError"):
        error = lhr["runtimeError"]
        raise AssertionError(f"Lighthouse could not audit {url}: {error['code']}: {error['message']}")
    return lhr


def scores(lhr: dict) -> dict[str, int]:
    return {category: round(lhr["categories"][category]["score"] * 100) for category in CATEGORIES}


def costly_audits(lhr: dict, category: str) -> list[str]:
    """The audits that cost the category points, the costliest first, with what each found."""
    refs = lhr["categories"][category]["auditRefs"]
    total = sum(ref["weight"] for ref in refs)
    lost = []
    for ref in refs:
        audit = lhr["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            points = 100 * ref["weight"] * (1 - audit["score"]) / total
            found = audit.get("displayValue") or audit.get("explanation")
            text = f"{ref['id']}: {audit['title']}" + (f" — {found}" if found else "")
            lost.append((points, f"{text} (-{points:.0f} points)"))
    return [text for _, text in sorted(lost, reverse=True)]


def errored_audits(lhr: dict) -> dict[str, str]:
    """Audits Lighthouse could not run, each with whether it counts toward a score."""
    weights = {ref["id"]: ref["weight"] for c in lhr["categories"].values() for ref in c["auditRefs"]}
    return {
        audit_id: f"{'weighted' if weights.get(audit_id) else 'unweighted'}: {audit['errorMessage']}"
        for audit_id, audit in lhr["audits"].items()
        if audit["scoreDisplayMode"] == "error"
    }


def requested_hosts(lhr: dict) -> set[str]:
    items = lhr["audits"]["network-requests"]["details"]["items"]
    urls = [urlsplit(item["url"]) for item in items]
    return {url.hostname or "" for url in urls if url.scheme in ("http", "https")}


def threshold(name: str, category: str) -> int:
    return SHORTFALLS.get((name, category), THRESHOLDS[category])


# -- the gate ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_scores(name, request, lighthouse_command):
    url = page_url(request, name)
    started = time.monotonic()
    lhr = run_lighthouse(lighthouse_command, url, name)
    got = scores(lhr)
    errored = errored_audits(lhr)
    summary = {
        "url": url,
        "scores": got,
        "thresholds": {category: threshold(name, category) for category in CATEGORIES},
        "audits costing points": {category: costly_audits(lhr, category) for category in CATEGORIES},
        "audits Lighthouse could not run": errored,
        "warnings": lhr["runWarnings"],
        "lighthouse": lhr["lighthouseVersion"],
        "browser": lhr["environment"]["hostUserAgent"],
        "seconds": round(time.monotonic() - started, 1),
    }
    (REPORTS / f"{name}.scores.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    assert requested_hosts(lhr) == {"127.0.0.1"}, f"requests to other hosts: {requested_hosts(lhr)}"
    # An audit that fails to run scores nothing: a weighted one would make the score meaningless.
    weighted = {audit: why for audit, why in errored.items() if why.startswith("weighted")}
    assert not weighted, f"Lighthouse could not run audits that count: {weighted}"
    below = [
        f"{category}: {got[category]} < {threshold(name, category)}; "
        + "; ".join(costly_audits(lhr, category) or ["(no single audit: rounding)"])
        for category in CATEGORIES
        if got[category] < threshold(name, category)
    ]
    assert not below, f"{url}:\n" + "\n".join(below)

"""Gate: comments readers opt into, in a real browser, on the sample network with comments on.

The provider's hosts are intercepted (``page.route``): nothing leaves the machine, and the
stand-ins for giscus's client.js and Remark42's embed.mjs do what the real ones do first,
ask for the thread's frame with its key. Before the button is pressed no request may reach
the provider; after it, the frame's request carries the post's stable id, the id of its
feed entry. Comments-enabled post pages stay valid HTML and free of axe violations.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest

from .support import build_sample
from .test_accessibility import axe_violations
from .test_html_validity import check_html
from .test_html_validity import describe as describe_message

ATOM = "{http://www.w3.org/2005/Atom}"
REMARK42_HOST = "https://comments.halvard.example"
PROVIDERS = {
    "giscus": {
        "COMMENTS_PROVIDER": "giscus",
        "COMMENTS_GISCUS": {
            "repo": "halvard/voices",
            "repo_id": "R_kgDOH1a2bQ",
            "category": "Comments",
            "category_id": "DIC_kwDOH1a2bc4CQ1fz",
        },
    },
    "remark42": {
        "COMMENTS_PROVIDER": "remark42",
        "COMMENTS_REMARK42": {"host": REMARK42_HOST, "site_id": "voices"},
    },
}
# Where each provider's script asks for the thread, and the query parameter naming it.
PROVIDER_HOSTS = {"giscus": {"giscus.app", "github.com"}, "remark42": {"comments.halvard.example"}}
THREAD_FRAME = {
    "giscus": ("https://giscus.app/widget", "term"),
    "remark42": (f"{REMARK42_HOST}/web/iframe.html", "url"),
}

# Stand-ins for the providers' scripts: read the settings the real ones read, open the thread's frame.
GISCUS_CLIENT = """(function () {
  var data = document.currentScript.dataset;
  var frame = document.createElement("iframe");
  frame.title = "Comments";
  frame.src = "https://giscus.app/widget?" + new URLSearchParams({
    origin: location.href, repo: data.repo, term: data.term, strict: data.strict, theme: data.theme
  });
  document.querySelector(".giscus").appendChild(frame);
})();"""
REMARK42_EMBED = """const config = window.remark_config;
const frame = document.createElement("iframe");
frame.title = "Comments";
frame.src = config.host + "/web/iframe.html?" + new URLSearchParams({
  site_id: config.site_id, url: config.url, theme: config.theme
});
document.getElementById("remark42").appendChild(frame);"""
SCRIPTS = {"giscus": ("client.js", GISCUS_CLIENT), "remark42": ("embed.mjs", REMARK42_EMBED)}


@pytest.fixture(scope="session")
def commented_sites(tmp_path_factory, serve):
    """The sample network built with each provider (built on first use), served from the root."""
    built = {}

    def get(provider: str):
        if provider not in built:
            output = build_sample(
                tmp_path_factory.mktemp(f"comments-{provider}") / "output", **PROVIDERS[provider]
            )
            built[provider] = (output, serve(output))
        return built[provider]

    return get


def commented_post(output) -> tuple[str, str]:
    """A post with a comments section, and its stable id as the network feed gives it."""
    feed = ElementTree.parse(output / "feeds/network/atom.xml").getroot()
    for entry in feed.iter(f"{ATOM}entry"):
        path = urlsplit(entry.find(f"{ATOM}link").get("href")).path
        if "data-comments" in (output / path.strip("/") / "index.html").read_text(encoding="utf-8"):
            return path, entry.find(f"{ATOM}id").text
    raise AssertionError("no post of the sample network has a comments section")


def intercept(page, provider: str, requests: list[str]) -> None:
    """Answer every request to the provider's hosts here, recording it; nothing leaves the machine."""
    script_name, script = SCRIPTS[provider]

    def answer(route):
        url = route.request.url
        requests.append(url)
        if urlsplit(url).path.endswith(script_name):
            route.fulfill(
                body=script,
                content_type="text/javascript",
                headers={"Access-Control-Allow-Origin": "*"},
            )
        else:
            route.fulfill(body="<!doctype html><title>Comments</title>", content_type="text/html")

    for host in PROVIDER_HOSTS[provider]:
        page.route(f"https://{host}/**", answer)


def open_post(context, base: str, path: str, provider: str):
    page = context.new_page()
    provider_requests: list[str] = []
    errors: list[str] = []
    intercept(page, provider, provider_requests)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(base + path.lstrip("/"), wait_until="networkidle")
    return page, provider_requests, errors


def expect_thread(page, provider: str):
    """Wait (around an action) until the provider's script asks for the thread's frame."""
    frame, _ = THREAD_FRAME[provider]
    return page.expect_request(lambda request: request.url.startswith(frame + "?"))


def thread_keys(provider: str, requests: list[str]) -> list[str]:
    frame, key = THREAD_FRAME[provider]
    return [parse_qs(urlsplit(url).query)[key][0] for url in requests if url.startswith(frame + "?")]


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_comments_load_only_after_the_button_with_the_posts_id(provider, commented_sites, context):
    output, base = commented_sites(provider)
    path, stable_id = commented_post(output)
    page, requests, errors = open_post(context, base, path, provider)
    button = page.locator("[data-comments-load]")
    assert button.is_visible(), "the button is shown once comments.js runs"
    page.wait_for_timeout(300)  # anything eager would have asked by now
    assert requests == [], f"requested before the reader asked: {requests}"
    with expect_thread(page, provider) as asked:
        button.click()
    assert thread_keys(provider, [asked.value.url]) == [stable_id], asked.value.url
    assert page.locator("[data-comments-status]").inner_text().startswith("Comments from ")
    assert not errors, errors


def test_a_remembered_choice_loads_comments_on_the_next_visit_until_forgotten(commented_sites, context):
    output, base = commented_sites("giscus")
    path, stable_id = commented_post(output)
    page, requests, _ = open_post(context, base, path, "giscus")
    page.check("[data-comments-remember]")
    with expect_thread(page, "giscus"):
        page.click("[data-comments-load]")
    page.close()

    again, requests, _ = open_post(context, base, path, "giscus")  # loaded until the network is idle
    assert thread_keys("giscus", requests) == [stable_id], "loaded without a press, as chosen"
    assert again.locator("[data-comments-remembered]").is_visible()
    again.click("[data-comments-forget]")
    again.close()

    last, requests, _ = open_post(context, base, path, "giscus")
    last.wait_for_timeout(300)
    assert requests == [] and last.locator("[data-comments-load]").is_visible()


def test_without_javascript_the_section_offers_a_plain_link_and_requests_nothing(commented_sites, browser):
    output, base = commented_sites("giscus")
    path, stable_id = commented_post(output)
    context = browser.new_context(java_script_enabled=False)
    try:
        page, requests, _ = open_post(context, base, path, "giscus")
        assert requests == []
        assert not page.locator("[data-comments-load]").is_visible()
        link = page.locator(".comments-link a").get_attribute("href")
        assert parse_qs(urlsplit(link).query) == {"discussions_q": [f'"{stable_id}"']}
        assert page.locator(".share-links a").count() == 3, "sharing needs no script"
    finally:
        context.close()


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_comment_sections_keep_post_pages_accessible(provider, commented_sites, context, axe_script):
    output, base = commented_sites(provider)
    path, _ = commented_post(output)
    page, _, _ = open_post(context, base, path, provider)
    violations = axe_violations(page, axe_script)
    assert not violations, f"{path}:\n" + "\n".join(violations)


def test_comment_sections_keep_post_pages_valid_html(commented_sites, vnu_command):
    errors = []
    for provider in PROVIDERS:
        output, _ = commented_sites(provider)
        pages = sorted((output / "posts").glob("*/*/index.html"))
        errors += [f"{provider}: {describe_message(m, output)}" for m in check_html(vnu_command, pages)]
    assert not errors, f"{len(errors)} Nu Html Checker errors:\n" + "\n".join(errors)

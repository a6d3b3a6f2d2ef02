"""`chorus serve`: live reload and the error overlay's data, the site's own 404, the served
address in feeds, and nothing of the preview in the published output."""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chorus.serve import EVENTS_PATH, SCRIPT_PATH, PreviewServer, _media_type, is_source_change, real_changes
from conftest import NOW, png_bytes, post, running_preview


@pytest.fixture
def preview(site):
    """A running preview of the tiny site on a free port; yields its base URL."""
    with running_preview(site) as address:
        yield address


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def events(url: str):
    """The server-sent 'build' events, decoded, as they arrive."""
    response = urllib.request.urlopen(url + EVENTS_PATH, timeout=60)
    for line in response:
        if line.startswith(b"data: "):
            yield json.loads(line[len(b"data: ") :])


def test_pages_get_the_live_script_only_while_served(preview, site):
    status, html = get(preview + "/posts/alice/hello/")
    assert status == 200 and SCRIPT_PATH in html
    assert get(preview + SCRIPT_PATH)[0] == 200
    written = "".join(p.read_text(errors="replace") for p in site.output.rglob("*.html"))
    assert "__chorus" not in written, "the preview's script must never reach the output"


def test_a_folders_page_without_its_slash_is_sent_to_the_address_with_it(preview):
    """/posts/alice/hello answered the page itself, where a static host redirects: its
    relative links then resolved one folder too high."""
    import http.client

    host = urlsplit(preview)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    connection.request("GET", "/posts/alice/hello?x=1")
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == "/posts/alice/hello/?x=1"
    connection.close()
    assert get(preview + "/posts/alice/hello")[0] == 200  # followed
    assert get(preview + "/feeds/network/atom.xml")[0] == 200  # a file is served as it is


def test_missing_pages_get_the_sites_own_404(preview):
    status, html = get(preview + "/no/such/page/")
    assert status == 404 and "<html" in html and SCRIPT_PATH in html


def test_lists_of_feeds_and_redirects_are_shown_not_downloaded(preview, site):
    """An OPML list and _redirects were served as application/octet-stream: a click saved
    them. A static host shows them; so does the preview."""
    with urllib.request.urlopen(preview + "/feeds/network.opml", timeout=10) as response:
        assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    with urllib.request.urlopen(preview + "/feeds/network/feed.json", timeout=10) as response:
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert _media_type("_redirects") == "text/plain; charset=utf-8"  # written when a post moved


def test_the_port_has_a_short_option_as_hugo_and_pelican_have():
    from chorus.cli import make_parser

    assert make_parser().parse_args(["serve", "-p", "8124"]).port == 8124


def test_a_site_with_a_siteurl_is_previewed_at_the_address_served(site):
    """With SITEURL set (publishconf.py, or pelicanconf.py), every link of the preview led to
    the live site."""
    site.write(
        "pelicanconf.py",
        "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
        "SITEURL = 'https://voices.example.com'\n",
    )
    with running_preview(site) as address:
        _, home = get(address + "/")
        assert "https://voices.example.com" not in home and 'href="/posts/alice/hello/"' in home
        _, atom = get(address + "/feeds/network/atom.xml")
        assert f'href="{address}/posts/alice/hello/"' in atom and "voices.example.com/posts" not in atom


def test_a_first_build_that_fails_is_shown_and_the_fix_is_followed(site):
    """With no good build to serve, every address answered a bare 'not found', without the
    live script: no error shown in the browser, and no reload once the post was fixed."""
    site.write("content/alice/hello.md", post("Hello from service", Author="bob"))
    with running_preview(site) as address:
        stream = events(address)
        first = next(stream)
        assert first["problems"]
        status, page = get(address + "/posts/alice/hello/")
        assert status == 404 and SCRIPT_PATH in page and "Not built yet" in page
        site.write("content/alice/hello.md", post("Hello from service"))
        assert next(stream)["problems"] == []
        assert get(address + "/posts/alice/hello/")[0] == 200


def test_feeds_use_the_address_actually_served(preview):
    _, atom = get(preview + "/feeds/network/atom.xml")
    assert f'href="{preview}/posts/alice/hello/"' in atom


def test_a_failed_build_is_sent_with_its_lines_and_a_good_one_clears_it(preview, site):
    stream = events(preview)
    first = next(stream)
    assert first["problems"] == []
    site.write("content/alice/hello.md", post("Hello", body="See [[bob/nothing]]."))
    failed = next(stream)
    assert failed["generation"] > first["generation"]
    assert failed["problems"] == ["content/alice/hello.md:4:5: error: unknown post '[[bob/nothing]]'"]
    assert get(preview + "/posts/alice/hello/")[0] == 200, "the last good build is still served"
    site.write("content/alice/hello.md", post("Hello again"))
    fixed = next(stream)
    assert fixed["problems"] == [] and "Hello again" in get(preview + "/posts/alice/hello/")[1]


def test_serve_strict_fails_a_build_with_warnings_as_build_strict_does(site, capsys):
    site.write("content/bob/chart.png", png_bytes())
    site.write("content/bob/x.md", post(body="See [the chart]({filename}chart.png)."))  # Pelican: {static}
    with running_preview(site, strict=True) as address:
        stream = events(address)
        first = next(stream)
        assert first["problems"] and all(line.startswith("warning: ") for line in first["problems"])
        # Pelican logs a warning once per process: the next build saw none and passed.
        site.write("content/alice/hello.md", post("Hello from service", body="Edited."))
        assert next(stream)["problems"] == first["problems"]
    capsys.readouterr()
    with running_preview(site) as address:
        assert next(events(address))["problems"] == []
    # Not a failure without --strict, but said: CI's strict build would fail on it.
    assert "warning: {filename} used for linking to static content" in capsys.readouterr().err


def test_a_settings_typo_does_not_end_the_preview(preview, site):
    stream = events(preview)
    next(stream)
    site.write("pelicanconf.py", "SITENAME = undefined_name\n")
    failed = next(stream)
    assert failed["problems"] == ["pelicanconf.py:1: error: NameError: name 'undefined_name' is not defined"]
    (site.root / "pelicanconf.py").unlink()
    assert next(stream)["problems"] == []
    # SystemExit is no Exception: it ended the thread that rebuilds, and no save built again.
    site.write("pelicanconf.py", "import sys\nsys.exit('set CHORUS_SITEURL first')\n")
    assert next(stream)["problems"] == [
        "pelicanconf.py:2: error: the settings file exited: set CHORUS_SITEURL first"
    ]
    (site.root / "pelicanconf.py").unlink()
    assert next(stream)["problems"] == []


def test_notes_and_other_outputs_beside_the_site_are_no_source_change(tmp_path):
    """README.md, or `make html-de` writing output-de/, started a full build of the preview."""
    root = tmp_path / "site"
    (root / "output-de/posts").mkdir(parents=True)
    (root / "output-de/.chorus-output").write_text("marked")
    for relative, counts in [
        ("README.md", False),
        ("output-de", False),
        ("output-de/posts/index.html", False),
        ("content/README.md", True),  # in content/, a post
        ("pelicanconf-de.py", True),
    ]:
        assert is_source_change(str(root / relative), root, root / "output") is counts, relative


@pytest.mark.parametrize(
    "path, counts",
    [
        ("/site/content/alice/hello.md", True),
        ("/site/pelicanconf.py", True),
        ("/site/output/index.html", False),
        ("/site/cache/cards/x.png", False),
        ("/site/content/alice/.hello.md.swp", False),
        ("/site/content/alice/hello.md~", False),
        ("/site/content/alice/#hello.md#", False),
        ("/site/.git/index", False),
        ("/site/.github/CODEOWNERS", True),  # a rule reads it: `chorus codeowners` must clear its error
        ("/site/.github/workflows/ci.yml", False),
        ("/site/.output-building-x1y2/posts/alice/hello/index.html", False),  # a build's staging folder
    ],
)
def test_what_counts_as_a_source_change(path, counts):
    assert is_source_change(path, Path("/site")) is counts


def test_an_editors_atomic_save_takes_the_fast_path_as_a_save_in_place_does(preview, site):
    """vim tests the folder with a file '4913', JetBrains IDEs write 'x.md___jb_tmp___' and
    rename the old file aside: counted as changes, they sent every save to the full build."""
    stream = events(preview)
    next(stream)
    site.write("content/alice/hello.md", post("Hello from service", Summary="Alice says hello."))
    state = next(stream)
    while state["fast"] or state["building"]:
        state = next(stream)
    hello = site.root / "content/alice/hello.md"
    probe = site.write("content/alice/4913", "")
    probe.unlink()
    temporary = site.write(
        "content/alice/hello.md___jb_tmp___",
        post("Hello from service", Summary="Alice says hello.", body="Saved the JetBrains way."),
    )
    hello.rename(site.root / "content/alice/hello.md___jb_old___")
    temporary.rename(hello)
    (site.root / "content/alice/hello.md___jb_old___").unlink()
    state = next(stream)
    while state["fast"] or state["building"]:
        state = next(stream)
    assert state["edited"] and state["problems"] == [], state  # rewritten by the body path, no build
    assert "Saved the JetBrains way." in get(preview + "/posts/alice/hello/")[1]


@pytest.mark.parametrize(
    "names, failed, counted",
    [
        (["hello.md", "4913", "hello.md___jb_old___", "sedAbC123"], False, ["hello.md"]),
        (["gone.md", "gone.png"], False, ["gone.md", "gone.png"]),  # deleted sources count
        (["bob", "CODEOWNERS"], False, ["bob", "CODEOWNERS"]),  # a folder moved away, a file removed
        (["4913"], True, ["4913"]),  # after a failed build, a stray file may be what failed it
    ],
)
def test_files_an_editor_made_and_removed_are_not_changes(tmp_path, names, failed, counted):
    (tmp_path / "hello.md").write_text("x")
    assert sorted(p.name for p in real_changes({tmp_path / n for n in names}, failed)) == sorted(counted)


def test_a_browser_that_goes_away_mid_answer_prints_no_traceback(capsys):
    """`curl … | head -c 100`, or a reload while a page loads: 17 lines of traceback each."""
    server = PreviewServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    try:
        for error in (
            ConnectionResetError(104, "Connection reset by peer"),
            BrokenPipeError(32, "Broken pipe"),
        ):
            try:
                raise error
            except OSError:
                server.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a bug")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 1))
        assert "ValueError: a bug" in capsys.readouterr().err  # a real error is still shown
    finally:
        server.server_close()


def test_the_output_deleted_while_serving_is_built_again(preview, site):
    """`rm -rf output`, then a save: the fast paths wrote the post's pages into a new folder
    without the output's mark, and every build after refused to replace it."""
    import shutil

    stream = events(preview)
    next(stream)
    shutil.rmtree(site.output)
    site.write("content/alice/hello.md", post("Hello from service", body="After the output was deleted."))
    state = next(stream)
    while state["fast"] or state["building"]:
        state = next(stream)
    assert state["problems"] == []
    assert "After the output was deleted." in get(preview + "/posts/alice/hello/")[1]
    assert get(preview + "/")[0] == 200  # the whole site, not the post alone


def test_a_page_says_which_state_of_the_output_it_shows(preview, site):
    """So a page that loads while the output changes reloads once its event stream connects."""
    stream = events(preview)
    first = next(stream)
    assert f'data-generation="{first["generation"]}"' in get(preview + "/posts/alice/hello/")[1]
    site.write("content/alice/hello.md", post("Hello, edited"))
    changed = next(stream)
    assert changed["generation"] > first["generation"]
    assert f'data-generation="{changed["generation"]}"' in get(preview + "/posts/alice/hello/")[1]


def test_serve_drafts_shows_them_in_a_preview_of_its_own_never_in_output(site):
    import subprocess
    import sys
    import threading

    from conftest import NOW

    site.write("content/bob/notes.md", post("Working notes", Status="draft", body="DRAFT-CANARY"))
    command = [sys.executable, "-m", "chorus.cli", "serve", "--drafts", "--port", "0", "--now", NOW]
    process = subprocess.Popen(
        command, cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    watchdog = threading.Timer(120, process.kill)  # a preview that never starts ends the read below
    watchdog.start()
    try:
        said = []
        for line in process.stdout:
            said.append(line)
            if line.startswith("serving "):
                break
        address = said[-1].split(" at ")[1].split(" ")[0].rstrip("/")
        assert f"  content/bob/notes.md: {address}/posts/bob/notes/\n" in said, said
        status, page = get(f"{address}/posts/bob/notes/")
        assert status == 200 and "DRAFT-CANARY" in page
        assert said[-1].startswith(f"serving {site.root / 'cache/drafts-preview'} at ")
        assert not (site.root / "output").exists()
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(30)


def _retired(output) -> list:
    return list(output.parent.glob(f".{output.name}-old-*"))


def test_the_preview_goes_on_while_the_output_it_replaced_is_deleted(site, monkeypatch):
    from chorus import build as build_module
    from chorus.build import build_site

    site.build()
    deleting, may_finish = threading.Event(), threading.Event()
    retire = build_module._retire

    def slow_retire(retired):  # a deletion that takes as long as the test says
        deleting.set()
        assert may_finish.wait(30)
        retire(retired)

    monkeypatch.setattr(build_module, "_retire", slow_retire)
    site.write("content/alice/second.md", post("A second post"))
    done = threading.Event()
    options = {"overrides": {"CHORUS_NOW": NOW, "CACHE_PATH": str(site.root / "cache")}}
    threading.Thread(
        target=lambda: (build_site(site.root, retire_in_background=True, **options), done.set()), daemon=True
    ).start()
    # The build returns, with the new output in place, while the old one is still being deleted.
    assert done.wait(60) and deleting.is_set() and not may_finish.is_set()
    assert (site.output / "posts/alice/second/index.html").is_file()
    assert len(_retired(site.output)) == 1
    may_finish.set()
    for _ in range(300):
        if not _retired(site.output):
            break
        time.sleep(0.1)
    assert _retired(site.output) == []


def test_what_an_interrupted_deletion_left_goes_with_the_next_build(site):

    from chorus.build import LEFTOVER_AGE

    site.build()

    def retired_folder(name: str, age: float):
        folder = site.output.parent / f".{site.output.name}-old-{name}"
        (folder / "site" / "posts").mkdir(parents=True)
        (folder / "site" / "posts" / "index.html").write_text("an output replaced earlier")
        os.utime(folder, (time.time() - age, time.time() - age))
        return folder

    long_ago = retired_folder("x1y2z3w4", LEFTOVER_AGE + 60)
    just_now = retired_folder("a1b2c3d4", 1)  # perhaps another build's, about to be filled
    not_ours = retired_folder("backup", LEFTOVER_AGE + 60)  # not a name the build makes
    site.build()
    assert not long_ago.exists() and just_now.exists() and not_ours.exists()
    assert (site.output / "posts/alice/hello/index.html").is_file()


def test_the_staging_folder_of_a_build_whose_process_ended_goes_with_the_next_build(site):
    """`chorus serve` stopped by SIGTERM (or a killed CI job) in the middle of a build left
    its staging folder, as large as the site, beside the output for good."""
    import subprocess
    import sys

    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid, live_pid = int(ended.stdout), os.getppid()  # the first has ended; our parent runs

    def staging(pid: int, name: str):
        folder = site.root / f".output-building-{pid}-{name}"
        (folder / "posts").mkdir(parents=True)
        return folder

    killed, running = staging(dead_pid, "k1l2m3n4"), staging(live_pid, "r1u2n3n4")
    site.build()
    assert not killed.exists(), "its process ended: nothing will ever finish or delete it"
    assert running.exists(), "another process is building into it"
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output-building-") and p != running]


def test_sigterm_ends_the_preview_as_ctrl_c_does(site):
    """A terminal closed or `kill` sent SIGTERM, which ended the process where it stood: in
    the middle of a build, its staging folder stayed beside the output."""
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "chorus.cli", "serve", "--root", str(site.root), "--port", "0", "--now", NOW],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stdout:
            if line.startswith("serving "):
                break
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output-building-")]


def test_an_interrupted_preview_does_not_wait_for_the_build_under_way():
    """Stopped by Ctrl-C or SIGTERM, the preview waited for a full build in its thread to
    end (a minute at 10,000 posts); `hugo server` stops at once. The build is abandoned
    (the next one deletes its staging folder); a test's stop still waits for it."""
    from chorus.serve import Preview, Rebuilder

    started = threading.Event()

    def slow_build():
        started.set()
        time.sleep(3)
        raise RuntimeError("not a real build")

    rebuilder = Rebuilder(Preview(Path("/nonexistent")), slow_build)
    rebuilder.request()
    assert started.wait(5)
    begun = time.monotonic()
    rebuilder.stop(wait=False)
    assert time.monotonic() - begun < 1

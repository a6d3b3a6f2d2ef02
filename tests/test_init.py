"""`chorus init`: a new network repository that checks and builds at once, and holds only
what the company sets."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from chorus import __version__
from chorus.cli import main

FILES = [
    ".github/CODEOWNERS",
    ".github/workflows/network.yml",
    ".gitignore",
    "README.md",
    "authors/editor.yml",
    "content/editor/welcome.md",
    "departments.yml",
    "pelicanconf.py",
    "policy.yml",
    "publishconf.py",
    "requirements.txt",
]


def init(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["init", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_new_network_checks_and_builds_strictly_at_once(tmp_path, capsys, monkeypatch):
    network = tmp_path / "acme"
    monkeypatch.chdir(tmp_path)
    code, out = init(capsys, "acme", "--name", "Acme Tools", "--url", "https://voices.acme.example/")
    assert code == 0, out
    written = sorted(p.relative_to(network).as_posix() for p in network.rglob("*") if p.is_file())
    assert [p for p in written if not p.endswith(".gitkeep")] == FILES
    assert [line for line in out.splitlines() if line.startswith("created ")] == [
        f"created acme/{path}" for path in FILES
    ]
    # As of now: the welcome post is dated today, and published at once.
    assert main(["check", "--root", str(network)]) == 0
    assert main(["build", "--strict", "--root", str(network)]) == 0
    home = (network / "output/index.html").read_text(encoding="utf-8")
    assert "Acme Tools Voices" in home and '<html lang="en">' in home
    assert (network / "output/posts/editor/welcome/index.html").is_file()
    assert (network / "output/authors/editor/index.html").is_file()


def test_settings_hold_only_what_the_company_sets(tmp_path, capsys):
    network = tmp_path / "acme"
    assert init(capsys, str(network), "--name", "Acme Tools", "--url", "https://voices.acme.example")[0] == 0
    settings = (network / "pelicanconf.py").read_text(encoding="utf-8")
    assert "globals().update(chorus_settings(__file__))" in settings
    assigned = [line.split(" = ")[0] for line in settings.splitlines() if " = " in line and line[0].isupper()]
    assert assigned == [
        "SITENAME",
        "CHORUS_COMPANY",
        "SITEURL",
        "DEFAULT_LANG",
        "TIMEZONE",
        "CHORUS_EDITORS",
        "CHORUS_DEPARTMENT_EDITORS",
        "DEPARTMENT_FEEDS_ID_DOMAIN",
    ]
    assert 'DEPARTMENT_FEEDS_ID_DOMAIN = "voices.acme.example"' in settings
    assert (network / "requirements.txt").read_text().splitlines()[-1] == f"chorus=={__version__}"
    welcome = (network / "content/editor/welcome.md").read_text(encoding="utf-8")
    assert f"Date: {dt.datetime.now(dt.UTC).date().isoformat()}" in welcome
    assert yaml.safe_load((network / "policy.yml").read_text()) == {"rules": []}
    assert "- id: customer-names" in (network / "policy.yml").read_text()  # commented examples


def test_publishing_settings_take_the_address_ci_gives(tmp_path, capsys, monkeypatch):
    network = tmp_path / "acme"
    assert init(capsys, str(network), "--name", "Acme", "--lang", "de")[0] == 0
    monkeypatch.setenv("CHORUS_SITEURL", "https://acme.github.io/voices")
    publish = ["build", "--strict", "--root", str(network), "-s", str(network / "publishconf.py")]
    assert main(publish) == 0
    sitemap = (network / "output/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://acme.github.io/voices/posts/editor/welcome/</loc>" in sitemap
    assert '<html lang="de">' in (network / "output/index.html").read_text(encoding="utf-8")
    # Without --url the feed id domain is left for the company to set, with a hint.
    assert '# DEPARTMENT_FEEDS_ID_DOMAIN = "voices.example.com"' in (network / "pelicanconf.py").read_text()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    code, out = init(capsys, str(tmp_path), "--name", "Acme")
    assert code == 1
    assert f"{tmp_path}: error: is not empty: chorus init only writes into a new or empty folder" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    # A folder holding only a fresh `git init` is empty enough.
    fresh = tmp_path / "fresh"
    (fresh / ".git").mkdir(parents=True)
    assert init(capsys, str(fresh), "--name", "Acme")[0] == 0
    # A file is not a folder: said as such, and kept.
    code, out = init(capsys, str(tmp_path / "notes.txt"), "--name", "Acme")
    assert code == 1
    assert f"{tmp_path / 'notes.txt'}: error: is a file: chorus init writes into a new or empty folder" in out
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--name", " "],
            "chorus init: error: --name must be one line of text, like 'Halvard Instruments', found ''",
        ),
        (
            ["--name", "A", "--url", "ftp://x"],
            "chorus init: error: --url must be an absolute http(s) URL like 'https://voices.example.com', found 'ftp://x'",
        ),
        (
            ["--name", "A", "--lang", "English"],
            "chorus init: error: --lang must be a language code like 'en', 'de' or 'pt-BR', found 'English'",
        ),
        (
            ["--name", "A", "--lang", "pt-BR"],
            "chorus init: error: --lang: no translation of the interface for 'pt-BR' (expected one of de, en, fr)",
        ),
    ],
)
def test_init_refuses_bad_values_and_writes_nothing(tmp_path, capsys, args, message):
    code, out = init(capsys, str(tmp_path / "acme"), *args)
    assert code == 1 and message in out.splitlines()
    assert not (tmp_path / "acme").exists()

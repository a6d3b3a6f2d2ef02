"""Chorus as a company gets it: a wheel that carries everything a build needs, installed
into a fresh virtual environment outside this repository.

How the test installs it, offline and in well under a minute:

- The wheel is built from a copy of the files an sdist holds (``pyproject.toml``,
  ``README.md``, ``chorus/``, ``plugins/``, ``theme/``) with ``pip wheel --no-deps
  --no-build-isolation --no-index``: the test environment's setuptools builds it, nothing
  is downloaded, and nothing is written into the checkout.
- A fresh venv (no pip, no packages) gets the wheel with ``pip --python <venv> install
  --no-deps --no-index``: pip runs inside the fresh interpreter, so the files, the
  ``chorus`` console script and the metadata land in the venv as for any user.
- Only then, Chorus's dependencies (Pelican, Pillow, Pagefind, …) are made visible to the
  fresh venv through a ``.pth`` file naming the test environment's site-packages. A ``.pth``
  line only appends a folder to ``sys.path``, after the venv's own site-packages, and the
  ``.pth`` files inside that folder are not run: the editable install of this repository
  stays invisible, and ``import chorus`` finds the wheel's copy. The test proves it from
  ``chorus.__file__`` and from the theme's folder.

Installing the dependencies' own wheels would need them downloaded (or rebuilt from the
test environment, which pip cannot do); what this test is about is Chorus's own package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

from chorus import __version__
from chorus.conf import PROJECT_ROOT, THEME_DIR
from conftest import SAMPLE_AS_OF

SDIST_FILES = ("pyproject.toml", "README.md")
SDIST_FOLDERS = ("chorus", "plugins", "theme")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def _pyproject() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _package_folders() -> dict[str, Path]:
    """Every folder under chorus/, plugins/ and theme/, by the package name it ships as."""
    found = {}
    for top, name in (("chorus", "chorus"), ("plugins", "plugins"), ("theme", "chorus.theme")):
        base = PROJECT_ROOT / top
        for folder in [base, *sorted(p for p in base.rglob("*") if p.is_dir())]:
            if folder.name != "__pycache__":
                found[".".join((name, *folder.relative_to(base).parts))] = folder
    return found


def test_every_folder_of_the_package_is_listed_in_pyproject():
    setuptools = _pyproject()["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    folders = _package_folders()
    holding_files = {name for name, folder in folders.items() if any(f.is_file() for f in folder.iterdir())}
    assert holding_files - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - set(folders) == set(), "these packages have no folder"
    assert setuptools["package-dir"] == {"chorus.theme": "theme"}


def test_checkout_finds_the_theme_at_the_top_level():
    assert THEME_DIR == PROJECT_ROOT / "theme"
    assert (THEME_DIR / "templates/base.html").is_file()


class Installed:
    """Chorus installed from its wheel into a fresh venv; commands run outside the repository."""

    def __init__(self, venv_dir: Path, wheel: Path):
        self.venv = venv_dir
        self.wheel = wheel
        self.python = venv_dir / "bin" / "python"
        self.chorus = venv_dir / "bin" / "chorus"
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}

    def run(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
        assert not Path(cwd).resolve().is_relative_to(PROJECT_ROOT)
        return subprocess.run(
            [str(a) for a in args], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=300
        )


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Installed:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SDIST_FILES:
        shutil.copy2(PROJECT_ROOT / name, source / name)
    for name in SDIST_FOLDERS:
        shutil.copytree(PROJECT_ROOT / name, source / name, ignore=_IGNORED)
    dist = work / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, source],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = dist.glob("chorus-*.whl")

    venv_dir = work / "venv"
    venv.create(venv_dir, with_pip=False, symlinks=True)
    python = venv_dir / "bin" / "python"
    done = subprocess.run(
        [*pip, "--python", python, "install", "--no-deps", "--no-index", wheel],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "_chorus_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return Installed(venv_dir, wheel)


def test_the_wheel_is_the_copy_that_runs(installed, tmp_path):
    version = installed.run(installed.chorus, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"chorus {__version__}"
    probe = installed.run(
        installed.python,
        "-c",
        "import json, chorus, chorus.conf, plugins;"
        "print(json.dumps([chorus.__file__, plugins.__file__, str(chorus.conf.THEME_DIR)]))",
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    site_packages = (installed.venv / "lib").resolve()
    for path in json.loads(probe.stdout):
        assert Path(path).resolve().is_relative_to(site_packages), path
    theme = Path(json.loads(probe.stdout)[2])
    assert theme.name == "theme" and theme.parent.name == "chorus"
    shipped = {p.relative_to(theme).as_posix() for p in theme.rglob("*") if p.is_file()}
    expected = {
        p.relative_to(THEME_DIR).as_posix()
        for p in THEME_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert shipped == expected


def test_a_company_starts_its_network_with_the_installed_chorus(installed, tmp_path):
    """The three commands of the README's "Start your own network", outside this repository."""
    created = installed.run(installed.chorus, "init", "acme", "--name", "Acme Tools", cwd=tmp_path)
    assert created.returncode == 0, created.stdout + created.stderr
    network = tmp_path / "acme"
    built = installed.run(installed.chorus, "build", "--strict", cwd=network)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "built 1 published posts" in built.stdout
    assert (network / "output/posts/editor/welcome/index.html").is_file()
    assert (network / "output/theme/css/chorus.css").read_bytes() == (
        THEME_DIR / "static/css/chorus.css"
    ).read_bytes()
    checked = installed.run(installed.chorus, "check", cwd=network)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The one thing left to say: nobody reviews the editor's folder until they add their GitHub user name.
    assert "0 error(s), 1 warning(s)" in checked.stderr
    assert "authors/editor.yml: warning: codeowners: no 'github:' handle" in checked.stdout


def test_the_demo_network_builds_from_the_wheel(installed, tmp_path):
    """The sample company is built the way an outside network is: its own folder, the
    installed package, nothing from this repository's code."""
    network = tmp_path / "halvard"
    for name in ("content", "authors"):
        shutil.copytree(PROJECT_ROOT / name, network / name)
    for name in (
        "departments.yml",
        "policy.yml",
        "redirects.yml",
        "pelicanconf.py",
        "publishconf.py",
        ".github/CODEOWNERS",
    ):
        (network / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, network / name)
    built = installed.run(installed.chorus, "build", "--strict", "--now", SAMPLE_AS_OF, cwd=network)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (network / "output/theme/css/chorus.css").is_file()
    assert (network / "output/pagefind/pagefind.js").is_file()
    assert any((network / "output/cards").rglob("*.png"))
    checked = installed.run(installed.chorus, "check", "--now", SAMPLE_AS_OF, cwd=network)
    assert checked.returncode == 0, checked.stdout + checked.stderr

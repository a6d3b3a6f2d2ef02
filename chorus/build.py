"""Run Pelican for a Chorus site: user errors without tracebacks, and no half-written output.

The site is built into a fresh folder next to the output folder and swapped in only when
the build succeeded, so a failed build leaves the previous output untouched (and a preview
server keeps serving it).
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from pelican import Pelican, signals
from pelican.log import LimitFilter
from pelican.settings import read_settings
from pelican.writers import FileOverwriteFailedError

from chorus.conf import TEMPLATES_DIR, chorus_settings
from chorus.gate import check_output
from chorus.site_plugins import plugin_problems
from plugins.network import ChorusError, ConfigError, Problem
from plugins.network.errors import ERROR, WARNING, display_path
from plugins.network.policy import load_policy
from plugins.network.reuse import PreviousPages
from plugins.network.settings import SETTINGS_FILE
from plugins.network.state import DRAFTS_SHOWN_KEY, BuildState, DraftsShown, get_state
from plugins.network.urls import UrlScheme


class BuildFailed(Exception):
    """The build stopped; ``problems`` say why, in ``path:line: level: message`` form."""

    def __init__(self, problems: Sequence[Problem | str]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class BuildResult:
    output: Path
    warnings: list[str] = field(default_factory=list)
    articles: int = 0
    urls: UrlScheme | None = None  # where the run wrote each kind of page
    # Pelican's generators of the run, with their context and templates (``keep_generators``):
    # ``chorus serve`` renders an edited post's page again from them (chorus/incremental.py).
    generators: list = field(default_factory=list, repr=False)
    # The drafts written as if published (``drafts_shown``), as (source shown, URL path).
    drafts: list[tuple[str, str]] = field(default_factory=list)
    reused_files: int = 0  # pages and feeds taken from the last build (``reuse``), not rendered


class _Recorder(logging.Handler):
    """Keeps every warning and error Pelican or a plugin logs: they decide the build's fate."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(message)


def _forget_logged_warnings() -> None:
    """Pelican's LimitFilter lets each warning through once per process, not per build: in
    one process (``chorus serve``, the tests) a later build did not record a warning an
    earlier one had, so it was not shown and ``--strict`` passed it. Each build starts afresh."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def load_settings(root: Path, settings_file: Path | None, overrides: dict[str, Any]) -> dict:
    """The site's pelicanconf.py when there is one, else Chorus defaults for ``root``.

    A mistake in the settings file (a typo, a bad import) is a ConfigError naming its line,
    not a traceback: the file is the site owner's, not Chorus's code."""
    if settings_file is None and (root / "pelicanconf.py").is_file():
        settings_file = root / "pelicanconf.py"
    if settings_file is not None:
        _forget_settings_modules(settings_file.resolve().parent)
    try:
        settings = _read_settings(root, settings_file, overrides)
    finally:
        if settings_file is not None:
            _forget_settings_modules(settings_file.resolve().parent)
    shown = display_path(settings_file, root) if settings_file is not None else "pelicanconf.py"
    line = _assignment_line(settings_file, "PLUGINS") if settings_file is not None else None
    if problems := plugin_problems(settings, shown, line):
        raise ConfigError(problems)
    return settings


def _forget_settings_modules(folder: Path) -> None:
    """Settings files import each other by name (publishconf.py: ``from pelicanconf import
    *``), and Pelican keeps each settings file it reads in sys.modules under its name. A
    second read in one process (``chorus serve`` after pelicanconf.py is edited, a build of
    another site) got the module as first read, another site's included: every module of a
    settings file of ``folder``, or named like one and read from another site's folder, goes."""
    names = {path.stem for path in folder.glob("*.py")}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or not file.endswith(".py"):
            continue
        where = Path(file).resolve().parent
        # Only a module named as its file, never __main__ (a script kept in the site's folder).
        if (
            name in names
            and Path(file).name == f"{name}.py"
            and (where == folder or (where / "pelicanconf.py").is_file())
        ):
            del sys.modules[name]


def _read_settings(root: Path, settings_file: Path | None, overrides: dict[str, Any]) -> dict:
    if settings_file is None:
        try:
            return read_settings(None, override={**chorus_settings(root), **overrides})
        except ValueError as exc:
            if (problem := _refused_by_pelican(exc, None, root)) is None:
                raise
            raise ConfigError(problem) from None
    try:
        return read_settings(str(settings_file), override=overrides)
    except ChorusError:
        raise
    except SystemExit as exc:  # sys.exit("set CHORUS_SITEURL"): a message, not the end of `chorus serve`
        shown = display_path(settings_file, root)
        said = f": {exc.code}" if exc.code not in (None, 0, 1) else ""
        problem = Problem(
            shown, _line_in(exc, settings_file), f"the settings file exited{said}", rule="settings"
        )
        raise ConfigError(problem) from None
    except Exception as exc:  # only what the settings file itself raised; anything else is a bug
        line = _line_in(exc, settings_file)
        if line is None:
            if (problem := _refused_by_pelican(exc, settings_file, root)) is None:
                raise
            raise ConfigError(problem) from None
        shown = display_path(settings_file, root)
        message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise ConfigError(Problem(shown, line, f"{type(exc).__name__}: {message}", rule="settings")) from None


def _refused_by_pelican(exc: BaseException, settings_file: Path | None, root: Path) -> Problem | None:
    """A value Pelican's own check of the settings refused (``configure_settings``: the
    posts' folder, the theme), as the setting and the line that sets it, not Pelican's
    traceback; None for any other exception."""
    settings = next(
        (
            frame.f_locals.get("settings")
            for frame, _ in traceback.walk_tb(exc.__traceback__)
            if frame.f_code.co_name == "configure_settings"
            and frame.f_globals.get("__name__") == "pelican.settings"
        ),
        None,
    )
    if not isinstance(exc, ValueError) or not isinstance(settings, dict):
        return None
    message, name = str(exc), None
    if message.startswith("You need to specify a path containing the content"):
        name = "PATH"
        message = f"PATH: no folder {display_path(Path(str(settings.get('PATH'))), root)} for the posts (content/<author-id>/…)"
    elif message.startswith("Could not find the theme"):
        name = "THEME"
        message = f"THEME: no theme folder {settings.get('THEME')} (a folder with templates/ and static/, or one of Pelican's themes)"
    shown = display_path(settings_file, root) if settings_file is not None else "pelicanconf.py"
    line = _assignment_line(settings_file, name) if settings_file is not None and name else None
    return Problem(shown, line, message, rule="settings")


_SETTING_NAME = re.compile(r"([A-Z][A-Z0-9_]*)[:\s]")


def located_settings_problems(
    problems: Sequence[Problem], root: Path, settings_file: Path | None
) -> list[Problem]:
    """Settings problems found where the settings file is not known (a plugin's checks, a
    rule) say 'pelicanconf.py' and no line, and name the setting first ('TIMEZONE: …'):
    each gets the file the run read and the line that sets it, when that file sets it."""
    file = settings_file or root / "pelicanconf.py"
    if not file.is_file():
        return list(problems)
    located = []
    for problem in problems:
        name = _SETTING_NAME.match(problem.message)
        line = (
            _assignment_line(file, name.group(1))
            if name and problem.path == SETTINGS_FILE and problem.line is None
            else None
        )
        if line is not None:
            problem = replace(problem, path=display_path(file, root), line=line)
        located.append(problem)
    return located


def _assignment_line(settings_file: Path, name: str) -> int | None:
    """The line of the last top-level ``NAME = …`` (or ``NAME += …``) of the settings file, or None."""
    try:
        tree = ast.parse(settings_file.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    lines = [
        node.lineno
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign)  # PLUGINS += [...] too
        and any(
            isinstance(t, ast.Name) and t.id == name
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    ]
    return lines[-1] if lines else None


def _line_in(exc: BaseException, path: Path) -> int | None:
    """The line of ``path`` where ``exc`` was raised (innermost frame in that file), or None."""
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).resolve() == path.resolve():
        return exc.lineno
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if Path(frame.f_code.co_filename).resolve() == path.resolve():
            line = lineno
    return line


def _innermost_template(exc: BaseException) -> tuple[list, int | None]:
    """The frames ``exc`` passed through, and the index of the innermost one that is a
    template's (Jinja names a template's frames by its file), or None."""
    frames = list(traceback.walk_tb(exc.__traceback__))
    templates = [
        i
        for i, (frame, _) in enumerate(frames)
        if frame.f_code.co_filename.endswith((".html", ".xml", ".txt"))
    ]
    return frames, (templates[-1] if templates else None)


def template_runtime_problem(exc: Exception, root: Path) -> Problem | None:
    """An error a template raised as it rendered (``{{ SITENAME + 1 }}``, a method called
    wrongly) at the template's line, not a traceback; None if it came from Python code a
    template called (a plugin's filter: a bug, whose traceback is what helps)."""
    frames, innermost = _innermost_template(exc)
    if innermost is None:
        return None
    after = {Path(frame.f_code.co_filename).parent.name for frame, _ in frames[innermost + 1 :]}
    if not after <= {"jinja2", "markupsafe"}:  # raised further in, by code the template called
        return None
    frame, line = frames[innermost]
    return Problem(
        display_path(frame.f_code.co_filename, root), line, f"{type(exc).__name__}: {exc}", rule="template"
    )


def template_problem(exc: jinja2.TemplateError, root: Path) -> Problem:
    """A template mistake as ``path:line: error:``: where Jinja says, or the template frame."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:
        frames, innermost = _innermost_template(exc)
        if innermost is not None:
            filename, line = frames[innermost][0].f_code.co_filename, frames[innermost][1]
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template '{exc.name}' not found"
    else:
        message = exc.message or type(exc).__name__
    return Problem(display_path(filename, root) if filename else "templates", line, message, rule="template")


# Written into every output a build makes, naming the folder it was built for (by a digest:
# the mark is published with the site, the build machine's paths are not): the next build
# replaces only a folder whose mark names it (or an empty one), never one of someone's own
# (`chorus build -o docs` deleted docs/), nor a copy of an output made elsewhere.
OUTPUT_MARK = ".chorus-output"
DRAFTS_PREVIEW = "cache/drafts-preview"  # where `chorus serve --drafts` builds


def _mark_text(output: Path) -> str:
    # The folder's own place, its parent resolved: a symbolic link given as the output is
    # replaced by the folder the build writes there, which the next build then finds.
    place = output.parent.resolve() / output.name
    folder = hashlib.sha256(str(place).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"Written by Chorus for the folder {folder}: the next build replaces it whole; keep nothing of your own here.\n"


def _unmarked(output: Path) -> str | None:
    """Why ``output`` is not known as a build's folder, or None when its mark says it is."""
    try:
        text = (output / OUTPUT_MARK).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f"no {OUTPUT_MARK}: built before Chorus marked its outputs, or not a build at all"
    if text != _mark_text(output):
        return f"its {OUTPUT_MARK} was written for another folder: moved or copied here"
    return None


def output_problem(root: Path, output: Path, settings: dict[str, Any]) -> Problem | None:
    """Why the build must not write to ``output``, or None. A build replaces the whole
    output folder, so it must be a folder of its own: never the site, a folder that holds
    it, or one of its sources (posts, registry, templates, git's history), and never a
    file someone keeps there."""
    shown = display_path(output, root)

    def refused(why: str) -> Problem:
        like = "" if output == (root / "output").resolve() else ", like 'output'"
        return Problem(
            "pelicanconf.py",
            None,
            f"the output folder '{shown}' {why}; a build replaces its output folder whole:"
            f" give it a folder of its own (OUTPUT_PATH, or --output){like}",
            rule="settings",
        )

    if output == root or root.is_relative_to(output):
        return refused("holds the site itself")
    # (what, folder, whether a build may have a folder of its own inside it)
    kept = [
        ("the posts (PATH)", settings.get("PATH") or "content", False),
        (
            "the author registry (CHORUS_AUTHORS_PATH)",
            settings.get("CHORUS_AUTHORS_PATH") or "authors",
            False,
        ),
        (
            "the network's static files (CHORUS_STATIC_DIR)",
            settings.get("CHORUS_STATIC_DIR") or "static",
            False,
        ),
        ("the templates", TEMPLATES_DIR, False),
        ("git's history", ".git", False),
        ("the repository's settings (.github)", ".github", False),
        # `chorus serve --drafts` builds into a folder of the cache, beside the cache's own
        ("the build cache (CACHE_PATH)", settings.get("CACHE_PATH") or "cache", True),
    ]
    for what, folder, may_hold_output in kept:
        source = (root / folder).resolve()
        inside = output.is_relative_to(source) and output != source
        if output == source or source.is_relative_to(output) or (inside and not may_hold_output):
            return refused(f"is or holds {what}")
    if output.exists() and not output.is_dir():
        return refused("is a file")
    if output.is_dir():
        for history in (".git", ".hg", ".svn"):
            if (output / history).exists():
                return refused(f"is a repository (it holds {history}): a build would delete its history")
        if os.path.ismount(output):
            return refused("is a mount point, which a build cannot replace")
        # `chorus serve --drafts` previews into its own folder of the cache, Chorus's alone.
        drafts_preview = output == (root / DRAFTS_PREVIEW).resolve()
        if not drafts_preview and any(output.iterdir()) and (why := _unmarked(output)):
            return refused(
                f"holds files no Chorus build marked as its own ({why}); if it is a build, delete it"
                " and build again"
            )
    for parent in output.parents:
        if parent.exists():
            return (
                None
                if parent.is_dir()
                else refused(f"would be inside '{display_path(parent, root)}', a file")
            )
    return None


def overwrite_problem(exc: FileOverwriteFailedError, staging: Path, final_output: Path) -> Problem:
    """Pelican refusing to write a file twice, as a problem naming the file. The outputs rule
    claims every post's, page's and static file's output and the pages of topics,
    departments and years before the build starts; what gets here is what it does not
    know of: a pagination pattern sending a page where another goes, a plugin's page."""
    quoted = re.search(r'"([^"]+)"', str(exc))
    written = Path(quoted.group(1)) if quoted else None
    try:
        shown = written.relative_to(staging).as_posix() if written else "a file"
    except ValueError:
        shown = str(written)
    return Problem(
        "pelicanconf.py",
        None,
        f"two pages of the site would be written to '{shown}' (in {final_output.name}/): a *_SAVE_AS"
        " setting sends a listing or archive where another page goes; give them different paths",
        rule="outputs",
    )


def build_site(
    root: str | Path = ".",
    *,
    settings_file: str | Path | None = None,
    output: str | Path | None = None,
    strict: bool = False,
    overrides: dict[str, Any] | None = None,
    keep_generators: bool = False,
    drafts_shown: bool = False,
    retire_in_background: bool = False,
    reuse: PreviousPages | None = None,
) -> BuildResult:
    """Build the site at ``root``; raise BuildFailed (nothing written) on any problem.

    ``keep_generators``: the result holds the run's Pelican generators (see BuildResult).
    ``drafts_shown``: drafts are written as if published, for ``chorus serve --drafts``
    alone, which builds into a folder of its own (never ``output/``).
    ``retire_in_background``: the previous output, once replaced, is deleted by a thread
    while the caller goes on (``chorus serve``, a process that goes on: 5 s at 10,000 posts
    that the browser no longer waits for).
    ``reuse``: the last good build of this preview (with ``keep_generators``): the post
    pages, listings and feeds nothing changed since reaches are linked from it, not
    rendered (``plugins.network.reuse``). Only for a caller that knows every file changed
    since that build is a post (``chorus serve``): the model does not hold templates,
    settings or the bytes of other files."""
    root = Path(root).resolve()
    overrides = dict(overrides or {})
    if output is not None:
        overrides["OUTPUT_PATH"] = str(Path(output).resolve())
    settings_path = Path(settings_file) if settings_file else None
    try:
        settings = load_settings(root, settings_path, overrides)
    except ChorusError as exc:
        raise BuildFailed(located_settings_problems(exc.problems, root, settings_path)) from None
    # Whatever the overrides said: only this argument decides.
    settings[DRAFTS_SHOWN_KEY] = DraftsShown.YES if drafts_shown else None
    final_output = Path(settings["OUTPUT_PATH"])
    if problem := output_problem(root, final_output.resolve(), settings):
        raise BuildFailed([problem])
    final_output.parent.mkdir(parents=True, exist_ok=True)
    _delete_retired_leftovers(final_output)
    staging = Path(
        tempfile.mkdtemp(prefix=_staging_prefix(final_output) + f"{os.getpid()}-", dir=final_output.parent)
    )
    settings["OUTPUT_PATH"] = str(staging)

    recorder = _Recorder()
    _forget_logged_warnings()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(recorder)
    plugins_logger = logging.getLogger("plugins")
    plugins_logger.addHandler(recorder)
    generators: list = []

    def keep(found: list) -> None:
        if keep_generators and found and found[0].settings is settings:  # this run's, not another thread's
            generators[:] = found

    def mark_preview(generator) -> None:
        if keep_generators and generator.settings is settings:
            state = get_state(settings)
            state.preview, state.reuse = True, reuse

    signals.all_generators_finalized.connect(keep)
    signals.article_generator_init.connect(mark_preview)
    try:
        Pelican(settings).run()
    except ChorusError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(located_settings_problems(exc.problems, root, settings_path)) from None
    except jinja2.TemplateError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed([template_problem(exc, root)]) from None
    except FileOverwriteFailedError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed([overwrite_problem(exc, staging, final_output)]) from None
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if (problem := template_runtime_problem(exc, root)) is None:
            raise
        raise BuildFailed([problem]) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        signals.all_generators_finalized.disconnect(keep)
        signals.article_generator_init.disconnect(mark_preview)
        pelican_logger.removeHandler(recorder)
        plugins_logger.removeHandler(recorder)

    failures: list[Problem | str] = [f"{ERROR}: {m}" for m in recorder.errors]
    if strict:
        failures += [f"{WARNING}: {m}" for m in recorder.warnings]
    state = settings.get("chorus_state")
    if not failures and state is not None and settings["CHORUS_OUTPUT_GATE"]:
        failures += output_gate(staging, final_output, state)
    if failures:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(failures)
    (staging / OUTPUT_MARK).write_text(_mark_text(final_output), encoding="utf-8")
    _swap_in(staging, final_output, in_background=retire_in_background)
    if state is None:
        return BuildResult(final_output, recorder.warnings)
    drafts = [(post.path, state.urls.source(post).url) for post in state.site.posts if post.draft_shown]
    state.reuse = state.unchanged = None  # the previous build's objects: not kept beyond this run
    return BuildResult(
        final_output,
        recorder.warnings,
        len(state.published),
        state.urls,
        generators,
        drafts,
        state.reused_files,
    )


def output_gate(staging: Path, final_output: Path, state: BuildState) -> list[Problem]:
    """The last check before publishing: no error-level policy term in any file below
    ``staging`` (shown as if it were ``final_output``)."""
    site = state.site
    try:
        policy = load_policy(
            site.root / site.settings["CHORUS_POLICY_FILE"], site.root, set(site.network.departments)
        )
    except ChorusError as exc:
        return list(exc.problems)
    return check_output(staging, final_output, site, policy, state.outputs.owners())


def _retired_prefix(final_output: Path) -> str:
    return f".{final_output.name}-old-"


# Retired outputs this process's threads are deleting now: not a leftover to delete again.
_retiring: set[Path] = set()
_retiring_lock = threading.Lock()


def _retire(retired: Path) -> None:
    try:
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        with _retiring_lock:
            _retiring.discard(retired)


# A retired output younger than this may be another build's, made an instant ago and
# about to receive the output it replaces (a `chorus build` beside a `chorus serve`).
LEFTOVER_AGE = 600  # seconds


def _staging_prefix(final_output: Path) -> str:
    return f".{final_output.name}-building-"  # then the building process's id and mkdtemp's name


def _process_ended(pid: int) -> bool:
    if pid == os.getpid():
        return False  # another thread of this one may be building
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, another user's
    return False


def _delete_retired_leftovers(final_output: Path) -> None:
    """Delete what earlier runs left of outputs they replaced: a deletion cut short (the
    process ended while its thread deleted, or was killed) leaves a hidden folder beside
    the output, which nothing else would ever delete. Only folders named as ``_swap_in``
    names them (``mkdtemp``'s eight characters), untouched for LEFTOVER_AGE, and not being
    deleted by this process's own thread. And the staging folder of a build whose process
    ended before it finished (killed, or a machine's power cut): named by its process's id."""
    with _retiring_lock:
        busy = set(_retiring)
    named = re.compile(re.escape(_retired_prefix(final_output)) + r"[a-z0-9_]{8}")
    staged = re.compile(re.escape(_staging_prefix(final_output)) + r"(\d+)-[a-z0-9_]{8}")
    now = time.time()
    for leftover in final_output.parent.iterdir():
        if (building := staged.fullmatch(leftover.name)) and _process_ended(int(building.group(1))):
            shutil.rmtree(leftover, ignore_errors=True)
            continue
        if not named.fullmatch(leftover.name) or leftover in busy:
            continue
        try:
            info = leftover.lstat()
        except OSError:
            continue  # gone meanwhile
        if stat.S_ISDIR(info.st_mode) and now - info.st_mtime > LEFTOVER_AGE:
            shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, final_output: Path, *, in_background: bool = False) -> None:
    staging.chmod(0o755)
    if final_output.exists():
        retired = Path(tempfile.mkdtemp(prefix=_retired_prefix(final_output), dir=final_output.parent))
        os.rename(final_output, retired / "site")
        os.rename(staging, final_output)
        if in_background:
            with _retiring_lock:
                _retiring.add(retired)
            threading.Thread(target=_retire, args=(retired,), name="chorus-retire", daemon=True).start()
        else:
            _retire(retired)
    else:
        os.rename(staging, final_output)

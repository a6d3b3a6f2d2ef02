"""The ``chorus`` command line: init, build, serve, check, codeowners, mv, new and import."""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from pathlib import Path

from chorus import __version__
from chorus.build import DRAFTS_PREVIEW, BuildFailed, build_site
from plugins.network.i18n import supported_languages
from plugins.network.state import is_moment

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _overrides(args: argparse.Namespace) -> dict:
    overrides = {}
    if getattr(args, "now", None):
        overrides["CHORUS_NOW"] = args.now
    if getattr(args, "siteurl", None) is not None:
        overrides["SITEURL"] = args.siteurl
    return overrides


def _build(args: argparse.Namespace) -> bool:
    try:
        result = build_site(
            args.root,
            settings_file=args.settings,
            output=args.output,
            strict=args.strict,
            overrides=_overrides(args),
        )
    except BuildFailed as exc:
        _print_problems(exc.problems)
        print(
            f"build failed: {len(exc.problems)} problem(s); the previous output was left untouched",
            file=sys.stderr,
        )
        return False
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"built {result.articles} published posts into {result.output}")
    return True


def cmd_build(args: argparse.Namespace) -> int:
    return EXIT_OK if _build(args) else EXIT_FAILED


def cmd_serve(args: argparse.Namespace) -> int:
    """Build, serve the output on localhost, rebuild on every change; the browser follows."""
    from chorus.serve import serve

    root = Path(args.root).resolve()
    if args.output:
        output = Path(args.output).resolve()
    else:
        # Drafts never go where a published build goes: cache/ is neither committed nor deployed.
        output = root / (DRAFTS_PREVIEW if args.drafts else "output")
    # SIGTERM (a terminal closed, `kill`, a process manager) ends the preview as Ctrl-C does,
    # so a build under way deletes its staging folder instead of leaving it beside the output.
    signal.signal(signal.SIGTERM, _interrupt)
    return serve(
        root,
        output,
        settings_file=args.settings,
        bind=args.bind,
        port=args.port,
        overrides=_overrides(args),
        drafts_shown=args.drafts,
        strict=args.strict,
    )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _state_for(args: argparse.Namespace):
    from chorus.build import load_settings
    from plugins.network.state import BuildState

    root = Path(args.root).resolve()
    return BuildState(load_settings(root, Path(args.settings) if args.settings else None, _overrides(args)))


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from chorus.check import UsageError, format_github, run_check

    try:
        report = run_check(
            Path(args.root),
            settings_file=Path(args.settings) if args.settings else None,
            paths=args.paths,
            changed_since=args.changed_since,
            overrides=_overrides(args),
            strict=args.strict,
        )
    except UsageError as exc:
        print(f"chorus check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for problem in report.problems:
        print(format_github(problem) if args.format == "github" else problem.format(with_rule=True))
    checked = report.files_checked
    if args.paths and not checked:
        # A pass that looked at nothing must not read like a clean check (a wrong folder in CI).
        print(
            f"chorus check: no file the check reads is in {' '.join(args.paths)}"
            f" (the site folder is {Path(args.root).resolve()}; another site: --root FOLDER)",
            file=sys.stderr,
        )
    files = checked[0] if len(checked) == 1 else f"{len(checked)} files"
    print(
        f"checked {files}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        + (" (--strict: warnings are errors)" if args.strict else ""),
        file=sys.stderr,
    )
    return EXIT_FAILED if report.errors else EXIT_OK


def cmd_codeowners(args: argparse.Namespace) -> int:
    from plugins.network import ChorusError
    from plugins.network.codeowners import write_codeowners

    try:
        path = write_codeowners(_state_for(args), force=args.force)
    except ChorusError as exc:
        _print_problems(exc.problems)
        return EXIT_FAILED
    print(f"wrote {path}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from chorus.scaffold import new_author, new_post
    from plugins.network import ChorusError

    try:
        state = _state_for(args)
        if args.what == "author":
            created = new_author(
                state,
                args.id,
                name=args.name,
                department=args.department,
                title=args.title,
                guest=args.guest,
                affiliation=args.affiliation,
                expertise=[t.strip() for t in args.expertise.split(",") if t.strip()]
                if args.expertise
                else None,
                email=args.email,
                github=args.github,
            )
        else:
            created = [new_post(state, args.title, author=args.author)]
    except ChorusError as exc:
        _print_problems(exc.problems)
        return EXIT_FAILED
    for path in created:
        print(f"created {state.shown(path) if path.is_relative_to(state.root) else path}")
    if args.what == "post":
        print("it is a draft: `chorus serve --drafts` previews it as you write")
    return EXIT_OK


def cmd_mv(args: argparse.Namespace) -> int:
    from chorus.move import move_post
    from plugins.network import ChorusError
    from plugins.network.errors import ERROR
    from plugins.network.rules import run_rules

    try:
        state = _state_for(args)
        before = [p for p in run_rules(state.site) if p.level == ERROR]
        report = move_post(state, args.old, args.new)
    except ChorusError as exc:
        _print_problems(exc.problems)
        return EXIT_FAILED
    print(f"moved {report.moved_from} -> {report.moved_to}")
    for path, count in sorted(report.rewritten.items()):
        print(f"rewrote {count} link(s) in {path}")
    if report.feed_id:
        print(f"pinned Feed-Id: {report.feed_id} (feed readers keep the entry they know)")
    if report.redirect:
        print(f"recorded the old URL in redirects.yml: {report.redirect}")
    for where in report.not_rewritten:
        print(f"{where}: warning: this link to the moved post could not be rewritten; fix it by hand")

    # The move fails on the errors it made, not on those the network already had (in files
    # it may not touch): those are named by file, rule and message, lines left aside, as the
    # move may have added a header line.
    def key(problem, moved_from: str = "") -> tuple[str, str, str]:
        path = report.moved_to if problem.path == moved_from else problem.path
        return (path, problem.rule, problem.message)

    known = {key(p, report.moved_from) for p in before}
    errors = [p for p in run_rules(_state_for(args).site) if p.level == ERROR]
    made = [p for p in errors if key(p) not in known]
    _print_problems(made)
    if len(made) < len(errors):
        print(
            f"{len(errors) - len(made)} error(s) the network had before the move remain: chorus check lists them",
            file=sys.stderr,
        )
    return EXIT_FAILED if made or report.not_rewritten else EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from chorus.scaffold import init_network
    from plugins.network import ChorusError

    directory = Path(args.directory)
    try:
        created = init_network(directory, name=args.name, url=args.url, lang=args.lang)
    except ChorusError as exc:
        _print_problems(exc.problems)
        return EXIT_FAILED
    for path in created:
        print(f"created {path}")
    print(
        f"\nNext: cd {directory} && chorus serve   (preview on http://127.0.0.1:8000/)\n"
        "Then edit pelicanconf.py and authors/editor.yml (your name, and 'github:' so CODEOWNERS asks you\n"
        "to review), and commit: the README says what else to do."
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from chorus.importers import ImportReport
    from plugins.network import ChorusError

    root = Path(args.root)
    settings = Path(args.settings) if args.settings else None
    try:
        report: ImportReport
        if args.source == "wordpress":
            from chorus.importers.wordpress import import_wordpress

            uploads = Path(args.uploads) if args.uploads else None
            report = import_wordpress(
                root,
                Path(args.export),
                department=args.department,
                uploads=uploads,
                keep_urls=args.keep_urls,
                settings_file=settings,
            )
        else:
            from chorus.importers.markdown import import_markdown

            report = import_markdown(root, Path(args.folder), args.author, settings_file=settings)
    except ChorusError as exc:
        _print_problems(exc.problems)
        return EXIT_FAILED
    print("\n".join(report.lines()))
    return EXIT_OK


def _site_arguments(
    parser: argparse.ArgumentParser, output_help: str = "output folder (default: the settings' OUTPUT_PATH)"
) -> None:
    _root_argument(parser, "site folder holding content/, authors/ and departments.yml")
    parser.add_argument(
        "-s", "--settings", help="Pelican settings file (default: ROOT/pelicanconf.py when present)"
    )
    parser.add_argument("-o", "--output", help=output_help)
    parser.add_argument(
        "--now", type=_moment, help="build as of this ISO date-time: later posts stay unpublished"
    )
    parser.add_argument("--siteurl", help="override SITEURL, e.g. for a preview")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on the build's warnings too (Pelican's, such as a {filename} link to an image);"
        " the rules' warnings, such as a missing Summary:, are advice for reviewers and never"
        " block publishing (chorus check --strict fails on them)",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chorus", description="Build a company's expert blog network with Pelican."
    )
    parser.add_argument("--version", action="version", version=f"chorus {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="create a new network repository, ready to build and commit")
    init.add_argument("directory", help="a new or empty folder")
    init.add_argument("--name", required=True, help="the company's name, e.g. 'Halvard Instruments'")
    init.add_argument("--url", help="where the site will be published, e.g. https://voices.example.com")
    init.add_argument(
        "--lang",
        default="en",
        help=f"the interface language: {', '.join(supported_languages())} (default: en)",
    )
    init.set_defaults(func=cmd_init)
    build = commands.add_parser("build", help="build the site into the output folder")
    _site_arguments(build)
    build.set_defaults(func=cmd_build)
    serve = commands.add_parser("serve", help="build, serve locally and rebuild on every change")
    _site_arguments(serve, "output folder (default: ROOT/output, or ROOT/cache/drafts-preview with --drafts)")
    serve.add_argument("-p", "--port", type=_port, default=8000, help="0 to 65535 (0: any free port)")
    serve.add_argument("--bind", default="127.0.0.1")
    serve.add_argument(
        "--drafts",
        action="store_true",
        help="also show drafts, as if published (listed, in feeds and search), in this preview"
        " only; it is written to cache/drafts-preview/, not to output/",
    )
    serve.set_defaults(func=cmd_serve)

    check = commands.add_parser("check", help="validate the network without building it (for pull requests)")
    check.add_argument(
        "paths",
        nargs="*",
        help="report only these files or folders (from the working folder or the site folder: the one inside the site)",
    )
    _root_argument(check)
    check.add_argument(
        "-s", "--settings", help="Pelican settings file (default: ROOT/pelicanconf.py when present)"
    )
    check.add_argument(
        "--format", choices=("text", "github"), default="text", help="github: GitHub Actions annotations"
    )
    check.add_argument(
        "--changed-since",
        metavar="REV",
        help="only files changed since this git revision, and the files that depend on them",
    )
    check.add_argument("--now", type=_moment, help="check as of this ISO date-time")
    check.add_argument(
        "--strict", action="store_true", help="warnings are errors (a missing Summary: fails the check)"
    )
    check.set_defaults(func=cmd_check)

    codeowners = commands.add_parser("codeowners", help="write .github/CODEOWNERS from the author registry")
    _root_argument(codeowners)
    codeowners.add_argument("-s", "--settings")
    codeowners.add_argument(
        "--force", action="store_true", help="replace a CODEOWNERS written by hand (its lines are not kept)"
    )
    codeowners.set_defaults(func=cmd_codeowners)

    mv = commands.add_parser(
        "mv",
        help="move or rename a post: links to it are rewritten and its old URL keeps working",
        description="Move or rename a post. Every link to it is rewritten, its old URL is recorded"
        " in redirects.yml and its feed entry id is pinned with Feed-Id:.",
    )
    mv.add_argument("old", metavar="OLD", help="the post: content/li-wei/a.md or li-wei/a")
    mv.add_argument(
        "new",
        metavar="NEW",
        help="where it goes: content/li-wei/b.md, li-wei/b, or a colleague's folder (colleague-id/)"
        " when its author is leaving",
    )
    _root_argument(mv)
    mv.add_argument("-s", "--settings")
    mv.add_argument(
        "--now", type=_moment, help="as of this ISO date-time (which posts are published, so get a redirect)"
    )
    mv.set_defaults(func=cmd_mv)

    new = commands.add_parser("new", help="scaffold a new author or post")
    new_kinds = new.add_subparsers(dest="what", required=True)
    author = new_kinds.add_parser("author", help="registry entry + content folder (+ CODEOWNERS)")
    author.add_argument("id")
    author.add_argument("--name", required=True)
    author.add_argument("--department", required=True)
    author.add_argument("--title", required=True, help="role or job title")
    author.add_argument("--expertise", help="comma-separated topics")
    author.add_argument("--email")
    author.add_argument("--github", help="GitHub user name: CODEOWNERS asks them to review their folder")
    author.add_argument("--guest", action="store_true")
    author.add_argument("--affiliation")
    new_post = new_kinds.add_parser("post", help="a dated draft in the author's folder")
    new_post.add_argument("title")
    new_post.add_argument("--author", help="author id (default: inferred from git user)")
    for sub in (author, new_post):
        _root_argument(sub)
        sub.add_argument("-s", "--settings")
    new.set_defaults(func=cmd_new)

    imports = commands.add_parser("import", help="bring an existing blog into the network")
    sources = imports.add_subparsers(dest="source", required=True)
    wordpress = sources.add_parser("wordpress", help="a WordPress export (WXR, Tools → Export)")
    wordpress.add_argument("export", help="the export file, e.g. blog.WordPress.2026-01-31.xml")
    wordpress.add_argument("--department", help="department id given to the authors it creates")
    wordpress.add_argument(
        "--uploads",
        help="a local copy of wp-content/uploads (default: uploads/ or wp-content/uploads/ beside the export)",
    )
    wordpress.add_argument(
        "--keep-urls",
        action="store_true",
        help="the hub takes over the blog's address: record each permalink in redirects.yml so old links still land",
    )
    markdown = sources.add_parser("markdown", help="a folder of Jekyll, Hugo or Pelican Markdown posts")
    markdown.add_argument("folder")
    markdown.add_argument(
        "--author", required=True, help="the registry author whose folder receives the posts"
    )
    for sub in (wordpress, markdown):
        _root_argument(sub, "the network's folder")
        sub.add_argument("-s", "--settings")
    imports.set_defaults(func=cmd_import)
    return parser


def _moment(value: str) -> str:
    """--now: the value CHORUS_NOW takes, judged here so the mistake is named as the option's."""
    if (problem := is_moment(value)) is not None:
        raise argparse.ArgumentTypeError(f"{value!r}: {problem.replace('expected None or ', 'expected ')}")
    return value


def _port(value: str) -> int:
    port = int(value)  # argparse reports a ValueError as an invalid value
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (0 to 65535)")
    return port


def is_site(folder: Path) -> bool:
    """A site's folder: it holds pelicanconf.py, or content/ beside authors/ or
    departments.yml (an author's folder named 'content' does not make content/ a site)."""
    return (folder / "pelicanconf.py").is_file() or (
        (folder / "content").is_dir()
        and ((folder / "authors").is_dir() or (folder / "departments.yml").is_file())
    )


def _root_argument(parser: argparse.ArgumentParser, what: str = "site folder") -> None:
    # Without --root, as git and Hugo find their project: see _missing_paths.
    parser.add_argument(
        "--root", help=f"{what} (default: the nearest folder, from the working folder up, that is a site)"
    )


def _site_around(folder: Path) -> Path | None:
    """The site ``folder`` is in: itself or the nearest folder above it that is a site."""
    return next((f for f in (folder, *folder.parents) if is_site(f)), None)


def _missing_paths(args: argparse.Namespace) -> str | None:
    """Why the folder or settings file a command was given cannot be used, or None. A
    command run without --root inside a site (in content/li-wei/, say) runs on that site."""
    if "root" in vars(args) and args.root is None:
        found = _site_around(Path.cwd())
        if found is None:
            return (
                f"no site here: neither {Path.cwd()} nor a folder above it holds pelicanconf.py, or"
                " content/ with authors/ or departments.yml (run it in the site's folder, or give --root FOLDER)"
            )
        args.root = str(found)
    root = getattr(args, "root", None)
    if root is not None and not Path(root).is_dir():
        return f"--root {root}: no such folder"
    if root is not None and not getattr(args, "settings", None) and not is_site(Path(root)):
        return f"--root {root}: not a site (no pelicanconf.py in it, nor content/ with authors/ or departments.yml)"
    settings = getattr(args, "settings", None)
    if settings and not Path(settings).is_file():
        return f"--settings {settings}: no such file"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    if problem := _missing_paths(args):
        print(f"chorus {args.command}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return args.func(args)


def console_main() -> int:
    """The ``chorus`` command."""
    code = main()
    skip_final_collection()
    return code


def skip_final_collection() -> None:
    """Called when a command is done and the process is about to end: every object it made
    goes with the process, so the collector need not walk them once more at exit (0.3 s of
    a `chorus check` at 10,000 posts). Frozen objects are never collected: only for a
    process that ends now, never in one that goes on (tests, `chorus serve`)."""
    gc.freeze()


if __name__ == "__main__":
    sys.exit(console_main())

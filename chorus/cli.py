"""The ``chorus`` command line: build, serve (and, as the product grows, check and new)."""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
import time
from pathlib import Path

from chorus.build import BuildFailed, build_site

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
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(exc.problems)} problem(s); the previous output was left untouched", file=sys.stderr)
        return False
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"built {result.articles} published posts into {result.output}")
    return True


def cmd_build(args: argparse.Namespace) -> int:
    return EXIT_OK if _build(args) else EXIT_FAILED


def _snapshot(paths: list[Path]) -> dict[str, float]:
    stamps = {}
    for top in paths:
        if top.is_file():
            stamps[str(top)] = top.stat().st_mtime
        elif top.is_dir():
            for path in top.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    stamps[str(path)] = path.stat().st_mtime
    return stamps


def cmd_serve(args: argparse.Namespace) -> int:
    """Build, serve the output on localhost, and rebuild whenever a source file changes."""
    root = Path(args.root).resolve()
    output = Path(args.output).resolve() if args.output else root / "output"
    args.output = str(output)
    _build(args)
    watched = [root / name for name in ("content", "authors", "departments.yml", "pelicanconf.py", "theme", "plugins")]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer((args.bind, args.port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {output} at http://{args.bind}:{server.server_address[1]}/ (Ctrl-C to stop)")
    stamps = _snapshot(watched)
    try:
        while True:
            time.sleep(args.interval)
            current = _snapshot(watched)
            if current != stamps:
                stamps = current
                print("change detected, rebuilding…")
                _build(args)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return EXIT_OK


def _site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="site folder holding content/, authors/ and departments.yml (default: .)")
    parser.add_argument("-s", "--settings", help="Pelican settings file (default: ROOT/pelicanconf.py when present)")
    parser.add_argument("-o", "--output", help="output folder (default: the settings' OUTPUT_PATH)")
    parser.add_argument("--now", help="build as of this ISO date-time: later posts stay unpublished")
    parser.add_argument("--siteurl", help="override SITEURL, e.g. for a preview")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chorus", description="Build a company's expert blog network with Pelican.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the site into the output folder")
    _site_arguments(build)
    build.set_defaults(func=cmd_build)
    serve = commands.add_parser("serve", help="build, serve locally and rebuild on every change")
    _site_arguments(serve)
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--bind", default="127.0.0.1")
    serve.add_argument("--interval", type=float, default=1.0, help="seconds between change checks")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

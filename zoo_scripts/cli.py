"""The `mlzoo` command: list, run and benchmark the experiments, and render the docs' tables.

    mlzoo list                                   # experiments and benchmarks, one line each
    mlzoo run mutual_learning --quick --out /tmp/ml
    mlzoo run som --help                         # an experiment's own flags
    mlzoo bench som_speed --quick
    mlzoo docs                                   # rewrite docs/ tables from docs/results/
    mlzoo docs --check                           # fail when a table differs from its files
    mlzoo docs --publish runs/som/20261204-101500 --family som

Every experiment also runs as `python -m zoo_scripts.<name>`.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib
import importlib.util
import os
import pkgutil
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

_PACKAGES = {"run": "zoo_scripts", "bench": "benchmarks"}
_NOT_EXPERIMENTS = {"cli"}


def _summary(module: str) -> str:
    """The first line of a module's docstring, read without importing it (no TensorFlow)."""
    origin = importlib.util.find_spec(module).origin
    doc = ast.get_docstring(ast.parse(Path(origin).read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def entries(command: str) -> dict[str, str]:
    """`{name: one-line summary}` of the experiments ("run") or benchmarks ("bench")."""
    package = _PACKAGES[command]
    try:
        path = importlib.import_module(package).__path__
    except ModuleNotFoundError:
        return {}
    names = sorted(
        m.name for m in pkgutil.iter_modules(path)
        if not m.name.startswith("_") and not m.ispkg and m.name not in _NOT_EXPERIMENTS
    )
    return {name: _summary(f"{package}.{name}") for name in names}


def _list(_: argparse.Namespace) -> int:
    for command, title in (("run", "experiments (mlzoo run <name>)"),
                           ("bench", "benchmarks (mlzoo bench <name>)")):
        found = entries(command)
        print(f"{title}:")
        width = max(map(len, found), default=0)
        for name, summary in found.items():
            print(f"  {name:{width}s}  {summary}")
        if not found:
            print("  (none installed)")
    return 0


def _run(args: argparse.Namespace) -> int:
    found = entries(args.command)
    name = args.name.replace("-", "_")
    if name not in found:
        close = difflib.get_close_matches(name, found, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        print(f"mlzoo {args.command}: no {name!r}.{hint} `mlzoo list` shows them all.",
              file=sys.stderr)
        return 2
    try:
        importlib.import_module("mlzoo")  # checks Keras' backend before a script imports keras
    except ImportError as error:
        # the class cannot be imported to name it: importing mlzoo is what raised
        if type(error).__name__ != "BackendNotInstalledError":
            raise
        print(f"mlzoo {args.command} {name}: {error}", file=sys.stderr)
        return 1
    importlib.import_module(f"{_PACKAGES[args.command]}.{name}").main(args.rest)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from zoo_scripts import _docs

    if args.publish:
        if not args.family:
            print("mlzoo docs --publish needs --family <folder of docs/results>", file=sys.stderr)
            return 2
        for path in _docs.publish(args.publish, args.docs, args.family):
            print(f"published {path}")
    try:
        diffs = _docs.build(args.docs, check=args.check)
    except (FileNotFoundError, RuntimeError) as error:  # no docs folder, a missing results file
        print(f"mlzoo docs: {error}", file=sys.stderr)
        return 2
    if diffs:
        sys.stdout.writelines(diffs)
        print(f"\n{len(diffs)} page(s) differ from their results: run `mlzoo docs`.",
              file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    """The `mlzoo` parser (sub-commands list, run, bench, docs)."""
    main_parser = argparse.ArgumentParser(
        prog="mlzoo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    main_parser.add_argument("--version", action="version", version=f"mlzoo {version('mlzoo')}")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="command")
    commands.add_parser("list", help="the experiments and benchmarks").set_defaults(handler=_list)
    for command, what in (("run", "an experiment"), ("bench", "a benchmark")):
        sub = commands.add_parser(command, help=f"run {what} (its flags: mlzoo {command} NAME -h)",
                                  add_help=False)
        sub.add_argument("name", help=f"{what} (mlzoo list)")
        sub.add_argument("rest", nargs=argparse.REMAINDER, help="its own flags")
        sub.set_defaults(handler=_run)
    docs = commands.add_parser("docs", help="render docs/ tables from docs/results/")
    docs.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    docs.add_argument("--docs", type=Path, default=Path("docs"), help="the docs folder")
    docs.add_argument("--publish", type=Path, help="first copy this run folder's results in")
    docs.add_argument("--family", help="the docs/results/<family> folder to publish into")
    docs.set_defaults(handler=_docs)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `mlzoo` console command."""
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:  # `mlzoo list | head` closed the pipe: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())

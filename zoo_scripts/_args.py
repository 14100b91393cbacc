"""The one command-line parser of every experiment and benchmark.

Every `mlzoo run <experiment>` and `mlzoo bench <benchmark>` shares this vocabulary:

    --dataset NAME [NAME ...]   mlzoo.datasets names (one, or several where the run loops over sets)
    --data-dir DIR              folder of <name>.npz files (default: $MLZOO_DATA_DIR)
    --seeds 0 1 2 | 0-9         the repetitions' seeds, a list or an inclusive range
    --epochs N  --batch-size N  --steps-per-execution N
    --quick                     a run of seconds with the experiment's own small settings
    --out DIR                   run folder (default runs/<experiment>/<timestamp>/)

An experiment declares the flags it uses and their defaults; `parse` applies the
`--quick` settings to every flag the user did not give and creates the run folder.

Example:

>>> parser = ExperimentParser("demo", "A demo.", dataset="digits", seeds=[0, 1, 2], epochs=10)
>>> args = parser.parse(["--seeds", "0-4", "--quick", "--out", "/tmp/demo"], quick={"epochs": 2})
>>> args.seeds, args.epochs, args.dataset
([0, 1, 2, 3, 4], 2, 'digits')
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

_COUNTS = ("epochs", "batch_size", "steps_per_execution")


def seed_list(token: str) -> list[int]:
    """`"3"` -> [3]; `"0-9"` -> [0, ..., 9] (inclusive)."""
    first, sep, last = token.partition("-")
    try:
        seeds = list(range(int(first), int(last) + 1)) if sep else [int(token)]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{token!r} is not a seed: give integers (--seeds 0 1 2) or a range (--seeds 0-9)"
        ) from None
    if not seeds:
        raise argparse.ArgumentTypeError(f"the range {token!r} is empty: write low-high")
    return seeds


def fraction(token: str) -> float:
    """A float written as a decimal or a fraction: `"0.5"` -> 0.5, `"2/3"` -> 0.666..."""
    try:
        return float(Fraction(token))
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(
            f"{token!r} is not a number: write a decimal (0.5) or a fraction (2/3)"
        ) from None


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass


class ExperimentParser(argparse.ArgumentParser):
    """`argparse.ArgumentParser` with the shared flags of experiments and benchmarks.

    Args:
        name: the experiment's name (`mlzoo run <name>`); names the default run folder.
        doc: the module docstring, shown by `--help`.
        dataset: default `--dataset`: a name (one set) or a list (the run loops over sets);
            None leaves the flag out. Likewise for the other defaults; a list for
            `steps_per_execution` takes several values (a benchmark measures at each).
        command: "run" for experiments, "bench" for benchmarks (the usage line).
    """

    def __init__(
        self,
        name: str,
        doc: str | None,
        *,
        dataset: str | Sequence[str] | None = None,
        seeds: Sequence[int] | None = None,
        epochs: int | None = None,
        batch_size: int | None = None,
        steps_per_execution: int | Sequence[int] | None = None,
        command: str = "run",
    ):
        super().__init__(
            prog=f"mlzoo {command} {name}", description=doc, formatter_class=_Formatter
        )
        self.experiment = name
        if dataset is not None:
            several = not isinstance(dataset, str)
            self.add_argument(
                "--dataset",
                nargs="+" if several else None,
                default=list(dataset) if several else dataset,
                help="mlzoo.datasets name" + ("s" if several else ""),
            )
            self.add_argument(
                "--data-dir", default=None, help="folder of <name>.npz files ($MLZOO_DATA_DIR)"
            )
        if seeds is not None:
            self.add_argument(
                "--seeds",
                nargs="+",
                type=seed_list,
                default=list(seeds),
                help="one run per seed: integers or an inclusive range low-high",
            )
        for flag, default in zip(_COUNTS, (epochs, batch_size, steps_per_execution), strict=True):
            if default is not None:  # a list: one measurement at each value
                several = not isinstance(default, int)
                self.add_argument(
                    "--" + flag.replace("_", "-"), type=int, nargs="+" if several else None,
                    default=list(default) if several else default,
                )
        self.add_argument(
            "--quick", action="store_true", help="a run of seconds with small settings"
        )
        self.add_argument(
            "--out", type=Path, default=None, help=f"run folder (default runs/{name}/<timestamp>)"
        )

    def parse(self, argv: Sequence[str] | None = None, quick: Mapping[str, Any] = {}):
        """Parse `argv`; with `--quick`, `quick` replaces the defaults of flags not given.

        Returns the namespace with `seeds` flattened to a list of ints and `out` an
        existing folder.
        """
        args = self.parse_args(argv)
        if args.quick and quick:
            unknown = set(quick) - set(vars(args))
            if unknown:
                raise ValueError(f"quick settings for flags this parser lacks: {sorted(unknown)}")
            self.set_defaults(**quick)
            args = self.parse_args(argv)
        if hasattr(args, "seeds"):
            # given seeds arrive as one list per token, defaults as a flat list
            tokens = (t if isinstance(t, list) else [t] for t in args.seeds)
            flat = (s for token in tokens for s in token)
            args.seeds = list(dict.fromkeys(flat))
        for flag in _COUNTS:
            value = getattr(args, flag, 1)
            if min(value if isinstance(value, list) else [value]) < 1:
                self.error(f"--{flag.replace('_', '-')} must be >= 1")
        if args.out is None:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            args.out = Path("runs") / self.experiment / stamp
        args.out.mkdir(parents=True, exist_ok=True)
        return args

"""A paper protocol as stated, with its card and its claims (keras-hub's presets, for papers).

A `Preset` says how one table or figure of a source paper is run: the
protocol's fields (`PROTOCOL_FIELDS`: architecture, initialisation, loss and
its reduction, optimizer, rate schedule, batch size, epoch budget, training
plan and callbacks, data preparation, repetitions), a card (where it comes
from, what the paper gives, what it leaves open and the choice made for
that), the `mlzoo run` call that carries it out, and the claims its results
are judged on (`mlzoo.presets.Claim`).

Example:
    >>> import mlzoo
    >>> preset = mlzoo.presets.get("mutual_table5_mnist")
    >>> preset.source
    'seed 000 (Liu et al. 2017), section 7.4.2, Table 5'
    >>> preset.command(quick=True)[:2]
    ['mutual_learning', '--dataset']
"""

from __future__ import annotations

from dataclasses import dataclass

from mlzoo.presets.claim import Claim

#: the fields of a protocol, in the order a card lists them.
PROTOCOL_FIELDS = (
    "architecture",
    "initialisation",
    "loss",
    "optimizer",
    "schedule",
    "batch_size",
    "epochs",
    "plan",
    "data",
    "repetitions",
)


@dataclass(frozen=True)
class Preset:
    """One paper protocol: its card, the `mlzoo run` call and the claims judged.

    Args:
        name: the registry name (`mlzoo.presets.get(name)`).
        title: one line: what is reproduced.
        source: the seed, section and table or figure.
        protocol: `PROTOCOL_FIELDS` -> the setting (as the paper states it, and
            what mlzoo runs where that differs).
        paper_gives: what the paper states of the protocol and its results.
        left_open: what the paper does not say.
        choices: what mlzoo chose for what is left open.
        data: the data used here (and the stand-in, where the paper's is absent).
        experiment: the `mlzoo run` experiment, None where none runs it here.
        arguments: its arguments for the protocol.
        quick: the arguments of a run of minutes (`--quick`), replacing `arguments`.
        claims: what the results are judged on.
        published: results file -> the published files in `docs/results/` holding
            that table of the measured run (several are read as one table).
        not_runnable: why this protocol cannot run here (the data is absent...).
        study: a question of mlzoo's own (a protocol's variant), not a table of the paper:
            its claims are kept out of the papers' verdicts.
    """

    name: str
    title: str
    source: str
    protocol: dict[str, str]
    paper_gives: str
    left_open: str
    choices: str
    data: str
    experiment: str | None = None
    arguments: tuple[str, ...] = ()
    quick: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    published: dict[str, tuple[str, ...]] | None = None
    not_runnable: str | None = None
    study: bool = False

    def __post_init__(self):
        unknown = set(self.protocol) - set(PROTOCOL_FIELDS)
        if unknown:
            raise ValueError(
                f"Preset {self.name!r}: unknown protocol fields {sorted(unknown)}; "
                f"the fields are {PROTOCOL_FIELDS}."
            )
        if (self.experiment is None) == (self.not_runnable is None):
            raise ValueError(
                f"Preset {self.name!r} needs exactly one of `experiment` (the run) and "
                "`not_runnable` (why there is none)."
            )
        missing = {f for c in self.claims for f in c.results} - set(self.published or {})
        if self.published is not None and missing:
            raise ValueError(f"Preset {self.name!r}: no published files for {sorted(missing)}.")

    def command(self, quick: bool = False) -> list[str]:
        """`mlzoo run` arguments: the experiment, then its protocol (or quick) arguments."""
        if self.experiment is None:
            raise ValueError(f"Preset {self.name!r} cannot run here: {self.not_runnable}")
        return [self.experiment, *(self.quick if quick and self.quick else self.arguments)]

    def card(self) -> str:
        """The preset's card in markdown: source, protocol, what is open, what we chose."""
        lines = [f"### `{self.name}`: {self.title}", "", f"*Source*: {self.source}.", ""]
        lines += ["| setting | value |", "|---|---|"]
        lines += [f"| {field.replace('_', ' ')} | {self.protocol[field]} |"
                  for field in PROTOCOL_FIELDS if field in self.protocol]
        lines += ["", f"- *The paper gives*: {self.paper_gives}",
                  f"- *It leaves open*: {self.left_open}",
                  f"- *We chose*: {self.choices}", f"- *Data here*: {self.data}"]
        if self.experiment is not None:
            lines.append(f"- *Run*: `mlzoo run reproduce {self.name}` "
                         f"(= `mlzoo run {' '.join(self.command())}`)")
        else:
            lines.append(f"- *Not runnable here*: {self.not_runnable}")
        return "\n".join(lines)

"""Elman (1990), "Finding structure in time": temporal XOR and next-letter prediction.

Each experiment trains an `ElmanNetwork` to predict the next element of a
stream and reports its squared prediction error per position in the stream's
structure, mean ± std over seeds, on a fresh test stream:

- temporal XOR: bit pairs each followed by their XOR; 1-2-1 network; the third
  bit of each triple is predictable, the other two are not;
- letters: consonants b, d, g in random order, each followed by its vowel run
  (ba, dii, guuu), letters as Elman's 6 phonetic features; 6-20-6 network; the
  consonant's identity is unpredictable, the vowels follow from it.

Training reads the stream the way Elman's network did, one element after the
other with the context carried along: a stateful network reads `--rows`
parallel sub-streams (`--batch-size`) in `--chunk`-step pieces (BP through time
within a piece), one pass over the stream per epoch, context cleared at every
pass; the pieces are cached as a `tf.data` pipeline read in stream order.

    mlzoo run elman                              # both experiments, 5 seeds (about 1½ minutes)
    mlzoo run elman --experiments xor --quick
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mlzoo.datasets.elman_streams import (
    FEATURE_NAMES,
    ElmanStream,
    letter_stream,
    stream_batches,
    temporal_xor,
)
from mlzoo.models.elman import ElmanNetwork, build_elman_network
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import pm
from zoo_scripts._results import progress, pyplot, save_figure, summarise, write_results

EXPERIMENTS = {
    "xor": {
        "stream": lambda seed: temporal_xor(3000, seed),
        "width": 1,
        "hidden_units": 2,
        "positions": ["bit 1 (random)", "bit 2 (random)", "bit 3 (XOR)"],
        "features": None,
        "best": ["0.25", "0.25", "0"],
    },
    "letters": {
        "stream": lambda seed: letter_stream(1000, seed),
        "width": 6,
        "hidden_units": 20,
        "positions": ["consonant", "vowel 1", "vowel 2", "vowel 3"],
        "features": FEATURE_NAMES,
        # b, d, g differ in "high" and "back", each unknown with probability 1/3: 2 × 2/9
        "best": ["4/9 ≈ 0.444", "0", "0", "0"],
    },
}
_TEST_SEED_OFFSET = 1000


def train(stream: ElmanStream, hidden_units: int, passes: int, lr: float, args) -> ElmanNetwork:
    """A stateful network trained `passes` times over the stream, in stream order."""
    width = stream.inputs.shape[1]
    rows = args.batch_size
    model = build_elman_network(width, hidden_units, width, stateful=True, batch_size=rows)
    model.compile(keras.optimizers.Adam(lr), "mse", steps_per_execution=args.steps_per_execution)
    pieces = [stream_batches(a, rows, args.chunk) for a in (stream.inputs, stream.targets)]
    dataset = tf.data.Dataset.from_tensor_slices(tuple(pieces)).batch(rows).cache()
    model.fit(dataset, epochs=passes, verbose=0)
    return model


def squared_errors(reader: ElmanNetwork, stream: ElmanStream) -> np.ndarray:
    """(T, features) squared error of each prediction, the whole stream read in one go."""
    predictions = reader.predict(stream.inputs[None], verbose=0)[0]
    return (predictions - stream.targets) ** 2


def per_position(errors: np.ndarray, positions: np.ndarray, count: int) -> list[float]:
    """Mean over the stream of the per-step squared error ||y_t - target_t||^2, per position."""
    step_errors = errors.sum(-1)
    return [float(step_errors[positions == p].mean()) for p in range(count)]


def run_seed(name: str, seed: int, reader: ElmanNetwork, args) -> tuple[dict, dict]:
    """Train on seed `seed`'s stream; the per-position error on a fresh test stream, and the
    test stream's first `--excerpt` steps."""
    spec = EXPERIMENTS[name]
    passes, lr = getattr(args, f"{name}_passes"), getattr(args, f"{name}_lr")
    keras.utils.set_random_seed(seed)
    model = train(spec["stream"](seed), spec["hidden_units"], passes, lr, args)
    reader.set_weights(model.get_weights())
    test = spec["stream"](seed + _TEST_SEED_OFFSET)
    errors = squared_errors(reader, test)
    run = {"seed": seed, "per_position": per_position(errors, test.positions,
                                                      len(spec["positions"]))}
    if spec["features"]:
        consonants = errors[test.positions == 0].mean(0)
        run["per_feature_at_consonants"] = dict(
            zip(spec["features"], consonants.tolist(), strict=True)
        )
    excerpt = {
        "symbols": test.symbols[: args.excerpt],
        "positions": test.positions[: args.excerpt].tolist(),
        "errors": errors[: args.excerpt].sum(-1).tolist(),
    }
    return run, excerpt


def summarise_experiment(name: str, runs: list[dict], excerpt: dict, args) -> dict:
    """Mean and std (over seeds) of the error per position; per feature at consonants."""
    spec = EXPERIMENTS[name]
    width = spec["width"]
    positions = spec["positions"]
    stats = summarise([dict(zip(positions, r["per_position"], strict=True)) for r in runs],
                      positions)
    result = {
        "network": f"{width}-{spec['hidden_units']}-{width}",
        "passes": getattr(args, f"{name}_passes"),
        "learning_rate": getattr(args, f"{name}_lr"),
        "positions": positions,
        "mean": [round(stats[f"{p}_mean"], 4) for p in positions],
        "std": [round(stats[f"{p}_std"], 4) for p in positions],
    }
    if spec["features"]:
        features = summarise([r["per_feature_at_consonants"] for r in runs], spec["features"])
        result["per_feature_at_consonants"] = {
            f: round(features[f"{f}_mean"], 4) for f in spec["features"]
        }
    return result | {"runs": runs, "excerpt_seed_0": excerpt}


def plot(path: Path, name: str, result: dict) -> None:
    figure, (bars, trace) = pyplot().subplots(
        1, 2, figsize=(13, 4), gridspec_kw={"width_ratios": [1, 2.2]}
    )
    seeds = len(result["runs"])
    positions = np.arange(len(result["positions"]))
    colours = [f"C{p}" for p in positions]
    bars.bar(positions, result["mean"], yerr=result["std"], capsize=4, color=colours)
    bars.set_xticks(positions, result["positions"], rotation=20)
    bars.set_ylabel("squared error of the prediction")
    bars.set_title(f"mean ± std over {seeds} seeds (test stream)")
    excerpt = result["excerpt_seed_0"]
    steps = np.arange(len(excerpt["errors"]))
    trace.plot(steps, excerpt["errors"], color="0.6", zorder=1)
    for position, label in enumerate(result["positions"]):
        at = np.flatnonzero(np.array(excerpt["positions"]) == position)
        trace.scatter(at, np.array(excerpt["errors"])[at], label=label, zorder=2)
    trace.legend(fontsize=8)
    trace.set_xticks(steps, list(excerpt["symbols"]))
    trace.set_xlabel("target (the next element)")
    trace.set_title("error along the test stream (first seed)")
    figure.suptitle(f"Elman network {result['network']}, {name}, {result['passes']} passes")
    figure.tight_layout()
    save_figure(figure, path, dpi=90)


def errors_table(results: dict, experiment: str) -> list[dict]:
    """docs/elman.md, docs/benchmarks.md: error per position, mean ± std over the seeds."""
    result = results[experiment]
    measured = [pm(m, s, 3) for m, s in zip(result["mean"], result["std"], strict=True)]
    return [
        {"target": f"{result['network']} Elman network", **dict(zip(result["positions"], measured,
                                                                    strict=True))},
        {"target": "best possible", **dict(zip(result["positions"],
                                               EXPERIMENTS[experiment]["best"], strict=True))},
    ]


def features_table(results: dict) -> list[dict]:
    """docs/elman.md: letters, the error per phonetic feature on consonant targets."""
    features = results["letters"]["per_feature_at_consonants"]
    seeds = len(results["letters"]["runs"])
    return [{"": f"consonant targets, mean of {seeds} seeds",
             **{name: f"{value:.4f}" for name, value in features.items()}}]


def main(argv=None) -> dict:
    parser = ExperimentParser("elman", __doc__, seeds=range(5), batch_size=25,
                              steps_per_execution=32)
    parser.add_argument(
        "--experiments", nargs="+", choices=list(EXPERIMENTS), default=["xor", "letters"]
    )
    parser.add_argument("--xor-passes", type=int, default=200, help="epochs of temporal XOR")
    parser.add_argument("--letters-passes", type=int, default=100, help="epochs of letters")
    parser.add_argument("--xor-lr", type=float, default=0.05)
    parser.add_argument("--letters-lr", type=float, default=0.02)
    parser.add_argument("--chunk", type=int, default=12, help="steps per BP-through-time piece")
    parser.add_argument("--excerpt", type=int, default=36, help="steps of the plotted trace")
    args = parser.parse(argv, quick={"seeds": [0, 1], "xor_passes": 20, "letters_passes": 20})
    if min(args.xor_passes, args.letters_passes, args.chunk, args.excerpt) < 1:
        parser.error("--xor-passes, --letters-passes, --chunk and --excerpt must be >= 1")
    results: dict = {"config": vars(args)}
    jobs = [(name, seed) for name in args.experiments for seed in args.seeds]
    runs: dict[str, list[dict]] = {name: [] for name in args.experiments}
    excerpts = {}
    readers = {}
    for name, seed in progress(jobs, desc="elman"):
        spec = EXPERIMENTS[name]
        if name not in readers:  # stateless: reads one whole test stream
            readers[name] = build_elman_network(spec["width"], spec["hidden_units"],
                                                spec["width"])
        run, excerpt = run_seed(name, seed, readers[name], args)
        runs[name].append(run)
        excerpts.setdefault(name, excerpt)
    for name in args.experiments:
        results[name] = summarise_experiment(name, runs[name], excerpts[name], args)
        plot(args.out / f"elman_{name}.png", name, results[name])
        cells = zip(results[name]["positions"], results[name]["mean"], results[name]["std"],
                    strict=True)
        print(name, results[name]["network"],
              " | ".join(f"{p}: {pm(m, s, 3)}" for p, m, s in cells))
    write_results(args.out, "elman", results)
    return results


if __name__ == "__main__":
    main()

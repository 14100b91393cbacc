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
parallel sub-streams in `--chunk`-step pieces (BP through time within a
piece), one pass over the stream per epoch, context cleared at every pass.

    python -m zoo_scripts.elman                  # both experiments, 5 seeds (about 1½ minutes)
    python -m zoo_scripts.elman --quick --out runs/elman_quick
"""

from __future__ import annotations

import argparse
import json
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

EXPERIMENTS = {
    "xor": {
        "stream": lambda seed: temporal_xor(3000, seed),
        "width": 1,
        "hidden_units": 2,
        "positions": ["bit 1 (random)", "bit 2 (random)", "bit 3 (XOR)"],
        "features": None,
    },
    "letters": {
        "stream": lambda seed: letter_stream(1000, seed),
        "width": 6,
        "hidden_units": 20,
        "positions": ["consonant", "vowel 1", "vowel 2", "vowel 3"],
        "features": FEATURE_NAMES,
    },
}
_TEST_SEED_OFFSET = 1000


def train(stream: ElmanStream, hidden_units: int, passes: int, lr: float, args) -> ElmanNetwork:
    """A stateful network trained `passes` times over the stream, in stream order."""
    width = stream.inputs.shape[1]
    model = build_elman_network(width, hidden_units, width, stateful=True, batch_size=args.rows)
    model.compile(keras.optimizers.Adam(lr), "mse", steps_per_execution=32)
    pieces = [stream_batches(a, args.rows, args.chunk) for a in (stream.inputs, stream.targets)]
    dataset = tf.data.Dataset.from_tensor_slices(tuple(pieces)).batch(args.rows).cache()
    model.fit(dataset, epochs=passes, verbose=args.verbose)
    return model


def squared_errors(reader: ElmanNetwork, stream: ElmanStream) -> np.ndarray:
    """(T, features) squared error of each prediction, the whole stream read in one go."""
    predictions = reader.predict(stream.inputs[None], verbose=0)[0]
    return (predictions - stream.targets) ** 2


def per_position(errors: np.ndarray, positions: np.ndarray, count: int) -> list[float]:
    """Mean over the stream of the per-step squared error ||y_t - target_t||^2, per position."""
    step_errors = errors.sum(-1)
    return [float(step_errors[positions == p].mean()) for p in range(count)]


def run_experiment(name: str, args) -> dict:
    spec = EXPERIMENTS[name]
    passes, lr = getattr(args, f"{name}_passes"), getattr(args, f"{name}_lr")
    width, hidden_units = spec["width"], spec["hidden_units"]
    reader = build_elman_network(width, hidden_units, width)  # stateless: one whole stream
    runs = []
    for seed in range(args.seeds):
        keras.utils.set_random_seed(seed)
        model = train(spec["stream"](seed), hidden_units, passes, lr, args)
        reader.set_weights(model.get_weights())
        test = spec["stream"](seed + _TEST_SEED_OFFSET)
        errors = squared_errors(reader, test)
        run = {
            "seed": seed,
            "per_position": per_position(errors, test.positions, len(spec["positions"])),
        }
        if spec["features"]:
            consonants = errors[test.positions == 0].mean(0)
            run["per_feature_at_consonants"] = dict(
                zip(spec["features"], consonants.tolist(), strict=True)
            )
        runs.append(run)
        print(name, seed, [f"{e:.3f}" for e in run["per_position"]], flush=True)
        if seed == 0:
            excerpt = {
                "symbols": test.symbols[: args.excerpt],
                "positions": test.positions[: args.excerpt].tolist(),
                "errors": errors[: args.excerpt].sum(-1).tolist(),
            }
    table = np.array([run["per_position"] for run in runs])
    result = {
        "network": f"{width}-{hidden_units}-{width}",
        "passes": passes,
        "learning_rate": lr,
        "positions": spec["positions"],
        "mean": table.mean(0).round(4).tolist(),
        "std": table.std(0, ddof=1 if len(runs) > 1 else 0).round(4).tolist(),
    }
    cells = zip(spec["positions"], result["mean"], result["std"], strict=True)
    print(name, result["network"], " | ".join(f"{p}: {m:.3f} ± {s:.3f}" for p, m, s in cells))
    if spec["features"]:
        features = np.array([list(run["per_feature_at_consonants"].values()) for run in runs])
        means = features.mean(0).round(4).tolist()
        result["per_feature_at_consonants"] = dict(zip(spec["features"], means, strict=True))
        print(name, "per feature at consonants:", result["per_feature_at_consonants"])
    return result | {"runs": runs, "excerpt_seed_0": excerpt}


def plot(path: Path, name: str, result: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (bars, trace) = plt.subplots(
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
    trace.set_title("error along the test stream (seed 0)")
    figure.suptitle(f"Elman network {result['network']}, {name}, {result['passes']} passes")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    plt.close(figure)
    print(f"wrote {path}")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--experiments", nargs="+", choices=list(EXPERIMENTS), default=["xor", "letters"]
    )
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--xor-passes", type=int, default=200)
    parser.add_argument("--letters-passes", type=int, default=100)
    parser.add_argument("--xor-lr", type=float, default=0.05)
    parser.add_argument("--letters-lr", type=float, default=0.02)
    parser.add_argument("--rows", type=int, default=25, help="parallel sub-streams (batch size)")
    parser.add_argument("--chunk", type=int, default=12, help="steps per BP-through-time piece")
    parser.add_argument("--excerpt", type=int, default=36, help="steps of the plotted trace")
    parser.add_argument("--verbose", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="seconds: 2 seeds, 20 passes")
    parser.add_argument("--out", default="docs/results/elman")
    args = parser.parse_args(argv)
    for name in ("seeds", "xor_passes", "letters_passes", "rows", "chunk", "excerpt"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.quick:
        args.seeds, args.xor_passes, args.letters_passes = 2, 20, 20
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    out = Path(args.out)
    results = {"args": vars(args)}
    for name in args.experiments:
        results[name] = run_experiment(name, args)
        plot(out / f"elman_{name}.png", name, results[name])
    (out / "elman.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()

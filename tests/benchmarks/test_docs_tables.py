"""The benchmark tables of docs/ render from the committed results files."""

from pathlib import Path

import pytest

from zoo_scripts._docs import render_table

RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"


@pytest.mark.parametrize(
    "marker, first_cells",
    [
        ("mutual_speed:speed_table mutual/mutual_speed_run*.json", "| 1 | 1 | 1.030 | 1.435 |"),
        ("joint_speed:speed_table joint/joint_speed_run*.json", "| 1 | 1 | 0.832 | 1.039 |"),
        ("input_guard_cost:guard_table contract/input_guard_cost.json",
         "| graph (check in the step) | 1 | 2.359 | 2.777 | 0.85 |"),
        ("saliency_speed:speed_table saliency/saliency_speed.json",
         "| 32x32 | 1 | 32x32 | 20,000 | 14,074 | 13,700 |"),
        ("feed_speed:feed_table contract/feed_speed.json", "| 1 | "),
        ("sharing_speed:cost_table sharing/sharing_speed_mlp_run*.json",
         "| DNN, LETTER | 1 | 1 | 5.37 | **1.077** |"),
        ("pretraining_speed:cost_table saliency_pretraining/pretraining_speed_run*.json",
         "| plain Keras DAE | 1.00 ("),
    ],
)
def test_benchmark_tables_render_from_committed_files(marker, first_cells):
    table = render_table(marker, RESULTS)
    assert table.splitlines()[2].startswith(first_cells)


def test_som_table_recomputes_the_summary_from_the_seeds():
    table = render_table("som_speed:speed_table som/som_speed.json dataset=fashion_mnist", RESULTS)
    minisom, b32 = table.splitlines()[2:4]
    assert minisom.startswith("| MiniSom | 4.5999 ± 0.0219 |")  # sample std of 3 seeds
    assert "| 10,497 / 15,092 | 6.57 / 9.45 |" in b32


def test_rbm_table_spread_option_adds_median_and_range():
    table = render_table(
        "rbm_speed:speed_table rbm/mnist_b10_10seeds/rbm_speed.json dataset=mnist spread=1", RESULTS
    )
    header, _, sklearn, ours = table.splitlines()
    assert "PL median" in header and "PL range" in header
    assert "−94.78" in ours and "−112.2 … −91.3" in ours and "| 1 |" in sklearn


def test_art_tables_show_identical_categories():
    rows = render_table("art_speed:runs_table art/art_speed.json", RESULTS).splitlines()[2:]
    assert len(rows) == 24 and all("| 1.0000 | 0.0e+00 |" in row for row in rows)

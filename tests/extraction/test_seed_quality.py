"""The extractor on the two seed plans, scored against their hand-checked annotations.

The bars are the project's quality bars: a change that lowers any figure below its bar
fails the suite. The seeds and annotations are the project's own copies (planwatch/demo).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planwatch.extraction import extract_file
from tests.extraction import scorer

DEMO = Path(__file__).resolve().parents[2] / "planwatch" / "demo"
SEEDS = sorted((DEMO / "seeds").glob("*.txt"))

BARS = {
    "main_targets_r": 0.95,
    "targets_f1": 0.90,
    "target_fields_acc": 0.85,
    "tasks_f1": 0.97,
    "lead_acc": 0.95,
    "task_extent_acc": 0.98,
    "refs_f1": 0.95,
    "implements_f1": 0.95,
    "document_acc": 0.95,
    "reporting_f1": 0.90,
    "deadlines_f1": 0.95,
}


@pytest.fixture(scope="module")
def scores() -> dict[str, dict[str, float]]:
    result = {}
    for seed in SEEDS:
        gold = json.loads((DEMO / "plans" / (seed.stem + ".plan.json")).read_text(encoding="utf-8"))
        result[seed.stem] = scorer.score(gold, extract_file(seed).plan)
    return result


def test_both_seed_plans_are_scored(scores):
    assert len(scores) == 2


@pytest.mark.parametrize(("figure", "bar"), sorted(BARS.items()))
def test_the_extractor_meets_its_quality_bar_on_the_seeds(scores, figure, bar):
    macro = sum(s[figure] for s in scores.values()) / len(scores)
    per_seed = {name: round(s[figure], 3) for name, s in scores.items()}
    assert macro >= bar, f"{figure} = {macro:.3f} < {bar} ({per_seed})"


def test_every_item_span_points_at_its_text():
    for seed in SEEDS:
        result = extract_file(seed)
        for task in result.plan["tasks"]:
            start, end = task["span"]
            assert " ".join(result.text[start:end].split()) == task["text"]
        for key in ("targets", "reporting", "deadlines"):
            for item in result.plan[key]:
                if item.get("span") and item.get("quote"):
                    start, end = item["span"]
                    assert result.text[start:end] == item["quote"], (key, item)

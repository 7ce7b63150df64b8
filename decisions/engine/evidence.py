"""Measured quality on the team's own test set: accuracy, its 95% interval, outcomes.

The confidence interval is the Wilson score interval (Wilson 1927). For k correct out
of n, p = k / n and z = 1.959964 (the 97.5% normal quantile):

    centre    = (p + z^2 / 2n) / (1 + z^2 / n)
    half-width = z / (1 + z^2 / n) x sqrt(p (1 - p) / n + z^2 / 4n^2)

Unlike the textbook p +- z sqrt(p (1 - p) / n) it stays inside [0, 1] and keeps a
sensible width at 0% or 100% and on the 50-100 examples a held-out set usually has,
where the textbook interval is known to undercover.

Per-example outcomes come as JSON Lines, one object per example:
`{"id": "ex-1", "candidate": "finetuned", "correct": true}`. Every line is checked and
every problem reported with its line number; one bad line rejects the whole file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from decisions.engine.scenario import CANDIDATES, CandidateResult, Evaluation

Z_95 = 1.959964
MIN_TEST_SET = 50  # seed: a held-out set of 50-100 representative examples
MAX_ERRORS_REPORTED = 50
CANDIDATE_LABELS = {"baseline": "baseline", "base": "base", "finetuned": "fine-tuned"}


def wilson_interval(correct: float, total: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for `correct` successes out of `total` trials."""
    if total <= 0:
        return 0.0, 1.0
    p = correct / total
    denominator = 1.0 + z * z / total
    centre = (p + z * z / (2.0 * total)) / denominator
    half = z / denominator * math.sqrt(p * (1.0 - p) / total + z * z / (4.0 * total * total))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class OutcomeCount:
    candidate: str
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.correct, self.total)


class OutcomesError(ValueError):
    """Every problem of an outcomes file: `errors` is [{"field": "line 3", "message": ...}]."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def parse_outcomes(text: str) -> dict[str, OutcomeCount]:
    """JSON Lines of per-example outcomes -> correct / total per candidate.

    Blank lines are skipped. An id may appear once per candidate: a repeated id would
    count one example twice and narrow the interval it was meant to measure.
    """
    errors: list[dict[str, str]] = []
    counts: dict[str, list[int]] = {}
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        problem, row = _outcome_row(line)
        if problem is None:
            key = (row["candidate"], str(row["id"]))
            if key in seen:
                problem = f"id {row['id']!r} appears twice for {row['candidate']}"
            seen.add(key)
        if problem is not None:
            errors.append({"field": f"line {number}", "message": problem})
            continue
        tally = counts.setdefault(row["candidate"], [0, 0])
        tally[0] += 1 if row["correct"] else 0
        tally[1] += 1
    if not errors and not counts:
        errors.append({"field": "file", "message": "has no outcomes"})
    if errors:
        raise OutcomesError(errors[:MAX_ERRORS_REPORTED])
    return {
        candidate: OutcomeCount(candidate, correct, total)
        for candidate, (correct, total) in sorted(counts.items())
    }


def _outcome_row(line: str) -> tuple[str | None, dict[str, Any]]:
    try:
        row = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return "is not a JSON object", {}
    if not isinstance(row, dict):
        return "is not a JSON object", {}
    missing = [key for key in ("id", "candidate", "correct") if key not in row]
    if missing:
        return f"misses {', '.join(missing)}", row
    if isinstance(row["id"], bool) or not isinstance(row["id"], str | int) or row["id"] == "":
        return "id must be a non-empty string or an integer", row
    if row["candidate"] not in CANDIDATES:
        return f"candidate must be one of {', '.join(CANDIDATES)}", row
    if not isinstance(row["correct"], bool):
        return "correct must be true or false", row
    return None, row


# --- Measured quality against the target ---------------------------------------------------


def candidate_interval(c: CandidateResult, test_set_examples: int) -> tuple[float, float]:
    """From the uploaded counts when known, else the accuracy over the test set's size."""
    if c.total:
        return wilson_interval(c.correct, c.total)
    return wilson_interval(c.accuracy * test_set_examples, test_set_examples)


def best(evaluation: Evaluation, kind: str) -> CandidateResult | None:
    """The most accurate measurement of a candidate kind (several models may be tried)."""
    found = [c for c in evaluation.candidates if c.candidate == kind]
    return max(found, key=lambda c: c.accuracy, default=None)


def measured_prompting_quality(evaluation: Evaluation | None) -> float | None:
    """The best quality reached by prompting (the baseline API or the base model)."""
    if evaluation is None:
        return None
    prompted = [c.accuracy for c in evaluation.candidates if c.candidate in ("baseline", "base")]
    return max(prompted) if prompted else None


def measured_summary(evaluation: Evaluation, target: float) -> str:
    """ "measured on 80 examples: baseline 85%, base 41% -> fine-tuned 78% against a 95%
    target" (the candidates that were measured, in that order)."""
    prompted = [
        f"{CANDIDATE_LABELS[kind]} {c.accuracy:.0%}"
        for kind in ("baseline", "base")
        if (c := best(evaluation, kind)) is not None
    ]
    text = ", ".join(prompted)
    finetuned = best(evaluation, "finetuned")
    if finetuned is not None:
        text = f"{text} -> fine-tuned {finetuned.accuracy:.0%}" if text else (
            f"fine-tuned {finetuned.accuracy:.0%}"
        )  # fmt: skip
    examples = evaluation.test_set.examples
    return f"measured on {examples:,} examples: {text} against a {target:.0%} target"


def evaluation_block(evaluation: Evaluation | None, target: float) -> dict[str, Any] | None:
    """The result's `evaluation` block: each candidate with its 95% interval."""
    if evaluation is None:
        return None
    examples = evaluation.test_set.examples
    rows = []
    for c in evaluation.candidates:
        low, high = candidate_interval(c, examples)
        rows.append(
            {
                "candidate": c.candidate,
                "model": c.model,
                "accuracy": round(c.accuracy, 4),
                "ci_low": round(low, 4),
                "ci_high": round(high, 4),
                "format_reliability": c.format_reliability,
                "measured_on": c.measured_on,
                "examples": c.total or examples,
                "meets_target": c.accuracy >= target,
            }
        )
    return {
        "test_set": {
            "examples": examples,
            "description": evaluation.test_set.description,
            "below_minimum": examples < MIN_TEST_SET,
        },
        "target_quality": target,
        "candidates": rows,
        "summary": measured_summary(evaluation, target),
        "interval": "Wilson score, 95%",
    }

"""Engine benchmark: `python benchmarks/bench_engine.py` (no Django, no database).

Prints one figure a line, `name: value unit`, then whether each goal is met:
a full 10k-sample evaluation < 50 ms, 1M samples < 1 s, the vectorised Monte Carlo
>= 20x faster than the plain-Python loop on the same draws, the preview ~1 ms.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from decisions.engine import evaluate, parse_scenario, preview  # noqa: E402
from decisions.engine.plan import resolve_plan  # noqa: E402
from decisions.engine.uncertainty import monte_carlo, monte_carlo_loop  # noqa: E402

SCENARIO = {
    "name": "Support replies in brand voice",
    "training": {"base_model": "llama-3.1-8b"},
    "inference": {"daily_calls": 10_000, "monthly_growth": 0.02},
}
GOALS = {  # name: (limit, "<" or ">=")
    "evaluate_10k_samples": (50.0, "<"),
    "evaluate_1m_samples": (1000.0, "<"),
    "monte_carlo_vectorised_speedup": (20.0, ">="),
    "preview": (1.5, "<"),  # "~1 ms"
}


def test_book():
    path = ROOT / "tests" / "engine" / "engine_books.py"
    spec = importlib.util.spec_from_file_location("engine_books", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_book()


def median_ms(run, repeats: int) -> float:
    run()  # warm-up: imports, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    book = test_book()
    scenario = parse_scenario(SCENARIO, book)
    plan = resolve_plan(scenario, book)
    figures = {
        "evaluate_10k_samples": median_ms(lambda: evaluate(scenario, book, samples=10_000), 15),
        "evaluate_1m_samples": median_ms(lambda: evaluate(scenario, book, samples=1_000_000), 3),
        "preview": median_ms(lambda: preview(scenario, book), 50),
    }
    vectorised = median_ms(lambda: monte_carlo(plan, 10_000, 7), 5)
    loop = median_ms(lambda: monte_carlo_loop(plan, 10_000, 7), 1)
    figures["monte_carlo_vectorised_speedup"] = loop / vectorised

    print(f"evaluate_10k_samples: {figures['evaluate_10k_samples']:.1f} ms")
    print(f"evaluate_1m_samples: {figures['evaluate_1m_samples']:.1f} ms")
    print(f"monte_carlo_loop_10k: {loop:.1f} ms")
    print(f"monte_carlo_vectorised_10k: {vectorised:.1f} ms")
    print(f"monte_carlo_vectorised_speedup: {figures['monte_carlo_vectorised_speedup']:.1f} x")
    print(f"preview: {figures['preview']:.2f} ms")
    for name, (limit, op) in GOALS.items():
        value = figures[name]
        met = value < limit if op == "<" else value >= limit
        print(f"goal_{name}: {'met' if met else 'missed'}")


if __name__ == "__main__":
    main()

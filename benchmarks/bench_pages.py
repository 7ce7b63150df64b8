"""Page benchmark: `python benchmarks/bench_pages.py [--requests N]`.

Single-user timings of the wizard steps, an autosave POST, the summary partial and the
results page through Django's test Client, on a throwaway SQLite database (migrated and
loaded with the default catalog). Prints `name_p50: X ms` and `name_p95: X ms` lines,
then the goal: every wizard step and the results page under 150 ms at p95. /healthz
runs in the same process as the floor, so the ratio says what the page itself costs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_MS = 150.0


def setup_django() -> None:
    fd, path = tempfile.mkstemp(prefix="tunecase-bench-", suffix=".sqlite3")
    os.close(fd)
    os.environ["SQLITE_PATH"] = path  # before settings are read
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_default_catalog", verbosity=0)


def timed(client, method: str, url: str, n: int, **kwargs) -> list[float]:
    call = getattr(client, method)
    response = call(url, **kwargs)  # warm caches (templates, price book)
    assert response.status_code in (200, 302), (url, response.status_code)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = call(url, **kwargs)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    n = parser.parse_args().requests
    setup_django()

    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from accounts.services import organisation_create
    from decisions.forms import LAST_STEP
    from decisions.models import Project
    from decisions.services import scenario_create, scenario_evaluate

    user = User.objects.create_user(username="bench", password="bench-password")
    organisation = organisation_create(name="Bench Co", owner=user)
    project = Project.objects.create(organisation=organisation, name="Bench", created_by=user)
    scenario = scenario_create(project=project, user=user, name="Support replies")
    scenario_evaluate(scenario=scenario, user=user)

    client = Client()
    client.force_login(user)
    hx = {"headers": {"HX-Request": "true"}}
    autosave = {
        "inference__daily_calls": "12000",
        "inference__input_tokens_per_call": "800",
        "inference__output_tokens_per_call": "200",
        "inference__monthly_growth": "0",
        "inference__baseline__provider": "openai",
        "inference__baseline__model": "gpt-4o",
        "inference__serving": "serverless",
        "inference__serving_provider": "",
    }
    runs: dict[str, list[float]] = {
        "healthz": timed(client, "get", "/healthz", n),
    }
    for step in range(LAST_STEP + 1):
        url = reverse("decisions:wizard", args=[scenario.pk, step])
        runs[f"wizard_step_{step}"] = timed(client, "get", url, n)
    wizard_2 = reverse("decisions:wizard", args=[scenario.pk, 2])
    runs["wizard_autosave_post"] = timed(client, "post", wizard_2, n, data=autosave, **hx)
    summary = reverse("decisions:summary", args=[scenario.pk])
    runs["summary_partial"] = timed(client, "get", summary, n, **hx)
    # The autosave changed daily calls: compute again so the page shows a current result.
    scenario.refresh_from_db()
    scenario_evaluate(scenario=scenario, user=user)
    runs["results"] = timed(client, "get", reverse("decisions:results", args=[scenario.pk]), n)
    runs["scenario_detail"] = timed(
        client, "get", reverse("decisions:scenario_detail", args=[scenario.pk]), n
    )

    floor = statistics.median(runs["healthz"])
    failed = []
    for name, times in runs.items():
        p50, high = statistics.median(times), p95(times)
        print(f"{name}_p50: {p50:.1f} ms")
        print(f"{name}_p95: {high:.1f} ms  ({p50 / floor:.1f}x healthz)")
        if (name.startswith("wizard_step") or name == "results") and high >= GOAL_MS:
            failed.append(name)
    print(
        f"goal: wizard steps and results p95 < {GOAL_MS:.0f} ms: "
        + ("met" if not failed else f"MISSED by {', '.join(failed)}")
    )
    os.unlink(os.environ["SQLITE_PATH"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

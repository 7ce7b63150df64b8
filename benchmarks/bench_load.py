"""Load benchmark: `make bench-load` or `python benchmarks/bench_load.py [--users 50]
[--think 1] [--duration 60]`.

The production stack on this machine: gunicorn (2 x cores sync workers) with DEBUG off and
the production settings, on a throwaway PostgreSQL database (`tunecase_bench_load` on the
server at DATABASE_ADMIN_URL, dropped afterwards), a Redis server of its own on a free
port and one Celery worker. Virtual users (threads, http.client, no dependency) each log
in, then loop: a wizard step, the live preview (the wizard's HTMX POST), the results
page, the shared report and /healthz (the trivial view: the framework's floor), with a
think time after every request. Logins are spread over a ramp-up so they do not all hash
their password in the same second.

Prints one line per page `name: p50 X ms, p95 Y ms, p99 Z ms, n N, errors E`, then
`requests_per_second`, `errors_total`, `p95_ratio_vs_floor` (the pages' p95 over /healthz's)
and `goal_p95_under_150ms: met|missed` (every page but login, whose PBKDF2 hash is slow on
purpose; and no errors).
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_MS = 150.0
DATABASE = "tunecase_bench_load"
PASSWORD = "bench-load-Password-1"
PAGES = ("login", "wizard_step", "live_preview", "results", "shared_report", "healthz")


# --- The stack ------------------------------------------------------------------------------


def admin_url() -> str:
    return os.environ.get("DATABASE_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database(action: str) -> None:
    """CREATE or DROP the throwaway database on the shared server."""
    import psycopg

    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if action == "create":
            conn.execute(f"CREATE DATABASE {DATABASE}")


def production_env(redis_url: str, static_root: str) -> dict[str, str]:
    base = admin_url().rsplit("/", 1)[0]
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # The benchmark speaks plain HTTP to gunicorn as a TLS proxy would: it sends
        # X-Forwarded-Proto: https, so the Secure __Host- cookies and HTTPS CSRF checks
        # are exercised exactly as in production.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_PROXY_SSL_HEADER_ENABLED": "true",
        "DATABASE_URL": f"{base}/{DATABASE}",
        "REDIS_URL": redis_url,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "DEMO_MODE": "false",
        # Every virtual user comes from 127.0.0.1: the per-address share-link brake
        # would otherwise answer 429 to the benchmark itself.
        "SHARE_LOOKUPS_PER_MINUTE": "1000000",
    }


@dataclass
class World:
    usernames: list[str]
    scenario_ids: list[int]
    share_token: str
    autosave: dict[str, str]


def prepare(env: dict[str, str], users: int) -> World:
    """Migrate, collect static files, load the catalog; one user and scenario per VU."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import Membership, Role
    from accounts.services import organisation_create
    from decisions.models import Project, Result, Scenario
    from decisions.services import scenario_create, scenario_evaluate
    from decisions.sharing import share_link_create

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_default_catalog", verbosity=0)

    owner = User.objects.create_user(username="owner", password=PASSWORD)
    organisation = organisation_create(name="Load Co", owner=owner)
    project = Project.objects.create(organisation=organisation, name="Load", created_by=owner)
    template = scenario_create(project=project, user=owner, name="Support replies")

    # The live preview posts these values; the template holds them already, so each
    # virtual user's result stays current while it posts them again.
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
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(owner)
    response = client.post(
        f"/scenarios/{template.pk}/wizard/2/", autosave, headers={"HX-Request": "true"}, secure=True
    )
    assert response.status_code == 200, response.status_code
    template.refresh_from_db()
    result = scenario_evaluate(scenario=template, user=owner)
    _, share_token = share_link_create(
        scenario=template, result=result, label="Load", days=7, user=owner
    )

    # One hash for all: PBKDF2 on 50 users would take longer than the run.
    hashed = make_password(PASSWORD)
    names = [f"vu{n:03d}" for n in range(users)]
    made = User.objects.bulk_create([User(username=name, password=hashed) for name in names])
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=organisation, role=Role.EDITOR) for u in made]
    )
    scenarios = Scenario.objects.bulk_create(
        [
            Scenario(project=project, name=f"Scenario {u.username}", inputs=template.inputs)
            for u in made
        ]
    )
    copied = ("catalog_version", "inputs", "output", "verdict", "payback_months", "monthly_savings")
    Result.objects.bulk_create(
        [Result(scenario=s, **{f: getattr(result, f) for f in copied}) for s in scenarios]
    )
    from django.db import connections

    connections.close_all()  # the database is dropped at the end
    return World(names, [s.pk for s in scenarios], share_token, autosave)


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    from tests.services import wait_for

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            return conn.getresponse().status == 200
        except OSError:
            return False

    wait_for(answers, timeout=60, what=f"gunicorn on port {port}")
    return process


# --- A virtual user -------------------------------------------------------------------------


class FormValues(HTMLParser):
    """The csrfmiddlewaretoken of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.token = ""

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrfmiddlewaretoken":
            self.token = values.get("value") or ""


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, ms: float, ok: bool, detail: str) -> None:
        with self.lock:
            self.times[page].append(ms)
            if not ok:
                self.errors[page] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{page}: {detail}")


class VirtualUser(threading.Thread):
    def __init__(self, port: int, username: str, scenario_id: int, world: World, stats: Stats,
                 think: float, start_at: float, stop_at: float) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.port, self.username, self.scenario_id = port, username, scenario_id
        self.world, self.stats, self.think = world, stats, think
        self.start_at, self.stop_at = start_at, stop_at
        self.cookies: dict[str, str] = {}
        self.origin = f"https://127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, page: str, method: str, path: str, body: dict | None = None,
                headers: dict | None = None, expect: int = 200) -> str:  # fmt: skip
        sent = {
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{self.port}",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
            sent["X-CSRFToken"] = self.cookies.get("__Host-csrftoken", "")
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=sent)
            response = self.conn.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.stats.add(page, (time.perf_counter() - start) * 1000, False, repr(exc))
            return ""
        ms = (time.perf_counter() - start) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        ok = response.status == expect
        self.stats.add(page, ms, ok, f"{method} {path} -> {response.status}")
        return text

    def pause(self) -> bool:
        time.sleep(self.think)
        return time.monotonic() < self.stop_at

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        page = self.request("login_form", "GET", "/accounts/login/")
        form = FormValues()
        form.feed(page)
        credentials = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": form.token,
        }
        self.request("login", "POST", "/accounts/login/", credentials, expect=302)
        step, sid, htmx = 0, self.scenario_id, {"HX-Request": "true"}
        while self.pause():
            self.request("wizard_step", "GET", f"/scenarios/{sid}/wizard/{step}/")
            step = (step + 1) % 6
            if not self.pause():
                break
            self.request(
                "live_preview", "POST", f"/scenarios/{sid}/wizard/2/", self.world.autosave, htmx
            )
            if not self.pause():
                break
            self.request("results", "GET", f"/scenarios/{sid}/results/")
            if not self.pause():
                break
            self.request("shared_report", "GET", f"/shared/{self.world.share_token}/")
            if not self.pause():
                break
            self.request("healthz", "GET", "/healthz")


# --- Figures --------------------------------------------------------------------------------


def percentile(times: list[float], q: int) -> float:
    if len(times) < 2:
        return times[0] if times else 0.0
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1]


def report(stats: Stats, elapsed: float) -> bool:
    total = sum(len(t) for t in stats.times.values())
    pages_p95: list[float] = []
    missed = []
    for page in ("login_form", *PAGES):
        times = stats.times.get(page, [])
        if not times:
            print(f"{page}: no requests")
            continue
        p95 = percentile(times, 95)
        print(
            f"{page}: p50 {percentile(times, 50):.1f} ms, p95 {p95:.1f} ms, "
            f"p99 {percentile(times, 99):.1f} ms, n {len(times)}, errors {stats.errors[page]}"
        )
        if page not in ("login", "healthz"):
            pages_p95.append(p95)
            if p95 >= GOAL_MS:
                missed.append(page)
    errors = sum(stats.errors.values())
    floor = percentile(stats.times.get("healthz", [0.0]), 95) or 1.0
    print(f"requests_per_second: {total / elapsed:.1f}")
    print(f"errors_total: {errors}")
    print(f"p95_ratio_vs_floor: {max(pages_p95, default=0.0) / floor:.1f}")
    for sample in stats.samples:
        print(f"error_sample: {sample}")
    met = not missed and errors == 0
    print(f"goal_p95_under_150ms: {'met' if met else 'missed'}")
    if missed:
        print(f"goal_missed_by: {', '.join(missed)}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="seconds after each request")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--ramp", type=float, default=None, help="seconds to start all users")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = parser.parse_args()
    ramp = args.ramp if args.ramp is not None else min(10.0, args.duration / 4)

    from tests.services import CeleryWorker, RedisServer, free_port

    if not shutil.which("redis-server"):
        print("redis-server is not installed", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="tunecase-bench-load-"))
    redis = RedisServer().start()
    processes: list[subprocess.Popen] = []
    worker = None
    try:
        database("create")
        env = production_env(redis.url, str(folder / "static"))
        world = prepare(env, args.users)
        worker = CeleryWorker(redis.url, name="bench", **env).start()
        port = free_port()
        processes.append(start_gunicorn(env, port, args.workers, folder / "gunicorn.log"))
        print(
            f"gunicorn: {args.workers} workers; users: {args.users}; think: {args.think} s; "
            f"duration: {args.duration:.0f} s (ramp-up {ramp:.0f} s); "
            f"PostgreSQL {DATABASE}; Redis {redis.url}"
        )
        stats = Stats()
        begin = time.monotonic()
        stop_at = begin + args.duration
        users = [
            VirtualUser(
                port,
                name,
                sid,
                world,
                stats,
                args.think,
                begin + ramp * n / max(1, args.users),
                stop_at,
            )  # fmt: skip
            for n, (name, sid) in enumerate(zip(world.usernames, world.scenario_ids, strict=True))
        ]
        for user in users:
            user.start()
        for user in users:
            user.join(timeout=args.duration + 120)
        met = report(stats, time.monotonic() - begin)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
                process.wait(timeout=30)
        if worker is not None:
            worker.stop()
        redis.stop()
        database("drop")
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

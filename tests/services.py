"""Real services for the tests that need them: a Redis server of the test's own (so it
can be stopped without touching the machine's shared one) and Celery worker processes
that read the test database."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.dir = tempfile.mkdtemp(prefix="tunecase-redis-")

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, what=f"redis on port {self.port}")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def database_env() -> dict[str, str]:
    """Point a child process at the database this test is using."""
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": str(settings["NAME"]), "DATABASE_URL": ""}
    user, host, port = settings["USER"], settings["HOST"], settings["PORT"] or "5432"
    return {"DATABASE_URL": f"postgres://{user}@{host}:{port}/{settings['NAME']}"}


class CeleryWorker:
    """A real `celery worker` process (prefork, one child) on the given broker."""

    def __init__(self, broker_url: str, *, name: str = "w1", **env: str) -> None:
        self.broker_url = broker_url
        self.name = name
        self.env = env
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix=f"tunecase-{name}-", suffix=".log")[1])

    def start(self, *, beat: bool = False) -> CeleryWorker:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "REDIS_URL": self.broker_url,
            **database_env(),
            **self.env,
        }
        if not environment.get("DATABASE_URL"):
            environment.pop("DATABASE_URL", None)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--hostname",
            f"{self.name}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if beat:
            command += ["--beat", "--schedule", str(self.log.with_suffix(".beat"))]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.ready, timeout=60, what=f"celery worker {self.name} (log: {self.log})")
        return self

    def ready(self) -> bool:
        if self.process and self.process.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{self.log.read_text()[-3000:]}")
        return " ready." in self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group: the worker and its pool children, no cleanup."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def postgres_bin(name: str) -> str | None:
    """A PostgreSQL server binary: on PATH, else Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster of the test's own (initdb in a temp folder, a free
    port), so a test may restart it without touching the machine's shared server.

    initdb refuses to run as root: as root every command runs as the `postgres` user.
    """

    def __init__(self, database: str = "tunecase_chaos") -> None:
        self.port = free_port()
        self.database = database
        self.dir = Path(tempfile.mkdtemp(prefix="tunecase-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, timeout: float = 120) -> None:
        subprocess.run(
            [*self.as_postgres, *command],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            postgres_bin("pg_ctl") or "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            *args,
        )

    def start(self) -> PostgresCluster:
        self._run(
            postgres_bin("initdb") or "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self._pg_ctl("start")
        import psycopg

        admin = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {self.database}")
        return self

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, the server comes back."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._pg_ctl("stop", "-m", "immediate")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


class Gunicorn:
    """`gunicorn config.wsgi` on a free port with the given environment."""

    def __init__(self, env: dict[str, str], *, workers: int = 2) -> None:
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix="tunecase-gunicorn-", suffix=".log")[1])

    def start(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.answers, timeout=60, what=f"gunicorn on port {self.port} ({self.log})")
        return self

    def answers(self) -> bool:
        if self.process and self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


SAME_AS_BROKER = object()


def point_celery_at(app, url: str, backend: str | None | object = SAME_AS_BROKER) -> None:
    """Send this process's tasks to `url` (results to `backend`, by default the same).
    Celery caches its producer pools and result backend on first use: forget those too."""
    app.conf.broker_url = url
    app.conf.result_backend = url if backend is SAME_AS_BROKER else backend
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)

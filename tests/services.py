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

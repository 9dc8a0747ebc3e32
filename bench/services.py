"""The servers the benchmark needs besides gunicorn: a database and a shared cache."""

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.env import ROOT, WORK

POSTGRES_PORT = 54330  # CI's throwaway server uses 54329; both may run at once


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process: subprocess.Popen | None, *, grace: float) -> None:
    """Stop a process started with start_new_session, and every process it started: politely,
    then, after `grace` seconds, outright."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f}s")


@contextmanager
def redis() -> Iterator[str | None]:
    """A throwaway Redis on a loopback port, as a CACHE_URL; None when Redis is not installed."""
    server = shutil.which("redis-server")
    if server is None:
        yield None
        return
    port = free_port()
    args = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Databases:
    """Fresh databases by name, on SQLite files or on one PostgreSQL server."""

    TEMPLATE = "bench_template"

    def __init__(self, vendor: str, server_url: str | None = None):
        self.vendor = vendor
        self.server_url = server_url
        self.template_ready = False

    def fresh(self, name: str, template: str | None = None) -> str:
        """Drop and create the database `name` (empty, or a copy of template); its URL."""
        if self.vendor == "sqlite":
            path = WORK / f"{name}.sqlite3"
            for leftover in WORK.glob(f"{name}.sqlite3*"):
                leftover.unlink()
            if template:
                shutil.copyfile(WORK / f"{template}.sqlite3", path)
            return f"sqlite:///{path}"
        import psycopg2

        connection = psycopg2.connect(self._url("postgres"))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
            )
        connection.close()
        return self._url(name)

    def migrated(self, name: str, migrate: Callable[[str], None]) -> str:
        """A fresh database with the forum's schema: migrated once, then copied."""
        if not self.template_ready:
            migrate(self.fresh(self.TEMPLATE))
            self.template_ready = True
        return self.fresh(name, template=self.TEMPLATE)

    def _url(self, name: str) -> str:
        parts = urlsplit(self.server_url)
        return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def databases(vendor: str) -> Iterator[Databases]:
    """SQLite needs nothing; PostgreSQL is started with .ci/postgres.sh and stopped after."""
    WORK.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        yield Databases("sqlite")
        return
    script = str(ROOT / ".ci" / "postgres.sh")
    url = _start_postgres(script)
    try:
        yield Databases("postgres", url)
    finally:
        subprocess.run([script, "stop", str(POSTGRES_PORT)], check=False)


def _start_postgres(script: str, attempts: int = 5) -> str:
    """Start the server; retried, because an outgoing connection may hold the port for a
    moment (54330 lies in Linux's range of ephemeral ports)."""
    for attempt in range(attempts):
        started = subprocess.run(
            [script, "start", str(POSTGRES_PORT)], capture_output=True, text=True, check=False
        )
        if started.returncode == 0:
            return started.stdout.strip()
        time.sleep(2 * (attempt + 1))
    raise RuntimeError(f"PostgreSQL did not start on {POSTGRES_PORT}:\n{started.stderr}")


def postgres_installed() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def postgres_version(url: str) -> str:
    import psycopg2

    connection = psycopg2.connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return version

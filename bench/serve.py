"""Start and stop gunicorn, with the project's gunicorn.conf.py, on a free loopback port."""

import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench.env import ROOT, WORK
from bench.services import free_port


@contextmanager
def gunicorn(
    python: str, app: str, env: dict[str, str], ready_path: str, name: str, *, port: int = 0
) -> Iterator[str]:
    """Serve `app` (a WSGI "module:callable") on `port` (a free one unless given) until the
    block ends; yields its base URL."""
    port = port or free_port()
    log = log_of(name)
    args = [python, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app]
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    with log.open("w") as output:
        process = subprocess.Popen(
            args, cwd=ROOT, env=server_env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(process, base + ready_path, log)
        _warm_every_worker(base + ready_path, int(server_env.get("WEB_CONCURRENCY", 0)))
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def log_of(name: str) -> Path:
    """Where the server of that name writes its output (its workers' logging too)."""
    return WORK / f"gunicorn-{name}.log"


def _wait_until_ready(process: subprocess.Popen, url: str, log: Path, timeout: float = 60) -> None:
    """Until the page answers 200: every worker has then imported the app (preload_app)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not serve {url} within {timeout:.0f}s:\n{log.read_text()}")


def _warm_every_worker(url: str, workers: int) -> None:
    """A worker's first requests compile templates and load translations: keep them out of
    the figures by sending every worker a few requests first."""
    workers = workers or 2 * (os.cpu_count() or 1) + 1  # gunicorn.conf.py's default

    def fetch(_):
        with urllib.request.urlopen(url, timeout=300) as response:
            response.read()

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(fetch, range(workers * 4)))

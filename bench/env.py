"""Where the benchmark keeps things, and the environment every process it starts runs in."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# Data, databases and logs; another directory (BENCH_WORK) lets two runs go on at once.
WORK = Path(os.environ.get("BENCH_WORK", BENCH / ".work"))
PYTHON = ROOT / ".venv" / "bin" / "python"
XTD_VENV = BENCH / ".venv-xtd"
XTD_PYTHON = XTD_VENV / "bin" / "python"
SECRET_KEY = "bench-only-secret-key-never-used-anywhere-else-0123456789abcdef"


def python() -> str:
    """The project's virtualenv interpreter, or this one when run from elsewhere."""
    return str(PYTHON) if PYTHON.exists() else sys.executable


def django_env(database_url: str, cache_url: str, **extra: str) -> dict[str, str]:
    """Production-like settings (DEBUG off) on the loopback interface, without TLS."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        "PYTHONHASHSEED": "0",
    }
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], *, timeout: float = 900) -> str:
    """Run a command in the project directory; its stdout, or its output in the error."""
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def manage(env: dict[str, str], *args: str) -> str:
    return run([python(), "manage.py", *args], env)

"""What the figures were measured on: the machine, and the version of everything involved."""

import json
import os
import platform
import shutil
import sqlite3
import subprocess
from pathlib import Path

from bench import load

_PACKAGES = ["Django", "django-mptt", "gunicorn", "psycopg2-binary", "bleach", "redis"]
_XTD_PACKAGES = ["Django", "django-comments-xtd", "django-contrib-comments", "gunicorn"]


def describe() -> dict:
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _first_value(Path("/proc/cpuinfo"), "model name"),
        "memory_gb": round(
            int(_first_value(Path("/proc/meminfo"), "MemTotal").split()[0]) / 2**20, 1
        ),
        "os": _first_value(Path("/etc/os-release"), "PRETTY_NAME", sep="=").strip('"'),
        "kernel": platform.release(),
    }


def versions(project_python: str, xtd_python: str | None) -> dict:
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    found |= _installed(project_python, _PACKAGES)
    if xtd_python:
        found |= {f"xtd venv {k}": v for k, v in _installed(xtd_python, _XTD_PACKAGES).items()}
    if load.available():
        found["wrk"] = load.version()
    if shutil.which("redis-server"):
        output = subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
        found["redis"] = output.stdout.split("v=")[1].split()[0]
    return found


def _installed(python: str, packages: list[str]) -> dict:
    code = (
        "import importlib.metadata as m, json, sys; "
        "print(json.dumps({p: m.version(p) for p in sys.argv[1:]}))"
    )
    output = subprocess.run([python, "-c", code, *packages], capture_output=True, text=True)
    return json.loads(output.stdout) if output.returncode == 0 else {}


def _first_value(path: Path, key: str, sep: str = ":") -> str:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return "unknown"
    for line in lines:
        name, _, value = line.partition(sep)
        if name.strip() == key:
            return value.strip()
    return "unknown"

"""A fresh clone, in a shell with nothing exported: the tests run, manage.py says what to set."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def without_settings_env() -> dict:
    """The environment of a fresh shell: no DEBUG, no SECRET_KEY, no settings module chosen."""
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS"}
    return {name: value for name, value in os.environ.items() if name not in unset}


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=REPO, env=without_settings_env(), capture_output=True, text=True, timeout=120
    )


def test_manage_py_without_debug_or_a_key_says_in_one_line_what_to_set():
    done = run(sys.executable, "manage.py", "check")

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "manage.py: Set SECRET_KEY in the environment (or DEBUG=1 to develop)."
    ]


def test_a_plain_pytest_runs_without_debug_or_a_key_in_the_environment():
    done = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/forum/test_markup.py"
    )

    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " passed" in done.stdout


def test_a_plain_pytest_leaves_out_the_benchmark_smoke_run_and_make_test_runs_it():
    [line] = [line for line in run("make", "-n", "test").stdout.splitlines() if "pytest" in line]
    make_test = [sys.executable, *shlex.split(line)[1:]]  # its virtualenv's python is this one
    collect = ["--collect-only", "-q", "-p", "no:cacheprovider", "tests/bench"]

    plain = run(sys.executable, "-m", "pytest", *collect).stdout
    full = run(*make_test, *collect).stdout

    assert "no tests collected" in plain
    left_out = int(re.search(r"(\d+) deselected", plain).group(1))
    assert left_out > 0
    assert f"{left_out} tests collected" in full

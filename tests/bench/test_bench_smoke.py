"""The benchmark's smoke run: the whole suite on tiny sizes, so that it cannot rot unnoticed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import front, load
from bench.env import XTD_PYTHON

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.bench


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """Run `python -m bench.run --smoke` once, in a work directory of its own."""
    work = tmp_path_factory.mktemp("bench-work")
    out = work / "results"
    command = [sys.executable, "-m", "bench.run", "--smoke", "--db", "sqlite", "--out", str(out)]
    environment = {**os.environ, "BENCH_WORK": str(work)}
    finished = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=240
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return json.loads((out / "results.json").read_text()), (out / "RESULTS.md").read_text()


@pytest.fixture
def figures(smoke):
    sqlite = smoke[0]["databases"]["sqlite"]
    assert "skipped" not in sqlite, sqlite.get("skipped")
    return sqlite


def test_the_smoke_run_measures_every_page_reply_queue_and_import(figures):
    for page in figures["pages"].values():
        assert page["warm"]["median_ms"] > 0
        assert page["cold"]["median_ms"] > 0
        assert page["comments_shown"] > 0
    for reply in figures["replies"].values():
        assert reply["service"]["median_ms"] > 0
        assert reply["http"]["median_ms"] > 0
    assert 0 < figures["queue"]["rows_shown"] <= figures["queue"]["pending"]
    for run in [*figures["import"].values(), *figures["import_backup"].values()]:
        assert run["comments"] > 0
        assert run["peak_rss_mb"] > 0
        assert run["progress_bar"]


@pytest.mark.skipif(not load.available(), reason="wrk is not installed")
def test_the_smoke_run_loads_the_forum_and_the_ceiling_under_gunicorn(figures):
    first_visit = figures["first_visit"].values()
    for page in [*figures["pages"].values(), figures["ceiling"], *first_visit]:
        assert page["load"]["requests_per_second"] > 0
        assert page["load"]["non_2xx"] == 0
        assert page["load"]["p99_ms"] >= page["load"]["p50_ms"] > 0


@pytest.mark.skipif(not (load.available() and front.available()), reason="no wrk or nginx")
def test_the_smoke_run_loads_the_smallest_page_through_nginx_beside_the_direct_figure(
    smoke, figures
):
    nginx = figures["nginx"]
    direct = figures["pages"][nginx["page"]]

    assert int(nginx["page"]) == min(map(int, figures["pages"]))
    assert nginx["load"]["requests_per_second"] > 0
    assert nginx["load"]["non_2xx"] == nginx["load"]["errors"] == 0
    ratio = nginx["load"]["requests_per_second"] / direct["load"]["requests_per_second"]
    assert f"through nginx / direct = {ratio:.2f}" in smoke[1]
    assert nginx["cpu_ms_per_request"] > 0 and nginx["requests"] >= nginx["load"]["requests"]


@pytest.mark.skipif(not load.available(), reason="wrk is not installed")
def test_the_smoke_run_loads_a_busy_post_and_counts_its_renders(figures):
    busy = figures["busy_post"]
    assert busy["readers_only"]["renders"]["renders"] == 0
    assert busy["with_writers"]["requests_per_second"] > 0
    assert busy["with_writers"]["comments"].get("302", 0) > 0
    made = busy["with_writers"]["renders"]
    assert made["versions"] > 0
    assert made["renders"] >= made["versions"]


@pytest.mark.skipif(not XTD_PYTHON.exists(), reason="no bench/.venv-xtd (make bench creates it)")
def test_the_smoke_run_measures_django_comments_xtd_on_the_same_thread(figures):
    for n, page in figures["xtd"].items():
        assert page["warm"]["median_ms"] > 0
        assert page["comments_shown"] > 0
        assert n in figures["pages"]


def test_the_post_page_sends_the_same_queries_whatever_the_thread_size(figures):
    pages = figures["pages"].values()
    assert len({page["queries_cold"] for page in pages}) == 1
    assert len({page["queries_warm"] for page in pages}) == 1


def test_every_target_is_reported_in_both_files(smoke):
    results, markdown = smoke
    names = {target["name"] for target in results["targets"]}
    assert len(names) == 10
    for name in names:
        assert name in markdown
    assert all(target["holds"] in (True, False, None) for target in results["targets"])

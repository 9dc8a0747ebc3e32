"""Every measurement on one database: the forum, django-comments-xtd, the framework ceiling,
and the importer. Each system gets fresh databases and is served by the same gunicorn.conf.py."""

import json
import math
import os
import time
from contextlib import ExitStack
from urllib.parse import urlsplit

from bench import archive, backup_archive, env, front, imports, load, quiet, serve, writers
from bench.services import Databases
from bench.sizes import Sizes

STARTED = time.monotonic()
STEPS: list[tuple[int, str]] = []  # (seconds since the start, what began), for RESULTS.md
CONTENTION: dict[str, dict[str, float | None]] = {}  # database -> step -> others' CPU share


def contended(vendor: str, name: str, args: list[str], environment: dict, sizes: Sizes) -> None:
    """Run one measuring command, noting how much of the CPUs other people took meanwhile."""
    quiet.wait_for_quiet(2 * sizes.quiet_seconds)
    with quiet.Contention() as contention:
        env.run(args, environment)
    CONTENTION.setdefault(vendor, {})[name] = contention.others


# Every server alike: long enough that the slowest page measured is never killed mid-request.
SERVER = {"GUNICORN_TIMEOUT": "300"}
LONG_RUN = 30  # seconds: a load test this long is run once, not once per round


def step(message: str) -> None:
    elapsed = round(time.monotonic() - STARTED)
    STEPS.append((elapsed, message))
    print(f"[bench {elapsed:6d}s] {message}", flush=True)


def one_database(vendor: str, databases: Databases, cache_url: str, sizes: Sizes) -> dict:
    step(f"{vendor}: migrating and loading the synthetic archive")

    def migrate(url: str) -> None:
        env.manage(env.django_env(url, cache_url), "migrate", "--no-input", "-v", "0")

    server = SERVER | ({"WEB_CONCURRENCY": str(sizes.workers)} if sizes.workers else {})
    forum_env = env.django_env(databases.migrated("bench_forum", migrate), cache_url, **server)
    result, forum_pages = _forum(vendor, forum_env, sizes)
    result["xtd"], xtd = _xtd(vendor, databases, sizes, server)
    if load.available():
        _load_tests(vendor, result, forum_env, forum_pages, xtd, sizes)
        result["busy_post"] = _busy_post(vendor, forum_env, forum_pages, sizes)
    else:
        result["ceiling"] = {"skipped": "wrk is not installed"}
    result["import"] = imports_of_pages(vendor, databases, migrate, cache_url, sizes)
    result["import_backup"] = backup_imports(vendor, databases, migrate, cache_url, sizes)
    result["contention"] = CONTENTION.get(vendor, {})
    return result


def _forum(vendor: str, forum_env: dict, sizes: Sizes) -> tuple[dict, dict]:
    if forum_env["CACHE_URL"] == "db":
        env.manage(forum_env, "createcachetable")
    _collect_static(forum_env)
    manifest, measured = env.WORK / "manifest.json", env.WORK / "measured.json"
    # A bulk load, not a request: no deadline on its statements (VACUUM ANALYZE takes minutes).
    loading = forum_env | {"DATABASE_TIMEOUT": "0"}
    env.run([env.python(), "-m", "bench.data", sizes.to_json(), str(manifest)], loading)
    step(f"{vendor}: server time, queries, replies and the moderation queue, in-process")
    args = [env.python(), "-m", "bench.measure", str(manifest), sizes.to_json(), str(measured)]
    args.append(str(env.WORK / "ceiling.html"))
    contended(vendor, "forum in-process", args, forum_env, sizes)
    return json.loads(measured.read_text()), json.loads(manifest.read_text())["pages"]


def _collect_static(forum_env: dict) -> None:
    """DEBUG off serves hashed static files from STATIC_ROOT: collect them unless up to date
    (skipping also spares two runs at once from rewriting the manifest under each other)."""
    manifest = env.ROOT / "staticfiles" / "staticfiles.json"
    folders = [env.ROOT / "static", *env.ROOT.glob("*/static")]
    sources = [path for folder in folders for path in folder.rglob("*") if path.is_file()]
    newest = max((path.stat().st_mtime for path in sources), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        env.manage(forum_env, "collectstatic", "--no-input", "-v", "0")


def _xtd(
    vendor: str, databases: Databases, sizes: Sizes, server: dict
) -> tuple[dict, tuple | None]:
    """django-comments-xtd's figures, and (its pages, its environment) for the load tests."""
    if not env.XTD_PYTHON.exists():
        return {"skipped": "no bench/.venv-xtd (make bench creates it)"}, None
    step(f"{vendor}: django-comments-xtd on the same threads, in-process")
    python = str(env.XTD_PYTHON)
    manifest, measured = env.WORK / "xtd-manifest.json", env.WORK / "xtd-measured.json"
    xtd_env = env.django_env(
        databases.fresh("bench_xtd"),
        "locmem",
        DJANGO_SETTINGS_MODULE="bench.xtd.settings",
        **server,
    )
    env.run([python, "-m", "django", "migrate", "--run-syncdb", "--no-input", "-v", "0"], xtd_env)
    env.run([python, "-m", "bench.xtd.load", sizes.to_json(), str(manifest)], xtd_env)
    args = [python, "-m", "bench.xtd.measure", str(manifest), sizes.to_json(), str(measured)]
    contended(vendor, "django-comments-xtd in-process", args, xtd_env, sizes)
    pages = json.loads(manifest.read_text())["pages"]
    return json.loads(measured.read_text()), (pages, xtd_env)


def _load_tests(vendor, result, forum_env, forum_pages, xtd, sizes: Sizes) -> None:
    """All four servers run side by side (an idle one costs nothing) and are loaded in turn,
    round after round, so that a change in the machine's other work shifts every figure alike."""
    step(f"{vendor}: load tests under gunicorn and wrk ({sizes.rounds} round(s))")
    ceiling_env = forum_env | {
        "DJANGO_SETTINGS_MODULE": "bench.ceiling.settings",
        "BENCH_CEILING_BODY": str(env.WORK / "ceiling.html"),
    }
    smallest = min(forum_pages.values(), key=lambda page: page["comments"])["url"]
    with ExitStack() as stack:
        forum = stack.enter_context(
            serve.gunicorn(env.python(), "config.wsgi:application", forum_env, smallest, "forum")
        )
        app = "django.core.wsgi:get_wsgi_application()"
        ceiling = stack.enter_context(
            serve.gunicorn(env.python(), app, ceiling_env, "/", "ceiling")
        )
        behind_env = ceiling_env | {"DJANGO_SETTINGS_MODULE": "bench.ceiling.behind_middleware"}
        behind = stack.enter_context(
            serve.gunicorn(env.python(), app, behind_env, "/", "ceiling-middleware")
        )
        # (figures, url, as a returning reader)
        jobs = [(result["pages"][n], forum + page["url"], True) for n, page in forum_pages.items()]
        jobs += _through_nginx(stack, result, forum_pages, forum)
        jobs.append((result.setdefault("ceiling", {}), ceiling + "/", True))
        jobs.append((result.setdefault("ceiling_middleware", {}), behind + "/", True))
        # The smallest page and the ceiling once more, for a first-time reader (no cookies).
        first_visit = result.setdefault("first_visit", {"page": {}, "ceiling": {}})
        jobs.append((first_visit["page"], forum + smallest, False))
        jobs.append((first_visit["ceiling"], ceiling + "/", False))
        if xtd is not None:
            xtd_pages, xtd_env = xtd
            first = min(xtd_pages.values(), key=lambda page: page["comments"])["url"]
            app, python = "bench.xtd.wsgi:application", str(env.XTD_PYTHON)
            base = stack.enter_context(serve.gunicorn(python, app, xtd_env, first, "xtd"))
            jobs += [(result["xtd"][n], base + page["url"], True) for n, page in xtd_pages.items()]
        _rounds(jobs, sizes)
    result["ceiling"]["bytes"] = (env.WORK / "ceiling.html").stat().st_size


def _through_nginx(stack: ExitStack, result: dict, forum_pages: dict, forum: str) -> list:
    """The smallest page again, through nginx (deploy/nginx.conf, HTTPS) in front of the same
    gunicorn: what the proxy in front of every deployment costs a page."""
    if not front.available():
        result["nginx"] = {"skipped": "nginx is not installed"}
        return []
    size = min(forum_pages, key=lambda n: forum_pages[n]["comments"])
    nginx = front.Nginx(env.WORK / "nginx")
    nginx.start(upstream_ports=[urlsplit(forum).port])
    stack.callback(nginx.stop)
    result["nginx"] = {"page": size}
    # Before nginx stops (callbacks run last first): its own CPU time, whoever else was busy.
    stack.callback(_nginx_cost, nginx, result["nginx"])
    return [(result["nginx"], nginx.url + forum_pages[size]["url"], True)]


def _nginx_cost(nginx: front.Nginx, figures: dict) -> None:
    figures["requests"] = nginx.requests_served()
    figures["cpu_ms_per_request"] = 1000 * nginx.cpu_seconds() / max(figures["requests"], 1)


def _busy_post(vendor: str, forum_env: dict, forum_pages: dict, sizes: Sizes) -> dict:
    """The middle thread (1,000 comments) read by wrk with and without writers, on a server of
    its own that logs each render (forum.renders), so that they can be counted."""
    middle = sorted(forum_pages, key=int)[len(forum_pages) // 2]
    step(f"{vendor}: a busy post: {int(middle):,} comments, readers with and without writers")
    busy_env = forum_env | {"LOG_LEVEL": "INFO"}
    url = forum_pages[middle]["url"]
    plan = {
        "seconds": sizes.busy_seconds,
        "connections": sizes.connections,
        "quiet_seconds": sizes.quiet_seconds,
        "server_ms": 0,
    }
    with serve.gunicorn(env.python(), "config.wsgi:application", busy_env, url, "busy") as base:
        figures = writers.busy_post(
            base + url, serve.log_of("busy"), writers=sizes.writers, interval=1.0, plan=plan
        )
    return figures | {"comments": int(middle)}


def _rounds(jobs: list[tuple[dict, str, bool]], sizes: Sizes) -> None:
    """Load each page once per round; keep the run with the median throughput."""
    runs: list[list[dict]] = [[] for _ in jobs]
    for number in range(sizes.rounds):
        for (figures, url, returning), done in zip(jobs, runs, strict=True):
            plan = _load_plan(figures.get("warm", {}).get("median_ms", 0), sizes)
            if number == 0 or plan["seconds"] < LONG_RUN:
                done.append(load.wrk(url, **plan, returning=returning))
    for (figures, _url, _returning), done in zip(jobs, runs, strict=True):
        ordered = sorted(done, key=lambda run: run["requests_per_second"])
        figures["load"] = ordered[(len(ordered) - 1) // 2] | {
            "rounds": [run["requests_per_second"] for run in done],
            "others_cpu_share_max": max(run["others_cpu_share"] or 0 for run in done),
        }


def _load_plan(server_ms: float, sizes: Sizes) -> dict:
    """wrk's duration and connections for a page: a slow page gets longer, so that enough
    requests finish to count, and one connection per worker (per core when very slow), so
    that no request waits past the time limits."""
    seconds, connections = sizes.load_seconds, sizes.connections
    if server_ms >= load.SLOW_MS:
        seconds = max(seconds, math.ceil(server_ms / 1000 * 20))
        connections = sizes.workers or 2 * (os.cpu_count() or 1) + 1
    if server_ms >= 10 * load.SLOW_MS:
        connections = os.cpu_count() or 1
    return {
        "seconds": min(seconds, sizes.max_load_seconds),
        "connections": connections,
        "quiet_seconds": sizes.quiet_seconds,
        "server_ms": server_ms,
    }


def imports_of_pages(
    vendor: str, databases: Databases, migrate, cache_url: str, sizes: Sizes
) -> dict:
    result = {}
    for posts in sizes.archives:
        directory = env.WORK / f"archive-{posts}-{archive.fingerprint()}"
        if not (directory / "complete").exists():
            archive.write(directory, posts)
            (directory / "complete").touch()
        step(f"{vendor}: import_blog on {posts:,} posts")
        import_env = env.django_env(databases.migrated("bench_import", migrate), cache_url)
        with quiet.Contention() as contention:
            result[str(posts)] = imports.run_import(directory, import_env)
        CONTENTION.setdefault(vendor, {})[f"import_blog on {posts:,} posts"] = contention.others
    return result


def backup_imports(
    vendor: str, databases: Databases, migrate, cache_url: str, sizes: Sizes
) -> dict:
    """import_blog on generated Blogger backups, each into an empty database."""
    result = {}
    for posts, comments in sizes.backups:
        path = env.WORK / f"backup-{posts}-{comments}-{backup_archive.fingerprint()}.atom"
        if not path.exists():
            partial = path.with_suffix(".partial")
            backup_archive.write(partial, posts, comments)
            partial.rename(path)
        step(f"{vendor}: import_blog on a Blogger backup of {posts:,} posts")
        import_env = env.django_env(databases.migrated("bench_import", migrate), cache_url)
        with quiet.Contention() as contention:
            result[str(posts)] = imports.run_import(path, import_env)
        name = f"import_blog on a backup of {posts:,} posts"
        CONTENTION.setdefault(vendor, {})[name] = contention.others
    return result

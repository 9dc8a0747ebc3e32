"""The deployed topology on one machine, in the foreground until Ctrl-C (`make two-servers`).

nginx (deploy/nginx.conf, over HTTPS with a self-signed certificate) in front of two gunicorn
servers (gunicorn.conf.py, each with workers of its own), sharing one PostgreSQL and one Redis:
those named by DATABASE_URL and CACHE_URL, or else a PostgreSQL (.ci/postgres.sh) and a Redis
started here on loopback ports. The database is migrated and seeded first.

    python -m bench.two_servers [--port 8443] [--app-ports 8001,8002] [--workers 2]
"""

import argparse
import os
import secrets
import signal
import subprocess
from contextlib import ExitStack
from urllib.parse import urlsplit, urlunsplit

import psycopg2

from bench import env, front, serve, services

APP = "config.wsgi:application"
POSTGRES_PORT = 54331  # beside CI's (54329) and the benchmark's (54330)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.two_servers", description=__doc__)
    parser.add_argument("--port", type=int, default=8443, help="nginx's HTTPS port")
    parser.add_argument("--http-port", type=int, default=0, help="nginx's redirect to HTTPS")
    parser.add_argument("--app-ports", default="8001,8002", help="the two gunicorn servers")
    parser.add_argument("--workers", default="2", help="gunicorn workers per server")
    parser.add_argument("--postgres-port", type=int, default=POSTGRES_PORT)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    folder = env.WORK / "two-servers"
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        database_url = os.environ.get("DATABASE_URL") or _start_postgres(stack, args.postgres_port)
        cache_url = os.environ.get("CACHE_URL") or stack.enter_context(services.redis())
        nginx = front.Nginx(folder, https_port=args.port, http_port=args.http_port)
        site = env.django_env(
            database_url,
            cache_url or "db",
            # Both servers must sign cookies and tokens alike: one key, made for this run.
            SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            TRUSTED_PROXIES="127.0.0.1",
            CSRF_TRUSTED_ORIGINS=nginx.url,
            SECURE_COOKIES="1",
            SECURE_HSTS_SECONDS="0",
            WEB_CONCURRENCY=args.workers,
            LOG_LEVEL="WARNING",
        )
        _prepare(site)
        ports = [int(port) for port in args.app_ports.split(",")]
        for name, port in zip("AB", ports, strict=True):
            server = serve.gunicorn(env.python(), APP, site, "/", f"two-servers-{name}", port=port)
            print(f"  app server {name}: {stack.enter_context(server)}", flush=True)
        nginx.start(upstream_ports=ports)
        stack.callback(nginx.stop)
        print(f"\n  The forum is at {nginx.url}/  (nginx, self-signed certificate)")
        print(f"  Database {_without_password(database_url)}, counters {cache_url or 'db'}")
        print(f"  Logs in {env.WORK}; Ctrl-C stops everything started here.\n", flush=True)
        _wait_for_ctrl_c()


def _start_postgres(stack: ExitStack, port: int) -> str:
    """A PostgreSQL server on a loopback port (its data kept between runs), and its database."""
    script = str(env.ROOT / ".ci" / "postgres.sh")
    port = str(port)
    url = env.run([script, "start", port], dict(os.environ)).strip()
    stack.callback(subprocess.run, [script, "stop", port], check=False)
    server = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    # CREATE DATABASE cannot run inside a transaction block.
    server.autocommit = True
    with server.cursor() as cursor:
        name = urlsplit(url).path.lstrip("/")
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()
    return url


def _prepare(site: dict[str, str]) -> None:
    """Migrate, import the bundled blog pages (again: the import changes nothing twice),
    collect the static files, and print a moderator's sign-in."""
    env.manage(site, "migrate", "--no-input", "-v", "0")
    env.manage(site, "import_blog", "-v", "0")
    env.manage(site, "collectstatic", "--no-input", "-v", "0")
    # ensure_moderator makes development accounts only, so it runs with DEBUG on.
    print(env.manage(site | {"DEBUG": "1"}, "ensure_moderator"), flush=True)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _wait_for_ctrl_c() -> None:
    """Until Ctrl-C, or a SIGTERM: either way what was started here is stopped, in order.
    (A shell that starts this in the background has it ignore SIGINT: hence the handlers.)"""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.default_int_handler)
    try:
        signal.pause()
    except KeyboardInterrupt:
        print("\n  Stopping.", flush=True)


if __name__ == "__main__":
    main()

"""Real servers for the load tests: a private PostgreSQL, a served database, gunicorn.

Nothing here touches pytest-django's test database: the servers are separate processes, so each
test migrates a database of its own (a SQLite file, or a PostgreSQL database made for it) and
inspects it through subprocesses that load the project's settings pointed at that database.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from bench.services import stop_group

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_SCRIPT = REPO / ".ci" / "postgres.sh"
SEEDS = REPO / "data" / "seeds"
SECRET_KEY = "load-tests-only-0123456789abcdefghijklmnopqrstuvwxyz-not-a-real-key"
# Settings the servers must not inherit from whoever runs the tests (CI exports DEBUG and, in its
# second pass, the DATABASE_URL of its own PostgreSQL).
_OVERRIDDEN = (
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "DATABASE_URL",
    "CACHE_URL",
    "CONN_MAX_AGE",
    "GUNICORN_CMD_ARGS",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], *, env: dict | None = None, timeout: float = 120) -> str:
    """Run a command from the project folder; its stdout, or an error that quotes its output."""
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-4000:]}")
    return done.stdout


def postgres_installed() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL server on a loopback port (.ci/postgres.sh), one database per test."""

    port: int

    def start(self) -> None:
        run([str(POSTGRES_SCRIPT), "start", str(self.port)])

    def stop(self) -> None:
        run([str(POSTGRES_SCRIPT), "stop", str(self.port)])

    def discard(self) -> None:
        """Stop the server and delete its data folder (where .ci/postgres.sh puts it)."""
        self.stop()
        shutil.rmtree(f"/tmp/onprobation-pg-{self.port}", ignore_errors=True)

    def _admin(self, sql: str) -> None:
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", connect_timeout=5
        )
        try:
            # CREATE/DROP DATABASE cannot run inside a transaction block.
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def create_database(self, name: str) -> str:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Site:
    """One served database and the environment that points every process of the site at it."""

    database_url: str
    env: dict = field(init=False)

    def __post_init__(self):
        env = {k: v for k, v in os.environ.items() if k not in _OVERRIDDEN}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="0",
            SECRET_KEY=SECRET_KEY,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
            DATABASE_URL=self.database_url,
            CACHE_URL="db",
            PYTHONUNBUFFERED="1",
        )
        self.env = env

    def manage(self, *args: str) -> str:
        return run([sys.executable, "manage.py", *args], env=self.env)

    def query(self, code: str):
        """Run Python with Django set up against this site's database; what it prints, as JSON."""
        script = "import django, json\ndjango.setup()\n" + code
        return json.loads(run([sys.executable, "-c", script], env=self.env))

    def prepare(self, *seed_pages: str) -> None:
        """Migrate, import the seed pages, and let one address post as fast as it likes."""
        self.manage("migrate", "--no-input", "-v", "0")
        if seed_pages:
            self.manage("import_blog", "-v", "0", *(str(SEEDS / page) for page in seed_pages))
        # Every test reader comes from 127.0.0.1, which the rate limits would stop at once.
        self.query(
            "from moderation.models import ModerationPolicy\n"
            "ModerationPolicy.current()\n"
            "ModerationPolicy.objects.filter(pk=1).update(\n"
            "    mode='never', min_seconds_between=0, max_per_hour=100000)\n"
            "print('null')\n"
        )

    def published_threads(self) -> dict[str, list[int]]:
        """Each post's address, with the ids of its published comments."""
        return self.query(
            "from blogarchive.models import Post\n"
            "print(json.dumps({p.get_absolute_url(): list(p.comments.published()"
            ".values_list('pk', flat=True)) for p in Post.objects.all()}))\n"
        )

    def comment_rows(self) -> dict[str, list]:
        """Every comment, and its tree columns before and after django-mptt rebuilds them.

        Comment.objects is the project's own queryset manager; django-mptt's TreeManager, which
        rebuilds, is Comment._tree_manager.
        """
        return self.query(
            "from forum.models import Comment\n"
            "def rows():\n"
            "    return list(Comment.objects.order_by('pk').values_list(\n"
            "        'pk', 'post_id', 'parent_id', 'tree_id', 'lft', 'rght', 'level'))\n"
            "before = rows()\n"
            "Comment._tree_manager.rebuild()\n"
            "bodies = list(Comment.objects.values_list('pk', 'body', 'body_html'))\n"
            "print(json.dumps({'before': before, 'after': rows(), 'bodies': bodies}))\n"
        )


class Gunicorn:
    """gunicorn serving the site, in a process group of its own so it can be stopped whole."""

    app = "config.wsgi:application"

    def __init__(self, site: Site, workdir: Path, *, workers: int):
        self.site, self.workers = site, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"gunicorn-{self.port}.log"
        # An empty configuration file: the project's gunicorn.conf.py is not what is tested here.
        self.config = workdir / "gunicorn-empty.conf.py"
        self.process: subprocess.Popen | None = None

    def start(self, *, ready_within: float = 30) -> None:
        self.config.write_text("")
        command = [
            str(BIN / "gunicorn"),
            self.app,
            f"--config={self.config}",
            f"--workers={self.workers}",
            f"--bind=127.0.0.1:{self.port}",
            "--timeout=60",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=self.site.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_ready(ready_within)

    def _wait_until_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds}s:\n{self.log()}")

    def worker_pids(self) -> set[int]:
        """The master's worker processes (Linux): a replaced worker gets a new pid."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        stop_group(self.process, grace=15)

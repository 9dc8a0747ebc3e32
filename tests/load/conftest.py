import os
import uuid

import pytest

from tests.load.servers import Gunicorn, PostgresServer, Site, free_port, postgres_installed

LOAD_SEEDS = (
    "000_4b34ee96ce484cb9.txt",
    "001_f2ce7a70528780ac.txt",
    "002_ecdb575820ffe45e.txt",
    "003_cc3877ba95a5ea30.txt",
)


def _postgres_or_skip() -> PostgresServer:
    """A new server on a free port: two test runs at once (or CI's own server) never meet."""
    if not postgres_installed():
        message = "PostgreSQL server binaries not found (apt-get install postgresql)"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(message + ", and REQUIRE_POSTGRES is set")
        pytest.skip(message)
    server = PostgresServer(free_port())
    server.start()
    return server


@pytest.fixture(scope="session")
def static_files(tmp_path_factory):
    """With DEBUG off, pages name their static files through collectstatic's manifest."""
    database = tmp_path_factory.mktemp("static") / "unused.sqlite3"
    Site(f"sqlite:///{database}").manage("collectstatic", "--no-input", "-v", "0")


@pytest.fixture(scope="session")
def private_postgres():
    server = _postgres_or_skip()
    yield server
    server.discard()


@pytest.fixture
def outage_postgres():
    """A server of its own, since the outage test stops it."""
    server = _postgres_or_skip()
    yield server
    server.discard()


@pytest.fixture
def serve(tmp_path, static_files):
    """Start gunicorn over a site; every server started is stopped, process group and all."""
    started: list[Gunicorn] = []

    def start(site: Site, *, workers: int) -> Gunicorn:
        server = Gunicorn(site, tmp_path, workers=workers)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sqlite_site(tmp_path):
    """A fresh SQLite file with the seed threads, shared by every server process."""
    site = Site(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    site.prepare(*LOAD_SEEDS)
    return site


@pytest.fixture
def postgres_site(private_postgres):
    """A fresh database on the private PostgreSQL server, with the seed threads."""
    name = f"load_{uuid.uuid4().hex[:12]}"
    site = Site(private_postgres.create_database(name))
    site.prepare(*LOAD_SEEDS)
    yield site
    private_postgres.drop_database(name)


@pytest.fixture
def outage_site(outage_postgres):
    """A fresh database, with one seed thread, on a server the test will stop and start."""
    name = f"outage_{uuid.uuid4().hex[:12]}"
    site = Site(outage_postgres.create_database(name))
    site.prepare(LOAD_SEEDS[1])
    yield site
    outage_postgres.start()
    outage_postgres.drop_database(name)

"""How big the benchmark's data is, and how long it measures: the full run and the smoke run."""

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Sizes:
    pages: tuple[int, ...] = (63, 1_000, 10_000)  # comments on the post pages measured
    xtd_pages: tuple[int, ...] = (63, 1_000, 10_000)  # the same, rendered by django-comments-xtd
    replies: tuple[int, ...] = (100, 1_000, 10_000)  # comments on the posts replied to
    posts: int = 5_000
    pending: int = 100_000
    archives: tuple[int, ...] = (500, 5_000)  # posts in the archives imported
    # (posts, comments) in the Blogger backups imported
    backups: tuple[tuple[int, int], ...] = ((500, 15_000), (5_000, 150_000))
    load_seconds: int = 5
    max_load_seconds: int = 40  # for the slowest pages (see bench.suite._load_plan)
    quiet_seconds: int = 5  # the longest wait for an idle machine before each load test
    rounds: int = 3  # each load test is repeated, interleaved with the others
    workers: int | None = None  # gunicorn workers; None: gunicorn.conf.py's own default
    connections: int = 16
    # A busy post (bench.writers): readers on its page while writers each post a comment a second.
    busy_seconds: int = 20
    writers: int = 2
    warm_runs: int = 15
    cold_runs: int = 5
    reply_runs: int = 15
    queue_runs: int = 5

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Sizes":
        return cls(
            **{k: _tuples(v) if isinstance(v, list) else v for k, v in json.loads(text).items()}
        )


def _tuples(value: list):
    return tuple(_tuples(v) if isinstance(v, list) else v for v in value)


SMOKE = Sizes(
    pages=(63, 100, 160),
    xtd_pages=(100,),
    replies=(20, 300),
    posts=30,
    pending=200,
    archives=(6, 18),
    backups=((6, 60), (18, 180)),
    load_seconds=1,
    max_load_seconds=2,
    quiet_seconds=0,
    rounds=1,
    workers=2,
    connections=4,
    busy_seconds=2,
    warm_runs=3,
    cold_runs=2,
    reply_runs=3,
    queue_runs=2,
)

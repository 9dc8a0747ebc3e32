"""Report-bombing through real gunicorn workers: the limits hold when the reports arrive at once.

Every reader here comes from 127.0.0.1: one reader and one network to the server, so each
report after the tenth within the hour is refused, and reports hide at most three comments on
the post however many workers count them at the same moment.
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from moderation.reports import READER_LIMIT
from tests.load.readers import Reader

pytestmark = pytest.mark.load

SENDERS = 8
REPORTS = 24
HIDES_PER_HOUR = 3


def _let_one_report_hide(site) -> None:
    site.query(
        "from moderation.models import ModerationPolicy\n"
        "ModerationPolicy.objects.filter(pk=1).update(\n"
        f"    report_threshold=1, report_hides_per_hour={HIDES_PER_HOUR})\n"
        "print('null')\n"
    )


def _report_at_once(base_url: str, comment_ids: list[int]) -> Counter:
    """Each sender opens a comment's report form and sends it; the statuses they got."""

    def send(pk: int) -> int:
        reader = Reader(base_url)
        path = f"/comments/{pk}/report/"
        assert reader.get(path).status == 200
        return reader.post(path, {"reason": "all of it"}).status

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        return Counter(pool.map(send, comment_ids))


def _outcome(site) -> dict:
    return site.query(
        "from moderation.models import Decision, Report\n"
        "hides = Decision.objects.filter(action='hide')\n"
        "print(json.dumps({'reports': Report.objects.count(), 'hidden': hides.count(),\n"
        "    'posts': hides.values('comment__post').distinct().count()}))\n"
    )


def _bomb_one_post(site, server) -> None:
    _let_one_report_hide(site)
    threads = site.published_threads()
    busiest = max(threads.values(), key=len)
    assert len(busiest) >= REPORTS

    answers = _report_at_once(server.url, busiest[:REPORTS])

    assert answers == Counter({302: READER_LIMIT, 429: REPORTS - READER_LIMIT})
    assert _outcome(site) == {"reports": READER_LIMIT, "hidden": HIDES_PER_HOUR, "posts": 1}
    assert "Traceback" not in server.log(), server.log()[-3000:]


def test_reports_sent_at_once_to_four_postgresql_workers_stay_within_every_limit(
    postgres_site, serve
):
    _bomb_one_post(postgres_site, serve(postgres_site, workers=4))


def test_reports_sent_at_once_to_four_sqlite_workers_stay_within_every_limit(sqlite_site, serve):
    _bomb_one_post(sqlite_site, serve(sqlite_site, workers=4))

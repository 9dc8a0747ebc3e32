"""Commenters who do what a person does when posting fails: send the same form again.

Each comment is sent from a freshly read page, with that page's one-use form token; an answer
other than a redirect (a dropped connection, a 503) is retried with the very same form until
it is accepted or time runs out.
"""

import re
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

from tests.load.readers import Answer, Reader, _KeepRedirects
from tests.load.traffic import body_for

_FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
OWNERSHIP_COOKIE = "forum_mine"
RETRY_PAUSE = 0.3


class Commenter(Reader):
    """A browser that keeps the form token of the last page it read."""

    def __init__(self, base_url: str, *, timeout: float = 30):
        super().__init__(base_url, timeout=timeout)
        self.jar = CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _KeepRedirects()
        )
        self.form_token = ""

    def get(self, path: str) -> Answer:
        answer = super().get(path)
        if match := _FORM_TOKEN.search(answer.body):
            self.form_token = match.group(1)
        return answer

    def owned_ids(self) -> set[int]:
        """The comment ids in this browser's ownership cookie ("ids:timestamp:signature")."""
        for cookie in self.jar:
            if cookie.name == OWNERSHIP_COOKIE:
                value = urllib.parse.unquote(cookie.value.strip('"')).split(":", 1)[0]
                return {int(part) for part in value.split(".") if part.isdigit()}
        return set()


@dataclass
class Sent:
    """One comment and every answer its form got, in order."""

    number: int
    body: str
    statuses: list[int] = field(default_factory=list)
    comment_id: int | None = None
    owned: bool = False

    @property
    def retried(self) -> bool:
        return len(self.statuses) > 1


def send_until_accepted(
    commenter: Commenter, post_url: str, number: int, *, until: float, seen: list
) -> Sent:
    """Read the page, then send its form (the same form each time) until it is accepted."""
    sent = Sent(number, body_for(number, 0))
    while time.monotonic() < until:
        page = commenter.get(post_url)
        if page.status == 200:
            break
        seen.append(page.status)
        time.sleep(RETRY_PAUSE)
    fields = {"author_name": "", "body": sent.body, "website": ""}
    fields["form_token"] = commenter.form_token
    while time.monotonic() < until:
        answer = commenter.post(post_url, fields)
        sent.statuses.append(answer.status)
        if answer.status == 302:
            sent.comment_id = answer.comment_id
            sent.owned = sent.comment_id in commenter.owned_ids()
            break
        time.sleep(RETRY_PAUSE)
    return sent


def comment_and_retry(
    base_url: str, post_url: str, *, commenters: int, each: int, until: float
) -> tuple[list[Sent], list[int]]:
    """Several browsers post `each` comments apiece; what each comment met, and the statuses
    of the pages read in between."""
    numbers = iter(range(1, commenters * each + 1))
    lock, seen = threading.Lock(), []

    def run(_index: int) -> list[Sent]:
        commenter, sent = Commenter(base_url, timeout=20), []
        for _ in range(each):
            with lock:
                number = next(numbers)
            sent.append(send_until_accepted(commenter, post_url, number, until=until, seen=seen))
        return sent

    with ThreadPoolExecutor(max_workers=commenters) as pool:
        results = list(pool.map(run, range(commenters)))
    return [sent for batch in results for sent in batch], seen

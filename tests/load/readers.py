"""Readers for the load tests: each one a browser with its own cookies, talking HTTP."""

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from http.cookiejar import CookieJar

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PERMALINK = re.compile(r"/comments/(\d+)/$")


@dataclass(frozen=True)
class Answer:
    """What the server said: status 0 when the connection itself failed."""

    status: int
    body: str
    location: str = ""

    @property
    def comment_id(self) -> int | None:
        """The new comment's id, when this answers an accepted comment with its permalink."""
        match = _PERMALINK.search(self.location) if self.status == 302 else None
        return int(match.group(1)) if match else None


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Leave a redirect for the caller to read: where it points is what was accepted."""

    def redirect_request(self, *args, **kwargs):
        return None


class Reader:
    """One browser: a cookie jar, the CSRF token of its last page, and nothing shared."""

    def __init__(self, base_url: str, *, timeout: float = 30):
        self.base_url, self.timeout = base_url, timeout
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _KeepRedirects()
        )
        self.csrf_token = ""
        self.pages_read: set[str] = set()

    def get(self, path: str) -> Answer:
        answer = self._send(urllib.request.Request(self.base_url + path))
        if match := _CSRF_FIELD.search(answer.body):
            self.csrf_token = match.group(1)
        return answer

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields})
        return self._send(urllib.request.Request(self.base_url + path, data=data.encode()))

    def comment(self, post_url: str, *, body: str, parent: int | None = None) -> Answer:
        """Send the comment (or reply) form, opening the post page first if not yet read."""
        if post_url not in self.pages_read:
            page = self.get(post_url)
            if page.status != 200:
                return page
            self.pages_read.add(post_url)
        fields = {"author_name": "", "body": body, "website": ""}
        if parent is not None:
            fields["parent"] = str(parent)
        return self.post(post_url, fields)

    def _send(self, request: urllib.request.Request) -> Answer:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            return Answer(error.code, body, error.headers.get("Location", ""))
        except (urllib.error.URLError, HTTPException, OSError) as error:
            return Answer(0, f"{type(error).__name__}: {error}")

"""nginx in front of test servers (bench.front runs deploy/nginx.conf), and a browser that
reaches it from a loopback address of its choosing (127.0.0.x)."""

import http.client
import re
import ssl
import urllib.parse
from dataclasses import dataclass, field
from email.message import Message
from typing import NamedTuple

from bench.front import Nginx, available

__all__ = ["Browser", "Nginx", "Response", "Visitor", "available"]

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PERMALINK = re.compile(r"/comments/(\d+)/$")


class Response(NamedTuple):
    status: int
    headers: Message
    text: str

    @property
    def comment_id(self) -> int | None:
        """The new comment's id, when this answers an accepted comment with its permalink."""
        location = self.headers.get("Location", "")
        match = _PERMALINK.search(location) if self.status == 302 else None
        return int(match.group(1)) if match else None


@dataclass
class Visitor:
    """One person at one loopback address, with their cookies and CSRF token, who may reach
    the site on any server: nginx (https://) or an app server directly (http://)."""

    source: str
    cookies: dict = field(default_factory=dict)
    csrf_token: str = ""

    def request(self, server: str, method: str, path: str, body=None, headers=None) -> Response:
        parts = urllib.parse.urlsplit(server)
        address = (parts.hostname, parts.port)
        if parts.scheme == "https":
            # nginx's certificate is a throwaway, made for the test.
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            connection = http.client.HTTPSConnection(
                *address, source_address=(self.source, 0), context=context, timeout=30
            )
        else:
            connection = http.client.HTTPConnection(
                *address, source_address=(self.source, 0), timeout=30
            )
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if match := _CSRF_FIELD.search(text):
            self.csrf_token = match.group(1)
        return Response(response.status, response.headers, text)

    def get(self, server: str, path: str) -> Response:
        return self.request(server, "GET", path)

    def post(self, server: str, path: str, fields: dict, **headers) -> Response:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": server + path,
            **headers,
        }
        return self.request(server, "POST", path, data, headers)


class Browser:
    """A visitor who talks HTTPS to nginx on one port."""

    def __init__(self, port: int, source: str):
        self.server, self.visitor = f"https://127.0.0.1:{port}", Visitor(source)

    def request(self, method: str, path: str, body=None, headers=None) -> Response:
        return self.visitor.request(self.server, method, path, body, headers)

    def post(self, path: str, fields: dict, **headers) -> Response:
        return self.visitor.post(self.server, path, fields, **headers)

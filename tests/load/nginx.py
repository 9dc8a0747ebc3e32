"""nginx in front of test servers (bench.front runs deploy/nginx.conf), and a browser that
reaches it from a loopback address of its choosing (127.0.0.x)."""

import http.client
import re
import ssl
import urllib.parse
from dataclasses import dataclass, field

from bench.front import Nginx, available

__all__ = ["Browser", "Nginx", "available"]

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Browser:
    """A reader at one loopback address, talking HTTPS to nginx, with cookies and CSRF token."""

    port: int
    source: str
    cookies: dict = field(default_factory=dict)
    csrf_token: str = ""

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, source_address=(self.source, 0), context=context, timeout=30
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
        return response.status, response.headers, text

    def post(self, path: str, fields: dict, **headers):
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            **headers,
        }
        return self.request("POST", path, data, headers)

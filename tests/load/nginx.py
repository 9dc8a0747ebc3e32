"""Debian's nginx, running deploy/nginx.conf on loopback ports in front of a test gunicorn,
and a browser that reaches it from a loopback address of its choosing (127.0.0.x)."""

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tests.load.servers import REPO, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = REPO / "deploy" / "nginx.conf"
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def available() -> bool:
    return Path(NGINX).exists() and shutil.which("openssl") is not None


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


class Nginx:
    """deploy/nginx.conf as written, moved onto free loopback ports and a private folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.https_port, self.http_port = free_port(), free_port()
        self.upstream_port = 0
        self.access_log = folder / "forum.access.log"
        self.process: subprocess.Popen | None = None

    def site_config(self) -> str:
        cert, key = self_signed(self.folder)
        text = CONFIG.read_text()
        replacements = {
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{self.upstream_port};",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl;",
            "/etc/letsencrypt/live/forum.example.org/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/forum.example.org/privkey.pem": str(key),
            "/var/log/nginx/": f"{self.folder}/",
        }
        for old, new in replacements.items():
            assert old in text, f"deploy/nginx.conf no longer has {old!r}"
            text = text.replace(old, new)
        # The machine may have no IPv6 loopback; the IPv4 listeners are the ones tested.
        return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)

    def start(self, *, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        (self.folder / "forum.conf").write_text(self.site_config())
        temp_paths = ""
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / kind).mkdir()
            temp_paths += f"  {kind}_temp_path {self.folder / kind};\n"
        main = (
            f"user {'root' if os.geteuid() == 0 else 'nobody'};\n"
            f"pid {self.folder}/nginx.pid;\nerror_log {self.folder}/main-error.log;\n"
            "worker_processes 1;\nevents { worker_connections 64; }\n"
            f"http {{\n{temp_paths}  include {self.folder}/forum.conf;\n}}\n"
        )
        (self.folder / "nginx.conf").write_text(main)
        command = [NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")]
        self.process = subprocess.Popen(
            [*command, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._wait_until_listening(10)

    def _wait_until_listening(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not listen in time")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


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

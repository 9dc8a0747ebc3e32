"""Debian's nginx running deploy/nginx.conf on this machine, in front of one or more gunicorn
servers: the same file, moved onto loopback ports, a private folder and a self-signed
certificate, with one upstream line per app server. Used by the load tests, `make bench` and
`make two-servers`, so that each puts the deployed configuration to work, not a copy of it."""

import os
import shutil
import subprocess
from pathlib import Path

from bench.env import ROOT
from bench.services import free_port, stop_group, wait_for_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = ROOT / "deploy" / "nginx.conf"
UPSTREAM = "server 127.0.0.1:8000;"


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
    """deploy/nginx.conf on loopback ports (free ones unless given), logging into `folder`."""

    def __init__(self, folder: Path, *, https_port: int = 0, http_port: int = 0):
        self.folder = folder
        self.https_port, self.http_port = https_port or free_port(), http_port or free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.access_log = folder / "forum.access.log"
        self.process: subprocess.Popen | None = None

    def site_config(self, upstream_ports: list[int]) -> str:
        cert, key = self_signed(self.folder)
        upstreams = "\n    ".join(f"server 127.0.0.1:{port};" for port in upstream_ports)
        replacements = {
            UPSTREAM: upstreams,
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl;",
            "/etc/letsencrypt/live/forum.example.org/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/forum.example.org/privkey.pem": str(key),
            "/var/log/nginx/": f"{self.folder}/",
        }
        text = CONFIG.read_text()
        for old, new in replacements.items():
            assert old in text, f"deploy/nginx.conf no longer has {old!r}"
            text = text.replace(old, new)
        # The machine may have no IPv6 loopback; the IPv4 listeners are the ones used.
        return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)

    def start(self, *, upstream_ports: list[int]) -> None:
        """Start nginx in the foreground of a process group of its own, passing requests on to
        the app servers in turn (nginx's default round robin)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "forum.conf").write_text(self.site_config(upstream_ports))
        temp_paths = ""
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / kind).mkdir(exist_ok=True)
            temp_paths += f"  {kind}_temp_path {self.folder / kind};\n"
        main = (
            f"user {'root' if os.geteuid() == 0 else 'nobody'};\n"
            f"pid {self.folder}/nginx.pid;\nerror_log {self.folder}/main-error.log;\n"
            # As Debian's own /etc/nginx/nginx.conf: one worker per core.
            "worker_processes auto;\nevents { worker_connections 256; }\n"
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
        try:
            wait_for_port(self.https_port, timeout=10)
        except RuntimeError as error:
            self.stop()
            stderr = self.process.stderr.read().decode()
            raise RuntimeError(f"nginx did not start: {stderr}") from error

    def cpu_seconds(self) -> float:
        """The CPU time nginx's master and workers have used so far (Linux's /proc)."""
        master = self.process.pid
        workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ticks = 0
        for pid in [master, *map(int, workers)]:
            # Fields 14 and 15 of /proc/PID/stat, after the command name: user and system time.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def requests_served(self) -> int:
        return len(self.access_log.read_text().splitlines()) if self.access_log.exists() else 0

    def stop(self) -> None:
        stop_group(self.process, grace=10)

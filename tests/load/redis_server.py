"""A throwaway Redis server on a free loopback port, which a test may stop, hang and restart."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from tests.load.servers import free_port


def redis_or_skip() -> str:
    """The redis-server binary; a skip (a failure when REQUIRE_REDIS is set) when missing."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server not found (apt-get install redis-server)"
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(message + ", and REQUIRE_REDIS is set")
        pytest.skip(message)
    return binary


class RedisServer:
    """redis-server with no persistence, in a process group of its own."""

    def __init__(self, binary: str):
        self.binary, self.port = binary, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server (its data goes with it, as with a restart without persistence)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def hang(self) -> None:
        """Freeze the server: connections are accepted by the kernel, and nothing answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def redis_server():
    """A running Redis server of the test's own, stopped at the end whatever state it is in."""
    server = RedisServer(redis_or_skip())
    server.start()
    yield server
    server.stop()

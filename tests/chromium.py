"""How the tests start Debian's Chromium: one place for the path and the flags."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# As root in a sandboxed machine with no network: no sandbox, no GPU, and none of the
# background connections that the closed network would refuse many times a second.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

"""The framework ceiling behind the forum's own middleware: the forum's settings
(config.settings: security headers, sessions, CSRF, authentication, messages, the content
security policy, axes), and the bare view of bench.ceiling.settings returning the same bytes.

It shows how much of the gap between the forum's page and the bare view is the middleware
every response of the forum goes through, whatever the view does.
"""

from config.settings import *  # noqa: F403 (the forum's settings, whole)

ROOT_URLCONF = "bench.ceiling.settings"

"""Why a new comment is not accepted at all: the one exception posting gives its view."""


class Refused(Exception):
    """The comment is not accepted; the message is shown to the commenter."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 400,
        field: str | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.field = field
        # For a 429 or a 503: how many seconds until the commenter may post again.
        self.retry_after = retry_after

"""The domain error of the accounts services."""

from portal.services.errors import Invalid


class AccountError(Invalid):
    """A rule of the account model forbids this; the message is fit to show to the user.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ThrottledError(AccountError):
    """Too many attempts: try again in ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field)
        self.retry_after = retry_after

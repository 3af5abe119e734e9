"""The one base class for problems the person using the app should read about."""

from aidioma_protocol.checks import EventError


class AppError(Exception):
    """An error whose message is written for the user: what happened and what to do."""


# What the person reads about: the app's own errors, and an event their input made invalid
# (the event contract is shared with the sync server, which knows nothing of AppError).
USER_ERRORS: tuple[type[Exception], ...] = (AppError, EventError)

"""The one base class for problems the person using the app should read about."""


class AppError(Exception):
    """An error whose message is written for the user: what happened and what to do."""

"""Errors worded for the person using the app: what went wrong with which file, and what to do."""

from __future__ import annotations

from ..domain.errors import AppError


class DocumentError(AppError):
    """A document could not be read or processed; the message says why, for a person."""


class Cancelled(DocumentError):
    """The person cancelled the processing of a document."""

    def __init__(self) -> None:
        super().__init__("Cancelled. Nothing of the document was kept.")

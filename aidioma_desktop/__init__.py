"""AIdioma Desktop: a local-first Spanish/English tutor."""

from aidioma_protocol import __version__

__all__ = ["__version__"]

"""AIdioma Desktop: a local-first Spanish/English tutor."""

__version__ = "0.1.0"

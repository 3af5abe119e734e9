"""The contract the desktop app and the sync server share, and nothing else: plain data and pure
checks, no I/O. Installed with either (its own wheel beside the server's), so the server needs
nothing of the desktop package.

- limits.py: the protocol's numbers. wire.py: the HTTP bodies (pydantic).
- events.py: the event envelope (Event, canonical_envelope, instants); hlc.py, ids.py: its clock
  and ids. payloads.py: each kind's payload rules (checks.py: a field's rule); separable from the
  envelope, as the server will stop reading payloads once they are end-to-end encrypted.
- gc_pause.py: a pause of the cyclic garbage collector for bulk work, used by both sides.

`__version__` is the one version of the whole project (the desktop, the server and this).
"""

__version__ = "0.1.0"

"""The protocol's numbers, without pydantic: the desktop client imports only these, and
pydantic would cost ~100 ms at the app's start. wire.py re-exports them."""

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"
MAX_PUSH_EVENTS = 5000  # events in one sync request (422 past it)
# One sync answer: at most this many events, and this many characters of their JSON (or one
# event, however large). Large pages: a first sync's per-page work (its cards, days and commit)
# is done less often; the client reads a page of any size.
MAX_PULL_EVENTS = 20_000
MAX_PULL_CHARS = 8 * 1024 * 1024
MAX_BODY_BYTES = 16 * 1024 * 1024  # one request body, after decompression (413 past it)
MAX_PAYLOAD_BYTES = 16 * 1024  # one event's payload as compact JSON (422 past it)

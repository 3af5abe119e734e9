"""The protocol's numbers, without pydantic: the desktop client imports only these, and
pydantic would cost ~100 ms at the app's start. protocol.py re-exports them."""

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"
MAX_PUSH_EVENTS = 5000  # events in one sync request (422 past it)
MAX_PULL_EVENTS = 5000  # events in one sync answer
MAX_BODY_BYTES = 16 * 1024 * 1024  # one request body, after decompression (413 past it)
MAX_PAYLOAD_BYTES = 16 * 1024  # one event's payload as compact JSON (422 past it)

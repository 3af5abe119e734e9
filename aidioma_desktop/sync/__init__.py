"""The client side of the sync protocol (sync_server/protocol.py): HTTP and backoff.

No database here: services/sync.py composes this with the profile's store (outbox, cursor).
"""

"""The client side of the sync protocol (aidioma_protocol/wire.py): HTTP and backoff.

No database here: services/sync.py composes this with the profile's store (outbox, cursor).
"""

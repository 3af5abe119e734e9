"""The family sync server (FastAPI). Arrives with the sync issue; protocol.py will own the wire types."""

"""The family sync server (FastAPI); arrives with the sync issue.

protocol.py will own the wire types both sides import.
"""

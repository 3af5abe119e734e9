"""One router per resource: auth, account, sync, health."""

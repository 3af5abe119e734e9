"""Secrets (the sync token, an embedding service's API key) live only in the OS keyring, never
in a file.

Where the system has no usable keyring (a bare Linux session without a secret service), a
secret is kept in memory for this run only, and `persistent` says so, so the app can tell the
person they will sign in again next time.
"""

from __future__ import annotations

import contextlib

# keyring is imported where it is used: this module is on the app's startup path (through
# services.library), and keyring with its backends' dependencies costs ~25-60 ms to import.


class SecretStore:
    """The secrets of one keyring service (e.g. "AIdioma sync"), by account name."""

    def __init__(self, service: str, use_keyring: bool = True) -> None:
        """`use_keyring=False`: memory only, for benchmarks and throwaway profiles."""
        self.service = service
        self._memory: dict[str, str] = {}
        self.persistent = use_keyring and _usable()

    def get(self, account: str) -> str | None:
        import keyring.errors

        if account in self._memory:
            return self._memory[account]
        if not self.persistent:
            return None
        try:
            return keyring.get_password(self.service, account)
        except keyring.errors.KeyringError:
            return None

    def set(self, account: str, token: str) -> None:
        import keyring.errors

        if self.persistent:
            try:
                keyring.set_password(self.service, account, token)
                self._memory.pop(account, None)
                return
            except keyring.errors.KeyringError:
                self.persistent = False
        self._memory[account] = token

    def delete(self, account: str) -> None:
        import keyring.errors

        self._memory.pop(account, None)
        if self.persistent:
            # PasswordDeleteError: there was none to delete
            with contextlib.suppress(keyring.errors.KeyringError):
                keyring.delete_password(self.service, account)


def _usable() -> bool:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    try:
        return backend.priority > 0
    except Exception:  # a backend whose availability check itself fails is not usable
        return False

"""One object per use case; the only layer the UI and the CLI call."""

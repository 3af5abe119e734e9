"""The only code that speaks SQL: the per-profile SQLite database and its migrations."""

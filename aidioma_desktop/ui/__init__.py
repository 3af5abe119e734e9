"""The PySide6 desktop app: a thin layer over services/, one module per page."""

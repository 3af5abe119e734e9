"""The bundled app's entry point (PyInstaller runs this file): the `aidioma` command."""

from aidioma_desktop.cli import main

raise SystemExit(main())

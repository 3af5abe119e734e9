"""`python -m sync_server`: the same as `aidioma-sync-server`."""

from .cli import main

raise SystemExit(main())

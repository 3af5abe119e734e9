"""`aidioma profiles` and `aidioma export`: the profiles on this computer and one's data."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING

from ..domain.errors import AppError
from ..services.export import export_profile
from ..services.session import Learner, LoginError, SessionService

if TYPE_CHECKING:  # sync brings httpx, pydantic and keyring: imported only by cmd_sync
    pass


def cmd_profiles(service: SessionService, args: argparse.Namespace) -> int:
    if args.action == "create":
        password = None
        if args.password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Repeat the password: "):
                raise LoginError("The two passwords differ; the profile was not created.")
        summary = service.create_profile(
            args.name,
            email=args.email,
            target_language=args.learn,
            primary_language="en" if args.learn == "es" else "es",
            level=args.level,
            password=password,
        )
        print(
            f"Created profile '{summary.display_name}' "
            f"({summary.level}, learning {summary.target_language})."
        )
        return 0
    profiles = service.profiles()
    if not profiles:
        print("No profiles yet. Create one: aidioma profiles create NAME")
    for p in profiles:
        lock = " (password)" if p.has_password else ""
        print(f"{p.display_name}\t{p.level}\tlearning {p.target_language}{lock}\t{p.id}")
    return 0


def cmd_export(learner: Learner, args: argparse.Namespace) -> int:
    if args.output:
        tmp = f"{args.output}.part"
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                count = export_profile(learner, handle)
            os.replace(tmp, args.output)
        except OSError as exc:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise AppError(f"Could not write {args.output}: {exc.strerror or exc}") from exc
        print(f"Exported {count} events to {args.output}.", file=sys.stderr)
    else:
        export_profile(learner, sys.stdout)
    return 0

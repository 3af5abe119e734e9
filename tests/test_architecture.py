"""DESIGN.md's layering, kept by import-linter contracts (pyproject.toml [tool.importlinter])."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    exe = shutil.which("lint-imports", path=bin_dir)
    assert exe, "import-linter is not installed in this environment"
    return subprocess.run(
        [exe, "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(root), "PATH": bin_dir},
    )


def test_every_layering_contract_is_kept():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_domain_module_that_touches_the_database_breaks_the_contract(tmp_path: Path):
    copy = tmp_path / "repo"
    shutil.copytree(
        ROOT / "aidioma_desktop",
        copy / "aidioma_desktop",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "aidioma_desktop" / "domain" / "leak.py").write_text(
        "import sqlite3\nfrom aidioma_desktop.services import session\n"
    )
    done = lint_imports(copy)
    assert done.returncode != 0
    assert "aidioma_desktop.domain.leak" in done.stdout

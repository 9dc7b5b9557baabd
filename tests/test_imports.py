"""Every module imports on its own, first in a fresh interpreter (an import cycle shows only
when the cycle's other end is imported first)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import obligations

OPTIONAL = {"obligations.server.app", "obligations.server", "obligations.server.engine"}  # the serve extra

MODULES = sorted(info.name for info in pkgutil.walk_packages(obligations.__path__, "obligations.")
                 if not info.name.endswith("__main__"))  # that one runs the command


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_first(module):
    if module in OPTIONAL:
        pytest.importorskip("fastapi")
    proc = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120,
                          cwd=Path(obligations.__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr

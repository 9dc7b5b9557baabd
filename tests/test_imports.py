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


def test_a_digital_pdf_run_imports_no_numpy(tmp_path):
    """numpy (page clean-up before OCR) costs a tenth of a second of start-up that a batch of
    digital PDFs, read from their text layers, does not need."""
    from obligations.synth import generate

    generate("inn", 1, tmp_path, degrade="none", fmt="digital-pdf", seed=1)
    pdf = next(tmp_path.glob("*.pdf"))
    code = ("import sys, runpy; sys.argv = ['obligations', 'run', sys.argv[1], '--out', sys.argv[2], '--quiet', "
            "'--jobs', '1']\n"
            "try:\n    runpy.run_module('obligations', run_name='__main__')\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "print('numpy' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(pdf), str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=120, cwd=Path(obligations.__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
    assert (tmp_path / "out" / f"{pdf.stem}.json").exists()

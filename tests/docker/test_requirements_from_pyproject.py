"""docker/requirements_from_pyproject.py: the requirement lines the images install before the source."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docker" / "requirements_from_pyproject.py"

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def _load():
    spec = importlib.util.spec_from_file_location("obligations_docker_requirements", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


requirements_from_pyproject = _load()

SAMPLE = {
    "project": {
        "name": "Sample_Project",
        "dependencies": ["click>=8", "tomli>=2; python_version<'3.11'"],
        "optional-dependencies": {
            "gpu": ["torch>=2.4", "click>=8"],
            "serve": ["fastapi"],
            "all": ["sample-project[gpu,serve]", "extra-tool"],
        },
    }
}


def test_dependencies_then_extras_in_order_without_repeats():
    lines = requirements_from_pyproject.requirements(SAMPLE, ["gpu", "serve"])
    assert lines == ["click>=8", "tomli>=2; python_version<'3.11'", "torch>=2.4", "fastapi"]


def test_an_extra_naming_the_project_pulls_in_those_extras():
    lines = requirements_from_pyproject.requirements(SAMPLE, ["all"])
    assert lines == ["click>=8", "tomli>=2; python_version<'3.11'", "torch>=2.4", "fastapi", "extra-tool"]


def test_an_undefined_extra_is_an_error_naming_it():
    with pytest.raises(ValueError, match="'web'.*all, gpu, serve"):
        requirements_from_pyproject.requirements(SAMPLE, ["web"])


def test_command_line_prints_every_requirement_of_this_projects_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = sorted(pyproject["project"].get("optional-dependencies", {}))
    result = subprocess.run([sys.executable, str(SCRIPT), str(ROOT / "pyproject.toml"), *extras],
                            capture_output=True, text=True, check=True)
    printed = result.stdout.splitlines()
    assert printed == requirements_from_pyproject.requirements(pyproject, extras)
    assert set(pyproject["project"]["dependencies"]) <= set(printed)
    own_name = pyproject["project"]["name"]
    for extra in extras:
        for line in pyproject["project"]["optional-dependencies"][extra]:
            assert line in printed or line.startswith(own_name + "["), line


def test_command_line_refuses_an_unknown_extra():
    result = subprocess.run([sys.executable, str(SCRIPT), str(ROOT / "pyproject.toml"), "no-such-extra"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "no-such-extra" in result.stderr and result.stdout == ""

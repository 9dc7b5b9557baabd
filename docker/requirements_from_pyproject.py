"""Prints this project's requirements (and those of the extras named) from pyproject.toml.

The Docker images install these before copying the source, so that editing the code does not
invalidate the large dependency layers (torch alone is gigabytes).

    python requirements_from_pyproject.py pyproject.toml gpu serve > requirements.txt

Standard library only (plus tomli on Python 3.10), since it runs before anything is installed.
"""

from __future__ import annotations

import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

# "name[extra1,extra2]" at the start of a requirement: an extra that pulls in other extras of
# the same project ("all = ['obligations[gpu,serve]']").
_SELF_REFERENCE = re.compile(r"^\s*([A-Za-z0-9._-]+)\s*\[([^\]]*)\]\s*$")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(pyproject: dict, extras: list[str]) -> list[str]:
    """The project's dependencies followed by those of `extras`, each line once, in order.

    Raises ValueError naming any extra the project does not define: a build that silently
    lacked, say, the web server would only fail when the container starts.
    """
    project = pyproject["project"]
    name = _canonical(project["name"])
    defined = project.get("optional-dependencies", {})
    lines: list[str] = []
    seen_extras: set[str] = set()

    def add_extra(extra: str) -> None:
        if extra in seen_extras:
            return
        if extra not in defined:
            raise ValueError(f"extra {extra!r} is not defined in pyproject.toml "
                             f"(defined: {', '.join(sorted(defined)) or 'none'})")
        seen_extras.add(extra)
        for requirement in defined[extra]:
            add(requirement)

    def add(requirement: str) -> None:
        self_reference = _SELF_REFERENCE.match(requirement)
        if self_reference and _canonical(self_reference.group(1)) == name:
            for extra in self_reference.group(2).split(","):
                if extra.strip():
                    add_extra(extra.strip())
        elif requirement not in lines:
            lines.append(requirement)

    for requirement in project.get("dependencies", []):
        add(requirement)
    for extra in extras:
        add_extra(extra)
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: requirements_from_pyproject.py PYPROJECT [EXTRA ...]", file=sys.stderr)
        return 2
    with open(args[0], "rb") as handle:
        pyproject = tomllib.load(handle)
    try:
        lines = requirements(pyproject, args[1:])
    except ValueError as exc:
        print(f"requirements_from_pyproject: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Field accuracy of results against ground truth written by `obligations synth`.

A field counts as correct when its normalised value equals the truth exactly; a
missing document or field counts as wrong (and a field the document does not carry,
null in the truth, counts as correct only when the result has no value for it). This is
the figure the tests hold to.

    tally_directory(truth, out).report()                          # all documents
    report_by(tally_directory(truth, out, by="degradation"))      # one table per scan level
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, overload

# `by` spellings -> the truth JSON key they group on
GROUP_KEYS = {"degradation": "degrade", "degrade": "degrade", "level": "degrade", "doc_type": "doc_type",
              "layout": "layout"}
# obligations.synth.degrade.LEVELS, easiest first (not imported: that pulls in the renderers)
LEVEL_ORDER = ("none", "scan", "poor", "lowres", "speckle", "fax", "photo", "stamp")


@dataclass
class Tally:
    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # file, field, got, want

    def add(self, name: str, result: dict | None, truth: dict) -> None:
        document = _document_of_type(result, truth["doc_type"]) if result else None
        for field_id, want in truth["fields"].items():
            got = None
            if document is not None and field_id in document["fields"]:
                got = document["fields"][field_id]["value"]
            key = f"{truth['doc_type']}.{field_id}"
            self.total[key] += 1
            if got == want and document is not None:  # a missing document is wrong, even for null truth
                self.correct[key] += 1
            else:
                self.misses.append((name, key, got, want))

    def merge(self, other: Tally) -> Tally:
        """Add another tally's counts and misses to this one."""
        for key, n in other.total.items():
            self.total[key] += n
        for key, n in other.correct.items():
            self.correct[key] += n
        self.misses.extend(other.misses)
        return self

    @property
    def accuracy(self) -> float:
        total = sum(self.total.values())
        return sum(self.correct.values()) / total if total else 0.0

    def per_field(self) -> dict[str, float]:
        return {key: self.correct[key] / self.total[key] for key in sorted(self.total)}

    def report(self) -> str:
        lines = [f"{key:32s} {self.correct[key]:4d}/{self.total[key]:<4d} {acc:6.1%}" for key, acc in self.per_field().items()]
        lines.append(f"{'all fields':32s} {sum(self.correct.values()):4d}/{sum(self.total.values()):<4d} {self.accuracy:6.1%}")
        return "\n".join(lines)


def _document_of_type(result: dict, doc_type: str) -> dict | None:
    return next((d for d in result.get("documents", []) if d["doc_type"] == doc_type), None)


@overload
def tally_directory(truth_dir: Path, output_dir: Path, by: None = None) -> Tally: ...
@overload
def tally_directory(truth_dir: Path, output_dir: Path, by: str) -> dict[str, Tally]: ...


def tally_directory(truth_dir: Path, output_dir: Path, by: str | None = None) -> Tally | dict[str, Tally]:
    """Compare every `<stem>.json` truth in truth_dir with `<stem>.json` in output_dir.

    by=None: one Tally.  by="degradation" (or "doc_type", "layout", or any key of the truth
    JSON): one Tally per value of that key (levels easiest first, other values sorted); the degradation of truth written
    before levels were recorded counts as "none", a layout groups by its first part."""
    if by is None:
        tally = Tally()
        for name, truth, result in _pairs(Path(truth_dir), Path(output_dir)):
            tally.add(name, result, truth)
        return tally
    key = GROUP_KEYS.get(by, by)
    groups: dict[str, Tally] = {}
    for name, truth, result in _pairs(Path(truth_dir), Path(output_dir)):
        value = truth.get(key)
        if value is None and key == "degrade":
            value = "none"
        value = str(value).split("/")[0] if key == "layout" else str(value)
        groups.setdefault(value, Tally()).add(name, result, truth)
    order = {level: i for i, level in enumerate(LEVEL_ORDER)} if key == "degrade" else {}
    return dict(sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def _pairs(truth_dir: Path, output_dir: Path):
    for truth_path in sorted(truth_dir.glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if not isinstance(truth, dict) or "fields" not in truth:
            continue
        out = output_dir / truth_path.name
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
        yield truth_path.stem, truth, result


def report_by(tallies: Mapping[str, Tally], title: str = "degradation") -> str:
    """One per-field table per group, then a summary table: group, fields right, accuracy."""
    parts = []
    for group, tally in tallies.items():
        parts.append(f"== {title}: {group}\n{tally.report()}")
    width = max([len(title), *(len(g) for g in tallies)]) + 2
    summary = [f"{title:{width}s} {'right':>9s} {'accuracy':>8s}"]
    for group, tally in tallies.items():
        right, total = sum(tally.correct.values()), sum(tally.total.values())
        summary.append(f"{group:{width}s} {right:4d}/{total:<4d} {tally.accuracy:8.1%}")
    everything = Tally()
    for tally in tallies.values():
        everything.merge(tally)
    summary.append(f"{'all':{width}s} {sum(everything.correct.values()):4d}/{sum(everything.total.values()):<4d} "
                   f"{everything.accuracy:8.1%}")
    return "\n\n".join(parts + ["\n".join(summary)])

"""Field accuracy of results against ground truth written by `obligations synth`.

A field counts as correct when its normalised value equals the truth exactly; a
missing document or field counts as wrong. This is the figure the tests hold to.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


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
            if got == want:
                self.correct[key] += 1
            else:
                self.misses.append((name, key, got, want))

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


def tally_directory(truth_dir: Path, output_dir: Path) -> Tally:
    """Compare every `<stem>.json` truth in truth_dir with `<stem>.json` in output_dir."""
    tally = Tally()
    for truth_path in sorted(truth_dir.glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if "fields" not in truth:
            continue
        out = output_dir / truth_path.name
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
        tally.add(truth_path.stem, result, truth)
    return tally

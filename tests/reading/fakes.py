"""Engines for the reading steps' tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from obligations.backends.base import BackendInfo, Capabilities, Word


@dataclass
class ReadsEveryRegionAs:
    """Reads every region it is asked for as one word, `answer`, and remembers each region
    and language asked."""

    answer: str
    asked: list[tuple] = field(default_factory=list)
    capabilities = Capabilities(regions=True)

    def info(self) -> BackendInfo:
        return BackendInfo("fake", None, "cpu", None, "test")

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        self.asked.append((box, lang))
        return [Word(self.answer, (box[0] + 5, box[1] + 5, box[2] - 5, box[3] - 5), 93.0, ("region", angle, box, 0))]

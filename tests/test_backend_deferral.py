"""`auto` chooses its engine only when a page first needs one: a run of digital PDFs never
chooses; a run that meets a scan after its digital PDFs chooses then, in the main process, and
reads the scan as a run that chose at start-up would (a model reading in the main process
there, other engines in restarted workers)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

import obligations.pipeline as pipeline_module
from obligations.backends.base import BackendInfo, Capabilities, Word
from obligations.pipeline import Pipeline, RunOptions
from obligations.synth import generate


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, list[Path]]:
    root = tmp_path_factory.mktemp("deferral")
    digital = [*generate("inn", 2, root / "digital", degrade="none", fmt="digital-pdf", seed=5),
               *generate("snils", 2, root / "digital", degrade="none", fmt="digital-pdf", seed=5)]
    scans = generate("inn", 1, root / "scans", degrade="none", fmt="png", seed=6)
    return {"digital": digital, "scans": scans}


@dataclass
class InProcessReader:
    """A model-like engine that reads in the main process: every page read as the same words."""

    pid_log: list
    service: str = "fake"
    load_s: float = 0.0
    capabilities = Capabilities(kind="reader", text_source="vlm", in_process=True)

    def info(self) -> BackendInfo:
        return BackendInfo(self.service, "fake-model", "cpu", None, "test")

    def read(self, image, dpi=None, lang=None):
        self.pid_log.append(os.getpid())
        words = [Word("ИНН", (10, 10, 60, 30), 95.0, 1), Word("500100732259", (70, 10, 260, 30), 95.0, 1)]
        return words, 0

    def peak_memory_gb(self):
        return None


def _outputs(outcomes) -> list[dict]:
    """Each file's result without its timing (or its error message)."""
    rows = []
    for outcome in outcomes:
        if outcome.error is not None:
            rows.append({"path": str(outcome.path), "error": outcome.error.message})
            continue
        data = outcome.result.to_dict()
        data.pop("timing_s")
        rows.append(data)
    return rows


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_of_digital_pdfs_chooses_no_engine(inputs, monkeypatch, jobs):
    def refuse(options):
        raise AssertionError("no page needed an engine")

    monkeypatch.setattr(pipeline_module, "select_backend", refuse)
    pipeline = Pipeline(RunOptions(jobs=jobs))
    outcomes = list(pipeline.run(inputs["digital"]))
    assert [o.error for o in outcomes] == [None] * len(inputs["digital"])
    assert all(p.text_source == "text_layer" for o in outcomes for p in o.result.pages)
    assert not pipeline.chosen


def test_explicit_services_choose_at_start(monkeypatch):
    chosen = []
    monkeypatch.setattr(pipeline_module, "select_backend", lambda options: chosen.append(options.service) or (None, "x"))
    Pipeline(RunOptions(service="text", jobs=1))
    Pipeline(RunOptions(service="auto", model="qwen2-vl-2b", jobs=1))
    assert chosen == ["text", "auto"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_in_process_engine_chosen_mid_run_reads_in_the_main_process(inputs, monkeypatch, jobs):
    pids: list[int] = []
    engine = InProcessReader(pids)
    calls = []
    monkeypatch.setattr(pipeline_module, "select_backend", lambda options: calls.append(1) or (engine, "test"))
    paths = [*inputs["digital"][:2], *inputs["scans"], *inputs["digital"][2:]]

    late = Pipeline(RunOptions(jobs=jobs))
    late_outputs = _outputs(late.run(paths))
    early = Pipeline(RunOptions(jobs=jobs), backend=(engine, "test"))
    early_outputs = _outputs(early.run(paths))

    assert calls == [1]  # once, in the main process
    assert late_outputs == early_outputs
    assert [p["text_source"] for row in late_outputs for p in row["pages"]] == \
        ["text_layer", "text_layer", "vlm", "text_layer", "text_layer"]
    assert pids and set(pids) == {os.getpid()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_scan_after_digital_pdfs_reads_as_if_chosen_at_start(inputs, jobs):
    """Tesseract chosen by `auto` mid-run (workers restarted to carry it) and named at start."""
    pytest.importorskip("tesserocr")
    paths = [*inputs["digital"][:2], *inputs["scans"], *inputs["digital"][2:]]
    late = Pipeline(RunOptions(jobs=jobs))
    late_outputs = _outputs(late.run(paths))
    assert late.chosen
    if late.backend is None or late.backend.service != "tesseract":
        pytest.skip(f"auto does not take Tesseract on this machine: {late.reason}")
    early = Pipeline(RunOptions(jobs=jobs), backend=(late.backend, late.reason))
    early_outputs = _outputs(early.run(paths))
    assert late_outputs == early_outputs
    assert [p["text_source"] for row in late_outputs for p in row["pages"]] == \
        ["text_layer", "text_layer", "ocr", "text_layer", "text_layer"]

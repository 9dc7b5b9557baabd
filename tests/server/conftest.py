"""What the review page's tests share: a server process, a batch of results on disk."""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNILS_JPG = ROOT / "input" / "snils_sample.jpg"
PASSPORT_JPG = ROOT / "input" / "passport_sample.jpg"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`obligations serve ARGS` (or `review ARGS`) on a free loopback port, stopped by SIGTERM."""

    def __init__(self, *args: str, command: str = "serve", env: dict | None = None, log=None):
        import httpx

        self.log_path = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        out = open(log, "w") if log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "obligations", command, "--port", str(self.port), *args],
            stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL, text=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})})
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}: "
                                     f"{Path(log).read_text() if log else ''}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError("server did not become healthy in 120 s")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return Path(self.log_path).read_text() if self.log_path else ""


def field(value, valid=True, confidence=0.95, page=1, bbox=(100, 100, 300, 140), source="label") -> dict:
    return {"value": value, "raw": value, "valid": valid if value is not None else None, "confidence": confidence,
            "page": page, "bbox": list(bbox) if bbox else None, "source": source}


def result(source: Path, shown: str, fields: dict, doc_type: str = "snils", width: int = 2203,
           height: int = 1429, rotation: int = 0, warnings=()) -> dict:
    import hashlib

    return {
        "schema_version": "1",
        "source": {"path": shown, "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                   "media_type": "image/jpeg", "page_count": 1},
        "backend": {"service": "tesseract", "model": None, "device": "cpu", "precision": None, "reason": "test"},
        "documents": [{"doc_type": doc_type, "pages": [1], "confidence": 0.9, "fields": fields}],
        "pages": [{"page": 1, "width": width, "height": height, "dpi": 300, "text_source": "ocr", "text": "",
                   "rotation": rotation}],
        "timing_s": {"total": 1.0},
        "warnings": list(warnings),
    }


SNILS_FIELDS = {
    "number": field("835-378-044 26", bbox=(857, 439, 1459, 497)),
    "last_name": field("Панфилов", bbox=(726, 560, 1020, 601)),
    "birth_date": field("1964-12-22", bbox=(723, 776, 1303, 825)),
}


def make_batch(folder: Path) -> Path:
    """A run's output folder (in/ the inputs, out/ the results, as `obligations run in -o out`
    writes them): a.json all valid, b.json one SNILS number failing its check digits,
    c.json one field of low confidence; the sources beside under in/."""
    inputs, out = folder / "in", folder / "out"
    inputs.mkdir(parents=True)
    out.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(SNILS_JPG, inputs / f"{name}.jpg")
    good = copy.deepcopy(SNILS_FIELDS)
    bad = copy.deepcopy(SNILS_FIELDS)
    bad["number"].update(value="835-378-044 27", raw="835-378-044 27", valid=False, confidence=0.48)
    low = copy.deepcopy(SNILS_FIELDS)
    low["last_name"]["confidence"] = 0.41
    for name, fields in (("a", good), ("b", bad), ("c", low)):
        data = result(inputs / f"{name}.jpg", str(inputs / f"{name}.jpg"), fields,
                      warnings=["number: snils check digits 27 expected 26"] if name == "b" else [])
        (out / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


@pytest.fixture
def batch(tmp_path) -> Path:
    return make_batch(tmp_path / "batch")

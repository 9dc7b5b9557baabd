"""`obligations serve` as a real process on a free loopback port, and `obligations run` against it."""

from __future__ import annotations

import base64
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from .conftest import ServerProcess, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "input" / "snils_sample.jpg"


def Server(*args: str, env: dict | None = None) -> ServerProcess:
    """`obligations serve ARGS` on a free port; `stop()` gives back what it logged."""
    handle, log = tempfile.mkstemp(prefix="obligations-serve-", suffix=".log")
    os.close(handle)
    return ServerProcess(*args, env=env, log=log)


@pytest.fixture(scope="module")
def tesseract_server():
    server = Server("--service", "tesseract", "--max-body-mb", "12")
    yield server
    server.stop()


def b64_png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def text_image(text: str = "Hello world 12345") -> Image.Image:
    image = Image.new("L", (900, 160), 255)
    font = ImageFont.truetype(str(next(Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans.ttf"))), 48)
    ImageDraw.Draw(image).text((30, 50), text, font=font, fill=0)
    return image


def obligations(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "obligations", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


# ---------------------------------------------------------------------- endpoints


def test_health_and_info(tesseract_server):
    health = httpx.get(tesseract_server.url + "/health").json()
    assert health["status"] == "ok" and health["service"] == "tesseract" and health["loaded"] is True
    assert set(health) >= {"status", "service", "model", "device", "loaded", "vram_used_gb", "queue_depth"}
    info = httpx.get(tesseract_server.url + "/info").json()
    assert "snils" in info["doc_types"] and "number" in info["doc_types"]["snils"]
    assert info["versions"]["obligations"]


def test_ocr_reads_words_with_boxes(tesseract_server):
    reply = httpx.post(tesseract_server.url + "/ocr", json={"image": b64_png(text_image()), "language": "english"},
                       timeout=60).json()
    assert "Hello" in reply["text"] and "12345" in reply["text"]
    assert all(len(b["bbox"]) == 4 and 0 <= b["confidence"] <= 1 for b in reply["blocks"])  # one scale: 0-1
    assert reply["timing_s"] > 0


def test_extract_gives_the_run_contract(tesseract_server, tmp_path):
    with SAMPLE.open("rb") as handle:
        reply = httpx.post(tesseract_server.url + "/extract", files={"file": ("snils_sample.jpg", handle, "image/jpeg")},
                           data={"doc_type": "auto"}, timeout=120)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    local = obligations("run", str(SAMPLE), "-o", "-", "-q", "--ocr-service", "tesseract", "--jobs", "1")
    expected = json.loads(local.stdout)
    assert set(body) == set(expected)
    assert [d["doc_type"] for d in body["documents"]] == [d["doc_type"] for d in expected["documents"]]
    got = {k: v["value"] for k, v in body["documents"][0]["fields"].items()}
    want = {k: v["value"] for k, v in expected["documents"][0]["fields"].items()}
    assert got == want


def test_openai_wire_format(tesseract_server):
    models = httpx.get(tesseract_server.url + "/v1/models").json()
    assert models["object"] == "list" and models["data"][0]["id"]
    body = {"model": models["data"][0]["id"], "max_tokens": 50, "messages": [
        {"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + b64_png(text_image())}},
            {"type": "text", "text": "Read the text"}]}]}
    reply = httpx.post(tesseract_server.url + "/v1/chat/completions", json=body, timeout=60).json()
    assert reply["object"] == "chat.completion"
    assert "Hello" in reply["choices"][0]["message"]["content"]
    assert set(reply["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    # Every image of the messages is read, in order; stream: true answers as server-sent events.
    body["messages"][0]["content"].insert(1, {"type": "image_url", "image_url": {
        "url": "data:image/png;base64," + b64_png(text_image("Second page 67890"))}})
    body.update(stream=True, stream_options={"include_usage": True})
    with httpx.stream("POST", tesseract_server.url + "/v1/chat/completions", json=body, timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line[len("data: "):] for line in response.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert "Hello" in content and "Second" in content and content.index("Hello") < content.index("Second")
    assert [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]][-1] == "stop"
    assert "usage" in chunks[-1] and chunks[-1]["choices"] == []


@pytest.mark.parametrize("path, payload, status", [
    ("/ocr", {"image": "not base64!!"}, 400),
    ("/ocr", {"image": base64.b64encode(b"definitely not an image").decode()}, 400),
    ("/ocr", {"image": b64_png(text_image()), "language": "klingon"}, 422),
    ("/extract", {"file": base64.b64encode(SAMPLE.read_bytes()).decode(), "filename": "a.jpg",
                  "doc_type": "driving_licence"}, 422),
    ("/extract", {"file": base64.b64encode(b"%PDF-1.4 broken").decode(), "filename": "a.pdf"}, 400),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "no image here"}]}, 400),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "http://example.com/a.png"}}]}]}, 400),
])
def test_bad_requests_get_their_status(tesseract_server, path, payload, status):
    reply = httpx.post(tesseract_server.url + path, json=payload, timeout=60)
    assert reply.status_code == status, reply.text
    assert reply.json()["detail"]


def test_body_over_the_limit_is_413(tesseract_server):
    reply = httpx.post(tesseract_server.url + "/ocr", content=b"x" * (13 * 2**20),
                       headers={"content-type": "application/json"}, timeout=60)
    assert reply.status_code == 413


def test_metrics_count_requests(tesseract_server):
    httpx.get(tesseract_server.url + "/health")
    text = httpx.get(tesseract_server.url + "/metrics").text
    assert 'obligations_requests_total{endpoint="/health",status="200"}' in text
    assert "obligations_request_seconds_bucket" in text and "obligations_queue_depth" in text


def test_load_16_clients_200_requests_no_errors(tesseract_server):
    payload = {"image": b64_png(text_image("Load 42")), "language": "english"}

    def one(_):
        started = time.perf_counter()
        reply = httpx.post(tesseract_server.url + "/ocr", json=payload, timeout=120)
        return reply.status_code, time.perf_counter() - started

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(one, range(200)))
    statuses = [s for s, _ in results]
    latencies = sorted(t for _, t in results)
    p50, p95 = statistics.median(latencies), latencies[int(0.95 * len(latencies)) - 1]
    print(f"load: 200 requests, 16 clients: p50 {p50:.3f} s, p95 {p95:.3f} s")
    assert statuses.count(200) == 200, statuses


# ---------------------------------------------------------------------- security and limits


def test_api_key_is_enforced_and_never_echoed():
    server = Server("--service", "tesseract", env={"OBLIGATIONS_API_KEY": "s3cret-key-123"})
    try:
        assert httpx.get(server.url + "/health").status_code == 200  # healthchecks need no key
        assert httpx.get(server.url + "/info").status_code == 401
        assert httpx.get(server.url + "/info", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = httpx.get(server.url + "/info", headers={"Authorization": "Bearer s3cret-key-123"})
        assert ok.status_code == 200 and "s3cret" not in ok.text
    finally:
        log = server.stop()
    assert "s3cret" not in log


def test_binding_beyond_loopback_needs_a_key():
    proc = obligations("serve", "--service", "tesseract", "--host", "0.0.0.0", "--port", str(free_port()),
                       env={"OBLIGATIONS_API_KEY": ""}, timeout=60)
    assert proc.returncode == 2 and "api-key" in proc.stderr.lower() and "Traceback" not in proc.stderr


def test_full_queue_answers_503_with_retry_after():
    server = Server("--service", "tesseract", "--max-queue", "1")
    try:
        payload = {"image": b64_png(text_image("Queue")), "language": "english"}
        with ThreadPoolExecutor(12) as pool:
            replies = list(pool.map(lambda _: httpx.post(server.url + "/ocr", json=payload, timeout=120), range(12)))
        refused = [r for r in replies if r.status_code == 503]
        assert refused and all(r.headers.get("retry-after") for r in refused)
        assert all(r.status_code in (200, 503) for r in replies)
    finally:
        server.stop()


# ---------------------------------------------------------------------- run against a server


def test_run_qwen_remote_against_a_tesseract_server_equals_local(tesseract_server, tmp_path):
    remote = obligations("run", str(SAMPLE), "-o", str(tmp_path / "remote"), "-q", "--ocr-service", "qwen_remote",
                         "--remote-url", tesseract_server.url)
    assert remote.returncode == 0, remote.stderr
    local = obligations("run", str(SAMPLE), "-o", str(tmp_path / "local"), "-q", "--ocr-service", "tesseract")
    assert local.returncode == 0, local.stderr
    got = json.loads((tmp_path / "remote" / "snils_sample.json").read_text())
    want = json.loads((tmp_path / "local" / "snils_sample.json").read_text())
    assert got["backend"]["service"] == "qwen_remote" and got["schema_version"] == "1"
    assert {k: v["value"] for k, v in got["documents"][0]["fields"].items()} == \
        {k: v["value"] for k, v in want["documents"][0]["fields"].items()}


def test_auto_falls_back_to_local_when_the_url_does_not_answer(tmp_path):
    started = time.perf_counter()
    proc = obligations("run", str(SAMPLE), "-o", "-", "-q", "--explain",
                       env={"QWEN_REMOTE_URL": f"http://127.0.0.1:{free_port()}"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["backend"]["service"] in ("tesseract", "qwen_local", "got", "deepseek", "dots")
    assert time.perf_counter() - started < 120


def test_qwen_remote_without_a_server_is_a_clear_error():
    proc = obligations("run", str(SAMPLE), "-o", "-", "-q", "--ocr-service", "qwen_remote",
                       "--remote-url", f"http://127.0.0.1:{free_port()}")
    assert proc.returncode == 3 and "no server answers" in proc.stderr and "Traceback" not in proc.stderr


def test_server_killed_mid_batch_fails_only_the_files_in_flight(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(6):
        (inputs / f"doc{i}.jpg").write_bytes(SAMPLE.read_bytes())
    server = Server("--service", "tesseract")
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "obligations", "run", str(inputs), "-o", str(out), "-q",
                            "--ocr-service", "qwen_remote", "--remote-url", server.url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list(out.glob("*.json")):
        time.sleep(0.1)
    server.proc.kill()
    _, stderr = run.communicate(timeout=300)
    written = sorted(p.name for p in out.glob("*"))
    assert run.returncode == 1, stderr
    assert "Traceback" not in stderr and "failed" in stderr
    assert all(name.endswith(".json") for name in written)  # no temp or partial file left
    for name in written:
        json.loads((out / name).read_text())  # every file written is whole
    assert 1 <= len(written) < 6
    resumed = obligations("run", str(inputs), "-o", str(out), "-q", "--skip-existing", "--ocr-service", "tesseract")
    assert resumed.returncode == 0 and len(list(out.glob("*.json"))) == 6

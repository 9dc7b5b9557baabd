"""Server load benchmark, everything measured side by side in one run (not a test).

1. /ocr with Tesseract through `obligations serve` at concurrency 1, 4 and 16: requests/s,
   p50 and p95 latency; and the same PNG decoded and read in-process by the server's own
   engine, so the ratio at concurrency 1 is the cost of HTTP, base64, JSON and the queue
   (target <= 1.15x).
2. Micro-batching: a tiny random Qwen2-VL served with --max-batch 8 against --max-batch 1,
   the same 32 concurrent chat requests each (needs the gpu extra; skipped without torch).
3. Memory: the server's resident memory after start, after 40 concurrent /extract requests of
   the image, and a few seconds later (what it keeps).

    python benchmarks/serve_load.py [--requests 48] [--image input/snils_sample.jpg] [--only memory]
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, *args: str):
        self.url = f"http://127.0.0.1:{free_port()}"
        port = self.url.rsplit(":", 1)[1]
        self.proc = subprocess.Popen([sys.executable, "-m", "obligations", "serve", "--port", port, *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit(f"server {args} did not start")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(60)


def png_b64(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def load(url: str, path: str, payload: dict, requests: int, concurrency: int) -> dict:
    client = httpx.Client(timeout=600)

    def one(_):
        started = time.perf_counter()
        reply = client.post(url + path, json=payload)
        reply.raise_for_status()
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = sorted(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    return {"rps": requests / wall, "p50": statistics.median(latencies),
            "p95": latencies[max(0, int(round(0.95 * len(latencies))) - 1)]}


class InProcess:
    """The server's engine called directly on the same PNG file's bytes: decoding the image is
    part of reading a file in-process too; HTTP, base64, JSON and the queue are what is left out."""

    def __init__(self, png: bytes):
        from obligations.pipeline import RunOptions
        from obligations.server.engine import Engine

        self.png = png
        self.engine = Engine(RunOptions(service="tesseract"))
        self.once()  # warm: the engine's models load on first use

    def once(self) -> float:
        started = time.perf_counter()
        image = Image.open(io.BytesIO(self.png))
        image.load()
        self.engine.ocr(image, None)
        return time.perf_counter() - started


def overhead_at_concurrency_1(url: str, payload: dict, local: InProcess, rounds: int) -> tuple[float, float]:
    """Median latency in-process and through the server, the two taken in turn so that the
    machine's drift (a noisy 2-core VM) falls on both alike."""
    client = httpx.Client(timeout=600)
    direct, served = [], []
    for _ in range(rounds):
        direct.append(local.once())
        started = time.perf_counter()
        client.post(url + "/ocr", json=payload).raise_for_status()
        served.append(time.perf_counter() - started)
    return statistics.median(direct), statistics.median(served)


def micro_batching(requests: int) -> None:
    if importlib.util.find_spec("torch") is None:
        print("micro-batching: skipped (torch not installed: pip install 'obligations[gpu]')")
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from tiny_models import build_tiny_model

    image = Image.new("RGB", (448, 448), "white")
    body = {"model": "tiny", "max_tokens": 16, "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + png_b64(image)}},
        {"type": "text", "text": "Выпиши фамилию."}]}]}
    with tempfile.TemporaryDirectory() as tmp:
        model = build_tiny_model("qwen2-vl", Path(tmp) / "qwen2-vl")
        results = {}
        for batch in (1, 8):
            with Server("--service", "qwen_local", "--model-path", str(model), "--max-batch", str(batch)) as server:
                load(server.url, "/v1/chat/completions", body, 8, 8)  # warm-up
                results[batch] = load(server.url, "/v1/chat/completions", body, requests, 16)
    print(f"micro-batching (tiny Qwen2-VL on CPU, {requests} requests, 16 clients): "
          f"one at a time {results[1]['rps']:.1f} req/s, batched {results[8]['rps']:.1f} req/s, "
          f"speed-up {results[8]['rps'] / results[1]['rps']:.2f}x")


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory(image: Path, requests: int = 40) -> None:
    data = image.read_bytes()
    with Server("--service", "tesseract") as server:
        client = httpx.Client(timeout=600)
        client.post(server.url + "/extract", files={"file": (image.name, data)}).raise_for_status()  # warm
        started = rss_mb(server.proc.pid)
        with ThreadPoolExecutor(requests) as pool:
            statuses = list(pool.map(lambda _: client.post(server.url + "/extract",
                                                          files={"file": (image.name, data)}).status_code,
                                     range(requests)))
        after = rss_mb(server.proc.pid)
        time.sleep(5)
        kept = rss_mb(server.proc.pid)
    print(f"memory: {requests} concurrent /extract of {image.name}: RSS {started:.0f} MB after one, "
          f"{after:.0f} MB after all, {kept:.0f} MB 5 s later ({statuses.count(200)}/{requests} answered 200)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=48)
    parser.add_argument("--image", type=Path, default=ROOT / "input" / "snils_sample.jpg")
    parser.add_argument("--only", choices=["memory"], default=None, help="Measure this part alone.")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    memory(args.image)
    if args.only:
        return
    image = Image.open(args.image).convert("L")
    encoded = png_b64(image)
    payload = {"image": encoded, "language": "rus+eng"}

    local = InProcess(base64.b64decode(encoded))
    with Server("--service", "tesseract") as server:
        load(server.url, "/ocr", payload, 2, 2)  # warm every worker's engine
        direct, served = overhead_at_concurrency_1(server.url, payload, local, max(8, args.requests // 4))
        print(f"concurrency 1, taken in turn: in-process p50 {direct:.3f} s, through the server p50 {served:.3f} s; "
              f"ratio {served / direct:.3f} (target <= 1.15)")
        for concurrency in (1, 4, 16):
            count = max(4, args.requests // 8) if concurrency == 1 else args.requests
            stats = load(server.url, "/ocr", payload, count, concurrency)
            print(f"/ocr tesseract, concurrency {concurrency:2d}: {stats['rps']:.2f} req/s, "
                  f"p50 {stats['p50']:.3f} s, p95 {stats['p95']:.3f} s")
    micro_batching(32)


if __name__ == "__main__":
    main()

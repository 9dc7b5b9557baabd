"""Requests in flight against an OpenAI-compatible server that batches as vLLM does: what
`--remote-concurrency` buys, measured on a local fake server (no GPU, no model).

The fake server speaks vLLM's wire format (GET /v1/models, GET /health, POST
/v1/chat/completions with an image_url data URI) and costs each request like continuous
batching: a fixed delay (network, image preprocessing, prefill), then `tokens` decode steps
taken together with every other request in flight; one step lasts step_s * (1 + marginal *
(batch - 1)), so a step for 16 requests costs far less than 16 steps for one. The client is
the project's own RemoteModel (PNG encoding, JSON, retries), driven two ways:

  pages in flight   one request per page (a page reader: dots.ocr, GLM-OCR, ...), N pages at once
  fields per page   one page at a time, its 8 field questions N at a time (the answerer path of
                    `obligations run` today)

    python benchmarks/remote_concurrency.py            # 1, 4 and 16 in flight, prints a table
    python benchmarks/remote_concurrency.py --quick    # the smoke test's reduced run
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@dataclass
class CostModel:
    fixed_s: float = 0.05  # per request: network, image preprocessing, prefill
    tokens: int = 40  # decode steps per answer
    step_s: float = 0.004  # one decode step for one request
    marginal: float = 0.08  # each further request in the batch adds this share of a step
    max_batch: int = 256  # vLLM's --max-num-seqs

    def seconds(self, in_flight: int) -> float:
        """One request's latency with `in_flight` requests batched together (steady state)."""
        batch = min(in_flight, self.max_batch)
        return self.fixed_s + self.tokens * self.step_s * (1 + self.marginal * (batch - 1))


class BatchingEngine:
    """Continuous batching: requests join the running batch at the next step and leave when
    their tokens are done; one thread advances every active request a step at a time."""

    def __init__(self, cost: CostModel):
        self.cost = cost
        self._lock = threading.Condition()
        self._active: list[list] = []  # [steps left, done event]
        self._stop = False
        self.peak_batch = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def generate(self) -> None:
        time.sleep(self.cost.fixed_s)
        done = threading.Event()
        with self._lock:
            self._active.append([self.cost.tokens, done])
            self._lock.notify()
        done.wait()

    def close(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._active and not self._stop:
                    self._lock.wait()
                if self._stop:
                    return
                batch = self._active[: self.cost.max_batch]
            self.peak_batch = max(self.peak_batch, len(batch))
            time.sleep(self.cost.step_s * (1 + self.cost.marginal * (len(batch) - 1)))
            with self._lock:
                for item in batch:
                    item[0] -= 1
                    if item[0] <= 0:
                        item[1].set()
                        self._active.remove(item)


class FakeOpenAIServer:
    """A local server in vLLM's wire format. `answer(body) -> str` gives each completion's text."""

    def __init__(self, model: str = "qwen3-vl-8b", root: str = "Qwen/Qwen3-VL-8B-Instruct",
                 cost: CostModel | None = None, answer=None, takes_response_format: bool = True):
        self.model, self.root = model, root
        self.takes_response_format = takes_response_format
        self.engine = BatchingEngine(cost or CostModel())
        self.answer = answer or (lambda body: "12.05.2024")
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                if self.path == "/health":
                    return self._send(200, b"")
                if self.path == "/v1/models":
                    listing = {"object": "list", "data": [{"id": server.model, "object": "model", "root": server.root,
                                                           "owned_by": "vllm", "max_model_len": 8192}]}
                    return self._send(200, json.dumps(listing).encode())
                self._send(404, b'{"error": "not found"}')

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                if self.path != "/v1/chat/completions":
                    return self._send(404, b'{"error": "not found"}')
                if body.get("model") != server.model:
                    message = f"The model `{body.get('model')}` does not exist."
                    return self._send(404, json.dumps({"error": {"message": message, "code": 404}}).encode())
                server.requests.append(body)
                if "response_format" in body and not server.takes_response_format:
                    return self._send(400, b'{"error": {"message": "response_format is not supported", "code": 400}}')
                server.engine.generate()
                text = server.answer(body)
                reply = {"id": "chatcmpl-fake", "object": "chat.completion", "model": server.model,
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": text}, "logprobs": None}],
                         "usage": {"prompt_tokens": 1200, "completion_tokens": server.engine.cost.tokens,
                                   "total_tokens": 1200 + server.engine.cost.tokens}}
                self._send(200, json.dumps(reply).encode())

            def _send(self, status: int, payload: bytes):
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.engine.close()


def sample_page():
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (850, 1100), "white")
    draw = ImageDraw.Draw(page)
    for row in range(30):
        draw.text((60, 60 + 32 * row), f"Line {row}: Ivanov Ivan, SNILS 112-233-445 95, 12.05.2024", fill="black")
    return page


def pages_in_flight(url: str, model: str, in_flight: int, pages: int) -> float:
    """Pages/s reading `pages` pages, one request each, `in_flight` at a time."""
    from obligations.backends.remote import RemoteModel

    client = RemoteModel(url, model, "openai", "glm-ocr", concurrency=in_flight)
    page = sample_page()
    start = time.perf_counter()
    with ThreadPoolExecutor(in_flight) as pool:
        list(pool.map(lambda _: client.read(page), range(pages)))
    seconds = time.perf_counter() - start
    client.unload()
    return pages / seconds


def fields_per_page(url: str, model: str, in_flight: int, pages: int, fields: int = 8) -> float:
    """Pages/s asking `fields` questions per page, one page at a time, `in_flight` questions at once."""
    from obligations.backends.remote import RemoteModel

    client = RemoteModel(url, model, "openai", "qwen", concurrency=in_flight)
    page = sample_page()
    prompts = [f"What is field {i} on this page? Answer with the value only." for i in range(fields)]
    start = time.perf_counter()
    for _ in range(pages):
        client.chat(page, prompts)
    seconds = time.perf_counter() - start
    client.unload()
    return pages / seconds


def measure(levels=(1, 4, 16), pages: int = 32, cost: CostModel | None = None) -> list[dict]:
    cost = cost or CostModel()
    rows = []
    with FakeOpenAIServer(cost=cost) as server:
        for level in levels:
            reader = pages_in_flight(server.url, server.model, level, pages)
            answerer = fields_per_page(server.url, server.model, level, max(1, pages // 8))
            rows.append({"in_flight": level, "reader_pages_s": round(reader, 2), "answerer_pages_s": round(answerer, 2),
                         "model_pages_s": round(min(level, cost.max_batch) / cost.seconds(level), 2)})
        rows.append({"peak_batch": server.engine.peak_batch, "requests": len(server.requests)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,4,16", help="requests in flight to try")
    parser.add_argument("--pages", type=int, default=48, help="pages per level (answerer: an eighth of them)")
    parser.add_argument("--quick", action="store_true", help="few pages and a cheap cost model (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    levels = tuple(int(v) for v in args.levels.split(","))
    cost = CostModel(fixed_s=0.01, tokens=8, step_s=0.002) if args.quick else CostModel()
    pages = 8 if args.quick else args.pages
    rows = measure(levels, pages, cost)
    if args.json:
        print(json.dumps(rows))
        return 0
    print(f"fake server: {cost.fixed_s * 1000:.0f} ms fixed + {cost.tokens} steps of {cost.step_s * 1000:.0f} ms "
          f"(+{cost.marginal:.0%} a step per further request in the batch)")
    print(f"{'in flight':>9}  {'pages/s, page reader':>20}  {'pages/s, 8 fields/page':>22}  {'cost model bound':>16}")
    for row in rows[:-1]:
        print(f"{row['in_flight']:>9}  {row['reader_pages_s']:>20.2f}  {row['answerer_pages_s']:>22.2f}  "
              f"{row['model_pages_s']:>16.2f}")
    print(f"largest batch the server saw: {rows[-1]['peak_batch']}, requests: {rows[-1]['requests']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

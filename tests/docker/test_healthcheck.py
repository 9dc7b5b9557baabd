"""docker/healthcheck.py against a real HTTP server on loopback answering as told."""

from __future__ import annotations

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "docker" / "healthcheck.py"


def _load():
    spec = importlib.util.spec_from_file_location("obligations_docker_healthcheck", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


healthcheck = _load()


@pytest.fixture
def server():
    """A server whose /health answer the test sets: (status code, body bytes)."""
    state = {"answer": (200, b'{"status": "ok"}'), "headers": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state["headers"].append(dict(self.headers))
            code, body = state["answer"] if self.path == "/health" else (404, b"{}")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{httpd.server_address[1]}/health"
    yield state
    httpd.shutdown()
    httpd.server_close()


def test_ok_status_is_healthy(server):
    healthy, reason = healthcheck.probe(server["url"])
    assert healthy, reason
    assert healthcheck.main([server["url"]]) == 0


@pytest.mark.parametrize("answer", [
    (200, json.dumps({"status": "loading"}).encode()),
    (200, b"<html>not json</html>"),
    (200, b'["ok"]'),
    (503, json.dumps({"status": "ok"}).encode()),
])
def test_anything_but_status_ok_with_200_is_unhealthy(server, answer):
    server["answer"] = answer
    healthy, reason = healthcheck.probe(server["url"])
    assert not healthy
    assert server["url"] in reason
    assert healthcheck.main([server["url"]]) == 1


def test_nothing_listening_is_unhealthy(server):
    closed = server["url"].replace("/health", "/elsewhere")
    assert not healthcheck.probe(closed)[0]  # 404
    port_free = "http://127.0.0.1:9/health"  # discard port: nothing serves HTTP there
    healthy, reason = healthcheck.probe(port_free, timeout_s=2.0)
    assert not healthy and "unreachable" in reason


def test_api_key_goes_as_bearer_token_only_when_set(server, monkeypatch):
    monkeypatch.setenv("OBLIGATIONS_API_KEY", "s3cret")
    assert healthcheck.main([server["url"]]) == 0
    monkeypatch.setenv("OBLIGATIONS_API_KEY", "")
    assert healthcheck.main([server["url"]]) == 0
    authorizations = [h.get("Authorization") for h in server["headers"]]
    assert authorizations == ["Bearer s3cret", None]


def test_proxy_settings_of_the_container_are_ignored(server, monkeypatch):
    # A proxy configured for downloads (HTTP_PROXY in .env) must not swallow the local probe.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert healthcheck.probe(server["url"])[0]

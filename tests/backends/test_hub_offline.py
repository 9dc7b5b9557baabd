"""The offline check before a download: HF_HUB_OFFLINE, HF_ENDPOINT (a mirror) and the proxy
variables decide, as they decide for huggingface_hub itself; no socket to a fixed host."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from obligations.backends import loading
from obligations.errors import MissingDependency

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy",
                   "no_proxy")


@pytest.fixture
def clean_env(monkeypatch):
    for name in PROXY_VARIABLES + ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def server():
    """A local HTTP server that records the request lines it was sent (a mirror, or a proxy)."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self):
            seen.append(self.path)
            self.send_response(404)  # any answer means the route works
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def closed_port_url() -> str:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = httpd.server_address[1]
    httpd.server_close()
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("value, offline", [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False),
                                            ("false", False), ("", False)])
def test_hf_hub_offline_read_as_huggingface_hub_reads_it(clean_env, value, offline):
    clean_env.setenv("HF_HUB_OFFLINE", value)
    assert loading.hub_offline() is offline


def test_transformers_offline_counts_too(clean_env):
    clean_env.setenv("TRANSFORMERS_OFFLINE", "1")
    assert loading.hub_offline()


def test_hf_endpoint_is_the_hub_asked(clean_env, server):
    url, seen = server
    clean_env.setenv("HF_ENDPOINT", url + "/")
    assert loading.hub_endpoint() == url
    assert loading.hub_reachable(timeout_s=5)
    assert seen == ["/api/models?limit=1"]
    clean_env.setenv("HF_ENDPOINT", closed_port_url())
    assert not loading.hub_reachable(timeout_s=5)
    clean_env.setenv("HF_ENDPOINT", "not a url")
    assert not loading.hub_reachable(timeout_s=5)


def test_the_proxy_variables_are_the_route(clean_env, server):
    proxy, seen = server
    clean_env.setenv("HF_ENDPOINT", "http://hub.mirror.invalid")  # resolvable only by the proxy
    clean_env.setenv("HTTP_PROXY", proxy)
    assert loading.hub_reachable(timeout_s=5)
    assert seen == ["http://hub.mirror.invalid/api/models?limit=1"]  # asked of the proxy, in full
    clean_env.setenv("HTTP_PROXY", closed_port_url())  # a proxy that is down: the hub is unreachable
    assert not loading.hub_reachable(timeout_s=5)
    assert "through the proxy http://127.0.0.1:" in loading._proxy_note()


def test_no_proxy_bypasses_it(clean_env, server):
    url, seen = server
    clean_env.setenv("HF_ENDPOINT", url)
    clean_env.setenv("HTTP_PROXY", closed_port_url())
    assert not loading.hub_reachable(timeout_s=5)
    clean_env.setenv("NO_PROXY", "127.0.0.1")
    assert loading.hub_reachable(timeout_s=5) and seen == ["/api/models?limit=1"]


def test_offline_asks_no_network_and_names_the_download(clean_env, tmp_path):
    clean_env.setenv("HF_HOME", str(tmp_path / "hf"))
    clean_env.setenv("HF_HUB_OFFLINE", "1")
    clean_env.setattr(loading, "hub_reachable", lambda *a, **k: pytest.fail("the network was asked"))
    with pytest.raises(MissingDependency, match="HF_HUB_OFFLINE is set; download it with: "
                                                "huggingface-cli download Qwen/Qwen2-VL-2B-Instruct"):
        loading.resolve_weights("Qwen/Qwen2-VL-2B-Instruct")


def test_an_unreachable_mirror_is_named(clean_env, tmp_path):
    clean_env.setenv("HF_HOME", str(tmp_path / "hf"))
    mirror = closed_port_url()
    clean_env.setenv("HF_ENDPOINT", mirror)
    with pytest.raises(MissingDependency, match=f"the hub \\({mirror}\\) is not reachable; download it with"):
        loading.resolve_weights("Qwen/Qwen2-VL-2B-Instruct")

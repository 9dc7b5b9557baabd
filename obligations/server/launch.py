"""Starting the server: what `obligations serve` and `obligations review` share."""

from __future__ import annotations

import socket
import threading
import webbrowser
from dataclasses import dataclass

from .app import ServerConfig, create_app
from .logs import logging_config


@dataclass
class Listen:
    host: str = "127.0.0.1"
    port: int = 8001
    log_level: str = "info"
    access_log: bool = True
    proxy_headers: bool = True
    forwarded_allow_ips: str | None = None  # None: uvicorn's own (FORWARDED_ALLOW_IPS, else 127.0.0.1)


def serve(config: ServerConfig, listen: Listen, on_ready=None) -> None:
    """Run until SIGINT/SIGTERM. The socket is bound before the app starts, so that port 0 gets
    a free port whose address `on_ready(url)` is told once the server answers."""
    import uvicorn

    config.access_log = listen.access_log
    family = socket.AF_INET6 if ":" in listen.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((listen.host, listen.port))
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}{config.root_path.rstrip('/')}/"
    settings = uvicorn.Config(
        create_app(config), log_config=logging_config(listen.log_level), log_level=listen.log_level,
        access_log=False,  # our own access log names the request id (server/logs.py)
        proxy_headers=listen.proxy_headers, root_path=config.root_path, timeout_graceful_shutdown=30,
        **({"forwarded_allow_ips": listen.forwarded_allow_ips} if listen.forwarded_allow_ips else {}))
    server = uvicorn.Server(settings)
    if on_ready is not None:
        def wait_then_tell():
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                on_ready(url)

        threading.Thread(target=wait_then_tell, daemon=True).start()
    server.run(sockets=[sock])


def open_browser(url: str) -> None:
    try:
        webbrowser.open(url)
    except Exception:  # no browser here: the URL is printed anyway
        pass

"""Container health probe: exit 0 when an `obligations serve` answers /health with status "ok".

Docker runs it inside the container (`HEALTHCHECK` and the compose `healthcheck:`), where slim
images carry no curl; standard library only.

    python healthcheck.py http://127.0.0.1:8001/health
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8001/health"
MAX_BODY_BYTES = 1 << 16


def probe(url: str, timeout_s: float = 5.0, api_key: str | None = None) -> tuple[bool, str]:
    """Whether the server at `url` is healthy, and a one-line reason."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    if api_key:
        # Harmless if /health is open; needed if the server ever guards it with the key.
        request.add_header("Authorization", f"Bearer {api_key}")
    # The probe talks to the container itself: a proxy from the environment must not intercept it.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout_s) as response:
            body = response.read(MAX_BODY_BYTES)
            status_code = response.status
    except urllib.error.HTTPError as exc:
        return False, f"{url} answered HTTP {exc.code}"
    except (OSError, ValueError) as exc:  # URLError, refused, timeout; ValueError: a malformed URL
        return False, f"{url} unreachable: {getattr(exc, 'reason', exc)}"
    if status_code != 200:
        return False, f"{url} answered HTTP {status_code}"
    try:
        answer = json.loads(body)
    except ValueError:
        return False, f"{url} answered something that is not JSON"
    status = answer.get("status") if isinstance(answer, dict) else None
    if status != "ok":
        return False, f"{url} reports status {status!r}"
    return True, f"{url} ok"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    url = args[0] if args else DEFAULT_URL
    healthy, reason = probe(url, api_key=os.environ.get("OBLIGATIONS_API_KEY") or None)
    print(reason, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())

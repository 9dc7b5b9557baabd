"""docker/vllm.compose.yml, read with PyYAML (no Docker engine here): one vLLM profile per model
family, its command the one backends/vllm.py builds from the catalog for the card the header
names, a health check, and an `obligations` run pointed at it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from obligations.backends.vllm import serve_argv, served_family, utilisation
from obligations.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker" / "vllm.compose.yml"
# profile -> (served model, the card size its header says it is sized for)
PROFILES = {"vllm-qwen": ("qwen3-vl-8b", 24), "vllm-dots": ("dots-ocr", 16),
            "vllm-deepseek-ocr2": ("deepseek-ocr2", 16), "vllm-glm-ocr": ("glm-ocr", 8),
            "vllm-paddleocr-vl": ("paddleocr-vl", 8)}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def by_profile(compose: dict, profile: str) -> tuple[dict, dict]:
    """(the vLLM service, the obligations service) of a profile."""
    members = {name: s for name, s in compose["services"].items() if s.get("profiles") == [profile]}
    assert len(members) == 2, f"{profile}: {sorted(members)}"
    server = next(s for s in members.values() if s["image"].startswith("vllm/vllm-openai:"))
    client = next(s for s in members.values() if s is not server)
    return server, client


def test_one_profile_per_family(compose):
    profiles = {p for s in compose["services"].values() for p in s["profiles"]}
    assert profiles == set(PROFILES)


@pytest.mark.parametrize("profile", PROFILES)
def test_command_is_the_catalogs_for_the_named_card(compose, catalog, profile):
    model, card_gb = PROFILES[profile]
    server, _ = by_profile(compose, profile)
    share = utilisation(catalog[model], card_gb)
    assert ["vllm", "serve", *server["command"]] == serve_argv(catalog[model], share, host="0.0.0.0")
    header = re.search(rf"^#\s+{re.escape(profile)}\s+{re.escape(model)}\s+(\d+) GB card\s+([\d.]+)$",
                       COMPOSE.read_text(), re.M)
    assert header and (int(header.group(1)), float(header.group(2))) == (card_gb, share)


@pytest.mark.parametrize("profile", PROFILES)
def test_server_has_gpu_health_check_and_cache(compose, profile):
    server, _ = by_profile(compose, profile)
    check = server["healthcheck"]
    assert "http://127.0.0.1:8000/health" in " ".join(check["test"])
    assert check["start_period"] == "30m" and check["retries"] >= 1
    devices = server["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert "vllm-cache:/root/.cache/huggingface" in server["volumes"]
    assert server["ports"] == ["127.0.0.1:8000:8000"] and server["ipc"] == "host"
    assert server["command"][server["command"].index("--port") + 1] == "8000"


@pytest.mark.parametrize("profile", PROFILES)
def test_obligations_is_pointed_at_its_server(compose, catalog, profile):
    server, client = by_profile(compose, profile)
    name = next(n for n, s in compose["services"].items() if s is server)
    assert client["depends_on"] == {name: {"condition": "service_healthy"}}
    assert client["environment"]["VLLM_URL"] == f"http://{name}:8000/v1"
    command = client["command"]
    assert command[:3] == ["obligations", "run", "/data/in"] and "/data/out" in command
    assert command[command.index("--ocr-service") + 1] == "auto"
    assert (ROOT / client["build"]["dockerfile"]).is_file() and client["build"]["context"] == ".."
    # The served name tells the client which reader or answerer the model is.
    model, _ = PROFILES[profile]
    served = server["command"][server["command"].index("--served-model-name") + 1]
    expected = "qwen" if catalog[model].kind == "answerer" else catalog[model].family
    assert served == model and served_family(served, server["command"][0]) == expected

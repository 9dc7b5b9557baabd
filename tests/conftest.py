"""Shared pytest fixtures.

`tiny_model` builds tiny random vision-language checkpoints (tests/tiny_models.py) on demand, so
tests can drive the transformers code path of the GPU backends on a CPU without any download.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Tests never reach a model hub: fail fast instead of waiting on the network. Set before
# huggingface_hub is imported, which reads it once.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# pytest runs with --import-mode=importlib, which puts no test directory on sys.path; this makes
# the helper module `tiny_models` importable by name from here and from test modules.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """Factory: `tiny_model("qwen2-vl")` -> path of a tiny checkpoint, built once per session.

    Each pytest-xdist worker has its own tmp_path_factory base, so each builds its own copies.
    Skips when torch/transformers are missing or too old for the family. Sets torch to one
    thread for the rest of the session (see below).
    """
    try:
        import torch
        import transformers
    except ImportError as error:
        pytest.skip(f"tiny vision-language models need torch and transformers (the gpu extra): {error}")
    import tiny_models

    # Tensors this small gain nothing from intra-op threads, and xdist workers would fight over
    # the cores: one thread makes generation several times faster here.
    torch.set_num_threads(1)

    built: dict[str, Path] = {}

    def get(family: str) -> Path:
        if family not in built:
            try:
                built[family] = tiny_models.build_tiny_model(family, tmp_path_factory.mktemp(f"tiny-{family}"))
            except ImportError as error:
                pytest.skip(f"transformers {transformers.__version__} cannot build a {family} model: {error}")
        return built[family]

    return get

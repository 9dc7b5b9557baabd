#!/usr/bin/env python3
"""WSL2 CUDA checklist: WSL2 detected?, /usr/lib/wsl/lib/libcuda.so, nvidia-smi, torch.cuda, hints.

    python scripts/check_wsl_cuda.py          # the checklist
    python scripts/check_wsl_cuda.py --json   # the full `obligations doctor --json` report

Exits 0 whatever it finds: no GPU is an answer, not an error.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # works from a plain checkout too

from obligations.doctor import doctor_text  # noqa: E402

if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments not in ([], ["--json"]):
        sys.exit("usage: check_wsl_cuda.py [--json]")
    sys.stdout.write(doctor_text(as_json=bool(arguments), wsl=not arguments))

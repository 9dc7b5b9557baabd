#!/usr/bin/env python3
"""GPU report: same as `obligations doctor [--json]`.

    python scripts/check_gpu.py          # tables: GPUs, checks, which models fit, the auto choice
    python scripts/check_gpu.py --json
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # works from a plain checkout too

from obligations.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["doctor", *sys.argv[1:]], prog_name="check_gpu.py")

#!/usr/bin/env python3
"""The original command, kept for existing users: same as `obligations run ARGS...`.

    python scripts/utils/run_document.py input/doc.pdf --ocr-service auto
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # works from a plain checkout too

from obligations.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["run", *sys.argv[1:]], prog_name="run_document.py")

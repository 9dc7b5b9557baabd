#!/usr/bin/env python3
"""Screenshot a benchmark report page with headless Chromium, as a small PNG for the docs.

    python scripts/report_screenshot.py bench/report.html docs/bench_report.png

Chromium (Debian package `chromium`) renders the page in a tall window; the blank space below
the content is cut off, and the image is reduced to a palette (and, if still too large, scaled
down) until it fits --max-kb.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Nothing in the report needs the network; these keep Chromium from trying.
QUIET_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars")


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def capture(html: Path, png: Path, width: int = 1200, height: int = 6000, browser: str | None = None) -> None:
    """Chromium's screenshot of `html` in a width x height window."""
    browser = browser or find_browser()
    if browser is None:
        raise SystemExit("report_screenshot: no Chromium found; install the Debian package `chromium`")
    with tempfile.TemporaryDirectory(prefix="report-shot-") as profile:
        command = [browser, *QUIET_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
                   f"--window-size={width},{height}", html.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not png.is_file():
        raise SystemExit(f"report_screenshot: chromium failed ({done.returncode}): {done.stderr.strip()[-500:]}")


def trim_and_shrink(png: Path, max_bytes: int, margin: int = 24) -> Image.Image:
    """Cut the blank bottom of the screenshot, then store it as compactly as max_bytes needs."""
    image = Image.open(png).convert("RGB")
    background = Image.new("RGB", image.size, image.getpixel((image.width - 1, image.height - 1)))
    content = ImageChops.difference(image, background).getbbox()
    if content:
        image = image.crop((0, 0, image.width, min(image.height, content[3] + margin)))
    scale = 1.0
    while True:
        sized = image if scale == 1.0 else image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        shrunk = sized.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        shrunk.save(png, optimize=True)
        if png.stat().st_size <= max_bytes or scale < 0.3:
            return shrunk
        scale *= 0.85


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the report's HTML file")
    parser.add_argument("png", type=Path, help="where to write the screenshot")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=6000, help="window height; blank space below the page is cut")
    parser.add_argument("--max-kb", type=int, default=290, help="largest PNG to write, in KiB")
    args = parser.parse_args(argv)
    if not args.html.is_file():
        parser.error(f"{args.html}: no such file")
    args.png.parent.mkdir(parents=True, exist_ok=True)
    capture(args.html, args.png, width=args.width, height=args.height)
    image = trim_and_shrink(args.png, args.max_kb * 1024)
    print(f"{args.png}: {image.width}x{image.height}, {args.png.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scanner-like degradations of a clean 300-dpi render.

none: unchanged.  scan: an office scanner.  poor: a bad scan that a human
still reads without effort.  The geometric part (rotation) is returned as a
box transform so ground-truth boxes follow the pixels.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .render import DPI, Box

LEVELS = ("none", "scan", "poor")


Affine = tuple[float, float, float, float, float, float]  # x' = a x + b y + c;  y' = d x + e y + f
IDENTITY: Affine = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def _then(first: Affine, second: Affine) -> Affine:
    """The affine map `second` applied after `first`."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = second
    return (
        a2 * a1 + b2 * d1, a2 * b1 + b2 * e1, a2 * c1 + b2 * f1 + c2,
        d2 * a1 + e2 * d1, d2 * b1 + e2 * e1, d2 * c1 + e2 * f1 + f2,
    )


def _scaling(src: tuple[int, int], dst: tuple[int, int]) -> Affine:
    return (dst[0] / src[0], 0.0, 0.0, 0.0, dst[1] / src[1], 0.0)


def _rotation(angle: float, src: tuple[int, int], dst: tuple[int, int]) -> Affine:
    """Forward map of PIL's rotate(angle, expand=True): about the centres, counter-clockwise."""
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    cx, cy, nx, ny = src[0] / 2, src[1] / 2, dst[0] / 2, dst[1] / 2
    return (c, s, nx - c * cx - s * cy, -s, c, ny + s * cx - c * cy)


@dataclass
class Degraded:
    image: Image.Image
    level: str
    angle: float = 0.0  # degrees, counter-clockwise (PIL convention)
    jpeg_quality: int | None = None  # quality the scanner saves with; None: lossless
    matrix: Affine = IDENTITY  # clean-page pixels -> degraded-image pixels

    def box(self, box: Box | None) -> Box | None:
        """Axis-aligned box of the mapped corners, clipped to the image."""
        if box is None:
            return None
        a, b, c, d, e, f = self.matrix
        corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
        xs = [a * x + b * y + c for x, y in corners]
        ys = [d * x + e * y + f for x, y in corners]
        w, h = self.image.size
        return (
            max(0, math.floor(min(xs))), max(0, math.floor(min(ys))),
            min(w, math.ceil(max(xs))), min(h, math.ceil(max(ys))),
        )


def degrade(img: Image.Image, level: str, rng: random.Random) -> Degraded:
    """Simulate a scan.  The work is done at the scanner's optical resolution
    (scan: ~190-225 dpi, poor: 150-200 dpi) and the result resampled back to
    300 dpi, which gives the blur of the optics for free and keeps this fast."""
    if level == "none":
        return Degraded(img, level)
    if level not in LEVELS:
        raise ValueError(f"unknown degradation {level!r}; expected one of {LEVELS}")
    nrng = np.random.default_rng(rng.getrandbits(64))
    poor = level == "poor"

    scale = rng.randint(150, 200) / DPI if poor else rng.uniform(0.63, 0.75)
    size = img.size
    low = (round(size[0] * scale), round(size[1] * scale))
    out = img.resize(low, Image.Resampling.BOX)

    angle = (rng.uniform(0.8, 3.5) if poor else rng.uniform(0.0, 1.5)) * rng.choice((-1, 1))
    out = out.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=(255, 255, 255))
    rotated = out.size
    if poor:  # defocus on top of the low sampling rate
        out = out.filter(ImageFilter.BoxBlur(rng.uniform(0.8, 1.1) * scale))

    # Paper tint and (poor) contrast loss as one lookup table, then uneven light.
    lo, hi = (rng.randint(15, 35), rng.randint(238, 252)) if poor else (0, 255)
    tint = _paper_tint(rng, strong=poor)
    out = out.point([(lo + v * (hi - lo) // 255) * t // 255 for t in tint for v in range(256)])
    if poor:
        out = ImageChops.multiply(out, _illumination(out.size, rng, nrng))
    out = _noise(out, rng.uniform(5, 8) if poor else rng.uniform(2.5, 4), nrng)

    final = (round(rotated[0] / scale), round(rotated[1] / scale))
    out = out.resize(final, Image.Resampling.BILINEAR)
    if poor:
        _speckles(out, rng)
    matrix = _then(_then(_scaling(size, low), _rotation(angle, low, rotated)), _scaling(rotated, final))
    quality = rng.randint(35, 55) if poor else rng.randint(70, 85)
    return Degraded(out, level, angle, quality, matrix)


def jpeg_roundtrip(img: Image.Image, quality: int) -> Image.Image:
    return Image.open(io.BytesIO(jpeg_bytes(img, quality))).convert("RGB")


def jpeg_bytes(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(DPI, DPI))
    return buf.getvalue()


def _paper_tint(rng: random.Random, strong: bool) -> tuple[int, int, int]:
    gray = rng.randint(240, 250) if strong else rng.randint(246, 255)
    yellow = rng.randint(0, 14 if strong else 8)
    return (gray, gray - yellow // 3, gray - yellow)


def _illumination(size, rng: random.Random, nrng: np.random.Generator) -> Image.Image:
    """Smooth uneven lighting: a tilted gradient plus low-frequency blotches."""
    gw, gh = 6, 8
    yy, xx = np.mgrid[0:gh, 0:gw]
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx / (gw - 1) - 0.5) * math.cos(angle) + (yy / (gh - 1) - 0.5) * math.sin(angle)
    field = 1.0 - rng.uniform(0.05, 0.12) * (ramp + 0.5) - nrng.uniform(0, 0.04, (gh, gw))
    small = Image.fromarray(np.clip(field * 255, 0, 255).astype(np.uint8), "L")
    return small.resize(size, Image.Resampling.BICUBIC).convert("RGB")


def _noise(img: Image.Image, sigma: float, nrng: np.random.Generator) -> Image.Image:
    """Gray sensor noise, the same on the three channels."""
    w, h = img.size
    noise = nrng.standard_normal((h, w), dtype=np.float32) * sigma + 128
    layer = Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8), "L").convert("RGB")
    return ImageChops.add(img, layer, 1.0, -128)


def _speckles(img: Image.Image, rng: random.Random) -> None:
    draw = ImageDraw.Draw(img)
    w, h = img.size
    for _ in range(round(rng.uniform(15, 60) * w * h / 1e6)):  # dust per megapixel
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.8, 2.5)
        v = rng.randint(40, 140)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(v, v, v))

"""Degradations of a clean 300-dpi render: scanners, faxes, phones, stamps.

none:    unchanged.
scan:    an office scanner.
poor:    a bad scan that a human still reads without effort.
lowres:  a 75-150 dpi export (phone scanner apps, web forms, old fax-to-mail): few pixels,
         heavy JPEG, a little blur, skew and dust; written at that resolution.
speckle: a 200-300 dpi scan of a dusty page: salt-and-pepper pixels, specks and clusters.
fax:     ~200 dpi across, 100 or 200 dpi down (standard / fine mode), two-valued
         (hard threshold and/or Floyd-Steinberg dither), a transmit header line.
photo:   a phone photo: the page on a table, in perspective, shadowed and unevenly lit.
stamp:   a round blue/violet seal and a signature over part of the text, then an office scan.

Every level is a function of the rng.  The geometry is returned as a 3x3 projective map
(`Degraded.matrix`) from clean-page pixels to written-image pixels so that ground-truth
boxes follow the pixels.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .render import DPI, Box, font, font_families

LEVELS = ("none", "scan", "poor", "lowres", "speckle", "fax", "photo", "stamp")

# Row-major 3x3 projective map: (X, Y, W) = M (x, y, 1); the image point is (X / W, Y / W).
Matrix = tuple[float, float, float, float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)


def _then(first: Matrix, second: Matrix) -> Matrix:
    """The map `second` applied after `first` (the product second x first)."""
    a, b = second, first
    return tuple(  # type: ignore[return-value]
        a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c] for r in range(3) for c in range(3)
    )


def _affine(a: float, b: float, c: float, d: float, e: float, f: float) -> Matrix:
    """x' = a x + b y + c;  y' = d x + e y + f."""
    return (a, b, c, d, e, f, 0.0, 0.0, 1.0)


def _scaling(src: tuple[int, int], dst: tuple[int, int]) -> Matrix:
    return _affine(dst[0] / src[0], 0.0, 0.0, 0.0, dst[1] / src[1], 0.0)


def _translation(dx: float, dy: float) -> Matrix:
    return _affine(1.0, 0.0, dx, 0.0, 1.0, dy)


def _rotation(angle: float, src: tuple[int, int], dst: tuple[int, int]) -> Matrix:
    """Forward map of PIL's rotate(angle, expand=True): about the centres, counter-clockwise."""
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    cx, cy, nx, ny = src[0] / 2, src[1] / 2, dst[0] / 2, dst[1] / 2
    return _affine(c, s, nx - c * cx - s * cy, -s, c, ny + s * cx - c * cy)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    w = m[6] * x + m[7] * y + m[8]
    return (m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w


def homography(src: Sequence[tuple[float, float]], dst: Sequence[tuple[float, float]]) -> Matrix:
    """The projective map taking the four points `src` to the four points `dst`."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        rhs += [u, v]
    h = np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float))
    return (*(float(v) for v in h), 1.0)  # type: ignore[return-value]


def inverse(m: Matrix) -> Matrix:
    inv = np.linalg.inv(np.array(m, dtype=float).reshape(3, 3))
    inv /= inv[2, 2]
    return tuple(float(v) for v in inv.ravel())  # type: ignore[return-value]


@dataclass
class Degraded:
    image: Image.Image
    level: str
    angle: float = 0.0  # degrees, counter-clockwise (PIL convention)
    jpeg_quality: int | None = None  # quality the device saves with; None: lossless
    matrix: Matrix = IDENTITY  # clean-page pixels -> degraded-image pixels (projective)
    dpi: float = DPI  # resolution of the written image (of the page in it, for a photo)
    dpi_metadata: tuple[float, float] | None = (DPI, DPI)  # what the file says; None: nothing

    def point(self, x: float, y: float) -> tuple[float, float]:
        return apply(self.matrix, x, y)

    def box(self, box: Box | None) -> Box | None:
        """Axis-aligned box of the mapped corners, clipped to the image."""
        if box is None:
            return None
        corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
        xs, ys = zip(*(self.point(x, y) for x, y in corners))
        w, h = self.image.size
        return (
            max(0, math.floor(min(xs))), max(0, math.floor(min(ys))),
            min(w, math.ceil(max(xs))), min(h, math.ceil(max(ys))),
        )


def degrade(img: Image.Image, level: str, rng: random.Random, boxes: Sequence[Box] = ()) -> Degraded:
    """Degrade a clean 300-dpi page.  `boxes` (the field boxes) tell a stamp where the
    values are, so that it can overlap some of them partially."""
    if level == "none":
        return Degraded(img, level)
    if level not in LEVELS:
        raise ValueError(f"unknown degradation {level!r}; expected one of {LEVELS}")
    if level in ("scan", "poor"):
        return _scan(img, level, rng)
    if level == "stamp":
        stamped = stamp(img, rng, boxes)
        scanned = _scan(stamped, "scan", rng)
        scanned.level = "stamp"
        return scanned
    return {"lowres": _lowres, "speckle": _speckle, "fax": _fax, "photo": _photo}[level](img, rng)


def _scan(img: Image.Image, level: str, rng: random.Random) -> Degraded:
    """Simulate a scan.  The work is done at the scanner's optical resolution
    (scan: ~190-225 dpi, poor: 150-200 dpi) and the result resampled back to
    300 dpi, which gives the blur of the optics for free and keeps this fast."""
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


# --------------------------------------------------------------------------- lowres


def _lowres(img: Image.Image, rng: random.Random) -> Degraded:
    """A 75-150 dpi image, JPEG 30-60, slightly blurred and skewed, a little dust.

    The dpi written in the file is what such exports carry: 72 (phone apps, fax-to-mail),
    nothing at all, or the true value."""
    nrng = np.random.default_rng(rng.getrandbits(64))
    dpi = rng.randint(75, 150)
    size = img.size
    low = (round(size[0] * dpi / DPI), round(size[1] * dpi / DPI))
    out = img.resize(low, Image.Resampling.BOX)
    angle = rng.uniform(0.4, 3.0) * rng.choice((-1, 1))
    out = out.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    rotated = out.size
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.25, 0.6)))
    lo, hi = rng.randint(5, 25), rng.randint(235, 252)
    tint = _paper_tint(rng, strong=rng.random() < 0.5)
    out = out.point([(lo + v * (hi - lo) // 255) * t // 255 for t in tint for v in range(256)])
    out = _noise(out, rng.uniform(2, 4.5), nrng)
    _speckles(out, rng, per_mp=rng.uniform(30, 120), radius=(0.5, 1.2))
    matrix = _then(_scaling(size, low), _rotation(angle, low, rotated))
    metadata = rng.choices(((72.0, 72.0), None, (float(dpi), float(dpi))), weights=(4, 3, 3))[0]
    return Degraded(out, "lowres", angle, rng.randint(30, 60), matrix, dpi, metadata)


# --------------------------------------------------------------------------- speckle


def _speckle(img: Image.Image, rng: random.Random) -> Degraded:
    """A 200-300 dpi office scan with salt-and-pepper pixels, dust specks and speck clusters."""
    nrng = np.random.default_rng(rng.getrandbits(64))
    dpi = rng.choice((200, 240, 300, 300)) if rng.random() < 0.7 else rng.randint(200, 300)
    size = img.size
    low = (round(size[0] * dpi / DPI), round(size[1] * dpi / DPI))
    out = img.resize(low, Image.Resampling.BOX) if low != size else img.copy()
    angle = rng.uniform(0.0, 1.2) * rng.choice((-1, 1))
    out = out.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=(255, 255, 255))
    rotated = out.size
    tint = _paper_tint(rng, strong=False)
    out = out.point([v * t // 255 for t in tint for v in range(256)])
    out = _noise(out, rng.uniform(2, 4), nrng)

    a = np.asarray(out).copy()
    h, w = a.shape[:2]
    pepper = nrng.random((h, w), dtype=np.float32) < rng.uniform(0.0008, 0.004)
    salt = nrng.random((h, w), dtype=np.float32) < rng.uniform(0.0005, 0.003)
    a[pepper] = nrng.integers(0, 90, (int(pepper.sum()), 1), dtype=np.uint8)
    a[salt] = 255
    out = Image.fromarray(a)
    scale = dpi / DPI
    _speckles(out, rng, per_mp=rng.uniform(80, 300), radius=(0.5, 2.0), value=(0, 90))
    draw = ImageDraw.Draw(out)
    for _ in range(round(rng.uniform(3, 15) * w * h / 1e6)):  # clusters: a smudge of a few specks
        cx, cy, spread = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(4, 18) * scale
        for _ in range(rng.randint(3, 12)):
            x, y = cx + rng.gauss(0, spread), cy + rng.gauss(0, spread)
            r = rng.uniform(0.5, 1.8) * scale * 1.5
            v = rng.randint(10, 110)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(v, v, v))
    matrix = _then(_scaling(size, low), _rotation(angle, low, rotated))
    return Degraded(out, "speckle", angle, None, matrix, dpi, (float(dpi), float(dpi)))


# --------------------------------------------------------------------------- fax


def _fax(img: Image.Image, rng: random.Random) -> Degraded:
    """A received fax: sampled at ~200 dpi across and 100 (standard) or 200 (fine) dpi down,
    two-valued, lines doubled back to square pixels, with the sender's header line on top."""
    nrng = np.random.default_rng(rng.getrandbits(64))
    xdpi = rng.choice((200, 204))
    ydpi = rng.choice((98, 196, 196)) if xdpi == 204 else rng.choice((100, 200, 200))
    size = img.size
    low = (round(size[0] * xdpi / DPI), round(size[1] * ydpi / DPI))
    out = img.convert("L").resize(low, Image.Resampling.BOX)
    angle = rng.uniform(0.0, 1.0) * rng.choice((-1, 1))
    out = out.rotate(angle * ydpi / xdpi, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    rotated = out.size
    gray = np.asarray(out, dtype=np.float32) + nrng.standard_normal(out.size[::-1], dtype=np.float32) * 6

    method = rng.choices(("threshold", "dither", "stretch-dither"), weights=(6, 1.5, 2.5))[0]
    if method == "threshold":
        a = np.where(gray > rng.randint(125, 175), 255, 0).astype(np.uint8)
        out = Image.fromarray(a, "L")
    else:
        if method == "stretch-dither":  # paper to white, ink to black, only mid-tones dithered
            lo, hi = rng.randint(50, 90), rng.randint(215, 235)
            gray = (gray - lo) * 255 / (hi - lo)
        out = Image.fromarray(np.clip(gray, 0, 255).astype(np.uint8), "L").convert("1").convert("L")

    square = (rotated[0], round(rotated[1] * xdpi / ydpi))
    out = out.resize(square, Image.Resampling.NEAREST)  # standard mode: every line twice
    header = _fax_header(rng, square[0], xdpi)
    page = Image.new("L", (square[0], square[1] + header.height), 255)
    page.paste(header, (0, 0))
    page.paste(out, (0, header.height))
    if rng.random() < 0.2:  # a dirty spot on the scanner glass: a thin streak down the page
        a = np.asarray(page).copy()
        x = rng.randrange(a.shape[1])
        a[:, x:x + rng.choice((1, 1, 2))] = 0
        page = Image.fromarray(a, "L")
    matrix = _then(
        _then(_then(_scaling(size, low), _rotation(angle * ydpi / xdpi, low, rotated)), _scaling(rotated, square)),
        _translation(0, header.height),
    )
    return Degraded(page, "fax", angle, None, matrix, xdpi, (float(xdpi), float(xdpi)))


def _fax_header(rng: random.Random, width: int, dpi: int) -> Image.Image:
    """"12/03/2021 14:05  FROM: +7 495 123 45 67  ООО ...   P.001/002", two-valued."""
    families = font_families()
    fam = next((f for f in families if f.mono), families[0])
    fnt = font(fam.regular, round(dpi * 9 / 72))  # 9 pt
    stamp_time = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2015, 2024)} " \
                 f"{rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}"
    phone = f"+7 {rng.choice(('495', '499', '812', '343', '383', '846'))} {rng.randint(100, 999)} " \
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}"
    pages = rng.randint(1, 4)
    left = f"{stamp_time}  FROM: {phone}"
    right = f"P.{1:03d}/{pages:03d}"
    height = round(fnt.size * 1.8)
    band = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(band)
    margin = round(dpi * 0.25)
    draw.text((margin, fnt.size * 1.3), left, font=fnt.pil, fill=0, anchor="ls")
    draw.text((width - margin, fnt.size * 1.3), right, font=fnt.pil, fill=0, anchor="rs")
    return band.point(lambda v: 255 if v > 128 else 0)


# --------------------------------------------------------------------------- photo

WOODS = ((150, 105, 65), (120, 80, 50), (175, 135, 90), (95, 65, 45), (190, 160, 120))
DESKS = ((60, 60, 62), (200, 200, 195), (35, 35, 40), (150, 155, 160), (225, 222, 215), (90, 100, 120))


def _photo(img: Image.Image, rng: random.Random) -> Degraded:
    """A phone photo of the page lying on a table.

    The page fills 50-85 % of the frame, its corners moved by a few per cent (perspective)
    and turned a little; the table is textured, the light uneven, part of the frame is in
    a soft shadow, the focus slightly off.  Phones write 72 dpi (or nothing) in the file."""
    nrng = np.random.default_rng(rng.getrandbits(64))
    w, h = img.size
    portrait = h >= w
    long_side = rng.randint(2000, 3400)
    frame = (round(long_side * 3 / 4), long_side) if portrait else (long_side, round(long_side * 3 / 4))
    fill = rng.uniform(0.5, 0.85)
    s = math.sqrt(fill * frame[0] * frame[1] / (w * h))
    s = min(s, 0.9 * frame[0] / w, 0.9 * frame[1] / h)
    if s > 0.95:  # a small card: the phone does not see it sharper than print, the frame is smaller
        s = rng.uniform(0.7, 0.95)
        side = math.sqrt(w * h * s * s / fill / 12)
        frame = (round(3 * side), round(4 * side)) if portrait else (round(4 * side), round(3 * side))
        frame = (max(frame[0], math.ceil(w * s / 0.9)), max(frame[1], math.ceil(h * s / 0.9)))
        long_side = max(frame)
    small = (round(w * s), round(h * s))
    page = img.resize(small, Image.Resampling.BOX)

    # Corners of the page in the frame: centred with some slack, turned, each corner moved.
    turn = math.radians(rng.uniform(-4, 4))
    jitter = rng.uniform(0.015, 0.05)
    for _ in range(20):
        cx = frame[0] / 2 + rng.uniform(-0.5, 0.5) * (frame[0] - small[0]) * 0.8
        cy = frame[1] / 2 + rng.uniform(-0.5, 0.5) * (frame[1] - small[1]) * 0.8
        dst = []
        for x, y in ((0, 0), (small[0], 0), (small[0], small[1]), (0, small[1])):
            dx, dy = x - small[0] / 2, y - small[1] / 2
            dx, dy = dx * math.cos(turn) + dy * math.sin(turn), -dx * math.sin(turn) + dy * math.cos(turn)
            dst.append((cx + dx + rng.uniform(-jitter, jitter) * small[0],
                        cy + dy + rng.uniform(-jitter, jitter) * small[1]))
        if all(0.01 * frame[0] <= x <= 0.99 * frame[0] and 0.01 * frame[1] <= y <= 0.99 * frame[1]
               for x, y in dst):
            break
        turn, jitter = turn * 0.7, jitter * 0.7
    src = [(0, 0), (small[0], 0), (small[0], small[1]), (0, small[1])]
    warp = homography(src, dst)
    data = inverse(warp)[:8]
    warped = page.transform(frame, Image.Transform.PERSPECTIVE, data, Image.Resampling.BICUBIC,
                            fillcolor=(0, 0, 0))
    mask = Image.new("L", small, 255).transform(frame, Image.Transform.PERSPECTIVE, data,
                                                Image.Resampling.BILINEAR, fillcolor=0)

    table = _table(frame, rng, nrng)
    # The page's own soft shadow on the table, offset towards the light's far side.
    off = (rng.uniform(-1, 1) * 0.006 * long_side, rng.uniform(0.2, 1) * 0.008 * long_side)
    drop = ImageChops.offset(mask, round(off[0]), round(off[1])).filter(ImageFilter.GaussianBlur(long_side * 0.006))
    shade = np.asarray(drop, dtype=np.float32) / 255 * rng.uniform(0.25, 0.45)
    table = Image.fromarray((np.asarray(table, dtype=np.float32) * (1 - shade[..., None])).astype(np.uint8))
    out = Image.composite(warped, table, mask)

    light = _photo_light(frame, rng, nrng)  # HxW float32, 0.45..1.05
    cast = np.array([rng.uniform(0.97, 1.03), 1.0, rng.uniform(0.86, 1.0)], dtype=np.float32)
    a = np.asarray(out, dtype=np.float32) * light[..., None] * cast
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.3)))
    out = _noise(out, rng.uniform(2.5, 5.5), nrng)

    top = (dst[1][0] - dst[0][0], dst[1][1] - dst[0][1])
    angle = -math.degrees(math.atan2(top[1], top[0]))
    metadata = rng.choice(((72.0, 72.0), (72.0, 72.0), None))
    matrix = _then(_scaling((w, h), small), warp)
    return Degraded(out, "photo", angle, rng.randint(72, 92), matrix, round(DPI * s), metadata)


def _table(size: tuple[int, int], rng: random.Random, nrng: np.random.Generator) -> Image.Image:
    """A table top: wood grain, a plain laminate or a cloth, drawn small and scaled up."""
    w, h = size
    kind = rng.choice(("wood", "wood", "desk", "cloth"))
    sw, sh = max(8, w // 8), max(8, h // 8)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    if kind == "wood":
        base = np.array(rng.choice(WOODS), dtype=np.float32)
        t = math.radians(rng.uniform(-20, 20) + rng.choice((0, 90)))
        v = -xx * math.sin(t) + yy * math.cos(t)  # across it
        warp = _smooth_noise((sh, sw), 3, nrng) * rng.uniform(3, 8) + _smooth_noise((sh, sw), 9, nrng)
        f = rng.uniform(0.25, 0.6)
        grain = (np.sin((v + warp) * f) * 0.6 + np.sin((v + 1.7 * warp) * f * 2.3) * 0.4) * 0.5 + 0.5
        grain = grain ** rng.uniform(1.5, 3)  # thin dark lines, wide light bands
        streaks = _smooth_noise((sh, sw), 3, nrng) * 0.5
        field = 1 + (grain - 0.5) * rng.uniform(0.12, 0.25) + streaks * 0.15
    elif kind == "desk":
        base = np.array(rng.choice(DESKS), dtype=np.float32)
        field = 1 + _smooth_noise((sh, sw), 4, nrng) * 0.06
    else:
        base = np.array([rng.randint(40, 200) for _ in range(3)], dtype=np.float32)
        weave = (np.sin(xx * 1.7) * np.sin(yy * 1.7)) * 0.04
        field = 1 + weave + _smooth_noise((sh, sw), 5, nrng) * 0.08
    small = np.clip(field[..., None] * base, 0, 255).astype(np.uint8)
    img = Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)
    grain = nrng.standard_normal((h, w), dtype=np.float32) * rng.uniform(3, 7)
    a = np.asarray(img, dtype=np.float32) + grain[..., None]
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def _smooth_noise(shape: tuple[int, int], cells: int, nrng: np.random.Generator) -> np.ndarray:
    """Noise in -1..1 varying over about `cells` cells across the shape."""
    coarse = nrng.uniform(-1, 1, (cells + 1, cells + 1)).astype(np.float32)
    img = Image.fromarray(((coarse + 1) * 127.5).astype(np.uint8), "L").resize(shape[::-1], Image.Resampling.BICUBIC)
    return np.asarray(img, dtype=np.float32) / 127.5 - 1


def _photo_light(size: tuple[int, int], rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """Multiplicative light: a tilted gradient, vignetting, and a soft cast shadow (a phone or
    a hand between the lamp and the page) across one side of the frame."""
    w, h = size
    sw, sh = 64, max(2, round(64 * h / w))
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    u, v = xx / (sw - 1) - 0.5, yy / (sh - 1) - 0.5
    t = rng.uniform(0, 2 * math.pi)
    light = 1.02 - rng.uniform(0.08, 0.22) * ((u * math.cos(t) + v * math.sin(t)) + 0.5)
    light -= rng.uniform(0.05, 0.18) * (u ** 2 + v ** 2) * 2  # vignetting
    light += _smooth_noise((sh, sw), 3, nrng) * 0.03
    if rng.random() < 0.85:
        # A shadow whose edge is a line across the frame: everything beyond it is darker.
        a = rng.uniform(0, 2 * math.pi)
        depth = rng.uniform(0.2, 0.38)  # distance of the edge from the far side, as a share
        d = u * math.cos(a) + v * math.sin(a)
        edge = 0.5 - depth
        softness = rng.uniform(0.03, 0.1)
        inside = 1 / (1 + np.exp(-(d - edge) / softness))
        light *= 1 - rng.uniform(0.2, 0.42) * inside
    img = Image.fromarray(np.clip(light * 200, 0, 255).astype(np.uint8), "L").resize(size, Image.Resampling.BICUBIC)
    return np.asarray(img, dtype=np.float32) / 200


# --------------------------------------------------------------------------- stamp

STAMP_INKS = ((35, 60, 170), (45, 75, 190), (85, 50, 160), (105, 60, 175), (60, 55, 165))
PEN_INKS = ((20, 30, 110), (25, 25, 70), (30, 45, 140))
STAMP_WORDS = (
    "РОМАШКА", "ВЕКТОР", "МЕРИДИАН", "ГРАНИТ", "ПОЛЮС", "СВЕТОЧ", "ИНТЕРКОМ", "КРИСТАЛЛ", "ФОРТУНА",
    "СТРОЙРЕСУРС", "ТЕХНОСНАБ", "АГРОТОРГ",
)
STAMP_CITIES = ("МОСКВА", "САНКТ-ПЕТЕРБУРГ", "КАЗАНЬ", "ЕКАТЕРИНБУРГ", "НОВОСИБИРСК", "САМАРА", "ТУЛА")


def stamp(img: Image.Image, rng: random.Random, boxes: Sequence[Box] = ()) -> Image.Image:
    """The page with a round seal and a signature over part of it (ink multiplies the paper).

    The seal is centred near one of `boxes` so that its ring crosses that value, as seals
    put over a signature line next to the values do."""
    out = img.convert("RGB")
    w, h = out.size
    r = rng.randint(200, 250)  # 34-42 mm
    boxes = [b for b in boxes if b is not None]
    if boxes:
        bx0, by0, bx1, by1 = rng.choice(boxes)
        t = rng.uniform(0, 2 * math.pi)
        d = r * rng.uniform(0.55, 0.95)
        cx = min(max((bx0 + bx1) / 2 + math.cos(t) * max(d, (bx1 - bx0) / 2 - r * 0.3), r), w - r)
        cy = min(max((by0 + by1) / 2 + math.sin(t) * d, r), h - r)
    else:
        cx, cy = rng.uniform(r, w - r), rng.uniform(h / 2, h - r)

    ink = rng.choice(STAMP_INKS)
    seal = _seal(r, rng)
    seal = seal.rotate(rng.uniform(0, 360), resample=Image.Resampling.BICUBIC)
    strength = rng.uniform(0.55, 0.9)
    _multiply(out, seal, ink, strength, (round(cx - seal.width / 2), round(cy - seal.height / 2)))

    sig, (sx, sy) = _signature(rng)
    px = cx + rng.uniform(-1.6, 0.2) * r
    py = cy + rng.uniform(-0.6, 0.4) * r
    _multiply(out, sig, rng.choice(PEN_INKS), rng.uniform(0.8, 0.95),
              (round(min(max(px, 0), w - sx)), round(min(max(py, 0), h - sy))))
    return out


def _multiply(img: Image.Image, alpha: Image.Image, ink, strength: float, at: tuple[int, int]) -> None:
    """Ink on paper: each channel multiplied by 1 - alpha * (1 - ink / 255)."""
    x, y = at
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(img.width, x + alpha.width), min(img.height, y + alpha.height)
    if x1 <= x0 or y1 <= y0:
        return
    region = np.asarray(img.crop((x0, y0, x1, y1)), dtype=np.float32)
    a = np.asarray(alpha.crop((x0 - x, y0 - y, x1 - x, y1 - y)), dtype=np.float32)[..., None] / 255 * strength
    absorb = 1 - np.array(ink, dtype=np.float32) / 255
    region *= 1 - a * absorb
    img.paste(Image.fromarray(np.clip(region, 0, 255).astype(np.uint8)), (x0, y0))


def _seal(r: int, rng: random.Random) -> Image.Image:
    """Alpha mask of a round seal of radius r: rings, text around, a centre line, uneven ink."""
    pad = 12
    size = 2 * (r + pad)
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    outer = rng.randint(5, 9)
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=outer)
    if rng.random() < 0.5:
        draw.ellipse((c - r + outer + 6, c - r + outer + 6, c + r - outer - 6, c + r - outer - 6), outline=255, width=2)
    families = font_families()
    fam = rng.choice(families)
    fsize = round(r * rng.uniform(0.15, 0.18))
    fnt = font(fam.bold if rng.random() < 0.6 else fam.regular, fsize)
    ring_text_r = r - outer - 10 - fsize * 0.85
    name = rng.choice(STAMP_WORDS)
    form = rng.choice(("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ", "ООО", "АКЦИОНЕРНОЕ ОБЩЕСТВО"))
    city = rng.choice(STAMP_CITIES)
    _ring_text(mask, f"{form} «{name}» * {city} * ", fnt, c, c, ring_text_r)
    inner = ring_text_r - fsize * 0.55
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=rng.randint(2, 4))
    small = font(fam.regular, round(fsize * 0.85))
    if rng.random() < 0.6:
        number = "".join(str(rng.randint(0, 9)) for _ in range(13))
        _ring_text(mask, f"ОГРН {number} * ", small, c, c, inner - small.size * 0.9)
        centre = rng.choice(("ДЛЯ\nДОКУМЕНТОВ", "*", f"«{name}»"))
    else:
        centre = rng.choice((f"«{name}»", f"ИНН\n{''.join(str(rng.randint(0, 9)) for _ in range(10))}", "*"))
    lines = centre.split("\n")
    big = font(fam.bold, round(fsize * (2.2 if centre == "*" else 1.0)))
    while big.size > 20 and max(big.length(line) for line in lines) > 1.7 * inner * (1 if len(lines) == 1 else 0.85):
        big = font(fam.bold, big.size - 2)
    for i, line in enumerate(lines):
        y = c + (i - (len(lines) - 1) / 2) * big.size * 1.15
        draw.text((c, y), line, font=big.pil, fill=255, anchor="mm")
    # Uneven inking: a smooth pressure field and a grain.
    nrng = np.random.default_rng(rng.getrandbits(64))
    pressure = (_smooth_noise((size, size), 4, nrng) * 0.35 + 0.75).clip(0.25, 1)
    grain = nrng.random((size, size), dtype=np.float32) > rng.uniform(0.05, 0.2)
    a = np.asarray(mask, dtype=np.float32) * pressure * grain
    return Image.fromarray(a.astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(0.7))


def _ring_text(mask: Image.Image, text: str, fnt, cx: float, cy: float, radius: float) -> None:
    """`text` once around the circle, clockwise from the top, letters upright outwards."""
    while fnt.size > 20 and fnt.length(text) > 2 * math.pi * radius * 0.9:  # a long name: smaller letters
        fnt = font(fnt.path, fnt.size - 2)
        radius += 1
    advances = [fnt.length(ch) for ch in text]
    total = sum(advances)
    spread = 2 * math.pi * radius / total  # stretch the letters' spacing to close the circle
    pos = 0.0
    for ch, adv in zip(text, advances):
        theta = (pos + adv / 2) * spread / radius - math.pi / 2  # angle from +x, clockwise, start at top
        pos += adv
        if not ch.strip():
            continue
        glyph = Image.new("L", (round(fnt.size * 1.6), round(fnt.size * 1.6)), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=fnt.pil, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(theta + math.pi / 2), resample=Image.Resampling.BICUBIC)
        x = cx + radius * math.cos(theta) - glyph.width / 2
        y = cy + radius * math.sin(theta) - glyph.height / 2
        mask.paste(255, (round(x), round(y)), glyph)


def _signature(rng: random.Random) -> tuple[Image.Image, tuple[int, int]]:
    """Alpha mask of a hand signature: a capital's tall loop, then a running scribble whose
    loops change height, width and slant as a hand's do, sometimes a flourish under it."""
    w, h = rng.randint(320, 520), rng.randint(110, 190)
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    knots = [rng.uniform(0.3, 1.0) for _ in range(8)]  # loop heights along the name

    def height(t: float) -> float:
        i = min(int(t * 7), 6)
        f = t * 7 - i
        return knots[i] * (1 - f) + knots[i + 1] * f

    loops = rng.uniform(4, 8)
    slant = rng.uniform(-0.1, 0.35)
    pts, phi, x = [], rng.uniform(0, math.pi), w * 0.05
    cap_h = rng.uniform(0.75, 0.95)
    for i in range(60):  # the capital: up, round and back down through its own stem
        a = 2 * math.pi * i / 59
        pts.append((w * 0.08 + math.sin(a) * w * rng.uniform(0.045, 0.05), h * (0.5 - cap_h / 2 * math.cos(a))))
    n = 260
    for i in range(n):
        t = i / (n - 1)
        phi += 2 * math.pi * loops / n * rng.uniform(0.6, 1.4)
        x += w * 0.85 / n
        amp = height(t) * h * 0.38 * (1 - 0.4 * t)
        y = h * 0.58 - amp * math.sin(phi)
        pts.append((x + math.cos(phi) * w * 0.025 + (h * 0.58 - y) * slant, y))
    width = rng.randint(3, 5)
    draw.line(pts, fill=255, width=width, joint="curve")
    if rng.random() < 0.7:  # the flourish
        y0 = h * rng.uniform(0.72, 0.88)
        draw.line([(w * rng.uniform(0.05, 0.3), y0 + 10), (w * 0.6, y0), (w * 0.97, y0 - rng.uniform(5, 30))],
                  fill=255, width=max(2, width - 1), joint="curve")
    return mask.filter(ImageFilter.GaussianBlur(0.6)), (w, h)


# --------------------------------------------------------------------------- files and shared pieces


def jpeg_roundtrip(img: Image.Image, quality: int) -> Image.Image:
    return Image.open(io.BytesIO(jpeg_bytes(img, quality))).convert(img.mode if img.mode in ("L", "RGB") else "RGB")


def jpeg_bytes(img: Image.Image, quality: int, dpi: tuple[float, float] | None = (DPI, DPI)) -> bytes:
    buf = io.BytesIO()
    extra = {"dpi": tuple(round(v) for v in dpi)} if dpi else {}
    img.save(buf, "JPEG", quality=quality, **extra)
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


def _speckles(img: Image.Image, rng: random.Random, per_mp: float | None = None,
              radius: tuple[float, float] = (0.8, 2.5), value: tuple[int, int] = (40, 140)) -> None:
    draw = ImageDraw.Draw(img)
    w, h = img.size
    density = rng.uniform(15, 60) if per_mp is None else per_mp
    for _ in range(round(density * w * h / 1e6)):  # dust per megapixel
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(*radius)
        v = rng.randint(*value)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(v, v, v))


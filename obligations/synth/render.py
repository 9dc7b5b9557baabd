"""Fonts, a display list that renders to a raster and to a vector PDF, and the
small drawing layer shared by the document modules.

Coordinates are pixels of a 300-dpi page, origin top-left, y down.  Every
piece of text that belongs to a field is drawn with ``fld=<field id>`` and
the canvas records its ink box, so the ground-truth boxes come from the same
call that draws the text.  Documents are laid out once as a display list
(Canvas.ops) and rendered either to a PIL raster or to a vector PDF page.
"""

from __future__ import annotations

import math
import random
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw, ImageFont

DPI = 300
PT_PER_PX = 72 / DPI

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]

WHITE: RGB = (255, 255, 255)

FONT_DIRS = tuple(
    Path("/usr/share/fonts/truetype") / name for name in ("dejavu", "liberation", "freefont")
)
INSTALL_HINT = "apt-get install fonts-dejavu-core fonts-liberation fonts-freefont-ttf"


# --------------------------------------------------------------------------- fonts


class FontError(RuntimeError):
    pass


_STYLE_RE = re.compile(
    r"^(?P<family>.+?)-?(?P<style>Regular|Bold|BoldItalic|BoldOblique|Italic|Oblique|ExtraLight)?$"
)


@dataclass(frozen=True)
class Family:
    name: str
    regular: str
    bold: str
    italic: str

    @property
    def mono(self) -> bool:
        return "Mono" in self.name


@lru_cache(maxsize=None)
def _pil_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # The basic layout has the same advances as MuPDF, so raster and
    # digital-PDF renderings of one document line up.
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def _has_cyrillic(path: str) -> bool:
    """True unless the Cyrillic probes render as the font's missing-glyph box."""
    fnt = _pil_font(path, 40)

    def glyph(ch: str) -> bytes:
        img = Image.new("L", (80, 80))
        ImageDraw.Draw(img).text((10, 10), ch, font=fnt, fill=255)
        return img.tobytes()

    missing = glyph("\uffff")
    return all(glyph(ch) != missing for ch in "ЖяЁ")


@lru_cache(maxsize=1)
def font_families() -> tuple[Family, ...]:
    """Cyrillic-capable TrueType families installed in FONT_DIRS."""
    groups: dict[str, dict[str, str]] = {}
    for path in sorted(p for d in FONT_DIRS for p in d.glob("*.ttf")):
        m = _STYLE_RE.match(path.stem)
        if m is None or "Math" in path.stem:
            continue
        groups.setdefault(m["family"], {})[m["style"] or "Regular"] = str(path)
    families = []
    for name, styles in sorted(groups.items()):
        regular = styles.get("Regular")
        if regular is None or not _has_cyrillic(regular):
            continue
        italic = styles.get("Italic") or styles.get("Oblique") or regular
        families.append(Family(name, regular, styles.get("Bold", regular), italic))
    if not families:
        dirs = ", ".join(str(d) for d in FONT_DIRS)
        raise FontError(
            f"no Cyrillic-capable TrueType fonts found in {dirs}; "
            f"install them with: {INSTALL_HINT}"
        )
    return tuple(families)


class Font:
    """A font file at a pixel size (em size at 300 dpi)."""

    def __init__(self, path: str, size: int):
        self.path = path
        self.size = size
        self.pil = _pil_font(path, size)
        self.ascent, self.descent = self.pil.getmetrics()

    def length(self, text: str) -> float:
        return self.pil.getlength(text)

    def ink(self, text: str) -> tuple[int, int, int, int]:
        """Ink box of `text` relative to its baseline origin."""
        return self.pil.getbbox(text, anchor="ls")


@lru_cache(maxsize=None)
def font(path: str, size: int) -> Font:
    return Font(path, size)


# --------------------------------------------------------------------------- display list


@dataclass
class Text:
    x: float  # baseline origin; for rotated text the origin of the rotated run
    y: float
    text: str
    font: Font
    color: RGB
    rotate: int = 0  # 0, 90 (runs upwards) or 270 (runs downwards), as in PyMuPDF


@dataclass
class Shape:
    kind: str  # "rect" | "ellipse" | "line"
    points: tuple[float, ...]  # rect/ellipse: x0, y0, x1, y1; line: x0, y0, x1, y1, ...
    outline: RGB | None = None
    fill: RGB | None = None
    width: float = 2


def _moved(op: Text | Shape, dx: float, dy: float) -> Text | Shape:
    if isinstance(op, Text):
        return replace(op, x=op.x + dx, y=op.y + dy)
    pts = tuple(v + (dx if i % 2 == 0 else dy) for i, v in enumerate(op.points))
    return replace(op, points=pts)


def ink_box(op: Text) -> Box:
    """Pixel box of the ink of a text op, rotation included."""
    ix0, iy0, ix1, iy1 = op.font.ink(op.text)
    x, y = op.x, op.y
    if op.rotate == 270:  # runs downwards: (dx, dy) -> (-dy, dx)
        return _ibox(x - iy1, y + ix0, x - iy0, y + ix1)
    if op.rotate == 90:  # runs upwards: (dx, dy) -> (dy, -dx)
        return _ibox(x + iy0, y - ix1, x + iy1, y - ix0)
    return _ibox(x + ix0, y + iy0, x + ix1, y + iy1)


def _ibox(x0: float, y0: float, x1: float, y1: float) -> Box:
    return (math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1))


def union(boxes: Sequence[Sequence[float]]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass
class Canvas:
    width: int
    height: int
    paper: RGB = WHITE
    ops: list[Text | Shape] = field(default_factory=list)
    boxes: dict[str, list[Box]] = field(default_factory=dict)

    # -- shapes
    def rect(self, box, outline=None, fill=None, width=2) -> None:
        self.ops.append(Shape("rect", tuple(box), outline, fill, width))

    def ellipse(self, box, outline=None, fill=None, width=2) -> None:
        self.ops.append(Shape("ellipse", tuple(box), outline, fill, width))

    def line(self, points: Sequence[float], color: RGB, width: float = 2) -> None:
        self.ops.append(Shape("line", tuple(points), color, None, width))

    # -- text
    def _record(self, fld: str | None, box: Box) -> Box:
        if fld is not None:
            self.boxes.setdefault(fld, []).append(box)
        return box

    def text(self, x, y, text, fnt: Font, color: RGB, fld: str | None = None, align="left") -> Box:
        """Draw one line with its baseline at y; x is its left/centre/right end."""
        w = fnt.length(text)
        x0 = {"left": x, "center": x - w / 2, "right": x - w}[align]
        op = Text(x0, y, text, fnt, color)
        self.ops.append(op)
        return self._record(fld, ink_box(op))

    def runs(self, x, y, runs: Sequence[tuple[str, str | None]], fnt: Font, color: RGB) -> Box:
        """One line made of pieces, some of which belong to fields."""
        op = Text(x, y, "".join(r for r, _ in runs), fnt, color)
        self.ops.append(op)
        offset = 0.0
        for piece, fld in runs:
            if fld is not None and piece.strip():
                self._record(fld, ink_box(Text(x + offset, y, piece, fnt, color)))
            offset += fnt.length(piece)
        return ink_box(op)

    def vtext(self, x, y, text, fnt: Font, color: RGB, fld: str | None = None, downward=True) -> Box:
        """Text rotated by 90 degrees; (x, y) is the top-left of its line box.

        downward: reads top to bottom (glyph tops face right); otherwise
        bottom to top (glyph tops face left).
        """
        if downward:
            op = Text(x + fnt.descent, y, text, fnt, color, rotate=270)
        else:
            op = Text(x + fnt.ascent, y + fnt.length(text), text, fnt, color, rotate=90)
        self.ops.append(op)
        return self._record(fld, ink_box(op))

    def text_boxes(self) -> list[tuple[Box, str]]:
        """Ink box and text of every piece of text drawn (for layout checks)."""
        return [(ink_box(op), op.text) for op in self.ops if isinstance(op, Text) and op.text.strip()]

    # -- composition
    @contextmanager
    def beneath(self):
        """Ops drawn inside the block go under everything drawn so far."""
        start = len(self.ops)
        yield self
        self.ops[:] = self.ops[start:] + self.ops[:start]

    def place(self, other: Canvas, dx: float, dy: float) -> None:
        """Draw `other` (paper included) onto this canvas at offset (dx, dy)."""
        self.rect((dx, dy, dx + other.width, dy + other.height), fill=other.paper, width=0)
        self.ops.extend(_moved(op, dx, dy) for op in other.ops)
        for fld, boxes in other.boxes.items():
            self.boxes.setdefault(fld, []).extend(
                _ibox(b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy) for b in boxes
            )

    def field_box(self, fld: str) -> Box | None:
        boxes = self.boxes.get(fld)
        return union(boxes) if boxes else None

    # -- output
    def to_image(self) -> Image.Image:
        img = Image.new("RGB", (self.width, self.height), self.paper)
        draw = ImageDraw.Draw(img)
        for op in self.ops:
            if isinstance(op, Text):
                if op.rotate:
                    _paste_rotated(img, op)
                else:
                    draw.text((op.x, op.y), op.text, font=op.font.pil, fill=op.color, anchor="ls")
            elif op.kind == "rect":
                draw.rectangle(op.points, outline=op.outline, fill=op.fill, width=round(op.width))
            elif op.kind == "ellipse":
                draw.ellipse(op.points, outline=op.outline, fill=op.fill, width=round(op.width))
            else:
                draw.line(op.points, fill=op.outline, width=max(1, round(op.width)), joint="curve")
        return img

    def to_pdf_page(self, doc) -> None:
        """Append this canvas as a vector page with a text layer to a PyMuPDF document."""
        import pymupdf

        page = doc.new_page(width=self.width * PT_PER_PX, height=self.height * PT_PER_PX)
        names: dict[str, str] = {}
        for op in self.ops:
            if isinstance(op, Text) and op.font.path not in names:
                names[op.font.path] = f"F{len(names)}"
                page.insert_font(fontname=names[op.font.path], fontfile=op.font.path)
        shape = page.new_shape()
        shape.draw_rect(page.rect)
        shape.finish(color=None, fill=_unit(self.paper), width=0)
        for op in self.ops:
            if isinstance(op, Text):
                shape.insert_text(
                    (op.x * PT_PER_PX, op.y * PT_PER_PX),
                    op.text,
                    fontname=names[op.font.path],
                    fontsize=op.font.size * PT_PER_PX,
                    color=_unit(op.color),
                    rotate=op.rotate,
                )
                continue
            pts = [v * PT_PER_PX for v in op.points]
            if op.kind == "rect":
                shape.draw_rect(pymupdf.Rect(*pts))
            elif op.kind == "ellipse":
                shape.draw_oval(pymupdf.Rect(*pts))
            else:
                shape.draw_polyline([pymupdf.Point(pts[i], pts[i + 1]) for i in range(0, len(pts), 2)])
            shape.finish(
                color=_unit(op.outline) if op.outline and op.width else None,
                fill=_unit(op.fill) if op.fill else None,
                width=op.width * PT_PER_PX,
                closePath=op.kind != "line",
            )
        shape.commit()


def _unit(color: RGB) -> tuple[float, float, float]:
    return tuple(c / 255 for c in color)


def _paste_rotated(img: Image.Image, op: Text) -> None:
    fnt = op.font
    w = math.ceil(fnt.length(op.text))
    mask = Image.new("L", (max(1, w), fnt.ascent + fnt.descent), 0)
    ImageDraw.Draw(mask).text((0, fnt.ascent), op.text, font=fnt.pil, fill=255, anchor="ls")
    if op.rotate == 270:
        mask = mask.transpose(Image.Transpose.ROTATE_270)
        pos = (op.x - fnt.descent, op.y)
    else:
        mask = mask.transpose(Image.Transpose.ROTATE_90)
        pos = (op.x - fnt.ascent, op.y - w)
    img.paste(Image.new("RGB", mask.size, op.color), (round(pos[0]), round(pos[1])), mask)


# --------------------------------------------------------------------------- style and layout helpers

DARK_INKS: tuple[RGB, ...] = ((15, 15, 15), (25, 25, 35), (20, 25, 70), (40, 40, 40), (10, 30, 60))


@dataclass
class Style:
    """Typography of one document."""

    family: Family
    size: int  # body text em size, px at 300 dpi
    small: int  # captions
    ink: RGB  # values
    label_ink: RGB
    bold_values: bool
    caption_align: str  # "left" | "center"
    italic_captions: bool

    def regular(self, size: int | None = None) -> Font:
        return font(self.family.regular, size or self.size)

    def bold(self, size: int | None = None) -> Font:
        return font(self.family.bold, size or self.size)

    def value_font(self, size: int | None = None) -> Font:
        return self.bold(size) if self.bold_values else self.regular(size)

    def caption_font(self, size: int | None = None) -> Font:
        return font(self.family.italic if self.italic_captions else self.family.regular, size or self.small)

    def label_font(self, size: int | None = None) -> Font:
        return self.regular(size or self.size)

    @property
    def line_height(self) -> int:
        return round(self.size * 1.45)


def pick_family(rng: random.Random, mono: str = "never") -> Family:
    """mono: "never" | "allow" | "prefer" (receipts)."""
    families = font_families()
    pool = [f for f in families if not f.mono] if mono == "never" else list(families)
    if mono == "prefer":
        monos = [f for f in families if f.mono]
        if monos and rng.random() < 0.6:
            pool = monos
    return rng.choice(pool or list(families))


def pick_style(
    rng: random.Random,
    size: tuple[int, int] = (42, 52),
    mono: str = "never",
    label_inks: Sequence[RGB] = ((60, 60, 60), (35, 35, 35), (50, 60, 80)),
) -> Style:
    body = rng.randint(*size)
    return Style(
        family=pick_family(rng, mono),
        size=body,
        small=max(38, round(body * rng.uniform(0.78, 0.9))),
        ink=rng.choice(DARK_INKS),
        label_ink=rng.choice(label_inks),
        bold_values=rng.random() < 0.45,
        caption_align=rng.choice(("left", "center")),
        italic_captions=rng.random() < 0.2,
    )


def wrap(text: str, fnt: Font, width: float) -> list[str]:
    """Greedy word wrap; breaks only at spaces so joining lines with ' ' restores the text."""
    lines: list[str] = []
    for word in text.split():
        if lines and fnt.length(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


class Sheet:
    """A canvas with a style: writes wrapped text and label/value pairs."""

    def __init__(self, canvas: Canvas, style: Style):
        self.canvas = canvas
        self.style = style

    def write(
        self, x, y, text, *, fnt: Font | None = None, color: RGB | None = None,
        fld: str | None = None, width: float | None = None, align="left", leading: float | None = None,
        nowrap: bool = False,
    ) -> float:
        """Write (wrapped) text with its first baseline at y; return the last baseline.

        width is the column that text is wrapped to and aligned in (nowrap: aligned only).
        """
        if not text.strip():
            return y
        fnt = fnt or self.style.regular()
        color = color or self.style.ink
        leading = leading or round(fnt.size * 1.3)
        lines = wrap(text, fnt, width) if width and not nowrap else [text]
        anchor_x = {"left": x, "center": x + (width or 0) / 2, "right": x + (width or 0)}[align]
        for i, line in enumerate(lines):
            self.canvas.text(anchor_x, y + i * leading, line, fnt, color, fld, align)
        return y + (len(lines) - 1) * leading

    def value(self, x, y, text, fld, *, width=None, align="left", size=None) -> float:
        return self.write(
            x, y, text, fnt=self.style.value_font(size), fld=fld, width=width, align=align
        )

    def caption(self, x, y, text, width, align=None, size=None) -> None:
        st = self.style
        self.write(x, y, text, fnt=st.caption_font(size), color=st.label_ink, width=width,
                   align=align or st.caption_align)

    def underline(self, x0, x1, y, color: RGB | None = None) -> None:
        self.canvas.line((x0, y, x1, y), color or self.style.label_ink, 2)

    def block(
        self, x, y, label, values: Sequence[tuple[str, str | None]], *, value_x, width,
        underline=False, value_align="left",
    ) -> float:
        """Label wrapped in the column left of value_x, values stacked at value_x.

        Returns the baseline for the next line.
        """
        st = self.style
        lf = st.label_font()
        last_label = self.write(
            x, y, label, fnt=lf, color=st.label_ink, width=value_x - x - lf.size * 0.4
        )
        vy = y
        for text, fld in values:
            last = self.value(value_x, vy, text, fld, width=x + width - value_x, align=value_align)
            if underline:
                for yy in range(round(vy), round(last) + 1, round(st.value_font().size * 1.3)):
                    self.underline(value_x, x + width, yy + st.size * 0.25)
            vy = last + st.line_height
        return max(vy, last_label + st.line_height)

    def pair_width(self, label, value, mode="inline") -> float:
        """Width a pair needs on one line (before any wrapping)."""
        st = self.style
        if mode == "inline":
            lf = st.label_font()
            return lf.length(label) + lf.size * 0.45 + st.value_font().length(value)
        return max(st.caption_font().length(label), st.value_font().length(value))

    @staticmethod
    def columns(x, width, needs: Sequence[float], shares: Sequence[float], gap: float = 60):
        """Side-by-side columns [(x, w)] with the given width shares, widened to
        what each one needs; None when they cannot all fit (caller stacks them)."""
        widths = [width * s for s in shares]
        short = [i for i, (need, w) in enumerate(zip(needs, widths)) if need + gap > w]
        if short:
            fixed = {i: needs[i] + gap for i in short}
            rest = [i for i in range(len(widths)) if i not in fixed]
            spare = (width - sum(fixed.values())) / max(1, len(rest))
            widths = [fixed.get(i, spare) for i in range(len(widths))]
            if sum(widths) > width + 1 or any(needs[i] + gap > widths[i] for i in range(len(widths))):
                return None
        cols, cx = [], x
        for w in widths:
            cols.append((cx, w - gap))
            cx += w
        cols[-1] = (cols[-1][0], cols[-1][1] + gap)
        return cols

    def row(self, x, y, width, items: Sequence[tuple[str, str, str | None]], shares: Sequence[float],
            mode="inline", **kw) -> float:
        """Pairs (label, value, field) side by side, stacked when they do not fit."""
        needs = [self.pair_width(label, value, mode) for label, value, _ in items]
        cols = self.columns(x, width, needs, shares)
        if cols is None:
            for label, value, fld in items:
                y = self.pair(x, y, label, value, fld, mode=mode, width=width, **kw)
            return y
        return max(self.pair(cx, y, label, value, fld, mode=mode, width=cw, **kw)
                   for (label, value, fld), (cx, cw) in zip(items, cols))

    def pair(
        self, x, y, label, value, fld, *, mode="inline", width=1000.0,
        value_x=None, underline=False, value_align=None,
    ) -> float:
        """Draw a label and its value; return the baseline for the next line.

        inline: label then value on the same baseline (value at value_x when
                given, label wrapped in the column left of it);
        above:  small caption, value on the next line;
        below:  value on an underlined line, small caption under it.
        Captioned values are aligned like the captions unless value_align says otherwise.
        """
        st = self.style
        value_align = value_align or ("left" if mode == "inline" else st.caption_align)
        if mode == "inline":
            if value_x is None:
                lf = st.label_font()
                self.canvas.text(x, y, label, lf, st.label_ink)
                value_x = x + lf.length(label) + lf.size * 0.45
                width -= value_x - x
                x = value_x
                label = ""
            return self.block(
                x, y, label, [(value, fld)], value_x=value_x, width=width, underline=underline,
                value_align=value_align,
            )
        if mode == "above":
            self.caption(x, y, label, width)
            value_y = y + round(st.small * 0.35 + st.size * 0.95)
            last = self.value(x, value_y, value, fld, width=width, align=value_align)
            return last + round(st.line_height * 1.2)
        if mode == "below":
            last = self.value(x, y, value, fld, width=width, align=value_align)
            line_y = last + st.size * 0.3
            self.underline(x, x + width, line_y)
            self.caption(x, line_y + st.small * 1.0, label, width)
            return line_y + st.small + round(st.line_height * 1.15)
        raise ValueError(mode)


@dataclass
class Cell:
    text: str
    fld: str | None = None
    align: str = "left"
    bold: bool = False
    label: bool = False  # drawn like a label (regular, label ink, caption size)
    nowrap: bool = False  # amounts and codes stay on one line


def table(sheet: Sheet, x, y, widths: Sequence[float], rows: Sequence[Sequence[Cell]],
          border: RGB | None = None, pad: int = 16) -> float:
    """A ruled table; each cell's text is wrapped to its column. Returns the bottom y."""
    st = sheet.style
    border = border or st.label_ink
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    tops = [y]
    for row in rows:
        height = 0.0
        for cell, x0, x1 in zip(row, xs, xs[1:]):
            if cell.label:
                fnt, color = st.regular(st.small), st.label_ink
            else:
                fnt = st.bold() if cell.bold else st.value_font() if cell.fld else st.regular()
                color = st.ink
            leading = round(fnt.size * 1.25)
            first = tops[-1] + pad + fnt.ascent * 0.85
            last = sheet.write(x0 + pad, first, cell.text, fnt=fnt, color=color, fld=cell.fld,
                               width=x1 - x0 - 2 * pad, align=cell.align, leading=leading,
                               nowrap=cell.nowrap)
            height = max(height, last + fnt.descent + pad - tops[-1])
        tops.append(tops[-1] + height)
    for yy in tops:
        sheet.canvas.line((xs[0], yy, xs[-1], yy), border, 2)
    for xx in xs:
        sheet.canvas.line((xx, tops[0], xx, tops[-1]), border, 2)
    return tops[-1]


# --------------------------------------------------------------------------- decoration


def guilloche(canvas: Canvas, box, color: RGB, rng: random.Random, lines: int = 14) -> None:
    """Faint wavy security-print pattern inside box."""
    x0, y0, x1, y1 = box
    step = 24
    for i in range(lines):
        base = y0 + (y1 - y0) * (i + 0.5) / lines
        amp = rng.uniform(10, 30)
        period = rng.uniform(180, 420)
        phase = rng.uniform(0, 2 * math.pi)
        pts: list[float] = []
        for x in range(int(x0), int(x1) + 1, step):
            pts += [x, base + amp * math.sin(2 * math.pi * (x - x0) / period + phase)]
        canvas.line(pts, color, 2)


def frame(canvas: Canvas, box, color: RGB, rng: random.Random) -> None:
    """A single or double border."""
    x0, y0, x1, y1 = box
    canvas.rect(box, outline=color, width=rng.choice((2, 3, 4)))
    if rng.random() < 0.5:
        d = rng.choice((10, 14, 18))
        canvas.rect((x0 + d, y0 + d, x1 - d, y1 - d), outline=color, width=2)


def tint(rng: random.Random, palette: Sequence[RGB]) -> RGB:
    """A light paper colour from the palette, jittered."""
    r, g, b = rng.choice(palette)
    j = lambda c: max(200, min(255, c + rng.randint(-6, 6)))  # noqa: E731
    return (j(r), j(g), j(b))


LIGHT_PAPERS: tuple[RGB, ...] = (
    (255, 255, 255), (252, 250, 242), (248, 248, 244), (244, 248, 252), (250, 246, 238),
)


A4_PORTRAIT = (2480, 3508)


def mount(inner: Canvas, rng: random.Random, a4: bool) -> Canvas:
    """Put a card-like document on a scanner bed: a small white margin or an A4 sheet."""
    if a4:
        page = Canvas(
            max(A4_PORTRAIT[0], inner.width + 200), max(A4_PORTRAIT[1], inner.height + 200), paper=WHITE
        )
        dx = rng.randint(100, max(100, page.width - inner.width - 100))
        dy = rng.randint(100, max(100, min(450, page.height - inner.height - 100)))
    else:
        margin = rng.randint(40, 120)
        page = Canvas(inner.width + 2 * margin, inner.height + 2 * margin, paper=WHITE)
        dx = dy = margin
    page.place(inner, dx, dy)
    return page

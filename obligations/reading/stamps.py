"""Stamps and signatures: coloured ink over a page's black text, taken off before it is read.

A seal pressed over a form and a signature written across its labels are ink of a colour
(blue, violet, red; a pen's navy) laid over black print. Read in grey, a blue seal is nearly
as dark as the text under it: its rings and letters cut the labels and values they cross, and
Tesseract loses whole lines.
Ink multiplies the light the paper gives back, channel by channel: coloured ink lets through
most of one channel's light (a blue seal, the blue channel), black print none of any. So each
pixel of a stamp's hue is given its lightest channel's level over the paper: the seal goes
pale, the black text under it stays black. Where the seal's ink lies alone and keeps most of
the paper's light in that channel, it goes altogether (a dull seal stays grey otherwise).

Only ink that looks like a stamp or a signature is taken off (`stamp_areas`): a connected
patch of coloured ink several lines of text tall and wide, and in its box only ink of its
own hues. Coloured print is kept: a SNILS card's green labels (letters, each a line high, and
of another hue), a passport's red number along its edge, a line filled in with a blue pen, and
a receipt printed in blue, whose lines close into patches of a stamp's size: a patch none of
whose own pieces is a seal's ring or a pen's loop (`STAMP_PIECE` text heights across) is print,
and so is one whose ink lies in bands a line high with blank rows between (`_rows_of_print`:
a faint tint behind a blue header joined its letters into pieces of a seal's size).
A form's values printed in a dark tinted ink (blue-black) are of a seal's hue, and a seal over
them joins them into a patch too large for one: there, only its saturated ink is looked at.
Seals and a signature crossing a card scanned small join into a patch over half of it too; its
ink mostly saturated and lying through its box (a frame's lies along its edges), it is taken
off whole.

A page with no coloured ink (most pages) costs one look at a reduced copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

# The reduced copy the page is looked at first: pixels of the page per pixel of it.
LOOK_SCALE = 4
# Chroma (the part of a pixel's optical density over its paper that lies across the grey
# axis) above which a pixel is coloured ink. A tinted card's paper and a passport's light
# guilloche, measured against the paper round them, are under it.
INK_CHROMA = 0.18
# A page whose coloured ink covers less than this part of its reduced copy is read as it is.
MIN_INK_SHARE = 0.001
# A stamp or a signature: one connected patch of coloured ink at least this many text heights
# across in both directions (a coloured letter is one high) and at most MAX_STAMP (a coloured
# frame round a whole card is not a stamp), inking at least MIN_FILL of its box.
STAMP_SIZE = 3.0
MAX_STAMP = 30.0
MIN_FILL = 0.03
# A patch is a stamp's or a signature's only where one of its pieces (its ink connected as it
# lies, before bridging) is this many text heights across in both directions: a seal's ring, a
# pen's loop. Coloured print's pieces are letters and the words they blur into on a reduced
# copy: at most 1.9 on 140 SROIE receipts, against 2.2-20 for generated seals and signatures.
# (Asked of a page's ink as a whole, a seal anywhere on it made a block of blue-black values
# elsewhere a stamp too, which was then made pale.)
STAMP_PIECE = 2.0
# Stamps and a signature joined into a patch too large for one (`_whole_stamp`) are taken off
# whole where at least JOINED_SATURATED of its ink is saturated (a seal joined to blue-black
# values: 0.33 of it), it is at most MAX_JOINED text heights across and at least INNER_INK of
# its ink lies in the middle half of its box both ways (a frame's lies along its edges).
JOINED_SATURATED = 0.5
MAX_JOINED = 45.0
INNER_INK = 0.1
BRIDGE = 5  # pixels of the reduced copy: gaps this wide in a patch's ink are bridged
HUE_REACH = 2  # bins either side of a patch's commonest hue
FAINT_CHROMA = 0.06  # in a patch, pixels of its hues this coloured are its ink
# Saturation: a pixel's chroma per unit of its whole density, the ink's own whatever its
# thickness (generated seals 0.1-0.3, a pen's more). Print in a dark tinted ink (a form's
# values in blue-black, 0.04-0.1) is of a seal's hue and joins a seal over it into a patch
# too large for a stamp; there, the patch's saturated ink alone is looked at again.
MIN_SATURATION = 0.12
# A pixel of a patch's ink whose lightest channel keeps more than half the paper's light
# (optical density under ln 2), and no print by it, is the stamp's ink alone: made paper.
STAMP_ALONE = 0.69
# A seal's rings and letters, a signature, a stain leave most of their box paper (7-24 % of it
# inked on SROIE's and generated stamps); a photo's colour noise read as a patch inks half its
# box or more, and its ink is only made pale there.
MAX_INKED_SHARE = 0.35
# Only a patch this many text heights across both ways is taken off altogether: a seal, a
# signature. A word of coloured print taken for a patch (a card's small red captions, two
# lines high with the box's margin) is only made pale: made paper, the captions were lost.
MIN_WHITENED = 8.0
# Rows of coloured print (`_rows_of_print`): at least PRINT_ROWS bands of inked rows, none over
# PRINT_ROW_HEIGHT text heights tall, between rows inked at most PRINT_BLANK_ROW of the most
# inked one's; bands under PRINT_SPECK_ROWS text heights are specks. (Of the 27 patches found on
# 140 SROIE receipts, a blue header's seven bands were 0.8-1.2 text heights tall; every other
# patch, a seal, a stain or a scrawl, held a band 2.8 text heights tall or more.)
PRINT_ROWS = 3
PRINT_ROW_HEIGHT = 1.6
PRINT_BLANK_ROW = 0.02
PRINT_SPECK_ROWS = 0.4
# A pen's ink where it lies alone: this coloured (a navy pen 0.4-0.6, black print under 0.15),
# its lightest channel keeping more light than print's does (density under PRINT_DENSITY: a
# navy pen's 0.8-1.1, black print's 2 or more, and print under the pen's stroke as dark).
PEN_CHROMA = 0.3
PRINT_DENSITY = 1.3
PEN_HEIGHT = 1.5  # text heights: a stroke this tall is no letter's
# Of a stamp's box's dark ink (where it keeps under half the paper's light), the part in black
# print (not coloured) for a pen's strokes to be looked for: 0.79-0.95 on generated forms
# signed across their values, 0.1 round a pen's circle on a receipt printed in blue.
BLACK_PRINT_SHARE = 0.5
HUE_BINS = 24
MAX_INKS = 3  # inks of different hues looked for on one page (a seal, a pen, one more)
TEXT_HEIGHT = 30.0  # assumed where the page's text height was not measured (300 dpi body text)
# Paper: the lightest value within this many pixels (letters are narrower).
PAPER_WINDOW = 64


@dataclass(frozen=True)
class Patch:
    """A stamp or a signature: its box on the page, its hues and the grey density its ink
    carries per unit of chroma, hue by hue."""

    box: tuple[int, int, int, int]
    hues: tuple[int, ...]  # hue bins of its ink
    text_height: float = TEXT_HEIGHT  # of the page it lies on


def without_stamps(image: Image.Image, text_height: float | None = None) -> Image.Image | None:
    """The page in grey with the coloured ink of its stamps and signatures taken off, or None
    where it has none (the page is then read as it is). `image`: RGB, as given."""
    if image.mode != "RGB":
        return None
    patches = stamp_areas(image, text_height or TEXT_HEIGHT)
    if not patches:
        return None
    rgb = np.asarray(image)
    gray = np.asarray(image.convert("L")).copy()
    for patch in patches:
        x0, y0, x1, y1 = patch.box
        gray[y0:y1, x0:x1] = _neutral(rgb[y0:y1, x0:x1], gray[y0:y1, x0:x1], patch)
    return Image.fromarray(gray)


def stamp_areas(image: Image.Image, text_height: float) -> list[Patch]:
    """The page's patches of coloured ink shaped like a stamp or a signature: for each ink
    the page holds (a hue, and those next to it), its connected patches several lines tall
    and wide. Ink by ink, so that a seal over a card's green labels is not taken for one
    patch with them."""
    small = np.asarray(image.reduce(LOOK_SCALE))
    density, chroma = _density(small, _paper(small, max(3, PAPER_WINDOW // LOOK_SCALE)))
    ink = chroma > INK_CHROMA
    least = MIN_INK_SHARE * ink.size
    if np.count_nonzero(ink) < least:
        return []
    hue = _hue_bins(density)
    counts = np.bincount(hue[ink], minlength=HUE_BINS)
    faint = chroma > FAINT_CHROMA
    th = text_height / LOOK_SCALE
    margin = round(text_height / 2)
    width, height = image.size
    largest = max(ink.shape) / 2  # a patch over half the page is its frame or its tint, no stamp
    saturated = chroma > MIN_SATURATION * density.sum(axis=2)

    def stamps(found: list[tuple[int, ...]]) -> list[tuple[int, int, int, int]]:
        """The page boxes (with a margin) of patches found on the reduced copy, but coloured print."""
        boxes = []
        for x, y, bw, bh in found:
            box = (max(0, x * LOOK_SCALE - margin), max(0, y * LOOK_SCALE - margin),
                   min(width, (x + bw) * LOOK_SCALE + margin), min(height, (y + bh) * LOOK_SCALE + margin))
            if not _rows_of_print(np.asarray(image.crop(box)), text_height):
                boxes.append(box)
        return boxes

    patches = []
    for _ in range(MAX_INKS):
        mode = int(np.argmax(counts))
        family = [(mode + k) % HUE_BINS for k in range(-HUE_REACH, HUE_REACH + 1)]
        if counts[family].sum() < MIN_INK_SHARE / 5 * ink.size:
            break
        counts[family] = 0
        mask = (faint & np.isin(hue, family)).astype(np.uint8)
        found, too_large = _shaped(mask, th, largest)
        boxes = stamps(found)
        looked_again = np.zeros_like(mask)
        for box, ink_of_it, holding in too_large:
            own = mask * ink_of_it
            # Seals and a signature joined over a small card: their ink is mostly saturated.
            # A seal joined to values printed in a dark tinted ink: its saturated ink alone is
            # the seal (and so where the whole is no stamp's shape).
            own_saturated = own * saturated
            if (holding and np.count_nonzero(own_saturated) >= JOINED_SATURATED * np.count_nonzero(own)
                    and _whole_stamp(ink_of_it, box, th)):
                boxes += stamps([box])
            else:
                looked_again |= own_saturated
        if looked_again.any():  # the patches apart, as they lay: one look at them all
            boxes += stamps(_shaped(looked_again, th, largest)[0])
        patches += [Patch(box, tuple(sorted(family)), text_height) for box in boxes]
    return patches


def _rows_of_print(rgb: np.ndarray, text_height: float) -> bool:
    """Whether a patch's coloured ink lies in rows of print: bands of inked rows each about a
    line of text high, with blank rows between (a receipt's header printed in blue, joined into
    one patch by a faint tint behind it). A seal's rings and a signature's strokes run through
    rows across the patch: one band, or bands several lines tall."""
    _, chroma = _density(rgb, _paper(rgb, PAPER_WINDOW))
    inked = (chroma > INK_CHROMA).sum(axis=1)
    if not inked.any():
        return False
    bands, run = [], 0
    for count in inked > PRINT_BLANK_ROW * inked.max():
        if count:
            run += 1
        elif run:
            bands.append(run)
            run = 0
    bands.append(run)
    bands = [b for b in bands if b >= PRINT_SPECK_ROWS * text_height]
    return len(bands) >= PRINT_ROWS and max(bands) <= PRINT_ROW_HEIGHT * text_height


def _shaped(mask: np.ndarray, th: float, largest: float) -> tuple[list[tuple[int, ...]], list[tuple]]:
    """The boxes (x, y, w, h) of `mask`'s patches shaped like a stamp (bridged over a seal's
    grain and a pen's skips), and the patches too large for one: each its box, where it lies
    (a mask of the reduced copy) and whether it holds a piece of a seal's size."""
    import cv2

    joined = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((BRIDGE, BRIDGE), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    wide = np.minimum(w, h) >= STAMP_SIZE * th
    small = np.maximum(w, h) <= min(MAX_STAMP * th, largest)
    # Each patch holds a piece of ink (connected as it lies) STAMP_PIECE across: a ring, a loop.
    _, pieces, piece_stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    big = np.flatnonzero(np.minimum(piece_stats[:, cv2.CC_STAT_WIDTH], piece_stats[:, cv2.CC_STAT_HEIGHT])
                         >= STAMP_PIECE * th)
    holding = np.zeros(count, bool)
    holding[np.unique(labels[np.isin(pieces, big[big > 0])])] = True
    shaped, large = wide & small & (area >= MIN_FILL * w * h) & holding, wide & ~small
    shaped[0] = large[0] = False
    boxes = [tuple(int(v) for v in stats[i, :4]) for i in np.flatnonzero(shaped)]
    return boxes, [(tuple(int(v) for v in stats[i, :4]), (labels == i).astype(np.uint8), bool(holding[i]))
                   for i in np.flatnonzero(large)]


def _whole_stamp(ink_of_it: np.ndarray, box: tuple[int, ...], th: float) -> bool:
    """Whether a patch too large for one stamp is still stamps and signatures joined (a seal
    and a signature crossing it over a small card, together over half of it): at most
    MAX_JOINED text heights across, inking little of its box, and its ink through the middle
    of its box; a frame round the page inks its edges only, a tint most of its box."""
    x, y, w, h = box
    ink = ink_of_it[y:y + h, x:x + w]
    inner = ink[h // 4:h - h // 4, w // 4:w - w // 4]
    count = np.count_nonzero(ink)
    return (max(w, h) <= MAX_JOINED * th and count <= MAX_INKED_SHARE * w * h
            and np.count_nonzero(inner) >= INNER_INK * count)


def _paper(rgb: np.ndarray, window: int) -> np.ndarray:
    """Each channel's paper level round each pixel: its lightest value nearby."""
    import cv2

    return cv2.dilate(rgb, np.ones((window, window), np.uint8))


_DENSITY = -np.log(np.maximum(np.arange(256, dtype=np.float32), 1.0) / 255.0)  # of each 8-bit level


def _density(rgb: np.ndarray, paper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel: its optical density over the paper in each channel (H x W x 3), and the
    length of the density's coloured part (across the grey axis)."""
    density = np.maximum(_DENSITY[rgb] - _DENSITY[paper], 0.0)
    across = density - density.mean(axis=2, keepdims=True)
    return density, np.sqrt(np.square(across).sum(axis=2))


def _hue_bins(density: np.ndarray) -> np.ndarray:
    """The hue of each pixel's coloured density, in HUE_BINS bins."""
    u = (density[..., 0] - density[..., 1]) * np.float32(0.70710677)
    v = (density[..., 0] + density[..., 1] - 2 * density[..., 2]) * np.float32(0.40824829)
    return ((np.arctan2(v, u) + np.pi) * (HUE_BINS / (2 * np.pi))).astype(np.int64) % HUE_BINS


def _neutral(rgb: np.ndarray, gray: np.ndarray, patch: Patch) -> np.ndarray:
    """A box of the page in grey with the patch's ink taken off: each pixel of its hues as
    light as its lightest channel (over the paper) is. Coloured ink lets through most of the
    light of one channel; black text none of any. Where the patch's ink lies alone (its
    lightest channel keeps more than half the paper's light, and no print is by it) it is the
    paper round it: a dull seal (greyish blue) made only as light as that channel stays a grey
    ring the reader sees."""
    import cv2

    paper = _paper(rgb, PAPER_WINDOW)
    density, chroma = _density(rgb, paper)
    own = np.zeros(HUE_BINS, bool)
    own[list(patch.hues)] = True
    inked = (chroma > FAINT_CHROMA) & own[_hue_bins(density)]
    if not inked.any():
        return gray
    paper_gray = paper[inked].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    lightest = density.min(axis=2)
    out = gray.copy()
    out[inked] = np.clip(paper_gray * np.exp(-lightest[inked]), 0, 255).astype(np.uint8)
    # A pen's strokes (a navy signature across bold values) are as dark as print in grey, but
    # coloured where they lie alone: their ink, in strokes taller than a line of print, is paper.
    # Only over black print: a receipt printed in blue is as coloured, and its letters touching
    # a pen's circle join its stroke (most of the dark ink round a pen there is the print's).
    dark = lightest >= STAMP_ALONE
    pen = np.zeros_like(inked)
    if np.count_nonzero(dark & (chroma < PEN_CHROMA)) >= BLACK_PRINT_SHARE * np.count_nonzero(dark):
        pen = _pen_strokes(inked & (chroma >= PEN_CHROMA) & dark & (lightest < PRINT_DENSITY), patch.text_height)
    paper_level = np.median(gray[~inked])
    x0, y0, x1, y1 = patch.box
    if inked.mean() <= MAX_INKED_SHARE and min(x1 - x0, y1 - y0) >= MIN_WHITENED * patch.text_height:
        # Print keeps little light in any channel; the pixels round it may be its edge in a JPEG's
        # colours rather than the stamp's (a figure under a pen's circle lost a stroke).
        by_print = cv2.dilate((dark & ~pen).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        # The paper as it is round the stamp (most of its box), no whiter: a whiter patch is outlined.
        out[inked & ~by_print & (lightest < STAMP_ALONE)] = paper_level
    out[pen] = paper_level
    return out


def _pen_strokes(ink: np.ndarray, text_height: float) -> np.ndarray:
    """The pixels of `ink` in strokes (connected pieces) at least PEN_HEIGHT text heights tall:
    a pen's loops or a seal's rings, not letters of coloured print."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    tall = np.zeros(count, bool)
    tall[1:] = stats[1:, cv2.CC_STAT_HEIGHT] >= PEN_HEIGHT * text_height
    return tall[labels]

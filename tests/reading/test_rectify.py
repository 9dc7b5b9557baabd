"""Finding a photographed page on its background and warping it flat (reading/rectify.py).

Every image is built here: a white page with black bars for lines of text, drawn with
Pillow, warped by a known homography onto a table drawn with numpy."""

from __future__ import annotations

import math
from unittest import mock

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from obligations.reading.rectify import _masks, box_to_original, find_document, level_corners, rectify

PAGE_W, PAGE_H = 840, 1188  # A4 proportions
BARS = 9  # lines of text on the page
FRAME = (1500, 2000)  # a portrait phone photo, width x height
DST = ((260.0, 330.0), (1250.0, 250.0), (1330.0, 1700.0), (170.0, 1760.0))  # the page in it


def page(paper=(250, 250, 246), border: int = 0) -> Image.Image:
    img = Image.new("RGB", (PAGE_W, PAGE_H), paper)
    draw = ImageDraw.Draw(img)
    if border:  # a printed frame inside a white margin
        draw.rectangle((border, border, PAGE_W - border, PAGE_H - border), outline=(40, 40, 40), width=4)
    for i in range(BARS):
        y = 160 + i * 100
        draw.rectangle((110, y, PAGE_W - 110 - (i % 3) * 60, y + 26), fill=(15, 15, 15))
    return img


def table(kind: str, size=FRAME, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":  # dark grain, wavy stripes
        v = xx * 0.2 + yy * 0.98 + 25 * np.sin(xx / 90)
        field = 1 + 0.22 * np.sin(v / 7) ** 3 + 0.08 * np.sin(v / 31)
        base = np.array([150, 105, 65], dtype=np.float32)
    elif kind == "cloth":  # a saturated colour with a weave
        field = 1 + 0.06 * np.sin(xx / 2.5) * np.sin(yy / 2.5)
        base = np.array([60, 110, 170], dtype=np.float32)
    elif kind == "light":  # a light laminate: a white page on it shows little contrast
        field = 1 + 0.03 * np.sin(xx / 200 + yy / 300)
        base = np.array([205, 203, 196], dtype=np.float32)
    elif kind == "blank":
        field = np.ones((h, w), dtype=np.float32)
        base = np.array([120, 120, 118], dtype=np.float32)
    else:
        raise ValueError(kind)
    a = field[..., None] * base + rng.normal(0, 4, (h, w, 1)).astype(np.float32)
    return a


def photo(kind: str, dst=DST, paper=(250, 250, 246), border: int = 0, shadow: bool = False,
          size=FRAME) -> tuple[Image.Image, np.ndarray]:
    """The page warped onto a table; and the homography page -> photo."""
    src = np.float32([(0, 0), (PAGE_W, 0), (PAGE_W, PAGE_H), (0, PAGE_H)])
    M = cv2.getPerspectiveTransform(src, np.float32(dst))
    w, h = size
    flat = np.asarray(page(paper, border), dtype=np.float32)
    warped = cv2.warpPerspective(flat, M, (w, h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((PAGE_H, PAGE_W), np.float32), M, (w, h), flags=cv2.INTER_LINEAR)
    out = warped * mask[..., None] + table(kind, size) * (1 - mask[..., None])
    if shadow:  # light falling off towards one side and a soft dark band across the frame
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        light = 1.02 - 0.2 * xx / w - 0.3 * np.exp(-(((xx + yy) / (w + h) - 0.6) / 0.1) ** 2)
        out = out * light[..., None]
    out = cv2.GaussianBlur(np.clip(out, 0, 255).astype(np.uint8), (3, 3), 0)
    return Image.fromarray(out), M


def worst_error(found, dst, size=FRAME) -> float:
    """The largest corner distance as a share of the image's diagonal."""
    assert found is not None, "no document found"
    assert len(found) == 4
    return max(math.dist(a, b) for a, b in zip(found, dst, strict=True)) / math.hypot(*size)


@pytest.mark.parametrize("kind", ["wood", "cloth", "light"])
def test_corners_found_on_a_table(kind):
    img, _ = photo(kind)
    assert worst_error(find_document(img), DST) < 0.02


def test_corners_with_uneven_light_and_a_shadow():
    img, _ = photo("wood", shadow=True)
    assert worst_error(find_document(img), DST) < 0.02


def test_white_border_on_a_light_table():
    # The page is a printed frame in a white margin; the edge to find is the paper's, not the frame's.
    img, _ = photo("light", border=60)
    assert worst_error(find_document(img), DST) < 0.02


def test_corners_come_in_order_on_a_landscape_card():
    # A card turned about 10 degrees the other way, in a landscape frame; corners stay TL, TR, BR, BL.
    size = (2000, 1500)
    dst = ((520.0, 420.0), (1560.0, 230.0), (1640.0, 1050.0), (560.0, 1190.0))
    img, _ = photo("cloth", dst=dst, size=size)
    assert worst_error(find_document(img), dst, size) < 0.02


def test_flat_scan_is_none():
    # Grey paper filling the frame, text on it, scanner noise: nothing to rectify.
    rng = np.random.default_rng(1)
    img = page(paper=(228, 228, 224)).resize((1700, 2400))
    a = np.asarray(img, dtype=np.float32) + rng.normal(0, 3, (2400, 1700, 1))
    assert find_document(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))) is None


def test_scanned_page_with_printed_frame_is_none():
    # A printed frame line on a scanned page is no document edge: paper on both sides of it.
    img = page(border=50).resize((1700, 2400))
    assert find_document(img) is None


def test_blank_background_is_none():
    img = Image.fromarray(np.clip(table("blank"), 0, 255).astype(np.uint8))
    assert find_document(img) is None


def test_wood_alone_is_none():
    img = Image.fromarray(np.clip(table("wood"), 0, 255).astype(np.uint8))
    assert find_document(img) is None


def test_page_running_off_the_frame_is_none():
    # A corner and part of two sides outside the frame: the frame's edge is no page edge.
    dst = ((-200.0, 330.0), (1250.0, 250.0), (1330.0, 1700.0), (-150.0, 1760.0))
    img, _ = photo("wood", dst=dst)
    assert find_document(img) is None


def _dark_rows(img: Image.Image) -> np.ndarray:
    """Per row, the share of dark pixels."""
    gray = np.asarray(img.convert("L"), dtype=np.float32)
    return (gray < 100).mean(axis=1)


def test_rectified_text_runs_straight():
    img, _ = photo("wood")
    corners = find_document(img)
    assert corners is not None
    flat, H = rectify(img, corners)
    assert H.shape == (3, 3)
    # Output size from the longer of opposite sides.
    assert abs(flat.width - max(math.dist(DST[0], DST[1]), math.dist(DST[3], DST[2]))) < 0.03 * flat.width
    assert abs(flat.height - max(math.dist(DST[0], DST[3]), math.dist(DST[1], DST[2]))) < 0.03 * flat.height
    rows = _dark_rows(flat)
    # Each bar covers 60-80 % of the page's width: straight bars make rows that dark, and
    # the rows between them empty; a slanted bar spreads thinner over more rows.
    peaks = rows > 0.5
    runs = int(np.count_nonzero(peaks[1:] & ~peaks[:-1]) + peaks[0])
    assert runs == BARS
    assert np.count_nonzero((rows > 0.05) & (rows < 0.5)) < 0.08 * len(rows)
    # The same measure on the photo itself, over the page's pixels only, finds few such rows:
    # the bars run aslant there.
    inside = np.zeros((img.height, img.width), np.uint8)
    cv2.fillConvexPoly(inside, np.int32(DST), 1)
    dark = (np.asarray(img.convert("L")) < 100) & (inside > 0)
    width = inside.sum(axis=1)
    share = (dark.sum(axis=1) / np.maximum(width, 1))[width > 0.5 * width.max()]
    straight, aslant = int(np.count_nonzero(rows > 0.5)), int(np.count_nonzero(share > 0.5))
    assert straight > 4 * aslant, (straight, aslant)


def test_rectify_maps_corners_through_H():
    corners = ((100.5, 80.0), (900.0, 120.0), (880.0, 700.0), (60.0, 650.0))
    img = Image.new("RGB", (1000, 800), (90, 90, 90))
    flat, H = rectify(img, corners)
    w, h = flat.size
    for (x, y), expected in zip(((0, 0), (w, 0), (w, h), (0, h)), corners, strict=True):
        p = H @ np.array([x, y, 1.0])
        assert math.dist(p[:2] / p[2], expected) < 0.01


def test_box_to_original_round_trips():
    img, M = photo("cloth")
    corners = find_document(img)
    assert corners is not None
    flat, H = rectify(img, corners)
    # The third bar's box on the page, then on the flat image (scaled), then back on the photo.
    page_box = (110, 360, PAGE_W - 230, 386)
    sx, sy = flat.width / PAGE_W, flat.height / PAGE_H
    got = box_to_original((page_box[0] * sx, page_box[1] * sy, page_box[2] * sx, page_box[3] * sy), H)
    pts = np.float32([[(page_box[0], page_box[1]), (page_box[2], page_box[1]),
                       (page_box[2], page_box[3]), (page_box[0], page_box[3])]])
    mapped = cv2.perspectiveTransform(pts, M)[0]
    expected = (mapped[:, 0].min(), mapped[:, 1].min(), mapped[:, 0].max(), mapped[:, 1].max())
    assert all(isinstance(v, int) for v in got)
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) <= 6


def test_box_to_original_bounds_are_floor_and_ceil():
    H = np.array([[1.0, 0, 10.4], [0, 1.0, 20.6], [0, 0, 1.0]])
    assert box_to_original((0, 0, 5, 5), H) == (10, 20, 16, 26)


def test_the_masks_depend_on_the_image_alone():
    """The mask of what lies far from the frame's colour was taken against that colour added
    to uninitialised memory: the same page found its corners in one batch and not in another
    (a tilted 102-dpi passport scan). Whatever memory numpy hands out, the masks are the same."""
    img, _ = photo("wood")
    blur = cv2.GaussianBlur(np.asarray(img.convert("RGB")), (5, 5), 0)
    lab = cv2.cvtColor(blur, cv2.COLOR_RGB2LAB)
    real = np.empty_like

    def handed_out(fill):
        def empty_like(a, *args, **kwargs):
            out = real(a, *args, **kwargs)
            out[...] = fill
            return out
        return empty_like

    masks = []
    for fill in (0, 97):
        with mock.patch.object(np, "empty_like", handed_out(fill)):
            masks.append([m.copy() for m in _masks(blur, lab)])
    assert len(masks[0]) == len(masks[1])
    assert all(np.array_equal(a, b) for a, b in zip(*masks))


@pytest.mark.parametrize("angle", [9.0, -12.5])
def test_level_corners_warp_a_page_as_pils_turn_does(angle):
    """A scan far askew, warped by `level_corners` as a photo is warped flat: the same image
    as `Image.rotate(angle, expand=True)`, a bar's pixels where the turn puts them."""
    page = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(page).rectangle((100, 200, 500, 230), fill=0)
    flat = rectify(page, level_corners(page.size, angle))[0]
    turned = page.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert abs(flat.width - turned.width) <= 2 and abs(flat.height - turned.height) <= 2
    a = np.asarray(flat)[:turned.height, :turned.width] < 128
    b = np.asarray(turned)[:flat.height, :flat.width] < 128
    assert (a & b).sum() > 0.9 * b.sum()

"""A photographed document, found on its background and warped flat.

A phone photo shows the page as a quadrilateral on a table.  `find_document` looks for
that quadrilateral on a copy of the image downscaled to about 800 px (it runs on every
page, so it must be cheap and must say None on ordinary scans); `rectify` warps the page
flat at the resolution it has in the photo; `box_to_original` maps a box found on the
flat page back onto the photo.

Detection: several segmentations of the small image are tried, each a binary mask of
"page" pixels -- brightness above Otsu's threshold (a light page on a darker table), low
saturation (a white page on wood or a coloured cloth), and distance from the colour of
the frame's border (a page on a plain laminate of any colour) -- plus the closed outlines
of Canny edges (a page on a light table of about its own brightness).  Each large outer
contour is reduced to four corners (convex hull, then approxPolyDP), the corners refined by
fitting a line to each side's contour points, and the quadrilateral kept only if it is
convincing:

- convex, covering 20-95 % of the frame, and filled by its contour (not a hull around a
  ragged blob such as a block of text);
- every angle within 90 +- 30 degrees (a hand-held photo's perspective);
- each side a clear edge: sampled just inside and just outside the side at 24 places, the
  colour difference (Lab) exceeds a threshold at three quarters of them -- a ragged edge of
  text or wood grain does not qualify;
- no side lying along the border of the frame: a page running off the frame shows the
  frame's edge there, not its own, and the homography would be a guess, so such photos are
  left as they are (None) -- Tesseract still reads a moderately tilted page;
- not a printed frame on a scanned page: when the area just outside the quad is near-white
  and brighter than the page just inside it, the quad is a box printed on paper (a card's
  frame, a table) and the image a scan.

Among convincing quads the largest wins (a card's printed frame lies inside the card's
own edge).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

Corners = tuple[tuple[float, float], ...]

WORK_SIDE = 800  # the long side of the copy the search runs on
MIN_COVER, MAX_COVER = 0.20, 0.95  # share of the frame the document covers
MAX_ANGLE_OFF = 30.0  # degrees a corner may differ from a right angle
MIN_EDGE_CONTRAST = 7.0  # Lab distance (OpenCV's 8-bit scale) across a side
EDGE_SAMPLES = 24
EDGE_QUANTILE = 0.25  # this share of the samples along a side may be weaker
MIN_FILL = 0.90  # contour area / quad area
BORDER_SLACK = 0.004  # a side within this share of the frame's size of its border lies on it


def find_document(image: Image.Image) -> Corners | None:
    """The corners (top-left, top-right, bottom-right, bottom-left, in `image`'s pixels) of
    the document photographed on a background, or None for a flat scan or when no
    convincing quadrilateral is there."""
    small, scale = _small_rgb(image)
    h, w = small.shape[:2]
    if min(h, w) < 32 or _paper_to_the_edges(small):
        return None
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    lab = cv2.cvtColor(blur, cv2.COLOR_RGB2LAB)
    best: tuple[float, np.ndarray] | None = None
    for mask in _masks(blur, lab):
        for quad in _candidates(mask):
            area = _check(quad, lab, w, h)
            if area is not None and (best is None or area > best[0]):
                best = (area, quad)
    if best is None:
        return None
    return tuple((float(x * scale), float(y * scale)) for x, y in best[1])


def rectify(image: Image.Image, corners: Sequence[tuple[float, float]]) -> tuple[Image.Image, np.ndarray]:
    """The document warped flat, and H (3x3): rectified pixel coordinates -> `image`'s.

    The output's width is the longer of the top and bottom sides, its height the longer
    of the left and right sides, so the page keeps the resolution it has in the photo."""
    H, (out_w, out_h) = homography(corners)
    # H maps rectified -> original; warpPerspective with WARP_INVERSE_MAP takes exactly that.
    src = np.asarray(image if image.mode in ("L", "RGB") else image.convert("RGB"))
    warped = cv2.warpPerspective(src, H, (out_w, out_h), flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP,
                                 borderMode=cv2.BORDER_REPLICATE)
    out = Image.fromarray(warped)
    if "dpi" in image.info:
        out.info["dpi"] = image.info["dpi"]
    return out, H


def level_corners(size: tuple[int, int], angle: float) -> Corners:
    """The corners (TL, TR, BR, BL), on an image of `size`, of the image turned `angle` degrees
    counter-clockwise with room for all of it (as `Image.rotate(angle, expand=True)`): a page
    scanned askew, warped level by `rectify` as a photographed one is warped flat."""
    width, height = size
    turn = math.radians(angle)
    cos, sin = math.cos(turn), math.sin(turn)
    out_w, out_h = abs(width * cos) + abs(height * sin), abs(width * sin) + abs(height * cos)
    corners = []
    for x, y in ((0, 0), (out_w, 0), (out_w, out_h), (0, out_h)):
        # A point of the levelled image, turned back clockwise about the centres onto the page.
        dx, dy = x - out_w / 2, y - out_h / 2
        corners.append((width / 2 + dx * cos - dy * sin, height / 2 + dx * sin + dy * cos))
    return tuple(corners)


def homography(corners: Sequence[tuple[float, float]]) -> tuple[np.ndarray, tuple[int, int]]:
    """H (rectified pixels -> the photo's) for a document's corners, and the rectified size."""
    quad = np.asarray(corners, dtype=np.float64).reshape(4, 2)
    tl, tr, br, bl = quad
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    out_w, out_h = max(1, round(width)), max(1, round(height))
    flat = np.array([(0, 0), (out_w, 0), (out_w, out_h), (0, out_h)], dtype=np.float64)
    return cv2.getPerspectiveTransform(flat.astype(np.float32), quad.astype(np.float32)), (out_w, out_h)


def box_to_original(box: Sequence[float], H: np.ndarray) -> tuple[int, int, int, int]:
    """An axis-aligned box (x0, y0, x1, y1) on the rectified image as the axis-aligned
    bounds, in the original image, of its four corners mapped through H."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64)
    mapped = pts @ np.asarray(H, dtype=np.float64).T
    xy = mapped[:, :2] / mapped[:, 2:3]
    return (math.floor(xy[:, 0].min()), math.floor(xy[:, 1].min()),
            math.ceil(xy[:, 0].max()), math.ceil(xy[:, 1].max()))


# --------------------------------------------------------------------------- search


def _paper_to_the_edges(small: np.ndarray) -> bool:
    """Whether the frame's outer band is plain paper: bright, colourless and smooth, as on a
    flat scan (every page is asked, and this answers most of them in a millisecond). A photo
    shows its table there."""
    h, w = small.shape[:2]
    band = max(2, round(0.03 * min(h, w)))
    edges = np.concatenate([small[:band].reshape(-1, 3), small[-band:].reshape(-1, 3),
                            small[:, :band].reshape(-1, 3), small[:, -band:].reshape(-1, 3)]).astype(np.int16)
    luminance = edges.mean(axis=1)
    chroma = edges.max(axis=1) - edges.min(axis=1)
    plain = (luminance >= PAPER_EDGE_LUMINANCE) & (chroma <= PAPER_EDGE_CHROMA)
    return bool(np.mean(plain) >= PAPER_EDGE_SHARE)


PAPER_EDGE_LUMINANCE = 200  # a scanner's lid and paper; tables photographed are darker or coloured
PAPER_EDGE_CHROMA = 30
PAPER_EDGE_SHARE = 0.97


def _small_rgb(image: Image.Image) -> tuple[np.ndarray, float]:
    """An RGB copy with a long side of about WORK_SIDE, and the factor back to `image`."""
    w, h = image.size
    factor = max(w, h) / WORK_SIDE
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if factor > 1:
        step = int(factor)
        small = image.reduce(step) if step > 1 else image  # a box filter, fast
        if max(small.size) > WORK_SIDE * 1.05:
            small = small.resize((max(1, round(w / factor)), max(1, round(h / factor))), Image.Resampling.BILINEAR)
    else:
        small = image
    a = np.asarray(small)
    if a.ndim == 2:
        a = cv2.cvtColor(a, cv2.COLOR_GRAY2RGB)
    return np.ascontiguousarray(a), w / a.shape[1]


def _masks(blur: np.ndarray, lab: np.ndarray):
    """Binary masks of what may be the page (255), one segmentation at a time."""
    h, w = blur.shape[:2]
    k = max(3, round(min(h, w) / 120)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))

    def clean(mask: np.ndarray) -> np.ndarray:
        # Opening cuts thin bridges to bright bits of the table; closing fills in text.
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)

    gray = lab[..., 0]
    _, bright = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    yield clean(bright)

    sat = cv2.cvtColor(blur, cv2.COLOR_RGB2HSV)[..., 1]
    if float(np.percentile(sat, 90)) >= 40:  # some colour in the frame: the table, mostly
        _, pale = cv2.threshold(sat, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        yield clean(pale)

    # Far from the colour of the frame's border (the table, in a photo).
    b = max(2, round(min(h, w) * 0.02))
    ring = np.concatenate([lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3),
                           lab[:, :b].reshape(-1, 3), lab[:, -b:].reshape(-1, 3)]).astype(np.float32)
    ref = np.median(ring, axis=0).round().astype(np.uint8)
    # (The frame's colour everywhere: `np.empty_like(lab) + ref` added it to uninitialised
    # memory, and the same page found its corners or not depending on what ran before.)
    diff = cv2.absdiff(lab, np.ascontiguousarray(np.broadcast_to(ref, lab.shape)))
    dist = cv2.transform(diff, np.array([[1.0, 1.0, 1.0]]))  # L1, saturating at 255
    _, far = cv2.threshold(dist, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    yield clean(far)

    # Closed outlines among the edges: a page about as bright as its table.  The regions
    # the edges enclose that do not reach the frame's border are candidates.
    edges = cv2.Canny(gray, 20, 50)
    edges = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(255 - edges, connectivity=4)
    border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])).tolist())
    # By the box they span: a page's blank margin inside its outline is a thin ring.
    spans = stats[:, cv2.CC_STAT_WIDTH] * stats[:, cv2.CC_STAT_HEIGHT]
    big = [i for i in np.argsort(-spans)[:8] if i not in border and spans[i] >= MIN_COVER * h * w]
    for i in big[:3]:
        yield cv2.morphologyEx(np.where(labels == i, 255, 0).astype(np.uint8), cv2.MORPH_CLOSE, kernel)


def _candidates(mask: np.ndarray):
    """Four-cornered approximations of the mask's large outer contours."""
    h, w = mask.shape
    frame = float(h * w)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        area = cv2.contourArea(contour)
        if area < MIN_COVER * frame * 0.9:
            break
        hull = cv2.convexHull(contour)
        peri = cv2.arcLength(hull, True)
        for eps in (0.01, 0.02, 0.03, 0.05):
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) == 4:
                break
        else:
            continue
        quad = _refine(_order(approx.reshape(4, 2).astype(np.float64)), contour.reshape(-1, 2))
        if quad is None:
            continue
        quad_area = abs(cv2.contourArea(quad.astype(np.float32)))
        if quad_area <= 0 or area / quad_area < MIN_FILL:
            continue
        yield quad


def _order(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise on screen (y down), from about the left
    start = int(np.argmin(pts.sum(axis=1)))  # top-left: the smallest x + y
    return np.roll(pts, -start, axis=0)


def _refine(quad: np.ndarray, contour: np.ndarray) -> np.ndarray | None:
    """Corners where lines fitted to each side's contour points meet."""
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 4:
            return None
        n = np.array([-d[1], d[0]]) / length
        rel = contour - a
        t = rel @ d / (length * length)
        off = np.abs(rel @ n)
        near = (t > 0.1) & (t < 0.9) & (off < max(2.0, 0.02 * length))
        pts = contour[near].astype(np.float32)
        if len(pts) < 8:
            lines.append((a, d / length))
            continue
        vx, vy, x0, y0 = cv2.fitLine(pts, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)))
    out = []
    for i in range(4):
        (p, u), (q, v) = lines[i - 1], lines[i]
        m = np.array([u, -v]).T
        if abs(np.linalg.det(m)) < 1e-6:
            return None
        s = np.linalg.solve(m, q - p)
        out.append(p + s[0] * u)
    refined = np.array(out)
    # A fit that moves a corner far (a side bent by the shadow) is not trusted.
    if np.max(np.linalg.norm(refined - quad, axis=1)) > 0.05 * np.linalg.norm(quad[2] - quad[0]):
        return quad
    return refined


def _check(quad: np.ndarray, lab: np.ndarray, w: int, h: int) -> float | None:
    """The quad's area when it is a convincing document outline, else None."""
    if not cv2.isContourConvex(quad.astype(np.float32).reshape(-1, 1, 2)):
        return None
    area = abs(cv2.contourArea(quad.astype(np.float32)))
    if not MIN_COVER <= area / (w * h) <= MAX_COVER:
        return None
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
        if abs(math.degrees(math.acos(max(-1.0, min(1.0, cos)))) - 90) > MAX_ANGLE_OFF:
            return None
    # Corners well outside the frame: a page that runs off it.
    slack_x, slack_y = BORDER_SLACK * w, BORDER_SLACK * h
    if np.any(quad[:, 0] < -slack_x) or np.any(quad[:, 0] > w - 1 + slack_x) or \
       np.any(quad[:, 1] < -slack_y) or np.any(quad[:, 1] > h - 1 + slack_y):
        return None
    centre = quad.mean(axis=0)
    offset = max(2.0, 0.006 * math.hypot(w, h))
    inside_l, outside_l, outside_ab = [], [], []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        d = b - a
        n = np.array([-d[1], d[0]]) / np.hypot(*d)
        if n @ (centre - (a + b) / 2) > 0:
            n = -n  # outward
        t = np.linspace(0.12, 0.88, EDGE_SAMPLES)[:, None]
        on = a + t * d
        # At three distances from the side: a printed line next to it is near only one.
        farthest = None
        for k in (1.0, 2.0, 3.0):
            outer, inner = on + n * offset * k, on - n * offset * k
            ox, oy = np.round(outer[:, 0]).astype(int), np.round(outer[:, 1]).astype(int)
            ok = (ox >= 0) & (ox < w) & (oy >= 0) & (oy < h)
            if ok.mean() < 0.5:
                if k == 1.0:
                    return None  # the side runs along the frame's border
                break  # the table's strip is narrower than this
            ix = np.clip(np.round(inner[:, 0]).astype(int), 0, w - 1)
            iy = np.clip(np.round(inner[:, 1]).astype(int), 0, h - 1)
            o = lab[oy[ok], ox[ok]].astype(np.float32)
            ins = lab[iy[ok], ix[ok]].astype(np.float32)
            contrast = float(np.quantile(np.linalg.norm(o - ins, axis=1), EDGE_QUANTILE))
            if contrast < MIN_EDGE_CONTRAST:
                return None
            farthest = (o, ins)
        o, ins = farthest
        inside_l.append(ins[:, 0])
        outside_l.append(o[:, 0])
        outside_ab.append(np.linalg.norm(o[:, 1:] - 128, axis=1))
    # A printed frame on a scanned page: white paper outside, the page darker inside.
    out_l, in_l = float(np.median(np.concatenate(outside_l))), float(np.median(np.concatenate(inside_l)))
    if out_l > 215 and out_l > in_l + 8 and float(np.median(np.concatenate(outside_ab))) < 12:
        return None
    return area

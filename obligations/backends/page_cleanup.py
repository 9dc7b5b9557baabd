"""Page clean-up before OCR, in numpy: the paper's tint evened out, the skew measured, rules
(underlines, table borders) painted out. Each step was measured against the plain
computation it replaces (see tests/backends/test_page_cleanup.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


def flatten_background(image: Image.Image) -> Image.Image:
    """The page divided by its own paper colour: tinted cards, yellowed paper and uneven
    light all become white. Tesseract's global threshold otherwise turns a tinted card on
    white paper into one black block and reads no text in it."""
    factor = 8
    if min(image.size) < 16 * factor:
        return image
    # The lightest pixel around each point is the paper: letters are narrower than the window.
    paper_small = _max_filter(np.asarray(image.reduce(factor)), 7)
    if int(paper_small.max()) - int(paper_small.min()) <= EVEN_PAPER:
        return image  # evenly lit paper: dividing by it would only scale every grey level alike
    paper = np.asarray(Image.fromarray(paper_small).resize(image.size, Image.Resampling.BILINEAR))
    gray = np.asarray(image)
    flat = np.empty_like(gray)
    # In 16-bit integers (255 * 255 fits) and in bands of rows: whole-page temporaries cost
    # tens of MB a worker (a float32 copy of an A4 page is 35 MB).
    for top in range(0, gray.shape[0], FLATTEN_BAND):
        rows = slice(top, top + FLATTEN_BAND)
        band = gray[rows].astype(np.uint16)
        band *= 255
        band //= np.maximum(paper[rows], 1)
        np.minimum(band, 255, out=band)
        flat[rows] = band
    return Image.fromarray(flat)


EVEN_PAPER = 4  # grey levels: paper varying less than this is left as it is
FLATTEN_BAND = 256  # rows


def _max_filter(array: np.ndarray, size: int) -> np.ndarray:
    """The largest value in the size x size window round each cell, edges repeated (what
    PIL's MaxFilter gives, as two one-dimensional passes: 150x faster on a page)."""
    reach = size // 2
    rows, cols = array.shape
    padded = np.pad(array, reach, mode="edge")
    across = padded[:, :cols].copy()
    for shift in range(1, size):
        np.maximum(across, padded[:, shift:shift + cols], out=across)
    result = across[:rows].copy()
    for shift in range(1, size):
        np.maximum(result, across[shift:shift + rows], out=result)
    return result


def without_rules(image: Image.Image) -> Image.Image:
    """The page with long straight strokes (underlines, table borders) painted white.

    Tesseract loses text that touches a rule: a form's value printed on its underline
    often vanishes whole. No letter has a straight dark run a tenth of the page long.
    """
    gray = np.asarray(image)
    # Otsu's level is the darkest class's lightest grey; rules are printed dark, tinted paper is not.
    otsu = _otsu_threshold(image.histogram())
    threshold = min(otsu, RULE_GREY)
    horizontal = _long_runs(gray <= threshold, max(80, gray.shape[1] // 10))
    # Columns as rows: PIL's transpose is cheaper than a contiguous copy of numpy's.
    transposed = np.asarray(image.transpose(Image.Transpose.TRANSPOSE))
    columns = transposed <= threshold
    vertical = _long_runs(columns, max(80, gray.shape[0] // 12))
    strokes = _long_runs(columns, MIN_WALL)  # as tall as a box for one character, or taller
    walls = _cell_walls(strokes, horizontal, gray.shape) or _box_row_walls(strokes)
    del columns  # (its page's worth of memory, before the lighter level's)
    if not walls and (light := min(otsu, LIGHT_WALL_GREY)) > threshold:
        # Boxes drawn in a light grey (a hairline wall anti-aliased to 145-155 beside grey
        # digits): at the rule level their walls break into pieces, and Tesseract reads them as
        # '4[1|3|8[2'. Only a row of level, evenly spaced walls is taken at this lighter level.
        lighter = transposed <= light
        # Each painted a pixel wider either side: at this level a wall's blurred edge is part of it.
        walls = [(col + side, start, end) for row in _box_rows(_long_runs(lighter, MIN_WALL))
                 for start, end, col in _with_end_walls(row, lighter) for side in (-1, 0, 1)]
    vertical += walls
    if not horizontal and not vertical:
        return _without_faint_rules(gray, image)
    # Paint with the lighter of the pixels a little above and below (left and right):
    # the paper there, so a rule on a tinted card does not turn into a white stripe.
    cleaned = gray.copy()
    last_row, last_col = gray.shape[0] - 1, gray.shape[1] - 1
    for row, start, end in horizontal:
        above, below = gray[max(row - RULE_REACH, 0), start:end], gray[min(row + RULE_REACH, last_row), start:end]
        cleaned[row, start:end] = np.maximum(above, below)
    for col, start, end in vertical:
        # From the page with the horizontal rules gone: where a wall meets a rule, both go. With
        # the pixel either side: a scanned wall's blurred edge, lighter than the threshold, left
        # behind reads as a thin wall of its own. (Not so for horizontal rules: letters stand
        # on them, and lost their feet.)
        left, right = cleaned[start:end, max(col - RULE_REACH, 0)], cleaned[start:end, min(col + RULE_REACH, last_col)]
        cleaned[start:end, max(col - 1, 0):col + 2] = np.maximum(left, right)[:, None]
    return _without_faint_rules(cleaned)


def _without_faint_rules(gray: np.ndarray, image: Image.Image | None = None) -> Image.Image:
    """`gray` with the thin rules that `_long_runs` misses painted paper-coloured: a hairline
    lighter than RULE_GREY (anti-aliased, or a light scan), or one a degree or two off the
    text's direction (a form filled in by a printer that fed the sheet askew), which no row
    holds for long. Tesseract reads such a rule touching a value's last letters as part of
    them and drops the letters ('САВИНА' read 'САВИН'). A rule is a long, flat, thin stroke:
    the pixels of any dark vertical run thicker than a rule (letters' stems) are left out
    first, so that letters standing on it keep their feet."""
    import cv2  # opencv-python-headless, a core dependency

    min_length = max(80, gray.shape[1] // 10)
    thick = max(3, round(gray.shape[0] / 700))  # a rule's thickness, ~5 px on an A4 page at 300 dpi
    dark = (gray <= FAINT_RULE_GREY).view(np.uint8)
    stems = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((thick + 1, 1), np.uint8))
    thin = cv2.subtract(dark, stems)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(thin, connectivity=8)
    widths, heights, areas = stats[:, 2], stats[:, 3], stats[:, 4]
    rules = (widths >= min_length) & (heights <= widths * MAX_RULE_SLOPE + thick) & (areas <= widths * (thick + 1))
    rules[0] = False  # the background
    if not rules.any():
        return image if image is not None else Image.fromarray(gray)
    # The paper's own grey, not the pixels beside the rule: a blurred rule is wider than
    # any fixed reach, and a letter standing on it is beside it too.
    paper = np.uint8(np.median(gray[::16, ::16]))
    cleaned = gray if image is None else gray.copy()  # `gray` is the caller's own copy unless `image` is given
    cleaned[rules[labels]] = paper
    return Image.fromarray(cleaned)


FAINT_RULE_GREY = 215  # darker than the paper by this much is a faint rule's grey (flattened paper is ~250)
MAX_RULE_SLOPE = 0.05  # a rule may run this far off horizontal (about 3 degrees)


def only_ink(image: Image.Image) -> Image.Image:
    """Every grey lighter than half way from the image's ink (its darkest per cent) to white
    made white; the ink as it is."""
    gray = np.asarray(image)
    if gray.size == 0:
        return image
    level = (int(np.percentile(gray, 1)) + 255) // 2
    return Image.fromarray(np.where(gray > level, np.uint8(255), gray))


def closed_up(image: Image.Image) -> tuple[Image.Image, list[list[tuple[int, int, int]]], list[tuple[int, int]]]:
    """The image with every gap between inked columns wider than half a line's height
    narrowed to that, line by line: digits printed one per box, a box's width apart, read
    as the spaced digits they are ('2 4 3 5 ...') where Tesseract reads so wide a spacing
    with digits added or dropped. Also, per line, its (new x, old x, width) pieces and its
    (top, bottom), for `widened` to put what is read back."""
    gray = np.asarray(image)
    ink = gray < INK_GREY
    inked_rows = np.flatnonzero(ink.any(axis=1))
    if inked_rows.size == 0:
        return image, [], []
    # Lines: runs of inked rows (a speck's gap of a row or two does not split one).
    breaks = np.flatnonzero(np.diff(inked_rows) > LINE_BREAK) + 1
    lines = [(int(run[0]), int(run[-1]) + 1) for run in np.split(inked_rows, breaks)]
    canvas = np.full_like(gray, 255)
    pieces_by_line = []
    for top, bottom in lines:
        columns = np.flatnonzero(ink[top:bottom].any(axis=0))
        widest = max(2, (bottom - top) // 2)
        runs = np.split(columns, np.flatnonzero(np.diff(columns) > 1) + 1)
        pieces, x = [], int(runs[0][0])
        for i, run in enumerate(runs):
            start, width = int(run[0]), int(run[-1]) - int(run[0]) + 1
            if i:
                x += min(start - (pieces[-1][1] + pieces[-1][2]), widest)
            canvas[top:bottom, x:x + width] = gray[top:bottom, start:start + width]
            pieces.append((x, start, width))
            x += width
        pieces_by_line.append(pieces)
    return Image.fromarray(canvas), pieces_by_line, lines


def widened(box: tuple[int, int, int, int], pieces_by_line: list[list[tuple[int, int, int]]],
            lines: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    """Where a box read on `closed_up`'s image lies on the image before."""
    x0, y0, x1, y1 = box
    centre = (y0 + y1) / 2
    line = min(range(len(lines)), key=lambda i: abs((lines[i][0] + lines[i][1]) / 2 - centre))
    pieces = pieces_by_line[line]

    def back(x: int) -> int:
        new, old, _ = max((p for p in pieces if p[0] <= x), default=pieces[0])
        return old + (x - new)

    return back(x0), y0, back(x1 - 1) + 1, y1


INK_GREY = 160  # darker than this is ink (on a page whose light greys `only_ink` made paper)
LINE_BREAK = 2  # rows: more un-inked rows than this between two inked ones part two lines


def _cell_walls(runs: list[tuple[int, int, int]], horizontal: list[tuple[int, int, int]],
                shape) -> list[tuple[int, int, int]]:
    """Of vertical `runs` (column, start, end), the short strokes that run from one horizontal
    rule to another: the walls of a row of boxes holding one digit each (an INN printed in
    cells). Tesseract reads the digits between them as '36| 30| 8|6'. A letter's stroke
    touches one rule at most."""
    if len(horizontal) < 2 or not runs:
        return []
    on_rule = np.zeros(shape, dtype=bool)
    for row, start, end in horizontal:
        on_rule[max(row - 2, 0):row + 3, start:end] = True
    cols, starts, ends = (np.fromiter((r[k] for r in runs), dtype=np.int64, count=len(runs)) for k in range(3))
    walls = on_rule[starts, cols] & on_rule[np.minimum(ends - 1, shape[0] - 1), cols] & (ends - starts <= MAX_WALL)
    return [runs[i] for i in np.flatnonzero(walls)]


def _box_row_walls(strokes: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Of vertical `strokes` (column, start, end), the walls of the rows of boxes whose rules
    were not found (`_box_rows`), as (column, start, end)."""
    return [(col, start, end) for row in _box_rows(strokes) for start, end, col in row]


def _box_rows(strokes: list[tuple[int, int, int]]) -> list[list[tuple[int, int, int]]]:
    """Of vertical `strokes` (column, start, end), the walls (start, end, column) of each row
    of boxes whose rules were not found (on a blurred low-resolution scan a thin rule is light
    grey, lighter than RULE_GREY): short strokes whose tops and bottoms are level, at least
    MIN_BOXES + 1 of them, evenly spaced a box's width apart. Letters' stems are not evenly
    spaced ('НИКИТИН')."""
    runs = sorted((start, end, col) for col, start, end in strokes if end - start <= MAX_WALL)
    clusters: list[list[tuple[int, int, int]]] = []
    for start, end, col in runs:
        tolerance = max(3, (end - start) // 10)
        for cluster in reversed(clusters[-8:]):  # runs sorted by top: a level one is among the last
            top, bottom, _ = cluster[0]
            if abs(start - top) <= tolerance and abs(end - bottom) <= tolerance:
                cluster.append((start, end, col))
                break
        else:
            clusters.append([(start, end, col)])
    rows = [walls for cluster in clusters if len(cluster) > MIN_BOXES and (walls := _evenly_spaced(cluster))]
    # Inside a row of boxes, its walls are the tallest strokes: level, evenly spaced ones
    # within its height ('1' in every box) are its contents.
    return [row for row in rows if not any(_encloses(other, row) for other in rows)]


def _with_end_walls(walls: list[tuple[int, int, int]], ink: np.ndarray) -> list[tuple[int, int, int]]:
    """`walls` (start, end, column) of one row of boxes and the walls their spacing puts past
    either end that are there in `ink` (columns as rows): a speck or a lighter stretch breaks
    a wall into runs too short to be found, and the row's first and last boxes then read
    with a wall in them ('162/213' for 6 2 2 3 4)."""
    strokes = _side_by_side(walls)
    if len(strokes) < 2:
        return walls
    centres = [sum(r[2] for r in stroke) / len(stroke) for stroke in strokes]
    spacing = (centres[-1] - centres[0]) / (len(centres) - 1)
    top = int(np.median([start for start, _, _ in walls]))
    bottom = int(np.median([end for _, end, _ in walls]))
    added = []
    for centre, step in ((centres[0], -spacing), (centres[-1], spacing)):
        for k in range(1, END_WALLS + 1):
            col = round(centre + k * step)
            near = [c for c in range(col - 2, col + 3) if 0 <= c < ink.shape[0]]
            best = max(near, key=lambda c: int(ink[c, top:bottom].sum()), default=None)
            if best is None or ink[best, top:bottom].mean() < END_WALL_INK:
                break
            added.append((top, bottom, best))
    return walls + added


END_WALLS = 3  # boxes past a row's found walls looked for at either end
END_WALL_INK = 0.6  # of a wall's height inked: a wall broken by a speck, not a digit's stroke


def _side_by_side(runs: list[tuple[int, int, int]]) -> list[list[tuple[int, int, int]]]:
    """Runs (start, end, column) grouped into strokes: runs in columns at most two apart (a
    wall a few pixels thick, or blurred), left to right."""
    strokes: list[list[tuple[int, int, int]]] = []
    for run in sorted(runs, key=lambda r: r[2]):
        if strokes and run[2] - strokes[-1][-1][2] <= 2:
            strokes[-1].append(run)
        else:
            strokes.append([run])
    return strokes


def _encloses(outer: list[tuple[int, int, int]], inner: list[tuple[int, int, int]]) -> bool:
    """Whether the strokes `outer` (start, end, column) reach above and below `inner` over
    the columns `inner` spans."""
    return (outer[0][0] < inner[0][0] and outer[0][1] > inner[0][1]
            and outer[0][2] <= inner[0][2] and outer[-1][2] >= inner[-1][2])


def _evenly_spaced(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The runs (start, end, column) of the longest sequence of strokes (runs in adjacent
    columns) spaced alike, a box's width apart, if it has more than MIN_BOXES strokes."""
    runs = sorted(runs, key=lambda r: r[2])
    strokes = _side_by_side(runs)
    height = runs[0][1] - runs[0][0]
    # A wall is as thin as a rule; bold capitals' stems, as level and nearly as evenly spaced, are not.
    strokes = [stroke for stroke in strokes if stroke[-1][2] - stroke[0][2] + 1 <= max(4, height / 8)]
    if len(strokes) <= MIN_BOXES:
        return []
    centres = [sum(r[2] for r in stroke) / len(stroke) for stroke in strokes]
    best: tuple[int, int] = (0, 0)
    first = 0
    for i in range(1, len(strokes) + 1):
        # A sequence ends where a gap differs from its first gap by more than WALL_SPACING.
        if i == len(strokes) or (i - first >= 2 and abs((centres[i] - centres[i - 1]) - (centres[first + 1] - centres[first]))
                                 > WALL_SPACING * (centres[first + 1] - centres[first])):
            if i - first > best[1] - best[0]:
                best = (first, i)
            first = i - 1 if i < len(strokes) else first
    first, last = best
    if last - first <= MIN_BOXES:
        return []
    width = (centres[last - 1] - centres[first]) / (last - 1 - first)
    if not 0.4 * height <= width <= 2 * height:  # boxes for one character each: about square
        return []
    return [run for stroke in strokes[first:last] for run in stroke]


MIN_BOXES = 8  # a row of fewer boxes is not told from letters' stems (an INN has 10 or 12, a SNILS 11)
WALL_SPACING = 0.08  # walls of a row of boxes are this evenly spaced (a share of the box width)


MIN_WALL, MAX_WALL = 24, 400  # pixels: the height of a box for one printed character, at 150-600 dpi


def _otsu_threshold(histogram: list[int]) -> int:
    """The grey level that best splits a 256-bin histogram into dark (up to and including
    it) and light."""
    hist = np.asarray(histogram, dtype=np.float64)
    levels = np.arange(256)
    below = np.cumsum(hist)
    above = below[-1] - below
    below_mass = np.cumsum(hist * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (below_mass[-1] * below / below[-1] - below_mass) ** 2 / (below * above)
    if np.isnan(between).all():  # a blank image: one grey level, nothing is dark
        return 0
    return int(np.nanargmax(between))


RULE_GREY = 150  # the lightest grey a rule is taken for: scanned thin rules are grey, not black
LIGHT_WALL_GREY = 185  # the lightest grey a row of boxes' walls is taken for
RULE_REACH = 6  # pixels: past a rule's edge (rules are at most ~5 px thick at 300 dpi)
MAX_RULE_RUNS = 20_000  # more long runs than this is a dark fill or a photo, not rules


def _long_runs(mask: np.ndarray, min_length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of each horizontal run of at least `min_length` True cells."""
    # Only rows with that many True cells at all can hold one: on a page most cannot.
    candidates = np.flatnonzero(np.count_nonzero(mask, axis=1) >= min_length)
    rows, cols = len(candidates), mask.shape[1]
    padded = np.zeros((rows, cols + 2), dtype=np.int8)
    padded[:, 1:-1] = mask[candidates]
    # Each run gives one rise and one fall, in row-major order: they pair up.
    changes = np.flatnonzero(np.diff(padded, axis=1))
    starts, ends = changes[0::2], changes[1::2]
    keep = np.flatnonzero(ends - starts >= min_length)
    if len(keep) > MAX_RULE_RUNS:
        return []
    width = cols + 1
    return [(int(candidates[starts[i] // width]), int(starts[i] % width), int(ends[i] % width)) for i in keep]


def turned(image: Image.Image, angle: float) -> Image.Image:
    """The page turned by `angle` degrees counter-clockwise about its centre, as
    Image.rotate(angle, BILINEAR, fillcolor=255) turns it, in OpenCV: 8x faster (measured
    on an A4 page at 300 dpi: 66 ms -> 8 ms), a cost every skewed scan paid."""
    return Image.fromarray(_turned_array(np.asarray(image), angle, 255))


def _turned_array(gray: np.ndarray, angle: float, fill: int) -> np.ndarray:
    import cv2

    h, w = gray.shape
    # OpenCV's pixel coordinates are pixel centres, Pillow's pixel corners: the same centre.
    matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)


def estimate_skew(image: Image.Image, max_angle: float = 5.0, step: float = 0.25) -> float:
    """Degrees (counter-clockwise, as Image.rotate takes them) that make the text lines level:
    the angle whose row profile of dark pixels has the sharpest edges, on a quarter-size copy.
    Searched at 1 degree, then at `step` round the best (the score rises steadily towards its
    peak), which costs 17 rotations instead of 41. (A page further askew is levelled when it is
    conditioned: `far_skew`.) (Leaving out the dark shapes that touch the image's edge was
    measured and not taken: it levelled a photographed passport warped flat, which the wedges
    of table along its edges had leaned 4 degrees, and cost SROIE receipts three values: a
    receipt's dark background meets it along its edges, parallel to its print.)"""
    if min(image.size) < 200:
        return 0.0
    return _sharpest_angle(_ink_mask(image), max_angle, step)[0]


def far_skew(image: Image.Image, max_angle: float = 5.0, step: float = 0.25) -> float | None:
    """The angle (as `estimate_skew` gives it) that levels a page laid on the scanner further
    askew than `max_angle` and at most FAR_SKEW, or None. At 7-25 degrees `estimate_skew`'s
    search gives a wrong small angle, and 0-73 % of such a page's fields were read.
    Searched on a copy of the ink mask at half its size (any ink of 2 x 2 pixels kept), at
    whole degrees to NEAR_FAR and every other degree beyond (45 rotations there cost about as
    much as 11 do at full size: 26 ms on an A4 page at 300 dpi); taken only where its row
    profile is FAR_SHARPER times as sharp as the sharpest within `max_angle` on that copy
    (measured to 15 degrees on 263 scans, photos and receipts within 5 degrees: at most 0.99
    times, on 40 pages at 7-14 degrees at least 2.4; to 30, none of 655 pages within 5 degrees
    is turned), then refined at `step` as `estimate_skew` is."""
    if min(image.size) < 200:
        return None
    ink = _ink_mask(image)
    h, w = ink.shape
    half = ink[:h // 2 * 2, :w // 2 * 2].reshape(h // 2, 2, w // 2, 2).any(axis=(1, 3))
    dark = Image.fromarray(half.astype(np.uint8) * 255)
    # Whole degrees to NEAR_FAR, every other one beyond (the angle is refined, and the page's
    # reading levels what is left within 5 degrees).
    steps = np.concatenate([np.arange(0, NEAR_FAR + 0.5, 1.0), np.arange(NEAR_FAR + 2, FAR_SKEW + 0.5, 2.0)])
    scores = {float(angle): _profile_sharpness(dark, float(angle)) for angle in sorted({*steps, *-steps})}
    near = max(score for angle, score in scores.items() if abs(angle) <= max_angle)
    far = max((angle for angle in scores if abs(angle) > max_angle), key=lambda angle: (scores[angle], -abs(angle)))
    if scores[far] <= FAR_SHARPER * max(near, 1.0):
        return None
    return _sharpest_angle(ink, max_angle, step, coarse=far)[0]


def _ink_mask(image: Image.Image) -> np.ndarray:
    """The dark pixels of a quarter-size copy of a grey page."""
    reduced = image.reduce(4)
    small = np.asarray(reduced)
    ink = small < min(128, int(small.mean()) - 30)
    if ink.mean() < MIN_INK_SHARE:
        # Grey print (a light scan, toner saved): at quarter size its strokes are lighter than
        # that level, and the few specks left leaned a level page 3 degrees (its boxed digits
        # then slanted, their walls no longer rules). Otsu's split finds the print.
        ink = small <= _otsu_threshold(reduced.histogram())
    return ink


MIN_INK_SHARE = 0.002  # of a quarter-size page's pixels: a page of print has 1-4 % at the fixed level


FAR_SKEW = 30.0  # degrees: the furthest askew a page is levelled
NEAR_FAR = 15.0  # degrees to which the wider search steps by one degree, beyond by two
FAR_SHARPER = 1.5


def _profile_sharpness(dark: Image.Image, angle: float) -> float:
    """How sharp the row profile of the ink in `dark` is turned by `angle`: the sum of the
    squared changes from row to row of the count of ink pixels."""
    profile = (np.asarray(dark.rotate(angle)) > 0).sum(axis=1).astype(np.float64)
    return float(np.square(np.diff(profile)).sum())


def _sharpest_angle(ink: np.ndarray, max_angle: float, step: float,
                    coarse: float | None = None) -> tuple[float, float]:
    """(angle, how much sharper its row profile is than the profile at 0) of a mask of ink:
    see `estimate_skew`. With `coarse` (a whole degree found beyond `max_angle`), only round it."""
    dark = Image.fromarray(ink.astype(np.uint8) * 255)
    scores: dict[float, float] = {}

    def best_of(angles) -> float:
        for angle in angles:
            angle = round(float(angle), 4)
            if angle not in scores:
                scores[angle] = _profile_sharpness(dark, angle)
        return max(sorted(scores), key=lambda a: (scores[a], -abs(a)))

    if coarse is None:
        coarse = best_of(np.arange(-max_angle, max_angle + 0.5, 1.0))
        low, high = -max_angle, max_angle
    else:
        low, high = -FAR_SKEW, FAR_SKEW
        best_of([0.0, coarse])
    best = best_of(np.arange(max(low, coarse - 1 + step), min(high, coarse + 1 - step) + step / 2, step))
    return best, scores[best] / max(scores[0.0], 1.0)


@dataclass(frozen=True)
class Band:
    """Rows `top`..`bottom` of a page, turned by `angle` degrees (counter-clockwise, about the
    band's centre) on their own."""

    top: int
    bottom: int
    angle: float


# A block of text whose lines run at an angle of their own: the top of a curled receipt
# photographed (its head rises 2.5 degrees where its foot falls 1.5). Turning the page by one
# angle leaves it at the difference, and Tesseract then reads two of its lines as one
# ('LIGHTROOM GAL A 1C,'), or drops them. A block is rows of ink between blank bands at least
# BLOCK_GAP line heights tall, and at least MIN_BLOCK lines tall; it is turned on its own where
# its lines are at least BLOCK_SKEW degrees off level and its row profile at that angle is
# BLOCK_SHARPER times as sharp as level (measured on 140 SROIE receipts: a header at 2.5-2.75
# degrees, 2.8-4.8 times as sharp; a level block's best angle is within a degree, or no sharper).
BLOCK_GAP = 0.8
MIN_BLOCK = 2.5
BLOCK_SKEW = 1.25
BLOCK_SHARPER = 1.5


def levelled_blocks(page: Image.Image) -> tuple[Image.Image, list[Band]]:
    """The page (grey, deskewed as a whole) with each block of text that runs at an angle of
    its own turned level, and the bands turned; the page itself and [] where none is. Blocks
    are looked for on a half-size copy, their angles on a quarter-size one."""
    small = page.reduce(2)
    # Ink by Otsu's split: a dot-matrix receipt's faint print is lighter than a fixed level.
    ink = np.asarray(small) <= _otsu_threshold(small.histogram())
    runs = _runs(np.count_nonzero(ink, axis=1) > max(1, ink.shape[1] // 500))
    letters = _letters(ink)
    if not runs or letters is None:
        return page, []
    line, middles = letters
    blocks = _blocks(runs, max(2, round(BLOCK_GAP * line)))
    bands = []
    for i, (top, bottom) in enumerate(blocks):
        # Lines of text, not a card's frame or a rule with specks along it.
        if bottom - top < MIN_BLOCK * line or np.count_nonzero((middles >= top) & (middles < bottom)) < MIN_LETTERS:
            continue
        angle, sharper = _sharpest_angle(ink[top:bottom:2, ::2], 5.0, 0.25)
        if abs(angle) < BLOCK_SKEW or sharper < BLOCK_SHARPER:
            continue
        # The band reaches halfway into the blank rows round the block: its lines, levelled,
        # stay in it, and no other block's ink is in it (bands do not overlap).
        above = blocks[i - 1][1] if i else 0
        below = blocks[i + 1][0] if i + 1 < len(blocks) else small.height
        bands.append(Band(above + top, min(page.height, bottom + below), angle))  # rows of the page
    if not bands:
        return page, []
    levelled = np.asarray(page).copy()
    for band in bands:
        rows = levelled[band.top:band.bottom]
        paper = int(np.percentile(rows, PAPER_PERCENTILE))  # what the corners turned in are filled with
        levelled[band.top:band.bottom] = _turned_array(rows, band.angle, paper)
    return Image.fromarray(levelled), bands


MIN_LETTERS = 20  # pieces of ink the size of letters in a block of text: two short lines' worth
PAPER_PERCENTILE = 90  # most of a band is paper


def _letters(ink: np.ndarray) -> tuple[float, np.ndarray] | None:
    """The height of the page's text (pixels) and the middle rows of its pieces of ink of
    about that height, or None where it has too few. The height is the median height of its
    pieces of ink shaped like letters or words, weighted by their width: a speckled scan's
    many specks weigh little against its lines of text."""
    import cv2

    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    widths, heights, areas = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    keep = letter_like(widths, heights, areas, ink.shape[0], min_height=2, min_area=4)
    if np.count_nonzero(keep) < MIN_LETTERS:
        return None
    line = weighted_median(heights[keep], widths[keep])
    letters = keep & (heights >= line / 2) & (heights <= 2 * line)
    return line, stats[1:, cv2.CC_STAT_TOP][letters] + heights[letters] / 2


def letter_like(widths: np.ndarray, heights: np.ndarray, areas: np.ndarray, page_height: int, *,
                min_height: int, min_area: int) -> np.ndarray:
    """Which connected pieces of ink (their boxes' widths and heights, their areas) are letters
    or the words they merge into on a blurred scan (a word's height is its text's height):
    not specks, not rules, frames or pictures."""
    return ((heights >= min_height) & (heights <= page_height / 8) & (widths <= 15 * heights)
            & (areas >= 0.1 * widths * heights) & (areas >= min_area))


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The median of `values` weighted by `weights` (a text height weighted by the pieces'
    widths, that is by length of text: a pattern's or a speckle's many small pieces weigh
    little)."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    changes = np.flatnonzero(np.diff(padded))
    return list(zip(changes[0::2].tolist(), changes[1::2].tolist()))


def _blocks(runs: list[tuple[int, int]], min_gap: int) -> list[tuple[int, int]]:
    """(top, bottom) of `runs` joined across gaps shorter than `min_gap`."""
    blocks: list[tuple[int, int]] = []
    for top, bottom in runs:
        if blocks and top - blocks[-1][1] < min_gap:
            blocks[-1] = (blocks[-1][0], bottom)
        else:
            blocks.append((top, bottom))
    return blocks

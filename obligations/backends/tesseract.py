"""Tesseract through its in-process API (tesserocr).

Measured on this project's 2-core machine, 2 worker processes, dense A4 pages at
300 dpi: in-process 1.05 pages/s against 0.78 pages/s for one `tesseract`
subprocess per page, because the language models load once per worker instead
of once per page. Each worker process keeps one API object per language.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import MissingDependency
from .base import BackendInfo, Box, Word, mean_confidence

# OpenMP reads this once, when libtesseract loads: set before any import of tesserocr so
# that forked workers inherit it. On 2 cores its threads thrash (7.9x slower measured).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "/usr/local/share/tesseract-ocr/5/tessdata",
)
INSTALL_HINT = {
    "rus": "apt-get install tesseract-ocr-rus",
    "eng": "apt-get install tesseract-ocr-eng",
    "osd": "apt-get install tesseract-ocr-osd",
}
# A page whose first pass yields fewer confident words than this is tried at other orientations.
MIN_GOOD_WORDS = 8
MIN_MEAN_CONF = 55.0
MIN_SKEW = 0.4  # degrees: straighten scans turned more than this before OCR

# One engine per language in each worker process (and each server thread: an engine is not
# thread-safe), reused across pages.
_engines = threading.local()


@cache  # asked on every OCR call: look at the disk once per process
def find_tessdata() -> Path | None:
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS]
    for candidate in candidates:
        if candidate and any(Path(candidate).glob("*.traineddata")):
            return Path(candidate)
    return None


def installed_languages() -> list[str]:
    tessdata = find_tessdata()
    return sorted(p.stem for p in tessdata.glob("*.traineddata")) if tessdata else []


@dataclass
class TesseractBackend:
    lang: str = "rus+eng"
    psm: int = 4
    remove_rules: bool = True
    reason: str = "Tesseract on CPU"
    service: str = "tesseract"
    reads_gray = True  # pages may come as greyscale rasters: Tesseract reads no colour

    def load_engines(self) -> None:
        """Load the engines for the run's languages (each also alone: region reads use one)
        now, in this process: worker processes forked after this share their memory (tens
        of MB each) instead of loading their own copies."""
        for lang in dict.fromkeys([self.lang, *self.lang.split("+")]):
            self._api(lang, self.psm)

    def check(self) -> None:
        """Raise MissingDependency naming the install command for anything missing."""
        try:
            import tesserocr  # noqa: F401
        except ImportError:
            raise MissingDependency(
                "the Tesseract binding is missing: pip install tesserocr (or run `make setup`)"
            ) from None
        tessdata = find_tessdata()
        if tessdata is None:
            raise MissingDependency(
                "Tesseract language data not found: apt-get install tesseract-ocr "
                "tesseract-ocr-rus tesseract-ocr-eng (or set TESSDATA_PREFIX)"
            )
        for lang in self.lang.split("+"):
            if not (tessdata / f"{lang}.traineddata").exists():
                hint = INSTALL_HINT.get(lang, f"apt-get install tesseract-ocr-{lang}")
                raise MissingDependency(
                    f"Tesseract language '{lang}' is not installed in {tessdata}: {hint}"
                )

    def info(self) -> BackendInfo:
        return BackendInfo(self.service, f"tesseract {self.lang}", "cpu", None, self.reason)

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        words = self._ocr(image, self.psm, dpi, lang)
        if words and _looks_upright(words):
            return words, 0
        # Too little confident text: the page may be turned. Ask OSD, else try each way.
        def score(candidate: list[Word]) -> tuple[bool, int]:
            return _looks_upright(candidate), _good_words(candidate)

        best_words, best_rotation = words, 0
        for rotation in self._rotations_to_try(image):
            turned = image.rotate(-rotation, expand=True)  # PIL turns counter-clockwise
            candidate = self._ocr(turned, self.psm, dpi, lang)
            if score(candidate) > score(best_words):
                best_words, best_rotation = candidate, rotation
        return best_words, best_rotation

    def read_region(self, image: Image.Image, box: Box, angle: int, lang: str | None = None,
                    flatten: bool = False) -> list[Word]:
        crop = image.crop(box)
        if flatten:
            crop = flatten_background(crop.convert("L"))
        transpose = {90: Image.Transpose.ROTATE_90, 270: Image.Transpose.ROTATE_270}.get(angle)
        turned = crop.transpose(transpose) if transpose is not None else crop
        width, height = crop.size
        words = []
        for word in self._ocr(turned, 6, None, lang, whole_page=False):
            x0, y0, x1, y1 = word.bbox
            if angle == 90:  # crop point (x, y) went to (y, width - x)
                x0, y0, x1, y1 = width - y1, x0, width - y0, x1
            elif angle == 270:  # crop point (x, y) went to (height - y, x)
                x0, y0, x1, y1 = y0, height - x1, y1, height - x0
            bbox = (x0 + box[0], y0 + box[1], x1 + box[0], y1 + box[1])
            words.append(Word(word.text, bbox, word.conf, ("region", angle, box, word.line)))
        return words

    def _rotations_to_try(self, image: Image.Image) -> list[int]:
        """Clockwise turns worth trying: OSD's answer when it is confident, else all three."""
        if "osd" in installed_languages():
            small = image.copy()
            small.thumbnail((1600, 1600))
            api = self._api("osd", 0)
            api.SetImage(small)
            try:
                result = api.DetectOrientationScript()
            except RuntimeError:  # too little text for OSD to judge
                result = None
            if result and result.get("orient_conf", 0) > 1.0:
                # orient_deg is how far the content is turned clockwise; undo it.
                return [(360 - result["orient_deg"]) % 360] if result["orient_deg"] else []
        return [90, 180, 270]

    def _api(self, lang: str, psm: int):
        """The worker's engine for `lang` (one per language: each holds its models in memory)."""
        key = (lang, str(find_tessdata()))
        apis = _engines.__dict__.setdefault("apis", {})
        if key not in apis:
            import tesserocr

            apis[key] = tesserocr.PyTessBaseAPI(path=str(find_tessdata()) + "/", lang=lang, psm=psm)
        api = apis[key]
        api.SetPageSegMode(psm)
        return api

    def _ocr(self, image: Image.Image, psm: int, dpi: int | None, lang: str | None = None,
             whole_page: bool = True) -> list[Word]:
        api = self._api(lang or self.lang, psm)
        image = image if image.mode == "L" else image.convert("L")
        skew = 0.0
        if whole_page:  # a crop around known text reads best as it is (measured on edge strips)
            image = flatten_background(image)
            skew = estimate_skew(image)
            if abs(skew) >= MIN_SKEW:
                image = image.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=255)
            if self.remove_rules:
                image = without_rules(image)
        api.SetImage(image)
        api.SetSourceResolution(dpi or 300)
        words = parse_tsv(api.GetTSVText(0))
        if abs(skew) >= MIN_SKEW:  # boxes back onto the page as given, which is what the output describes
            words = [replace(w, bbox=_unrotated_box(w.bbox, skew, image.size)) for w in words]
        return words


def parse_tsv(tsv: str) -> list[Word]:
    """Word rows (level 5) of Tesseract's TSV output."""
    words = []
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        words.append(
            Word(
                text=text,
                bbox=(left, top, left + width, top + height),
                conf=max(0.0, float(cells[10])),
                line=(int(cells[2]), int(cells[3]), int(cells[4])),
            )
        )
    return words


def _looks_upright(words: list[Word]) -> bool:
    """Turned text still yields 'words', but few of them confident ones."""
    if not any(any(c.isalnum() for c in w.text) for w in words):
        return False  # nothing read: maybe blank, maybe turned so far that no line was found
    long_words = [w for w in words if len(w.text) >= 4]
    standing = sum(1 for w in long_words if (w.bbox[3] - w.bbox[1]) > (w.bbox[2] - w.bbox[0]))
    if long_words and standing > len(long_words) / 2:  # Tesseract read lines running vertically
        return False
    return _good_words(words) >= MIN_GOOD_WORDS and mean_confidence(words) >= MIN_MEAN_CONF


def _good_words(words: list[Word]) -> int:
    return sum(1 for w in words if w.conf >= 60 and sum(c.isalnum() for c in w.text) >= 3)



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
    threshold = min(_otsu_threshold(image.histogram()), 128)
    horizontal = _long_runs(gray <= threshold, max(80, gray.shape[1] // 10))
    # Columns as rows: PIL's transpose is cheaper than a contiguous copy of numpy's.
    vertical = _long_runs(np.asarray(image.transpose(Image.Transpose.TRANSPOSE)) <= threshold,
                          max(80, gray.shape[0] // 12))
    if not horizontal and not vertical:
        return image
    # Paint with the lighter of the pixels a little above and below (left and right):
    # the paper there, so a rule on a tinted card does not turn into a white stripe.
    cleaned = gray.copy()
    last_row, last_col = gray.shape[0] - 1, gray.shape[1] - 1
    for row, start, end in horizontal:
        above, below = gray[max(row - RULE_REACH, 0), start:end], gray[min(row + RULE_REACH, last_row), start:end]
        cleaned[row, start:end] = np.maximum(above, below)
    for col, start, end in vertical:
        left, right = gray[start:end, max(col - RULE_REACH, 0)], gray[start:end, min(col + RULE_REACH, last_col)]
        cleaned[start:end, col] = np.maximum(left, right)
    return Image.fromarray(cleaned)


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


def estimate_skew(image: Image.Image, max_angle: float = 5.0, step: float = 0.25) -> float:
    """Degrees (counter-clockwise, as Image.rotate takes them) that make the text lines level:
    the angle whose row profile of dark pixels has the sharpest edges, on a quarter-size copy.
    Searched at 1 degree, then at `step` round the best (the score rises steadily towards its
    peak), which costs 17 rotations instead of 41."""
    if min(image.size) < 200:
        return 0.0
    small = np.asarray(image.reduce(4))
    dark = Image.fromarray(((small < min(128, int(small.mean()) - 30)) * 255).astype(np.uint8))
    scores: dict[float, float] = {}

    def best_of(angles) -> float:
        for angle in angles:
            angle = round(float(angle), 4)
            if angle not in scores:
                profile = (np.asarray(dark.rotate(angle)) > 0).sum(axis=1).astype(np.float64)
                scores[angle] = float(np.square(np.diff(profile)).sum())
        return max(sorted(scores), key=lambda a: (scores[a], -abs(a)))

    coarse = best_of(np.arange(-max_angle, max_angle + 0.5, 1.0))
    return best_of(np.arange(max(-max_angle, coarse - 1 + step), min(max_angle, coarse + 1 - step) + step / 2, step))


def _unrotated_box(box: Box, angle: float, size: tuple[int, int]) -> Box:
    """Where a box of an image turned by Image.rotate(angle) lies in the image before turning."""
    theta = -math.radians(angle)  # Image.rotate maps output to input with this matrix
    cos, sin = math.cos(theta), math.sin(theta)
    cx, cy = size[0] / 2.0, size[1] / 2.0
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy
        xs.append(cos * dx + sin * dy + cx)
        ys.append(-sin * dx + cos * dy + cy)
    return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))

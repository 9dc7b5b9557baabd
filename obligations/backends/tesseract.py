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
import weakref
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from PIL import Image

from ..errors import MissingDependency
from .base import BackendInfo, Box, Capabilities, Word, mean_confidence, turned_box

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
SPARSE_PSM = 11  # Tesseract page segmentation: sparse text, no layout

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
    # Pages may come as greyscale rasters (Tesseract reads no colour); they are conditioned
    # for it (reading.condition) and regions of them read again (reading's follow-ups).
    capabilities = Capabilities(gray=True, regions=True, conditions=True, preloads=True)

    def load_engines(self) -> None:
        """Load the engines for the run's languages (each also alone: region reads use one)
        now, in this process: worker processes forked after this share their memory (tens
        of MB each) instead of loading their own copies."""
        from ..reading import condition, rectify  # noqa: F401  (numpy and OpenCV, for the workers to share)
        from . import page_cleanup  # noqa: F401

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
        from .page_cleanup import flatten_background, without_rules  # numpy: only runs that OCR load it

        crop = image.crop(box)
        if flatten:
            crop = flatten_background(crop.convert("L"))
        if self.remove_rules and angle:
            # A form's rules reaching into a strip read turned (the underlines beside a
            # passport's edge) become lines across its text and leave Tesseract reading
            # nothing at all. (Crops read as they are, around one value, read better with
            # their underline: measured on re-reads of invalid values.)
            crop = without_rules(crop.convert("L"))
        transpose = {90: Image.Transpose.ROTATE_90, 270: Image.Transpose.ROTATE_270}.get(angle)
        turned = crop.transpose(transpose) if transpose is not None else crop
        words = []
        for word in self._ocr(turned, 6, None, lang, whole_page=False):
            # Turned back clockwise onto the crop, which was turned counter-clockwise.
            x0, y0, x1, y1 = word.bbox if transpose is None else turned_box(word.bbox, angle, turned.size)
            bbox = (x0 + box[0], y0 + box[1], x1 + box[0], y1 + box[1])
            words.append(Word(word.text, bbox, word.conf, ("region", angle, box, word.line)))
        return words

    def read_sparse(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> list[Word]:
        """The upright page read as sparse text: no page segmentation, so it finds the lines
        that `read`'s now and then drops whole (a table's first row beside a two-line label,
        a name beside a photo), at the cost of their order and of more specks."""
        return [replace(w, line=("sparse", w.line)) for w in self._ocr(image, SPARSE_PSM, dpi, lang)]

    def read_inked(self, image: Image.Image, box: Box, dpi: int | None = None, lang: str | None = None,
                   close_up: bool = False) -> list[Word]:
        """A box of the page as `read` prepares it, with every grey lighter than half way from
        its ink to the paper made paper, read as one block. What is left of a scanned rule
        after `without_rules` (its blurred, lighter stretches) is that grey: Tesseract's own
        threshold keeps it, and digits printed in boxes between two such remnants read as
        '6 160 7 1 30' where they are '6 1 0 7 1 5'. With `close_up`, gaps wider than a
        space are narrowed first (`page_cleanup.closed_up`: digits a box apart)."""
        words = self._ocr(image, 6, dpi, lang, region=box, lighten=True, close_up=close_up)
        return [replace(w, line=("inked", close_up, w.line)) for w in words]

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

            apis[key] = api = tesserocr.PyTessBaseAPI(path=str(find_tessdata()) + "/", lang=lang, psm=psm)
            # No second try of each unsure line as white on black: these documents print none,
            # and it cost 6 % of the reading. (Measured on six evaluation sets: one field more
            # right on one, one fewer on another, the rest the same; SROIE the same.)
            api.SetVariable("tessedit_do_invert", "0")
        api = apis[key]
        api.SetPageSegMode(psm)
        return api

    def _ocr(self, image: Image.Image, psm: int, dpi: int | None, lang: str | None = None,
             whole_page: bool = True, region: Box | None = None, lighten: bool = False,
             close_up: bool = False) -> list[Word]:
        """Words of the page (prepared for OCR unless not `whole_page`), or of a `region` of
        it: boxes are on the page as given either way."""
        api = self._api(lang or self.lang, psm)
        skew = 0.0
        if whole_page:  # a crop around known text reads best as it is (measured on edge strips)
            image, skew = self._prepared(image)
        elif image.mode != "L":
            image = image.convert("L")
        left = top = 0
        if region is not None:
            # The region's bounds on the deskewed page, which is where the words are read.
            left, top, right, bottom = _unrotated_box(region, -skew, image.size)
            left, top = max(0, left), max(0, top)
            image_read = image.crop((left, top, min(image.width, right), min(image.height, bottom)))
        else:
            image_read = image
        if lighten:
            from .page_cleanup import only_ink

            image_read = only_ink(image_read)
        if close_up:
            from .page_cleanup import closed_up, widened

            image_read, pieces, lines = closed_up(image_read)
        api.SetImage(image_read)
        api.SetSourceResolution(dpi or 300)
        words = parse_tsv(api.GetTSVText(0))
        if close_up and lines:
            words = [replace(w, bbox=widened(w.bbox, pieces, lines)) for w in words]
        if left or top:
            words = [replace(w, bbox=(w.bbox[0] + left, w.bbox[1] + top, w.bbox[2] + left, w.bbox[3] + top))
                     for w in words]
        if abs(skew) >= MIN_SKEW:  # boxes back onto the page as given, which is what the output describes
            words = [replace(w, bbox=_unrotated_box(w.bbox, skew, image.size)) for w in words]
        return words

    def _prepared(self, image: Image.Image) -> tuple[Image.Image, float]:
        """The page as Tesseract reads it whole (grey, background flattened, deskewed, rules
        removed) and the angle it was turned by. Kept while `image` lives: a second reading of the same
        page (sparse text, after a field was not found) does not prepare it again."""
        from .page_cleanup import estimate_skew, flatten_background, without_rules

        kept = getattr(_engines, "prepared", None)
        if kept is not None and kept[0]() is image:
            return (image if kept[1] is None else kept[1]), kept[2]
        page = flatten_background(image if image.mode == "L" else image.convert("L"))
        skew = estimate_skew(page)
        if abs(skew) >= MIN_SKEW:
            page = page.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=255)
        else:
            skew = 0.0
        if self.remove_rules:
            page = without_rules(page)
        # Not the page itself when nothing changed it: the entry would keep it alive.
        entry = (weakref.ref(image), None if page is image else page, skew)
        _engines.prepared = entry
        weakref.finalize(image, _forget_prepared, entry)
        return page, skew


def _forget_prepared(entry) -> None:
    """Drops the prepared page once its source image is gone (unless a newer one replaced it)."""
    if getattr(_engines, "prepared", None) is entry:
        del _engines.prepared


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

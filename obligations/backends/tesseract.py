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
# A page read in Russian and English whose words are at most this share Cyrillic is a Latin page
# (an English receipt: 0 to 0.33 of its words Cyrillic lookalikes, 'РЕКМАСААМ' for PERNIAGAAN,
# 'ВМ' for RM; the generated Russian documents and the sample scans: 0.90 and more).
LATIN_PAGE = 0.5
# Tesseract's `thresholding_method` values: one threshold for the page, or one per neighbourhood.
OTSU, SAUVOLA = "0", "2"
REREAD_LATIN = True  # its Cyrillic-read words read again in English (`_latin_words_read_again`)
# How much less sure an English reading may be and still replace a word of lookalike letters
# ('МО.' -> NO., 94 against 96) and a word with other Cyrillic letters ('ЗЕТАРАК,' -> SETAPAK,).
# Measured on SROIE's words: the wrong replacements of lookalikes were 10 to 24 less sure
# ('НОМЕ' 89 -> 'HOniE' 65, 'ТЕО' 90 -> 'TED' 79); the right ones 5 less or surer, but for a few.
TWIN_SLACK = 8.0
OTHER_SLACK = 35.0
LINE_MARGIN = 0.2  # a line read again: its words' box and this much of its height around
# A word read this sure in Cyrillic, with letters of no Latin twin, is Russian (SROIE: 6 such
# misreads in 140 receipts, 'уапп' for 'yann' among them; their lines are left as read).
RUSSIAN_CONF = 90.0
SPARSE_LATIN = True  # and in `read_sparse` (a second reading of receipts missing a field)
LINE_PSM = 7  # Tesseract page segmentation: one line of text

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
    capabilities = Capabilities(gray=True, regions=True, conditions=True, preloads=True, thresholds_locally=True)

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
        words, rotation, upright = self._read_upright(image, dpi, lang)
        if REREAD_LATIN:
            words = self._latin_words_read_again(upright, words, dpi, lang or self.lang)
        return words, rotation

    def read_thresholded_locally(self, image: Image.Image, dpi: int | None = None,
                                 lang: str | None = None) -> tuple[list[Word], int]:
        """`read`, the page binarised by Sauvola's local thresholds instead of one threshold for
        the page (Otsu's): faint grey print on a tinted page whose darker lines set the one
        threshold ('ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА' over a 76-dpi certificate, lost whole)."""
        apis = [self._api(language, self.psm) for language in {lang or self.lang, *(lang or self.lang).split("+")}]
        for api in apis:
            api.SetVariable("thresholding_method", SAUVOLA)
        try:
            return self.read(image, dpi, lang)
        finally:
            for api in apis:
                api.SetVariable("thresholding_method", OTSU)

    def _latin_words_read_again(self, image: Image.Image, words: list[Word], dpi: int | None, lang: str) -> list[Word]:
        """On a Latin page read in Russian and English, the words read with Cyrillic letters
        ('РЕКМАСААМ' for PERNIAGAAN, 'ЗЕТАРАК,' for SETAPAK, 'МО.' for NO.) read again in English
        alone: each line holding one is read again as a line (its context helps), and only those
        words take the new reading where it is not much less sure. Real Cyrillic is kept: a line
        holding a word that looks Russian (`_looks_russian`) is not read again, nor a page more
        Cyrillic than LATIN_PAGE. (A whole English page read in English alone gains letters and
        loses digits: SROIE dates 0.88 -> 0.83 printed readably; the Russian model's second
        opinion keeps them.)"""
        languages = lang.split("+")
        if "eng" not in languages or len(languages) < 2:
            return words
        lines: dict = {}
        cyrillic = latin = 0
        for word in words:
            scripts = {_script(c) for c in word.text if c.isalpha()} - {None}
            if sum(c.isalpha() for c in word.text) >= 2 and scripts:
                if "cyrillic" in scripts:
                    cyrillic += 1
                else:
                    latin += 1
            if "cyrillic" in scripts:
                lines.setdefault(word.line, []).append(word)
        if not lines or cyrillic > LATIN_PAGE * (cyrillic + latin):
            return words
        replacements: dict[int, list[Word]] = {}
        for line, misread in lines.items():
            if any(_looks_russian(w) for w in misread):
                continue
            # Lookalike letters alone ('А', 'В'): the twins say what they are (misread_words).
            misread = [w for w in misread if not (_twin_only(w.text) and sum(c.isalpha() for c in w.text) < 2)]
            if not misread:
                continue
            line_words = [w for w in words if w.line == line]
            x0, y0 = min(w.bbox[0] for w in line_words), min(w.bbox[1] for w in line_words)
            x1, y1 = max(w.bbox[2] for w in line_words), max(w.bbox[3] for w in line_words)
            margin = max(2, round((y1 - y0) * LINE_MARGIN))
            box = (max(0, x0 - 2 * margin), max(0, y0 - margin), min(image.width, x1 + 2 * margin),
                   min(image.height, y1 + margin))
            again = self._ocr(image, LINE_PSM, dpi, "eng", region=box) or self._ocr(image, 6, dpi, "eng", region=box)
            for word in misread:
                over = [w for w in again if word.bbox[0] <= (w.bbox[0] + w.bbox[2]) / 2 <= word.bbox[2]]
                if not over or not any(c.isalnum() for w in over for c in w.text):
                    continue
                surest = min(w.conf for w in over)
                if _twin_only(word.text):
                    # 'НОМЕ' is HOME already: a new reading must be one word, about as long, about as sure.
                    length = sum(c.isalnum() for c in word.text)
                    take = (len(over) == 1 and abs(sum(c.isalnum() for c in over[0].text) - length) <= 2
                            and surest >= word.conf - TWIN_SLACK)
                else:
                    take = surest >= word.conf - OTHER_SLACK
                if take:
                    replacements[id(word)] = [replace(w, line=word.line) for w in over]
        if not replacements:
            return words
        return [new for w in words for new in replacements.get(id(w), [w])]

    def _read_upright(self, image: Image.Image, dpi: int | None,
                      lang: str | None) -> tuple[list[Word], int, Image.Image]:
        """The page's words, read the way up its text stands, how far it was turned clockwise,
        and the turned page they were read on."""
        words = self._ocr(image, self.psm, dpi, lang)
        if words and _looks_upright(words):
            return words, 0, image
        # Too little confident text: the page may be turned. Ask OSD, else try each way.
        def score(candidate: list[Word]) -> tuple[bool, int]:
            return _looks_upright(candidate), _good_words(candidate)

        best_words, best_rotation, best_image = words, 0, image
        for rotation in self._rotations_to_try(image):
            turned = image.rotate(-rotation, expand=True)  # PIL turns counter-clockwise
            candidate = self._ocr(turned, self.psm, dpi, lang)
            if score(candidate) > score(best_words):
                best_words, best_rotation, best_image = candidate, rotation, turned
        if not _looks_upright(best_words) and self.psm != BLOCK_PSM:
            # Still no text found the way up it stands: the page's layout analysis may have
            # taken its blurred print for a picture (a phone's photo of a notice: nothing read,
            # or scraps). Read as one block of text, the same page reads (6 of 7 values).
            candidate = self._ocr(best_image, BLOCK_PSM, dpi, lang)
            if score(candidate) > score(best_words):
                best_words = candidate
        return best_words, best_rotation, best_image

    def read_region(self, image: Image.Image, box: Box, angle: int, lang: str | None = None,
                    flatten: bool = False, keep_rules: bool = False) -> list[Word]:
        from .page_cleanup import flatten_background, without_rules  # numpy: only runs that OCR load it

        crop = image.crop(box)
        if flatten:
            crop = flatten_background(crop.convert("L"))
        if self.remove_rules and angle and not keep_rules:
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
        words = self._ocr(image, SPARSE_PSM, dpi, lang)
        if REREAD_LATIN and SPARSE_LATIN:
            words = self._latin_words_read_again(image, words, dpi, lang or self.lang)
        return [replace(w, line=("sparse", w.line)) for w in words]

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
        bands: list = []
        if whole_page:  # a crop around known text reads best as it is (measured on edge strips)
            image, skew = self._prepared(image)
            if region is None:
                image, bands = _levelled(image)
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
        if bands:
            words = [replace(w, bbox=_unlevelled_box(w.bbox, bands, image.width)) for w in words]
        if abs(skew) >= MIN_SKEW:  # boxes back onto the page as given, which is what the output describes
            words = [replace(w, bbox=_unrotated_box(w.bbox, skew, image.size)) for w in words]
        return words

    def _prepared(self, image: Image.Image) -> tuple[Image.Image, float]:
        """The page as Tesseract reads it whole (grey, background flattened, deskewed, rules
        removed) and the angle it was turned by. Kept while `image` lives: a second reading of the same
        page (sparse text, after a field was not found) does not prepare it again."""
        return _kept("prepared", image, self._prepare)

    def _prepare(self, image: Image.Image) -> tuple[Image.Image, float]:
        from .page_cleanup import estimate_skew, flatten_background, turned, without_rules

        page = flatten_background(image if image.mode == "L" else image.convert("L"))
        skew = estimate_skew(page)
        if abs(skew) >= MIN_SKEW:
            page = turned(page, skew)
        else:
            skew = 0.0
        if self.remove_rules:
            page = without_rules(page)
        return page, skew


def _levelled(page: Image.Image):
    """`page_cleanup.levelled_blocks` of a prepared page, kept while the page lives (the
    sparse reading of the same page does not level it again)."""
    from .page_cleanup import levelled_blocks

    return _kept("levelled", page, levelled_blocks)


def _kept(name: str, image: Image.Image, make):
    """`make(image)`, a page made from `image` and what was done to it, made once and kept (per
    thread, under `name`) while `image` lives."""
    kept = getattr(_engines, name, None)
    if kept is not None and kept[0]() is image:
        return (image if kept[1] is None else kept[1]), kept[2]
    page, done = make(image)
    # Not the image itself when nothing changed it: the entry would keep it alive.
    entry = (weakref.ref(image), None if page is image else page, done)
    setattr(_engines, name, entry)
    weakref.finalize(image, _forget, name, entry)
    return page, done


def _unlevelled_box(box: Box, bands: list, width: int) -> Box:
    """Where a box read on a page whose `bands` were turned level lies on the page before."""
    middle = (box[1] + box[3]) / 2
    for band in bands:
        if band.top <= middle < band.bottom:
            x0, y0, x1, y1 = _unrotated_box((box[0], box[1] - band.top, box[2], box[3] - band.top), band.angle,
                                            (width, band.bottom - band.top))
            return x0, y0 + band.top, x1, y1 + band.top
    return box


def _forget(name: str, entry) -> None:
    """Drops a page kept for its source image once that is gone (unless a newer one replaced it)."""
    if getattr(_engines, name, None) is entry:
        delattr(_engines, name)


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


def _script(letter: str) -> str | None:
    if "\u0400" <= letter <= "\u04ff":
        return "cyrillic"
    return "latin" if "a" <= letter.lower() <= "z" else None


# Cyrillic letters with a Latin twin of the same look: a word of these alone may be Latin misread.
TWINS = frozenset("АаВСсЕеНКкМОоРрТХхУу")


def _twin_only(text: str) -> bool:
    return all(c in TWINS for c in text if _script(c) == "cyrillic")


def _looks_russian(word: Word) -> bool:
    """A sure word of three Cyrillic letters or more, two of them with no Latin twin ('Иванов',
    'за' not: short words are judged by their line): Russian, not an English word misread."""
    letters = [c for c in word.text if c.isalpha()]
    return (len(letters) >= 3 and all(_script(c) == "cyrillic" for c in letters) and word.conf >= RUSSIAN_CONF
            and sum(c not in TWINS for c in letters) >= 2)


BLOCK_PSM = 6  # Tesseract's page segmentation: one uniform block of text


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

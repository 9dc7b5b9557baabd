"""Measure a page image before it is read, and condition it for the OCR engine.

Tesseract reads text best at a certain size and on clean paper. Real inputs are low-resolution
phone and fax exports, scans with dust and specks, photos of a card lying on a table. Each page
is measured first, cheaply, from its own ink (`measure`): the height of its text, its specks,
contrast and paper tint; a page that needs nothing is read as it is, at no cost. What the
measurement asks for (`plan`) is applied by `apply`, and can be applied again to the same raster
by a later step (the follow-up re-reads render the page again): `Conditioning` holds the
decision, and maps boxes on the conditioned image back onto the page as given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from PIL import Image

from ..backends.page_cleanup import letter_like, weighted_median

# Median height, in pixels, of the connected components of text that Tesseract reads best
# (the ink-weighted median: body text at 300 dpi measures 27-38 px on generated and sample
# pages, which Tesseract reads best). Pages whose text is smaller are upscaled to it.
TARGET_TEXT_HEIGHT = 30.0
# Text smaller than this is upscaled; a page whose text is up to a little smaller than the
# target reads as well as it is and is left alone. (At 20, a 300 dpi invoice whose table
# measured 18 px was read at 24 Mpx: clean pages 25 % slower for the same fields.)
UPSCALE_BELOW = 16.0
MAX_UPSCALE = 4.0
# No document prints its text smaller than this part of the page's long side (2 pt on A4): a
# page measured so is measuring a background's pattern or noise (a poor scan of a SNILS card's
# guilloche measured 6 px at 300 dpi), and is not rescaled.
SMALLEST_TEXT = 0.004
MAX_CONDITIONED_PIXELS = 36e6  # an A4 page at 300 dpi is 8.7 million
# Photos of a few thousand pixels a side with text far larger than needed are downscaled.
DOWNSCALE_ABOVE = 60.0
# An upscaled page is smoothed by this many of its page pixels: the blocks of a low-quality
# JPEG and the noise of a cheap scanner, magnified, read as strokes (measured on 100-dpi noisy
# JPEGs: 65 % of fields right without, 72-74 % with 0.3-0.5).
UPSCALE_SMOOTHING = 0.4
# Specks, in parts of the text's height: smaller than any mark of the text (removed anywhere);
# up to a full stop's size (removed when farther than SPECK_GAP from other ink).
TINY_SPECK = 0.08
SMALL_SPECK = 0.18
SPECK_GAP = 0.25
# Isolated specks per million pixels above which a page is despeckled.
SPECKS_PER_MPX = 600.0
# ... and above which its specks are a fax's dither: grey print and tinted backgrounds sent as
# patterns of dots (generated fax pages measured 14,000-46,000; the most speckled scans 4,400).
DITHERED_SPECKS_PER_MPX = 10000.0
# A page whose ink stands less than this many times its paper's grain above the paper is
# denoised before it is read. Measured: dim or grainy 95-160 dpi JPEGs (noise 4-30 grey levels)
# 19-35; every page of the generator's kinds, photos and SROIE's receipts 44 or more.
GRAINY = 40.0
# Non-local means' strength (grey levels). On 7 such pages (62 fields) 76 % of fields right
# without, 92 % at 10; 84 % at 6 and 89 % at 15. A 3x3 median or a blur of one pixel: 79 %.
DENOISE_STRENGTH = 10.0
# A second reading of a page whose fields the first left missing or invalid (reading.second_look)
# is of its text at this height, with its edges steepened by this much over this many page
# pixels. (Blurred 120-dpi pages measure their text at 17 px, not upscaled the first time.)
SECOND_LOOK_TEXT_HEIGHT = 36.0
SHARPEN_AMOUNT, SHARPEN_SIGMA = 2.0, 1.0
# ... of a page whose text measured this or less. (On pages of 29-35 px with fields missing, under
# stamps or on poor scans, it gained no field of 13, and cost 1.5-2 times their first reading.)
SECOND_LOOK_BELOW = 28.0
# A dithered page is blurred by this many pixels (its dots' pitch: the fax's own pixels), which
# turns the dots into the grey they stand for, and what is lighter than this part of the way
# from paper to ink is paper (a dithered tint blurs to 230-245, its text to under 150).
DESCREEN_SIGMA = 1.2
DESCREEN_LEVEL = 1 / 3
# ... and once scaled, its greys are spread this many times apart about the middle between its
# paper and its ink. Blurred, most of its ink is the grey of strokes' edges, and Tesseract's own
# threshold (Otsu's, over a histogram that is mostly paper) fell among them: strokes grew into
# each other, and a dithered 540-px SNILS card read only its right column. (Measured on 24 fax
# pages and 44 dithered or noisy ones of the independent generator: 12 fields more right, 2 fewer;
# at 2, 5 more and 3 fewer.)
DESCREEN_CONTRAST = 3.0


@dataclass(frozen=True)
class Measurement:
    text_height: float | None  # median height of text-like components, pixels (None: no text found)
    specks_per_mpx: float  # isolated dark components of 1-3 px, per million pixels
    contrast: float  # ink to paper, 0..255
    paper: float  # the paper's grey, 0..255
    components: int  # text-like components found
    grain: float = 0.0  # the paper's grain: how far its pixels stray from their neighbours', 0..255
    streaks: int = 0  # columns of a fax's or scanner's streak down the page (`streak_columns`)
    dithered: bool = False  # its small components a dithered tint's dots, its text measured blurred

    def describe(self) -> str:
        height = "?" if self.text_height is None else f"{self.text_height:.0f}"
        return (f"text {height} px, {self.specks_per_mpx:.0f} specks/Mpx, contrast {self.contrast:.0f}, "
                f"paper {self.paper:.0f}")


@dataclass(frozen=True)
class Conditioning:
    """What is done to a page before it is read, and the page it was done to."""

    page_size: tuple[int, int]  # the page as given (upright as the file says), pixels
    page_dpi: int | None  # its resolution (a PDF page: the resolution it is rendered at)
    scale: float = 1.0  # conditioned pixels per page pixel
    despeckle: bool = False
    descreen: bool = False  # dithered: blurred back to grey (`descreened`), not despeckled
    text_height: float | None = None  # as measured on the page: the scale of its specks
    # A photographed document: its corners on the page (reading.rectify), warped flat first
    corners: tuple[tuple[float, float], ...] | None = None
    levelled: float | None = None  # the corners are a scan's turned by this many degrees (far askew)
    # Stamps and signatures in coloured ink taken off first (reading.stamps; a colour page)
    stamps: bool = False
    denoise: bool = False
    sharpen: bool = False  # edges steepened after scaling: a second reading of a poorly read page
    destreak: bool = False  # a streak down the page (a fax's dusty sensor) painted paper first

    @property
    def identity(self) -> bool:
        return (self.scale == 1.0 and not self.despeckle and not self.descreen and self.corners is None
                and not self.stamps and not self.denoise and not self.sharpen and not self.destreak)

    @property
    def dpi(self) -> int | None:
        """The conditioned image's resolution."""
        return None if self.page_dpi is None else round(self.page_dpi * self.scale)

    def to_page(self, box):
        """A box on the conditioned image, on the page as given."""
        if self.scale != 1.0:
            s = self.scale
            box = (math.floor(box[0] / s), math.floor(box[1] / s), math.ceil(box[2] / s), math.ceil(box[3] / s))
        if self.corners is not None:
            from .rectify import box_to_original

            x0, y0, x1, y1 = box_to_original(box, self._homography)
            width, height = self.page_size
            box = (max(0, x0), max(0, y0), min(width, x1), min(height, y1))
        return box

    @cached_property
    def _homography(self):
        """Rectified pixels -> the page's: worked out once for all of a page's boxes."""
        from .rectify import homography

        return homography(self.corners)[0]

    def describe(self) -> str:
        steps = []
        if self.levelled is not None:
            steps.append(f"turned {self.levelled:+.2f} degrees level")
        elif self.corners is not None:
            steps.append("photographed page warped flat")
        if self.scale != 1.0:
            steps.append(f"scaled x{self.scale:.2f}")
        if self.stamps:
            steps.append("stamps taken off")
        if self.destreak:
            steps.append("streaks taken off")
        if self.denoise:
            steps.append("grain smoothed")
        if self.sharpen:
            steps.append("sharpened")
        if self.despeckle:
            steps.append("despeckled")
        if self.descreen:
            steps.append("dither blurred to grey")
        return ", ".join(steps) or "as it is"


def measure(image: Image.Image) -> Measurement:
    """The page's text height, specks, contrast and paper, from its connected components."""
    gray = np.asarray(image if image.mode == "L" else image.convert("L"))
    paper, ink = _paper_and_ink(gray)
    found = _measured(gray, paper, ink)
    if found.text_height is None and (darkest := _ink_of_a_small_card(gray, paper)) < ink - MIN_CONTRAST:
        # A card scanned on a page of paper: the darkest hundredth of the page is its tint, not
        # its print, and tint and print read as one block (a SNILS card on A4: no text found,
        # not scaled up, read upside down). Its print is the darkest of what is not paper.
        found = _measured(gray, paper, darkest)
    if found.specks_per_mpx >= SPECKS_PER_MPX:
        # A dithered guilloche behind a passport's text makes dots joined into small strokes,
        # measured as the text (6 px on a 200-dpi fax whose print stands 17 px high), whatever
        # the specks left apart (too few for a fax's dither there). Blurred back to grey, its
        # text measures much taller: the page is dithered, its text that tall. (A page with
        # fewer specks is not looked at so: a thermal receipt's faint print measured 44 px
        # blurred, and read nothing descreened.)
        blurred = np.asarray(descreened(Image.fromarray(gray)))
        again = _measured(blurred, *_paper_and_ink(blurred))
        if again.text_height is not None and (found.text_height is None or (
                again.text_height >= DITHER_HEIGHT_RATIO * found.text_height
                and again.components <= DITHER_PIECES_LEFT * found.components)):
            found = replace(found, text_height=again.text_height, components=again.components, dithered=True)
    return found


# A page measured blurred whose text stands this many times taller than measured as it is, is
# dithered (1.0-1.2 on faxes and speckled scans whose dots are not so joined; 2.8 on that passport).
DITHER_HEIGHT_RATIO = 1.5
# ... its letter-like pieces mostly the dots' (blurred, a few letters are left of many pieces:
# 258 of 1,624 on that passport; small print blurred keeps its letters).
DITHER_PIECES_LEFT = 0.5


MIN_CONTRAST = 30.0


def _measured(gray: np.ndarray, paper: float, ink: float) -> Measurement:
    import cv2

    contrast = max(0.0, paper - ink)
    threshold = _ink_level(paper, ink)
    binary = (gray < threshold).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    widths, heights, areas = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    megapixels = gray.size / 1e6
    specks = int(np.count_nonzero((widths <= 3) & (heights <= 3) & (areas <= 6)))
    keep = letter_like(widths, heights, areas, gray.shape[0], min_height=4, min_area=8)
    # The median weighted by width, that is by length of text: a background pattern or a
    # photo's grain makes many small components, but few long ones.
    text_height = weighted_median(heights[keep], widths[keep]) if np.count_nonzero(keep) >= 20 else None
    return Measurement(text_height, specks / max(megapixels, 1e-6), contrast, paper, int(np.count_nonzero(keep)),
                       _paper_grain(gray, threshold), len(streak_columns(binary)))


def _ink_level(paper: float, ink: float) -> float:
    """Ink: darker than half way from the paper to the ink (less, for uneven light and tints)."""
    return paper - max(paper - ink, MIN_CONTRAST) * 0.45


def _ink_of_a_small_card(gray: np.ndarray, paper: float) -> float:
    """The darkest hundredth of what on the page is not paper."""
    sample = _sample(gray)
    darker = sample[sample < paper - MIN_CONTRAST]
    return float(np.percentile(darker, 1)) if darker.size else paper


PAPER_PERCENTILE = 90  # most of a page is paper
GRAIN_BANDS, GRAIN_BAND_ROWS = 16, 48  # the page's grain is measured on this many bands of rows


def _paper_grain(gray: np.ndarray, threshold: float) -> float:
    """The mean difference of the paper's pixels from the median of their 3x3 neighbourhood
    (ink and its edges left out), on bands of rows across the page: a scanner's or a camera's
    noise, which a clean page, however small its print, has almost none of."""
    import cv2

    step = max(GRAIN_BAND_ROWS, gray.shape[0] // GRAIN_BANDS)
    bands = np.concatenate([gray[y:y + GRAIN_BAND_ROWS] for y in range(0, gray.shape[0], step)])
    ink = cv2.dilate((bands < threshold).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    residual = cv2.absdiff(bands, cv2.medianBlur(bands, 3))
    return float(residual[~ink].mean()) if (~ink).any() else 0.0


def _sample(gray: np.ndarray) -> np.ndarray:
    """A reduced copy of the page, about 400 px a side: enough for its paper and ink levels."""
    return gray[:: max(1, gray.shape[0] // 400), :: max(1, gray.shape[1] // 400)]


def _paper_and_ink(gray: np.ndarray) -> tuple[float, float]:
    """The paper's grey and the ink's (its darkest hundredth), from a reduced copy."""
    sample = _sample(gray)
    return float(np.percentile(sample, PAPER_PERCENTILE)), float(np.percentile(sample, 1))


def plan(found: Measurement, size: tuple[int, int], dpi: int | None,
         corners: tuple[tuple[float, float], ...] | None = None) -> Conditioning:
    """What a page measured so needs: a scale that brings its text to the size Tesseract reads
    best, and a speck filter where specks are dense. (Whitening a noisy page's paper was
    measured too, and not taken: 100-dpi noisy JPEGs 0.85 of fields without, 0.77 with; SROIE
    dates 0.90 without, 0.75 with: the faint strokes of thermal print went with the paper.)
    `corners`: a photographed document's, found and measured flat by `condition_page`."""
    scale = 1.0
    if found.text_height is not None and found.text_height >= SMALLEST_TEXT * max(size):
        if found.text_height < UPSCALE_BELOW:
            scale = min(MAX_UPSCALE, TARGET_TEXT_HEIGHT / found.text_height)
        elif found.text_height > DOWNSCALE_ABOVE:
            scale = TARGET_TEXT_HEIGHT * 1.2 / found.text_height
    # Never past MAX_CONDITIONED_PIXELS: a page whose "text" is a background's grain would
    # otherwise grow to tens of megapixels (and minutes of reading).
    scale = round(min(scale, _largest_scale(size)), 2)
    # A grainy page's grain makes specks as dense as a fax's dots; a fax's paper has no grain.
    denoise = found.contrast < GRAINY * found.grain
    descreen = (found.dithered or found.specks_per_mpx >= DITHERED_SPECKS_PER_MPX) and not denoise
    despeckle = found.specks_per_mpx >= SPECKS_PER_MPX and not descreen
    return Conditioning(size, dpi, scale, despeckle, descreen, found.text_height, corners, denoise=denoise,
                        destreak=found.streaks > 0)


def condition_page(image: Image.Image, dpi: int | None) -> tuple[Image.Image, Conditioning]:
    """The page conditioned for reading, and how. A photo of a document on a table is first
    warped flat (the table is not read: its grain reads as text, and it slowed the reading
    by several seconds a page), and a page scanned far askew (over 5 degrees) is turned level
    the same way: every reading after the page's own (a region's, an edge strip's) is of
    level lines. Then it is measured and conditioned like any page."""
    from ..backends.page_cleanup import far_skew
    from .rectify import find_document, level_corners, rectify

    colour = image if image.mode == "RGB" else None
    gray = image if image.mode == "L" else image.convert("L")
    corners = find_document(gray)
    levelled = far_skew(gray) if corners is None else None
    if levelled is not None:
        corners = level_corners(gray.size, levelled)
    flat = gray if corners is None else rectify(gray, corners)[0]
    found = measure(flat)
    conditioning = replace(plan(found, image.size, dpi, corners), levelled=levelled)
    if colour is not None:
        from .stamps import without_stamps

        cleaned = without_stamps(colour if corners is None else rectify(colour, corners)[0], found.text_height)
        if cleaned is not None:
            flat = cleaned
            conditioning = replace(conditioning, stamps=True)
    return apply(flat, replace(conditioning, corners=None, stamps=False)), conditioning


def apply(image: Image.Image, conditioning: Conditioning) -> Image.Image:
    """The page conditioned as decided: specks removed first (at the page's own size, where a
    speck is smallest), then scaled with a filter that keeps strokes smooth."""
    if conditioning.identity:
        return image
    if conditioning.corners is not None:
        from .rectify import rectify

        image = rectify(image, conditioning.corners)[0]
    if conditioning.stamps and image.mode == "RGB":
        from .stamps import without_stamps

        image = without_stamps(image, conditioning.text_height) or image.convert("L")
    if conditioning.destreak:
        image = destreaked(image)
    if conditioning.denoise:
        image = denoised(image)
    if conditioning.despeckle:
        image = despeckled(image, conditioning.text_height)
    if conditioning.descreen:
        image = descreened(image)
    if conditioning.scale != 1.0:
        size = (max(1, round(image.width * conditioning.scale)), max(1, round(image.height * conditioning.scale)))
        if conditioning.scale > 1:
            image = _smooth(image.resize(size, Image.Resampling.LANCZOS), UPSCALE_SMOOTHING * conditioning.scale)
        else:
            image = image.resize(size, Image.Resampling.BOX)
    if conditioning.descreen:
        image = _in_grey(image, _contrasted)
    if conditioning.sharpen:
        image = sharpened(image, conditioning.scale)
    return image


def streak_columns(ink: np.ndarray) -> list[int]:
    """The columns of a streak down the page: a fax's or a scanner's (dust on its sensor's
    line), dark down much of the page in dashes no rule's long run finds, across the text it
    crosses ('ЭДУАРД|ОВНА', a zone's line cut in two). `ink`: the page's ink, 1 or True."""
    share = ink.mean(axis=0)
    last = len(share) - 1
    return [int(col) for col in np.flatnonzero(share >= STREAK_SHARE)
            if max(share[max(col - STREAK_SIDE, 0)], share[min(col + STREAK_SIDE, last)]) < share[col] / 3
            and _longest_run(ink[:, col]) < STREAK_DASH * len(ink)]


STREAK_SHARE = 0.4  # of the page's height inked in one column: no column of print is (a photo's ~0.2)
STREAK_SIDE = 4  # pixels: the columns this far either side of a streak are mostly paper
# A streak's longest dash, of the page's height: generated faxes' measured 0.01-0.05. A printed
# rule (a frame, a table's or a card's edge) runs on for 0.25 or more, and is the rule
# remover's (backends.page_cleanup.without_rules), not this.
STREAK_DASH = 0.1


def _longest_run(column: np.ndarray) -> int:
    edges = np.diff(np.concatenate(([0], column.astype(np.int8), [0])))
    return int((np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).max(initial=0))


def destreaked(image: Image.Image) -> Image.Image:
    """The page with its streaks (`streak_columns`) painted, row by row, with the darker of the
    pixels just either side of them: paper where a streak runs alone, and a letter's stroke
    where one crosses it (its stroke goes on either side), so the letters it cuts are whole."""
    def paint(gray: np.ndarray) -> np.ndarray:
        paper, ink = _paper_and_ink(gray)
        columns = streak_columns(gray < _ink_level(paper, ink))
        cleaned = gray.copy()
        last = gray.shape[1] - 1
        # Side by side columns are one streak, a pixel wider either side (its blurred edge).
        for group in np.split(np.array(columns), np.flatnonzero(np.diff(columns) > 1) + 1) if columns else []:
            first, end = max(int(group[0]) - 1, 0), min(int(group[-1]) + 1, last)
            beside = np.minimum(gray[:, max(first - 1, 0)], gray[:, min(end + 1, last)])
            cleaned[:, first:end + 1] = beside[:, None]
        return cleaned

    return _in_grey(image, paint)


def _contrasted(gray: np.ndarray) -> np.ndarray:
    """Greys spread DESCREEN_CONTRAST times apart about the middle between paper and ink."""
    paper, ink = _paper_and_ink(gray)
    middle = (paper + ink) / 2
    return np.clip((gray.astype(np.float32) - middle) * DESCREEN_CONTRAST + middle, 0, 255).astype(np.uint8)


def sharpened(image: Image.Image, scale: float) -> Image.Image:
    """The page with its edges steepened (an unsharp mask of SHARPEN_SIGMA page pixels): a
    blurred page's strokes, scaled up, stand apart again."""
    import cv2

    def sharpen(gray: np.ndarray) -> np.ndarray:
        grey = gray.astype(np.float32)
        blurred = cv2.GaussianBlur(grey, (0, 0), SHARPEN_SIGMA * scale)
        return np.clip(grey + SHARPEN_AMOUNT * (grey - blurred), 0, 255).astype(np.uint8)

    return _in_grey(image, sharpen)


def second_look(conditioning: Conditioning) -> Conditioning | None:
    """How a page read poorly as `conditioning` says is conditioned for a second reading: its
    text brought to SECOND_LOOK_TEXT_HEIGHT (never smaller than the first time), sharpened.
    None where that would not change it much: its text is already about that size (or was
    not measured, or measured implausibly small for the page)."""
    height = conditioning.text_height
    if height is None or height < SMALLEST_TEXT * max(conditioning.page_size) or height > SECOND_LOOK_BELOW:
        return None
    larger = max(conditioning.scale, SECOND_LOOK_TEXT_HEIGHT / height)
    scale = min(MAX_UPSCALE, _largest_scale(conditioning.page_size), larger)
    return replace(conditioning, scale=round(scale, 2), sharpen=True)


def _largest_scale(size: tuple[int, int]) -> float:
    """The most a page of `size` is scaled up by: to MAX_CONDITIONED_PIXELS (1 if it is larger)."""
    return max(1.0, math.sqrt(MAX_CONDITIONED_PIXELS / max(1, size[0] * size[1])))


def _smooth(image: Image.Image, sigma: float) -> Image.Image:
    import cv2

    smoothed = cv2.GaussianBlur(np.asarray(image), (0, 0), sigma)
    return Image.fromarray(smoothed)


def denoised(image: Image.Image) -> Image.Image:
    """A grainy page (`GRAINY`) with its grain averaged out over patches alike (non-local
    means): the strokes stay sharp, where a blur or a median filter thins and joins them."""
    import cv2

    return _in_grey(image, lambda gray: cv2.fastNlMeansDenoising(gray, None, h=DENOISE_STRENGTH,
                                                                 templateWindowSize=7, searchWindowSize=21))


def descreened(image: Image.Image) -> Image.Image:
    """A dithered page (a fax's grey print and tinted backgrounds, sent as dots) as the grey it
    stands for, with the lightest greys (the tints) made paper. Read as they are, the dots
    merged with the letters: a fax's grey table read no field of six."""
    import cv2

    def descreen(gray: np.ndarray) -> np.ndarray:
        paper, ink = _paper_and_ink(gray)
        blurred = cv2.GaussianBlur(gray, (0, 0), DESCREEN_SIGMA)
        level = paper - max(paper - ink, 30.0) * DESCREEN_LEVEL
        blurred[blurred > level] = np.uint8(paper)
        return blurred

    return _in_grey(image, descreen)


def _in_grey(image: Image.Image, step) -> Image.Image:
    """`step` (grey pixels in, grey pixels out) done on the page's grey, given back in its mode."""
    result = Image.fromarray(step(np.asarray(image if image.mode == "L" else image.convert("L"))))
    return result if image.mode == "L" else result.convert(image.mode)


def despeckled(image: Image.Image, text_height: float | None) -> Image.Image:
    """The page with specks painted paper: dark components too small to be any mark of its
    text (under TINY_SPECK of the text's height) wherever they are, and ones up to the size of
    a full stop (SMALL_SPECK) far from other ink, and dust blots (`_dust_blobs`). Unlike a
    median filter this keeps full stops and commas beside their words, the dots of 'ё' and
    'i', and thin strokes: a component joined to a letter is that letter."""
    import cv2

    height = text_height or TARGET_TEXT_HEIGHT
    tiny = max(1, round(TINY_SPECK * height))
    small = max(3, round(SMALL_SPECK * height))
    gap = max(3, round(SPECK_GAP * height))
    gray = np.asarray(image if image.mode == "L" else image.convert("L"))
    paper = float(np.percentile(_sample(gray), PAPER_PERCENTILE))
    binary = (gray < paper - 60).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count <= 1:
        return image
    widths, heights = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    is_tiny = (widths <= tiny) & (heights <= tiny)
    is_small = (widths <= small) & (heights <= small)
    is_tiny[0] = is_small[0] = False
    blobs = _dust_blobs(gray, paper, binary, labels, stats, height)
    if not is_small.any() and not blobs.any():
        return image
    # Ink other than the small components, grown by the gap: a small component within it is
    # punctuation or part of a letter.
    big_ink = ((labels > 0) & ~is_small[labels]).astype(np.uint8)
    near = cv2.dilate(big_ink, np.ones((2 * gap + 1, 2 * gap + 1), np.uint8)).astype(bool)
    specks = is_tiny[labels] | (is_small[labels] & ~near) | blobs[labels]
    out = gray.copy()
    out[specks] = np.uint8(paper)
    result = Image.fromarray(out)
    return result if image.mode == "L" else result.convert(image.mode)


def _dust_blobs(gray: np.ndarray, paper: float, binary: np.ndarray, labels: np.ndarray, stats: np.ndarray,
                text_height: float) -> np.ndarray:
    """Which components are dust: solid blots (as thick across as they are wide, as no letter
    is) far thicker than the page's strokes, and no larger than a letter or two. A full stop
    is a blot too, but as thick as the strokes of its text; a bold heading's letters are
    thick, and larger. (Dust blots of 6-10 px beside 14-px text read into the letters they
    touch: 'Островсйий', '030' read 'озе'.)"""
    import cv2

    widths, heights, areas = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    count = len(widths)
    blobs = np.zeros(count, dtype=bool)
    thickness = cv2.distanceTransform(binary, cv2.DIST_L2, 3)
    ink = labels > 0
    radius = np.zeros(count, dtype=np.float32)
    np.maximum.at(radius, labels[ink], thickness[ink])
    letters = (heights >= 0.5 * text_height) & (heights <= 1.5 * text_height)
    letters[0] = False
    if not letters.any():
        return blobs
    stroke = float(np.median(radius[letters]))
    blobs = ((radius >= BLOB_THICKNESS * stroke) & (radius >= BLOB_SOLIDITY * np.minimum(widths, heights))
             & (areas >= BLOB_FILL * widths * heights) & (np.maximum(widths, heights) <= BLOB_SIZE * text_height)
             & (np.minimum(widths, heights) >= BLOB_LEAST * text_height))
    blobs[0] = False
    if not blobs.any():
        return blobs
    # A blot on a grey letter's stroke, lighter than the ink measured above, would take the
    # stroke with it ('Галина' read 'Талина'): only a blot apart from all ink, faint ink too, goes.
    faint = (gray < paper - FAINT_INK).astype(np.uint8)
    _, faint_labels, faint_stats, _ = cv2.connectedComponentsWithStats(faint, connectivity=8)
    # (A blot's pixels all lie in one component of the faint ink, which holds all the ink.)
    in_blobs = blobs[labels]
    joined = np.zeros(count, dtype=np.int32)
    joined[labels[in_blobs]] = faint_labels[in_blobs]
    return blobs & (faint_stats[joined, cv2.CC_STAT_AREA] <= BLOB_APART * areas)


# A dust blot is this many times as thick as the median letter's stroke (its largest inscribed
# circle's radius), this thick for its narrower side (a disc: 0.5; a bold figure's stroke
# against its width: 0.3), fills this much of its box (a disc: 0.79), and is no longer than
# this many text heights. (Measured on the independent generator's speckled SNILS cards: bold
# monospaced values' strokes 2.7 px, their blots 4.6-4.8 px, bold figures 4.8 px at 0.32.)
BLOB_THICKNESS = 1.5
BLOB_SOLIDITY = 0.4
BLOB_FILL = 0.6
BLOB_SIZE = 1.5
# ... and at least this many text heights across: a bold value's full stop, thicker than the
# page's thin captions' strokes, is a fifth of its height or less ('ГОР.' lost its stop, and
# noisy pages read otherwise). (The blots that spoilt the cards' reading measured 0.6-0.8.)
BLOB_LEAST = 0.4
# ... and apart: its faint ink (this many grey levels under the paper) no more than this many
# times its own (the halo of its edges).
FAINT_INK = 25
BLOB_APART = 2.0

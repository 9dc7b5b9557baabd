"""Input files: what they are, their pages, rasters and text layers.

A `Source` is cheap to create and to pickle: it holds the path and facts, never
page rasters. Pages are rendered one at a time where they are read (in the OCR
worker), so a 500-page PDF never sits in memory as images.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from .backends.base import Word
from .errors import InputError, UsageError


class _OnFirstUse:
    """A module imported when first used: Pillow (8-10 ms of start-up) is imported by runs
    that decode or render a page, not by a run of digital PDFs, which only reads text layers."""

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __setattr__(self, attr: str, value) -> None:
        setattr(importlib.import_module(self._name), attr, value)


Image = _OnFirstUse("PIL.Image")
ImageOps = _OnFirstUse("PIL.ImageOps")

IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
}
SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp"}
DEFAULT_MAX_PIXELS = 120_000_000
# Below this many letters and digits a PDF page's text layer is not worth trusting.
MIN_TEXT_LAYER_CHARS = 20

pymupdf.TOOLS.mupdf_display_errors(False)


@dataclass(frozen=True)
class Source:
    path: Path
    media_type: str
    page_count: int
    sha256: str
    pages: tuple[int, ...]  # the 1-based pages selected for processing
    password: str | None = field(default=None, repr=False)
    max_pixels: int = DEFAULT_MAX_PIXELS
    absent: tuple[int, ...] = ()  # pages asked for (--pages) that the file does not have

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"


def parse_page_spec(spec: str | None) -> set[int] | None:
    """'1-3,5' -> {1, 2, 3, 5}; None or '' -> None (all pages)."""
    if not spec:
        return None
    pages: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not match:
            raise UsageError(f"invalid --pages value {spec!r}: use a form like 1-3,5")
        start = int(match.group(1))
        end = int(match.group(2) or start)
        if start < 1:
            raise UsageError(f"invalid page {part!r} in --pages: pages start at 1")
        if end < start:
            raise UsageError(f"invalid page range {part!r} in --pages: it runs backwards (write {end}-{start})")
        pages.update(range(start, end + 1))
    return pages


@dataclass
class Inputs:
    """What `collect_inputs` found: the files in order, each one's output name, and the
    inputs that could not be listed or found (each reported as a failed input)."""

    files: list[Path] = field(default_factory=list)
    # Each file's output path below the output folder, without the format's suffix: its path
    # below the folder named on the command line (the file's own name when named itself),
    # by its stem, or by its whole name where its folder holds another input of that stem
    # ('doc.png' and 'doc.jpg' give 'doc.png' and 'doc.jpg'). A name depends on the file and
    # its folder only, never on what else is in the batch, so `--skip-existing` resumes any run.
    names: dict[Path, Path] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)


def collect_inputs(paths: list[Path], roots: list[Path] = ()) -> Inputs:
    """Files named directly, plus supported files found under named directories (sorted).
    `roots`: folders whose tree the output names mirror besides the directories named (a
    sharded run's jobs are given files, but name them as the whole run would)."""
    found = Inputs()
    shared: dict[Path, set[str]] = {}  # folder -> the stems two of its inputs share (listed once)
    for path in paths:
        if path.is_dir():
            walked, errors = _walk(path)
            found.errors += errors
            for file in walked:
                found.files.append(file)
                found.names[file] = _output_name(file, path, shared)
        else:
            if path.name == "-" or not path.exists() and not path.is_symlink():
                found.errors.append(InputError(f"{path}: no such file or folder"))
                continue
            found.files.append(path)  # unsupported or unreadable files are reported per file
            root = next((r for r in roots if path.resolve().is_relative_to(r.resolve())), None)  # sharded runs
            found.names[path] = _output_name(path, root, shared)
    return found


def _walk(folder: Path) -> tuple[list[Path], list[InputError]]:
    """The supported files under `folder`, sorted, and the folders that could not be listed."""
    errors: list[InputError] = []

    def unreadable(exc: OSError) -> None:
        errors.append(InputError(f"{exc.filename}: cannot read folder ({exc.strerror or exc})"))

    files = []
    for top, folders, names in os.walk(folder, onerror=unreadable):
        folders.sort()
        files += [Path(top, n) for n in names if Path(n).suffix.lower() in SUFFIXES and os.path.isfile(os.path.join(top, n))]
    return sorted(files), errors


def _output_name(file: Path, root: Path | None, shared: dict[Path, set[str]]) -> Path:
    below = Path()
    if root is not None:
        below = (file.relative_to(root) if file.is_relative_to(root)
                 else file.resolve().relative_to(root.resolve())).parent
    if file.parent not in shared:
        shared[file.parent] = _shared_stems(file.parent)
    return below / (file.name if file.stem in shared[file.parent] else file.stem)


def _shared_stems(folder: Path) -> set[str]:
    """The stems that two or more supported inputs in `folder` share."""
    try:
        names = os.listdir(folder)
    except OSError:
        return set()
    counts = Counter(Path(name).stem for name in names if Path(name).suffix.lower() in SUFFIXES)
    return {stem for stem, count in counts.items() if count > 1}


def open_source(
    path: Path,
    pages: set[int] | None = None,
    password: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Source:
    """Identify and check a file; raise InputError with a one-line reason if unusable."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not data:
        raise InputError(f"{path}: empty file")
    digest = hashlib.sha256(data).hexdigest()
    if data[:5] == b"%PDF-":
        media_type, count = "application/pdf", _pdf_page_count(path, password)
    else:
        media_type, count = _image_facts(path, max_pixels)
    selected = tuple(sorted(p for p in (pages or range(1, count + 1)) if 1 <= p <= count))
    if not selected:
        raise InputError(f"{path}: none of the pages asked for (--pages) exist: it has {_pages(count)}")
    absent = tuple(sorted(p for p in pages or () if p > count))
    return Source(path, media_type, count, digest, selected, password, max_pixels, absent)


def _pages(count: int) -> str:
    return f"{count} page{'s' * (count != 1)}"


def absent_pages_notice(source: Source) -> str | None:
    """What a user is told of pages asked for that the file does not have."""
    if not source.absent:
        return None
    shown = ", ".join(map(str, source.absent[:5])) + (", ..." if len(source.absent) > 5 else "")
    return f"--pages: page{'s' * (len(source.absent) != 1)} {shown} not read: the file has {_pages(source.page_count)}"


def _pdf_page_count(path: Path, password: str | None) -> int:
    try:
        with pymupdf.open(path) as doc:
            if doc.needs_pass:
                if password is None:
                    raise InputError(f"{path}: encrypted PDF; give its password with --password")
                if not doc.authenticate(password):
                    raise InputError(f"{path}: wrong password for encrypted PDF")
            count = doc.page_count
    except InputError:
        raise
    except Exception as exc:  # pymupdf raises its own types for damaged files
        raise InputError(f"{path}: unreadable or damaged PDF ({_short(exc)})") from None
    if count == 0:
        raise InputError(f"{path}: PDF has no pages")
    return count


def _image_facts(path: Path, max_pixels: int) -> tuple[str, int]:
    with _opened_image(path, max_pixels) as image:
        media_type = IMAGE_TYPES.get(image.format or "")
        if media_type is None:
            raise InputError(
                f"{path}: unsupported file type {image.format or path.suffix!r} "
                "(PDF, PNG, JPEG, TIFF, WEBP, BMP are supported)"
            )
        frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
    # Pixels are decoded once, by the worker that reads the page (a truncated file fails there
    # with the same message); decoding here too cost the main process a fifth of a second a page.
    return media_type, frames


class _opened_image:
    """Image.open with the decompression-bomb guard and errors as InputError."""

    def __init__(self, path: Path, max_pixels: int):
        self.path, self.max_pixels = path, max_pixels
        self.keep_pixels = False  # on exit close only the file: the decoded image is still used

    def __enter__(self) -> Image.Image:
        Image.MAX_IMAGE_PIXELS = None  # our own limit below, checked before decoding
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.image = Image.open(self.path)
        except Image.UnidentifiedImageError:
            raise InputError(
                f"{self.path}: unsupported or unrecognised file type "
                "(PDF, PNG, JPEG, TIFF, WEBP, BMP are supported)"
            ) from None
        except OSError as exc:
            raise InputError(f"{self.path}: unreadable image ({_short(exc)})") from None
        width, height = self.image.size
        if width * height > self.max_pixels:
            self.image.close()
            raise InputError(
                f"{self.path}: image is {width}x{height} = {width * height / 1e6:.0f} MP, "
                f"over the {self.max_pixels / 1e6:.0f} MP limit (--pixel-limit)"
            )
        return self.image

    def __exit__(self, *exc) -> None:
        if not self.keep_pixels:
            self.image.close()
        elif getattr(self.image, "fp", None) is not None:  # a multi-frame file keeps it open
            self.image.fp.close()


@dataclass
class Raster:
    image: Image.Image  # 8-bit RGB or L, upright as the file says (EXIF applied)
    dpi: int | None


def render_page(source: Source, page: int, dpi: int | None, gray: bool = False) -> Raster:
    """The page as an 8-bit image: PDFs rasterised at `dpi` (None: a scanned page at its
    image's own resolution, see `scan_dpi`, other pages at 300), images decoded as stored;
    grey if `gray` (an engine that reads grey then holds a third of the memory), else in
    colour (a stamp's ink is told from the text it covers by its colour: reading.stamps)."""
    if source.is_pdf:
        with _open_pdf(source) as doc:
            if dpi is None:
                dpi = scan_dpi(doc[page - 1]) or DEFAULT_DPI
            pixmap = doc[page - 1].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY if gray else pymupdf.csRGB)
            # From the pixmap's own buffer: `samples` would be one more page-sized copy.
            image = Image.frombytes("L" if gray else "RGB", (pixmap.width, pixmap.height), pixmap.samples_mv)
            del pixmap
        # MuPDF keeps decoded page images in a store of up to 256 MB per process; a worker
        # rendering a scanned PDF page after page would fill it for nothing.
        pymupdf.TOOLS.store_shrink(100)
        return Raster(image, dpi)
    opened = _opened_image(source.path, source.max_pixels)
    with opened as image:
        if page > 1:
            image.seek(page - 1)
        try:
            image.load()
            image_dpi = image.info.get("dpi")
            # In place, and no copy of an image already 8-bit: each copy of a 300 dpi scan
            # cost 15 ms a page.
            ImageOps.exif_transpose(image, in_place=True)
            converted = to_8bit(image)
            if gray and converted.mode != "L":
                converted = converted.convert("L")
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"{source.path}: unreadable or truncated image ({_short(exc)})") from None
        opened.keep_pixels = converted is image
    return Raster(converted, _sane_dpi(image_dpi))


def scan_dpi(pdf_page) -> int | None:
    """The resolution of a scanned PDF page: that of the one image covering it, or None for a
    page that is not one image. A scan read at its own resolution reads better than one
    resampled to 300 dpi (measured on 200-dpi scans with specks: 0.61 of fields right at 300,
    0.93 at 200), and costs less."""
    area = abs(pdf_page.rect)
    if not area:
        return None
    images = [info for info in pdf_page.get_image_info() if abs(pymupdf.Rect(info["bbox"]) & pdf_page.rect) >= 0.6 * area]
    if len(images) != 1:
        return None
    image = images[0]
    bbox = pymupdf.Rect(image["bbox"])
    if not bbox.width or not bbox.height:
        return None
    # Pixels per inch along the longer side of the image as placed (it may be turned).
    long_px = max(image["width"], image["height"])
    long_in = max(bbox.width, bbox.height) / 72.0
    return min(MAX_SCAN_DPI, max(MIN_SCAN_DPI, round(long_px / long_in)))


DEFAULT_DPI = 300  # PDF pages other than scans: vector text rendered for OCR
MIN_SCAN_DPI, MAX_SCAN_DPI = 72, 600  # a scan's own resolution is kept within these


def upright_raster(source: Source, page: int, dpi: int | None, rotation: int = 0, gray: bool = False) -> Image.Image:
    """The page image turned as OCR turned it (`rotation`, degrees clockwise): the image a
    page's boxes describe."""
    image = render_page(source, page, dpi, gray).image
    return image.rotate(-rotation, expand=True) if rotation else image


def to_8bit(image: Image.Image) -> Image.Image:
    """CMYK, 16-bit, palette and alpha images as 8-bit RGB or L on white (an 8-bit RGB or L
    image is returned as it is)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        import numpy as np

        array = np.asarray(image, dtype=np.float64)
        if array.max() > 255:  # stretch the used range (12- or 16-bit scans) onto 8 bits
            array = array * (255.0 / array.max())
        return Image.fromarray(array.clip(0, 255).astype("uint8"))
    if image.mode == "F":
        return image.convert("L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    if image.mode in ("L", "RGB"):
        return image
    return image.convert("RGB")  # CMYK, YCbCr, LAB, 1-bit


def _sane_dpi(value) -> int | None:
    try:
        dpi = round(float(value[0]))
    except (TypeError, ValueError, IndexError):
        return None
    return dpi if 50 <= dpi <= 2400 else None


def text_layer(source: Source, page: int, dpi: int) -> tuple[list[Word], int, int] | None:
    """Words of a PDF page's own text layer in pixels at `dpi`, or None if it has none worth using."""
    if not source.is_pdf:
        return None
    scale = dpi / 72.0
    with _open_pdf(source) as doc:
        pdf_page = doc[page - 1]
        # Lines are ordered later (sort=True costs ~2 ms a page); ligatures come as their letters.
        raw = pdf_page.get_text("words", flags=TEXT_FLAGS)
        rect = pdf_page.rect
        width = round(rect.width * scale)
        height = round(rect.height * scale)
        usable = sum(map(str.isalnum, "".join([w[4] for w in raw])))
        if usable < MIN_TEXT_LAYER_CHARS:
            return None
        conf = INVISIBLE_LAYER_CONF if _invisible_layer(pdf_page) else 100.0
    # (x0, y0, x1, y1, word, block, line, word number): positional arguments, unpacked in the
    # loop (measured on invoices: 0.18 -> 0.15 ms a page).
    words = [
        Word(text.translate(_DASHES), (round(x0 * scale), round(y0 * scale), round(x1 * scale), round(y1 * scale)),
             conf, (block, line))
        for x0, y0, x1, y1, text, block, line, _ in raw
    ]
    return words, width, height


# A text layer drawn invisibly (render mode 3) over a page image is what OCR software leaves:
# an OCR reading of unknown quality, trusted as a middling OCR word is, never as printed text.
INVISIBLE_LAYER_CONF = 60.0


def _invisible_layer(pdf_page) -> bool:
    """Whether most of the page's text is drawn invisibly over an image (OCR software's layer).
    A page without images has none: its text is what is printed (no trace is taken)."""
    if not pdf_page.get_images():
        return False
    spans = pdf_page.get_texttrace()
    hidden = sum(len(span["chars"]) for span in spans if span["type"] == 3 or span.get("opacity", 1.0) == 0)
    return hidden * 2 > sum(len(span["chars"]) for span in spans)


# What MuPDF gives by default for words, less TEXT_PRESERVE_LIGATURES ('ﬁ' comes as 'fi').
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE
# A font's hyphen glyph is often mapped to the soft hyphen (U+00AD) in the PDF's ToUnicode
# table, so that 'Ростов-на-Дону' extracts as 'Ростов\xadна\xadДону'; printed hyphens and
# dashes of other code points read as the ASCII hyphen that patterns and values expect.
_DASHES = str.maketrans({"\u00ad": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-",
                         "\u00a0": " "})


class _open_pdf:
    def __init__(self, source: Source):
        self.source = source

    def __enter__(self) -> pymupdf.Document:
        self.doc = pymupdf.open(self.source.path)
        if self.doc.needs_pass:
            self.doc.authenticate(self.source.password or "")
        return self.doc

    def __exit__(self, *exc) -> None:
        self.doc.close()


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__

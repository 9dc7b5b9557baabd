"""One page read: its text layer, or its raster conditioned and read by the engine, then the
follow-up re-reads for the type the page looks like."""

from __future__ import annotations

import time
from dataclasses import replace

from ..backends.base import Backend, PageText, Word, turned_box
from ..backends.text_layer import TextLayerBackend
from ..classify import Classification, classify
from ..doctypes import DocType
from ..fields.locate import Found
from ..sources import DEFAULT_DPI, Source, render_page, upright_raster
from . import follow_up
from .second_look import read_again, read_thresholded_locally, take_second_look
from .vertical_fields import read_vertical_fields, vertical_field_missing


def read_page(source: Source, number: int, backend: Backend | None, doctypes: dict[str, DocType], *,
              dpi: int | None, doc_type: str = "auto", force_ocr: bool = False,
              locator: Backend | None = None) -> PageText:
    """Page `number` of `source` as words with boxes. `dpi`: the resolution PDF pages are
    rendered at (None: a scanned page at its own image's resolution, other pages at 300)."""
    timings: dict[str, float] = {}
    if not force_ocr and source.is_pdf:
        started = time.perf_counter()
        layer = TextLayerBackend().read_page(source, number, dpi or DEFAULT_DPI)
        timings["text_layer"] = time.perf_counter() - started
        if layer is not None:
            layer.seconds = timings
            return layer
    if backend is None:
        return PageText(number, 0, 0, dpi, "none", [], seconds=timings)
    abilities = backend.capabilities
    started = time.perf_counter()
    # Grey for an engine that reads grey: a third of the memory, and the photographed page is
    # found on its table as well in grey (40 of 40 generated photos either way).
    # An engine whose pages are conditioned gets them in colour where they are: the colour of
    # a stamp's or a signature's ink tells it from the black text it covers (reading.stamps);
    # conditioning turns them grey.
    raster = render_page(source, number, dpi, gray=abilities.gray and not abilities.conditions)
    timings["rasterize"] = time.perf_counter() - started
    reference: list[Word] = []
    rotation = 0
    if locator is not None:
        started = time.perf_counter()
        reference, rotation = locator.read(raster.image, raster.dpi)
        timings["ocr"] = time.perf_counter() - started
    width, height = raster.image.size
    if rotation in (90, 270):
        width, height = height, width
    if abilities.kind == "answerer":
        # Questions are asked when the document type is known; OCR words, if any, give boxes.
        return PageText(number, width, height, raster.dpi, "vlm", reference, rotation, timings)
    image = given = raster.image.rotate(-rotation, expand=True) if rotation else raster.image
    conditioning = None
    page_dpi = raster.dpi
    if abilities.conditions:
        from . import condition  # numpy and OpenCV: only runs that OCR import them

        started = time.perf_counter()
        image, conditioning = condition.condition_page(image, raster.dpi)
        width, height = image.size
        page_dpi = conditioning.dpi
        timings["condition"] = time.perf_counter() - started
    reading = "vlm" if abilities.in_process else "ocr"
    started = time.perf_counter()
    words, turned = backend.read(image, page_dpi)
    timings[reading] = time.perf_counter() - started
    if rotation == 0 and turned in (90, 270):
        width, height = height, width
    page = PageText(number, width, height, page_dpi, abilities.text_source, words, rotation or turned, timings,
                    reference_words=reference, conditioning=conditioning)
    if page.text_source == "ocr":
        # The follow-up reads need this page's raster, which this worker holds now: do them
        # here for the type the page looks like, rather than render it again for each.
        started = time.perf_counter()
        upright = image.rotate(-turned, expand=True) if turned else image
        first = classify(page, doctypes)
        page.claimed = first if first.doc_type in doctypes else None
        guess = doctypes.get(doc_type) or _likeliest(first, doctypes)
        # A page no type claims, read once more each way in turn until a type claims it: small
        # print (a blurred 80-dpi passport page: 'Hlaenepr выде:') read larger and sharper, then
        # faint print on a tinted page that one threshold for the page lost, read with local ones.
        rereads = (lambda: read_again(page, raster.image, backend),
                   lambda: read_thresholded_locally(page, image, backend))
        for reread in rereads:
            if guess is not None or rotation:
                break
            if (again := reread()) is not None and (guess := _likeliest(classify(again[0], doctypes), doctypes)):
                page, upright = again
                page.reference_words = reference
        if guess is not None:
            follow_up(page, upright, guess, backend)
            if conditioning is not None and conditioning.stamps and vertical_field_missing(page, guess):
                # Printed in coloured ink (a passport's red number), it went with the stamps.
                inked = condition.apply(given, replace(conditioning, stamps=False))
                read_vertical_fields(page, inked.rotate(-turned, expand=True) if turned else inked, guess, backend)
            if not rotation:
                take_second_look(page, raster.image, guess, backend)
        timings[reading] += time.perf_counter() - started
    return page


def _likeliest(found: Classification, doctypes: dict[str, DocType]) -> DocType | None:
    """The type a page is read again for: the one it was classified as, or, where none reached
    its threshold, the one whose phrases alone scored most. A faxed passport page whose values
    on their dotted lines were lost kept only its labels (passport 2.5 of 3): its values are
    what the follow-up reads find, and what then tells its type."""
    if found.doc_type in doctypes:
        return doctypes[found.doc_type]
    ranked = sorted(found.scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] <= 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return doctypes.get(ranked[0][0])


def page_raster(source: Source, page: PageText, gray: bool = False):
    """The page image exactly as its words' boxes describe it: conditioned as it was for
    reading (until `to_page_pixels`), turned as OCR turned it."""
    conditioning = page.conditioning
    if conditioning is None:
        return upright_raster(source, page.page, page.dpi, page.rotation, gray)
    from . import condition

    image = condition.apply(render_page(source, page.page, conditioning.page_dpi, gray and not conditioning.stamps).image,
                            conditioning)
    return image.rotate(-page.rotation, expand=True) if page.rotation else image


def to_page_pixels(pages: list[PageText], found: dict[str, Found]) -> None:
    """Words and values read on conditioned pages, put back on the pages as given (in place):
    on the page turned as OCR turned it, which is what `pages[]` in the output describes."""
    for page in pages:
        conditioning = page.conditioning
        if conditioning is None:
            continue
        if not conditioning.identity:
            def to_page(box, page=page, conditioning=conditioning):
                # Unturned onto the conditioned image, onto the page, turned as it was read.
                box = turned_box(box, (360 - page.rotation) % 360, (page.width, page.height))
                return turned_box(conditioning.to_page(box), page.rotation, conditioning.page_size)

            for field_id, value in found.items():
                if value.page == page.page and value.bbox is not None:
                    found[field_id] = replace(value, bbox=to_page(value.bbox))
            page.words = [replace(w, bbox=to_page(w.bbox)) for w in page.words]
            width, height = conditioning.page_size
            page.width, page.height = (height, width) if page.rotation in (90, 270) else (width, height)
            page.dpi = conditioning.page_dpi
        page.conditioning = None


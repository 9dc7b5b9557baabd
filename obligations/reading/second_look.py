"""A page whose fields are still missing or invalid after the follow-up reads is read once more,
whole, larger and sharper; each such field the second reading gives valid is taken from it,
with its row, where that changes no value the first reading gave valid.

Blurred small print (a phone's photo of a page, a scan out of focus at 100-150 dpi) reads as
fragments at the size the page is conditioned to: labels lost, names in pieces. The same page
read at a larger text size with its edges steepened reads most of them (a blurred 121-dpi
passport page: 5 of 10 fields right, read again 10 of 10). Taking the whole second reading
instead of the first was also tried: more fields right, but values the first reading had right
lost ('2008' read '2003'), and no value may change silently. Pages whose fields were all found
valid pay nothing."""

from __future__ import annotations

from dataclasses import replace

from ..backends.base import Backend, Box, PageText
from ..doctypes import DocType
from .regions import located, on_page, swapped_in


def read_again(page: PageText, raster, backend: Backend):
    """The page read a second time, whole, larger and sharper (`condition.second_look`), with
    the image it was read from turned upright; None where that would not change it much, or
    `page` is such a reading already. `raster`: the page as given, upright as the file says."""
    from . import condition  # numpy and OpenCV: only pages that are read import them

    if page.conditioning is None or page.conditioning.sharpen:
        return None
    conditioning = condition.second_look(page.conditioning)
    if conditioning is None:
        return None
    image = condition.apply(raster, conditioning)
    return _reading(page, image, backend.read(image, conditioning.dpi), conditioning.dpi, conditioning)


def read_thresholded_locally(page: PageText, image, backend: Backend):
    """The page read again from the image it was first read from (`image`, conditioned),
    binarised by local thresholds, with that image turned upright; None where the engine has
    no such reading."""
    if not backend.capabilities.thresholds_locally:
        return None
    return _reading(page, image, backend.read_thresholded_locally(image, page.dpi), page.dpi, page.conditioning)


def _reading(page: PageText, image, read: tuple, dpi, conditioning):
    """Another reading of `page` (`read`: its words and the turn the engine gave them, from
    `image` at `dpi`) and that image turned upright."""
    words, turned = read
    upright = image.rotate(-turned, expand=True) if turned else image
    return PageText(page.page, upright.width, upright.height, dpi, page.text_source, words, turned,
                    page.seconds, conditioning=conditioning), upright


def take_second_look(page: PageText, raster, doctype: DocType, backend: Backend) -> None:
    """Fields of `doctype` missing or invalid on `page` (read from `raster`, the page as given,
    upright as the file says) taken from a second reading where it gives them valid. The
    second reading is followed up as the first was."""
    from . import follow_up

    if page.conditioning is None:
        return  # an engine that reads pages as they are
    first = located(doctype, page)
    wanted = [spec.id for spec in doctype.fields if first[spec.id].value is None or not first[spec.id].valid]
    again = read_again(page, raster, backend) if wanted else None
    if again is None or again[0].rotation != page.rotation:
        return  # (read turned another way: its boxes are not this reading's)
    second, upright = again
    follow_up(second, upright, doctype, backend)
    found = located(doctype, second)
    ratio = page.conditioning.scale / second.conditioning.scale
    theirs = [replace(w, bbox=_scaled_box(w.bbox, ratio), line=_own_line(w.line)) for w in second.words]
    for field_id in wanted:
        value = found[field_id]
        if value.value is None or not value.valid or value.bbox is None:
            continue
        band = _row_band(_scaled_box(value.bbox, ratio), page)
        trial = replace(page, words=swapped_in(page.words, theirs, band))
        now = located(doctype, trial)
        kept = all(now[f].value == v.value for f, v in first.items() if v.value is not None and v.valid)
        if kept and now[field_id].value is not None and now[field_id].valid:
            page.words = trial.words
            first = located(doctype, page)


def _own_line(line):
    """A second reading's line key: never that of a first reading's line (their words would be
    joined as one line), and still saying where it was read ('region', 'block') first."""
    if isinstance(line, tuple) and line and isinstance(line[0], str):
        return (line[0], "second", line[1:])
    return ("second", line)


def _row_band(box: Box, page: PageText) -> Box:
    """The rows a value stands on, across the page, with a row's height above and below:
    where its label is printed, beside it or over or under it."""
    height = box[3] - box[1]
    return on_page((0, box[1] - height, page.width, box[3] + height), page)


def _scaled_box(box: Box, ratio: float) -> Box:
    return tuple(round(v * ratio) for v in box)

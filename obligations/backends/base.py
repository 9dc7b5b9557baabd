"""What every engine gives the pipeline: words with boxes, grouped into lines.

A backend turns one page raster into a `PageText`. The field locator, the
classifier and the writers only ever see `PageText`, whichever engine made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Hashable, Protocol

if TYPE_CHECKING:  # only annotations here: a run of digital PDFs never imports Pillow
    from PIL import Image

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels


@dataclass(frozen=True)
class Word:
    text: str
    bbox: Box
    conf: float  # 0..100
    line: Hashable  # words sharing this key are one printed line


@dataclass
class PageText:
    page: int
    width: int
    height: int
    dpi: int | None
    text_source: str  # "text_layer" | "ocr" | "vlm"
    words: list[Word]
    rotation: int = 0  # degrees the raster was turned clockwise to stand upright
    seconds: dict[str, float] = field(default_factory=dict)
    # Tesseract's words when a model without boxes read the page: used only to box its values.
    reference_words: list[Word] = field(default_factory=list)
    followed_up: str | None = None  # the document type whose follow-up reads were done (reading)
    # (field id, box, value) of figures read a second time, in Latin script (reading.figures)
    figures_read_again: list[tuple[str, Box, str]] = field(default_factory=list)
    # How the page was conditioned before it was read (reading.condition): boxes are on the
    # conditioned image until reading.page.to_page_pixels puts them back on the page.
    conditioning: Any = None
    # The classification of the page's first reading, where a type's phrases claimed it
    # (reading.page): a follow-up read of its title's line may lose what claimed it.
    claimed: Any = None

    @property
    def text(self) -> str:
        """The words as lines of text, in reading order (kept until `words` is set again)."""
        if "_text" not in self.__dict__:
            self.__dict__["_text"] = "\n".join(" ".join(w.text for w in line) for line in group_lines(self.words))
        return self.__dict__["_text"]

    def __setattr__(self, name: str, value) -> None:
        if name == "words":  # the words are only ever replaced whole, never changed in place
            self.__dict__.pop("_text", None)
            self.__dict__.pop("_located", None)  # fields found among them (reading.regions.located)
        super().__setattr__(name, value)


def union_box(boxes) -> Box:
    """The smallest box holding all of `boxes`."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def inside(box, outer) -> bool:
    """Whether the centre of `box` lies in `outer`."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


def turned_box(box: Box, rotation: int, size: tuple[int, int]) -> Box:
    """A box on an image of `size`, on that image turned `rotation` degrees clockwise (0, 90,
    180 or 270)."""
    x0, y0, x1, y1 = box
    width, height = size
    if rotation == 90:
        return (height - y1, x0, height - y0, x1)
    if rotation == 180:
        return (width - x1, height - y1, width - x0, height - y0)
    if rotation == 270:
        return (y0, width - x1, y1, width - x0)
    return box


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped by line key, lines in reading order (top to bottom, then left to right)."""
    lines: dict[Hashable, list[Word]] = {}
    for word in words:
        line = lines.get(word.line)
        if line is None:
            lines[word.line] = [word]
        else:
            line.append(word)
    # Vertical lines (read from an edge strip turned upright) keep the order they were read in.
    # What runs_vertically and the sort below would measure, measured once per line.
    ordered, keys = [], []
    for line in lines.values():
        if len(line) == 1:
            bbox = line[0].bbox
            ordered.append(line)
            keys.append((bbox[1], bbox[0]))
            continue
        boxes = [w.bbox for w in line]
        x0, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        if max(b[3] for b in boxes) - top > 2 * (max(b[2] for b in boxes) - x0):  # runs vertically
            ordered.append(line)
            keys.append((top, boxes[0][0]))
        else:
            ordered.append(sorted(line, key=_left))
            keys.append((top, x0))  # the leftmost word's x0 opens the sorted line
    order = sorted(range(len(ordered)), key=keys.__getitem__)  # stable, as sorting the lines was
    return [ordered[i] for i in order]


def _left(word: Word) -> int:
    return word.bbox[0]


def mean_confidence(words: list[Word]) -> float:
    """Mean confidence of the words that hold a letter or digit (0 when none do)."""
    scored = [w.conf for w in words if any(c.isalnum() for c in w.text)]
    return sum(scored) / len(scored) if scored else 0.0


def runs_vertically(line: list[Word]) -> bool:
    """Whether a line's words stand one above the other, or its one word is printed turned."""
    if len(line) == 1:
        x0, y0, x1, y1 = line[0].bbox
        return len(line[0].text) >= 3 and y1 - y0 > 2 * (x1 - x0)
    boxes = [w.bbox for w in line]
    width = max(b[2] for b in boxes) - min(b[0] for b in boxes)
    height = max(b[3] for b in boxes) - min(b[1] for b in boxes)
    return height > 2 * width


@dataclass(frozen=True)
class BackendInfo:
    service: str
    model: str | None
    device: str
    precision: str | None
    reason: str


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, declared once by its class, asked by the pipeline and server."""

    kind: str = "reader"  # "reader": reads a page's words; "answerer": answers questions about a page
    text_source: str = "ocr"  # what its words are: "ocr" (read again in regions by the follow-ups) or "vlm"
    in_process: bool = False  # reads in the main process (one copy of a model's weights), not in workers
    gray: bool = False  # reads grey rasters: pages may be rendered grey (a third of the memory)
    boxes: bool = True  # its words carry their boxes on the page
    regions: bool = False  # reads regions again: read_sparse and read_inked (the follow-up re-reads)
    conditions: bool = False  # wants pages conditioned (rescaled, despeckled) before reading
    thresholds_locally: bool = False  # read_thresholded_locally(): a page binarised by local (Sauvola) thresholds
    preloads: bool = False  # load_engines() before workers fork, so they share one copy
    generates: bool = False  # generate(): a batch of prompts with images (the server's /chat)
    loads: bool = False  # load() of model weights at start-up (loaded while `_model` is set)
    remote: bool = False  # reads over the network: pages go out several at a time (threads), in this process


class Backend(Protocol):
    """An engine behind the pipeline. Instances must pickle: they travel to workers."""

    service: str
    capabilities: Capabilities

    def info(self) -> BackendInfo: ...


class Reader(Backend, Protocol):
    """An engine that reads page rasters into words (capabilities.kind == "reader")."""

    def read(self, image: Image.Image, dpi: int | None = None, lang: str | None = None) -> tuple[list[Word], int]:
        """Words of an upright-or-rotated page and the rotation (0/90/180/270) it applied."""
        ...

    def read_region(self, image: Image.Image, box: Box, angle: int, lang: str | None = None,
                    flatten: bool = False, keep_rules: bool = False) -> list[Word]:
        """Words in `box` of `image` after turning the crop by `angle` degrees counter-clockwise
        (in `lang` if given, paper tint evened out if `flatten`, a turned crop's rules left on
        it if `keep_rules`); boxes in the page's pixels."""
        ...


@dataclass(frozen=True)
class ChatItem:
    image: Image.Image
    prompt: str
    system: str | None = None
    more_images: tuple = ()  # images after the first, in the order the message gave them

    @property
    def images(self) -> list:
        return [self.image, *self.more_images]


@dataclass(frozen=True)
class Answer:
    text: str
    confidence: float  # 0..1: the mean probability of the answer's tokens
    input_size: tuple[int, int] | None = None  # the image size the model saw (width, height)
    prompt_tokens: int | None = None  # tokens the model read (text and image), where it counts them
    completion_tokens: int | None = None  # tokens it wrote


class Answerer(Backend, Protocol):
    """An engine that answers questions about a page image (capabilities.kind == "answerer")."""

    def chat(self, image: Image.Image, prompts: list[str], system: str | None = None,
             max_new_tokens: int = 64) -> list[Answer]: ...

    def generate(self, items: list[ChatItem], max_new_tokens: int = 64) -> list[Answer]: ...

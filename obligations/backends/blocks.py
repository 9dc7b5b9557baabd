"""Words from text blocks that a reader locates only as a whole.

Page-parsing models (DeepSeek-OCR, dots.ocr) return a bounding box per block —
a paragraph, a title, a table — with its text as Markdown or HTML, not a box per
word. The field locator works on words in lines, so a block's printed lines are
laid out evenly over its box and each line's words over the line, in proportion
to their length: coarse, but lines keep their reading order and a value's box
stays inside its block.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Hashable

from .base import Box, Word

__all__ = ["VLM_CONFIDENCE", "words_from_block", "markdown_lines", "html_table_lines", "clip_box"]

# Page-parsing models report no confidence; their words count as fairly sure ones.
VLM_CONFIDENCE = 90.0


def clip_box(box: tuple[float, float, float, float], width: int | None = None,
             height: int | None = None) -> Box:
    """`box` as whole pixels, corners in order, inside [0, width] x [0, height] (when given),
    at least one pixel wide and tall."""
    x0, x1 = sorted((box[0], box[2]))
    y0, y1 = sorted((box[1], box[3]))
    x0, y0, x1, y1 = (max(0, round(v)) for v in (x0, y0, x1, y1))
    if width is not None:
        x0, x1 = min(x0, max(width - 1, 0)), min(x1, width)
    if height is not None:
        y0, y1 = min(y0, max(height - 1, 0)), min(y1, height)
    return x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)


def words_from_block(text: str, box: Box, line_prefix: Hashable, conf: float) -> list[Word]:
    """Words of `text` (one printed line per line of text; blank lines skipped) spread over `box`:
    lines share its height evenly, a line's words share its width in proportion to their
    characters, spaces counted. Line i gets the line key (line_prefix, i)."""
    lines = [line.split() for line in text.splitlines()]
    lines = [words for words in lines if words]
    if not lines:
        return []
    x0, y0, x1, y1 = clip_box(box)
    line_height = (y1 - y0) / len(lines)
    words: list[Word] = []
    for i, line in enumerate(lines):
        top = y0 + round(i * line_height)
        bottom = max(y0 + round((i + 1) * line_height), top + 1)
        total = sum(len(w) for w in line) + len(line) - 1
        start = 0
        for word in line:
            left = x0 + round((x1 - x0) * start / total)
            right = max(x0 + round((x1 - x0) * (start + len(word)) / total), left + 1)
            words.append(Word(word, (left, top, right, bottom), conf, (line_prefix, i)))
            start += len(word) + 1
    return words


# --------------------------------------------------------------------------
# Markdown and HTML to printed lines
# --------------------------------------------------------------------------

_TABLE = re.compile(r"<table\b.*?(?:</table\s*>|\Z)", re.I | re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_BOLD = re.compile(r"(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_])\1")
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_STRIKE = re.compile(r"~~(.+?)~~")
_CODE = re.compile(r"`+([^`]*)`+")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_LINE_MARKS = re.compile(r"^\s*(?:#{1,6}(?=\s|$)|>+|[-*+•](?=\s))\s*")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MATH_DELIMITERS = re.compile(r"\$\$|\\[()\[\]]")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def markdown_lines(text: str) -> list[str]:
    """The printed lines of a Markdown/HTML block: heading, list and quote marks, emphasis,
    links, images and tags removed; an HTML table gives one line per row; a pipe table row
    gives its cells separated by spaces."""
    lines: list[str] = []
    pos = 0
    for table in _TABLE.finditer(text):
        lines += _plain_lines(text[pos : table.start()])
        lines += html_table_lines(table[0])
        pos = table.end()
    lines += _plain_lines(text[pos:])
    return lines


def _plain_lines(text: str) -> list[str]:
    text = _IMAGE.sub(" ", text)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    lines = []
    for line in text.splitlines():
        if _RULE.match(line) or _TABLE_SEPARATOR.match(line):
            continue
        if line.strip().startswith("|"):
            line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        line = _LINE_MARKS.sub("", line)
        line = _LINK.sub(r"\1", line)
        line = _TAG.sub(" ", line)
        for pattern in (_BOLD, _STRIKE):
            line = pattern.sub(lambda m: m[m.lastindex], line)
        line = _ITALIC_STAR.sub(r"\1", line)
        line = _ITALIC_UNDERSCORE.sub(r"\1", line)
        line = _CODE.sub(r"\1", line)
        line = _MATH_DELIMITERS.sub(" ", line)
        line = _ESCAPED.sub(r"\1", line)
        line = " ".join(html.unescape(line).split())
        if line:
            lines.append(line)
    return lines


class _TableRows(HTMLParser):
    """Collects an HTML table's rows as lists of cell texts; text outside cells (a caption)
    becomes a row of its own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._loose: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "tr":
            self._end_row()
            self._flush_loose()
            self._row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._flush_loose()
                self._row = []
            self._cell = []
        elif tag == "br":
            self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table", "thead", "tbody", "tfoot"):
            self._end_row()

    def handle_data(self, data: str) -> None:
        (self._cell if self._cell is not None else self._loose).append(data)

    def close(self) -> None:
        super().close()
        self._end_row()
        self._flush_loose()

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self.rows.append(self._row)
        self._row = None

    def _flush_loose(self) -> None:
        loose = " ".join("".join(self._loose).split())
        if loose:
            self.rows.append([loose])
        self._loose = []


def html_table_lines(table_html: str) -> list[str]:
    """One line per <tr> of an HTML table (cells joined by spaces; empty rows dropped).
    A table cut short still gives the rows it has."""
    parser = _TableRows()
    parser.feed(table_html)
    parser.close()
    lines = []
    for row in parser.rows:
        line = " ".join(" ".join(_plain_lines(cell)) for cell in row if cell)
        line = " ".join(line.split())
        if line:
            lines.append(line)
    return lines

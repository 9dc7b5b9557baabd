"""Reading the JSON that language models write, which is often not quite JSON.

Models wrap it in prose or code fences, quote with ' instead of ", leave keys
unquoted, write Python's None/True, leave trailing commas, put unescaped quotes
inside strings (ООО "Ромашка") and stop mid-way when they run out of tokens.
`read_json_prefix` reads all of that without raising; what a cut-off output left
unfinished comes back as a `PartialDict`/`PartialList`, so a caller can keep the
complete members and ignore an unfinished one.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["PartialDict", "PartialList", "read_json_prefix", "json_candidates", "strip_code_fences"]


class PartialDict(dict):
    """An object the text ended inside: it holds only the members that were complete."""


class PartialList(list):
    """An array the text ended inside: it holds only the elements that were complete."""


class _Cut(Exception):
    """The text ended inside a value; `partial` is what of it was complete (None if nothing)."""

    def __init__(self, partial: Any = None):
        super().__init__("text ended inside a value")
        self.partial = partial


_WORDS = {"null": None, "none": None, "nil": None, "true": True, "false": False}
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/", "\\": "\\", '"': '"', "'": "'"}
_OPENING_QUOTES = "\"'“„”"
# What may follow the comma after a string's closing quote: the next member or element.
_NEXT_MEMBER = re.compile(r"""$|//|["'“„”{\[\]}\d-]|(?i:null|none|true|false)\b|[A-Za-z_][\w\- ]*:""")
# A next key right after a closing quote, its comma forgotten: "a": "x" "b": "y".
_NEXT_KEY = re.compile(r"""["'][^"'\n]*["']\s*:""")
_CLOSING_FOR = {'"': '"', "'": "'", "“": "”", "„": "“", "”": "”"}


class _Reader:
    def __init__(self, text: str, numbers_as_text: bool):
        self.text = text
        self.pos = 0
        self.numbers_as_text = numbers_as_text

    def skip_space(self) -> None:
        text = self.text
        while self.pos < len(text):
            if text[self.pos].isspace():
                self.pos += 1
            elif text.startswith("//", self.pos):  # models sometimes annotate a member
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                break

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self) -> Any:
        ch = self.peek()
        if not ch:
            raise _Cut()
        if ch == "{":
            return self.object()
        if ch == "[":
            return self.array()
        if ch in _OPENING_QUOTES:
            return self.string()
        return self.bare_word(stops=",}]\n")

    def object(self) -> dict:
        self.pos += 1
        members: dict = {}
        while True:
            ch = self.peek()
            if not ch:
                raise _Cut(PartialDict(members))
            if ch == "}":
                self.pos += 1
                return members
            if ch == ",":
                self.pos += 1
                continue
            try:
                key = self.string() if ch in _OPENING_QUOTES else self.bare_word(stops=":,}\n")
            except _Cut:
                raise _Cut(PartialDict(members)) from None
            if self.peek() == ":":
                self.pos += 1
            elif not self.peek():
                raise _Cut(PartialDict(members))
            else:  # a key without a value: skip it
                continue
            try:
                value = self.value()
            except _Cut as cut:
                if isinstance(cut.partial, (dict, list)):
                    members.setdefault(str(key), cut.partial)
                raise _Cut(PartialDict(members)) from None
            members.setdefault(str(key), value)  # a repeated key keeps its first value

    def array(self) -> list:
        self.pos += 1
        items: list = []
        while True:
            ch = self.peek()
            if not ch:
                raise _Cut(PartialList(items))
            if ch == "]":
                self.pos += 1
                return items
            if ch == ",":
                self.pos += 1
                continue
            if ch == "}":  # a stray closing brace: skip it rather than loop on it
                self.pos += 1
                continue
            try:
                items.append(self.value())
            except _Cut as cut:
                if isinstance(cut.partial, (dict, list)):
                    items.append(cut.partial)
                raise _Cut(PartialList(items)) from None

    def string(self) -> str:
        quote = self.text[self.pos]
        closing = _CLOSING_FOR[quote]
        self.pos += 1
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "\\" and self.pos + 1 < len(text):
                out.append(self._escape())
                continue
            if ch == closing and self._ends_string(self.pos + 1):
                self.pos += 1
                return "".join(out)
            out.append(ch)
            self.pos += 1
        raise _Cut()

    def _escape(self) -> str:
        code = self.text[self.pos + 1]
        if code == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", self.text[self.pos + 2 : self.pos + 6]):
            self.pos += 6
            return chr(int(self.text[self.pos - 4 : self.pos], 16))
        self.pos += 2
        return _ESCAPES.get(code, code)

    def _ends_string(self, after: int) -> bool:
        """A quote closes its string only where JSON goes on after it: in «ООО "Ромашка", г. Москва»
        the inner quotes are text, not the end of the value."""
        rest = self.text[after:].lstrip(" \t\r")
        if not rest or rest[0] in ":}]\n" or _NEXT_KEY.match(rest):
            return True
        return rest[0] == "," and _NEXT_MEMBER.match(rest[1:].lstrip()) is not None

    def bare_word(self, stops: str) -> Any:
        start = self.pos
        text = self.text
        while self.pos < len(text) and text[self.pos] not in stops:
            self.pos += 1
        if self.pos >= len(text):
            raise _Cut()  # the text ended inside it: it may be cut short
        word = text[start : self.pos].strip()
        lowered = word.lower()
        if lowered in _WORDS:
            return _WORDS[lowered]
        if _NUMBER.fullmatch(word) and not self.numbers_as_text:
            return int(word) if re.fullmatch(r"-?\d+", word) else float(word)
        return word


def read_json_prefix(text: str, start: int = 0, numbers_as_text: bool = False) -> tuple[Any, int]:
    """The value that begins at `text[start]` (a '{' or '[') and where it ended.

    Never raises on model output. A value the text ended inside comes back as
    PartialDict/PartialList holding its complete members (None when nothing was complete).
    With `numbers_as_text`, numbers keep the digits as printed ("1234.50").
    """
    reader = _Reader(text, numbers_as_text)
    reader.pos = start
    try:
        return reader.value(), reader.pos
    except _Cut as cut:
        return cut.partial, len(text)
    except RecursionError:  # absurdly deep nesting: nothing usable
        return None, len(text)


def strip_code_fences(text: str) -> str:
    """The contents of the first ``` fence (```json too; an unclosed one runs to the end),
    or the text unchanged when it has none."""
    match = re.search(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)(?:```|\Z)", text, re.S)
    return match[1] if match else text


def json_candidates(text: str, opening: str = "{[", numbers_as_text: bool = False) -> list[Any]:
    """Every top-level JSON object or array in `text`, in order, prose around them ignored."""
    found = []
    pos = 0
    while True:
        starts = [i for i in (text.find(ch, pos) for ch in opening) if i >= 0]
        if not starts:
            return found
        value, end = read_json_prefix(text, min(starts), numbers_as_text)
        if value is not None:
            found.append(value)
        pos = max(end, min(starts) + 1)

"""Tests for obligations.lenient_json: JSON as language models write it."""

from __future__ import annotations

import json

import pytest

from obligations.lenient_json import (
    PartialDict,
    PartialList,
    json_candidates,
    read_json_prefix,
    strip_code_fences,
)


def read(text, **kwargs):
    return read_json_prefix(text, 0, **kwargs)[0]


@pytest.mark.parametrize("value", [
    {"a": "x", "b": None, "c": [1, 2.5, -3e2, True, False], "d": {"e": "Ё\n\"q\""}},
    [{"bbox": [1, 2, 3, 4], "category": "Text", "text": "привет"}],
    {"u": "\u00ab\u00bb", "slash": "a/b\\c"},
])
def test_valid_json_reads_as_json(value):
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=2)):
        assert read(text) == value


@pytest.mark.parametrize("text, value", [
    ("{'a': 'x', 'b': None, 'c': True}", {"a": "x", "b": None, "c": True}),
    ('{"a": 1, "b": [1, 2,],}', {"a": 1, "b": [1, 2]}),
    ('{a: "x", last_name: Иванов\n}', {"a": "x", "last_name": "Иванов"}),
    ("{'name': 'O'Brien'}", {"name": "O'Brien"}),
    ('{"seller": "ООО "Ромашка", г. Москва", "inn": "7707083893"}',
     {"seller": 'ООО "Ромашка", г. Москва', "inn": "7707083893"}),
    ('{"a": "x", // the first field\n "b": "y"}', {"a": "x", "b": "y"}),
    ('{"a": "x" "b": "y"}', {"a": "x", "b": "y"}),
    ('{"a": }', {"a": ""}),
    ("[1, }, 2]", [1, 2]),
])
def test_model_quirks_are_read(text, value):
    assert read(text) == value


def test_numbers_can_keep_their_digits():
    assert read('{"total": 1234.50, "n": 7}', numbers_as_text=True) == {"total": "1234.50", "n": "7"}
    assert read('{"total": 1234.50, "n": 7}') == {"total": 1234.5, "n": 7}


@pytest.mark.parametrize("text, value", [
    ('{"a": "x", "b": "cut', {"a": "x"}),
    ('{"a": "x", "b"', {"a": "x"}),
    ('{"a": "x", "b": 12', {"a": "x"}),
    ('{"a": {"b": "y", "c": "z', {"a": {"b": "y"}}),
    ('[{"t": 1}, {"t": "2"', [{"t": 1}, {"t": "2"}]),
    ('[{"t": 1}, {"t": 2', [{"t": 1}, {}]),  # a number the text ends in may be cut short
])
def test_cut_values_come_back_partial(text, value):
    result = read(text)
    assert result == value
    assert isinstance(result, (PartialDict, PartialList))


def test_partial_marks_the_unfinished_members_only():
    result = read('[{"t": 1}, {"t": 2, "u": "cu')
    assert isinstance(result, PartialList)
    assert not isinstance(result[0], PartialDict) and isinstance(result[1], PartialDict)


@pytest.mark.parametrize("text", ['"just a string', "{", "[", "", "{'a", "[" * 5000])
def test_never_raises(text):
    read(text)


def test_candidates_skip_prose():
    text = 'Here: {"a": 1} and then [2, 3]; also {b: "c"} end'
    assert json_candidates(text) == [{"a": 1}, [2, 3], {"b": "c"}]
    assert json_candidates("no json here") == []


@pytest.mark.parametrize("text, inner", [
    ('Sure!\n```json\n{"a": 1}\n```\nBye', '{"a": 1}\n'),
    ('```\n[1]\n```', "[1]\n"),
    ('```json\n{"a": 1', '{"a": 1'),
    ('{"a": 1}', '{"a": 1}'),
])
def test_strip_code_fences(text, inner):
    assert strip_code_fences(text) == inner

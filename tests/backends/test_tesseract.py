"""The Tesseract binding: engines loaded once per language, before workers fork."""

from __future__ import annotations

from obligations.backends import tesseract


def test_engines_load_once_per_language():
    backend = tesseract.TesseractBackend(lang="rus+eng")
    backend.check()
    backend.load_engines()
    apis = tesseract._engines.apis
    loaded = {lang for lang, _ in apis}
    assert {"rus+eng", "rus", "eng"} <= loaded
    before = dict(apis)
    backend.load_engines()
    assert all(apis[key] is engine for key, engine in before.items())

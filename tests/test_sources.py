"""Loading inputs: a PDF's text layer read as the words a reader sees."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from obligations.sources import open_source, text_layer

LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


@pytest.mark.skipif(not LIBERATION.exists(), reason="fonts-liberation is not installed")
def test_text_layer_gives_printed_hyphens_and_ligatures_as_plain_letters(tmp_path):
    # An embedded font's hyphen glyph is mapped to the soft hyphen in the PDF's ToUnicode
    # table (as PyMuPDF and many producers write it): 'Ростов-на-Дону' extracts as
    # 'Ростов\xadна\xadДону' unless the text layer maps it back.
    path = tmp_path / "hyphens.pdf"
    with pymupdf.open() as pdf:
        page = pdf.new_page()
        page.insert_font(fontname="F0", fontfile=str(LIBERATION))
        page.insert_text((72, 72), "Место рождения Ростов-на-Дону код 770\u2011001 \ufb01le", fontname="F0")
        pdf.subset_fonts()
        pdf.save(path, garbage=3)
    layer = text_layer(open_source(path), 1, 300)
    assert layer is not None
    words = [w.text for w in layer[0]]
    assert "Ростов-на-Дону" in words and "770-001" in words and "file" in words

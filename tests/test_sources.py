"""Loading inputs: a PDF's text layer read as the words a reader sees; scanned pages rendered
at their own resolution."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PIL import Image

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


def _scanned_pdf(path, dpi: int, size_in=(8.27, 11.69)) -> None:
    """A one-page PDF holding one grey image at `dpi`, as a scanner writes it."""
    import io

    image = Image.new("L", (round(size_in[0] * dpi), round(size_in[1] * dpi)), 240)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    with pymupdf.open() as doc:
        page = doc.new_page(width=size_in[0] * 72, height=size_in[1] * 72)
        page.insert_image(page.rect, stream=buffer.getvalue())
        doc.save(path)


@pytest.mark.parametrize("dpi", [100, 200, 300])
def test_a_scanned_pdf_page_is_rendered_at_its_images_own_resolution(tmp_path, dpi):
    from obligations.sources import render_page

    _scanned_pdf(tmp_path / "scan.pdf", dpi)
    source = open_source(tmp_path / "scan.pdf")
    raster = render_page(source, 1, None)
    assert raster.dpi == dpi
    assert raster.image.width == pytest.approx(8.27 * dpi, abs=2)
    assert render_page(source, 1, 150).image.width == pytest.approx(8.27 * 150, abs=2)  # --dpi given: kept


def test_a_page_that_is_not_one_image_is_rendered_at_300_dpi(tmp_path):
    from obligations.sources import render_page, scan_dpi

    with pymupdf.open() as doc:
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 72), "vector text")
        doc.save(tmp_path / "vector.pdf")
    source = open_source(tmp_path / "vector.pdf")
    with pymupdf.open(tmp_path / "vector.pdf") as doc:
        assert scan_dpi(doc[0]) is None
    assert render_page(source, 1, None).dpi == 300

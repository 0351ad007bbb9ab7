"""The certificate PDF (issue 14, "What a reader sees"): the page to verify it is printed as an
absolute address from JINENG_PUBLIC_URL, and every character it prints has a glyph in its font."""

import pytest

from jineng.certificates import pdf


def pdf_text(data: bytes) -> str:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(data)
    try:
        return document[0].get_textpage().get_text_range()
    finally:
        document.close()


def test_the_verification_address_is_absolute(issue, settings):
    certificate = issue()
    assert "http://127.0.0.1:8000/verify/" in pdf_text(pdf.render(certificate))  # the default
    settings.PUBLIC_URL = "https://jineng.hrss.example.cn"
    text = pdf_text(pdf.render(certificate))
    assert "https://jineng.hrss.example.cn/verify/" in text


def test_no_character_without_a_glyph_and_no_jargon(issue):
    """STSong-Light's Unicode map has no U+00B7 (·): readers drew a missing-glyph box where the
    PDF printed "签名密钥 … · 在线核验"."""
    text = pdf_text(pdf.render(issue()))
    assert "·" not in text
    assert "防伪签名" in text and "Ed25519" not in text

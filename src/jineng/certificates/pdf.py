"""The certificate as a PDF (A4 landscape) with a QR code whose text is the signed payload.

Anyone can scan the code and check it offline with the published public keys
(/.well-known/jineng-cert-keys.json), or type its number into the public page /verify/, whose
absolute address (JINENG_PUBLIC_URL) is printed under the code. Chinese text
uses Adobe's STSong-Light CID font, which every PDF reader has: no font file ships.
"""

import io

from django.conf import settings
from django.urls import reverse
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from jineng.certificates.models import Certificate, CertificateKind

FONT = "STSong-Light"
TITLES = {
    CertificateKind.QUALIFICATION: "职业资格证书",
    CertificateKind.SKILL_LEVEL: "职业技能等级证书",
    CertificateKind.SPECIAL_ABILITY: "专项职业能力证书",
    CertificateKind.TRAINING_COMPLETION: "培训合格证书",
}
QR_SIZE = 62 * mm


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def qr_drawing(payload: str, size: float = QR_SIZE) -> Drawing:
    """The QR code of a payload (error correction M: a printed copy survives a little wear)."""
    widget = QrCodeWidget(payload, barLevel="M", barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def verify_address() -> str:
    """The public verification page, absolute (JINENG_PUBLIC_URL): a reader of paper has no
    page to resolve a relative address against."""
    return settings.PUBLIC_URL + reverse("certificates:verify")


def render(certificate: Certificate) -> bytes:
    """The PDF of a certificate issued here (one that is signed)."""
    if not certificate.signed_payload:
        raise ValueError("only a certificate issued and signed here has a PDF")
    font = _font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    title = TITLES.get(certificate.kind, "证书")
    pdf.setTitle(f"{title} {certificate.number}")
    pdf.setAuthor(certificate.issuer_name)
    pdf.setSubject(certificate.number)

    pdf.setStrokeColor(colors.HexColor("#8a6d3b"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    pdf.setFillColor(colors.HexColor("#7a1f1f"))
    pdf.setFont(font, 30)
    pdf.drawCentredString(width / 2, height - 42 * mm, title)
    pdf.setFillColor(colors.black)

    level = certificate.level
    rows = [
        ("姓　　名", certificate.person.name),
        ("证件号码", certificate.person.id_number_masked),
        ("职业（工种）", f"{certificate.occupation.name}（{certificate.occupation.code}）"),
    ]
    if level is not None and level.code != "special":
        rows.append(("等　　级", level.name))
    rows += [
        ("证书编号", certificate.number),
        ("发证日期", certificate.issued_on.strftime("%Y年%m月%d日")),
        ("发证机构", certificate.issuer_name),
    ]
    y = height - 70 * mm
    for label, value in rows:
        pdf.setFont(font, 13)
        pdf.setFillColor(colors.HexColor("#555555"))
        pdf.drawString(34 * mm, y, label)
        pdf.setFillColor(colors.black)
        pdf.setFont(font, 15)
        pdf.drawString(72 * mm, y, str(value))
        y -= 12 * mm

    qr = qr_drawing(certificate.signed_payload)
    qr_x, qr_y = width - 34 * mm - QR_SIZE, 40 * mm
    renderPDF.draw(qr, pdf, qr_x, qr_y)
    pdf.setFont(font, 9)
    pdf.setFillColor(colors.HexColor("#555555"))
    # Plain words, and only characters STSong-Light draws: its Unicode map (UniGB-UCS2-H) has
    # no U+00B7 middle dot, which readers show as a missing-glyph box.
    pdf.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 5 * mm, "二维码内含证书防伪签名，可扫码核验")
    pdf.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 10 * mm, f"在线核验：{verify_address()}")
    pdf.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 15 * mm, f"签名密钥 {certificate.key_id}")
    if certificate.status == "revoked":
        pdf.setFillColor(colors.HexColor("#b02a37"))
        pdf.setFont(font, 20)
        day = certificate.revoked_on.isoformat() if certificate.revoked_on else ""
        pdf.drawString(34 * mm, 26 * mm, f"本证书已于 {day} 撤销")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

"""A report's content as .xlsx (openpyxl; every cell through core.imports.spreadsheet_safe, the
project's one guard against a text read as a formula) and as PDF (reportlab, Adobe's
STSong-Light CID font as on certificates: no font file ships) with bar charts."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.core.imports import spreadsheet_safe
from jineng.reports.content import Content, Section

FONT = "STSong-Light"
LAG_FILL = "FDE2E1"


def xlsx(content: Content) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    first = book.active
    first.title = _("Report")[:31]
    for line in (
        [content.title],
        [_("Region"), content.region.name, content.region.code],
        [_("Period"), content.start.isoformat(), content.end.isoformat()],
        [_("Generated at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ):
        first.append([spreadsheet_safe(v) for v in line])
    first["A1"].font = Font(bold=True, size=14)
    used = {first.title}
    for section in content.sections:
        name = section.title[:31]
        while name in used:
            name = name[:29] + str(len(used))
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([spreadsheet_safe(str(h)) for h in section.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, row in enumerate(section.rows):
            sheet.append([spreadsheet_safe(v) for v in row])
            if i in section.highlight:
                for cell in sheet[sheet.max_row]:
                    cell.fill = PatternFill("solid", fgColor=LAG_FILL)
        if section.note:
            sheet.append([])
            sheet.append([spreadsheet_safe(section.note)])
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _text(value) -> str:
    if value is None:
        return "—"
    return str(value)


def _chart(section: Section, width: float):
    """A bar chart of the section's chart column by its first column (totals rows left out)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    column = section.chart_column
    points = [
        (str(row[0])[:8] if column != 2 else str(row[1] or row[0])[:8], row[column])
        for row in section.rows
        if isinstance(row[column], (int, float)) and str(row[0]) != _("Total")
    ][:30]
    if not points:
        return None
    drawing = Drawing(width, 200)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 50, width - 60, 130
    chart.data = [[value for _label, value in points]]
    chart.categoryAxis.categoryNames = [label for label, _value in points]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#2f6db5")
    drawing.add(chart)
    drawing.add(String(40, 188, str(section.header[column]), fontName=FONT, fontSize=9))
    return drawing


def pdf(content: Content) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        LongTable,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )

    font = _font()
    out = io.BytesIO()
    size = landscape(A4)
    document = SimpleDocTemplate(
        out, pagesize=size, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=content.title, author=content.region.name, invariant=1,
    )  # fmt: skip
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=16, spaceBefore=8)
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7, leading=8.5)
    width = size[0] - 24 * mm
    story = [
        Paragraph(content.title, title),
        Paragraph(
            f"{_('Region')}: {content.region.name}　{_('Generated at')}: "
            f"{timezone.localtime():%Y-%m-%d %H:%M}",
            body,
        ),  # fmt: skip
    ]
    for n, section in enumerate(content.sections):
        if n:
            story.append(PageBreak())
        story.append(Paragraph(section.title, heading))
        if section.note:
            story.append(Paragraph(section.note, body))
        story.append(Spacer(1, 4))
        if section.chart_column is not None:
            chart = _chart(section, width)
            if chart is not None:
                story.append(chart)
        data = [[Paragraph(_text(h), cell) for h in section.header]]
        data += [[Paragraph(_text(v), cell) for v in row] for row in section.rows]
        table = LongTable(
            data, repeatRows=1, colWidths=[width / len(section.header)] * len(section.header)
        )
        style = [
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for i in section.highlight:
            style.append(("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#" + LAG_FILL)))
        table.setStyle(style)
        story.append(table)
    document.build(story)
    return out.getvalue()

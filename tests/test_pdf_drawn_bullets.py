"""PDF list items whose bullets are drawn shapes, not characters (made-up letters written with fpdf2).

Browsers and word processors often paint a bullet as a small filled circle or square; the
text then has no bullet character and the items ran together into one paragraph.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest._pdf import pdf_blocks
from ingest.model import PassageKind

fpdf = pytest.importorskip("fpdf")

L, P = PassageKind.LIST_ITEM, PassageKind.PARAGRAPH
SIZE = 11.0
LEADING = 15.0


def _pdf(draw: object) -> bytes:
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=SIZE)
    draw(pdf)  # type: ignore[operator]
    return bytes(pdf.output())


def _blocks(raw: bytes, tmp_path: Path) -> list[tuple[PassageKind, str]]:
    path = tmp_path / "brev.pdf"
    path.write_bytes(raw)
    return [(b.kind, b.text) for b in pdf_blocks(raw, path)]


# Baselines are y from the top of the page (fpdf2); a bullet sits a little above the baseline.
def _text(pdf: object, x: float, y: float, line: str) -> None:
    pdf.text(x, y, line)  # type: ignore[attr-defined]


def _dot(pdf: object, x: float, baseline: float, shape: str) -> None:
    if shape == "circle":
        pdf.circle(x + 1.5, baseline - 4.0, 1.5, style="F")  # type: ignore[attr-defined]
    else:
        pdf.rect(x, baseline - 5.5, 3.0, 3.0, style="F")  # type: ignore[attr-defined]


ITEMS = [
    ["godtar at brannstasjonen i sentrum blir slått saman med nabostasjonen"],
    [
        "vil ha ei eiga ordning for vassverk i fjellbygdene",
        "der berre nokre få hus er knytte til leidningsnettet",
    ],
    ["meiner fristen for ny beredskapsplan er for kort"],
    ["ber om at gebyra blir haldne uendra"],
]


@pytest.mark.parametrize("shape", ["circle", "square"])
def test_drawn_bullets_open_list_items(tmp_path: Path, shape: str) -> None:
    def draw(pdf: object) -> None:
        y = 100.0
        _text(pdf, 60, y, "Fjellvik heradsstyre")
        y += LEADING
        for item in ITEMS:
            _dot(pdf, 80, y, shape)
            for line in item:
                _text(pdf, 90, y, line)
                y += LEADING
        # Back at the left margin in the same font and leading: the list has ended.
        _text(pdf, 60, y, "Heradet har drøfta saka i eit ope møte med innbyggjarane i bygda.")

    blocks = _blocks(_pdf(draw), tmp_path)
    items = [text for kind, text in blocks if kind is L]
    assert items == [" ".join(item) for item in ITEMS]
    assert (P, "Heradet har drøfta saka i eit ope møte med innbyggjarane i bygda.") in blocks
    assert not any(text.startswith("•") for _, text in blocks)


def test_two_columns_keep_their_own_bullets(tmp_path: Path) -> None:
    left = [
        "Kommunen har gått gjennom planane for alle",
        "skulane og barnehagane i sentrum og i dei",
        "mindre bygdene, og vil kome attende til saka",
        "når rettleiaren er ferdig.",
    ]
    right = ["støttar ny rettleiar", "ønskjer fleire kurs", "vil ha lengre frist"]

    def draw(pdf: object) -> None:
        for i, line in enumerate(left):
            _text(pdf, 30, 100 + i * LEADING, line)
        for i, line in enumerate(right):
            _dot(pdf, 300, 100 + i * LEADING, "circle")
            _text(pdf, 310, 100 + i * LEADING, line)

    blocks = _blocks(_pdf(draw), tmp_path)
    assert [text for kind, text in blocks if kind is L] == right
    assert (P, " ".join(left)) in blocks


def test_other_small_shapes_are_no_bullets(tmp_path: Path) -> None:
    lines = [
        "Vi har lese framlegget nøye og har desse merknadene",
        "til korleis ordninga bør innrettast i åra som kjem, og",
        "ber om å få vere med vidare.",
    ]

    def draw(pdf: object) -> None:
        for i, line in enumerate(lines):
            _text(pdf, 60, 100 + i * LEADING, line)
        pdf.rect(50, 85, 400, 60, style="D")  # type: ignore[attr-defined]  # a frame round the text
        for k in range(40):  # a dotted rule of tiny dots under the text
            pdf.rect(60 + 4 * k, 150, 0.6, 0.6, style="F")  # type: ignore[attr-defined]
        for k in range(8):  # a dotted leader of bullet-sized dots running up to the second line
            pdf.rect(20 + 5 * k, 100 + LEADING - 5.5, 2.0, 2.0, style="F")  # type: ignore[attr-defined]
        pdf.circle(25, 96, 1.5, style="F")  # type: ignore[attr-defined]  # a mark far left of the text
        pdf.circle(300, 200, 1.5, style="F")  # type: ignore[attr-defined]  # a dot with no text beside it

    blocks = _blocks(_pdf(draw), tmp_path)
    assert blocks == [(P, " ".join(lines))]


def test_larger_title_over_a_lead_in_line_and_a_list_is_a_heading(tmp_path: Path) -> None:
    def draw(pdf: object) -> None:
        pdf.set_font("Helvetica", size=15)  # type: ignore[attr-defined]
        _text(pdf, 60, 80, "Hovudpunkt")
        pdf.set_font("Helvetica", size=SIZE)  # type: ignore[attr-defined]
        _text(pdf, 60, 100, "Fjellvik heradsstyre")
        y = 100 + LEADING
        for item in ITEMS:
            _dot(pdf, 80, y, "circle")
            for line in item:
                _text(pdf, 90, y, line)
                y += LEADING

    blocks = _blocks(_pdf(draw), tmp_path)
    assert blocks[:2] == [(PassageKind.HEADING, "Hovudpunkt"), (P, "Fjellvik heradsstyre")]
    assert [text for kind, text in blocks if kind is L] == [" ".join(item) for item in ITEMS]

"""The web pages' marked text: matched words in a hit, quotes and links in a letter, escaping."""

from __future__ import annotations

import re

from graph.entities import MentionInfo, PassageInfo
from graph.queries import PositionRow
from search_api.web.text import letter_passages, mark_words


def test_mark_words_marks_inflected_and_nynorsk_forms_and_escapes() -> None:
    html = str(mark_words("Kommunane vil ha <b>tilskot</b> til bustader.", "kommuner tilskudd"))
    assert "<mark>Kommunane</mark>" in html  # nynorsk plural matched by its stem
    assert "<mark>tilskot</mark>" in html  # nynorsk spelling folded onto bokmål
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "<mark>til</mark>" not in html  # a stop word is not a match


def test_mark_words_without_terms_marks_nothing() -> None:
    assert "<mark>" not in str(mark_words("Alt er bra.", "og i på"))


def _position(start: int, end: int, stance: str = "supports") -> PositionRow:
    return PositionRow(
        target="R1",
        title="t",
        actor="A",
        actor_iri="x/a",
        actor_type="municipality",
        document="a.txt",
        document_iri="x/a.txt",
        stance=stance,
        quote="",
        confidence=0.5,
        curated=False,
        start=start,
        end=end,
    )


def test_letter_passages_mark_quotes_links_and_target_by_offsets() -> None:
    text = "Innledning.\nLia kommune støtter forslaget. Resten."
    first = PassageInfo(0, "p0", "heading", 0, 11, text[0:11], None)
    second_start = 12
    mention = MentionInfo("actor", "lia-kommune", "Lia kommune", second_start, second_start + 11)
    second = PassageInfo(1, "p1", "paragraph", second_start, len(text), text[second_start:], None, [mention])
    quote_start = second_start
    quote_end = text.index(" Resten")
    out = letter_passages(
        text, [first, second], [_position(quote_start, quote_end)], target=(quote_start, quote_end)
    )
    assert [p.is_target for p in out] == [False, True]
    assert out[0].positions == [] and len(out[1].positions) == 1
    html = str(out[1].html)
    assert '<a href="/aktorer/lia-kommune">Lia kommune</a>' in html
    assert '<mark class="quote stance-supports">' in html
    # Every character of the passage is there once, in order, whatever the spans cut it into.
    assert re.sub(r"<[^>]+>", "", html) == text[second_start:]


def test_letter_target_between_passages_goes_to_the_next_one() -> None:
    text = "Første.  Andre."
    passages = [
        PassageInfo(0, "p0", None, 0, 7, "Første.", None),
        PassageInfo(1, "p1", None, 9, 15, "Andre.", None),
    ]
    out = letter_passages(text, passages, [], target=(8, 9))
    assert [p.is_target for p in out] == [False, True]


def test_every_reason_search_gives_for_a_hit_has_a_norwegian_label() -> None:
    """The search page says why a hit was found in Norwegian; a new reason in fusion needs a label."""
    from pathlib import Path

    from search_api.web.text import WHY

    source = (Path(__file__).resolve().parent.parent / "search_api" / "fusion.py").read_text(encoding="utf-8")
    reasons = set(re.findall(r'c\.why\.append\("([^"]+)"\)', source)) | {"text", "words"}
    assert len(reasons) >= 8
    assert reasons <= set(WHY), sorted(reasons - set(WHY))

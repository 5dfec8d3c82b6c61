"""Row labels and unstyled sub-headings head what follows; demands are no evidence about an assessment.

The letters are made up (libraries, harbours, ferries), in bokmål and nynorsk; none is copied from a
development hearing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest._features import FEATURE_NAMES, pair_features, sentences
from ingest.linking import EntityLinker
from ingest.model import Stance
from ingest.readers import read_response
from ingest.stance import StanceClassifier

INTRO = {
    "nb": "Fjordbyen bibliotek takker for muligheten til å gi innspill til forslagene i høringsnotatet.",
    "nn": "Fjordbyen bibliotek takkar for høvet til å gje innspel til framlegga i høyringsnotatet.",
}


def _sentences(tmp_path: Path, text: str, suffix: str = ".txt") -> dict[str, tuple[str, str]]:
    path = tmp_path / f"brev{suffix}"
    path.write_text(text, encoding="utf-8")
    return {s.text: (s.heading, s.text) for s in sentences(read_response(path))}


@pytest.mark.parametrize(
    ("lang", "label", "verdict"),
    [
        ("nb", "Nattåpne lesesaler i bygdene (kap. 4.2)", "Støttes med forbehold, se punkt 3."),
        ("nn", "Nattopne lesesalar i bygdene (kap. 4.2)", "Vert støtta utan atterhald."),
        # A one-word sub-heading, as letters write them between paragraphs.
        ("nb", "Gjestebrygger", "Havnestyret har ingen innvendinger mot forslaget."),
        ("nn", "Gjestebryggjer", "Hamnestyret har ingen innvendingar mot framlegget."),
    ],
    ids=["table-row-nb", "table-row-nn", "one-word-nb", "one-word-nn"],
)
def test_a_label_heads_the_verdict_below_it_and_is_no_statement(
    lang: str, label: str, verdict: str, tmp_path: Path
) -> None:
    sents = _sentences(tmp_path, f"{INTRO[lang]}\n\n{label}\n\n{verdict}\n")
    assert verdict in sents and sents[verdict][0] == label
    assert label not in sents


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_a_line_before_the_body_heads_nothing(lang: str, tmp_path: Path) -> None:
    """The letter's title and address lines come before its first paragraph: no label yet."""
    title = {"nb": "Høringssvar om lesesaler og bokbusser", "nn": "Høyringssvar om lesesalar og bokbussar"}[
        lang
    ]
    later = "Bokbussen er viktig for de minste grendene i fylket."
    sents = _sentences(tmp_path, f"{title}\n\n{INTRO[lang]}\n\nBokbussen\n\n{later}\n", ".md")
    assert sents[INTRO[lang]][0] != title  # a paragraph line before the body heads nothing
    assert sents[later][0] == "Bokbussen"  # after it, the same kind of line does


def test_a_short_verdict_without_a_stop_is_a_statement_not_a_label(tmp_path: Path) -> None:
    sents = _sentences(
        tmp_path,
        f"{INTRO['nb']}\n\nVi støtter forslaget om bokbuss\n\nBussen bør gå hver uke i hele fylket.\n",
    )
    assert "Vi støtter forslaget om bokbuss" in sents
    assert sents["Bussen bør gå hver uke i hele fylket."][0] != "Vi støtter forslaget om bokbuss"


@pytest.mark.parametrize(
    "footer",
    [
        "Side 2 av 3Fjordbyen bibliotek · Kaigata 4, 9990 Fjordbyen",
        "Fjordbyen bibliotek · Postboks 12, 9990 Fjordbyen",
    ],
)
def test_a_running_footer_does_not_replace_the_section_heading(footer: str, tmp_path: Path) -> None:
    """Regression: a PDF page footer read as a paragraph between two paragraphs of a section had become
    the heading of the rest of that section."""
    path = tmp_path / "brev.md"
    path.write_text(
        f"# Høringssvar\n\n{INTRO['nb']}\n\n## Bokbussen\n\nBokbussen er viktig for de minste grendene i fylket.\n\n"
        f"{footer}\n\nFjordbyen bibliotek kan ikke støtte at bokbussen legges ned.\n",
        encoding="utf-8",
    )
    sents = {s.text: s.heading for s in sentences(read_response(path))}
    assert sents["Fjordbyen bibliotek kan ikke støtte at bokbussen legges ned."] == "Bokbussen"


@pytest.mark.parametrize(
    "demand",
    [
        "Øremerkede og søknadsbaserte tilskudd må fordeles slik at ressurssvake kommuner får mer.",
        "Øyremerkte og søknadsbaserte tilskot må fordelast slik at ressurssvake kommunar får meir.",
    ],
    ids=["nb", "nn"],
)
def test_a_demand_is_no_evidence_about_an_assessment(demand: str, tmp_path: Path, reference: object) -> None:
    """An assessment is a claim of the report: one agrees or disagrees with it. What the sender says must
    be done ("... må fordeles ...") is evidence about a measure, never support for the claim."""
    from ingest.reference import ReferenceData

    assert isinstance(reference, ReferenceData)
    classifier = StanceClassifier(reference)
    linker = EntityLinker(reference)
    path = tmp_path / "brev.txt"
    path.write_text(f"Fjelldal kommune\n\nHøringssvar\n\n{demand}\n", encoding="utf-8")
    doc = read_response(path)
    doc.mentions = linker.link(doc)
    ev = classifier.evidence(doc)
    assert ev.cues[-1] is not None and ev.cues[-1].kind == "deontic"
    ids = [t.id for t in classifier.targets]
    assert "V1" in classifier.index.assessments and float(ev.relevance[-1, ids.index("V1")]) >= 0.5
    col = FEATURE_NAMES.index("sum_kind_deontic")
    rows, best = pair_features(ev, {}, ids, classifier.index.removal, classifier.index.assessments)
    assert rows[ids.index("V1"), col] == 0 and best[ids.index("V1")] == -1
    assert "V1" not in classifier.rule_positions(ev)
    # Read as a measure, the same sentence counts.
    rows_measure, _ = pair_features(ev, {}, ids, classifier.index.removal, set())
    assert rows_measure[ids.index("V1"), col] > 0


def test_support_for_an_assessment_still_counts(tmp_path: Path, reference: object) -> None:
    from ingest.reference import ReferenceData

    assert isinstance(reference, ReferenceData)
    classifier = StanceClassifier(reference)
    path = tmp_path / "brev.txt"
    path.write_text(
        "Fjelldal kommune\n\nHøringssvar\n\n"
        "Vi er enige i at øremerkede og søknadsbaserte tilskudd øker ulikheten mellom kommunene.\n",
        encoding="utf-8",
    )
    rules = classifier.rule_positions(classifier.evidence(read_response(path)))
    assert rules["V1"].stance is Stance.SUPPORTS


@pytest.mark.parametrize(
    ("support", "limit"),
    [
        (
            "Kommunen støtter at rapporterings- og prosedyrekravene reduseres.",
            "Fristen for omleggingen må likevel gi fagsystemene tid til å bli tilpasset.",
        ),
        (
            "Kommunen stør at rapporterings- og prosedyrekrava vert reduserte.",
            "Samstundes må overgangstida gje fagsystema tid til å bli tilpassa.",
        ),
    ],
    ids=["nb", "nn"],
)
def test_a_reservation_right_after_a_support_limits_it(
    support: str, limit: str, tmp_path: Path, reference: object
) -> None:
    """A support then "Vi stør X. Fristen må likevel ...": the reservation names none of the proposal's words, but it
    follows the support in the same paragraph, so the rules read the support as qualified."""
    from ingest.reference import ReferenceData

    assert isinstance(reference, ReferenceData)
    classifier = StanceClassifier(reference)
    path = tmp_path / "brev.txt"
    path.write_text(f"Fjelldal kommune\n\nHøringssvar\n\n{support} {limit}\n", encoding="utf-8")
    ev = classifier.evidence(read_response(path))
    assert ev.cues[-1] is not None and ev.cues[-1].stance is None  # a reservation only
    ids = [t.id for t in classifier.targets]
    assert float(ev.relevance[-1, ids.index("R5")]) < 0.5  # not about R5 by its own words
    assert classifier.rule_positions(ev)["R5"].stance is Stance.QUALIFIED
    # As its own paragraph, the same reservation limits nothing.
    path.write_text(f"Fjelldal kommune\n\nHøringssvar\n\n{support}\n\n{limit}\n", encoding="utf-8")
    assert classifier.rule_positions(classifier.evidence(read_response(path)))["R5"].stance is Stance.SUPPORTS

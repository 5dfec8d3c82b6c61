"""Near-duplicate (campaign) grouping on made-up council resolutions and on the sample corpus."""

from __future__ import annotations

from pathlib import Path

from docs import make_doc

from ingest.campaign import group_near_duplicates, shingles, text_fingerprint
from ingest.model import ResponseDocument
from ingest.readers import read_response

RESOLUTION = [
    "{name} kommune går imot kommisjonens anbefaling om å innlemme de øremerkede tilskuddene i "
    "rammetilskuddet. For små kommuner med spredt bosetting er øremerkede tilskudd ofte den eneste "
    "realistiske muligheten til å gjennomføre større investeringer.",
    "Kommunestyret i {name} viser til at midler som legges inn i rammen, fordeles etter inntektssystemets "
    "kriterier, der innbyggertallet veier tungt. En innlemming vil derfor flytte midler fra distriktene.",
    "Kommunestyret støtter at søknads- og rapporteringskravene knyttet til statlige tilskudd forenkles "
    "kraftig, og ber om at regjeringen legger fram beregninger for hver enkelt kommune før vedtak.",
]
OTHER = [
    "Fylkeskommunen støtter at kommisjonen utreder et institusjonelt rammeverk for samordnet statlig "
    "styring, og vil bidra med erfaringer fra samarbeidet med kommunene i regionen.",
    "Vi er i utgangspunktet positive til nasjonale fellesløsninger for digitalisering og datadeling, men "
    "de må bygge på regionale løsninger som allerede fungerer godt for kommunene.",
]


def council(file_name: str, municipality: str, *, typo: bool = False) -> ResponseDocument:
    paragraphs = [p.format(name=municipality) for p in RESOLUTION]
    if typo:
        paragraphs[2] = paragraphs[2].replace("rapporteringskravene", "rapporteringskravne")
    return make_doc(*paragraphs, sender=f"{municipality} kommune", name=file_name)


def test_same_resolution_under_other_names_is_one_group() -> None:
    docs = [
        council("b.txt", "Bergheim"),
        council("a.txt", "Åsvik", typo=True),
        make_doc(*OTHER, sender="Vestfjord fylkeskommune", name="x.txt"),
        council("c.txt", "Nordlia"),
    ]
    assert group_near_duplicates(docs) == [["a.txt", "b.txt", "c.txt"], ["x.txt"]]


def test_sender_name_is_masked() -> None:
    assert shingles(council("a.txt", "Bergheim")) == shingles(council("b.txt", "Åsvik"))


def test_fingerprint_is_deterministic_and_tells_texts_apart() -> None:
    one, again = council("a.txt", "Bergheim"), council("a.txt", "Bergheim")
    assert text_fingerprint(one) == text_fingerprint(again)
    assert text_fingerprint(council("b.txt", "Åsvik")) == text_fingerprint(one)  # only the name differs
    assert text_fingerprint(
        make_doc(*OTHER, sender="Vestfjord fylkeskommune", name="x.txt")
    ) != text_fingerprint(one)


def test_different_letters_stay_apart() -> None:
    docs = [
        make_doc(*OTHER, sender="Vestfjord fylkeskommune", name="x.txt"),
        make_doc(*OTHER[::-1], sender="Kyst fylkeskommune", name="y.txt"),
    ]
    groups = group_near_duplicates(docs, threshold=0.95)
    assert groups == [["x.txt"], ["y.txt"]]


def test_sample_corpus_campaign(responses_dir: Path) -> None:
    docs = [read_response(p) for p in sorted(responses_dir.iterdir())]
    groups = group_near_duplicates(docs)
    assert groups[0] == ["aust-heia-kommune.txt", "lia-kommune.pdf", "sorvik-kommune.txt"]
    assert all(len(g) == 1 for g in groups[1:])
    assert sum(len(g) for g in groups) == len(docs)

"""Stance cues, one kind at a time, in bokmål and nynorsk, plus regression tests for the cue reader's bugs.

The sentences are made up for these tests (about roads, libraries, harbours, water supply):
none is copied from a development hearing's letters, so they test the cue words, not the
letters the rules were tuned on. ``test_test_sentences_are_not_in_the_gold_letters`` checks that.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ingest._cues import detect_cue, detect_endorsement, is_commission_voice
from ingest.errors import DocumentReadError
from ingest.lexicon import cues, no_comments_pattern
from ingest.model import DocumentFormat, Passage, ResponseDocument, ResponseMetadata, Stance
from ingest.readers import read_response
from ingest.stance import is_without_comments

S, Q, OPP, M = Stance.SUPPORTS, Stance.QUALIFIED, Stance.OPPOSES, Stance.MENTIONS

# (sentence, expected stance, expected kind): each cue kind in bokmål and in nynorsk.
CASES: list[tuple[str, Stance | None, str]] = [
    # explicit support
    ("Biblioteket støtter at fergekaiene rustes opp.", S, "explicit"),
    ("Biblioteket støttar at ferjekaiane vert rusta opp.", S, "explicit"),
    # explicit opposition
    ("Havnestyret går imot at vedlikeholdet av kaiene flyttes til staten.", OPP, "explicit"),
    ("Hamnestyret går imot at vedlikehaldet av kaiane vert flytta til staten.", OPP, "explicit"),
    # "mener ... det er ikke behov for": opposition
    ("Vegetaten mener at det ikke er behov for et eget bompengeråd.", OPP, "explicit"),
    ("Vegetaten meiner at det ikkje er behov for eit eige bompengeråd.", OPP, "explicit"),
    # support with a condition
    ("Vi støtter sammenslåingen av vannverkene, forutsatt at gebyrene ikke øker.", Q, "explicit"),
    ("Vi støttar samanslåinga av vassverka, føresett at gebyra ikkje aukar.", Q, "explicit"),
    # "men tar ikke stilling til": a reservation on the support
    ("Vi støtter nye lesesaler, men tar ikke stilling til hvem som skal drifte dem.", Q, "explicit"),
    ("Vi støttar nye lesesalar, men tek ikkje stilling til kven som skal drifte dei.", Q, "explicit"),
    # recognising the report's description of a problem: support for that assessment
    ("Vi kjenner oss godt igjen i beskrivelsen av forfallet på fylkesveiene.", S, "explicit"),
    ("Vi kjenner oss att i skildringa av forfallet på fylkesvegane.", S, "explicit"),
    ("Havnestyret anerkjenner at vedlikeholdsetterslepet er stort.", S, "explicit"),
    ("Hamnestyret anerkjenner at etterslepet på vedlikehaldet er stort.", S, "explicit"),
    # no objection
    ("Vi har ingen innvendinger mot forslaget om felles lånekort.", S, "explicit"),
    ("Vi har ingen innvendingar mot framlegget om felles lånekort.", S, "explicit"),
    ("Vi har ingen innvendinger mot at kaien i havna forlenges.", S, "explicit"),
    ("Me har ingen innvendingar mot at kaien i hamna vert forlengd.", S, "explicit"),
    # double negatives are agreement
    ("Vegetaten er ikke uenig i at fergene bør gå oftere om vinteren.", S, "explicit"),
    ("Vegetaten er ikkje ueinig i at ferjene bør gå oftare om vinteren.", S, "explicit"),
    ("Biblioteket ser ingen grunn til ikke å støtte lengre åpningstider.", S, "explicit"),
    ("Biblioteket ser ingen grunn til ikkje å støtte lengre opningstider.", S, "explicit"),
    # passive support, recommending, "ja takk" / "nei takk"
    ("Forslaget om nattåpne lesesaler blir støttet av styret.", S, "explicit"),
    ("Framlegget om nattopne lesesalar vert støtta av styret.", S, "explicit"),
    ("Havnestyret tilrår at småbåthavnene får egne gjestebrygger.", S, "explicit"),
    ("Det tilrås at småbåthamnene får eigne gjestebrygger.", S, "explicit"),
    ("Ja takk til flere ladepunkter ved fergeleiene.", S, "explicit"),
    ("Ja takk til fleire ladepunkt ved ferjeleiene.", S, "explicit"),
    ("Nei takk til bompenger på vegen over fjellet.", OPP, "explicit"),
    ("Nei takk til bompengar på vegen over fjellet.", OPP, "explicit"),
    # not sharing the report's assessment: opposition (the negated support word)
    ("Vannverket deler ikke departementets vurdering av reservevannet.", OPP, "explicit"),
    ("Vassverket deler ikkje vurderinga til departementet om reservevatnet.", OPP, "explicit"),
    # a verdict opening the sentence
    ("Bra at fylket endelig rydder opp i fergeprisene.", S, "evaluative"),
    ("Godt at fylket endeleg ryddar opp i ferjeprisane.", S, "evaluative"),
    # evaluative, for and against
    ("Et felles lånekort for hele regionen er et riktig grep.", S, "evaluative"),
    ("Eit felles lånekort for heile regionen er eit rett grep.", S, "evaluative"),
    ("Å legge ned småbåthavnene vil være et feilgrep for kystsamfunnene.", OPP, "evaluative"),
    ("Å leggje ned småbåthamnene vil vere eit feilsteg for kystsamfunna.", OPP, "evaluative"),
    # normative ("bør", "må"): weak support
    ("Vannverkene bør samarbeide om reservevann.", S, "deontic"),
    ("Vassverka bør samarbeide om reservevatn.", S, "deontic"),
    # keeping what exists
    ("Leseordningen må videreføres slik den er i dag.", OPP, "retain"),
    ("Leseordninga må vidareførast slik ho er i dag.", OPP, "retain"),
    # sceptical of a proposal: opposition; sceptical whether something works: a doubt
    ("Havnestyret er skeptisk til at kaiavgiften skal dobles.", OPP, "explicit"),
    ("Hamnestyret er skeptisk til at kaiavgifta skal doblast.", OPP, "explicit"),
    ("Vi er skeptiske til om gjestebryggene blir brukt nok.", None, "reservation"),
    ("Me er skeptiske til om gjestebryggene blir brukte nok.", None, "reservation"),
    # a concern on its own
    ("Vi er bekymret for kostnadene ved de nye kaiene.", None, "reservation"),
    ("Vi er uroa over kostnadene ved dei nye kaiane.", None, "reservation"),
    # doubt is a reservation, not a verdict
    ("Havnestyret er ikke overbevist om at gjestebryggene lønner seg.", None, "reservation"),
    ("Hamnestyret er ikkje overtydd om at gjestebryggene løner seg.", None, "reservation"),
    # deferral
    ("Havnestyret vil komme tilbake til saken når utredningen foreligger.", M, "defer"),
    ("Hamnestyret vil koma tilbake til saka når utgreiinga ligg føre.", M, "defer"),
    # a complaint restating a problem (two complaint cues): weak support
    (
        "Søknadsrundene tar mye tid og binder ressurser som heller kunne vært brukt på vedlikehold.",
        S,
        "problem",
    ),
    (
        "Søknadsrundane tek mykje tid og bind ressursar som heller kunne vore brukt på vedlikehald.",
        S,
        "problem",
    ),
    # any contrast after the support ("..., men ...") limits it: qualified
    ("Biblioteket støtter lengre åpningstider, men fristen for innføring er for kort.", Q, "explicit"),
    ("Biblioteket støttar lengre opningstider, men fristen for innføring er for kort.", Q, "explicit"),
    # a condition after the support ("dersom", "viss") and an explicit "only" on it
    ("Havnestyret støtter nye gjestebrygger dersom kommunen tar vedlikeholdet.", Q, "explicit"),
    ("Hamnestyret støttar nye gjestebrygger dersom kommunen tek vedlikehaldet.", Q, "explicit"),
    ("Vegetaten kan bare støtte bomringen i en kort overgangsperiode.", Q, "explicit"),
    ("Vegetaten kan berre støtte bomringen i ein kort overgangsperiode.", Q, "explicit"),
    # partial support
    ("Tallene våre gir bare delvis støtte til vurderingen av fergetrafikken.", Q, "explicit"),
    ("Tala våre gir berre delvis støtte til vurderinga av ferjetrafikken.", Q, "explicit"),
    # no objection with a limit; an adjective before the objection noun
    (
        "Vegetaten har ingen prinsipielle innvendinger mot bomringen, men takstene må holdes lave.",
        Q,
        "explicit",
    ),
    (
        "Vegetaten har ingen prinsipielle innvendingar mot bomringen, men takstane må haldast låge.",
        Q,
        "explicit",
    ),
    # double negatives: no ground to disagree, no reason not to (any verb)
    ("Havnestyret har ikke grunnlag for å være uenig i vurderingen av kaiene.", S, "explicit"),
    ("Hamnestyret har ikkje grunnlag for å vere usamd i vurderinga av kaiane.", S, "explicit"),
    ("Biblioteket kan ikke se noen grunn til ikke å åpne lesesalene om kvelden.", S, "explicit"),
    ("Biblioteket kan ikkje sjå nokon grunn til ikkje å opne lesesalane om kvelden.", S, "explicit"),
    # not opposed: agreement, qualified by a condition
    ("Styret er ikke imot flere gjestebrygger i havna.", S, "explicit"),
    ("Styret er ikkje imot fleire gjestebrygger i hamna, så lenge kommunen tek kostnaden.", Q, "explicit"),
    # advising against, the verb split from its particle
    ("Vegetaten råder sterkt fra å flytte fergeleiet nærmere sentrum.", OPP, "explicit"),
    ("Vegetaten rår difor frå at ferjeleiet vert flytta nærare sentrum.", OPP, "explicit"),
    # inverted word order before "imot"
    ("Bompenger på fjellvegen er vi helt imot.", OPP, "explicit"),
    ("Bompengar på fjellvegen er me heilt imot.", OPP, "explicit"),
    # disbelief in a claim, and evidence that does not bear it out: opposition
    ("At bussene blir billigere med ny ordning, tror vi ikke noe på.", OPP, "explicit"),
    ("At bussane blir billegare med ny ordning, trur me ikkje noko på.", OPP, "explicit"),
    ("Havnestyret har liten tro på at kaiene blir ferdige i tide.", OPP, "explicit"),
    ("Hamnestyret har lita tru på at kaiane blir ferdige i tide.", OPP, "explicit"),
    ("Tellingene gir ikke dekning for påstanden om mindre trafikk over fjellet.", OPP, "explicit"),
    ("Teljingane gir ikkje dekning for påstanden om mindre trafikk over fjellet.", OPP, "explicit"),
    # the report's description matches the sender's own experience: agreement; negated, disagreement
    ("Beskrivelsen av fergetrafikken samsvarer med det vi ser på kaiene hver dag.", S, "explicit"),
    ("Skildringa av ferjetrafikken samsvarar med det me ser på kaiane kvar dag.", S, "explicit"),
    ("Tallene for utlån stemmer godt med våre erfaringer fra bokbussen.", S, "explicit"),
    ("Tala for utlån stemmer ikkje med erfaringane våre frå bokbussen.", OPP, "explicit"),
    # no basis to judge: a deferral, even when an evaluative word follows
    ("Havnestyret har ikke grunnlag for å vurdere om anslaget for kaiene er riktig.", M, "defer"),
    ("Hamnestyret har ikkje grunnlag for å vurdere om overslaget for kaiane er rett.", M, "defer"),
    ("Biblioteket har ingen forutsetninger for å mene noe om bompengesatsene.", M, "defer"),
    # intensified evaluation
    ("Det er kjempebra at lesesalene får lengre åpningstid.", S, "evaluative"),
    ("Det er kjempebra at lesesalane får lengre opningstid.", S, "evaluative"),
    # a reservation in a sentence of its own: a contrast opening it, a precondition, a caveat
    ("Men kostnadene for de minste havnene er ikke regnet ut.", None, "reservation"),
    ("Men kostnadene for dei minste hamnene er ikkje rekna ut.", None, "reservation"),
    ("Dette forutsetter at fylket betaler for vedlikeholdet av kaiene.", None, "reservation"),
    ("Dette føreset at fylket betalar for vedlikehaldet av kaiane.", None, "reservation"),
    ("Samtidig vil vi peke på at fergene på sambandet er gamle.", None, "reservation"),
    ("Samstundes vil me peike på at ferjene på sambandet er gamle.", None, "reservation"),
    # stop 23: wider cue words (written from general usage, tested on made-up sentences)
    # the subject after the verb: "... slutter styret seg til"; the object first: "... deler vi"
    ("Forslaget om nattåpne lesesaler slutter styret seg til.", S, "explicit"),
    ("Framlegget om nattopne lesesalar sluttar styret seg til.", S, "explicit"),
    ("Vurderingen av fergetrafikken om vinteren deler vi.", S, "explicit"),
    ("Vurderinga av ferjetrafikken om vinteren deler me fullt ut.", S, "explicit"),
    # acceptance, and received well; negated acceptance is opposition
    ("Havnestyret kan gå med på en høyere kaiavgift.", S, "explicit"),
    ("Hamnestyret kan vere med på ei høgare kaiavgift.", S, "explicit"),
    ("Vegetaten kan ikke godta at fergeleiet flyttes.", OPP, "explicit"),
    ("Vegetaten kan ikkje godta at ferjeleiet vert flytta.", OPP, "explicit"),
    ("Forslaget om felles lånekort blir godt mottatt i bibliotekene.", S, "explicit"),
    ("Framlegget om felles lånekort vart godt motteke i biblioteka.", S, "explicit"),
    # glad for it, pleased that, asked for it long ago, believe in it, would like to see it
    ("Biblioteket er glad for at lesesalene får lengre åpningstid.", S, "evaluative"),
    ("Biblioteket er glad for at lesesalane får lengre opningstid.", S, "evaluative"),
    ("Derfor er det gledelig at fylket vil bygge nye gjestebrygger.", S, "evaluative"),
    ("Difor er det gledeleg at fylket vil byggje nye gjestebrygger.", S, "evaluative"),
    ("Flere avganger over fjellet er noe vegetaten lenge har etterlyst.", S, "evaluative"),
    ("Fleire avgangar over fjellet har vegetaten bede om lenge.", S, "evaluative"),
    ("Felles drift av vannverkene har vi stor tro på.", S, "evaluative"),
    ("Felles drift av vassverka har me stor tru på.", S, "evaluative"),
    ("En bokbuss i hver kommune vil styret gjerne se innført.", S, "evaluative"),
    ("Ein bokbuss i kvar kommune vil styret gjerne sjå innført.", S, "evaluative"),
    ("Felles billetter på fergene er greit, mener styret.", S, "evaluative"),
    ("Felles billettar på ferjene er greitt, meiner styret.", S, "evaluative"),
    # not pleased, the wrong way to go, won't work, no need, warning against it: opposition
    ("Vi er lite begeistret for at kaiene skal selges.", OPP, "evaluative"),
    ("Me er lite begeistra for at kaiane skal seljast.", OPP, "evaluative"),
    ("En ny bompengeordning er etter vårt syn feil vei å gå.", OPP, "evaluative"),
    ("Ei ny bompengeordning er etter vårt syn feil veg å gå.", OPP, "evaluative"),
    ("En slik avgift for småbåthavnene går ikke an.", OPP, "explicit"),
    ("Ei slik avgift for småbåthamnene går ikkje an.", OPP, "explicit"),
    ("Hamnestyret ser ikkje trong for eit nytt kairegister.", OPP, "explicit"),
    ("Havnestyret vil advare mot å legge ned fergeleiet.", OPP, "explicit"),
    ("Hamnestyret vil åtvare mot å leggje ned ferjeleiet.", OPP, "explicit"),
    # the infinitive after a modal
    ("En felles bokbuss kan kommunen gå inn for.", S, "explicit"),
    ("Hamnestyret vil stille seg bak framlegget om nye kaiar.", S, "explicit"),
    ("Kommunen kan ikkje gå inn for ein felles bokbuss.", OPP, "explicit"),
    # more verbs and idioms of agreement and objection
    ("Styret tilslutter seg forslaget om felles lånekort.", S, "explicit"),
    ("Forslaget om felles lånekort får full tilslutnad frå styret.", S, "explicit"),
    ("Havnestyret tiltrer forslaget om nye gjestebrygger.", S, "explicit"),
    ("Vi sier ja til flere avganger over fjellet.", S, "explicit"),
    ("Me seier nei til bompengar på fjellvegen.", OPP, "explicit"),
    ("Vi har sansen for en bokbuss i hver kommune.", S, "explicit"),
    ("Hamnestyret er nøgd med framlegget om nye kaiar.", S, "evaluative"),
    ("Havnestyret vender seg mot forslaget om å flytte kaien.", OPP, "explicit"),
    ("Me protesterer mot at ferjeleiet vert lagt ned.", OPP, "explicit"),
    ("Vegetaten kan ikkje tilrå at ferjeleiet vert flytta.", OPP, "explicit"),
    ("Styret er mot forslaget om bompenger.", OPP, "explicit"),
    ("Det er lite ønskelig at kaien flyttes.", OPP, "evaluative"),
    ("Det er ikkje føremålstenleg å flytte kaien.", OPP, "evaluative"),
    ("Havnestyret har store innvendinger mot forslaget.", OPP, "explicit"),
    ("Vi har ingen store innvendinger mot forslaget.", S, "explicit"),
    ("Vi støtter forslaget om nye kaier under tvil.", Q, "explicit"),
    # a doubt or a question raised: a reservation; no view taken: a deferral
    ("Me er usikre på om bokbussen vil nå dei minste bygdene.", None, "reservation"),
    ("Havnestyret stiller spørsmål ved om kaiene trengs.", None, "reservation"),
    ("Bompengesatsene har styret ikkje teke stilling til.", M, "defer"),
    ("Biblioteket har ikke tatt stilling til åpningstidene.", M, "defer"),
    # stop 23, second round: past tense, agreeing the report is right, confirmed, welcome, relief, speaks for
    ("Styret gikk enstemmig inn for nye gjestebrygger.", S, "explicit"),
    ("Departementet har heilt rett i at ferjene går for sjeldan.", S, "explicit"),
    ("Tellingene våre bekrefter departementets vurdering av fergetrafikken.", S, "explicit"),
    ("Hamnestyret ønskjer dei nye gjestebryggene velkomne.", S, "explicit"),
    ("Bompengar på fjellvegen kan me leve med.", S, "explicit"),
    ("Ein felles bokbuss er heilt naudsynt for dei minste bygdene.", S, "evaluative"),
    ("Flere avganger over fjellet er et etterlengtet tiltak.", S, "evaluative"),
    ("Endelig kommer det flere avganger over fjellet!", S, "evaluative"),
    ("Tellingene taler klart for en ny fergerute.", S, "evaluative"),
    ("Det er med glede vi leser at kaiene skal rustes opp.", S, "evaluative"),
    ("Bokbussen har vi venta lenge på.", S, "evaluative"),
    ("Hamnestyret tek gjerne på seg å vere med i forsøket.", S, "evaluative"),
    ("Nye gjestebrygger: Positivt, men bare med en lengre frist.", Q, "evaluative"),
    # an evaluation with a limit after it is qualified, as a support verb is
    ("Bokbussen er bra, men den må også kjøre om sommeren.", Q, "evaluative"),
    ("Bokbussen er eit godt tiltak, men han må også køyre om sommaren.", Q, "evaluative"),
    # against: shelve it, harm it, does not fit, not documented, data give no support
    ("Vegetaten ber departementet legge forslaget bort.", OPP, "explicit"),
    ("Ein slik avgift vil etter vårt syn svekkje dei minste hamnene.", OPP, "evaluative"),
    ("Beskrivelsen passer dårlig med det vi ser på kaiene.", OPP, "evaluative"),
    ("Utvalet har ikkje dokumentert at store hamner er billegare i drift.", OPP, "explicit"),
    ("Tellingene våre gir ikke støtte til antakelsen om mindre trafikk.", OPP, "explicit"),
    ("Teljingane våre gjev lite grunnlag for påstanden om mindre trafikk.", OPP, "explicit"),
    # evidence the sender reports without a verdict (a survey, its figures): what a "mentions" says
    ("Undersøkelsen vår viser at bokbussen når 60 prosent av bygdene.", M, "evidence"),
    ("I ei spørjeundersøking svara to av tre hamner at dei manglar straum til båtane.", M, "evidence"),
    # reported: a minority of the committee in the past tense
    ("Et mindretall i utvalget gikk inn for at staten skulle eie kaiene.", M, "commission"),
    # a limit stated after the support, in its own sentence: a reservation
    ("Ordningen må likevel gjelde alle kommunene i regionen.", None, "reservation"),
    ("Ordninga må likevel gjelde alle kommunane i regionen.", None, "reservation"),
    ("Samtidig må fylket betale for vedlikeholdet av kaiene.", None, "reservation"),
    ("Samstundes må fylket betale for vedlikehaldet av kaiane.", None, "reservation"),
    ("Overgangstiden for vannverkene er imidlertid for kort.", None, "reservation"),
    ("Overgangstida for vassverka er likevel altfor kort.", None, "reservation"),
    # reported speech: the commission, its minority, the ministry
    ("Et mindretall i utvalget er imot en felles bompengeordning.", M, "commission"),
    ("Eit mindretal i utvalet er imot ei felles bompengeordning.", M, "commission"),
    ("Vegutvalget foreslår å samle alle fergesambandene i ett selskap.", M, "commission"),
    ("Vegutvalet gjer framlegg om å samle alle ferjesambanda i eitt selskap.", M, "commission"),
    ("Departementet legger opp til at bibliotekene skal samarbeide mer.", M, "commission"),
    ("Departementet legg opp til at biblioteka skal samarbeide meir.", M, "commission"),
]


@pytest.mark.parametrize(("sentence", "stance", "kind"), CASES)
def test_cue_kind(sentence: str, stance: Stance | None, kind: str) -> None:
    cue = detect_cue(sentence)
    assert cue is not None, sentence
    assert (cue.stance, cue.kind) == (stance, kind)


def test_an_indirect_question_states_no_verdict() -> None:
    """ "Hva som er hensiktsmessig" asks; the evaluative word is no verdict there."""
    assert detect_cue("Spørsmålet er hva som er hensiktsmessig for å støtte bibliotekene.") is None
    assert detect_cue("Vi undrast på kva som er rett for dei minste hamnene.") is None


@pytest.mark.parametrize(
    "sentence",
    [
        # Descriptive "skal" is no normative support.
        "Tilskuddet skal dekke utgifter til skyss for elever.",
        "Tilskotet skal dekkje utgifter til skyss for elevar.",
        "Ordningen skal støtte kommunene med drift av bibliotekene.",
        "Ordninga skal støtte kommunane med drift av biblioteka.",
    ],
)
def test_descriptive_skal_is_no_cue(sentence: str) -> None:
    assert detect_cue(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    ["Kommunen mener skolebussene skal gå hver time.", "Kommunen meiner skulebussane skal gå kvar time."],
)
def test_the_respondents_own_skal_is_normative(sentence: str) -> None:
    cue = detect_cue(sentence)
    assert cue is not None and (cue.stance, cue.kind) == (S, "deontic")


@pytest.mark.parametrize(
    "sentence",
    [
        "Et mindretall i utvalget går inn for å flytte ansvaret.",
        "Eit mindretal i utvalet går inn for å flytte ansvaret.",
        "Flertallet i vegutvalget mener at bompengene bør fjernes.",
        "Fleirtalet i vegutvalet meiner at bompengane bør fjernast.",
        "Ifølge utvalget vil bibliotekene spare penger.",
    ],
)
def test_reported_speech_is_never_the_senders_position(sentence: str) -> None:
    assert is_commission_voice(sentence)
    cue = detect_cue(sentence)
    assert cue is not None and cue.stance is M


@pytest.mark.parametrize(
    "sentence",
    [
        "Kystforum Nord mener at fergeprisene bør halveres.",
        "Kystforum Nord meiner at ferjeprisane bør halverast.",
        "Kystforum Nord går imot at hurtigbåtrutene legges ned.",
    ],
)
def test_another_named_body_is_reported_speech(sentence: str) -> None:
    # The caller names the other bodies the letter mentions (not the sender).
    assert is_commission_voice(sentence, others=["Kystforum Nord"])
    cue = detect_cue(sentence, others=["Kystforum Nord"])
    assert cue is not None and cue.stance is M
    # Without that knowledge the same sentence reads as a stance: who the subject is decides.
    plain = detect_cue(sentence)
    assert plain is not None and plain.stance is not M


@pytest.mark.parametrize(
    "sentence",
    [
        "Vegforumet peker i sitt høringssvar på at bompengene rammer pendlerne hardt.",
        "Vegforumet peikar i si fråsegn på at bompengane rammar pendlarane hardt.",
    ],
)
def test_a_third_partys_response_cited_is_reported_speech(sentence: str) -> None:
    assert is_commission_voice(sentence)


def test_the_senders_own_view_of_the_report_is_not_reported_speech() -> None:
    assert not is_commission_voice("Rapporten peker etter vår vurdering i riktig retning.")
    assert not is_commission_voice("Vi mener utredningen gir et godt bilde av vegvedlikeholdet.")


# -- regression tests ------------------------------------------------------------------------------
def test_nynorsk_article_ei_is_no_negator() -> None:
    # Regression: "ei" stood among the negators, so "støttar ei forenkling" came out opposes.
    for sentence in (
        "Fylkeskommunen støttar ei forenkling av skyssordninga.",
        "Vi stør ei felles ordning for bibliotekkort.",
    ):
        cue = detect_cue(sentence)
        assert cue is not None and cue.stance is S, sentence


def test_ikke_bare_does_not_negate_and_the_next_word_does_not_wrap_around() -> None:
    # Regression: _negated read the word after "ikke" from the wrong end of its window.
    for sentence in (
        "Vi støtter derfor ikke bare utbedringen av kaia, men også nye fortøyninger.",
        "Vi støttar difor ikkje berre utbetringa av kaia, men òg nye fortøyingar.",
    ):
        cue = detect_cue(sentence)
        assert cue is not None and cue.stance is S, sentence
    cue = detect_cue("Vi støtter derfor ikke utbedringen av kaia.")
    assert cue is not None and cue.stance is OPP


def test_heller_ikke_is_a_negator_phrase() -> None:
    # Regression: "heller ikke" was listed as one token and could never match.
    assert ("heller", "ikke") in {tuple(n.split()) for n in cues().negators}
    for sentence in (
        "Det er heller ikke riktig at vegene blir tryggere.",
        "Det er heller ikkje rett at vegane blir tryggare.",
    ):
        cue = detect_cue(sentence)
        assert cue is not None and cue.stance is OPP, sentence


def test_double_negative_and_doubt_are_not_opposition() -> None:
    assert detect_cue("Vi ser ingen grunn til å tro at kostnadene blir lave.") is None
    cue = detect_cue("Vi ser ingen grunn til ikkje å stø ei felles bibliotekordning.")
    assert cue is None or cue.stance is not OPP


# -- endorsements ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Vi slutter oss til høringssvaret fra Kystlagenes landsforbund.", "Kystlagenes landsforbund."),
        ("Havnestyret sluttar seg til høyringssvaret frå Fjordbyen hamnevesen.", "Fjordbyen hamnevesen."),
        ("Vi viser til og støttar fråsegna frå Vegforum Nord.", "Vegforum Nord."),
        ("Biblioteket stiller seg bak uttalelsen fra Lesernes forening.", "Lesernes forening."),
    ],
)
def test_endorsement_is_found_and_is_no_stance(sentence: str, name: str) -> None:
    e = detect_endorsement(sentence)
    assert e is not None and sentence[e.name_start :] == name
    assert detect_cue(sentence) is None  # adopting a response is no position on a proposal


def test_endorsement_keeps_the_senders_own_stance_in_the_same_sentence() -> None:
    sentence = "Vi slutter oss til høringssvaret fra Vegforum Nord, men går imot nye bomstasjoner."
    assert detect_endorsement(sentence) is not None
    cue = detect_cue(sentence)
    assert cue is not None and cue.stance is OPP


@pytest.mark.parametrize(
    ("sentence", "reservation"),
    [
        ("Vi slutter oss til høringssvaret fra Vegforum Nord, med ett unntak.", True),
        ("Vi sluttar oss til fråsegna frå Vegforum Nord, bortsett frå punktet om bompengar.", True),
        ("Vi slutter oss til høringssvaret fra Vegforum Nord i sin helhet.", False),
    ],
)
def test_endorsement_with_exceptions(sentence: str, reservation: bool) -> None:
    e = detect_endorsement(sentence)
    assert e is not None and e.reservation is reservation


def test_negated_or_plain_support_is_no_endorsement() -> None:
    assert detect_endorsement("Vi slutter oss ikke til høringssvaret fra Vegforum Nord.") is None
    assert detect_endorsement("Vi støtter forslaget om nye ferjekaier.") is None


# -- no comments -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["Vegetaten har ingen merknader til høringen.", "Hamnestyret har ikkje merknadar til saka.",
     "Ingen særskilde merknadar.", "Vi har ingen kommentarer."],
)  # fmt: skip
def test_no_comments_phrases(text: str) -> None:
    assert no_comments_pattern().search(text)


def _letter(*paragraphs: str) -> ResponseDocument:
    passages, text = [], ""
    for i, p in enumerate(paragraphs):
        passages.append(Passage(i, len(text), len(text) + len(p), p))
        text += p + "\n\n"
    return ResponseDocument(
        Path("x.txt"), "x.txt", DocumentFormat.TXT, "0", text, ResponseMetadata(), passages
    )


def test_a_short_letter_without_remarks_uses_the_lexicon_rule() -> None:
    """Stance reads «uten merknad» with the lexicon's rule (also "ingen særskilde merknadar")."""
    assert is_without_comments(
        _letter("Vassverket viser til brevet av 3. mars.", "Ingen særskilde merknadar.")
    )
    assert not is_without_comments(
        _letter("Vassverket har følgjande merknader til framlegget om reservevatn.")
    )


def test_remarks_are_not_no_comments() -> None:
    assert not no_comments_pattern().search("Vegetaten har følgende merknader til forslaget.")


# -- the test sentences are our own ----------------------------------------------------------------
def test_test_sentences_are_not_in_the_gold_letters() -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    texts = []
    for p in sorted(examples.glob("*/responses/*")):
        if p.name.endswith((".yaml", ".yml")):
            continue
        try:
            texts.append(read_response(p).text)  # PDF and DOCX too, as the pipeline reads them
        except DocumentReadError:
            continue
    letters = " ".join(" ".join(t.split()).lower() for t in texts)
    if not letters:
        pytest.skip("no development letters next to the tests")
    # Every sentence written in this file, not only CASES.
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    sentences = {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and len(n.value.split()) >= 5
        and n.value.rstrip().endswith(".")
        and "\n" not in n.value
    }
    assert len(sentences) > len(CASES)
    for sentence in sentences:
        core = re.sub(r"[.]$", "", sentence.lower())
        assert core not in letters, sentence

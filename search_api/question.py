"""Reading a question the way a letter is read: which senders it names.

"Hva mener Kystby om ..." asks about one sender's letter. Two ways to see that, both
without any hearing's names in code:

- the entity linker of :mod:`ingest.linking` run over the question as a one-passage
  document, against the hearing's reference data (known actors by name, alias, inflection
  and typo; organisations the reference data lacks, "Lia kommune", by their shape);
- the senders of the indexed letters: a sender is named when every *distinctive* word of its
  name (a word no other sender's name has, and no stop word) starts a word of the question
  ("Kystby" for "Kystby kommune", also "Kystbys"). Words several senders share
  ("kommune", a region) name none of them.

The result is a set of actor ids, the last segment of the senders' IRIs, and the stance a
"who supports / which respondents oppose ..." question asks for (cue words in
``question_cues.yaml``, language knowledge as data).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from graph.sparql import named
from graph.store import GraphStore
from ingest.lexical import STOP_WORDS
from ingest.model import DocumentFormat, EntityKind, Passage, ResponseDocument, ResponseMetadata
from ingest.reference import ReferenceData
from search_api.fusion import QuestionSignals

__all__ = [
    "QuestionReader",
    "asked_actor_types",
    "asked_stance",
    "asked_stances",
    "asks_endorsement",
    "asks_no_comments",
    "dense_query",
    "graph_endorsements",
    "graph_positions",
    "graph_senders",
    "graph_without_comments",
    "kind_words",
    "sender_zone",
]

_WORD = re.compile(r"[^\W\d_]+")
_CUES = Path(__file__).with_name("question_cues.yaml")


def _alternation(words: list[str]) -> str:
    """A regex alternative of ``words`` (lower-cased, escaped), longest first."""
    return "|".join(sorted((re.escape(w.lower()) for w in words), key=len, reverse=True))


def _phrases(words: list[str]) -> re.Pattern[str]:
    """Any of ``words`` (lower-cased phrases) as whole words, longest first."""
    return re.compile(rf"(?<![\w-])(?:{_alternation(words)})(?![\w-])")


@cache
def _cue_data() -> dict[str, Any]:
    """``question_cues.yaml``, read once for every cue list below."""
    data: dict[str, Any] = yaml.safe_load(_CUES.read_text(encoding="utf-8"))
    return data


@cache
def _cues() -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], str], ...], tuple[str, ...]]:
    """The "who" pattern; (phrase pattern, stance) longest phrase first; the stances in file order."""
    data = _cue_data()
    phrases = sorted(
        ((w.lower(), stance) for stance, words in data["stances"].items() for w in words),
        key=lambda p: -len(p[0]),
    )
    return (
        _phrases(data["who"]),
        tuple((_phrases([w]), stance) for w, stance in phrases),
        tuple(data["stances"]),
    )


def asked_stances(question: str) -> tuple[str, ...]:
    """Every stance a "who supports / who opposes ..." question asks about, in the cue file's order.

    A question may ask for several ("Hvem er positive, helt eller med forbehold, til ...": supports
    and qualified). The longest phrase is read first and taken out of the text, so "har ikke noe
    imot" counts as support and its "imot" not also as opposition.
    """
    who, phrases, order = _cues()
    text = question.lower()
    if not who.search(text):
        return ()
    found: set[str] = set()
    for pattern, stance in phrases:
        if pattern.search(text):
            found.add(stance)
            text = pattern.sub(" ", text)
    return tuple(s for s in order if s in found)


def asked_stance(question: str) -> str | None:
    """The first stance :func:`asked_stances` reads in the question, else None."""
    stances = asked_stances(question)
    return stances[0] if stances else None


@cache
def _head_pattern() -> re.Pattern[str]:
    head = _cue_data()["interrogative_head"]
    pronouns, determiners = _alternation(head["pronouns"]), _alternation(head["determiners"])
    return re.compile(rf"^\s*(?:(?:{pronouns})|(?:{determiners})\s+\S+)\s+", re.IGNORECASE)


def dense_query(question: str) -> str:
    """The question as the dense model reads it: without its interrogative head ("Hvilke
    høringsinstanser", "Which municipality", "Hvem"; ``question_cues.yaml``).

    The head asks *who*, and the graph answers that (sender named, kind of sender, positions); left
    in, it draws passages where a respondent presents itself ("X er en organisasjon med 18 000
    medlemmer"). The rest is what an answering passage states. A question that would keep fewer
    than 11 characters is left whole. Measured leave-one-hearing-out (README "Evaluation").
    """
    rest = _head_pattern().sub("", question, count=1)
    return rest if len(rest) > 10 else question


@cache
def _endorsing_cue() -> re.Pattern[str]:
    return _phrases(_cue_data()["endorsing"])


def asks_endorsement(question: str) -> bool:
    """Does the question ask who adopted another body's response ("Hvem slutter seg til svaret fra ...")?"""
    return bool(_endorsing_cue().search(question.lower()))


@cache
def _kind_cues() -> tuple[
    tuple[tuple[re.Pattern[str], str], ...], tuple[tuple[str, str], ...], re.Pattern[str]
]:
    """(phrase pattern, kind) longest first; (compound ending, kind) longest first; no-comments pattern."""
    data = _cue_data()
    phrases = sorted(
        ((w.lower(), kind) for kind, words in data["actor_types"].items() for w in words),
        key=lambda p: -len(p[0]),
    )
    endings = sorted(
        ((w.lower(), kind) for kind, words in data["actor_type_endings"].items() for w in words),
        key=lambda p: -len(p[0]),
    )
    return (
        tuple((re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])"), kind) for w, kind in phrases),
        tuple(endings),
        _phrases(data["no_comments"]),
    )


@dataclass(frozen=True, slots=True)
class _ZoneCues:
    """``sender_zone`` of ``question_cues.yaml``, and the kinds each ``actor_type_groups`` name stands for."""

    ends: frozenset[str]  # words that close the zone
    attributions: re.Pattern[str]  # "ifølge / according to": a zone opens after them
    counted: re.Pattern[str]  # "Hvor mange kommuner": what follows is counted, not who answers
    min_words: int  # the first word an end may close the zone at
    groups: dict[str, tuple[str, ...]]


@cache
def _zone_cues() -> _ZoneCues:
    data = _cue_data()
    zone = data["sender_zone"]
    return _ZoneCues(
        ends=frozenset(w.lower() for w in zone["ends"]),
        attributions=_phrases(zone["attributions"]),
        counted=_phrases(zone["counted"]),
        min_words=int(zone["zone_min_words"]),
        groups={name: tuple(kinds) for name, kinds in data.get("actor_type_groups", {}).items()},
    )


_ATTRIBUTION, _COUNTED = "\x00", "\x01"
_ZONE_TOKEN = re.compile(rf"[^\W\d_]+|,|{_ATTRIBUTION}|{_COUNTED}")


def sender_zone(question: str) -> str:
    """The words of a question that can name its sender, space-joined (``question_cues.yaml``
    ``sender_zone``): from the start to the first comma or end word at or after word
    ``zone_min_words``, and after each attribution ("ifølge ...") to the next end. A counted phrase
    ("Hvor mange kommuner ...") closes the first zone: what follows it is counted, not who answers."""
    cues = _zone_cues()
    ends, min_words = cues.ends, cues.min_words
    text = cues.counted.sub(f" {_COUNTED} ", cues.attributions.sub(f" {_ATTRIBUTION} ", question.lower()))
    zone: list[str] = []
    open_, start = True, 0
    for i, token in enumerate(_ZONE_TOKEN.findall(text)):
        if token == _ATTRIBUTION:
            open_, start = True, i + 1
            continue
        if token == _COUNTED:  # what follows is counted; only an attribution names the sender
            open_ = False
            continue
        if not open_:
            continue
        need = min_words if start == 0 else 1  # an attribution's zone may end after its first word
        if (token == "," or token in ends) and i - start >= need:
            open_ = False
        elif token != ",":
            zone.append(token)
    return " ".join(zone)


@cache
def _single_word_kinds() -> dict[str, str]:
    """The one-word ``actor_types`` phrases ("fylket", "embetet") and their kinds."""
    return {w.lower(): k for k, words in _cue_data()["actor_types"].items() for w in words if " " not in w}


def _word_kind(word: str) -> str | None:
    """The kind of sender one word names: the longest compound ending it has, else the word itself."""
    _, endings, _ = _kind_cues()
    return next((k for ending, k in endings if word.endswith(ending)), None) or _single_word_kinds().get(word)


@lru_cache(maxsize=1024)
def _zone_kinds(question: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """(words, kind) naming a kind of sender in the question's sender zone, phrases first and taken
    out ("county governor" is not also a "county"), then single words; and the zone left after.
    Cached: each question is read for the dense text and again for its signals."""
    phrases, _, _ = _kind_cues()
    text = sender_zone(question)
    found: list[tuple[str, str]] = []
    for pattern, kind in phrases:
        if m := pattern.search(text):
            found.append((m.group(0), kind))
            text = pattern.sub(" ", text)
    found += [(w, k) for w in _WORD.findall(text) if (k := _word_kind(w)) is not None]
    return tuple(found), text


def asked_actor_types(question: str) -> frozenset[str]:
    """The kinds of sender (ActorType values) a question asks about: "Hvilken kommune ...", "Which
    union ...", "..., ifølge embetet". Only the words of :func:`sender_zone` count, and a kind in
    the genitive anywhere ("i fylkets prøveprosjekt", "kommunens plan"): a definite singular
    ("fylket", "kommunen") with an "s"."""
    groups = _zone_cues().groups
    kinds = [k for _, k in _zone_kinds(question)[0]]
    kinds += [
        k
        for w in _WORD.findall(question.lower())
        if w.endswith(("ens", "ets", "as")) and (k := _word_kind(w[:-1])) is not None
    ]
    return frozenset(g for k in kinds for g in groups.get(k, (k,)))


def kind_words(question: str) -> list[str]:
    """The words of the question's sender zone that name a kind of sender ("kommune", "fagetat",
    "county council"): the ones :func:`asked_actor_types` reads (not the genitive elsewhere)."""
    return list(dict.fromkeys(w for w, _ in _zone_kinds(question)[0]))


def asks_no_comments(question: str) -> bool:
    """Does the question ask who answered without comments ("Hvem har ingen merknader ...")?"""
    return bool(_kind_cues()[2].search(question.lower()))


def graph_without_comments(store: GraphStore) -> frozenset[str]:
    """IRIs of the responses the graph records as «uten merknad» (no comments)."""
    rows = store.select(named("responses-without-comments"))
    return frozenset(str(r["d"]) for r in rows)


def graph_endorsements(store: GraphStore) -> list[tuple[str, str]]:
    """(response IRI, passage IRI) of every passage in which the graph has a letter adopt another
    body's response («Vi slutter oss til høringssvaret fra X»)."""
    from graph.queries import endorsements

    return sorted({(e.document_iri, str(e.passage_iri)) for e in endorsements(store) if e.passage_iri})


_MAX_SUFFIX = 3  # "Kystbys", "Kystbyen": a name word may be inflected by a short ending


def graph_positions(store: GraphStore) -> Callable[[str], list[tuple[str, str]]]:
    """A look-up of the graph's effective positions (curated winning) on one proposal."""
    from graph.queries import positions

    def look_up(target_id: str) -> list[tuple[str, str]]:
        return sorted({(r.document_iri, r.stance) for r in positions(store, target_id=target_id)})

    return look_up


def graph_senders(store: GraphStore) -> list[tuple[str, str]]:
    """(actor id, name) of every response's sender in the graph."""
    rows = store.select(named("senders"))
    return sorted({(str(r["s"]).rsplit("/", 1)[-1], str(r["name"])) for r in rows})


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


class QuestionReader:
    """Finds the senders a question names; see the module docstring."""

    def __init__(
        self,
        senders: Iterable[tuple[str, str]] = (),
        reference: ReferenceData | None = None,
        positions: Callable[[str], Iterable[tuple[str, str]]] | None = None,
        without_comments: Iterable[str] = (),
        endorsements: Iterable[tuple[str, str]] = (),
    ) -> None:
        """``senders``: (actor id, name) of every letter's sender in the index; ``positions``:
        a proposal id -> (document IRI, stance) of every response's position on it (the graph);
        ``without_comments``: IRIs of the responses the graph has as «uten merknad»;
        ``endorsements``: (response IRI, passage IRI) where a letter adopts another's response."""
        self.positions = positions
        self.without_comments = frozenset(without_comments)
        self.endorsements = tuple(endorsements)
        named: dict[str, set[str]] = {}
        for actor_id, name in senders:
            named.setdefault(actor_id, set()).update(w for w in _words(name) if w not in STOP_WORDS)
        shared = Counter(w for words in named.values() for w in words)
        self._distinctive = {
            actor_id: frozenset(w for w in words if shared[w] == 1 and len(w) >= 3)
            for actor_id, words in named.items()
        }
        self._linker = None
        if reference is not None:
            from ingest.linking import EntityLinker

            self._linker = EntityLinker(reference)
        self._known = set(named)

    def _linked(self, question: str) -> set[str]:
        if self._linker is None:
            return set()
        doc = ResponseDocument(
            path=Path("question"),
            file_name="question",
            format=DocumentFormat.TXT,
            content_hash="",
            text=question,
            metadata=ResponseMetadata(),
            passages=[Passage(0, 0, len(question), question)],
        )
        return {m.entity_id for m in self._linker.link(doc) if m.kind is EntityKind.ACTOR}

    def _named(self, question: str) -> dict[str, list[str]]:
        """Actor id -> the question's words naming it, for every sender the question names by all
        the distinctive words of its name (each may be inflected by a short ending: "Kystbys")."""
        words = _words(question)

        def naming(name_word: str) -> list[str]:
            return [w for w in words if w.startswith(name_word) and len(w) - len(name_word) <= _MAX_SUFFIX]

        out: dict[str, list[str]] = {}
        for actor_id, name_words in self._distinctive.items():
            hits = [naming(n) for n in name_words]
            if name_words and all(hits):
                out[actor_id] = [w for w in words if any(w in h for h in hits)]
        return out

    def naming_words(self, question: str) -> list[str]:
        """The words of the question that name a sender of the index ("Kystbys", "Landbruksforbundet")."""
        return [w for hits in self._named(question).values() for w in hits]

    def dense_text(self, question: str) -> str:
        """What the dense model reads: :func:`dense_query` without the words that name a sender or
        the kind of sender asked about (:func:`kind_words`).

        "Hvorfor er Lia kommune kritisk til ..." is answered in Lia's letter, which the ranker's
        sender feature finds, and "Hvilken statlig fagetat sier ..." in a state agency's, which its
        kind-of-sender feature finds; left in, such words draw the passage where a letter presents
        itself ("Lia kommune har 4 000 innbyggjarar") rather than what it says on the matter. Still
        one embedding. Measured leave-one-hearing-out (README "Evaluation").
        """
        text = dense_query(question)
        for word in [*self.naming_words(question), *kind_words(question)]:
            text = re.sub(rf"(?i)(?<![\w-]){re.escape(word)}(?![\w-])", " ", text)
        text = re.sub(r"\s+([?.!,;:])", r"\1", " ".join(text.split()))
        return text if len(text) > 10 else dense_query(question)

    def read(self, question: str, kinds: Mapping[str, float] | None = None) -> QuestionSignals:
        """The question's signals; ``kinds``: what the question-kind model reads in it ("no_comments"
        or "endorsing" with its probability, :mod:`search_api.question_kinds`). A cue phrase counts as
        certain; the model catches the phrasings no cue list holds."""
        kinds = kinds or {}
        stances = asked_stances(question)
        actors = set(self._named(question))
        # Only senders of indexed letters matter for ranking; other linked actors are kept for "why".
        actors |= self._linked(question) & self._known
        no_comments = 1.0 if asks_no_comments(question) else kinds.get("no_comments", 0.0)
        endorsing = 1.0 if asks_endorsement(question) else kinds.get("endorsing", 0.0)
        if not self.endorsements:
            endorsing = 0.0
        return QuestionSignals(
            actors=frozenset(actors),
            stances=stances,
            question=question,
            actor_types=asked_actor_types(question),
            no_comments=no_comments,
            endorsing=endorsing,
            without_comments=self.without_comments if no_comments else frozenset(),
            endorsing_letters=frozenset(d for d, _ in self.endorsements) if endorsing else frozenset(),
            endorsement_passages=frozenset(p for _, p in self.endorsements) if endorsing else frozenset(),
        )

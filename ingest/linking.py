"""Entity linking: which actors, pilots and grant schemes each passage names, and who the sender is.

Names are matched token by token against every name and alias in the reference data:
exact, then the same stem (inflections, genitive -s, nynorsk spellings via
``ingest._morph``), then rapidfuzz similarity of stems for long words (typos like
"Bygdevekestavtaler", "Arkiverket"). Precision guards: short all-caps aliases (KS, SSB)
match only as the same whole word in the same case; a name made of short common words
(«I lag») only in quotes; a «quoted» programme name keeps its capital ("tett på" is no
«Tett på»); an actor named by a definite noun ("kommisjonen") needs a definite or genitive
form ("en kommisjon" is another). A short alias followed by the rest of the entity's name
is one mention of the whole ("energitiltak i kommunale utleieboliger og omsorgsboliger").

Organisations not in the reference data ("Lia kommune", "Statsforvalteren i Fjordland",
"Utdanningsdirektoratet") become typed actors with the slug of their normalised name as id;
initiatives a letter introduces ("tjenesten Fjordlandsprofilen") become pilots
(``ingest._newentities``). The sender comes from the metadata, else the letterhead, and is
typed by its name; its own name is found however it is cased, and a municipality's bare
name ("Nordfjell") counts as the sender.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from ingest._cues import detect_endorsement
from ingest._linkrules import SchemeReferences, after_postcode, fold_spelling, frame_passages
from ingest._morph import Token, normalise_dashes, slugify, stem, tokens
from ingest._newentities import actor_type_for_name, find_new_actors, find_new_pilots, new_actor_id
from ingest.lexicon import morphology
from ingest.metadata import normalise_name
from ingest.model import ActorType, Endorsement, EntityKind, Mention, Passage, ResponseDocument
from ingest.reference import ReferenceData
from ingest.segment import sentence_spans

__all__ = ["EntityLinker", "SenderActor", "actor_type_for_name", "new_actor_id"]

FUZZY_MIN = 88.0  # rapidfuzz ratio for a misspelt long word to count
FUZZY_MIN_LEN = 8  # shorter words must match by stem: too many near neighbours otherwise
TYPO_MIN = 94.0  # one letter dropped from a definite name of 9+ letters ("Husbanke" for "Husbanken")


@lru_cache(maxsize=262_144)
def _fuzzy(tok_stem: str, alias_stem: str) -> float:
    """Similarity (0-100) of two stems, as spelt and with spelling variants folded (remembered)."""
    return max(
        fuzz.ratio(tok_stem, alias_stem), fuzz.ratio(fold_spelling(tok_stem), fold_spelling(alias_stem))
    )


@dataclass(frozen=True, slots=True)
class SenderActor:
    id: str
    name: str
    type: ActorType
    known: bool


@dataclass(frozen=True, slots=True)
class _Alias:
    entity_id: str
    kind: EntityKind
    words: tuple[str, ...]  # as written in the reference data
    stems: tuple[str, ...]
    strict: bool  # short all-caps or common-word alias: exact case only
    quoted_only: bool  # several short common words ("I lag"): only as a «quoted» name
    keep_case: bool  # a «quoted» name of common words ("Tett på"): first word as written, or in quotes
    definite: bool  # an actor named by a definite noun ("kommisjonen", "Distriktssenteret")
    name_stems: tuple[str, ...]  # the entity's full name, to extend a short alias to it
    proper: bool = False  # a capitalised proper name ("Elvedal"): as written or genitive -s, never inflected
    bare: bool = False  # a municipality's bare name: not when part of another name ("Storelva interkommunale legevakt")


class _Spans:
    """Mentions found in one passage so far, and the text they cover."""

    def __init__(self, passage: Passage) -> None:
        self.passage = passage
        self.mentions: list[Mention] = []
        self._taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in self._taken)

    def add(
        self,
        start: int,
        end: int,
        entity_id: str,
        kind: EntityKind,
        score: float,
        new_type: ActorType | None = None,
        new_name: str | None = None,
    ) -> None:
        p = self.passage
        surface = p.text[start:end].rstrip("-")
        self.mentions.append(
            Mention(p.index, p.start + start, p.start + start + len(surface), surface, entity_id, kind, score,
                    new_actor_type=new_type, new_actor_name=new_name)
        )  # fmt: skip
        self._taken.append((start, end))


_DEFINITE = morphology().definite
_DEFINITE_OR_GENITIVE = morphology().definite_or_genitive
_NAME_CONNECTORS = frozenset({"i", "og", "for", "til", "av", "på", "-", "–", "&"})
# A name as written: capitalised words, with connectors between them ("Norsk forbund for lokal beredskap").
_NAME_AFTER = re.compile(
    r"[A-ZÆØÅ][\wæøåÆØÅ.-]*(?:\s+(?:(?:i|og|for|til|av|på|&)\s+)?(?:[A-ZÆØÅ][\wæøåÆØÅ.-]*|[a-zæøå]+(?=\s|$)))*?"
    r"(?=[\s,.;:]*(?:$|,|\.|;|:|\s(?:og|med|men|som|der|sitt|si|sine|og vil|i sin)\s))"
)


def _name_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in name.split()]
    return re.compile(r"(?<![\wæøå-])" + r"\s+".join(words) + r"(?![\wæøå-])", re.IGNORECASE)


def _with_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """A name written in «guillemets» is mentioned with them ("«Tett på»", "«I lag» i Trøndelag")."""
    if start > 0 and text[start - 1] == "«":
        closing = text.find("»", start, end + 1)
        if closing == end:
            return start - 1, end + 1
        if closing != -1:
            return start - 1, end
    return start, end


class EntityLinker:
    def __init__(self, reference: ReferenceData) -> None:
        self.reference = reference
        aliases: list[_Alias] = []
        groups: list[tuple[EntityKind, dict[str, list[str]]]] = [
            (EntityKind.ACTOR, {a.id: [a.name, *a.aliases] for a in reference.actors.values()}),
            (EntityKind.PILOT, {p.id: [p.name, *p.aliases] for p in reference.pilots.values()}),
            (EntityKind.GRANT_SCHEME, {g.id: [g.name, *g.aliases] for g in reference.grant_schemes.values()}),
        ]
        for kind, names in groups:
            for entity_id, variants in names.items():
                name_stems = tuple(stem(t.text) for t in tokens(variants[0]))
                extra = [v.replace("-", " ") for v in variants if re.search(r"\w-\w", v)]
                bare = re.fullmatch(r"(.+?)\s+kommune", variants[0])
                if (
                    kind is EntityKind.ACTOR
                    and bare
                    and reference.actors[entity_id].type is ActorType.MUNICIPALITY
                ):
                    # "i Tverrdal, Sølvdal og Brattli": a municipality's bare name, as written.
                    extra.append(bare.group(1))
                bare_name = extra[-1] if extra and bare and extra[-1] == bare.group(1) else ""
                for variant in dict.fromkeys([*variants, *extra]):
                    words = tuple(
                        t.text.strip("-") for t in tokens(variant.replace("«", " ").replace("»", " "))
                    )
                    if not words:
                        continue
                    strict = (len(words) == 1 and len(words[0]) <= 4 and words[0].isupper()) or all(
                        len(w) <= 3 for w in words
                    )
                    quoted_only = len(words) > 1 and all(len(w) <= 3 for w in words)
                    keep_case = variants[0].startswith("«") and words[0][:1].isupper()
                    definite = (
                        kind is EntityKind.ACTOR and len(words) == 1 and words[0].lower().endswith(_DEFINITE)
                    )
                    stems = tuple(stem(w) for w in words)
                    proper = (
                        kind is EntityKind.ACTOR
                        and not strict
                        and all(w[:1].isupper() for w in words)
                        and not words[-1].lower().endswith(_DEFINITE)
                    )
                    aliases.append(
                        _Alias(
                            entity_id,
                            kind,
                            words,
                            stems,
                            strict,
                            quoted_only,
                            keep_case,
                            definite,
                            name_stems,
                            proper,
                            variant == bare_name and variant not in variants,
                        )
                    )
        # Longest names first, so "Møre og Romsdal fylkeskommune" wins over a shorter overlapping alias.
        self._aliases = sorted(aliases, key=lambda a: -len(a.words))
        # The report's author and the ministry that asks are named in every letter, and send none.
        self._not_senders = {reference.hearing.report_author, reference.hearing.issued_by} - {None}
        # Words of known names: an initiative a letter introduces must not be one of them.
        self._known_words = frozenset(" ".join(a.words).lower() for a in aliases)
        self._schemes = SchemeReferences(groups[2][1])
        self._known_ids = frozenset([*reference.actors, *reference.pilots, *reference.grant_schemes])
        self._by_first: dict[str, list[_Alias]] = {}
        for alias in self._aliases:
            self._by_first.setdefault(alias.stems[0][:4], []).append(alias)

    # -- matching ----------------------------------------------------------------------------------
    @staticmethod
    def _word_match(alias_word: str, alias_stem: str, tok: Token, alias: _Alias, last: bool) -> float:
        if alias.strict:
            return 1.0 if tok.text.strip("-") == alias_word else 0.0
        word = tok.text.strip("-")
        low, alias_low = word.lower(), alias_word.lower()
        if low == alias_low:
            return 1.0
        if alias.proper:
            # A proper name is not inflected: "Elvedalen" (the valley) is no "Elvedal" (the municipality).
            return 0.95 if low == alias_low + "s" else 0.0
        if last and alias.kind is not EntityKind.ACTOR and low.startswith(alias_low + "-"):
            return 0.9  # "Klimasats-rammen", "leie-til-eie-avtaler": the scheme or pilot named in a compound
        tok_stem = stem(word)
        if tok_stem == alias_stem:
            return 0.95
        if len(alias_word) >= FUZZY_MIN_LEN and len(word) >= FUZZY_MIN_LEN:
            score = _fuzzy(tok_stem, alias_stem)
            if score >= FUZZY_MIN:
                return score / 100.0
        return 0.0

    def _candidates(self, tok: Token) -> list[_Alias]:
        key = stem(tok.text)[:4]
        found = list(self._by_first.get(key, []))
        if len(tok.text) >= FUZZY_MIN_LEN:  # a typo may be in the first letters too
            found += [
                a
                for k, group in self._by_first.items()
                if k != key
                for a in group
                if len(a.words[0]) >= FUZZY_MIN_LEN
            ]
        return found

    def _match_passage(self, text: str) -> list[tuple[int, int, _Alias, float]]:
        toks = tokens(text)
        hits: list[tuple[int, int, _Alias, float]] = []
        for i, tok in enumerate(toks):
            for alias in self._candidates(tok):
                n = len(alias.words)
                if i + n > len(toks):
                    continue
                scores = []
                for j in range(n):
                    s = self._word_match(alias.words[j], alias.stems[j], toks[i + j], alias, j == n - 1)
                    if not s:
                        break
                    scores.append(s)
                if len(scores) == n:
                    start = toks[i].start
                    quoted = text[max(0, start - 1) : start] in ("«", '"', "“")
                    if alias.quoted_only and not quoted:
                        continue  # "I lag med fylket" is no mention of «I lag»
                    if alias.keep_case and not quoted and toks[i].text[:1] != alias.words[0][:1]:
                        continue  # "tett på dialogen" is no mention of «Tett på»
                    if (
                        alias.definite
                        and not toks[i].text.lower().endswith(_DEFINITE_OR_GENITIVE)
                        and fuzz.ratio(toks[i].text.lower(), alias.words[0].lower()) < TYPO_MIN
                    ):
                        continue  # "en kommisjon", "distriktssentre": another body of the same kind ("Husbanke" is a typo)
                    end = self._extend(text, toks, i + n, alias)
                    hits.append((start, end, alias, min(scores)))
        # Per entity keep non-overlapping, longest-first matches.
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        kept: list[tuple[int, int, _Alias, float]] = []
        for h in hits:
            if any(k[2].entity_id == h[2].entity_id and k[0] < h[1] and h[0] < k[1] for k in kept):
                continue
            kept.append(h)
        # A municipality's bare name inside another entity's longer name is part of that name.
        return [h for h in kept if not (h[2].bare and self._inside_other(h, kept))]

    @staticmethod
    def _inside_other(h: tuple[int, int, _Alias, float], hits: list[tuple[int, int, _Alias, float]]) -> bool:
        return any(
            k[2].entity_id != h[2].entity_id and k[0] <= h[0] and h[1] <= k[1] and k[1] - k[0] > h[1] - h[0]
            for k in hits
        )

    @staticmethod
    def _extend(text: str, toks: list[Token], nxt: int, alias: _Alias) -> int:
        """Where the mention ends: a short alias followed by the rest of the entity's name takes it along.

        "energitiltak i kommunale utleieboliger og omsorgsboliger" is one mention of «Tilskudd til
        energitiltak i kommunale utleieboliger, omsorgsboliger og sykehjem»: the words after the
        alias are matched in order against the rest of the name, "og" and commas allowed.
        """
        end = toks[nxt - 1].end
        last = alias.stems[-1]
        if last not in alias.name_stems:
            return end
        rest = list(alias.name_stems[alias.name_stems.index(last) + 1 :])
        k, pos = nxt, end
        while rest and k < len(toks) and re.fullmatch(r"[\s,]*", text[pos : toks[k].start]):
            word = stem(toks[k].text)
            if word in ("og", "eller"):
                pass  # a connector, whichever order the letter lists the name's parts in
            elif word in rest:
                rest = rest[rest.index(word) + 1 :]
                end = toks[k].end
            else:
                break
            pos = toks[k].end
            k += 1
        return end

    def link(self, doc: ResponseDocument) -> list[Mention]:
        """Every mention of a known or new actor, pilot or grant scheme, with document offsets."""
        sender = self._sender_from_metadata(doc)
        frame = frame_passages(doc.passages, sender.name if sender else None)
        out = []
        for p in doc.passages:
            for m in self._link_passage(p, sender):
                local = m.start - p.start
                if after_postcode(p.text, local):
                    continue  # "0032 Oslo", "6899 Brattvik": an address
                if sender is not None and m.entity_id == sender.id and p.index in frame.own_name:
                    continue  # the letter's own name in its letterhead, contact lines or signature
                if m.entity_id not in self._known_ids and p.index in frame.outside:
                    continue  # a name pattern in the letterhead or signature ("V IKØY KOMMUNE")
                out.append(m)
        return out

    def _link_passage(self, p: Passage, sender: SenderActor | None) -> list[Mention]:
        spans = _Spans(p)
        if sender is not None and not sender.known:
            # The sender's own name, however cased ("NORDFJELL KOMMUNE"), before any pattern splits it.
            for m in _name_pattern(normalise_dashes(sender.name)).finditer(normalise_dashes(p.text)):
                spans.add(m.start(), m.end(), sender.id, EntityKind.ACTOR, 1.0, sender.type, sender.name)
        for start, end, alias, score in self._match_passage(p.text):
            start, end = _with_quotes(p.text, start, end)
            # Known names may nest ("fire kommuner i Indre Namdal" names a pilot and an actor).
            spans.add(start, end, alias.entity_id, alias.kind, score)
        for ref in self._schemes.find(p.text):
            if spans.free(ref.start, ref.end):
                spans.add(
                    ref.start, ref.end, ref.scheme_id, EntityKind.GRANT_SCHEME, 0.85 if ref.by_topic else 0.75
                )
        for e in find_new_actors(p.text):
            canonical = normalise_name(e.name)
            actor_id = new_actor_id(canonical)
            if actor_id not in self.reference.actors and spans.free(e.start, e.end):
                spans.add(e.start, e.end, actor_id, EntityKind.ACTOR, 0.9, e.actor_type, canonical)
        for e in find_new_pilots(p.text, self._known_words):
            if spans.free(e.start, e.end) and slugify(e.name) not in self.reference.pilots:
                spans.add(e.start, e.end, slugify(e.name), EntityKind.PILOT, 0.7)
        if sender is not None and not sender.known and sender.type is ActorType.MUNICIPALITY:
            # "Nordfjell" alone, in a letter from Nordfjell kommune, is the sender; a county's bare
            # name is the region more often than the council.
            short = re.sub(r"\s+kommune$", "", sender.name, flags=re.IGNORECASE)
            if short != sender.name and len(short) >= 3:
                for m in re.finditer(rf"(?<![\wæøå-]){re.escape(short)}(?![\wæøå-])", p.text):
                    if spans.free(m.start(), m.end()):
                        spans.add(
                            m.start(), m.end(), sender.id, EntityKind.ACTOR, 0.85, sender.type, sender.name
                        )
        return spans.mentions

    # -- endorsements ------------------------------------------------------------------------------
    def endorsements(self, doc: ResponseDocument, mentions: list[Mention]) -> list[Endorsement]:
        """Other bodies' responses the letter adopts ("slutter oss til høringssvaret fra KS").

        The body is the actor mentioned right where the endorsing words end; failing that, the
        capitalised name written there, as a new actor ("Byggenæringens fellesråd").
        """
        out: list[Endorsement] = []
        for p in doc.passages:
            for s_start, s_end in sentence_spans(p.text):
                sentence = p.text[s_start:s_end]
                cue = detect_endorsement(sentence)
                if cue is None:
                    continue
                at = p.start + s_start + cue.name_start
                named = [
                    m
                    for m in mentions
                    if m.kind is EntityKind.ACTOR and m.passage_index == p.index and 0 <= m.start - at <= 3
                ]
                start, end = p.start + s_start, p.start + s_end
                if named:
                    m = min(named, key=lambda m: (m.start, -(m.end - m.start)))
                    known = m.entity_id in self.reference.actors
                    name = (
                        self.reference.actors[m.entity_id].name if known else (m.new_actor_name or m.surface)
                    )
                    out.append(
                        Endorsement(m.entity_id, name, p.index, start, end, sentence, known, cue.reservation)
                    )
                    continue
                written = _NAME_AFTER.match(sentence, cue.name_start)
                if written is not None:
                    name = normalise_name(written.group(0).strip())
                    found = self._known_actor(name)
                    actor_id = found or new_actor_id(name)
                    out.append(
                        Endorsement(
                            actor_id, name, p.index, start, end, sentence, found is not None, cue.reservation
                        )
                    )
        return out

    # -- sender ------------------------------------------------------------------------------------
    def _known_actor(self, name: str) -> str | None:
        for start, end, alias, _score in self._match_passage(name):
            if alias.kind is EntityKind.ACTOR and end - start >= len(name.strip()) * 0.8:
                return alias.entity_id
        return None

    def _letterhead(self, doc: ResponseDocument) -> str | None:
        """The sender's name from the letterhead: a short first line that names an organisation.

        Used when the reader found no sender; the addressee (usually the ministry) is skipped.
        """
        addressee = (doc.metadata.addressee or "").lower()
        issuer = self.reference.actors.get(self.reference.hearing.issued_by or "")
        for p in doc.passages[:3]:
            line = p.text.strip()
            words = line.split()
            # A name, not a sentence: no closing punctuation, capitalised words and connectors only.
            if "\n" in line or not 1 <= len(words) <= 6 or line[-1] in ".!?:;,":
                continue
            if not all(w[:1].isupper() or w in _NAME_CONNECTORS for w in words):
                continue
            if line.lower() == addressee or (issuer is not None and self._known_actor(line) == issuer.id):
                continue
            if self._known_actor(line) or actor_type_for_name(line) is not ActorType.OTHER:
                return line
        return None

    def _sender_from_metadata(self, doc: ResponseDocument) -> SenderActor | None:
        md = doc.metadata
        if md.actor_id and md.actor_id in self.reference.actors:
            a = self.reference.actors[md.actor_id]
            return SenderActor(a.id, a.name, a.type, True)
        sender_name = md.sender_name or self._letterhead(doc)
        if not sender_name:
            if md.actor_id:  # a sidecar names the actor but not its name
                return SenderActor(md.actor_id, md.actor_id, md.actor_type or ActorType.OTHER, False)
            return None
        known = self._known_actor(sender_name)
        if known and not md.actor_id:
            a = self.reference.actors[known]
            return SenderActor(a.id, a.name, md.actor_type or a.type, True)
        name = normalise_name(sender_name)
        return SenderActor(
            md.actor_id or new_actor_id(name), name, md.actor_type or actor_type_for_name(name), False
        )

    def resolve_sender(self, doc: ResponseDocument, mentions: list[Mention]) -> SenderActor:
        sender = self._sender_from_metadata(doc)
        if sender is not None:
            return sender
        # No sender in the letter: the organisation the letter names most often, or an unknown sender.
        counts: dict[str, int] = {}
        for m in mentions:
            if m.kind is EntityKind.ACTOR and m.entity_id not in self._not_senders:
                counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
        if counts:
            best = max(sorted(counts), key=lambda k: counts[k])
            if best in self.reference.actors:
                a = self.reference.actors[best]
                return SenderActor(a.id, a.name, a.type, True)
            m0 = next(m for m in mentions if m.entity_id == best)
            return SenderActor(
                best, m0.new_actor_name or m0.surface, m0.new_actor_type or ActorType.OTHER, False
            )
        stem_name = doc.file_name.rsplit(".", 1)[0]
        return SenderActor(
            slugify(stem_name) or "unknown-sender",
            f"Ukjent avsender ({doc.file_name})",
            ActorType.OTHER,
            False,
        )

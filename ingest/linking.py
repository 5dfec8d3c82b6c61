"""Entity linking: which actors, pilots and grant schemes each passage names, and who the sender is.

Names are matched token by token against every name and alias in the reference data:
exact, then the same stem (inflections, genitive -s, nynorsk spellings), then rapidfuzz
similarity of stems for long words (typos like "Bygdevekestavtaler"). Short all-caps
aliases (KS, SSB) match only as the same whole word in the same case. Organisations that
are not in the reference data ("Lia kommune", "Statsforvalteren i Fjordland") become new
typed actors with an id derived from their normalised name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ingest._morph import Token, slugify, stem, tokens
from ingest.metadata import normalise_name
from ingest.model import ActorType, EntityKind, Mention, ResponseDocument
from ingest.reference import ReferenceData

__all__ = ["EntityLinker", "SenderActor", "actor_type_for_name"]

FUZZY_MIN = 88.0  # rapidfuzz ratio for a misspelt long word to count
FUZZY_MIN_LEN = 8  # shorter words must match by stem: too many near neighbours otherwise


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


_NEW_ACTOR_PATTERNS: tuple[tuple[re.Pattern[str], ActorType | None], ...] = (
    (
        re.compile(
            r"\bStatsforvalte(?:ren|aren)\s+i\s+((?:[A-ZÆØÅ][\wæøå-]+)(?:\s+(?:og\s+)?[A-ZÆØÅ][\wæøå-]+)*)"
        ),
        ActorType.COUNTY_GOVERNOR,
    ),
    (
        re.compile(
            r"\b((?:[A-ZÆØÅ][\wæøåÆØÅ-]+\s+)(?:og\s+[A-ZÆØÅ][\wæøå-]+\s+)?)(fylkeskommune|FYLKESKOMMUNE)\b"
        ),
        ActorType.COUNTY,
    ),
    (
        re.compile(r"\b((?:[A-ZÆØÅ][\wæøåÆØÅ-]+\s+)(?:og\s+[A-ZÆØÅ][\wæøå-]+\s+)?)(kommune|KOMMUNE)\b"),
        ActorType.MUNICIPALITY,
    ),
    (re.compile(r"\b([A-ZÆØÅ][\wæøå-]+\s+)(regionråd|regionråd\w*)\b"), ActorType.MUNICIPAL_GROUP),
    (re.compile(r"\b([A-ZÆØÅ][\wæøå-]+\s+)(kommuneforbund)\b"), ActorType.INTEREST_ORGANISATION),
    (re.compile(r"\b(Forbundet\s+for\s+)([a-zæøå]+)\b"), ActorType.UNION),
    (re.compile(r"\b()([A-ZÆØÅ][a-zæøå]+(?:direktoratet|tilsynet|etaten))\b"), ActorType.STATE_AGENCY),
    (re.compile(r"\b()([A-ZÆØÅ][a-zæøå]+forbundet)\b"), ActorType.UNION),
)
# Capitalised words that start a sentence, not a name ("Hver kommune", "Denne kommune").
_NOT_NAMES = {"hver", "hvert", "denne", "dette", "den", "en", "ei", "et", "ein", "eit", "vår", "var", "min", "din",
              "kvar", "annen", "anna", "annan", "enhver", "samme", "same", "liten", "stor", "i", "og", "for",
              "til", "som", "at", "om", "kommunal", "kommunen", "ingen", "hele", "heile", "én", "hvilken"}  # fmt: skip


def actor_type_for_name(name: str) -> ActorType:
    """The type an organisation's name implies (used for senders and organisations not in the reference)."""
    low = name.lower()
    if low.startswith(("statsforvalteren", "statsforvaltaren", "fylkesmannen")):
        return ActorType.COUNTY_GOVERNOR
    if low.endswith("fylkeskommune") or low.endswith("fylkeskommunen"):
        return ActorType.COUNTY
    if re.search(r"\bkommune(n)?$", low):
        return ActorType.MUNICIPALITY
    if "regionråd" in low or low.startswith(("kommunene i", "kommunane i")):
        return ActorType.MUNICIPAL_GROUP
    if "departement" in low:
        return ActorType.MINISTRY
    if re.search(
        r"(kommuneforbund|organisasjon|forening|foreining|kommunenes|\bks\b|næringsliv|arbeidsgiver)", low
    ):
        return ActorType.INTEREST_ORGANISATION
    if re.search(r"(forbund|fagforening|\blo\b|unio|akademikerne|\bys\b)", low):
        return ActorType.UNION
    if re.search(r"(universitet|høgskole|høgskule|institutt|forskning|research)", low):
        return ActorType.RESEARCH
    if re.search(r"(direktorat|tilsyn|etaten|senteret|banken|verket|utvalg|utval|kommisjon)", low):
        return (
            ActorType.STATE_AGENCY
            if not re.search(r"(utvalg|utval|kommisjon)", low)
            else ActorType.COMMISSION
        )
    return ActorType.OTHER


def new_actor_id(name: str) -> str:
    m = re.match(r"(?i)statsforvalte(?:ren|aren)\s+i\s+(.+)$", name)
    if m:
        return "statsforvalteren-" + slugify(m.group(1))
    return slugify(name)


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
                for variant in dict.fromkeys(variants):
                    words = tuple(
                        t.text.strip("-") for t in tokens(variant.replace("«", " ").replace("»", " "))
                    )
                    if not words:
                        continue
                    strict = (len(words) == 1 and len(words[0]) <= 4 and words[0].isupper()) or all(
                        len(w) <= 3 for w in words
                    )
                    aliases.append(_Alias(entity_id, kind, words, tuple(stem(w) for w in words), strict))
        # Longest names first, so "Møre og Romsdal fylkeskommune" wins over a shorter overlapping alias.
        self._aliases = sorted(aliases, key=lambda a: -len(a.words))
        self._by_first: dict[str, list[_Alias]] = {}
        for alias in self._aliases:
            self._by_first.setdefault(alias.stems[0][:4], []).append(alias)

    # -- matching ----------------------------------------------------------------------------------
    @staticmethod
    def _word_match(alias_word: str, alias_stem: str, tok: Token, strict: bool) -> float:
        if strict:
            return 1.0 if tok.text.strip("-") == alias_word else 0.0
        word = tok.text.strip("-")
        if word.lower() == alias_word.lower():
            return 1.0
        tok_stem = stem(word)
        if tok_stem == alias_stem:
            return 0.95
        if len(alias_word) >= FUZZY_MIN_LEN and len(word) >= FUZZY_MIN_LEN:
            score = fuzz.ratio(tok_stem, alias_stem)
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
                    s = self._word_match(alias.words[j], alias.stems[j], toks[i + j], alias.strict)
                    if not s:
                        break
                    scores.append(s)
                if len(scores) == n:
                    hits.append((toks[i].start, toks[i + n - 1].end, alias, min(scores)))
        # Per entity keep non-overlapping, longest-first matches.
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        kept: list[tuple[int, int, _Alias, float]] = []
        for h in hits:
            if any(k[2].entity_id == h[2].entity_id and k[0] < h[1] and h[0] < k[1] for k in kept):
                continue
            kept.append(h)
        return kept

    def link(self, doc: ResponseDocument) -> list[Mention]:
        mentions: list[Mention] = []
        sender = self._sender_from_metadata(doc)
        for p in doc.passages:
            known_spans: list[tuple[int, int]] = []
            for start, end, alias, score in self._match_passage(p.text):
                surface = p.text[start:end].rstrip("-")
                mentions.append(
                    Mention(
                        p.index,
                        p.start + start,
                        p.start + start + len(surface),
                        surface,
                        alias.entity_id,
                        alias.kind,
                        score,
                    )
                )
                known_spans.append((start, end))
            for start, end, name, actor_type in self._new_actors(p.text):
                if any(s < end and start < e for s, e in known_spans):
                    continue
                canonical = normalise_name(name)
                actor_id = new_actor_id(canonical)
                if actor_id in self.reference.actors:
                    continue
                mentions.append(
                    Mention(p.index, p.start + start, p.start + end, p.text[start:end], actor_id, EntityKind.ACTOR, 0.9,
                            new_actor_type=actor_type, new_actor_name=canonical)
                )  # fmt: skip
                known_spans.append((start, end))
            if sender is not None and not sender.known:
                short = re.sub(r"\s+(kommune|fylkeskommune)$", "", sender.name)
                if short != sender.name and len(short) >= 3:
                    for m in re.finditer(rf"(?<![\wæøå-]){re.escape(short)}(?![\wæøå-])", p.text):
                        if not any(s <= m.start() < e for s, e in known_spans):
                            mentions.append(
                                Mention(p.index, p.start + m.start(), p.start + m.end(), m.group(0), sender.id, EntityKind.ACTOR, 0.85,
                                        new_actor_type=sender.type, new_actor_name=sender.name)
                            )  # fmt: skip
        return mentions

    def _new_actors(self, text: str) -> list[tuple[int, int, str, ActorType]]:
        found = []
        for pattern, actor_type in _NEW_ACTOR_PATTERNS:
            for m in pattern.finditer(text):
                first = m.group(1).split()[0].lower() if m.group(1).strip() else ""
                if first in _NOT_NAMES:
                    continue
                name = m.group(0).strip()
                found.append(
                    (m.start(), m.start() + len(name), name, actor_type or actor_type_for_name(name))
                )
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        kept: list[tuple[int, int, str, ActorType]] = []
        for f in found:
            if not any(k[0] < f[1] and f[0] < k[1] for k in kept):
                kept.append(f)
        return kept

    # -- sender ------------------------------------------------------------------------------------
    def _known_actor(self, name: str) -> str | None:
        for start, end, alias, _score in self._match_passage(name):
            if alias.kind is EntityKind.ACTOR and end - start >= len(name.strip()) * 0.8:
                return alias.entity_id
        return None

    def _sender_from_metadata(self, doc: ResponseDocument) -> SenderActor | None:
        md = doc.metadata
        if md.actor_id and md.actor_id in self.reference.actors:
            a = self.reference.actors[md.actor_id]
            return SenderActor(a.id, a.name, a.type, True)
        if not md.sender_name:
            return None
        known = self._known_actor(md.sender_name)
        if known and not md.actor_id:
            a = self.reference.actors[known]
            return SenderActor(a.id, a.name, md.actor_type or a.type, True)
        name = normalise_name(md.sender_name)
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
            if m.kind is EntityKind.ACTOR and m.entity_id != "kommunekommisjonen":
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

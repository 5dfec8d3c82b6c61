"""Campaign texts: letters that repeat the same council resolution with small differences.

Near-duplicates are found by word-shingle Jaccard similarity after masking the sender's
own name (municipalities send the same resolution under their own names). The fingerprint
of a letter is a MinHash signature of its masked shingles, stored in the graph: the share of
equal slots between two signatures estimates their Jaccard similarity, so the whole hearing
can be grouped later (:func:`group_signatures`) without reading the texts again, and counts
can be given per response and per distinct text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from ingest.model import PassageKind, ResponseDocument

__all__ = [
    "group_near_duplicates",
    "group_signatures",
    "shingles",
    "signature_similarity",
    "text_fingerprint",
]

SHINGLE = 5  # words per shingle
# Dates, case numbers and signatures differ between otherwise identical resolutions.
_VOLATILE = re.compile(r"\d+([./-]\d+)*")


def _masked_words(doc: ResponseDocument) -> list[str]:
    text = " ".join(p.text for p in doc.passages if p.kind is not PassageKind.HEADING and len(p.text) > 60)
    sender = doc.sender.name if doc.sender else doc.metadata.sender_name
    if sender:
        short = re.sub(r"\s+(kommune|fylkeskommune)$", "", sender, flags=re.IGNORECASE)
        for name in sorted({sender, short}, key=len, reverse=True):  # longest first, the same every run
            if len(name) >= 3:
                text = re.sub(re.escape(name), " SENDER ", text, flags=re.IGNORECASE)
    text = _VOLATILE.sub(" N ", text.lower())
    return re.findall(r"[a-zæøå]+|SENDER|N", text.replace("sender", "SENDER"))


def shingles(doc: ResponseDocument) -> set[str]:
    words = _masked_words(doc)
    return {" ".join(words[i : i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1))}


SIGNATURE_SLOTS = 64
_MERSENNE = (1 << 61) - 1


def _slot_params() -> list[tuple[int, int]]:
    # Fixed per-slot hash parameters derived from their index: the same on every machine and run.
    out = []
    for k in range(SIGNATURE_SLOTS):
        digest = hashlib.blake2b(f"policykg-minhash-{k}".encode(), digest_size=16).digest()
        out.append(
            (int.from_bytes(digest[:8], "big") % _MERSENNE | 1, int.from_bytes(digest[8:], "big") % _MERSENNE)
        )
    return out


_PARAMS = _slot_params()


def text_fingerprint(doc: ResponseDocument) -> str:
    """MinHash signature (64 slots, hex, '.'-separated) of the masked shingles; '' for an empty text."""
    base = [
        int.from_bytes(hashlib.blake2b(sh.encode(), digest_size=8).digest(), "big") for sh in shingles(doc)
    ]
    if not base:
        return ""
    return ".".join(f"{min((a * h + b) % _MERSENNE for h in base):x}" for a, b in _PARAMS)


def signature_similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures."""
    sa, sb = a.split("."), b.split(".")
    if not a or not b or len(sa) != len(sb):
        return 0.0
    return sum(x == y for x, y in zip(sa, sb, strict=True)) / len(sa)


def _single_link(items: dict[str, Any], similar: Callable[[Any, Any], bool]) -> list[list[str]]:
    """Single-link clusters of the names in ``items`` (sorted, largest first; singletons included).

    Quadratic in the number of letters, which is fine for a hearing's hundreds.
    """
    names = sorted(items)
    return _clusters(
        names, ((a, b) for i, a in enumerate(names) for b in names[i + 1 :] if similar(items[a], items[b]))
    )


def _clusters(names: Sequence[str], linked: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The connected groups of ``names`` under the ``linked`` pairs (sorted, largest first; singletons included)."""
    parent = {n: n for n in names}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in linked:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(find(n), []).append(n)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def group_signatures(signatures: dict[str, str], threshold: float = 0.5) -> list[list[str]]:
    """Groups of names (sorted) whose signatures estimate a Jaccard similarity of at least ``threshold``.

    The same single-link groups as comparing every pair with :func:`signature_similarity`, but each
    letter's signature is compared with all later ones in one array operation (slot values as
    integer codes per slot), so thousands of letters take seconds, not minutes.
    """
    if threshold <= 0:  # every pair is "similar", even empty signatures: nothing to vectorise
        return _single_link(signatures, lambda a, b: signature_similarity(a, b) >= threshold)
    names = sorted(signatures)
    return _clusters(names, _similar_signature_pairs(signatures, names, threshold))


def _similar_signature_pairs(
    signatures: dict[str, str], names: list[str], threshold: float
) -> Iterator[tuple[str, str]]:
    """Pairs of names whose signatures agree in at least ``threshold`` of their slots (one array
    comparison of each signature with all later ones of the same slot count)."""
    # Only signatures of the same slot count can be similar; an empty one is similar to none.
    by_length: dict[int, list[int]] = {}
    split: dict[int, list[str]] = {}
    for i, name in enumerate(names):
        if signatures[name]:
            split[i] = signatures[name].split(".")
            by_length.setdefault(len(split[i]), []).append(i)
    for length, members in by_length.items():
        codes = np.empty((len(members), length), dtype=np.int64)
        for j in range(length):  # equal slot strings get equal codes (exact string equality)
            seen: dict[str, int] = {}
            codes[:, j] = [seen.setdefault(split[i][j], len(seen)) for i in members]
        for row in range(len(members) - 1):
            equal = (codes[row + 1 :] == codes[row]).sum(axis=1)
            for other in np.nonzero(equal / length >= threshold)[0]:
                yield names[members[row]], names[members[row + 1 + int(other)]]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_near_duplicates(docs: Sequence[ResponseDocument], threshold: float = 0.6) -> list[list[str]]:
    """Groups (file names, sorted) of letters whose masked texts overlap at least ``threshold`` (exact Jaccard)."""
    return _single_link({d.file_name: shingles(d) for d in docs}, lambda a, b: _jaccard(a, b) >= threshold)

"""Bokmål or nynorsk: count the everyday words the two written standards spell differently."""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_language"]

# Pairs of the same word in each standard; words both standards share ("vi", "og", "også") are left out.
_PAIRS = """
ikkje:ikke eg:jeg dei:de frå:fra korleis:hvordan kva:hva kvar:hver kvifor:hvorfor kven:hvem vere:være
vore:vært berre:bare difor:derfor dykkar:deres dykk:dere høyring:høring høyringa:høringen
høyringsbrevet:høringsbrevet tilråding:anbefaling tilrådinga:anbefalingen tilrådingane:anbefalingene
meiner:mener ynskjer:ønsker ønskjer:ønsker fleire:flere mykje:mye noko:noe nokon:noen nokre:noen
sjå:se sjølv:selv heile:hele heilt:helt samd:enig usamd:uenig stør:støtter kommunar:kommuner
kommunane:kommunene tilskot:tilskudd tilskota:tilskuddene tilskotet:tilskuddet vart:ble saman:sammen
einskilde:enkelte utgreiing:utredning utgreiinga:utredningen ho:hun hjå:hos meir:mer utan:uten
sidan:siden eigen:egen eigne:egne tenester:tjenester tenestene:tjenestene innspel:innspill trur:tror
gjer:gjør seier:sier kvarandre:hverandre særleg:særlig tydeleg:tydelig vanleg:vanlig naudsynt:nødvendig
eit:et ein:en me:vi medan:mens fordi:fordi òg:også
"""
_NN_WORDS = frozenset(pair.split(":")[0] for pair in _PAIRS.split()) - {"fordi"}
_NB_WORDS = frozenset(pair.split(":")[1] for pair in _PAIRS.split()) - {"fordi", "vi", "også"}
_WORD = re.compile(r"[a-zæøåòéô]+")


def detect_language(text: str) -> str:
    """ "nn" or "nb". Bokmål is the default: a letter must lean clearly to nynorsk to count as one.

    A bokmål letter quotes the commission's bokmål title and a nynorsk letter may quote a
    bokmål resolution, so the decision is by majority with a margin, not by the first cue.
    """
    words = Counter(_WORD.findall(text.lower()))
    nn = sum(n for w, n in words.items() if w in _NN_WORDS)
    nb = sum(n for w, n in words.items() if w in _NB_WORDS)
    # Adjectives in -leg/-lege (nynorsk) against -lig/-lige (bokmål) add weight beyond the word list.
    nn += sum(
        n for w, n in words.items() if w not in _NN_WORDS and len(w) > 5 and w.endswith(("leg", "lege"))
    )
    nb += sum(
        n for w, n in words.items() if w not in _NB_WORDS and len(w) > 5 and w.endswith(("lig", "lige"))
    )
    return "nn" if nn >= 3 and nn > nb * 1.2 else "nb"

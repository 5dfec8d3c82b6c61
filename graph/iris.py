"""Stable IRIs: the same input gives the same IRIs on every run and every machine.

Reference entities are named by their reference id, documents by their file name
(not their path: moving the corpus folder keeps the IRIs), everything inside a document
by its position in the document. The base is configurable (``POLICYKG_BASE_IRI``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from rdflib import Namespace
from rdflib.namespace import RDFS, XSD

__all__ = [
    "DCTERMS",
    "DEFAULT_BASE_IRI",
    "FOAF",
    "NAMESPACES",
    "OA",
    "ORG",
    "PKG",
    "PROV",
    "SKOS",
    "IriMinter",
]

DEFAULT_BASE_IRI = "https://policykg.org/id/"

PKG = Namespace("https://w3id.org/policykg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
# The prefixes queries may use (graph.sparql.PREFIXES declares them all).
NAMESPACES: dict[str, Namespace] = {
    "pkg": PKG,
    "oa": OA,
    "prov": PROV,
    "org": ORG,
    "foaf": FOAF,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
}


def _seg(value: str) -> str:
    # Percent-encode everything but unreserved characters so any file name or id is a valid IRI segment.
    return quote(value, safe="-._~")


@dataclass(frozen=True, slots=True)
class IriMinter:
    base: str = DEFAULT_BASE_IRI

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            object.__setattr__(self, "base", self.base + "/")

    # reference entities
    def hearing(self, hearing_id: str) -> str:
        return f"{self.base}hearing/{_seg(hearing_id)}"

    def report(self, report_id: str) -> str:
        return f"{self.base}report/{_seg(report_id)}"

    def proposal(self, target_id: str) -> str:
        return f"{self.base}proposal/{_seg(target_id)}"

    def actor(self, actor_id: str) -> str:
        return f"{self.base}actor/{_seg(actor_id)}"

    def grant_scheme(self, scheme_id: str) -> str:
        return f"{self.base}grant-scheme/{_seg(scheme_id)}"

    def pilot(self, pilot_id: str) -> str:
        return f"{self.base}pilot/{_seg(pilot_id)}"

    def theme(self, theme_id: str) -> str:
        return f"{self.base}theme/{_seg(theme_id)}"

    def theme_scheme(self) -> str:
        return f"{self.base}themes"

    # documents and their parts
    def response(self, file_name: str) -> str:
        return f"{self.base}response/{_seg(file_name)}"

    def passage(self, file_name: str, index: int) -> str:
        return f"{self.response(file_name)}/passage/{index}"

    def mention(self, file_name: str, index: int) -> str:
        return f"{self.response(file_name)}/mention/{index}"

    def position(self, file_name: str, target_id: str) -> str:
        return f"{self.response(file_name)}/position/{_seg(target_id)}"

    def curated_position(self, file_name: str, target_id: str) -> str:
        return f"{self.base}curation/{_seg(file_name)}/{_seg(target_id)}"

    def software_agent(self, name: str, version: str) -> str:
        return f"{self.base}agent/{_seg(name)}/{_seg(version)}"

    def reviewer(self, name: str) -> str:
        return f"{self.base}reviewer/{_seg(name)}"

    # named graphs
    def response_graph(self, file_name: str) -> str:
        return f"{self.base}graph/response/{_seg(file_name)}"

    def reference_graph(self) -> str:
        return f"{self.base}graph/reference"

    def ontology_graph(self) -> str:
        return f"{self.base}graph/ontology"

    def curation_graph(self) -> str:
        return f"{self.base}graph/curation"

    # reverse look-ups used by queries' callers
    def id_from(self, iri: str, kind: str) -> str:
        """``IriMinter().id_from('.../proposal/R2', 'proposal') == 'R2'``."""
        from urllib.parse import unquote

        prefix = f"{self.base}{kind}/"
        if not iri.startswith(prefix):
            raise ValueError(f"{iri} is not a {kind} IRI under {self.base}")
        return unquote(iri[len(prefix) :])

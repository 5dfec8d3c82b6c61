"""Ontology mapping: ``ingest`` records in, RDF triples out (one rdflib Graph per named graph).

No blank nodes anywhere: every node has a stable IRI, so an unchanged input gives a
byte-identical export and a changed document changes only its own named graph.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from graph.iris import DCTERMS, FOAF, OA, ORG, PKG, PROV, SKOS, IriMinter
from ingest._newentities import actor_type_for_name
from ingest.model import ActorRef, ActorType, PassageKind, ResponseDocument, ResponseType, Stance
from ingest.reference import ReferenceData

__all__ = [
    "ACTOR_CLASSES",
    "STANCE_CONCEPTS",
    "map_reference",
    "map_response",
    "to_ntriples",
]

ACTOR_CLASSES: dict[ActorType, URIRef] = {
    ActorType.MINISTRY: PKG.Ministry,
    ActorType.COMMISSION: PKG.Commission,
    ActorType.STATE_AGENCY: PKG.StateAgency,
    ActorType.COUNTY_GOVERNOR: PKG.CountyGovernor,
    ActorType.COUNTY: PKG.County,
    ActorType.MUNICIPALITY: PKG.Municipality,
    ActorType.MUNICIPAL_GROUP: PKG.MunicipalGroup,
    ActorType.INTEREST_ORGANISATION: PKG.InterestOrganisation,
    ActorType.UNION: PKG.Union,
    ActorType.RESEARCH: PKG.ResearchInstitution,
    ActorType.OTHER: PKG.OtherActor,
}
STANCE_CONCEPTS: dict[Stance, URIRef] = {
    Stance.SUPPORTS: PKG.Supports,
    Stance.QUALIFIED: PKG.Qualified,
    Stance.OPPOSES: PKG.Opposes,
    Stance.MENTIONS: PKG.Mentions,
}
_PASSAGE_KINDS = {
    PassageKind.HEADING: PKG.Heading,
    PassageKind.PARAGRAPH: PKG.Paragraph,
    PassageKind.LIST_ITEM: PKG.ListItem,
}
_RESPONSE_TYPES = {
    ResponseType.WITH_COMMENTS: PKG.WithComments,
    ResponseType.WITHOUT_COMMENTS: PKG.WithoutComments,
}


def _new_graph() -> Graph:
    g = Graph()
    for prefix, ns in (
        ("pkg", PKG),
        ("oa", OA),
        ("prov", PROV),
        ("org", ORG),
        ("foaf", FOAF),
        ("skos", SKOS),
    ):
        g.bind(prefix, ns)
    g.bind("dcterms", DCTERMS)
    return g


def to_ntriples(graph: Graph) -> str:
    """Sorted N-Triples: deterministic text for the same triples."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return "\n".join(sorted(line for line in data.decode("utf-8").splitlines() if line.strip())) + "\n"


def _add_actor(g: Graph, iris: IriMinter, actor: ActorRef, *, org_number: str | None = None) -> URIRef:
    node = URIRef(iris.actor(actor.id))
    g.add((node, RDF.type, ACTOR_CLASSES.get(actor.type, PKG.OtherActor)))
    g.add((node, RDF.type, PKG.Actor))
    g.add((node, FOAF.name, Literal(actor.name)))
    g.add((node, RDFS.label, Literal(actor.name)))
    g.add((node, PKG.identifier, Literal(actor.id)))
    g.add((node, PKG.actorType, Literal(actor.type.value)))
    g.add((node, PKG.knownActor, Literal(actor.known)))
    if org_number:
        g.add((node, PKG.orgNumber, Literal(org_number)))
    return node


def map_reference(ref: ReferenceData, iris: IriMinter) -> Graph:
    """The reference graph: hearing, report, proposals, actors, grant schemes, pilots, themes."""
    g = _new_graph()
    h = ref.hearing
    hearing, report = URIRef(iris.hearing(h.id)), URIRef(iris.report(h.report_id))
    g.add((hearing, RDF.type, PKG.Consultation))
    g.add((hearing, DCTERMS.title, Literal(h.title)))
    g.add((hearing, PKG.identifier, Literal(h.id)))
    g.add((hearing, PKG.aboutReport, report))
    if h.reference:
        g.add((hearing, PKG.ourReference, Literal(h.reference)))
    if h.deadline:
        g.add((hearing, PROV.endedAtTime, Literal(h.deadline.isoformat(), datatype=XSD.date)))
    if h.issued_by:
        g.add((hearing, PROV.wasAssociatedWith, URIRef(iris.actor(h.issued_by))))
    if h.source_url:
        g.add((hearing, DCTERMS.source, URIRef(h.source_url)))
    g.add((report, RDF.type, PKG.Report))
    g.add((report, DCTERMS.title, Literal(h.report_title)))
    g.add((report, PKG.identifier, Literal(h.report_id)))
    if h.report_author:
        g.add((report, DCTERMS.creator, URIRef(iris.actor(h.report_author))))
    if h.report_part:
        g.add((report, DCTERMS.description, Literal(h.report_part)))

    scheme = URIRef(iris.theme_scheme())
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    for theme in ref.themes.values():
        node = URIRef(iris.theme(theme.id))
        g.add((node, RDF.type, PKG.Theme))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.prefLabel, Literal(theme.label, lang="nb")))
        g.add((node, SKOS.notation, Literal(theme.id)))
        g.add((node, SKOS.inScheme, scheme))
        if theme.broader:
            g.add((node, SKOS.broader, URIRef(iris.theme(theme.broader))))

    for actor in ref.actors.values():
        node = _add_actor(
            g, iris, ActorRef(actor.id, actor.name, actor.type, True), org_number=actor.org_number
        )
        for alias in actor.aliases:
            g.add((node, SKOS.altLabel, Literal(alias)))

    for gs in ref.grant_schemes.values():
        node = URIRef(iris.grant_scheme(gs.id))
        g.add((node, RDF.type, PKG.GrantScheme))
        g.add((node, RDFS.label, Literal(gs.name)))
        g.add((node, PKG.identifier, Literal(gs.id)))
        for alias in gs.aliases:
            g.add((node, SKOS.altLabel, Literal(alias)))
        if gs.administered_by:
            g.add((node, PKG.administeredBy, URIRef(iris.actor(gs.administered_by))))
        if gs.earmarked is not None:
            g.add((node, PKG.earmarked, Literal(gs.earmarked)))

    for pilot in ref.pilots.values():
        node = URIRef(iris.pilot(pilot.id))
        g.add((node, RDF.type, PKG.Pilot))
        g.add((node, RDFS.label, Literal(pilot.name)))
        g.add((node, PKG.identifier, Literal(pilot.id)))
        g.add((node, PKG.pilotKind, Literal(pilot.kind)))
        for alias in pilot.aliases:
            g.add((node, SKOS.altLabel, Literal(alias)))
        for participant in pilot.participants:
            g.add((node, PKG.participant, URIRef(iris.actor(participant))))
        if pilot.region:
            g.add((node, PKG.region, Literal(pilot.region)))

    # The høringsliste: one node per invited body, pointing at the actor a letter from it would have.
    for body in ref.invited:
        node = URIRef(f"{hearing}/invited/{quote(body.id, safe='-._~')}")
        g.add((node, RDF.type, PKG.InvitedBody))
        g.add((hearing, PKG.invited, node))
        g.add((node, PKG.invitedActor, URIRef(iris.actor(body.id))))
        g.add((node, PKG.identifier, Literal(body.id)))
        g.add((node, FOAF.name, Literal(body.name)))
        g.add((node, PKG.invitedType, Literal(body.type.value)))

    for target in ref.targets.values():
        node = URIRef(iris.proposal(target.id))
        g.add((node, RDF.type, PKG.Recommendation if target.kind == "recommendation" else PKG.Assessment))
        g.add((node, RDF.type, PKG.Proposal))
        g.add((node, PKG.identifier, Literal(target.id)))
        g.add((node, DCTERMS.title, Literal(target.title, lang="nb")))
        g.add((node, DCTERMS.description, Literal(target.text, lang="nb")))
        g.add((node, PKG.inReport, report))
        if target.chapter:
            g.add((node, PKG.chapter, Literal(target.chapter)))
        for theme_id in target.themes:
            g.add((node, PKG.theme, URIRef(iris.theme(theme_id))))
        for gs_id in target.grant_schemes:
            g.add((node, PKG.concernsGrantScheme, URIRef(iris.grant_scheme(gs_id))))
    return g


def _selector(g: Graph, node: URIRef, start: int, end: int, exact: str | None = None) -> None:
    pos = URIRef(f"{node}/position-selector")
    g.add((node, OA.hasSelector, pos))
    g.add((pos, RDF.type, OA.TextPositionSelector))
    g.add((pos, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((pos, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    if exact is not None:
        quote = URIRef(f"{node}/quote-selector")
        g.add((node, OA.hasSelector, quote))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(exact)))


def map_response(
    doc: ResponseDocument,
    ref: ReferenceData,
    iris: IriMinter,
    *,
    ingest_key: str,
    extractor: tuple[str, str] = ("policykg-stance", "0"),
) -> Graph:
    """The named graph of one response: document, passages, mentions, sender, endorsements, positions."""
    g = _new_graph()
    f = doc.file_name
    node = URIRef(iris.response(f))
    md = doc.metadata
    g.add((node, RDF.type, PKG.ConsultationResponse))
    g.add((node, PKG.respondsTo, URIRef(iris.hearing(ref.hearing.id))))
    g.add((node, PKG.fileName, Literal(f)))
    g.add((node, PKG["format"], Literal(doc.format.value)))
    g.add((node, PKG.contentHash, Literal(doc.content_hash)))
    g.add((node, PKG.ingestKey, Literal(ingest_key)))
    g.add((node, PKG.text, Literal(doc.text)))
    if doc.text_fingerprint:
        g.add((node, PKG.textFingerprint, Literal(doc.text_fingerprint)))
    g.add((node, PKG.responseType, _RESPONSE_TYPES[md.response_type or ResponseType.WITH_COMMENTS]))
    if md.title:
        g.add((node, DCTERMS.title, Literal(md.title)))
    if md.date:
        g.add((node, DCTERMS.date, Literal(md.date.isoformat(), datatype=XSD.date)))
    if md.language:
        g.add((node, DCTERMS.language, Literal(md.language)))
    if md.our_reference:
        g.add((node, PKG.ourReference, Literal(md.our_reference)))
    if md.their_reference:
        g.add((node, PKG.theirReference, Literal(md.their_reference)))
    if md.addressee:
        g.add((node, PKG.addressee, Literal(md.addressee)))

    sender_node: URIRef | None = None
    if doc.sender is not None:
        if doc.sender.known:
            # Described in the reference graph; typed here only so the document graph validates alone.
            sender_node = URIRef(iris.actor(doc.sender.id))
            g.add((sender_node, RDF.type, PKG.Actor))
        else:
            sender_node = _add_actor(g, iris, doc.sender)
        g.add((node, PKG.sender, sender_node))

    for p in doc.passages:
        pnode = URIRef(iris.passage(f, p.index))
        g.add((pnode, RDF.type, PKG.Passage))
        g.add((pnode, PKG.inDocument, node))
        g.add((node, PKG.passage, pnode))
        g.add((pnode, PKG["index"], Literal(p.index, datatype=XSD.integer)))
        g.add((pnode, PKG.passageKind, _PASSAGE_KINDS[p.kind]))
        g.add((pnode, PKG.text, Literal(p.text)))
        if p.headings:
            g.add((pnode, PKG.heading, Literal(p.headings[-1])))
        _selector(g, pnode, p.start, p.end)

    new_actors: dict[str, ActorRef] = {}
    for n, m in enumerate(doc.mentions):
        mnode = URIRef(iris.mention(f, n))
        entity = _entity_iri(iris, m.kind.value, m.entity_id)
        pnode = URIRef(iris.passage(f, m.passage_index))
        g.add((pnode, PKG.mentions, entity))
        g.add((mnode, RDF.type, PKG.Mention))
        g.add((mnode, PKG.mentionOf, entity))
        g.add((mnode, PKG.inPassage, pnode))
        g.add((mnode, PKG.surface, Literal(m.surface)))
        g.add((mnode, PKG.confidence, Literal(f"{m.score:.3f}", datatype=XSD.decimal)))
        _selector(g, mnode, m.start, m.end)
        if m.kind.value == "actor" and m.entity_id not in ref.actors and m.new_actor_type:
            new_actors.setdefault(
                m.entity_id, ActorRef(m.entity_id, m.new_actor_name or m.surface, m.new_actor_type, False)
            )
        elif m.kind.value == "pilot" and m.entity_id not in ref.pilots:
            # An initiative found in the letter, not in the reference data: typed and labelled here.
            g.add((entity, RDF.type, PKG.Pilot))
            g.add((entity, PKG.identifier, Literal(m.entity_id)))
            g.add((entity, RDFS.label, Literal(m.new_actor_name or m.surface.strip("«»\"'"))))
    for actor in new_actors.values():
        if doc.sender is None or actor.id != doc.sender.id:
            _add_actor(g, iris, actor)

    for n, e in enumerate(doc.endorsements):
        # "Vi slutter oss til høringssvaret fra X": the sender holds X's positions by reference.
        enode = URIRef(f"{node}/endorsement/{n}")
        endorsed = URIRef(iris.actor(e.actor_id))
        g.add((enode, RDF.type, PKG.Endorsement))
        g.add((node, PKG.endorsement, enode))
        g.add((enode, PKG.endorses, endorsed))
        if sender_node is not None:
            g.add((enode, PKG.endorsedBy, sender_node))
        g.add((enode, PKG.inPassage, URIRef(iris.passage(f, e.passage_index))))
        _selector(g, enode, e.start, e.end, exact=e.quote)
        if e.reservation:
            g.add((enode, PKG.withReservation, Literal(True)))
        if e.known:
            g.add((endorsed, RDF.type, PKG.Actor))  # described in the reference graph
        elif e.actor_id not in new_actors and (doc.sender is None or e.actor_id != doc.sender.id):
            _add_actor(g, iris, ActorRef(e.actor_id, e.actor_name, actor_type_for_name(e.actor_name), False))

    if doc.positions:
        activity = URIRef(f"{node}/stance-extraction")
        agent = URIRef(iris.software_agent(*extractor))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, PROV.used, node))
        g.add((activity, PROV.wasAssociatedWith, agent))
        g.add((agent, RDF.type, PROV.SoftwareAgent))
        g.add((agent, RDFS.label, Literal(f"{extractor[0]} {extractor[1]}")))
    for pos in doc.positions:
        pnode = URIRef(iris.position(f, pos.target_id))
        g.add((pnode, RDF.type, PKG.Position))
        g.add((pnode, PKG.onProposal, URIRef(iris.proposal(pos.target_id))))
        g.add((pnode, PKG.statedIn, node))
        if sender_node is not None:
            g.add((pnode, PKG.heldBy, sender_node))
        g.add((pnode, PKG.stance, STANCE_CONCEPTS[pos.stance]))
        g.add((pnode, PKG.confidence, Literal(f"{pos.confidence:.3f}", datatype=XSD.decimal)))
        g.add((pnode, PROV.wasGeneratedBy, activity))
        g.add((pnode, PKG.extractionMethod, Literal(pos.method)))  # pkg:note is a reviewer's
        evidence = URIRef(f"{pnode}/evidence")
        target = URIRef(f"{evidence}/target")
        g.add((pnode, PKG.evidence, evidence))
        g.add((evidence, RDF.type, OA.Annotation))
        g.add((evidence, OA.motivatedBy, OA.highlighting))
        g.add((evidence, OA.hasTarget, target))
        g.add((target, OA.hasSource, URIRef(iris.passage(f, pos.passage_index))))
        g.add((target, PKG.inDocument, node))
        _selector(g, target, pos.quote_start, pos.quote_end, exact=pos.quote)
    return g


def _entity_iri(iris: IriMinter, kind: str, entity_id: str) -> URIRef:
    if kind == "pilot":
        return URIRef(iris.pilot(entity_id))
    if kind == "grant_scheme":
        return URIRef(iris.grant_scheme(entity_id))
    return URIRef(iris.actor(entity_id))

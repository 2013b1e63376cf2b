"""Mutations of the built seed graph: each single change that makes the data wrong is a violation.

Each mutation changes one thing in a copy of the seed's union graph (dist/kg.trig of a build with
the article's text, every named graph merged, as `kg build` checks it) and names the violation it must cause: the constraint component,
the path, and the named shape or SPARQL constraint that reports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rdflib import Graph, Literal, URIRef

from kg.check import Finding, load_shapes, run_shapes
from kg.validate import read_data
from kg import vocab  # closed namespaces by module: pytest's collection would probe them
from kg.vocab import DCTERMS, GAF, KGO, NIF, ORG, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, SPDX, VOID, new_graph

BASE = "https://kg.example.org/"
ID = "000_ce469ea1af2cc5a4"
ARTICLE = URIRef(f"{BASE}article/{ID}")
CONTEXT = URIRef(f"{BASE}article/{ID}#char=0,2852")
TEXT_SHA256 = URIRef(f"{BASE}article/{ID}/text-sha256")
DATASET = URIRef(f"{BASE}dataset")
SP = "sh:SPARQLConstraintComponent"


def event(name: str) -> URIRef:
    return URIRef(f"{BASE}event/{ID}/{name}")


def statement(name: str) -> URIRef:
    return URIRef(f"{BASE}statement/{ID}/{name}")


def actor(path: str) -> URIRef:
    return URIRef(BASE + path)


def role(event_name: str, role_type: str, actor_id: str) -> URIRef:
    return URIRef(f"{event(event_name)}/role/{role_type}/{actor_id}")


def time_of(event_name: str) -> URIRef:
    return URIRef(f"{event(event_name)}/time/1")


NOTHING = URIRef(f"{BASE}nothing/at-all")
VISIT, VERDICT, REDUCTION = event("hun-sen-visit"), event("suu-kyi-verdict"), event("suu-kyi-sentence-reduction")
APPOINTMENT, TWO_YEARS = event("envoy-appointment"), event("suu-kyi-two-year-sentence")
HUN_SEN, CAMBODIA, PRAK_SOKHONN = actor("person/hun-sen"), actor("country/cambodia"), actor("person/prak-sokhonn")
MENTION = URIRef(f"{BASE}article/{ID}#char=76,85")  # "on Friday"


@dataclass(frozen=True)
class Mutation:
    name: str
    change: Callable[[Graph], None]
    expect: tuple[str, str, str]


def drop(subject: URIRef, predicate: URIRef, obj=None) -> Callable[[Graph], None]:
    return lambda g: g.remove((subject, predicate, obj))


def put(subject: URIRef, predicate: URIRef, obj) -> Callable[[Graph], None]:
    return lambda g: g.set((subject, predicate, obj))


def add(subject: URIRef, predicate: URIRef, obj) -> Callable[[Graph], None]:
    return lambda g: g.add((subject, predicate, obj))


def retype(subject: URIRef, predicate: URIRef, datatype: URIRef | None) -> Callable[[Graph], None]:
    """Keep the value's words, change its datatype."""
    def change(g: Graph) -> None:
        value = g.value(subject, predicate)
        g.set((subject, predicate, Literal(str(value), datatype=datatype)))
    return change


def drop_all_mentions(subject: URIRef) -> Callable[[Graph], None]:
    return lambda g: g.remove((subject, GAF.denotedBy, None))


def shift_mention(g: Graph) -> None:
    for predicate in (NIF.beginIndex, NIF.endIndex):
        g.set((MENTION, predicate, Literal(int(g.value(MENTION, predicate)) + 1, datatype=vocab.XSD.integer)))


def swap_ends(interval: URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        begin, end = g.value(interval, vocab.TIME.hasBeginning), g.value(interval, vocab.TIME.hasEnd)
        g.set((interval, vocab.TIME.hasBeginning, end))
        g.set((interval, vocab.TIME.hasEnd, begin))
    return change


def swap_bounds(time: URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        earliest, latest = g.value(time, KGO.notBefore), g.value(time, KGO.notAfter)
        g.set((time, KGO.notBefore, latest))
        g.set((time, KGO.notAfter, earliest))
    return change


def redate(time: URIRef, day: str) -> Callable[[Graph], None]:
    """Move a time to one day, keeping it consistent in itself."""
    def change(g: Graph) -> None:
        for predicate in (KGO.notBefore, KGO.notAfter):
            g.set((time, predicate, Literal(day, datatype=vocab.XSD.date)))
        for predicate, side in ((vocab.TIME.hasBeginning, "begin"), (vocab.TIME.hasEnd, "end")):
            point = g.value(time, predicate)
            if point is not None:
                g.set((point, vocab.TIME.inXSDDate, Literal(day, datatype=vocab.XSD.date)))
        g.set((time, KGO.normalisedValue, Literal(f"{day}/{day}")))
        g.remove((time, KGO.precision, None))
    return change


def respeak(quotation: URIRef, speaker: URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        for predicate in (SCHEMA.spokenByCharacter, SCHEMA.creator, PROV.wasAttributedTo):
            g.set((quotation, predicate, speaker))
    return change


def unlink_role(event_node: URIRef, role_node: URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.remove((event_node, SEM.hasActor, role_node))
        g.remove((role_node, None, None))
    return change


MUTATIONS = [
    # Required triples removed
    Mutation("article_without_publisher", drop(ARTICLE, SCHEMA.publisher),
             ("sh:MinCountConstraintComponent", "schema:publisher", "kgs:NewsArticleShape")),
    Mutation("article_without_publication_window", drop(ARTICLE, KGO.publishedDuring),
             ("sh:MinCountConstraintComponent", "kgo:publishedDuring", "kgs:NewsArticleShape")),
    Mutation("text_without_its_digest", drop(CONTEXT, SPDX.checksum),
             ("sh:MinCountConstraintComponent", "spdx:checksum", "kgs:ContextShape")),
    Mutation("text_digest_of_other_words", put(TEXT_SHA256, SPDX.checksumValue, Literal("0" * 64, datatype=vocab.XSD.hexBinary)),
             (SP, "spdx:checksum", "kgs:TextDigest")),
    Mutation("text_under_an_open_licence", add(CONTEXT, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
             ("sh:MaxCountConstraintComponent", "dcterms:license", "kgs:PublishersRightsShape")),
    Mutation("actor_without_label", drop(HUN_SEN, RDFS.label),
             ("sh:MinCountConstraintComponent", "rdfs:label", "kgs:NamedThingShape")),
    Mutation("actor_without_mentions", drop_all_mentions(CAMBODIA),
             ("sh:MinCountConstraintComponent", "gaf:denotedBy", "kgs:NamedThingShape")),
    Mutation("event_without_mentions", drop_all_mentions(VISIT),
             ("sh:MinCountConstraintComponent", "gaf:denotedBy", "kgs:EventShape")),
    Mutation("role_without_type", drop(role("hun-sen-visit", "host", "myanmar"), SEM.roleType),
             ("sh:MinCountConstraintComponent", "sem:roleType", "kgs:RoleShape")),
    Mutation("role_without_actor", drop(role("hun-sen-visit", "host", "myanmar"), RDF.value),
             ("sh:MinCountConstraintComponent", "rdf:value", "kgs:RoleShape")),
    Mutation("event_without_status", drop(VISIT, SCHEMA.eventStatus),
             ("sh:MinCountConstraintComponent", "schema:eventStatus", "kgs:EventShape")),
    Mutation("event_without_reported_status", drop(VISIT, KGO.reportedStatus),
             ("sh:MinCountConstraintComponent", "kgo:reportedStatus", "kgs:EventShape")),
    Mutation("event_not_a_schema_org_event", drop(VISIT, RDF.type, SCHEMA.Event),
             ("sh:AndConstraintComponent", "-", "kgs:SchemaEventShape")),
    Mutation("country_speaking_for_schema_org", respeak(statement("hun-sen-on-purpose") + "/quotation/1", CAMBODIA),
             ("sh:OrConstraintComponent", "-", "kgs:SchemaSpeakerShape")),
    Mutation("state_not_an_organisation", drop(actor("country/brunei"), RDF.type, ORG.Organization),
             ("sh:OrConstraintComponent", "-", "kgs:OrgAgentShape")),
    Mutation("unit_type_on_an_instant", add(time_of("hun-sen-visit"), vocab.TIME.unitType, vocab.TIME.unitDay),
             ("sh:OrConstraintComponent", "-", "kgs:UnitTypeShape")),
    Mutation("visit_without_visitor", unlink_role(VISIT, role("hun-sen-visit", "visitor", "hun-sen")),
             ("sh:QualifiedMinCountConstraintComponent", "sem:hasActor", "kgs:VisitShape")),
    Mutation("appointment_without_post", drop(APPOINTMENT, KGO.appointedTo),
             (SP, "kgo:appointedTo", "kgs:AppointmentIsComplete")),
    Mutation("appointment_without_appointer", unlink_role(APPOINTMENT, role("envoy-appointment", "appointer", "hun-sen")),
             (SP, "sem:hasActor", "kgs:AppointmentIsComplete")),
    Mutation("sentence_without_length", drop(TWO_YEARS, KGO.sentenceDuration),
             ("sh:MinCountConstraintComponent", "kgo:sentenceDuration", "kgs:SentenceShape")),
    Mutation("statement_without_holder", drop(statement("spokesman-confirms-meeting"), PROV.wasAttributedTo),
             ("sh:OrConstraintComponent", "-", "kgs:HolderGivenShape")),
    Mutation("statement_without_voice", drop(statement("visit-due"), KGO.voice),
             ("sh:MinCountConstraintComponent", "kgo:voice", "kgs:ClaimShape")),
    Mutation("charge_without_scheme", drop(actor("charge/flouting-covid-rules"), SKOS.inScheme),
             ("sh:MinCountConstraintComponent", "skos:inScheme", "kgs:ChargeShape")),
    Mutation("membership_without_member", drop(actor("post/asean-chair/holder/country/brunei"), ORG.member),
             ("sh:MinCountConstraintComponent", "org:member", "kgs:MembershipShape")),
    Mutation("dataset_without_size", drop(DATASET, VOID.triples),
             ("sh:MinCountConstraintComponent", "void:triples", "kgs:VoidDatasetShape")),
    # Wrong datatypes
    Mutation("offset_as_non_negative_integer", retype(MENTION, NIF.beginIndex, vocab.XSD.nonNegativeInteger),
             ("sh:DatatypeConstraintComponent", "nif:beginIndex", "kgs:OffsetBasedStringShape")),
    Mutation("bound_as_string", retype(time_of("hun-sen-visit"), KGO.notBefore, None),
             ("sh:DatatypeConstraintComponent", "kgo:notBefore", "kgs:BoundsShape")),
    Mutation("copyright_year_as_string", retype(ARTICLE, SCHEMA.copyrightYear, None),
             ("sh:DatatypeConstraintComponent", "schema:copyrightYear", "kgs:NewsArticleShape")),
    Mutation("sentence_length_as_xsd_duration", put(TWO_YEARS, KGO.sentenceDuration, Literal("P2Y", datatype=vocab.XSD.duration)),
             ("sh:DatatypeConstraintComponent", "kgo:sentenceDuration", "kgs:SentenceShape")),
    Mutation("sentence_length_in_words", put(TWO_YEARS, KGO.sentenceDuration, Literal("two years")),
             ("sh:PatternConstraintComponent", "kgo:sentenceDuration", "kgs:SentenceShape")),
    Mutation("offset_below_zero", put(CONTEXT, NIF.beginIndex, Literal(-1)),
             ("sh:MinInclusiveConstraintComponent", "nif:beginIndex", "kgs:OffsetBasedStringShape")),
    # References to nothing
    Mutation("statement_about_nothing", add(statement("visit-due"), SCHEMA.about, NOTHING),
             ("sh:OrConstraintComponent", "schema:about", "kgs:ClaimShape")),
    Mutation("event_in_no_place", put(VISIT, SEM.hasPlace, NOTHING),
             ("sh:ClassConstraintComponent", "sem:hasPlace", "kgs:EventShape")),
    Mutation("verdict_imposing_nothing", put(VERDICT, KGO.imposedSentence, NOTHING),
             ("sh:ClassConstraintComponent", "kgo:imposedSentence", "kgs:VerdictShape")),
    Mutation("post_in_nothing", put(actor("post/asean-chair"), ORG.postIn, NOTHING),
             ("sh:ClassConstraintComponent", "org:postIn", "kgs:PostShape")),
    Mutation("time_after_nothing", put(time_of("suu-kyi-sentence-reduction"), vocab.TIME.after, NOTHING),
             ("sh:OrConstraintComponent", "time:after", "kgs:TimeValueShape")),
    # Offsets and words
    Mutation("mention_shifted_by_one", shift_mention,
             (SP, "nif:anchorOf", "kgs:AnchorIsText")),
    Mutation("mention_with_other_words", put(MENTION, NIF.anchorOf, Literal("on Monday")),
             (SP, "nif:anchorOf", "kgs:AnchorIsText")),
    Mutation("text_one_character_longer", put(CONTEXT, NIF.endIndex, Literal(2853, datatype=vocab.XSD.integer)),
             (SP, "nif:endIndex", "kgs:ContextLength")),
    Mutation("quotation_words_changed", put(statement("hun-sen-on-purpose") + "/quotation/1", SCHEMA.text, Literal("ease the crisis")),
             ("sh:EqualsConstraintComponent", "schema:text", "kgs:QuotationShape")),
    # Times
    Mutation("interval_beginning_and_end_swapped", swap_ends(time_of("suu-kyi-next-verdicts")),
             (SP, "time:hasEnd", "kgs:EndNotBeforeBeginning")),
    Mutation("bounds_swapped", swap_bounds(time_of("prak-sokhonn-lecture")),
             (SP, "kgo:notAfter", "kgs:BoundsInOrder")),
    Mutation("scheduled_event_before_publication", redate(time_of("suu-kyi-next-verdicts"), "2021-12-20"),
             (SP, "sem:hasTime", "kgs:PlannedNotBeforePublication")),
    Mutation("past_event_after_publication", redate(time_of("suu-kyi-sentence-reduction"), "2022-01-20"),
             (SP, "sem:hasTime", "kgs:HappenedNotAfterPublication")),
    Mutation("normalised_value_not_the_day", put(time_of("hun-sen-visit"), KGO.normalisedValue, Literal("2022-01-08")),
             (SP, "kgo:normalisedValue", "kgs:NormalisedValueIsPosition")),
    Mutation("month_with_the_unit_of_a_year", put(time_of("suu-kyi-verdict"), KGO.precision, vocab.TIME.unitYear),
             (SP, "kgo:precision", "kgs:UnitMatchesPosition")),
    # Rules across values
    Mutation("reduced_sentence_lengthened", put(TWO_YEARS, KGO.sentenceDuration, Literal("P5Y")),
             (SP, "kgo:resultingSentence", "kgs:ReductionShortens")),
    Mutation("attributed_statement_held_by_the_publisher",
             put(statement("spokesman-confirms-meeting"), PROV.wasAttributedTo, actor("organization/bloomberg-news")),
             (SP, "prov:wasAttributedTo", "kgs:AttributedHasHolder")),
    Mutation("own_voice_relayed_by_another_outlet", add(statement("visit-due"), KGO.relayedBy, actor("organization/straits-times")),
             (SP, "kgo:relayedBy", "kgs:ArticleVoiceIsThePublishers")),
    Mutation("quotation_spoken_by_another_actor", respeak(statement("hun-sen-on-purpose") + "/quotation/1", PRAK_SOKHONN),
             (SP, "schema:spokenByCharacter", "kgs:QuotationSpokenByHolder")),
    Mutation("acquittal_imposing_a_sentence", put(VERDICT, KGO.verdictOutcome, KGO.Acquitted),
             (SP, "kgo:imposedSentence", "kgs:AcquittalImposesNoSentence")),
    Mutation("event_part_of_itself", put(event("suu-kyi-prosecution"), SEM.subEventOf, event("suu-kyi-verdict")),
             (SP, "sem:subEventOf", "kgs:NotPartOfItself")),
    Mutation("post_without_its_holder", drop(actor("post/asean-chair"), ORG.heldBy, HUN_SEN),
             (SP, "org:holds", "kgs:HoldsMatchesHeldBy")),
    Mutation("misspelling_not_an_alternate_name", drop(PRAK_SOKHONN, SCHEMA.alternateName),
             (SP, "kgo:misspelledName", "kgs:MisspellingIsAlternateName")),
    # Values outside their lists and patterns
    Mutation("status_outside_the_list", put(VISIT, KGO.reportedStatus, KGO.Scheduled),
             ("sh:InConstraintComponent", "kgo:reportedStatus", "kgs:EventShape")),
    Mutation("schema_org_status_of_kgs_own", put(VISIT, SCHEMA.eventStatus, KGO.EventHappened),
             ("sh:InConstraintComponent", "schema:eventStatus", "kgs:EventShape")),
    Mutation("role_type_outside_the_list", put(role("hun-sen-visit", "host", "myanmar"), SEM.roleType, KGO.Guest),
             ("sh:InConstraintComponent", "sem:roleType", "kgs:RoleShape")),
    Mutation("event_of_two_kinds", add(VISIT, RDF.type, KGO.Meeting),
             ("sh:QualifiedMaxCountConstraintComponent", "rdf:type", "kgs:EventShape")),
    Mutation("link_out_to_a_wikipedia_page", put(CAMBODIA, SCHEMA.sameAs, URIRef("https://en.wikipedia.org/wiki/Cambodia")),
             ("sh:PatternConstraintComponent", "schema:sameAs", "kgs:NamedThingShape")),
    Mutation("media_type_not_iana", put(URIRef(f"{BASE}dataset/distribution/kg.ttl"), vocab.DCAT.mediaType, URIRef("https://example.org/turtle")),
             ("sh:PatternConstraintComponent", "dcat:mediaType", "kgs:DistributionShape")),
    Mutation("digest_not_sha256", put(URIRef(f"{BASE}record/{ID}"), DCTERMS.identifier, Literal("md5:0")),
             ("sh:PatternConstraintComponent", "dcterms:identifier", "kgs:BuildInputShape")),
    # What the text leaves open or says only in words
    Mutation("unnamed_envoy_given_a_name",
             add(actor(f"person/{ID}/former-envoy-from-brunei"), SCHEMA.name, Literal("Envoy")),
             ("sh:MaxCountConstraintComponent", "schema:name", "kgs:UnnamedActorShape")),
    Mutation("words_with_no_speaker_credited_to_the_likely_reading",
             add(statement("prisoners-unjustly-detained"), PROV.wasAttributedTo, actor("country/united-states")),
             ("sh:MaxCountConstraintComponent", "prov:wasAttributedTo", "kgs:HolderNotGivenShape")),
    Mutation("other_source_reading_made_preferred",
             put(URIRef(f"{statement('critics-on-legitimacy')}/attribution/source/bloomberg-news"), KGO.reading,
                 KGO.PreferredReading),
             (SP, "prov:agent", "kgs:OnePreferredReading")),
    Mutation("order_given_one_way_only",
             drop(URIRef(f"{event('envoy-appointment')}/span"), vocab.TIME.intervalAfter),
             (SP, "time:intervalBefore", "kgs:OrderBothWays")),
    Mutation("earlier_suggestion_dated_after_the_appointment",
             add(URIRef(f"{event('envoy-appointment')}/span"), vocab.TIME.intervalBefore, URIRef(f"{event('malaysia-envoy-suggestion')}/span")),
             (SP, "time:intervalBefore", "kgs:OrderNotCircular")),
    Mutation("purpose_credited_to_another_than_its_source",
             put(URIRef(f"{statement('spokesman-confirms-meeting')}/purpose/1"), PROV.wasAttributedTo, HUN_SEN),
             (SP, "prov:wasAttributedTo", "kgs:PurposeIsItsStatementsHolders")),
    Mutation("section_beginning_before_its_heading",
             put(URIRef(f"{ARTICLE}/section/1"), NIF.beginIndex, Literal(0, datatype=vocab.XSD.integer)),
             (SP, "nif:beginIndex", "kgs:PartBeginsAtItsHeading")),
]


@pytest.fixture(scope="module")
def seed_graph(built_seed_with_text) -> Graph:
    return read_data([built_seed_with_text.out / "kg.trig"])


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def key(finding: Finding) -> tuple[str, str, str]:
    return (finding.component, finding.path or "-", finding.constraint or finding.shape)


def test_the_unchanged_seed_has_no_violation(seed_graph: Graph, shapes: Graph):
    findings, _ = run_shapes(seed_graph, shapes)
    assert [f.line() for f in findings if f.severity == "Violation"] == []


def test_there_are_at_least_thirty_distinct_mutations():
    assert len({m.name for m in MUTATIONS}) == len(MUTATIONS) >= 30


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.name)
def test_mutation_is_reported_as_the_violation_it_causes(mutation: Mutation, seed_graph: Graph, shapes: Graph):
    graph = new_graph()
    graph += seed_graph
    mutation.change(graph)
    assert set(graph) != set(seed_graph), f"{mutation.name} changed nothing"
    violations = [f for f in run_shapes(graph, shapes)[0] if f.severity == "Violation"]
    assert mutation.expect in {key(f) for f in violations}, (
        f"{mutation.name}: expected {mutation.expect}; found:\n" + "\n".join(f"  {key(f)} {f.line()}" for f in violations)
    )

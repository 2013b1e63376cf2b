"""Actors (people, states, organisations, groups, places) and the posts they hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from kg.kinds import ActorKind
from kg.mapping.scope import Scope, camel
from kg.mapping.times import time
from kg.vocab import FOAF, GAF, KGO, ORG, RDF, RDFS, SCHEMA, SEM, TIME, WD, integer

if TYPE_CHECKING:
    from kg.model import Actor, Relation

# A country is the state as well as its land: the polity that holds a chair, has posts and says things,
# an organisation in org's sense (org:Organization, "a political structure"), and a place in schema.org's.
ACTOR_CLASSES: dict[ActorKind, tuple[URIRef, ...]] = {
    ActorKind.person: (SCHEMA.Person, SEM.Actor),
    ActorKind.country: (SCHEMA.Country, ORG.Organization, SEM.Place, SEM.Actor),
    ActorKind.organization: (SCHEMA.Organization, ORG.Organization, SEM.Actor),
    ActorKind.government: (SCHEMA.GovernmentOrganization, SCHEMA.Organization, ORG.Organization, SEM.Actor),
    ActorKind.news_outlet: (SCHEMA.NewsMediaOrganization, SCHEMA.Organization, ORG.Organization, SEM.Actor),
    ActorKind.research_organization: (SCHEMA.ResearchOrganization, SCHEMA.Organization, ORG.Organization, SEM.Actor),
    ActorKind.group: (KGO.UnnamedGroup, FOAF.Group, SEM.Actor),
    ActorKind.place: (SCHEMA.Place, SEM.Place),
}


DECISION_RULES = {"consensus": KGO.ByConsensus, "majority": KGO.ByMajority, "unanimity": KGO.ByUnanimity}


def map_actor(scope: Scope, actor: Actor) -> None:
    iri = scope.actor_iri(actor.id)
    for cls in ACTOR_CLASSES[actor.kind]:
        scope.add(iri, RDF.type, cls)
    scope.add(iri, RDFS.label, Literal(actor.title))
    if actor.unnamed:
        scope.add(iri, RDF.type, KGO.UnnamedActor)
    else:
        scope.add(iri, SCHEMA.name, Literal(actor.name))
    for form in actor.forms:
        if form != actor.name:
            scope.add(iri, SCHEMA.alternateName, Literal(form))
    for form in actor.misspellings:
        scope.add(iri, SCHEMA.alternateName, Literal(form))
        scope.add(iri, KGO.misspelledName, Literal(form))
    if actor.description:
        scope.add(iri, SCHEMA.description, Literal(actor.description))
    if actor.wikidata:
        scope.add(iri, SCHEMA.sameAs, WD[actor.wikidata])
    for _, span, _ in actor.form_spans:
        scope.add(iri, GAF.denotedBy, scope.mention(span))
    scope.denoted_by(iri, actor.quotes)
    scope.add(scope.iris.article(), SCHEMA.mentions, iri)
    for relation in actor.member_of:
        map_member_of(scope, actor, relation)
    if actor.based_in:
        scope.add(iri, SCHEMA.location, scope.actor_iri(actor.based_in.actor))
    if actor.comes_from:
        scope.add(iri, SCHEMA.nationality, scope.actor_iri(actor.comes_from.actor))
    map_organisation_facts(scope, iri, actor)


def map_organisation_facts(scope: Scope, iri: URIRef, actor: Actor) -> None:
    """How many members an organisation has and how it decides, each with the words of this article.

    An organisation is shared by articles, and another article may count it otherwise (a bloc
    grows), so the number is a value of this article's own (`<actor>/members/ARTICLE`).
    """
    if actor.members:
        value = URIRef(f"{iri}/members/{scope.article.id}")
        scope.add(iri, KGO.memberCount, value)
        scope.add(value, RDF.type, SCHEMA.QuantitativeValue)
        scope.add(value, SCHEMA.value, integer(actor.members.value))
        scope.add(value, SCHEMA.unitText, Literal("members"))
        scope.add(value, RDFS.label, Literal(f"{actor.title}: {actor.members.value} members"))
        scope.add(value, GAF.denotedBy, scope.mention(actor.members.quote.span))
    if actor.decides_by:
        scope.add(iri, KGO.decisionRule, DECISION_RULES[actor.decides_by.rule])
        scope.add(iri, KGO.decisionRuleCue, scope.mention(actor.decides_by.quote.span))


def is_a(kind: ActorKind, cls: URIRef) -> bool:
    """Whether an actor of this kind is typed `cls`."""
    return cls in ACTOR_CLASSES[kind]


def schema_agent(kind: ActorKind) -> bool:
    """Whether an actor of this kind is a person or an organisation for schema.org, which is what its
    memberOf, spokenByCharacter and creator take (a country is a schema:Place there)."""
    return is_a(kind, SCHEMA.Person) or is_a(kind, SCHEMA.Organization)


def map_member_of(scope: Scope, actor: Actor, relation: Relation) -> None:
    """One actor a member of another, in the terms whose ranges fit the other.

    An organisation (or a state) has an org:Membership, and schema:memberOf where both are schema.org's
    persons or organisations. An unnamed group is no organisation: its member is a foaf:member, and the
    words that say so ground that triple, reified (rdf:Statement).
    """
    iri, other = scope.actor_iri(actor.id), scope.actor_iri(relation.actor)
    kind = scope.actors[relation.actor].kind
    node = URIRef(f"{iri}/member-of/{other[len(scope.iris.base):]}")
    if is_a(kind, ORG.Organization):
        scope.add(node, RDF.type, ORG.Membership)
        scope.add(node, ORG.member, iri)
        scope.add(node, ORG.organization, other)
        if is_a(kind, SCHEMA.Organization) and schema_agent(actor.kind):
            scope.add(iri, SCHEMA.memberOf, other)
    else:
        scope.add(other, FOAF.member, iri)
        statement = ((RDF.type, RDF.Statement), (RDF.subject, other), (RDF.predicate, FOAF.member), (RDF.object, iri))
        for predicate, obj in statement:
            scope.add(node, predicate, obj)
    scope.add(node, RDFS.label, Literal(f"{actor.title}, member of {scope.actors[relation.actor].title}"))
    scope.denoted_by(node, relation.quotes)


def map_post(scope: Scope, post) -> None:
    iri = scope.posts[post.id]
    organization = scope.actor_iri(post.organization)
    scope.add(iri, RDF.type, ORG.Post)
    scope.add(iri, RDFS.label, Literal(post.label))
    scope.add(iri, ORG.postIn, organization)
    scope.denoted_by(iri, post.quotes)
    for holding in post.holders:
        holder = scope.actor_iri(holding.holder)
        membership = scope.iris.membership(iri, holder)
        scope.add(holder, ORG.holds, iri)
        scope.add(iri, ORG.heldBy, holder)
        scope.add(membership, RDF.type, ORG.Membership)
        scope.add(membership, ORG.member, holder)
        scope.add(membership, ORG.organization, organization)
        scope.add(membership, KGO.forPost, iri)
        scope.add(membership, RDFS.label, Literal(f"{scope.actors[holding.holder].title}, {post.label}"))
        if holding.status:
            scope.add(membership, KGO.holdingStatus, KGO[camel(holding.status) + "Holding"])
        scope.denoted_by(membership, holding.quotes)
        if holding.since or holding.until:
            during = URIRef(f"{membership}/during")
            scope.add(membership, ORG.memberDuring, during)
            scope.add(during, RDF.type, TIME.Interval)
            if holding.since:
                scope.add(during, TIME.hasBeginning, time(scope, during, "since", holding.since, instant=True))
            if holding.until:
                scope.add(during, TIME.hasEnd, time(scope, during, "until", holding.until, instant=True))

# Events ------------------------------------------------------------------------------

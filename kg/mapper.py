"""Map stage: one article's grounded, resolved record to its named graph in the vocabulary profile.

Nothing here knows any article: a new article is a new pair of files in seeds/.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kg.iris import Iris
from kg.model import Actor, ActorKind, Quote, Span, Statement, TimeExpression, Voice
from kg.read import Article
from kg.timex import TimeValue
from kg.vocab import FOAF, GAF, KGO, NIF, ORG, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, TIME, WD, XSD, new_graph

__all__ = ["map_article", "camel"]

ACTOR_CLASSES: dict[ActorKind, tuple[URIRef, ...]] = {
    ActorKind.person: (SCHEMA.Person, SEM.Actor),
    ActorKind.country: (SCHEMA.Country, SEM.Place, SEM.Actor),
    ActorKind.organization: (SCHEMA.Organization, ORG.Organization, SEM.Actor),
    ActorKind.government: (SCHEMA.GovernmentOrganization, SCHEMA.Organization, ORG.Organization, SEM.Actor),
    ActorKind.news_outlet: (SCHEMA.NewsMediaOrganization, SCHEMA.Organization, ORG.Organization, SEM.Actor),
    ActorKind.research_organization: (SCHEMA.ResearchOrganization, SCHEMA.Organization, ORG.Organization, SEM.Actor),
    ActorKind.group: (KGO.UnnamedGroup, FOAF.Group, SEM.Actor),
    ActorKind.place: (SCHEMA.Place, SEM.Place),
}

STATUS = {
    "happened": KGO.EventHappened,
    "ongoing": KGO.EventOngoing,
    "planned": KGO.EventPlanned,
    "scheduled": SCHEMA.EventScheduled,
    "possible": KGO.EventPossible,
}

VOICE = {Voice.article: KGO.ArticleVoice, Voice.attributed: KGO.AttributedVoice}

UNIT = {"day": TIME.unitDay, "week": TIME.unitWeek, "month": TIME.unitMonth, "year": TIME.unitYear}
POSITION = {"day": (TIME.inXSDDate, XSD.date), "month": (TIME.inXSDgYearMonth, XSD.gYearMonth),
            "year": (TIME.inXSDgYear, XSD.gYear)}


def camel(name: str) -> str:
    """`sentence-reduction` -> `SentenceReduction`: the local name of a kgo: class or individual."""
    return "".join(part.capitalize() for part in name.split("-"))


def map_article(article: Article, base: str) -> Graph:
    """The named graph of one article; its identifier is the graph IRI."""
    return _Mapper(article, Iris(base, article.id)).run()


class _Mapper:
    def __init__(self, article: Article, iris: Iris) -> None:
        self.article = article
        self.record = article.record
        self.iris = iris
        self.graph = new_graph(identifier=iris.graph())
        self.context = iris.context(len(article.text))
        self.actors = {a.id: a for a in self.record.actors}
        self.events = {e.id: iris.event(e.id) for e in self.record.events}
        self.posts = {p.id: iris.post(p.id) for p in self.record.posts}
        self.statements = {s.id: iris.statement(s.id) for s in self.record.statements}

    def add(self, subject: URIRef, predicate: URIRef, obj) -> None:
        self.graph.add((subject, predicate, obj))

    def run(self) -> Graph:
        self.map_article()
        for actor in self.record.actors:
            self.map_actor(actor)
        for post in self.record.posts:
            self.map_post(post)
        for event in self.record.events:
            self.map_event(event)
        for statement in self.record.statements:
            self.map_statement(statement)
        return self.graph

    # Identity of referenced things ---------------------------------------------------------

    def actor_iri(self, actor_id: str) -> URIRef:
        actor = self.actors[actor_id]
        return self.iris.actor(actor.id, actor.kind.value, actor.article_scoped)

    def any_iri(self, ref: str) -> URIRef:
        if ref in self.actors:
            return self.actor_iri(ref)
        return self.events.get(ref) or self.posts.get(ref) or self.statements[ref]

    # Grounding ---------------------------------------------------------------------------

    def mention(self, span: Span) -> URIRef:
        iri = self.iris.mention(span.begin, span.end)
        if (iri, RDF.type, NIF.Phrase) not in self.graph:
            for predicate, obj in (
                (RDF.type, NIF.Phrase),
                (RDF.type, NIF.OffsetBasedString),
                (NIF.beginIndex, Literal(span.begin, datatype=XSD.nonNegativeInteger)),
                (NIF.endIndex, Literal(span.end, datatype=XSD.nonNegativeInteger)),
                (NIF.anchorOf, Literal(span.text)),
                (NIF.referenceContext, self.context),
            ):
                self.add(iri, predicate, obj)
        return iri

    def denoted_by(self, resource: URIRef, quotes: list[Quote]) -> None:
        for quote in quotes:
            self.add(resource, GAF.denotedBy, self.mention(quote.span))

    # The article -------------------------------------------------------------------------

    def map_article(self) -> None:
        info = self.record.article
        article = self.iris.article()
        text = self.article.text
        self.add(article, RDF.type, SCHEMA.NewsArticle)
        self.add(article, SCHEMA.identifier, Literal(self.article.id))
        self.add(article, SCHEMA.publisher, self.actor_iri(info.publisher))
        self.add(article, SCHEMA.inLanguage, Literal(info.language))
        if info.headline:
            self.add(article, SCHEMA.headline, Literal(info.headline))
        published = info.published
        if published.date is not None:
            self.add(article, SCHEMA.datePublished, Literal(published.date.isoformat(), datatype=XSD.date))
        window = URIRef(f"{article}/published")
        self.add(article, KGO.publishedDuring, window)
        self.interval(window, published.earliest, published.latest)
        self.add(window, TIME.unitType, TIME.unitDay)
        self.add(window, RDFS.label, Literal(f"published {published.earliest} to {published.latest}"))
        if published.note:
            self.add(window, RDFS.comment, Literal(published.note))
        if info.copyright:
            self.add(article, SCHEMA.copyrightHolder, self.actor_iri(info.copyright.holder))
            self.add(article, SCHEMA.copyrightYear, Literal(info.copyright.year, datatype=XSD.integer))
            self.add(article, SCHEMA.copyrightNotice, Literal(info.copyright.quote.span.text))
        for predicate, obj in (
            (RDF.type, NIF.Context),
            (RDF.type, NIF.OffsetBasedString),
            (NIF.isString, Literal(text)),
            (NIF.beginIndex, Literal(0, datatype=XSD.nonNegativeInteger)),
            (NIF.endIndex, Literal(len(text), datatype=XSD.nonNegativeInteger)),
            (NIF.sourceUrl, article),
        ):
            self.add(self.context, predicate, obj)

    # Actors and posts ----------------------------------------------------------------------

    def map_actor(self, actor: Actor) -> None:
        iri = self.actor_iri(actor.id)
        for cls in ACTOR_CLASSES[actor.kind]:
            self.add(iri, RDF.type, cls)
        self.add(iri, RDFS.label, Literal(actor.name))
        self.add(iri, SCHEMA.name, Literal(actor.name))
        for form in actor.forms:
            if form != actor.name:
                self.add(iri, SCHEMA.alternateName, Literal(form))
        for form in actor.misspellings:
            self.add(iri, SCHEMA.alternateName, Literal(form))
            self.add(iri, KGO.misspelledName, Literal(form))
        if actor.description:
            self.add(iri, SCHEMA.description, Literal(actor.description))
        if actor.wikidata:
            self.add(iri, SCHEMA.sameAs, WD[actor.wikidata])
        for _, span, _ in actor.form_spans:
            self.add(iri, GAF.denotedBy, self.mention(span))
        self.denoted_by(iri, actor.quotes)
        self.add(self.iris.article(), SCHEMA.mentions, iri)
        for relation in actor.member_of:
            group = self.actor_iri(relation.actor)
            self.add(iri, SCHEMA.memberOf, group)
            membership = URIRef(f"{iri}/member-of/{group[len(self.iris.base):]}")
            self.add(membership, RDF.type, ORG.Membership)
            self.add(membership, ORG.member, iri)
            self.add(membership, ORG.organization, group)
            self.add(membership, RDFS.label, Literal(f"{actor.name}, member of {self.actors[relation.actor].name}"))
            self.denoted_by(membership, relation.quotes)
        if actor.based_in:
            self.add(iri, SCHEMA.location, self.actor_iri(actor.based_in.actor))

    def map_post(self, post) -> None:
        iri = self.posts[post.id]
        organization = self.actor_iri(post.organization)
        self.add(iri, RDF.type, ORG.Post)
        self.add(iri, RDFS.label, Literal(post.label))
        self.add(iri, ORG.postIn, organization)
        self.denoted_by(iri, post.quotes)
        for holding in post.holders:
            holder = self.actor_iri(holding.holder)
            membership = self.iris.membership(iri, holder)
            self.add(holder, ORG.holds, iri)
            self.add(iri, ORG.heldBy, holder)
            self.add(membership, RDF.type, ORG.Membership)
            self.add(membership, ORG.member, holder)
            self.add(membership, ORG.organization, organization)
            self.add(membership, KGO.forPost, iri)
            self.add(membership, RDFS.label, Literal(f"{self.actors[holding.holder].name}, {post.label}"))
            if holding.status:
                self.add(membership, KGO.holdingStatus, KGO[camel(holding.status) + "Holding"])
            self.denoted_by(membership, holding.quotes)
            if holding.since or holding.until:
                during = URIRef(f"{membership}/during")
                self.add(membership, ORG.memberDuring, during)
                self.add(during, RDF.type, TIME.Interval)
                if holding.since:
                    self.add(during, TIME.hasBeginning, self.time(during, "since", holding.since, instant=True))
                if holding.until:
                    self.add(during, TIME.hasEnd, self.time(during, "until", holding.until, instant=True))

    # Events ------------------------------------------------------------------------------

    def map_event(self, event) -> None:
        iri = self.events[event.id]
        self.add(iri, RDF.type, SEM.Event)
        self.add(iri, RDF.type, KGO[camel(event.kind)])
        self.add(iri, RDFS.label, Literal(event.label))
        self.add(iri, SCHEMA.eventStatus, STATUS[event.status.value])
        self.denoted_by(iri, event.quotes)
        for number, expression in enumerate(event.when, start=1):
            time = self.time(iri, str(number), expression)
            self.add(iri, SEM.hasTime, time)
        for place in event.places:
            self.add(iri, SEM.hasPlace, self.actor_iri(place))
        for role in event.roles:
            actor = self.actor_iri(role.actor)
            node = self.iris.role(iri, role.role.value, role.actor)
            self.add(iri, SEM.hasActor, actor)
            self.add(iri, SEM.hasActor, node)
            self.add(node, RDF.type, SEM.Role)
            self.add(node, RDF.value, actor)
            self.add(node, SEM.roleType, KGO[camel(role.role.value)])
            self.add(node, RDFS.label, Literal(f"{role.role.value}: {self.actors[role.actor].name}"))
            self.denoted_by(node, role.quotes)
        if event.part_of:
            self.add(iri, SEM.subEventOf, self.events[event.part_of])
        kind = event.kind
        if kind == "sentence":
            self.add(iri, KGO.sentenceDuration, Literal(event.duration.value, datatype=XSD.duration))
            self.add(iri, KGO.penalty, KGO[camel(event.penalty)])
        elif event.duration:
            self.add(iri, SCHEMA.duration, Literal(event.duration.value, datatype=XSD.duration))
        if kind == "appointment":
            self.add(iri, KGO.appointedTo, self.posts[event.post])
        if kind == "verdict":
            for charge in event.charges:
                concept = self.iris.charge(charge.label)
                self.add(iri, KGO.charge, concept)
                self.add(concept, RDF.type, SKOS.Concept)
                self.add(concept, SKOS.prefLabel, Literal(charge.label))
                self.add(concept, SKOS.inScheme, self.iris.charges())
                self.add(concept, GAF.denotedBy, self.mention(charge.quote.span))
                self.add(self.iris.charges(), RDF.type, SKOS.ConceptScheme)
                self.add(self.iris.charges(), RDFS.label, Literal("Charges"))
            if event.outcome:
                self.add(iri, KGO.verdictOutcome, KGO[camel(event.outcome)])
            if event.sentence:
                self.add(iri, KGO.imposedSentence, self.events[event.sentence])
        if kind == "sentence-reduction":
            self.add(iri, KGO.originalSentence, self.events[event.original])
            self.add(iri, KGO.resultingSentence, self.events[event.result])

    def time(self, owner: URIRef, name: str, expression: TimeExpression, instant: bool = False) -> URIRef:
        """The time resource for an expression: an Instant at a calendar unit, else an Interval.

        Where an instant is wanted (a holding's beginning or end) and the expression is a week or a
        span of days, the instant has no calendar position, only the bounds it lies within.
        """
        value: TimeValue = expression.value
        iri = self.iris.time(owner, name)
        if value.unit in POSITION:
            predicate, datatype = POSITION[value.unit]
            self.add(iri, RDF.type, TIME.Instant)
            self.add(iri, predicate, Literal(value.label, datatype=datatype))
        elif instant:
            self.add(iri, RDF.type, TIME.Instant)
        else:
            self.interval(iri, value.begin, value.end)
        if value.unit in UNIT:
            self.add(iri, TIME.unitType, UNIT[value.unit])
        self.add(iri, RDFS.label, Literal(expression.quote.text))
        self.add(iri, KGO.timeExpression, Literal(expression.quote.text))
        self.add(iri, KGO.normalisedValue, Literal(value.label))
        self.add(iri, KGO.notBefore, Literal(value.begin.isoformat(), datatype=XSD.date))
        self.add(iri, KGO.notAfter, Literal(value.end.isoformat(), datatype=XSD.date))
        if value.approximate:
            self.add(iri, RDF.type, KGO.ApproximateTime)
        self.add(iri, GAF.denotedBy, self.mention(expression.quote.span))
        if expression.after:
            self.add(iri, TIME.after, self.iris.time(self.events[expression.after], "1"))
        return iri

    def interval(self, iri: URIRef, begin, end) -> None:
        self.add(iri, RDF.type, TIME.Interval)
        self.add(iri, KGO.notBefore, Literal(begin.isoformat(), datatype=XSD.date))
        self.add(iri, KGO.notAfter, Literal(end.isoformat(), datatype=XSD.date))
        for predicate, side, day in ((TIME.hasBeginning, "begin", begin), (TIME.hasEnd, "end", end)):
            point = URIRef(f"{iri}/{side}")
            self.add(iri, predicate, point)
            self.add(point, RDF.type, TIME.Instant)
            self.add(point, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date))

    # Statements --------------------------------------------------------------------------

    def map_statement(self, statement: Statement) -> None:
        iri = self.statements[statement.id]
        words = " … ".join(q.span.text for q in statement.quotes)
        self.add(iri, RDF.type, SCHEMA.Claim)
        self.add(iri, RDFS.label, Literal(words))
        self.add(iri, SCHEMA.text, Literal(words))
        self.add(iri, KGO.voice, VOICE[statement.voice])
        self.add(iri, SCHEMA.appearance, self.iris.article())
        holder = self.actor_iri(statement.holder or self.record.article.publisher)
        self.add(iri, PROV.wasAttributedTo, holder)
        if statement.relayed_by:
            self.add(iri, KGO.relayedBy, self.actor_iri(statement.relayed_by))
        if statement.cue:
            self.add(iri, KGO.attributionCue, self.mention(statement.cue.span))
        for subject in statement.about:
            self.add(iri, SCHEMA.about, self.any_iri(subject))
        if statement.note:
            self.add(iri, RDFS.comment, Literal(statement.note))
        self.denoted_by(iri, statement.quotes)
        for number, verbatim in enumerate(statement.verbatim, start=1):
            quotation = self.iris.quotation(iri, number)
            self.add(iri, SCHEMA.hasPart, quotation)
            self.add(quotation, RDF.type, SCHEMA.Quotation)
            self.add(quotation, RDFS.label, Literal(verbatim.span.text))
            self.add(quotation, SCHEMA.text, Literal(verbatim.span.text))
            self.add(quotation, SCHEMA.spokenByCharacter, holder)
            self.add(quotation, SCHEMA.creator, holder)
            self.add(quotation, PROV.wasAttributedTo, holder)
            self.add(quotation, GAF.denotedBy, self.mention(verbatim.span))


"""Map stage: one article's grounded, resolved record to its named graph in the vocabulary profile.

Nothing here knows any article: a new article is a new pair of files in seeds/. Each module maps one
part of the record (the article, actors and posts, events, times, statements) into a shared `Scope`.
"""

from __future__ import annotations

from kg.iris import Iris
from kg.mapping.actors import map_actor, map_post
from kg.mapping.article import map_article_text, map_news_article
from kg.mapping.events import map_event
from kg.mapping.scope import Scope, camel
from kg.mapping.statements import map_statement
from kg.read import Article
from kg.write.nquads import TripleSet

__all__ = ["map_article", "map_text", "camel"]


def map_article(article: Article, base: str) -> TripleSet:
    """The named graph of one article; its identifier is the graph IRI."""
    scope = Scope(article, Iris(base, article.id))
    map_news_article(scope)
    for actor in scope.record.actors:
        map_actor(scope, actor)
    for post in scope.record.posts:
        map_post(scope, post)
    for event in scope.record.events:
        map_event(scope, event)
    for statement in scope.record.statements:
        map_statement(scope, statement)
    return scope.graph


def map_text(article: Article, base: str) -> TripleSet:
    """The graph of the article's full text (`<base>graph/ID/text`), apart from kg's statements."""
    return map_article_text(Scope(article, Iris(base, article.id)))

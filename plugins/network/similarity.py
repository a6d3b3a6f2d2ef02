"""Related posts: TF-IDF similarity of title, summary, body and tags, in pure Python.

Each post becomes a sparse vector of weighted term frequencies (a field's weight multiplies
the count of every term in it; each tag is one term of its own) times the inverse
document frequency, cut to its ``SIGNATURE_TERMS`` strongest terms and normalised, so
the similarity of two posts is the cosine of their signatures (0 to 1).

Comparing every pair would be quadratic. Instead an inverted index maps each term to the
posts whose signature holds it; a post's candidates are the posts met while walking the
postings of its own terms, strongest term first. Terms that nearly every post shares
would make that walk quadratic again, so each term keeps only its ``POSTINGS_PER_TERM``
strongest postings and the walk stops after ``CANDIDATE_BUDGET`` postings. The
``RERANK_CANDIDATES`` best candidates are then scored exactly; those limits decide which
posts are *considered*, never the score of a post that is listed.

Ranking rules, in order: posts named in ``Related:`` come first, as given; the post
itself, unlisted posts and posts of the same series (they have the series box) never
appear; a post sharing an author with the query scores ``same_author_factor`` times its
similarity, so other authors come first; ties break by key (the URL), so the same input
always gives the same lists. Finally, when no listed post comes from another department
but one scores at least ``cross_department_threshold``, the best such post takes the last
automatic place.
"""

from __future__ import annotations

import heapq
import html
import math
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import Iterable, Mapping, Sequence

SIGNATURE_TERMS = 24
POSTINGS_PER_TERM = 64
CANDIDATE_BUDGET = 300
RERANK_CANDIDATES = 24
RERANK_OTHER_DEPARTMENT = 6

FIELDS = ("title", "summary", "body", "tags")
DEFAULT_WEIGHTS = {"title": 3.0, "summary": 2.0, "body": 1.0, "tags": 5.0}

_STOPWORDS = frozenset(
    """
    about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each even ever
    every few for from further had has have having he her here hers herself him himself his
    how if in into is it its itself just let like many may me might more most much must my
    myself no nor not now of off on once one only or other our ours ourselves out over own
    same she should since so some still such than that the their theirs them themselves then
    there these they this those through thus to too under until up upon us very was we well
    were what when where which while who whom why will with within without would yet you your
    yours yourself yourselves also get got make made two three first new way use used using
    """.split()
)
# Punctuation, digits and typographic marks become spaces, so str.split() tokenises
# (three times faster than a regular expression on a 10,000-post network).
_SEPARATORS = str.maketrans(
    {c: " " for c in string.punctuation + string.digits + "\u00a0\u00ab\u00bb\u00b7\u00bf\u00a1"
     + "".join(map(chr, range(0x2010, 0x2070)))}
)  # fmt: skip
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(markup: str) -> str:
    """Text of sanitised HTML, without code blocks (their names are noise for similarity)."""
    return html.unescape(_TAG.sub(" ", _PRE.sub(" ", markup)))


@dataclass(frozen=True)
class Document:
    key: str  # unique and stable (the post's URL); the final tie-break
    title: str
    summary: str  # plain text
    body: str  # plain text
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    department: str = ""
    series: str = ""  # normalised series name, "" for none
    listed: bool = True  # may appear in other posts' lists (published, not hidden)
    pinned: tuple[str, ...] = ()  # keys named in ``Related:``, in order


@dataclass(frozen=True)
class RelatedSettings:
    count: int = 4
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    cross_department_threshold: float = 0.1
    same_author_factor: float = 0.7
    min_score: float = 0.05


@dataclass(frozen=True)
class Match:
    key: str
    score: float  # cosine similarity of the signatures, 0 to 1
    pinned: bool = False


def _normalise(word: str) -> str | None:
    """The term a word counts as: None for stop words, numbers and single letters;
    plurals become singular, so 'sensors' meets 'sensor' (English only, and only that)."""
    if len(word) < 2 or word in _STOPWORDS or not word.isalpha():
        return None
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def term_weights(document: Document, weights: Mapping[str, float], terms_of: dict[str, str | None]) -> dict[str, float]:
    """Weighted term frequencies of one document: sum over fields of weight x count.
    ``terms_of`` caches word -> term across documents (most words recur)."""
    terms: dict[str, float] = {}
    for name in ("title", "summary", "body"):
        weight = weights[name]
        if not weight:
            continue
        for word, count in Counter(getattr(document, name).lower().translate(_SEPARATORS).split()).items():
            term = terms_of.get(word, "")
            if term == "":
                term = terms_of[word] = _normalise(word)
            if term is not None:
                terms[term] = terms.get(term, 0.0) + weight * count
    if weights["tags"]:
        for tag in document.tags:
            terms["#" + " ".join(tag.lower().split())] = weights["tags"]
    return terms


def signatures(documents: Sequence[Document], weights: Mapping[str, float]) -> list[list[tuple[str, float]]]:
    """Each document's strongest terms with their normalised TF-IDF weights, strongest first."""
    terms_of: dict[str, str | None] = {}
    frequencies = [term_weights(d, weights, terms_of) for d in documents]
    document_frequency: Counter[str] = Counter()
    for terms in frequencies:
        document_frequency.update(terms.keys())
    total = len(documents)
    # Smoothed IDF: a term in every post still counts a little, so a two-post network
    # whose posts share a tag finds them related.
    idf = {term: math.log(1 + total / n) for term, n in document_frequency.items()}
    result = []
    for terms in frequencies:
        # log(1 + tf): a word used ten times is not ten times as telling as one used once.
        scored = ((term, math.log1p(tf) * idf[term]) for term, tf in terms.items())
        top = heapq.nlargest(SIGNATURE_TERMS, scored, key=lambda item: (item[1], item[0]))
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        result.append([(term, w / norm) for term, w in top])
    return result


def _inverted_index(vectors: list[list[tuple[str, float]]], listed: list[bool]) -> dict[str, list[tuple[int, float]]]:
    postings: dict[str, list[tuple[int, float]]] = {}
    for number, vector in enumerate(vectors):
        if listed[number]:
            for term, weight in vector:
                postings.setdefault(term, []).append((number, weight))
    for term, entries in postings.items():
        if len(entries) > POSTINGS_PER_TERM:
            entries.sort(key=lambda entry: (-entry[1], entry[0]))
            del entries[POSTINGS_PER_TERM:]
    return postings


def _candidates(query: list[tuple[str, float]], postings: dict[str, list[tuple[int, float]]]) -> dict[int, float]:
    """Approximate scores of the posts met in the postings of the query's terms."""
    scores: dict[int, float] = {}
    get = scores.get
    walked = 0
    for term, weight in query:  # strongest first: the rare, telling terms
        if walked >= CANDIDATE_BUDGET:
            break
        entries = postings.get(term, ())
        walked += len(entries)
        for number, other in entries:
            scores[number] = get(number, 0.0) + weight * other
    return scores


def _cosine(query: list[tuple[str, float]], other: dict[str, float]) -> float:
    return sum(weight * other[term] for term, weight in query if term in other)


def related_posts(documents: Iterable[Document], settings: RelatedSettings) -> dict[str, list[Match]]:
    """For every document key, its related posts, best first (pinned ones first of all)."""
    documents = sorted(documents, key=lambda d: d.key)
    number_of = {d.key: n for n, d in enumerate(documents)}
    vectors = signatures(documents, settings.weights)
    as_dicts = [dict(v) for v in vectors]
    listed = [d.listed for d in documents]
    postings = _inverted_index(vectors, listed)
    result = {}
    for number, document in enumerate(documents):
        pinned = [Match(key, _cosine(vectors[number], as_dicts[number_of[key]]), True) for key in document.pinned if key in number_of]
        excluded = {number} | {number_of[m.key] for m in pinned}
        automatic = _ranked(number, documents, vectors, as_dicts, postings, excluded, settings)
        room = max(0, settings.count - len(pinned))
        chosen = automatic[:room]
        result[document.key] = pinned + _with_other_department(document, pinned, chosen, automatic, room, documents, number_of, settings)
    return result


def _ranked(number, documents, vectors, as_dicts, postings, excluded, settings) -> list[Match]:
    """Automatic candidates, scored exactly, best first."""
    document = documents[number]
    approximate = _candidates(vectors[number], postings)
    for other in excluded:
        approximate.pop(other, None)
    if document.series:
        for other in list(approximate):
            if documents[other].series == document.series:
                del approximate[other]
    # Best first; a stable sort keeps the walk's order among equal scores (deterministic).
    by_score = sorted(approximate.items(), key=itemgetter(1), reverse=True)
    shortlist = [n for n, _ in by_score[:RERANK_CANDIDATES]]
    if all(documents[n].department == document.department for n in shortlist):
        others = (n for n, _ in by_score[RERANK_CANDIDATES:] if documents[n].department != document.department)
        shortlist += islice(others, RERANK_OTHER_DEPARTMENT)
    authors = set(document.authors)
    ranked = []
    for other in shortlist:
        score = _cosine(vectors[number], as_dicts[other])
        if score < settings.min_score:
            continue
        shared = authors.intersection(documents[other].authors)
        rank = score * settings.same_author_factor if shared else score
        ranked.append((-rank, documents[other].key, score))
    ranked.sort()
    return [Match(key, score) for _, key, score in ranked]


def _with_other_department(document, pinned, chosen, automatic, room, documents, number_of, settings) -> list[Match]:
    """``chosen``, with its last place given to the best post of another department when
    none is listed yet and one scores at least the threshold."""
    department_of = lambda match: documents[number_of[match.key]].department  # noqa: E731
    if room == 0 or any(department_of(m) != document.department for m in pinned + chosen):
        return chosen
    best = next(
        (m for m in automatic if department_of(m) != document.department and m.score >= settings.cross_department_threshold),
        None,
    )
    if best is None:
        return chosen
    return (chosen if len(chosen) < room else chosen[:-1]) + [best]


__all__ = ["DEFAULT_WEIGHTS", "FIELDS", "Document", "Match", "RelatedSettings", "html_to_text", "related_posts", "signatures"]

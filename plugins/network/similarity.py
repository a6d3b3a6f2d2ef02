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
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import itemgetter, mul

SIGNATURE_TERMS = 24
POSTINGS_PER_TERM = 64
CANDIDATE_BUDGET = 300
RERANK_CANDIDATES = 24
RERANK_OTHER_DEPARTMENT = 6

FIELDS = ("title", "summary", "body", "tags")
DEFAULT_WEIGHTS = {"title": 3.0, "summary": 2.0, "body": 1.0, "tags": 5.0}

_STOPWORD_TEXT = """
    about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each even ever
    every few for from further had has have having he her here hers herself him himself his
    how if in into is it its itself just let like many may me might more most much must my
    myself no nor not now of off on once one only or other our ours ourselves out over own
    same she should since so some still such than that the their theirs them themselves then
    there these they this those through thus to too under until up upon us very was we well
    were what when where which while who whom why will with within without would yet you your
    yours yourself yourselves get got make made two three first new way use used using
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Punctuation, digits and typographic marks become spaces, so str.split() tokenises
# (three times faster than a regular expression on a 10,000-post network).
_SEPARATORS = str.maketrans(
    {c: " " for c in string.punctuation + string.digits + "\u00a0\u00ab\u00bb\u00b7\u00bf\u00a1"
     + "".join(map(chr, range(0x2010, 0x2070)))}
)  # fmt: skip
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
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


def term_weights(
    document: Document, weights: Mapping[str, float], terms_of: dict[str, str | None]
) -> dict[str, float]:
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


# A document's weighted term frequencies, kept between runs by a caller that computes
# related posts again after an edit (``chorus serve``): its terms and their frequencies,
# in the order term_weights found them. Keyed by the document itself (frozen: an edited
# post is a new document), for one set of weights.
TermMemo = MutableMapping[Document, tuple[tuple[str, ...], "array[float]"]]


def signatures(
    documents: Sequence[Document], weights: Mapping[str, float], memo: TermMemo | None = None
) -> list[list[tuple[str, float]]]:
    """Each document's strongest terms with their normalised TF-IDF weights, strongest first.
    ``memo``: term frequencies of documents seen before (the same weights), read and filled."""
    terms_of: dict[str, str | None] = {}
    # Every document's frequencies are needed before the first IDF is known. Held as dicts
    # they took about 150 MiB at 10,000 posts; as term numbers and frequencies in two
    # arrays, a tenth of that. Their order is the dicts' order, so ties rank the same.
    number_of: dict[str, int] = {}
    document_frequency: list[int] = []
    frequencies: list[tuple[array[int], array[float]]] = []
    for document in documents:
        known = memo.get(document) if memo is not None else None
        if known is None:
            terms = term_weights(document, weights, terms_of)
            known = (tuple(terms), array("d", terms.values()))
            if memo is not None:
                memo[document] = known
        numbers = array("I", [number_of.setdefault(term, len(number_of)) for term in known[0]])
        document_frequency.extend(repeat(0, len(number_of) - len(document_frequency)))
        for number in numbers:
            document_frequency[number] += 1
        frequencies.append((numbers, known[1]))
    term_of = list(number_of)
    total = len(documents)
    # Smoothed IDF: a term in every post still counts a little, so a two-post network
    # whose posts share a tag finds them related.
    idf = [math.log(1 + total / n) for n in document_frequency]
    result = []
    for numbers, tfs in frequencies:
        # log(1 + tf): a word used ten times is not ten times as telling as one used once.
        scored = [(number, math.log1p(tf) * idf[number]) for number, tf in zip(numbers, tfs, strict=True)]
        top = heapq.nlargest(SIGNATURE_TERMS, scored, key=itemgetter(1))
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        result.append([(term_of[number], w / norm) for number, w in top])
    return result


class _Vector:
    """A signature as parallel tuples (for the dot product) and a dict (for lookups)."""

    __slots__ = ("lookup", "terms", "weights")

    def __init__(self, signature: list[tuple[str, float]]):
        self.terms = tuple(term for term, _ in signature)
        self.weights = tuple(weight for _, weight in signature)
        self.lookup = dict(signature)

    def cosine(self, other: _Vector) -> float:
        # Always summed in this vector's term order: the same floats on every run.
        return sum(map(mul, self.weights, map(other.lookup.get, self.terms, repeat(0.0))))


def _inverted_index(vectors: list[_Vector], listed: list[bool]) -> dict[str, list[tuple[int, float]]]:
    """Term -> (document number, weight) of the listed documents whose signature holds it,
    only the strongest ``POSTINGS_PER_TERM`` for terms that nearly everyone uses."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for number, vector in enumerate(vectors):
        if listed[number]:
            for term, weight in zip(vector.terms, vector.weights, strict=False):
                postings.setdefault(term, []).append((number, weight))
    for entries in postings.values():
        if len(entries) > POSTINGS_PER_TERM:
            entries.sort(key=lambda entry: (-entry[1], entry[0]))
            del entries[POSTINGS_PER_TERM:]
    return postings


class _Related:
    """The documents, their signatures and the inverted index: what every query needs."""

    def __init__(self, documents: list[Document], settings: RelatedSettings, memo: TermMemo | None = None):
        self.documents = documents
        self.settings = settings
        self.number_of = {d.key: n for n, d in enumerate(documents)}
        self.vectors = [_Vector(signature) for signature in signatures(documents, settings.weights, memo)]
        self.postings = _inverted_index(self.vectors, [d.listed for d in documents])

    def for_document(self, number: int) -> list[Match]:
        document, query = self.documents[number], self.vectors[number]
        pinned = [
            Match(key, query.cosine(self.vectors[self.number_of[key]]), True)
            for key in document.pinned
            if key in self.number_of
        ]
        excluded = {number} | {self.number_of[m.key] for m in pinned}
        automatic = self._ranked(number, excluded)
        room = max(0, self.settings.count - len(pinned))
        return pinned + self._with_other_department(document, pinned, automatic, room)

    def _candidates(self, number: int) -> dict[int, float]:
        """Approximate scores of the posts met in the postings of the query's terms."""
        scores: dict[int, float] = {}
        get = scores.get
        walked = 0
        query = self.vectors[number]
        for term, weight in zip(
            query.terms, query.weights, strict=False
        ):  # strongest first: the telling terms
            if walked >= CANDIDATE_BUDGET:
                break
            entries = self.postings.get(term, ())
            walked += len(entries)
            for other, other_weight in entries:
                scores[other] = get(other, 0.0) + weight * other_weight
        return scores

    def _ranked(self, number: int, excluded: set[int]) -> list[Match]:
        """Automatic candidates, scored exactly, best first."""
        documents, document = self.documents, self.documents[number]
        approximate = self._candidates(number)
        for other in excluded:
            approximate.pop(other, None)
        if document.series:
            for other in [n for n in approximate if documents[n].series == document.series]:
                del approximate[other]
        # Best first; a stable sort keeps the walk's order among equal scores (deterministic).
        by_score = sorted(approximate.items(), key=itemgetter(1), reverse=True)
        shortlist = [n for n, _ in by_score[:RERANK_CANDIDATES]]
        if all(documents[n].department == document.department for n in shortlist):
            others = (
                n for n, _ in by_score[RERANK_CANDIDATES:] if documents[n].department != document.department
            )
            shortlist += islice(others, RERANK_OTHER_DEPARTMENT)
        authors = set(document.authors)
        query = self.vectors[number]
        ranked = []
        for other in shortlist:
            score = query.cosine(self.vectors[other])
            if score < self.settings.min_score:
                continue
            shares_author = not authors.isdisjoint(documents[other].authors)
            rank = score * self.settings.same_author_factor if shares_author else score
            ranked.append((-rank, documents[other].key, score))
        ranked.sort()
        return [Match(key, score) for _, key, score in ranked]

    def _with_other_department(
        self, document: Document, pinned: list[Match], automatic: list[Match], room: int
    ) -> list[Match]:
        """The best ``room`` automatic matches, the last place going to the best post of
        another department when none is listed yet and one scores at least the threshold."""
        chosen = automatic[:room]

        def department_of(match) -> str:
            return self.documents[self.number_of[match.key]].department

        if room == 0 or any(department_of(m) != document.department for m in pinned + chosen):
            return chosen
        threshold = self.settings.cross_department_threshold
        best = next(
            (m for m in automatic if department_of(m) != document.department and m.score >= threshold), None
        )
        if best is None:
            return chosen
        return (chosen if len(chosen) < room else chosen[:-1]) + [best]


def related_posts(
    documents: Iterable[Document], settings: RelatedSettings, memo: TermMemo | None = None
) -> dict[str, list[Match]]:
    """For every document key, its related posts, best first (pinned ones first of all).
    ``memo``: see :data:`TermMemo` (the lists are the same with or without it)."""
    related = _Related(sorted(documents, key=lambda d: d.key), settings, memo)
    return {document.key: related.for_document(number) for number, document in enumerate(related.documents)}


__all__ = [
    "DEFAULT_WEIGHTS",
    "FIELDS",
    "Document",
    "Match",
    "RelatedSettings",
    "TermMemo",
    "html_to_text",
    "related_posts",
    "signatures",
]

"""Near-duplicate input on one paragraph, proposed to moderators as groups to merge.

Pure Python, no database: the moderation queue passes in a paragraph's comments and
amendments and shows the groups that come out; a moderator confirms or dismisses each.

Two tests, each scored 0..1 against one threshold:

* **wording** (comment bodies and rationales): campaign texts copied with small edits,
  other greetings and signatures, sentences in another order, other case and
  punctuation. Score = Dice of the content-word bigrams of each sentence, or, when at
  least a quarter of them are shared, the cosine of content-word counts weighted by a
  capped IDF minus COSINE_HANDICAP if that is higher. Words quoted from
  the paragraph itself, greeting and sign-off lines, links and Markdown are left out;
  texts with too few words of their own ("+1", "I agree") take no part, so they cannot
  glue unrelated input together.
* **change** (amendments, deletions, insertions): what an amendment does to the
  paragraph, from `consult.textdiff.word_diff(base, proposed)`: the positions of the
  words it deletes and the stems of the words it inserts. Score = geometric mean of the
  weighted Jaccard of the deletions and of the insertions, so deleting the same span to
  put other words in its place is another change. All deletions of the paragraph are one
  change; two insertions of new text are compared by wording.

Two amendments that make different changes are not grouped by their rationales, however
alike: a merge would lose a proposal.

Pairs reaching the threshold are found without comparing everything with everything
(an inverted index of bigrams with prefix filtering: exact, no pair is missed); a text
that nearly copies an earlier one (ABSORB) is folded into it, so a campaign of a thousand
lightly edited copies costs a few thousand comparisons, not half a million. Pairs are then
clustered best first; two clusters join only if most pairs across them are similar, so
A~B and B~C do not pull an unrelated C in.
"""

from __future__ import annotations

import bisect
import html
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from consult.textdiff import word_diff

KINDS = frozenset({"comment", "amendment", "deletion", "insertion"})

SAME_TEXT = "same text"
SIMILAR_WORDING = "similar wording"
SAME_CHANGE = "same change"

# Copies of one text with edits score 0.65-1.0, one change in other words 0.6-0.8;
# texts written apart on the same subject 0.0-0.3 and sharing one sentence up to 0.5
# (tests/moderation/test_similarity.py, and 2,000 texts cut from real ITU resolutions).
DEFAULT_THRESHOLD = 0.55
# Word counts ignore word order, so they must agree this much more than bigrams: texts
# sharing one rare sentence reach a cosine of 0.6, copies with 20% of words changed 0.7+.
COSINE_HANDICAP = 0.1
# ...and count only between texts sharing a quarter of their bigrams (copies with 30% of
# words changed share 0.26-0.43), which also lets one index of bigrams find all pairs.
MIN_DICE_FOR_COSINE = 0.25
# A text this close to an earlier one is folded into it (and never compared again).
ABSORB = 0.75
# Fewer words of one's own than this and a text is too generic to group by wording.
MIN_OWN_WORDS = 5.0
MIN_SHINGLES = 3
# A Chinese character bigram is less than a word: 2.5 of them make one.
CJK_BIGRAM_WORDS = 0.4
# Words used by fewer than 1 text in 20 keep their full weight; IDF only discounts the
# vocabulary everyone uses, so a campaign does not discount its own words much.
FULL_WEIGHT_SHARE = 0.05
IDF_CORPUS_FLOOR = 20
MIN_IDF_WEIGHT = 0.05
# In a change, a deleted function word counts this much of a content word.
FUNCTION_WORD_WEIGHT = 0.2
# Truncation stems for inserted words: "mandate", "mandated" -> "manda".
STEM_LENGTH = 5
_EPSILON = 1e-9

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_URL_OR_EMAIL = re.compile(r"<?(?:https?://|www\.)\S+|\S+@\S+\.\w+>?", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LIST_OR_HEADING_MARKER = re.compile(r"^\s*(?:[-*+>#]+|\d+[.)])\s+", re.MULTILINE)
# Matched on folded text (lower case, no accents), one short line at the start or end.
_GREETING = re.compile(
    r"^(?:dear|hello|hi|greetings|good (?:morning|afternoon|day)|to whom|cher|chere|chers|"
    r"cheres|madame|monsieur|bonjour|estimad[oa]s?|senor[ae]s?|hola|уважаем\w*|"
    r"здравствуйте|السيد\w*|السيده|السادة|عزيزي|尊敬的|各位)\b",
)
# A closing phrase alone on its line, or with a name after a comma ("Best, Ana"), or a
# signature separator; not "Best practices from Kenya:".
_SIGN_OFF = re.compile(
    r"^(?:-- ?|—|__+|(?:(?:kind |best |warm |warmest )?regards|best|sincerely|yours(?: \w+)?|"
    r"respectfully|thanks|thank you|many thanks|cordialement|bien a vous|salutations|"
    r"respectueusement|atentamente|saludos|un saludo|cordiales saludos|с уважением|спасибо|"
    r"مع التحيه|مع خالص التحيه|وتفضلوا|شكرا|此致|谢谢|顺祝)\s*(?:[,.!:;،]|$))"
)
# A greeting line has at most this many words; a sign-off line at most SIGN_OFF_WORDS, and
# the signature below it at most SIGNATURE_LINES lines and SIGNATURE_WORDS words.
_GREETING_WORDS = 10
_SIGN_OFF_WORDS = 5
_SIGNATURE_LINES = 4
_SIGNATURE_WORDS = 30
# Sentence ends: Latin, Arabic and CJK stops, and blank lines (not single line breaks:
# copies of one text are wrapped differently).
_SENTENCE_END = re.compile(r"[.!?;:\u061f\u06d4]+(?=\s|$)|[\u3002\uff01\uff1f\uff1b]|\n\s*\n")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Scripts written without spaces between words: Han, kana, Thai.
_NO_SPACE_SCRIPT = re.compile(
    "[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+"
)
_ARABIC_LETTER_VARIANTS = str.maketrans({"\u0649": "\u064a", "\u0629": "\u0647", "\u0640": None})

# Function words of the six UN languages, and what every comment says ("we support this
# amendment to the paragraph"). Negations are not among them: "not" changes the meaning.
_FUNCTION_WORDS = """
a an the and or but if then than of to in on at by for with from as into onto about over
under this that these those it its is are was were be been being has have had do does did
will would shall should can could may might must we our ours us i me my you your he she
him his her they them their which who whom whose what when where there here also such so
very more most all any each both other another own same just only too well per via upon
paragraph paragraphs para amendment amendments amend amending propose proposed proposes
proposal proposals suggest suggested suggests support supports supported supporting agree
agrees agreed text texts comment comments draft dear hello regards sincerely best kind
thanks thank please colleagues signed behalf hereby strongly fully wholeheartedly
le la les l un une des du de d et ou en au aux ce cet cette ces qui que qu dont pour
par sur dans avec est sont etre ont nous notre nos vous votre il elle ils elles se sa son
ses leur leurs plus tres aussi paragraphe proposons proposition soutenons cher chere chers
cheres madame monsieur cordialement salutations merci
el los las unos unas y o del al por para con su sus es son este esta estos estas lo
nosotros nuestro nuestra nuestros nuestras muy mas como tambien parrafo proponemos
propuesta apoyamos estimado estimada estimados estimadas saludos atentamente gracias
и в во на с со по к о об из за для что это как а но или мы наш наша наше наши вы он она
они их его ее также пункт предлагаем поддерживаем уважаемые уважением спасибо
في من على الى عن مع و او ان هذا هذه التي الذي نحن نقترح ندعم الفقره شكرا
"""
# Chinese has no spaces: character bigrams for "we", "support", "agree", "this"...
_CJK_FUNCTION_BIGRAMS = "我们 支持 同意 赞成 建议 这个 这项 完全 非常 本段 修正 正案 段落 谢谢"


def _fold(text: str) -> str:
    """Lower-case and NFKC, accents and Arabic vowel marks dropped: what copies vary in."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text).translate(_ARABIC_LETTER_VARIANTS)


FUNCTION_WORDS = frozenset(_fold(_FUNCTION_WORDS).split()) | frozenset(
    _CJK_FUNCTION_BIGRAMS.split()
)


@dataclass(frozen=True)
class Candidate:
    """One comment or amendment on a paragraph, as far as similarity is concerned."""

    id: int
    kind: str  # "comment", "amendment", "deletion" or "insertion"
    text: str  # the comment's Markdown body or the amendment's rationale
    proposed: str = ""  # the proposed text of an amendment or insertion
    base: str = ""  # the paragraph's current plain text


@dataclass(frozen=True)
class Group:
    """Near-duplicates a moderator may merge: ids ascending, likeness 0..1, and why."""

    ids: tuple[int, ...]
    score: float  # mean score of the members against the first of the largest copies
    reason: str  # SAME_TEXT, SIMILAR_WORDING or SAME_CHANGE


# Words ----------------------------------------------------------------------------------------


def _plain(markdown: str) -> str:
    """Keep the words people wrote, not the Markdown, links or addresses around them."""
    text = html.unescape(markdown or "")
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_LINK_DEFINITION.sub(" ", text)
    text = _URL_OR_EMAIL.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    return _LIST_OR_HEADING_MARKER.sub("", text)


def _without_salutations(folded: str) -> str:
    """Drop a greeting line at the top, and a sign-off line with the signature under it."""
    lines = folded.splitlines()
    filled = [n for n, line in enumerate(lines) if line.strip()]
    if filled and _is_greeting(lines[filled[0]]):
        lines[filled[0]] = ""
        filled.pop(0)
    for k in range(max(len(filled) - 1 - _SIGNATURE_LINES, 1), len(filled)):
        signature = " ".join(lines[n] for n in filled[k + 1 :]).split()
        if _is_sign_off(lines[filled[k]]) and len(signature) <= _SIGNATURE_WORDS:
            del lines[filled[k] :]
            break
    return "\n".join(lines)


def _is_greeting(line: str) -> bool:
    return len(line.split()) <= _GREETING_WORDS and _GREETING.match(line.strip()) is not None


def _is_sign_off(line: str) -> bool:
    return len(line.split()) <= _SIGN_OFF_WORDS and _SIGN_OFF.match(line.strip()) is not None


def _is_cjk(token: str) -> bool:
    return _NO_SPACE_SCRIPT.match(token) is not None


def _tokens(folded: str, *, cjk_bigrams: bool = True) -> list[str]:
    """Words; runs of Chinese (or Japanese, Thai) become character bigrams or characters."""
    tokens: list[str] = []
    for word in _WORD.findall(folded):
        if word.isascii() or not _NO_SPACE_SCRIPT.search(word):
            tokens.append(word)
            continue
        start = 0
        for run in _NO_SPACE_SCRIPT.finditer(word):
            if run.start() > start:
                tokens.append(word[start : run.start()])
            chars = run.group()
            if cjk_bigrams and len(chars) > 1:
                tokens.extend(chars[i : i + 2] for i in range(len(chars) - 1))
            else:
                tokens.extend(chars)
            start = run.end()
        if start < len(word):
            tokens.append(word[start:])
    return tokens


def _is_content(token: str) -> bool:
    if token in FUNCTION_WORDS:
        return False
    return len(token) > 1 or token.isdigit() or _is_cjk(token)


def _sentences(text: str, *, letter: bool) -> list[list[str]]:
    """The content words of each sentence (of the letter's body, without salutations)."""
    folded = _fold(_plain(text))
    if letter:
        folded = _without_salutations(folded)
    sentences = (
        [t for t in _tokens(part) if _is_content(t)] for part in _SENTENCE_END.split(folded)
    )
    return [sentence for sentence in sentences if sentence]


def _shingles_of(sentence: list[str]) -> list[str]:
    if len(sentence) == 1:
        return sentence[:]
    return [f"{a} {b}" for a, b in itertools.pairwise(sentence)]


@dataclass(frozen=True)
class _Text:
    """What the wording test compares: shingles and counts of the author's own words."""

    key: Hashable
    shingles: frozenset[str]
    counts: Mapping[str, int]


def _text_features(
    text: str, quoted: frozenset[str], *, letter: bool, min_words: float, min_shingles: int
) -> _Text | None:
    """Features of a text, leaving out what it quotes; None when too little is left."""
    shingles: set[str] = set()
    counts: Counter[str] = Counter()
    for sentence in _sentences(text, letter=letter):
        own = [True] * len(sentence)
        for i, gram in enumerate(_shingles_of(sentence)):
            if gram in quoted:
                own[i] = False
                if len(sentence) > 1:
                    own[i + 1] = False
            else:
                shingles.add(gram)
        counts.update(token for token, keep in zip(sentence, own, strict=True) if keep)
    words = sum(n * (CJK_BIGRAM_WORDS if _is_cjk(t) else 1.0) for t, n in counts.items())
    if words < min_words or len(shingles) < min_shingles:
        return None
    frozen = frozenset(shingles)
    return _Text(key=(frozen, frozenset(counts.items())), shingles=frozen, counts=counts)


def _quoted_shingles(base: str) -> frozenset[str]:
    return frozenset(
        gram for sentence in _sentences(base, letter=False) for gram in _shingles_of(sentence)
    )


class _Wordings:
    """Distinct texts, their IDF-weighted unit vectors and their binary shingle vectors."""

    def __init__(self, texts: Sequence[_Text]) -> None:
        self.texts = texts
        df = Counter(token for text in texts for token in text.counts)
        corpus = max(len(texts), IDF_CORPUS_FLOOR)
        scale = math.log(1 / FULL_WEIGHT_SHARE)

        def idf(token: str) -> float:
            return min(1.0, max(MIN_IDF_WEIGHT, math.log(corpus / df[token]) / scale))

        self.bags: list[dict[str, float]] = []
        for text in texts:
            bag = {t: (1 + math.log(n)) * idf(t) for t, n in text.counts.items()}
            norm = math.sqrt(sum(w * w for w in bag.values()))
            self.bags.append({t: w / norm for t, w in bag.items()})
        self.shingle_vectors = [
            dict.fromkeys(text.shingles, 1 / math.sqrt(len(text.shingles))) for text in texts
        ]

    def score(self, i: int, j: int) -> float:
        a, b = self.texts[i], self.texts[j]
        if a.key == b.key:
            return 1.0
        dice = _dice(a.shingles, b.shingles)
        if dice < MIN_DICE_FOR_COSINE:
            return dice
        return max(dice, _cosine(self.bags[i], self.bags[j]) - COSINE_HANDICAP)

    def link(
        self, threshold: float, absorb: float = math.inf
    ) -> tuple[list[int], dict[tuple[int, int], float]]:
        """Each text's leader (itself, or the earlier text it nearly copies) and the pairs
        of leaders scoring at least threshold."""
        # Dice >= t implies the cosine of binary vectors >= t.
        floor = min(threshold, MIN_DICE_FOR_COSINE)
        shingles = _PrefixIndex(self.shingle_vectors, floor, cosine=True)
        leaders = list(range(len(self.texts)))
        pairs: dict[tuple[int, int], float] = {}
        for n in range(len(self.texts)):
            bounds = shingles.probe(n)
            # The likeliest first: a near copy found, the rest need not be scored.
            similar: list[tuple[int, float]] = []
            for other in sorted(bounds, key=lambda other: (-bounds[other], other)):
                score = self.score(other, n)
                if score >= absorb:
                    leaders[n] = other
                    break
                if score >= threshold:
                    similar.append((other, score))
            else:
                pairs.update(((other, n), score) for other, score in similar)
                shingles.add(n)
        return leaders, pairs


# Changes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    """What an amendment does to the paragraph."""

    key: Hashable
    kind: str  # "delete" (the whole paragraph), "amend" or "insert" (a new paragraph)
    deleted: Mapping[int, float] = field(default_factory=dict)  # base word position: weight
    inserted: Mapping[str, float] = field(default_factory=dict)  # stem: weight
    text: _Text | None = None  # an insertion's proposed text


_DELETION = _Change(key=("delete",), kind="delete")


def _word_weight(token: str) -> float:
    return 1.0 if _is_content(token) else FUNCTION_WORD_WEIGHT


def _stem(token: str) -> str:
    return token if token.isdigit() or _is_cjk(token) else token[:STEM_LENGTH]


def _change_of(candidate: Candidate) -> _Change | None:
    """The change a candidate asks for: None for a comment, or an amendment changing nothing."""
    if candidate.kind == "deletion":
        return _DELETION
    if candidate.kind == "comment":
        return None
    proposed = _tokens(_fold(_plain(candidate.proposed)), cjk_bigrams=False)
    if candidate.kind == "insertion":
        text = _text_features(
            candidate.proposed, frozenset(), letter=False, min_words=1.0, min_shingles=1
        )
        return None if text is None else _Change(("insert", tuple(proposed)), "insert", text=text)
    if not proposed:
        return _DELETION
    base = _tokens(_fold(candidate.base or ""), cjk_bigrams=False)
    if proposed == base:
        return None
    deleted: dict[int, float] = {}
    inserted: list[str] = []
    position = 0
    for run in word_diff(" ".join(base), " ".join(proposed)):
        words = run.text.split()
        if run.op == "equal":
            position += len(words)
        elif run.op == "delete":
            for word in words:
                deleted[position] = _word_weight(word)
                position += 1
        else:
            inserted.extend(words)
    content = [word for word in inserted if _is_content(word)] or inserted
    return _Change(
        key=("amend", tuple(proposed)),
        kind="amend",
        deleted=deleted,
        inserted=dict.fromkeys((_stem(word) for word in content), 1.0),
    )


class _Changes:
    """Distinct changes, and which pairs of them are the same change."""

    def __init__(self, changes: Sequence[_Change]) -> None:
        self.changes = changes
        texts = [(n, change.text) for n, change in enumerate(changes) if change.text is not None]
        self.insertions = [n for n, _ in texts]
        self.insertion_at = {change: n for n, change in enumerate(self.insertions)}
        self.wordings = _Wordings([text for _, text in texts])

    def score(self, i: int, j: int) -> float:
        a, b = self.changes[i], self.changes[j]
        if a.kind != b.kind:
            return 0.0
        if a.key == b.key:  # all deletions of the paragraph are one change
            return 1.0
        if a.kind == "insert":
            return self.wordings.score(self.insertion_at[i], self.insertion_at[j])
        parts = []
        if a.deleted or b.deleted:
            parts.append(_weighted_jaccard(a.deleted, b.deleted))
        if a.inserted or b.inserted:
            parts.append(_weighted_jaccard(a.inserted, b.inserted))
        return math.prod(parts) ** (1 / len(parts)) if parts else 0.0

    def pairs(self, threshold: float) -> dict[tuple[int, int], float]:
        """Every pair of changes scoring at least threshold, with its score."""
        found: dict[tuple[int, int], float] = {}
        for (a, b), score in self.wordings.link(threshold)[1].items():
            found[_ordered(self.insertions[a], self.insertions[b])] = score
        amendments = [n for n, change in enumerate(self.changes) if change.kind == "amend"]
        # A geometric mean of two parts reaches t only if each part reaches t squared.
        floor = threshold * threshold
        candidates = _prefix_pairs([self.changes[n].deleted for n in amendments], floor)
        candidates |= _prefix_pairs([self.changes[n].inserted for n in amendments], floor)
        for a, b in candidates:
            pair = _ordered(amendments[a], amendments[b])
            score = self.score(*pair)
            if score >= threshold:
                found[pair] = score
        return found


# Measures and the search for pairs -----------------------------------------------------------


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two unit vectors."""
    return sum(a[token] * b[token] for token in a.keys() & b.keys())


def _weighted_jaccard(a: Mapping[Hashable, float], b: Mapping[Hashable, float]) -> float:
    """Jaccard over features that weigh the same on both sides."""
    if not a and not b:
        return 1.0
    common = sum(weight for feature, weight in a.items() if feature in b)
    union = sum(a.values()) + sum(b.values()) - common
    return common / union if union else 0.0


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _all_pairs(items: Sequence[int]) -> Iterable[tuple[int, int]]:
    return ((a, b) for n, a in enumerate(items) for b in items[n + 1 :])


class _PrefixIndex:
    """Finds the vectors that may score at least threshold with a given one (cosine of unit
    vectors, or weighted Jaccard), without comparing it with all of them.

    Prefix filtering ("Scaling up all pairs similarity search", Bayardo et al. 2007):
    with features in one global order, rarest first, a vector's prefix is its first
    features up to where the rest could not reach the threshold alone, so two vectors
    that reach it share a feature of both prefixes. Any other feature they share comes
    after the shorter prefix: what the shared prefix features score, plus the most both
    vectors can add beyond that point, bounds the score, and only pairs whose bound
    reaches the threshold are returned. Exact: no pair reaching the threshold is missed.
    """

    def __init__(
        self, vectors: Sequence[Mapping[Any, float]], threshold: float, *, cosine: bool
    ) -> None:
        self.cosine = cosine
        self.low = threshold - _EPSILON
        df = Counter(feature for vector in vectors for feature in vector)
        rank = {feature: n for n, feature in enumerate(sorted(df, key=lambda f: (df[f], f)))}
        self.totals = [sum(vector.values()) for vector in vectors]
        self.ordered: list[list[tuple[int, float]]] = []  # (feature rank, weight), ascending
        self.ranks: list[list[int]] = []
        self.beyond: list[list[float]] = []  # beyond[n][k]: the mass of features k... of n
        self.sizes: list[int] = []  # how many features each prefix has
        self.rests: list[float] = []  # the mass of what each prefix leaves out
        self.cuts: list[int] = []  # the rank of the first feature after each prefix
        for n, vector in enumerate(vectors):
            ordered = sorted((rank[f], w) for f, w in vector.items())
            masses = [w * w if cosine else w for _, w in ordered]
            suffix = list(itertools.accumulate(reversed(masses), initial=0.0))[::-1]
            limit = threshold * threshold if cosine else threshold * self.totals[n]
            size = next(
                (k for k, mass in enumerate(suffix) if mass < limit - _EPSILON), len(ordered)
            )
            self.ordered.append(ordered)
            self.ranks.append([r for r, _ in ordered])
            self.beyond.append([math.sqrt(max(m, 0.0)) for m in suffix] if cosine else suffix)
            self.sizes.append(size)
            self.rests.append(self.beyond[n][size])
            self.cuts.append(ordered[size][0] if size < len(ordered) else len(rank))
        self.index: defaultdict[int, list[tuple[int, float, float]]] = defaultdict(list)

    def add(self, n: int) -> None:
        for k in range(self.sizes[n]):
            feature_rank, weight = self.ordered[n][k]
            self.index[feature_rank].append((n, weight, self.beyond[n][k]))

    def probe(self, n: int) -> dict[int, float]:
        """The added vectors whose score with vector n may reach the threshold: their bound."""
        low, totals, cosine = self.low, self.totals, self.cosine
        mine_beyond, cut = self.beyond[n], self.cuts[n]
        postings_of = self.index.get
        # A pair first met at a feature shares nothing before it: if what both vectors
        # have from there on cannot reach the threshold, the pair is not worth following.
        found: dict[int, float] = {}
        seen = found.get
        for (feature_rank, weight), from_here in zip(
            self.ordered[n][: self.sizes[n]], mine_beyond, strict=False
        ):
            postings = postings_of(feature_rank, ())
            if cosine:
                for other, other_weight, other_from_here in postings:
                    part = seen(other)
                    if part is not None:
                        found[other] = part + other_weight * weight
                    elif from_here * other_from_here >= low:
                        found[other] = other_weight * weight
            else:
                for other, other_weight, other_from_here in postings:
                    part = seen(other)
                    if part is not None:
                        found[other] = part + other_weight
                    elif min(from_here, other_from_here) >= low * max(totals[n], totals[other]):
                        found[other] = other_weight
        result: dict[int, float] = {}
        rests, cuts = self.rests, self.cuts
        mine_rest = rests[n]
        for other, part in found.items():
            # Beyond the shorter prefix: all its rest, and what the other has from there.
            if cuts[other] <= cut:
                short_rest = rests[other]
                if cosine and part + short_rest < low:  # the other factor is at most 1
                    continue
                mine = mine_beyond[bisect.bisect_left(self.ranks[n], cuts[other])]
                theirs = short_rest
            else:
                if cosine and part + mine_rest < low:
                    continue
                mine = mine_rest
                theirs = self.beyond[other][bisect.bisect_left(self.ranks[other], cut)]
            if cosine:
                bound = part + mine * theirs
            else:
                common = min(part + min(mine, theirs), totals[other], totals[n])
                union = totals[other] + totals[n] - common
                bound = common / union if union else 0.0
            if bound >= low:
                result[other] = bound
        return result


def _prefix_pairs(
    vectors: Sequence[Mapping[Any, float]], threshold: float, *, cosine: bool = False
) -> set[tuple[int, int]]:
    """All pairs of vectors that may score at least threshold (a superset, never fewer)."""
    index = _PrefixIndex(vectors, threshold, cosine=cosine)
    pairs: set[tuple[int, int]] = set()
    for n in range(len(vectors)):
        pairs.update((other, n) for other in index.probe(n))
        index.add(n)
    return pairs


# Grouping -------------------------------------------------------------------------------------


@dataclass
class _Node:
    """Candidates that count as one: the same (or nearly the same) words, the same change."""

    members: list[int]  # positions in the candidates, ascending
    text: int | None  # the leader text, None if too short to compare
    change: int | None  # None for plain comments


class _Judge:
    """Scores two candidates, or two nodes, with the one rule for wording and change."""

    def __init__(
        self,
        threshold: float,
        texts: Sequence[int | None],
        changes: Sequence[int | None],
        wordings: _Wordings,
        changed: _Changes,
    ) -> None:
        self.threshold = threshold
        self.texts, self.changes = texts, changes
        self.wordings, self.changed = wordings, changed

    def decide(
        self, wording: float | None, change: float | None, same_text: bool
    ) -> tuple[float, str]:
        """The score and reason of a pair; different changes are not made one by wording."""
        if wording is None and change is None:
            return 0.0, ""
        if change is not None and change < self.threshold:
            wording = None
        if wording is not None and wording >= (change or 0.0):
            return wording, SAME_TEXT if same_text else SIMILAR_WORDING
        return change or 0.0, SAME_CHANGE

    def candidates(self, a: int, b: int) -> tuple[float, str]:
        """Two candidates, on their own texts and changes."""
        text_a, text_b = self.texts[a], self.texts[b]
        change_a, change_b = self.changes[a], self.changes[b]
        wording = None
        if text_a is not None and text_b is not None:
            wording = self.wordings.score(text_a, text_b)
        change = None
        if change_a is not None and change_b is not None:
            change = self.changed.score(change_a, change_b)
        return self.decide(wording, change, text_a is not None and text_a == text_b)


def suggest_groups(
    items: Sequence[Candidate], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Group]:
    """Propose groups of near-duplicate input on one paragraph, largest first.

    Raises ValueError for an unknown kind, a repeated id or a threshold outside (0, 1].
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    ordered = sorted(items, key=lambda item: item.id)
    for item in ordered:
        if item.kind not in KINDS:
            raise ValueError(f"unknown kind {item.kind!r} for candidate {item.id}")
    if len({item.id for item in ordered}) != len(ordered):
        raise ValueError("candidate ids must be unique")

    texts, text_of, changes, change_of = _features(ordered)
    wordings = _Wordings(texts)
    leaders, text_pairs = wordings.link(threshold, max(threshold, ABSORB))
    changed = _Changes(changes)
    judge = _Judge(threshold, text_of, change_of, wordings, changed)

    nodes: dict[Hashable, _Node] = {}
    for n in range(len(ordered)):
        text = None if text_of[n] is None else leaders[text_of[n]]
        key: Hashable = (text, change_of[n]) if text is not None or change_of[n] is not None else n
        nodes.setdefault(key, _Node([], text, change_of[n])).members.append(n)
    node_list = list(nodes.values())
    edges = _edges(node_list, text_pairs, changed.pairs(threshold), judge)
    groups = []
    for cluster in _cluster(len(node_list), edges):
        members = sorted(m for node in cluster for m in node_list[node].members)
        if len(members) > 1:
            largest = max(cluster, key=lambda node: len(node_list[node].members))
            groups.append(_group(ordered, members, node_list[largest].members[0], judge))
    return sorted(groups, key=lambda g: (-len(g.ids), -g.score, g.ids))


def _features(
    ordered: Sequence[Candidate],
) -> tuple[list[_Text], list[int | None], list[_Change], list[int | None]]:
    """Distinct texts and changes, and which of them each candidate has."""
    texts: dict[Hashable, int] = {}
    changes: dict[Hashable, int] = {}
    text_list: list[_Text] = []
    change_list: list[_Change] = []
    text_of: list[int | None] = []
    change_of: list[int | None] = []
    quoted: dict[str, frozenset[str]] = {}
    change_cache: dict[tuple[str, str, str], _Change | None] = {}  # a campaign diffs once
    for item in ordered:
        if item.base not in quoted:
            quoted[item.base] = _quoted_shingles(item.base)
        text = _text_features(
            item.text,
            quoted[item.base],
            letter=True,
            min_words=MIN_OWN_WORDS,
            min_shingles=MIN_SHINGLES,
        )
        change_key = (item.kind, item.base, item.proposed)
        if change_key not in change_cache:
            change_cache[change_key] = _change_of(item)
        change = change_cache[change_key]
        if text is not None and text.key not in texts:
            texts[text.key] = len(text_list)
            text_list.append(text)
        if change is not None and change.key not in changes:
            changes[change.key] = len(change_list)
            change_list.append(change)
        text_of.append(None if text is None else texts[text.key])
        change_of.append(None if change is None else changes[change.key])
    return text_list, text_of, change_list, change_of


def _edges(
    nodes: Sequence[_Node],
    text_pairs: Mapping[tuple[int, int], float],
    change_pairs: Mapping[tuple[int, int], float],
    judge: _Judge,
) -> dict[tuple[int, int], float]:
    """Pairs of nodes scoring at least the threshold, with their scores."""
    by_text: defaultdict[int, list[int]] = defaultdict(list)
    by_change: defaultdict[int, list[int]] = defaultdict(list)
    for n, node in enumerate(nodes):
        if node.text is not None:
            by_text[node.text].append(n)
        if node.change is not None:
            by_change[node.change].append(n)

    def spread(
        groups: Mapping[int, list[int]], pairs: Mapping[tuple[int, int], float]
    ) -> dict[tuple[int, int], float]:
        scores: dict[tuple[int, int], float] = {}
        for members in groups.values():
            scores.update(dict.fromkeys(_all_pairs(members), 1.0))
        for (a, b), score in pairs.items():
            for u in groups.get(a, ()):
                for v in groups.get(b, ()):
                    scores[_ordered(u, v)] = score
        return scores

    wording = spread(by_text, text_pairs)
    same_change = spread(by_change, change_pairs)
    edges: dict[tuple[int, int], float] = {}
    for pair in wording.keys() | same_change.keys():
        u, v = nodes[pair[0]], nodes[pair[1]]
        change = None
        if u.change is not None and v.change is not None:
            change = same_change.get(pair, 0.0)
        score, _ = judge.decide(wording.get(pair), change, False)
        if score >= judge.threshold:
            edges[pair] = score
    return edges


def _cluster(count: int, edges: Mapping[tuple[int, int], float]) -> list[list[int]]:
    """Join the best pairs first; clusters join only if most pairs across them are similar."""
    parent = list(range(count))
    members: dict[int, list[int]] = {n: [n] for n in range(count)}
    refused: dict[tuple[int, int], tuple[int, int]] = {}

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for u, v in sorted(edges, key=lambda pair: (-edges[pair], pair)):
        a, b = _ordered(root(u), root(v))
        if a == b:
            continue
        sizes = (len(members[a]), len(members[b]))
        if refused.get((a, b)) == sizes:
            continue
        linked = sum(1 for x in members[a] for y in members[b] if _ordered(x, y) in edges)
        if 2 * linked <= sizes[0] * sizes[1]:
            refused[(a, b)] = sizes
            continue
        parent[b] = a
        members[a].extend(members.pop(b))
    return list(members.values())


def _group(
    ordered: Sequence[Candidate], members: Sequence[int], representative: int, judge: _Judge
) -> Group:
    """A cluster as moderators see it: how alike its members are to a representative, why."""
    verdicts = [judge.candidates(m, representative) for m in members if m != representative]
    reasons = Counter(reason for _, reason in verdicts if reason)
    if set(reasons) == {SAME_TEXT}:
        reason = SAME_TEXT
    else:  # not all the same text: the words are similar, or the change is the same
        wording = reasons[SAME_TEXT] + reasons[SIMILAR_WORDING]
        reason = SIMILAR_WORDING if wording > reasons[SAME_CHANGE] else SAME_CHANGE
    score = sum(score for score, _ in verdicts) / len(verdicts)
    return Group(ids=tuple(ordered[m].id for m in members), score=round(score, 3), reason=reason)

"""Synthetic threads of a realistic shape, the same for every system measured.

Pure Python (no Django): the forum's loader and the django-comments-xtd loader both build their
rows from these nodes, and a fixed seed makes every run, and both systems, see the same text.
Nodes fit `forum.services.ThreadNode` (author, created, body, removed, replies).
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

MAX_LEVEL = 5  # a top-level comment and replies five deep: six levels of depth
MIN_BODY, MAX_BODY = 50, 1_500
NAMES = [
    "Probation Officer", "Netnipper", "Jim Brown", "getafix", "Andrew Hatton", "Blagger",
    "Old Lag", "Napo member", "CRC survivor", "Dave", "Tanya", "A Magistrate",
]  # fmt: skip
WORDS = [
    "probation", "service", "officer", "offender", "court", "report", "CRC", "NPS", "Napo",
    "Grayling", "privatisation", "contract", "staff", "caseload", "risk", "assessment",
    "supervision", "interview", "hostel", "parole", "judge", "sentence", "community", "order",
    "trainee", "manager", "union", "strike", "ballot", "the", "a", "of", "and", "to", "in",
    "that", "is", "was", "for", "it", "with", "as", "on", "be", "at", "by", "this", "have",
    "from", "are", "not", "but", "they", "we", "you", "all", "would", "there", "their", "what",
    "so", "up", "out", "if", "about", "who", "get", "which", "go", "me", "when", "make", "can",
    "like", "time", "just", "him", "know", "take", "people", "into", "year", "your", "good",
    "some", "could", "them", "see", "other", "than", "then", "now", "look", "only", "come", "its",
    "over", "think", "also", "back", "after", "use", "two", "how", "our", "work", "first", "well",
    "way", "even", "new", "want", "because", "any", "these", "give", "day", "most", "us",
]  # fmt: skip
START = datetime(2014, 10, 28, 9, 0, tzinfo=UTC)
FIRST_DAY = date(2008, 1, 1)
DAYS = 11 * 365  # the blog ran for over a decade


@dataclass
class Node:
    author: str | None
    created: datetime
    body: str
    removed: str | None = None
    replies: list["Node"] = field(default_factory=list)


# What makes real comments need the sanitiser, per word, at rates that give about the seed
# pages' shares of paragraphs: an apostrophe in 30%, quotes in 11%, "&" in 8%, "e.g." in 10%.
MARKS = [
    (0.010, lambda word: f"{word}'s"),
    (0.0035, lambda word: f'"{word}"'),
    (0.0025, lambda word: f"{word} &"),
    (0.003, lambda word: f"{word}, e.g."),
]


def _word(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    if rng.random() < 0.08:
        return word.capitalize() + rng.choice(".,?!")
    for share, mark in MARKS:
        if rng.random() < share:
            return mark(word)
    return word


def body_text(rng: random.Random) -> str:
    """50 to 1,500 characters, most of them short, some with paragraphs, quotes or a link."""
    length = int(min(max(rng.lognormvariate(5.5, 0.8), MIN_BODY), MAX_BODY))
    words: list[str] = []
    size = 0
    while size < length:
        word = _word(rng)
        words.append(word)
        size += len(word) + 1
    if rng.random() < 0.05:
        words.insert(rng.randrange(len(words)), f"http://example.org/{rng.randrange(10**6)}")
    text = " ".join(words)[:length].rstrip()
    if len(text) > 400 and rng.random() < 0.5:
        cut = text.find(" ", len(text) // 2)
        text = text[:cut] + ".\n\n" + text[cut + 1 :].capitalize()
    return text[:MAX_BODY].ljust(MIN_BODY, ".")


def _conversation_size(rng: random.Random) -> int:
    """Most top-level comments get no reply; a few start long back-and-forths."""
    if rng.random() < 0.45:
        return 1
    return 1 + int(rng.paretovariate(1.4) * 4)


def _node(rng: random.Random, when: datetime) -> Node:
    author = rng.choice(NAMES) if rng.random() < 0.35 else None
    if rng.random() < 0.01:
        return Node(author=None, created=when, body="", removed=rng.choice(["author", "admin"]))
    return Node(author=author, created=when, body=body_text(rng))


def conversation(rng: random.Random, size: int, when: datetime, max_level: int) -> Node:
    """A top-level comment and size - 1 replies, each to a recent comment not too deep."""
    root = _node(rng, when)
    placed = [(root, 0)]
    for _ in range(size - 1):
        when += timedelta(minutes=rng.randint(1, 30))
        open_ = [(node, level) for node, level in placed[-8:] if level < max_level] or [(root, 0)]
        parent, level = rng.choice(open_)
        child = _node(rng, when)
        parent.replies.append(child)
        placed.append((child, level + 1))
    return root


def thread(total: int, *, seed: int, max_level: int = MAX_LEVEL) -> list[Node]:
    """Top-level comments holding exactly `total` comments in all."""
    rng = random.Random(seed)
    roots, left, when = [], total, START
    while left:
        size = min(_conversation_size(rng), left)
        roots.append(conversation(rng, size, when, max_level))
        left -= size
        when += timedelta(minutes=rng.randint(1, 20))
    return roots


def count(nodes: list[Node]) -> int:
    return sum(1 + count(node.replies) for node in nodes)


def walk(nodes: list[Node], level: int = 0):
    """Every node with its level, parents before children, in page order."""
    for node in nodes:
        yield node, level
        yield from walk(node.replies, level + 1)


@dataclass(frozen=True)
class PostText:
    title: str
    published: date
    paragraphs: list[str]


def posts(total: int, *, seed: int = 1) -> list[PostText]:
    """`total` posts spread over eleven years, each of a few paragraphs, with unique titles."""
    rng = random.Random(seed)
    return [
        PostText(
            title=f"Probation news {i + 1}: {' '.join(rng.sample(WORDS, 3)).title()}",
            published=FIRST_DAY + timedelta(days=i * DAYS // total),
            paragraphs=[body_text(rng) for _ in range(rng.randint(3, 8))],
        )
        for i in range(total)
    ]

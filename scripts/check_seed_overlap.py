#!/usr/bin/env python3
"""Check that no run of six or more consecutive words from the seed adverts is in ``content/``.

The product was born from a few course adverts (the "seeds"). Course content must be written
in our own words, so this script fails when any file under ``content/`` repeats six or more
consecutive words of any seed.

How text is compared (the same for seeds and content):

- Unicode is normalised (NFKC), curly quotes become straight ones, and everything is
  lower-cased.
- Apostrophes inside words are dropped, so "don't", "don’t" and "dont" are one word.
- Every other character that is not a letter or a digit separates words: punctuation,
  Markdown and YAML markup, hyphens ("strengths-based" is two words) and line breaks. A
  run therefore counts even when it is wrapped over lines or split by ``**bold**`` marks.
- Six consecutive words (a 6-gram) are compared; a longer copied run shows up as one
  report covering the whole run.

The seeds themselves are not kept in the repository (they name real people and
organisations). Their 6-grams are kept as fingerprints, one truncated SHA-256 per line, in
``scripts/seed-fingerprints.txt``; ``--seeds DIR`` checks against a folder of seed texts
directly, and ``--refresh DIR`` rewrites the fingerprints from one.

Exit status: 0 when nothing overlaps, 1 when something does (each run reported as
``path:line: error: ...``), 2 for bad usage.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

RUN = 6
"""Shortest run of consecutive seed words that counts as copied."""
HERE = Path(__file__).resolve().parent
FINGERPRINTS = HERE / "seed-fingerprints.txt"
CONTENT = HERE.parent / "content"
#: Content files that hold words (logos, pictures and the like are skipped).
TEXT_SUFFIXES = {".md", ".yaml", ".yml", ".csv", ".txt", ".svg", ".html", ".css"}

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def words(text: str) -> Iterator[tuple[str, int]]:
    """The normalised words of ``text``, each with its 1-based line number."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    line, last = 1, 0
    for match in _WORD.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        yield match.group().replace("'", ""), line


def fingerprint(gram: Iterable[str]) -> str:
    """A short, stable fingerprint of one run of words."""
    return hashlib.sha256(" ".join(gram).encode()).hexdigest()[:16]


def grams(tokens: list[str]) -> Iterator[tuple[int, str]]:
    """``(start index, fingerprint)`` of every run of :data:`RUN` words."""
    for start in range(len(tokens) - RUN + 1):
        yield start, fingerprint(tokens[start : start + RUN])


def seed_fingerprints(folder: Path) -> set[str]:
    """Fingerprints of every 6-gram of every ``.txt`` file in ``folder``."""
    found: set[str] = set()
    for path in sorted(folder.glob("*.txt")):
        tokens = [w for w, _ in words(path.read_text(encoding="utf-8"))]
        found.update(f for _, f in grams(tokens))
    return found


def read_fingerprints(path: Path) -> set[str]:
    """The fingerprints stored in ``path`` (``#`` starts a comment)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def write_fingerprints(path: Path, prints: set[str], folder: Path) -> None:
    """Store ``prints`` sorted, under a header saying where they came from."""
    names = ", ".join(p.name for p in sorted(folder.glob("*.txt")))
    head = [
        "# Fingerprints of every six-word run of the seed adverts, written by",
        "# scripts/check_seed_overlap.py --refresh (truncated SHA-256 of the normalised words).",
        f"# Seeds: {names}",
    ]
    path.write_text("\n".join([*head, *sorted(prints)]) + "\n", encoding="utf-8")


def content_files(root: Path) -> Iterator[Path]:
    """Every text file under ``root``, in a stable order."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            yield path


def overlaps(path: Path, prints: set[str]) -> Iterator[tuple[int, int, str]]:
    """``(first line, last line, words)`` of each maximal copied run in one file."""
    found = list(words(path.read_text(encoding="utf-8", errors="replace")))
    tokens = [w for w, _ in found]
    hits = [start for start, f in grams(tokens) if f in prints]
    index = 0
    while index < len(hits):
        first = last = hits[index]
        while index + 1 < len(hits) and hits[index + 1] <= last + 1:
            index += 1
            last = hits[index]
        end = last + RUN - 1
        yield found[first][1], found[end][1], " ".join(tokens[first : end + 1])
        index += 1


def check(root: Path, prints: set[str], out=sys.stdout) -> int:  # type: ignore[no-untyped-def]
    """Report every copied run under ``root``; the number of runs found."""
    count = 0
    for path in content_files(root):
        for first, last, run in overlaps(path, prints):
            count += 1
            lines = f"{first}" if first == last else f"{first}-{last}"
            size = len(run.split())
            print(f"{path}:{lines}: error: {size} words copied from a seed: '{run}'", file=out)
    return count


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", nargs="?", type=Path, default=CONTENT, help="folder to check")
    parser.add_argument("--fingerprints", type=Path, default=FINGERPRINTS, help="fingerprint file")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--seeds", type=Path, help="check against this folder of seed .txt files")
    source.add_argument("--refresh", type=Path, help="rewrite the fingerprints from this folder")
    args = parser.parse_args(argv)
    if args.refresh is not None:
        prints = seed_fingerprints(args.refresh)
        if not prints:
            parser.error(f"no seed .txt files with words in {args.refresh}")
        write_fingerprints(args.fingerprints, prints, args.refresh)
        print(f"wrote {len(prints)} fingerprints to {args.fingerprints}")
        return 0
    if args.seeds is not None:
        prints = seed_fingerprints(args.seeds)
    elif args.fingerprints.is_file():
        prints = read_fingerprints(args.fingerprints)
    else:
        parser.error(f"fingerprint file {args.fingerprints} not found")
    if not prints:
        parser.error("no seed fingerprints to check against")
    if not args.content.is_dir():
        parser.error(f"{args.content} is not a folder")
    count = check(args.content, prints)
    if count:
        runs = f"{count} copied run{'s' if count != 1 else ''}"
        print(f"{runs} of {RUN}+ seed words", file=sys.stderr)
        return 1
    print(f"OK: no run of {RUN} or more seed words in {args.content}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

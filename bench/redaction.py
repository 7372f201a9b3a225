"""What the redactor takes out of real residents' reports, and what a change to it adds.

    python -m bench.redaction                    # this tree's redactor
    python -m bench.redaction --compare HEAD     # this tree against the redactor at a commit
    python -m bench.redaction --compare HEAD --samples 40
    python -m bench.redaction --compare HEAD --lower   # every text lower-cased first

Runs ``analysis.text.redact.redact`` over the public FixMyStreet reports from Lewisham and
the seed comments (written in residents' own style) and prints, per token kind, how many texts
gain that token, with a sample of the spans it replaced. With ``--compare REV`` the redactor
(and its name list) at that git revision runs over the same texts in the same process, and the
spans one redacts and the other does not are listed per kind: these reports are public and
carry almost no personal data, so nearly every span a new rule adds here is over-redaction to
be looked at. The time per comment of each redactor is measured in the same run (best of a
few passes, interleaved), to read as a ratio on a shared machine. With ``--lower`` every text
is lower-cased before both redactors run: the public reports are written with capitals, and
this is how the rules for comments typed on a phone in lower case are tried on them.

    python -m bench.redaction --compare HEAD --titles names-0.3.0/names

With ``--titles DIR`` (the ``names`` package 0.3.0 from PyPI, unpacked: the 1990 US Census
tables) the reports hold too few titles to judge the rules after them ("officer", "dr",
"pc": a handful), so two sets are made: the 1,000 commonest census surnames after each title
typed in lower case ("officer smith came round"), to count the names each redactor takes, and
every place in the lower-cased texts where a word for a person ("police", "council", "man",
"driver", "neighbours" ...) is followed by a word, with that person word replaced by each
title ("officer block the road", "dr house"): a [name] there is over-redaction.
"""
from __future__ import annotations

import argparse
import csv
import difflib
import importlib
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.text.dataset import PUBLIC_REPORTS, SEED_SET  # noqa: E402
from analysis.text.redact import redact  # noqa: E402

KINDS = ("email", "phone", "postcode", "address", "vehicle", "name")
TOKEN = re.compile(r"\[(?:" + "|".join(KINDS) + r")\]")
# Words, single punctuation marks and blanks: the units two texts are aligned on.
UNITS = re.compile(r"\[(?:" + "|".join(KINDS) + r")\]|\w+|[^\w\s]|\s+")


def texts() -> list[tuple[str, str]]:
    """(source, text) for every non-empty text of the two corpora."""
    out: list[tuple[str, str]] = []
    for name, path in (("fms", PUBLIC_REPORTS), ("seed", SEED_SET)):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            out += [(name, row["text"]) for row in csv.DictReader(handle) if row["text"].strip()]
    return out


def redactor_at(revision: str, workdir: Path) -> tuple[Callable[[str], str], str]:
    """The redact function of ``revision``, loaded from its own files (with its name list).

    The redactor's modules (analysis/text/redact*.py, one file before the name rules moved out)
    and data are copied into a package of their own, so their relative imports find each other
    at that revision and not this tree's.
    """
    commit = subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    name = f"redact_at_{commit}"
    package = workdir / name
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    listed = subprocess.run(["git", "ls-tree", "--name-only", commit, "analysis/text/",
                             "analysis/text/data/"],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    wanted = re.compile(r"analysis/text/(?:redact\w*\.py|data/.+)")
    for relative in filter(wanted.fullmatch, listed):
        content = subprocess.run(["git", "show", f"{commit}:{relative}"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        (package / Path(relative).relative_to("analysis/text")).write_bytes(content)
    sys.path.insert(0, str(workdir))
    try:
        module = importlib.import_module(f"{name}.redact")
    finally:
        sys.path.remove(str(workdir))
    return module.redact, commit


def changes(before: str, after: str) -> list[tuple[str, str, str]]:
    """(kind, span of ``before``, span with context) for each token ``after`` adds."""
    a, b = UNITS.findall(before), UNITS.findall(after)
    found = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op not in ("replace", "insert"):
            continue
        for token in TOKEN.findall("".join(b[j1:j2])):
            span = "".join(a[i1:i2])
            context = ("".join(a[max(0, i1 - 8):i1]) + "«" + span + "»"
                       + "".join(a[i2:i2 + 8])).replace("\n", " ")
            found.append((token[1:-1], span, context.strip()))
    return found


TITLES = ("mr", "mrs", "officer", "pc", "sgt", "cllr", "dr", "inspector", "councillor",
          "det", "detective", "cyng", "spoke to dr")
# Words for a person in the reports, whose place a title takes in the negative set.
PERSON_WORDS = set(
    "police council officer officers man men woman women driver drivers staff worker workers "
    "contractor contractors resident residents neighbour neighbours tenant tenants people "
    "someone he she they guy lady landlord person warden wardens inspector councillor doctor "
    "gp nurse team operative operatives cleaner cleaners crew".split())


def title_sets(folder: Path, corpus: list[str]) -> tuple[list[str], list[str]]:
    """(surnames after titles, ordinary words after titles): see the module docstring."""
    lines = (folder / "dist.all.last").read_text().splitlines()[:1000]
    named = [f"{title} {line.split()[0].lower()} came round" for title in TITLES
             for line in lines]
    ordinary = set()
    for text in corpus:
        words = re.findall(r"[a-z][a-z'\u2019\-]*", text.lower())
        for index, word in enumerate(words[:-1]):
            if word in PERSON_WORDS:
                rest = " ".join(words[index + 1:index + 5])
                ordinary.update(f"{title} {rest}" for title in ("officer", "dr", "pc", "sgt",
                                                                "councillor"))
    return named, sorted(ordinary)


def title_report(redactors: dict[str, Callable[[str], str]], named: list[str],
                 ordinary: list[str], samples: int) -> list[str]:
    """The lines that say what each redactor takes after titles (run inside the workdir, where
    an older redactor still reads its word lists)."""
    out: list[str] = []
    add = out.append
    labels = list(redactors)
    add("\n1,000 commonest census surnames after a title, lower case: names taken")
    add("  title".ljust(24) + "".join(f"{label:>16}" for label in labels))
    for title in TITLES:
        these = [text for text in named if text.startswith(title + " ")
                 and text.count(" ") == title.count(" ") + 3]
        add(f"  {title:<22}" + "".join(
            f"{sum('[name]' in redactors[label](text) for text in these):>16,}"
            for label in labels))
    add(f"\n{len(ordinary):,} ordinary words after a title (a person word of the reports "
        "replaced by officer, dr, pc, sgt, councillor): [name] taken")
    taken = {label: [text for text in ordinary if "[name]" in redactors[label](text)]
             for label in labels}
    add("  texts taking a [name]".ljust(24)
        + "".join(f"{len(taken[label]):>16,}" for label in labels))
    if len(labels) == 2:  # what the change adds is what to read: over-redaction
        old, new = (set(taken[label]) for label in labels)
        for title, found in ((f"taken by {labels[1]} only", new - old),
                             (f"taken by {labels[0]} only", old - new)):
            add(f"  {title}: {len(found):,}")
            for text in sorted(found)[:samples]:
                add(f"    {text}")
    return out


def per_comment_us(function: Callable[[str], str], corpus: list[str]) -> float:
    started = time.perf_counter()
    for text in corpus:
        function(text)
    return (time.perf_counter() - started) / len(corpus) * 1e6


def timings(redactors: dict[str, Callable[[str], str]], corpus: list[str],
            passes: int) -> dict[str, float]:
    best = {label: float("inf") for label in redactors}
    for _ in range(passes):  # interleaved, so a busy moment on the machine hits both
        for label, function in redactors.items():
            best[label] = min(best[label], per_comment_us(function, corpus))
    return best


def show_samples(title: str, spans: dict[str, list[str]], samples: int, rng: random.Random):
    print(title)
    for kind in KINDS:
        found = spans[kind]
        if not found:
            continue
        shown = found if len(found) <= samples else rng.sample(found, samples)
        print(f"  [{kind}] {len(found)} span(s){'' if len(found) <= samples else ', a sample'}:")
        for context in shown:
            print(f"    {context[:140]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", metavar="REV",
                        help="also run the redactor at this git revision and list the differences")
    parser.add_argument("--samples", type=int, default=25, help="spans shown per kind")
    parser.add_argument("--passes", type=int, default=3, help="timing passes (best is kept)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lower", action="store_true",
                        help="lower-case every text before the redactors run (phone typing)")
    parser.add_argument("--titles", metavar="DIR", type=Path,
                        help="also try the rules after titles (the names package's tables)")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    corpus = texts()
    raw = [text.lower() if args.lower else text for _source, text in corpus]
    with tempfile.TemporaryDirectory() as workdir:
        redactors = {"this tree": redact}
        if args.compare:
            old, commit = redactor_at(args.compare, Path(workdir))
            redactors = {f"at {commit}": old, "this tree": redact}
        outputs = {label: [function(text) for text in raw] for label, function in redactors.items()}
        speed = timings(redactors, raw, args.passes)
        titles = []
        if args.titles:
            named, ordinary = title_sets(args.titles, [text for _source, text in corpus])
            titles = title_report(redactors, named, ordinary, args.samples)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    fms = sum(source == "fms" for source, _text in corpus)
    print(f"bench.redaction on {platform.node()} ({platform.machine()}, {os.cpu_count()} cpus), "
          f"Python {platform.python_version()}, {stamp}")
    print(f"{len(raw)} texts: {fms} public reports (FixMyStreet Lewisham) + {len(raw) - fms} "
          f"seed comments{', lower-cased' if args.lower else ''}")
    labels = list(redactors)
    print("\ntexts gaining a token   " + "".join(f"{label:>16}" for label in labels))
    gained = {label: {kind: [] for kind in KINDS} for label in labels}
    for label in labels:
        for text, out in zip(raw, outputs[label]):
            for kind, _span, context in changes(text, out):
                gained[label][kind].append(context)
    for kind in KINDS:
        counts = []
        for label in labels:
            token = f"[{kind}]"
            counts.append(sum(out.count(token) > text.count(token)
                              for text, out in zip(raw, outputs[label])))
        print(f"  [{kind}]".ljust(24) + "".join(f"{count:>16,}" for count in counts))
    any_change = [sum(out != text for text, out in zip(raw, outputs[label])) for label in labels]
    print("  any token".ljust(24) + "".join(f"{count:>16,}" for count in any_change))
    print("µs per comment (best of "
          f"{args.passes})".ljust(24) + "".join(f"{speed[label]:>16.1f}" for label in labels))

    for line in titles:
        print(line)
    if not args.compare:
        show_samples("\nspans redacted (in «»):", gained["this tree"], args.samples, rng)
        return
    old_label, new_label = labels
    added = {kind: [] for kind in KINDS}
    removed = {kind: [] for kind in KINDS}
    for text, old_out, new_out in zip(raw, outputs[old_label], outputs[new_label]):
        if old_out == new_out:
            continue
        for kind, _span, context in changes(old_out, new_out):
            added[kind].append(context)
        for kind, _span, context in changes(new_out, old_out):
            removed[kind].append(context)
    print("\ntexts that differ: "
          f"{sum(o != n for o, n in zip(outputs[old_label], outputs[new_label])):,}")
    show_samples(f"\nredacted by this tree, not {old_label} (in «», as {old_label} left it):",
                 added, args.samples, rng)
    show_samples(f"\nredacted {old_label}, not by this tree (in «», as this tree leaves it):",
                 removed, args.samples, rng)


if __name__ == "__main__":
    main()

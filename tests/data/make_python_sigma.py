#!/usr/bin/env python3
"""Writes tests/data/python_sigma.tsv: how each code point takes part in
Python's final-sigma rule (str.lower() of a capital sigma), as ranges.

Usage (with the interpreter flytekit runs on, Python 3.11):
    python3 tests/data/make_python_sigma.py

Python lowers U+03A3 to final U+03C2 when a cased letter comes before it and
none after it, skipping case-ignorable code points on both sides. Its
cased and case-ignorable properties are not exposed, so they are read off
str.lower() itself:
  "ΑΣc".lower()[1] == "σ"  iff  c is cased and not case-ignorable   -> C
  "ΑcΣ".lower()[-1] == "ς" iff  c is case-ignorable or cased        -> I if not C
Everything else plays no part (listed as nothing).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def role(c):
    if ("\u0391\u03a3" + c).lower()[1] == "\u03c3":
        return "C"
    if ("\u0391" + c + "\u03a3").lower()[-1] == "\u03c2":
        return "I"
    return None


def main():
    ranges = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        r = role(chr(cp))
        if r is None:
            continue
        if ranges and ranges[-1][1] == cp - 1 and ranges[-1][2] == r:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp, r])
    with open(os.path.join(HERE, "python_sigma.tsv"), "w") as f:
        f.write("# first, last code point (hex), role in Python %d.%d's final-sigma rule "
                "(C cased, I case-ignorable); unlisted code points play no part "
                "(written by make_python_sigma.py)\n" % sys.version_info[:2])
        for a, b, r in ranges:
            f.write("%X\t%X\t%s\n" % (a, b, r))


if __name__ == "__main__":
    main()

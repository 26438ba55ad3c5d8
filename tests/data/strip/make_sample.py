#!/usr/bin/env python3
"""Writes tests/data/strip/python_sample.json: Python 3.11's answers for
~200 strings, the rules flyte-secrets reproduces:

  str_strip    os.fsencode(os.fsdecode(b).strip())   an env var's value
               (Python decodes it with surrogateescape; undecodable bytes
               are kept and are never whitespace)
  text_file    a file read in text mode: UTF-8 decoded (null if that fails),
               universal newlines, then str.strip()
  bytes_strip  b.strip()                             a file in bytes mode
  upper/lower  str.upper() / str.lower()             names (null if not UTF-8)

A few of them are also asked of flytekit itself through the oracle (a secret
in an env var, in a file, in a file read with encode_mode="rb"), so that the
sample ties the Python rules to flytekit's real behaviour.

Usage: python3 tests/data/strip/make_sample.py [--no-oracle] [path/to/oracle.py]
Every byte string is stored base64-encoded.
"""
import base64
import io
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))

# Every code point for which str.isspace() is true, plus near misses that
# are not whitespace: zero-width space, BOM, word joiner, Mongolian vowel
# separator (whitespace until Unicode 6.3), NUL, DEL, a C1 control.
SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]
NEAR = ["\u200b", "\ufeff", "\u2060", "\u180e", "\x00", "\x7f", "\x80", "\u00ad"]
WORDS = ["a", "pw", "s3cr3t", "ß", "İ", "ΣΑΣ", "ǅ", "ﬁ", "日本", "🔑", "x y", "a\r\nb", "a\rb", "\r\n"]


def b64(b):
    return None if b is None else base64.b64encode(b).decode()


def text_file(b):
    try:
        s = io.TextIOWrapper(io.BytesIO(b), encoding="utf-8").read()
    except UnicodeDecodeError:
        return None
    return s.strip().encode()


def sample():
    rng = random.Random(20260101)
    inputs = []
    for sp in SPACES + NEAR:
        inputs.append((sp + "v" + sp).encode())
        inputs.append(sp.encode())
    for w in WORDS:
        inputs.append(w.encode())
        inputs.append((" \t" + w + "\n").encode())
    inputs += [b"", b"\xff", b" \xff ", b"\xc2", b"\xc2\x85", b"\xe2\x80", b" \xe2\x80\xa8\xff",
               b"\xed\xa0\x80", b"\x0b\x0cx\x1c\x1d", b"\x1f\x1e", b"caf\xe9 ", b"\n\n\n"]
    alphabet = SPACES + NEAR + ["a", "Z", "é", "\r", "\n", "\r\n"]
    unique = list(dict.fromkeys(inputs))
    while len(unique) < 200:
        n = rng.randint(1, 8)
        s = "".join(rng.choice(alphabet) for _ in range(n)).encode()
        if rng.random() < 0.15:
            s = s + bytes([rng.choice([0x80, 0xff, 0xc3])])
        if s not in unique:
            unique.append(s)
    return unique


def rules(b):
    try:
        text = b.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return {
        "input": b64(b),
        "str_strip": b64(os.fsencode(os.fsdecode(b).strip())),
        "text_file": b64(text_file(b)),
        "bytes_strip": b64(b.strip()),
        "upper": None if text is None else b64(text.upper().encode()),
        "lower": None if text is None else b64(text.lower().encode()),
    }


def ask_flytekit(oracle, values):
    """The same values through flytekit: env var (get), file (get), file
    (get, encode_mode rb). Env values must be valid, NUL-free text."""
    cases = []
    for v in values:
        text = v.decode("utf-8", "surrogateescape")
        if "\x00" not in text and text == v.decode("utf-8", "ignore"):
            cases.append({"env": {"_FSEC_G_K": text}, "call": {"group": "g", "key": "k"}})
        cases.append({"files": {"g/k": {"b64": b64(v)}}, "call": {"group": "g", "key": "k"}})
        cases.append({"files": {"g/k": {"b64": b64(v)}},
                      "call": {"group": "g", "key": "k", "encode_mode": "rb"}})
    out = subprocess.run([sys.executable, oracle], input=json.dumps(cases), capture_output=True,
                         text=True, check=True)
    answers = json.loads(out.stdout)
    result = []
    for case, answer in zip(cases, answers):
        if "env" in case:
            source, data = "env", case["env"]["_FSEC_G_K"].encode()
        else:
            source = "file_bytes" if case["call"].get("encode_mode") == "rb" else "file_text"
            data = base64.b64decode(case["files"]["g/k"]["b64"])
        if "ok" in answer:
            want = b64(answer["ok"].encode("utf-8", "surrogateescape"))
        elif "ok_bytes_b64" in answer:
            want = answer["ok_bytes_b64"]
        else:
            want = None  # flytekit raised (e.g. UnicodeDecodeError)
        result.append({"source": source, "input": b64(data), "flytekit": want,
                       "error": answer.get("error", {}).get("type")})
    return result


def main():
    args = [a for a in sys.argv[1:] if a != "--no-oracle"]
    oracle = args[0] if args else os.path.join(REPO, "..", "shared", "oracle", "oracle.py")
    values = sample()
    doc = {
        "generated_by": "tests/data/strip/make_sample.py",
        "python": sys.version.split()[0],
        "spaces": [ord(c) for c in SPACES],
        "cases": [rules(b) for b in values],
    }
    if "--no-oracle" not in sys.argv:
        # Every 8th value: about 25 values, 75 flytekit runs.
        doc["flytekit"] = ask_flytekit(os.path.abspath(oracle), values[::8])
    with open(os.path.join(HERE, "python_sample.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=True)
        f.write("\n")


if __name__ == "__main__":
    main()

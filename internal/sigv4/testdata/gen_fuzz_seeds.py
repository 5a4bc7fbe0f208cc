#!/usr/bin/env python3
"""Write fuzz seeds taken from the botocore fixtures into testdata/fuzz.

Each seed is a real signed request (or a part of one), so the fuzzers start
from inputs that pass the parsers and mutate from there. Run from the
package directory:  python3 testdata/gen_fuzz_seeds.py
"""
import hashlib
import json
import os


def goquote(b):
    if isinstance(b, str):
        b = b.encode("latin-1" if all(ord(c) < 256 for c in b) else "utf-8")
    out = []
    for c in b:
        ch = chr(c)
        if ch == "\\" or ch == '"':
            out.append("\\" + ch)
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    return '"' + "".join(out) + '"'


def write(target, values):
    d = os.path.join("testdata", "fuzz", target)
    os.makedirs(d, exist_ok=True)
    lines = ["go test fuzz v1"]
    for kind, v in values:
        lines.append("%s(%s)" % (kind, goquote(v) if kind in ("string", "[]byte") else v))
    text = "\n".join(lines) + "\n"
    name = "seed-" + hashlib.sha256(text.encode()).hexdigest()[:16]
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


cases = json.load(open("testdata/botocore_cases.json"))["cases"]
for c in cases:
    hdr = {k.lower(): v for k, v in c["headers"]}
    path, _, query = c["request_uri"].partition("?")
    write("FuzzCanonicalURI", [("string", path)])
    if query:
        write("FuzzCanonicalQuery", [("string", query)])
    if "authorization" in hdr:
        write("FuzzParseAuthorization", [("string", hdr["authorization"])])
    write("FuzzVerify", [
        ("string", c["method"]), ("string", c["request_uri"]),
        ("string", hdr.get("authorization", "")),
        ("string", hdr.get("x-amz-date", "")), ("string", hdr["host"]),
        ("[]byte", c["body"]),
    ])
write("FuzzChunkedReader", [("[]byte", "10;chunk-signature=" + "0" * 64 + "\r\n" + "a" * 16 + "\r\n0;chunk-signature=" + "1" * 64 + "\r\n\r\n"), ("uint8", "1")])
write("FuzzChunkedReader", [("[]byte", "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n"), ("uint8", "3")])
write("FuzzChunkedReader", [("[]byte", "0;chunk-signature=" + "0" * 64 + "\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:" + "0" * 64 + "\r\n\r\n"), ("uint8", "2")])

"""Turns one recorded botocore answer into the replay's expect facts."""
import json, os, re, subprocess

LOCALSTACK = os.environ.get("LOCALSTACK", "/work/.mirror/localstack+localstack/repo")


def recorded(path):
    """One file of the localstack repository (commit 8b9a79f0 in testdata)."""
    return json.loads(subprocess.check_output(["git", "-C", LOCALSTACK, "show", "HEAD:" + path]))

DOCS = {"AssumeRolePolicyDocument", "PolicyDocument", "Document"}
PH = re.compile(r"<[^<>]+>")

ISO = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"
IDS = {"role-id": "AROA", "user-id": "AIDA", "policy-id": "ANPA", "group-id": "AGPA"}

VAR = re.compile(r"(\$\{[A-Za-z]+\})")

def esc(text):
    """re.escape, keeping the replay's ${vars} to expand."""
    return "".join(p if VAR.fullmatch(p) else re.escape(p) for p in VAR.split(text))

def pattern(sv, proto):
    """A regular expression for a recorded value with placeholders."""
    if sv == "datetime":
        return ISO if proto == "query" else r"[0-9]+(\.[0-9]+)?"
    out, last = [], 0
    for mt in PH.finditer(sv):
        out.append(esc(sv[last:mt.start()]))
        name = mt.group(0)[1:-1].split(":")[0]
        if name == "datetime":
            out.append(ISO if proto == "query" else r"[0-9]+(\.[0-9]+)?")
        elif name == "uuid":
            out.append("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        elif name in IDS:
            out.append(IDS[name] + "[A-Z0-9]{17}")
        else:
            out.append(".+")
        last = mt.end()
    out.append(esc(sv[last:]))
    return "".join(out)

def subst(s, m):
    for k, v in m.items():
        s = s.replace(k, v)
    return s

def facts(action, rec, m, proto="query", skip=(), optional=(), opaque=(), docs=DOCS, at=None, tolerate=None):
    """skip: keys not checked at all; optional: keys that may be absent;
    opaque: keys whose presence is checked but not their content."""
    status = rec.get("ResponseMetadata", {}).get("HTTPStatusCode", 200)
    rec = {k: v for k, v in rec.items() if k != "ResponseMetadata"}
    if "Error" in rec:
        err = rec["Error"]
        e = {"status": status, "code": err["Code"]}
        e["message"] = subst(err.get("Message", ""), m) if "Message" in err else None
        if proto == "query":
            e["members"] = {"Type": err.get("Type", "Sender")}
        if e["message"] is None:
            del e["message"]
        if "message" in err and "Message" not in err:
            e["message"] = subst(err["message"], m)
        extra = {k: v for k, v in rec.items() if k not in ("Error", "message", "Message")}
        if proto == "json":
            members = {}
            for k, v in extra.items():
                members[k] = "*"
            if members:
                e["members"] = members
        return e, extra
    e = {"status": 200, "code": ""}
    shapes, values, has, documents, like = {}, {}, [], {}, {}
    if proto == "query":
        root = action + "Response." + action + "Result"
        lst = ".member"
    else:
        root, lst = (at or ""), ".0"
    if not rec:
        if proto == "query":
            e["absent"] = [root]
        else:
            shapes[""] = []
    def join(p, k):
        return p + "." + k if p else k
    def walk(path, d, top):
        keys = []
        for k, v in d.items():
            if k in skip:
                continue
            keys.append(("?" + k) if k in optional else k)
            p = join(path, k)
            if k in opaque:
                if k not in optional:
                    has.append(p)
                continue
            if k in docs and isinstance(v, dict) and proto == "query":
                documents[p] = json.loads(subst(json.dumps(v), m))
                continue
            one(p, v)
        parent = path.rsplit(".", 1)[-1]
        for t in (tolerate or {}).get(parent, ()):
            if t not in d:
                keys.append("?" + t)
        shapes[path] = keys
    def one(p, v):
        if isinstance(v, dict):
            if v:
                walk(p, v, False)
            else:
                has.append(p)
        elif isinstance(v, list):
            if not v:
                if proto == "query":
                    has.append(p)
                else:
                    values[p] = "[]"
            elif isinstance(v[0], dict):
                walk(p + lst, v[0], False)
            else:
                if proto == "query":
                    sv = subst(str(v[0]), m)
                    if not PH.search(sv):
                        values[p + lst] = sv
                else:
                    sv = subst(json.dumps(v), m)
                    if not PH.search(sv):
                        values[p] = sv
        else:
            if isinstance(v, bool):
                sv = "true" if v else "false"
            else:
                sv = subst(str(v), m)
            if not PH.search(sv) and sv != "datetime":
                values[p] = sv
            else:
                like[p] = pattern(sv, proto)
    if rec:
        walk(root, rec, True)
    e["shapes"] = shapes
    if values: e["values"] = values
    if has: e["has"] = has
    if documents: e["documents"] = documents
    if like: e["like"] = like
    return e, None

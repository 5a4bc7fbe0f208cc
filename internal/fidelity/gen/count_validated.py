"""Counts the validated records of each snapshot file the replay draws on.

Writes internal/fidelity/testdata/validated.tsv: snapshot path, the number of
records of tests listed in the sibling .validation.json, and how many of
them are error answers (an "Error" member). The replay's score table divides
by these, so that what is not replayed counts against the score as well.
Run from the repository root: python3 internal/fidelity/gen/count_validated.py
"""
import glob, json, os, sys

sys.path.insert(0, os.path.dirname(__file__))
from facts import recorded  # noqa: E402

def is_error(answer):
    """An error answer as botocore records it ("Error"), or as a test kept
    its parts (a validation error's Code and Errors, a URL's Forbidden,
    the text of the exception)."""
    if isinstance(answer, str):  # str() of botocore's ClientError
        return answer.startswith("An error occurred (")
    if not isinstance(answer, dict):
        return False
    if "content" in answer and isinstance(answer["content"], dict):
        answer = answer["content"]
    return "Error" in answer or isinstance(answer.get("Code"), str) or set(answer) == {"Message"}


HERE = os.path.join(os.path.dirname(__file__), "..", "testdata")
rows = []
for f in sorted(glob.glob(os.path.join(HERE, "*.json"))):
    snap = json.load(open(f))["snapshot"]
    validation = recorded(snap.replace(".snapshot.json", ".validation.json"))
    records = errors = 0
    for test, content in recorded(snap).items():
        if test not in validation:
            continue
        for answer in content.get("recorded-content", {}).values():
            records += 1
            errors += is_error(answer)
    rows.append((snap, records, errors))
with open(os.path.join(HERE, "validated.tsv"), "w") as out:
    out.write("# snapshot\tvalidated records\tof which errors (localstack 8b9a79f05846835cf4dff63ab7eefdde9df83783)\n")
    for snap, records, errors in rows:
        out.write(f"{snap}\t{records}\t{errors}\n")

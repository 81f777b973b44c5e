"""In-process loop of the reference Python client, for scripts/bench_verify.ts.

Verifies a genuine bundle (parsed afresh each round) against its artifact
with sigstore-python's offline production verifier for MS milliseconds and
prints {"perSecond": N}.

Run: python bench_sigstore_python.py CASE_DIR MS
"""

import json
import sys
import time

from sigstore.models import Bundle
from sigstore.verify import Verifier, policy

case, ms = sys.argv[1], float(sys.argv[2])


def text(name):
    with open(f"{case}/{name}", encoding="utf-8") as f:
        return f.read().strip()


bundle_text = text("bundle.sigstore.json")
with open(f"{case}/artifact", "rb") as f:
    artifact = f.read()
verifier = Verifier.production(offline=True)
identity = policy.Identity(identity=text("identity"), issuer=text("issuer"))


def once():
    verifier.verify_artifact(artifact, Bundle.from_json(bundle_text), identity)


warm_until = time.perf_counter() + 0.5
while time.perf_counter() < warm_until:
    once()
n = 0
t0 = time.perf_counter()
while (time.perf_counter() - t0) * 1000 < ms:
    once()
    n += 1
print(json.dumps({"perSecond": n / (time.perf_counter() - t0)}))

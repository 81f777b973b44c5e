import { bundleVerifyDir, caseNames, loadCase } from "./_helpers.ts";
import { verifyTlogEntry } from "../../lib/tlog/mod.ts";
const root = bundleVerifyDir()!;
for (const name of caseNames(root)) {
  let c;
  try { c = loadCase(root, name); } catch (e) { console.log(name.padEnd(60), "PARSE", (e as any).code, (e as Error).message.slice(0, 100)); continue; }
  if (!c.signer) { console.log(name.padEnd(60), "NO SIGNER"); continue; }
  for (const entry of c.bundle.tlogEntries) {
    try {
      const r = await verifyTlogEntry(entry, { tlogs: c.tlogs, content: c.bundle.content, signer: c.signer, artifactDigests: c.artifactDigests, verifiedTimes: c.timestampTimes.length ? c.timestampTimes : undefined });
      console.log(name.padEnd(60), "OK", r.log.baseUrl, r.integratedTime?.toISOString(), r.logKeyValidAt?.toISOString());
    } catch (e) { console.log(name.padEnd(60), "ERR", (e as any).code, (e as Error).message.slice(0, 160)); }
  }
}

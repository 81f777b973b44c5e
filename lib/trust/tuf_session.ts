/**
 * The TUF client workflow (The Update Framework specification v1.0, §5
 * "Detailed client workflow") over a {@linkcode TufSource}, with every check
 * done by tuf-js's trusted metadata set: signatures and thresholds, version
 * rollbacks, snapshot/timestamp consistency, hashes and lengths, and expiry
 * against an injected reference time. It runs in memory: the caller decides
 * what to persist (the cache writes the whole state atomically; the TUF
 * conformance client stores each file as it is trusted).
 *
 * This is the only module that loads tuf-js; the rest of the client imports
 * it on demand, so offline verification never loads TUF code.
 *
 * @module
 */

import { TrustedMetadataStore } from "tuf-js/dist/store.js";
import { digest } from "../crypto/mod.ts";
import { encodeHex, utf8Decode } from "../encoding/mod.ts";
import { type ErrorCode, NetworkError, ParseError, SigstoreError, VerificationError } from "../errors/mod.ts";
import type { TufSource } from "./tuf_source.ts";
import { matchesTarget, type TufTargetInfo } from "./tuf_target.ts";

export type { TufTargetInfo } from "./tuf_target.ts";

/** Upper bounds on metadata sizes when the referring role gives no length (tuf-js's defaults). */
const MAX_BYTES = { root: 512_000, timestamp: 16_384, snapshot: 2_000_000, targets: 5_000_000 } as const;
/** At most this many root versions are applied in one refresh. */
const MAX_ROOT_ROTATIONS = 256;
/** At most this many targets roles are visited when resolving one target. */
const MAX_DELEGATIONS = 32;

/** Metadata this client trusted before, used for rollback protection and to skip unchanged roles. */
export interface LocalTufMetadata {
  /** The last trusted timestamp */
  readonly timestamp?: Uint8Array | undefined;
  /** The last trusted snapshot */
  readonly snapshot?: Uint8Array | undefined;
  /** The last trusted targets roles by name */
  readonly roles?: ReadonlyMap<string, Uint8Array> | undefined;
}

/** Options of {@linkcode openTufSession}. */
export interface TufSessionOptions {
  /** The trusted root to start from (the bootstrap root, or the newest cached one) */
  readonly trustedRoot: Uint8Array;
  /** Previously trusted metadata, if any */
  readonly local?: LocalTufMetadata | undefined;
  /** Where to fetch from */
  readonly source: TufSource;
  /** The reference time for every expiry check (TUF §5.1) */
  readonly now: Date;
  /** Called with each metadata file as soon as it is trusted (role name, bytes) */
  readonly onTrusted?: ((role: string, bytes: Uint8Array) => void) | undefined;
}

/** Version and expiry of one trusted role. */
export interface TufRoleState {
  /** The role's version */
  readonly version: number;
  /** When the role's metadata expires */
  readonly expires: Date;
}

/** The versions and expiries of the trusted top-level roles. */
export interface TufState {
  /** The trusted root */
  readonly root: TufRoleState;
  /** The trusted timestamp */
  readonly timestamp: TufRoleState;
  /** The trusted snapshot */
  readonly snapshot: TufRoleState;
  /** The trusted top-level targets */
  readonly targets: TufRoleState;
}

/** A refreshed TUF client: trusted metadata, and target lookup and download. */
export interface TufSession {
  /** Root metadata newer than the starting root, as fetched, in version order */
  readonly newRoots: readonly Uint8Array[];
  /** The newest trusted root */
  readonly root: Uint8Array;
  /** The trusted timestamp */
  readonly timestamp: Uint8Array;
  /** The trusted snapshot */
  readonly snapshot: Uint8Array;
  /** The trusted targets roles loaded so far, by name */
  readonly roles: ReadonlyMap<string, Uint8Array>;
  /** Versions and expiries of the top-level roles */
  readonly state: TufState;
  /** Finds a target by path through the delegation tree (TUF §5.6.7); `undefined` when none lists it. */
  findTarget(path: string): Promise<TufTargetInfo | undefined>;
  /** Loads every delegated targets role reachable from the top-level targets. */
  loadDelegations(): Promise<void>;
  /** Fetches a target from the source and checks its length and hashes (TUF §5.7.3). */
  fetchTarget(info: TufTargetInfo): Promise<Uint8Array>;
  /** True when `bytes` have the target's length and every listed hash. */
  matchesTarget(info: TufTargetInfo, bytes: Uint8Array): boolean;
}

type StoreBytes = Parameters<TrustedMetadataStore["updateRoot"]>[0];

/** tuf-js reads metadata with `toString("utf8")`; this hands it our bytes without a Buffer. */
function storeBytes(bytes: Uint8Array): StoreBytes {
  const text = utf8Decode(bytes) ?? "";
  return Object.assign(new Uint8Array(bytes), { toString: () => text }) as unknown as StoreBytes;
}

function classNames(e: unknown): string[] {
  const names: string[] = [];
  for (let p = Object.getPrototypeOf(e); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    names.push((p as { constructor: { name: string } }).constructor.name);
  }
  return names;
}

/** Turns a tuf-js or JSON failure into our typed error for the step. */
function tufError(step: string, source: TufSource, e: unknown): SigstoreError {
  if (e instanceof SigstoreError) return e;
  const names = classNames(e);
  const message = (e as Error)?.message ?? String(e);
  let code: ErrorCode = "TUF_METADATA_PARSE";
  if (names.includes("UnsignedMetadataError")) code = "TUF_SIGNATURE";
  else if (names.includes("ExpiredMetadataError")) code = "TUF_EXPIRED";
  else if (names.includes("LengthOrHashMismatchError")) code = "TUF_HASH_MISMATCH";
  else if (names.includes("BadVersionError")) {
    const m = message.match(/^Expected version (\d+), got (\d+)$/);
    code = / is less than /.test(message) || (m !== null && Number(m[2]) < Number(m[1]))
      ? "TUF_ROLLBACK"
      : "TUF_VERSION_MISMATCH";
  } else if (/^Missing file .* in new snapshot$/.test(message)) code = "TUF_ROLLBACK";
  const text = `Cannot verify TUF ${step} from ${source.description}: ${message}`;
  return code === "TUF_METADATA_PARSE"
    ? new ParseError(code, text, { cause: e })
    : new VerificationError(code, text, { cause: e });
}

function roleState(signed: { version: number; expires: string }): TufRoleState {
  return { version: signed.version, expires: new Date(signed.expires) };
}

/**
 * Checks that bytes are TUF root metadata signed by a threshold of its own
 * root keys (what a client requires of the root it starts from).
 *
 * @param root The root metadata
 * @param what Where it is from, for messages
 * @throws {VerificationError} `TUF_SIGNATURE` when the root is not signed by itself
 * @throws {ParseError} `TUF_METADATA_PARSE` when it is not root metadata
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRootMetadata } from "./tuf_session.ts";
 * assert.throws(() => checkRootMetadata(new TextEncoder().encode("{}"), "root.json"), /root/);
 * ```
 */
export function checkRootMetadata(root: Uint8Array, what: string): void {
  try {
    new TrustedMetadataStore(storeBytes(root));
  } catch (e) {
    throw tufError("root", { description: what } as TufSource, e);
  }
}

/**
 * Runs the TUF refresh (TUF §5.2–5.6: root chain, timestamp, snapshot,
 * top-level targets) and returns a session for target lookups.
 *
 * @param options The starting root, local metadata, source and reference time
 * @returns The refreshed session
 * @throws {VerificationError} `TUF_SIGNATURE`, `TUF_ROLLBACK`, `TUF_VERSION_MISMATCH`, `TUF_EXPIRED`,
 *   `TUF_HASH_MISMATCH` when metadata fails a TUF check
 * @throws {ParseError} `TUF_METADATA_PARSE` when metadata is malformed
 * @throws {NetworkError} `TUF_FETCH`, `TUF_TOO_LARGE` when a file cannot be fetched or is too large
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedDocument } from "./embedded.ts";
 * import { createHttpTufSource } from "./tuf_source.ts";
 * import { openTufSession } from "./tuf_session.ts";
 * const trustedRoot = new TextEncoder().encode(embeddedDocument("production", "root.json"));
 * const source = createHttpTufSource("http://127.0.0.1:9", { retries: 0 }); // nothing listens
 * await assert.rejects(openTufSession({ trustedRoot, source, now: new Date() }), /TUF repository/);
 * ```
 */
export async function openTufSession(options: TufSessionOptions): Promise<TufSession> {
  const { source, now } = options;
  const onTrusted = options.onTrusted ?? (() => {});
  const local = options.local ?? {};
  function run<T>(step: string, action: () => T): T {
    try {
      return action();
    } catch (e) {
      throw tufError(step, source, e);
    }
  }
  // §5.1–5.2: fix the reference time, load the trusted root.
  const store = run("trusted root", () => new TrustedMetadataStore(storeBytes(options.trustedRoot)));
  const clock = store as unknown as { referenceTime: Date };
  if (!(clock.referenceTime instanceof Date)) throw new TypeError("tuf-js has no referenceTime to set");
  clock.referenceTime = now;

  // §5.3: update the root, one version at a time, until the repository has no newer one.
  const newRoots: Uint8Array[] = [];
  let root = options.trustedRoot;
  for (let i = 0; i < MAX_ROOT_ROTATIONS; i++) {
    const version = store.root.signed.version + 1;
    const bytes = await source.metadata({ role: "root", version }, MAX_BYTES.root);
    if (bytes === undefined) break;
    run(`root version ${version}`, () => store.updateRoot(storeBytes(bytes)));
    newRoots.push(bytes);
    root = bytes;
    onTrusted("root", bytes);
  }
  const consistent = store.root.signed.consistentSnapshot;

  // §5.4: timestamp. A local one that no longer verifies (keys rotated) is ignored: fast-forward recovery.
  let timestamp: Uint8Array | undefined;
  if (local.timestamp !== undefined) {
    try {
      store.updateTimestamp(storeBytes(local.timestamp));
      timestamp = local.timestamp;
    } catch {
      if (store.timestamp !== undefined) timestamp = local.timestamp; // kept for rollback checks only
    }
  }
  const remoteTimestamp = await source.metadata({ role: "timestamp" }, MAX_BYTES.timestamp);
  if (remoteTimestamp === undefined) {
    throw new NetworkError("TUF_FETCH", `${source.description} has no timestamp.json`);
  }
  try {
    store.updateTimestamp(storeBytes(remoteTimestamp));
    timestamp = remoteTimestamp;
    onTrusted("timestamp", remoteTimestamp);
  } catch (e) {
    if (!classNames(e).includes("EqualVersionError")) throw tufError("timestamp", source, e);
  }
  const trustedTimestamp = store.timestamp;
  if (trustedTimestamp === undefined || timestamp === undefined) {
    throw new VerificationError("TUF_VERSION_MISMATCH", `No trusted timestamp from ${source.description}`);
  }

  // §5.5: snapshot, reused when the local one is still the one the timestamp names.
  let snapshot: Uint8Array | undefined;
  if (local.snapshot !== undefined) {
    try {
      store.updateSnapshot(storeBytes(local.snapshot), true);
      snapshot = local.snapshot;
    } catch {
      // stale or invalid: fetch the current one (the stale one still guards against rollback)
    }
  }
  if (snapshot === undefined) {
    const meta = trustedTimestamp.signed.snapshotMeta;
    const bytes = await source.metadata(
      { role: "snapshot", version: consistent ? meta.version : undefined },
      meta.length ?? MAX_BYTES.snapshot,
    );
    if (bytes === undefined) throw new NetworkError("TUF_FETCH", `${source.description} has no snapshot`);
    run("snapshot", () => store.updateSnapshot(storeBytes(bytes)));
    snapshot = bytes;
    onTrusted("snapshot", bytes);
  }

  // §5.6: targets roles, each checked against the snapshot and its delegator.
  const roles = new Map<string, Uint8Array>();
  async function loadRole(role: string, delegator: string): Promise<void> {
    if (store.getRole(role) !== undefined) return;
    const cached = local.roles?.get(role);
    if (cached !== undefined) {
      try {
        store.updateDelegatedTargets(storeBytes(cached), role, delegator);
        roles.set(role, cached);
        return;
      } catch {
        // changed or invalid: fetch the current one
      }
    }
    const meta = store.snapshot?.signed.meta[`${role}.json`];
    if (meta === undefined) {
      throw new VerificationError(
        "TUF_VERSION_MISMATCH",
        `Cannot verify TUF ${role} from ${source.description}: the snapshot does not list ${role}.json`,
      );
    }
    const bytes = await source.metadata(
      { role, version: consistent ? meta.version : undefined },
      meta.length ?? MAX_BYTES.targets,
    );
    if (bytes === undefined) throw new NetworkError("TUF_FETCH", `${source.description} has no ${role}.json`);
    run(role, () => store.updateDelegatedTargets(storeBytes(bytes), role, delegator));
    roles.set(role, bytes);
    onTrusted(role, bytes);
  }
  await loadRole("targets", "root");

  const session: TufSession = {
    newRoots,
    root,
    timestamp,
    snapshot,
    roles,
    state: {
      root: roleState(store.root.signed),
      timestamp: roleState(trustedTimestamp.signed),
      snapshot: roleState(store.snapshot!.signed),
      targets: roleState(store.targets!.signed),
    },
    async findTarget(path) {
      // §5.6.7: preorder depth-first search of the delegation graph.
      const stack: { role: string; delegator: string }[] = [{ role: "targets", delegator: "root" }];
      const visited = new Set<string>();
      while (stack.length > 0 && visited.size <= MAX_DELEGATIONS) {
        const { role, delegator } = stack.pop()!;
        if (visited.has(role)) continue;
        await loadRole(role, delegator);
        const signed = store.getRole(role)!.signed;
        const target = signed.targets[path];
        if (target !== undefined) return { path, length: target.length, hashes: { ...target.hashes } };
        visited.add(role);
        const children: { role: string; delegator: string }[] = [];
        for (const { role: child, terminating } of signed.delegations?.rolesForTarget(path) ?? []) {
          children.push({ role: child, delegator: role });
          if (terminating) {
            stack.length = 0;
            break;
          }
        }
        stack.push(...children.reverse());
      }
      return undefined;
    },
    async loadDelegations() {
      const queue = ["targets"];
      for (let i = 0; i < queue.length && i <= MAX_DELEGATIONS; i++) {
        const delegator = queue[i]!;
        for (const child of Object.keys(store.getRole(delegator)?.signed.delegations?.roles ?? {})) {
          if (queue.includes(child)) continue;
          await loadRole(child, delegator);
          queue.push(child);
        }
      }
    },
    async fetchTarget(info) {
      const slash = info.path.lastIndexOf("/");
      const first = Object.values(info.hashes)[0];
      const fileName = consistent && first !== undefined
        ? `${info.path.slice(0, slash + 1)}${first}.${info.path.slice(slash + 1)}`
        : info.path;
      const bytes = await source.target(info.path, fileName, info.length);
      if (bytes === undefined) {
        throw new NetworkError(
          "TUF_FETCH",
          `${source.description} has no target ${JSON.stringify(info.path)}`,
        );
      }
      if (!matchesTarget(info, bytes)) {
        throw new VerificationError(
          "TUF_HASH_MISMATCH",
          `Target ${
            JSON.stringify(info.path)
          } from ${source.description} does not match its targets metadata: ` +
            `expected ${info.length} bytes with ${
              JSON.stringify(info.hashes)
            }, fetched ${bytes.length} bytes ` +
            `with sha256 ${encodeHex(digest("sha256", bytes))}`,
        );
      }
      return bytes;
    },
    matchesTarget,
  };
  return session;
}

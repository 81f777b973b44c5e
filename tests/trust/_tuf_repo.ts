/**
 * Generated TUF repositories for attack tests, built and signed with a real
 * TUF implementation (@tufjs/models, the metadata library tuf-js itself
 * uses) and Ed25519 keys. The repository publishes the consistent-snapshot
 * layout into a file map that `serveFiles` serves; tests change versions,
 * expiries, keys and files to stage each attack.
 *
 * @module
 */

import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import {
  Key,
  Metadata,
  MetaFile,
  Root,
  Signature,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp,
} from "@tufjs/models";

/** A signing key. */
export interface TestKey {
  readonly id: string;
  readonly key: Key;
  readonly privateKey: KeyObject;
}

/** Makes a new Ed25519 key. */
export function newKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  const id = createHash("sha256").update(raw).digest("hex");
  return {
    id,
    key: new Key({ keyID: id, keyType: "ed25519", scheme: "ed25519", keyVal: { public: raw } }),
    privateKey,
  };
}

type Signable = Root | Timestamp | Snapshot | Targets;

/** Signs `signed` with each key and returns the metadata file's bytes. */
export function signed(body: Signable, keys: readonly TestKey[]): Uint8Array {
  const metadata = new Metadata(body);
  for (const k of keys) {
    metadata.sign(
      (data) => new Signature({ keyID: k.id, sig: sign(null, data, k.privateKey).toString("hex") }),
      true,
    );
  }
  return new TextEncoder().encode(JSON.stringify(metadata.toJSON()));
}

/** The top-level roles. */
export type TopRole = "root" | "timestamp" | "snapshot" | "targets";

/** A repository being built. */
export interface TestRepository {
  /** The files as published */
  readonly files: Map<string, Uint8Array>;
  /** Current keys of each role */
  readonly keys: Record<TopRole, TestKey[]>;
  /** Thresholds of each role */
  readonly thresholds: Record<TopRole, number>;
  /** The target files (path to bytes) the next publish lists */
  readonly targets: Map<string, Uint8Array>;
  /** Root bytes by version */
  readonly roots: Map<number, Uint8Array>;
  /** Versions of the last published roles */
  readonly versions: Record<TopRole, number>;
  /** Publishes root version `versions.root + 1`, signed by `signers` (default: old and new root keys). */
  publishRoot(options?: { signers?: readonly TestKey[]; expires?: Date; version?: number }): Uint8Array;
  /** Publishes targets, snapshot and timestamp with the given versions and expiries. */
  publish(options?: PublishOptions): void;
}

/** What {@linkcode TestRepository.publish} writes. */
export interface PublishOptions {
  readonly timestampVersion?: number;
  readonly snapshotVersion?: number;
  readonly targetsVersion?: number;
  /** The snapshot version the timestamp names (default: the snapshot's) */
  readonly timestampNamesSnapshot?: number;
  /** The targets version the snapshot names (default: the targets') */
  readonly snapshotNamesTargets?: number;
  readonly expires?: Partial<Record<"timestamp" | "snapshot" | "targets", Date>>;
  /** Signers per role (default: the role's keys) */
  readonly signers?: Partial<Record<"timestamp" | "snapshot" | "targets", readonly TestKey[]>>;
}

const SPEC = "1.0.31";

/** Creates a repository whose root v1 is published, with one key per role; `now` sets expiries. */
export function createTestRepository(now: Date, targets: Map<string, Uint8Array>): TestRepository {
  const inAYear = new Date(now.getTime() + 365 * 86400_000).toISOString().replace(/\.\d+Z$/, "Z");
  const inAWeek = (d?: Date) =>
    (d ?? new Date(now.getTime() + 7 * 86400_000)).toISOString().replace(/\.\d+Z$/, "Z");
  const files = new Map<string, Uint8Array>();
  const keys: Record<TopRole, TestKey[]> = {
    root: [newKey()],
    timestamp: [newKey()],
    snapshot: [newKey()],
    targets: [newKey()],
  };
  const thresholds: Record<TopRole, number> = { root: 1, timestamp: 1, snapshot: 1, targets: 1 };
  const roots = new Map<number, Uint8Array>();
  const versions: Record<TopRole, number> = { root: 0, timestamp: 0, snapshot: 0, targets: 0 };
  let previousRootKeys: TestKey[] = [];
  const repo: TestRepository = {
    files,
    keys,
    thresholds,
    targets,
    roots,
    versions,
    publishRoot(options = {}) {
      const version = options.version ?? versions.root + 1;
      const allKeys: Record<string, unknown> = {};
      const roles: Record<string, unknown> = {};
      for (const role of ["root", "timestamp", "snapshot", "targets"] as const) {
        for (const k of keys[role]) allKeys[k.id] = k.key.toJSON();
        roles[role] = { keyids: keys[role].map((k) => k.id), threshold: thresholds[role] };
      }
      const body = Root.fromJSON(
        {
          _type: "root",
          version,
          spec_version: SPEC,
          expires: options.expires ? inAWeek(options.expires) : inAYear,
          keys: allKeys,
          roles,
          consistent_snapshot: true,
        } as Parameters<typeof Root.fromJSON>[0],
      );
      const signers = options.signers ?? [...new Set([...previousRootKeys, ...keys.root])];
      const bytes = signed(body, signers);
      files.set(`${versions.root + 1}.root.json`, bytes);
      roots.set(versions.root + 1, bytes);
      versions.root += 1;
      previousRootKeys = [...keys.root];
      return bytes;
    },
    publish(options = {}) {
      versions.targets = options.targetsVersion ?? versions.targets + 1;
      versions.snapshot = options.snapshotVersion ?? versions.snapshot + 1;
      versions.timestamp = options.timestampVersion ?? versions.timestamp + 1;
      const targetsBody = new Targets({
        version: versions.targets,
        specVersion: SPEC,
        expires: inAWeek(options.expires?.targets),
      });
      for (const [path, bytes] of targets) {
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        targetsBody.addTarget(new TargetFile({ path, length: bytes.length, hashes: { sha256 } }));
        files.set(`targets/${sha256}.${path}`, bytes);
      }
      files.set(
        `${versions.targets}.targets.json`,
        signed(targetsBody, options.signers?.targets ?? keys.targets),
      );
      const snapshotBody = new Snapshot({
        version: versions.snapshot,
        specVersion: SPEC,
        expires: inAWeek(options.expires?.snapshot),
        meta: { "targets.json": new MetaFile({ version: options.snapshotNamesTargets ?? versions.targets }) },
      });
      files.set(
        `${versions.snapshot}.snapshot.json`,
        signed(snapshotBody, options.signers?.snapshot ?? keys.snapshot),
      );
      const timestampBody = new Timestamp({
        version: versions.timestamp,
        specVersion: SPEC,
        expires: inAWeek(options.expires?.timestamp),
        snapshotMeta: new MetaFile({ version: options.timestampNamesSnapshot ?? versions.snapshot }),
      });
      files.set("timestamp.json", signed(timestampBody, options.signers?.timestamp ?? keys.timestamp));
    },
  };
  repo.publishRoot();
  repo.publish();
  return repo;
}

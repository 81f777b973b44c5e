/**
 * SigningConfig v0.2 (`application/vnd.dev.sigstore.signingconfig.v0.2+json`):
 * which Fulcio, OIDC issuer, Rekor logs and timestamp authorities to sign
 * with, and the selection rules of the Sigstore client specification
 * (valid now, one per operator with the highest API version, then the
 * selector: ANY, ALL or EXACT count).
 *
 * @module
 */

import {
  jsonPath,
  JsonShapeError,
  parseJsonText,
  quote,
  readArray,
  readObject,
  readOptionalString,
  readString,
  readTimestamp,
} from "../encoding/mod.ts";
import { ConfigError, ParseError } from "../errors/mod.ts";
import type { ValidityPeriod } from "./types.ts";
import { isValidAt } from "./validity.ts";

/** One service endpoint. */
export interface Service {
  /** The service's URL */
  readonly url: string;
  /** Major API version the service speaks (Rekor: 1 or 2) */
  readonly majorApiVersion: number;
  /** When the service may be used */
  readonly validFor: ValidityPeriod;
  /** Who runs the service, or `""` when absent; one service per operator is used */
  readonly operator: string;
}

/** How many services of a kind to use. */
export interface ServiceSelector {
  /** Use one service (`ANY`), all of them (`ALL`) or `count` of them (`EXACT`) */
  readonly selector: "ANY" | "ALL" | "EXACT" | "SERVICE_SELECTOR_UNDEFINED";
  /** How many services `EXACT` asks for; 0 otherwise */
  readonly count: number;
}

/** A parsed SigningConfig. */
export interface SigningConfig {
  /** The signing config's media type */
  readonly mediaType: string;
  /** Fulcio certificate authorities */
  readonly caUrls: readonly Service[];
  /** OIDC identity providers */
  readonly oidcUrls: readonly Service[];
  /** Rekor transparency logs */
  readonly rekorTlogUrls: readonly Service[];
  /** How many Rekor logs to write to */
  readonly rekorTlogConfig: ServiceSelector;
  /** RFC 3161 timestamp authorities */
  readonly tsaUrls: readonly Service[];
  /** How many timestamp authorities to ask */
  readonly tsaConfig: ServiceSelector;
}

const MEDIA_TYPE = "application/vnd.dev.sigstore.signingconfig.v0.2+json";

/** Parses a SigningConfig v0.2 from a JSON value (`basePath` names it in errors). */
export function parseSigningConfig(json: unknown, basePath = ""): SigningConfig {
  try {
    const root = readObject(json, basePath);
    const mediaType = readString(root.mediaType, jsonPath(basePath, "mediaType"));
    if (mediaType !== MEDIA_TYPE) {
      throw new JsonShapeError(
        jsonPath(basePath, "mediaType"),
        `expected ${quote(MEDIA_TYPE)}, found ${quote(mediaType)}`,
      );
    }
    const services = (key: string) =>
      readArray(root[key], jsonPath(basePath, key), true).map((v, i) =>
        readService(v, jsonPath(jsonPath(basePath, key), i))
      );
    return {
      mediaType,
      caUrls: services("caUrls"),
      oidcUrls: services("oidcUrls"),
      rekorTlogUrls: services("rekorTlogUrls"),
      rekorTlogConfig: readSelector(root.rekorTlogConfig, jsonPath(basePath, "rekorTlogConfig")),
      tsaUrls: services("tsaUrls"),
      tsaConfig: readSelector(root.tsaConfig, jsonPath(basePath, "tsaConfig")),
    };
  } catch (e) {
    if (e instanceof JsonShapeError) {
      throw new ParseError("SIGNING_CONFIG_PARSE", `Malformed signing config at ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Parses SigningConfig JSON text. */
export function parseSigningConfigJson(text: string): SigningConfig {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonShapeError)) throw e;
    throw new ParseError("SIGNING_CONFIG_PARSE", `Signing config ${e.problem}`, { cause: e });
  }
  return parseSigningConfig(json);
}

function readService(value: unknown, path: string): Service {
  const s = readObject(value, path);
  const version = s.majorApiVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    throw new JsonShapeError(jsonPath(path, "majorApiVersion"), "expected a non-negative integer");
  }
  const vf = s.validFor === undefined ? {} : readObject(s.validFor, jsonPath(path, "validFor"));
  return {
    url: readString(s.url, jsonPath(path, "url")).replace(/\/+$/, ""),
    majorApiVersion: version,
    validFor: {
      start: vf.start === undefined ? undefined : readTimestamp(vf.start, jsonPath(path, "validFor.start")),
      end: vf.end === undefined || vf.end === null
        ? undefined
        : readTimestamp(vf.end, jsonPath(path, "validFor.end")),
    },
    operator: readOptionalString(s.operator, jsonPath(path, "operator")) ?? "",
  };
}

function readSelector(value: unknown, path: string): ServiceSelector {
  if (value === undefined || value === null) return { selector: "ANY", count: 0 };
  const c = readObject(value, path);
  const selector = readString(c.selector, jsonPath(path, "selector"));
  if (!["ANY", "ALL", "EXACT", "SERVICE_SELECTOR_UNDEFINED"].includes(selector)) {
    throw new JsonShapeError(jsonPath(path, "selector"), `unknown selector ${quote(selector)}`);
  }
  const count = c.count === undefined ? 0 : c.count;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
    throw new JsonShapeError(jsonPath(path, "count"), "expected a non-negative integer");
  }
  return { selector: selector as ServiceSelector["selector"], count };
}

/**
 * Selects services per the client specification: drop those with an API
 * version not in `supportedVersions` or not valid at `now`; keep, per
 * operator, the highest API version (first listed wins ties); then apply the
 * selector. Throws `ConfigError` when nothing usable remains.
 */
export function selectServices(
  what: string,
  services: readonly Service[],
  config: ServiceSelector | undefined,
  supportedVersions: readonly number[],
  now: Date,
): Service[] {
  const valid = services.filter((s) =>
    supportedVersions.includes(s.majorApiVersion) && isValidAt(s.validFor, now)
  );
  const byOperator = new Map<string, Service>();
  for (const s of valid) {
    const key = s.operator || s.url;
    const current = byOperator.get(key);
    if (current === undefined || s.majorApiVersion > current.majorApiVersion) byOperator.set(key, s);
  }
  const candidates = [...byOperator.values()];
  if (candidates.length === 0) {
    throw new ConfigError(
      "CONFIG",
      `Signing config has no ${what} service that is valid now with a supported API version (${
        supportedVersions.join(", ")
      })`,
    );
  }
  if (config === undefined) return [candidates[0]!];
  switch (config.selector) {
    case "ALL":
      return candidates;
    case "ANY":
      return [candidates[0]!];
    case "EXACT":
      if (candidates.length < config.count) {
        throw new ConfigError(
          "CONFIG",
          `Signing config asks for exactly ${config.count} ${what} services but only ${candidates.length} are usable`,
        );
      }
      return candidates.slice(0, config.count);
    default:
      throw new ConfigError("CONFIG", `Signing config leaves the ${what} selector undefined`);
  }
}

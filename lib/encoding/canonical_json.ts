/**
 * RFC 8785 JSON Canonicalization Scheme, for Rekor SET payloads and Rekor v2
 * entry bodies. Object keys are sorted by UTF-16 code units; strings and
 * numbers are serialised as ECMAScript `JSON.stringify` does, which is what
 * RFC 8785 §3.2.2 specifies.
 *
 * @module
 */

/** Serialises a JSON value in RFC 8785 canonical form. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("canonicalJson: non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`canonicalJson: unsupported value of type ${typeof value}`);
}

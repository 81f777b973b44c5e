/**
 * PEM armour (RFC 7468): the form of certificates in Rekor v1 bodies and in
 * Fulcio responses, and of public keys given on the command line.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "./base64.ts";

/** One PEM block: its label (`CERTIFICATE`, `PUBLIC KEY`) and DER bytes. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Decodes every PEM block in a text; blocks with bad base64 are reported as `undefined` DER. */
export function decodePem(text: string): PemBlock[] | undefined {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = match[2]!.replace(/\s+/g, "");
    const der = decodeBase64(body);
    if (der === undefined || der.length === 0) return undefined;
    blocks.push({ label: match[1]!, der });
  }
  return blocks;
}

/** Encodes DER bytes as one PEM block with 64-character lines. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = encodeBase64(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

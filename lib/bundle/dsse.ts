/**
 * DSSE pre-authentication encoding (PAE), the bytes a DSSE signature covers.
 *
 * @module
 */

import { concatBytes, utf8Encode } from "../encoding/mod.ts";

/** `PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths in bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8Encode(payloadType);
  return concatBytes(
    utf8Encode(`DSSEv1 ${type.length} `),
    type,
    utf8Encode(` ${payload.length} `),
    payload,
  );
}

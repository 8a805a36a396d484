import type { SecretKeyring } from "../crypto/secret-key.js";
import { createEndpointSigner, type EndpointSigner } from "./signing.js";

const MAX_CACHED = 1_000;

/**
 * Each endpoint's signer, opened once: unsealing the secret (AES-GCM) and decoding its key on
 * every delivery cost more than signing. Keyed by the sealed text as well, so a secret that
 * changes is opened anew. The secret stays in this process's memory, as it must to sign.
 */
export function createSignerCache(keyring: SecretKeyring): (endpointId: string, sealed: string) => EndpointSigner {
  const cache = new Map<string, { readonly sealed: string; readonly sign: EndpointSigner }>();
  return (endpointId, sealed) => {
    const known = cache.get(endpointId);
    if (known?.sealed === sealed) return known.sign;
    const sign = createEndpointSigner(keyring.box().open(sealed, endpointId));
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(endpointId, { sealed, sign });
    return sign;
  };
}

// The boundary cache's storage in R2 (see src/probes/needle/boundary-cache.ts for the format):
// objects under `boundaries/v1/<corpus version>/<tokenizer>/<characters>.bin`. Entries are
// immutable for their key (corpus versions and tokenizer fingerprints change with their content),
// so a concurrent double write stores the same bytes twice and is harmless.
import type { BoundaryStore } from "../probes/needle/boundary-cache";

export function r2BoundaryStore(bucket: R2Bucket): BoundaryStore {
  return {
    async get(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    async put(key, bytes) {
      await bucket.put(key, bytes, { httpMetadata: { contentType: "application/octet-stream" } });
    },
  };
}

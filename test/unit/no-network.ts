// Unit tests that parse URLs must never reach a host: global fetch throws for the file's duration, so a
// test that accidentally sends traffic fails loudly instead.
import { afterAll, beforeAll, vi } from "vitest";

export function forbidNetwork(): void {
  beforeAll(() => {
    vi.stubGlobal("fetch", () => {
      throw new Error("network access in a unit test");
    });
  });
  afterAll(() => vi.unstubAllGlobals());
}

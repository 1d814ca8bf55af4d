import { describe, expect, it } from "vitest";
import { promptWasCut } from "../../../src/probes/truncation";

describe("promptWasCut", () => {
  it("with agreeing tokenizers, a shortfall beyond 1 % is a cut; a BOS or template more is not", () => {
    expect(promptWasCut(4000, 2048, 1)).toBe(true);
    expect(promptWasCut(4000, 3950, 1)).toBe(true);
    expect(promptWasCut(4000, 3961, 1)).toBe(false);
    expect(promptWasCut(4000, 4009, 1)).toBe(false);
  });

  it("measures against the server's tokens per ours: a wrong tokenizer's constant ratio is not a cut", () => {
    expect(promptWasCut(4000, 3440, 0.86)).toBe(false);
    expect(promptWasCut(4000, 3300, 0.86)).toBe(false); // within 5 % of 3440
    expect(promptWasCut(4000, 3200, 0.86)).toBe(true);
    expect(promptWasCut(32000, 4096, 0.86)).toBe(true);
  });

  it("without a measured ratio, only a cut of more than half counts; without usage, nothing", () => {
    expect(promptWasCut(4000, 2100, null)).toBe(false);
    expect(promptWasCut(4000, 1999, null)).toBe(true);
    expect(promptWasCut(4000, null, 1)).toBe(false);
  });
});

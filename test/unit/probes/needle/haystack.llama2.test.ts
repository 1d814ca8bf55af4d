// The needle haystack in llama2 (./haystack-cases.ts).
import { haystackCases } from "./haystack-cases";

haystackCases("llama2");

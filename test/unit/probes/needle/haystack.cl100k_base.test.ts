// The needle haystack in cl100k_base (./haystack-cases.ts).
import { haystackCases } from "./haystack-cases";

haystackCases("cl100k_base");

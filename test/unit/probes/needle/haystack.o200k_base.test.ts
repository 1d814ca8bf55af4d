// The needle haystack in o200k_base (./haystack-cases.ts).
import { haystackCases } from "./haystack-cases";

haystackCases("o200k_base");

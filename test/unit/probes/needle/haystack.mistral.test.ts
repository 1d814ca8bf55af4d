// The needle haystack in mistral (./haystack-cases.ts).
import { haystackCases } from "./haystack-cases";

haystackCases("mistral");

// The paper's needle, question and buffer, verbatim (paper protocol §1.1). Re-exported by build.ts.

export const NEEDLE = "\nThe best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.\n";
export const RETRIEVAL_QUESTION = "What is the best thing to do in San Francisco?";
/** Tokens kept free at the end of each context length for the template and the answer. */
export const FINAL_CONTEXT_LENGTH_BUFFER = 200;

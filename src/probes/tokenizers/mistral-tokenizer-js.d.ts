// mistral-tokenizer-js ships no type declarations; this covers the part we use.
declare module "mistral-tokenizer-js" {
  interface MistralTokenizer {
    vocabById: string[];
    vocabByString: Map<string, number>;
    merges: Map<string, number>;
    encode(prompt: string, addBosToken?: boolean, addPrecedingSpace?: boolean, logPerformance?: boolean): number[];
    decode(tokenIds: number[], addBosToken?: boolean, addPrecedingSpace?: boolean): string;
  }
  const mistralTokenizer: MistralTokenizer;
  export default mistralTokenizer;
}

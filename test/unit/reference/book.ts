// A small hand-made book with multiple-choice questions whose answers it states plainly.

export const LIGHTHOUSE_BOOK = [
  "Chapter One.",
  "Mara kept the lighthouse on the island of Vell for thirty years.",
  "Every evening she climbed one hundred and twelve steps to light the lamp.",
  "Her only companion was a grey cat named Pepper.",
  "The supply boat came every second Tuesday, captained by a man named Oskar who always brought oranges.",
  "",
  "Chapter Two.",
  "One winter the lamp failed because the oil had frozen in the pipes.",
  "Mara warmed the pipes with hot stones from the kitchen stove, and the light shone again before midnight.",
  "In spring she planted blue tulips along the path to the cliff.",
].join("\n");

export const LIGHTHOUSE_QUESTIONS = [
  {
    question: "What was the name of Mara's cat?",
    options: ["Oskar", "Pepper", "Vell", "Tuesday"],
    answer: "B",
  },
  {
    question: "How did Mara fix the frozen lamp?",
    options: ["She called the supply boat", "She bought a new lamp", "She warmed the pipes with hot stones", "She waited for spring"],
    answer: "C",
  },
  {
    question: "How many steps did Mara climb each evening?",
    options: ["Twelve", "Thirty", "Fifty", "One hundred and twelve"],
    answer: "D",
  },
  {
    question: "What did the captain of the supply boat always bring?",
    options: ["Oranges", "Letters", "Oil", "Tulips"],
    answer: "A",
  },
] as const;

// Hand-written questions over Moby-Dick, in terms of the ORIGINAL text (original names). The
// dataset exposed by builtin.ts passes everything through the entity substitution.
// Every `evidence` is copied verbatim from the book (checked by tests) and starts/ends on word
// boundaries so that it stays a verbatim passage after substitution. Questions are single-line
// and avoid the literal "Question:" so the prompt parsers used by reference models can split them.

import type { ChoiceLetter } from "./types";

interface QuestionBase {
  id: string;
  chapter: number;
  question: string;
  evidence: string;
}

export interface ShortAnswerQuestion extends QuestionBase {
  kind: "qa";
  /** 1–3 gold answers; the first is the one the paper's recall metric uses. */
  answers: string[];
}

export interface MultipleChoiceQuestion extends QuestionBase {
  kind: "mc";
  options: [string, string, string, string];
  correct: ChoiceLetter;
}

export type RawQuestion = ShortAnswerQuestion | MultipleChoiceQuestion;

export const SHORT_ANSWER_QUESTIONS: readonly ShortAnswerQuestion[] = [
  {
    kind: "qa", id: "qa-01", chapter: 1,
    question: "What name does the narrator ask the reader to call him?",
    answers: ["Ishmael"],
    evidence: "Call me Ishmael.",
  },
  {
    kind: "qa", id: "qa-02", chapter: 2,
    question: "What is the name of the inn, kept by Peter Coffin, where the narrator seeks lodging in New Bedford?",
    answers: ["The Spouter Inn", "Spouter-Inn"],
    evidence: `these words underneath—"The Spouter Inn:—Peter Coffin."`,
  },
  {
    kind: "qa", id: "qa-03", chapter: 3,
    question: "What had the harpooneer been selling around town on the night the narrator arrived at the inn?",
    answers: ["embalmed New Zealand heads", "human heads"],
    evidence:
      "this here harpooneer I have been tellin' you of has just arrived from the south seas, where he bought up a lot of 'balmed New Zealand heads (great curios, you know), and he's sold all on 'em but one",
  },
  {
    kind: "qa", id: "qa-04", chapter: 9,
    question: "Which biblical prophet is the subject of Father Mapple's sermon in the Whaleman's Chapel?",
    answers: ["Jonah"],
    evidence: `"Beloved shipmates, clinch the last verse of the first chapter of Jonah—'And God had prepared a great fish to swallow up Jonah.'"`,
  },
  {
    kind: "qa", id: "qa-05", chapter: 12,
    question: "Of which island was Queequeg a native?",
    answers: ["Rokovoko"],
    evidence: "Queequeg was a native of Rokovoko, an island far away to the West and South.",
  },
  {
    kind: "qa", id: "qa-06", chapter: 13,
    question: "In which town did Queequeg see the first wheelbarrow he had ever seen?",
    answers: ["Sag Harbor"],
    evidence: "he told me a funny story about the first wheelbarrow he had ever seen. It was in Sag Harbor.",
  },
  {
    kind: "qa", id: "qa-07", chapter: 15,
    question: "What is the name of the Nantucket inn kept by Hosea Hussey, famous for its chowders?",
    answers: ["the Try Pots", "Try Pots"],
    evidence:
      "his cousin Hosea Hussey of the Try Pots, whom he asserted to be the proprietor of one of the best kept hotels in all Nantucket",
  },
  {
    kind: "qa", id: "qa-08", chapter: 16,
    question: "Which lay (share of the voyage's profits) does Bildad first propose to give the narrator?",
    answers: ["the seven hundred and seventy-seventh lay", "777th lay"],
    evidence: `"the seven hundred and seventy-seventh wouldn't be too much, would it?`,
  },
  {
    kind: "qa", id: "qa-09", chapter: 16,
    question: "What is the name of Queequeg's black little god, whom he consults before choosing a ship?",
    answers: ["Yojo"],
    evidence: "Queequeg now gave me to understand, that he had been diligently consulting Yojo—the name of his black little god",
  },
  {
    kind: "qa", id: "qa-10", chapter: 18,
    question: "Which lay does Peleg offer Queequeg after seeing him throw his harpoon?",
    answers: ["the ninetieth lay", "ninetieth"],
    evidence:
      "Look ye, Quohog, we'll give ye the ninetieth lay, and that's more than ever was given a harpooneer yet out of Nantucket.",
  },
  {
    kind: "qa", id: "qa-11", chapter: 19,
    question: "What name does the ragged old sailor who warns the narrator and Queequeg about their ship give when asked?",
    answers: ["Elijah"],
    evidence:
      "Elijah! thought I, and we walked away, both commenting, after each other's fashion, upon this ragged old sailor",
  },
  {
    kind: "qa", id: "qa-12", chapter: 27,
    question: "Where was Flask, the third mate, a native of?",
    answers: ["Tisbury, in Martha's Vineyard", "Tisbury", "Martha's Vineyard"],
    evidence: "The third mate was Flask, a native of Tisbury, in Martha's Vineyard.",
  },
  {
    kind: "qa", id: "qa-13", chapter: 28,
    question: "From what had Ahab's artificial leg been fashioned at sea?",
    answers: ["the polished bone of the sperm whale's jaw", "sperm whale jaw bone"],
    evidence: "this ivory leg had at sea been fashioned from the polished bone of the sperm whale's jaw.",
  },
  {
    kind: "qa", id: "qa-14", chapter: 36,
    question: "What is the gold coin that Ahab nails to the mainmast worth?",
    answers: ["sixteen dollars", "a sixteen dollar piece"],
    evidence: `d'ye see this Spanish ounce of gold?"—holding up a broad bright coin to the sun—"it is a sixteen dollar piece, men.`,
  },
  {
    kind: "qa", id: "qa-15", chapter: 42,
    question: "What quality of the White Whale does the narrator say above all things appalled him?",
    answers: ["its whiteness", "whiteness"],
    evidence: "It was the whiteness of the whale that above all things appalled me.",
  },
  {
    kind: "qa", id: "qa-16", chapter: 51,
    question: "Who first descried the silvery jet, seen by moonlight far ahead of the ship, that came to be called the spirit-spout?",
    answers: ["Fedallah", "the Parsee"],
    evidence:
      "Lit up by the moon, it looked celestial; seemed some plumed and glittering god uprising from the sea. Fedallah first descried this jet.",
  },
  {
    kind: "qa", id: "qa-17", chapter: 54,
    question: "In which city did the narrator once tell the Town-Ho's story to a circle of Spanish friends?",
    answers: ["Lima"],
    evidence: "I shall preserve the style in which I once narrated it at Lima, to a lounging circle of my Spanish friends",
  },
  {
    kind: "qa", id: "qa-18", chapter: 59,
    question: "What was the vast pulpy cream-coloured mass with long radiating arms that the boats chased, hoping it was the White Whale?",
    answers: ["the great live squid", "a giant squid", "squid"],
    evidence:
      `"The great live squid, which, they say, few whale-ships ever beheld, and returned to their ports to tell of it."`,
  },
  {
    kind: "qa", id: "qa-19", chapter: 64,
    question: "Whom does Stubb send with a lantern to preach to the sharks?",
    answers: ["Fleece", "old Fleece, the cook", "the cook"],
    evidence: `go and preach to 'em!"\n\nSullenly taking the offered lantern, old Fleece limped across the deck to the bulwarks`,
  },
  {
    kind: "qa", id: "qa-20", chapter: 71,
    question: "What is the name of the captain of the Jeroboam?",
    answers: ["Mayhew", "Captain Mayhew"],
    evidence:
      "It turned out that the Jeroboam had a malignant epidemic on board, and that Mayhew, her captain, was fearful of infecting the Pequod's company.",
  },
  {
    kind: "qa", id: "qa-21", chapter: 81,
    question: "What has the captain of the German ship Jungfrau run out of, so that he rows over to the Pequod begging?",
    answers: ["oil", "lamp oil"],
    evidence: `"it's a lamp-feeder and an oil-can. He's out of oil, and has come a-begging."`,
  },
  {
    kind: "qa", id: "qa-22", chapter: 89,
    question: "According to the first law of the whale fishery, to whom does a Fast-Fish belong?",
    answers: ["the party fast to it", "whoever is fast to it"],
    evidence: "I. A Fast-Fish belongs to the party fast to it.",
  },
  {
    kind: "qa", id: "qa-23", chapter: 91,
    question: "What valuable substance does Stubb dig out of the blasted whale alongside the Rose-bud?",
    answers: ["ambergris"],
    evidence: "And this, good friends, is ambergris, worth a gold guinea an ounce to any druggist.",
  },
  {
    kind: "qa", id: "qa-24", chapter: 100,
    question: "What is the name of the surgeon of the Samuel Enderby?",
    answers: ["Bunger", "Dr. Bunger", "Jack Bunger"],
    evidence: "Dr. Bunger, ship's surgeon: Bunger, my lad,—the captain",
  },
  {
    kind: "qa", id: "qa-25", chapter: 113,
    question: "In what is the barbed harpoon forged for the White Whale tempered?",
    answers: ["the harpooneers' blood", "blood"],
    evidence:
      `Three punctures were made in the heathen flesh, and the White Whale's barbs were then tempered.\n\n"Ego non baptizo te in nomine patris, sed in nomine diaboli!" deliriously howled Ahab, as the malignant iron scorchingly devoured the baptismal blood.`,
  },
  {
    kind: "qa", id: "qa-26", chapter: 117,
    question: "According to the Parsee's last pledge to Ahab, what alone can kill him?",
    answers: ["hemp"],
    evidence: `"Take another pledge, old man," said the Parsee, as his eyes lighted up like fire-flies in the gloom—"Hemp only can kill thee."`,
  },
  {
    kind: "qa", id: "qa-27", chapter: 118,
    question: "What navigational instrument does Ahab curse and dash to the deck?",
    answers: ["the quadrant", "quadrant"],
    evidence: `Curse thee, thou quadrant!" dashing it to the deck`,
  },
  {
    kind: "qa", id: "qa-28", chapter: 128,
    question: "How old is the missing son whom the captain of the Rachel begs Ahab to help search for?",
    answers: ["twelve years old", "twelve"],
    evidence: "his one yet missing boy; a little lad, but twelve years old",
  },
  {
    kind: "qa", id: "qa-29", chapter: 135,
    question: "What bird, pecking at the flag, is caught between Tashtego's hammer and the mast as the ship goes down?",
    answers: ["a sky-hawk", "sky-hawk", "hawk"],
    evidence:
      "A sky-hawk that tauntingly had followed the main-truck downwards from its natural home among the stars, pecking at the flag, and incommoding Tashtego there",
  },
];

export const MULTIPLE_CHOICE_QUESTIONS: readonly MultipleChoiceQuestion[] = [
  {
    kind: "mc", id: "mc-01", chapter: 8,
    question: "How does Father Mapple get into his pulpit?",
    options: [
      "He climbs a perpendicular side ladder and then draws it up after him",
      "He walks up a curving staircase of whale bone",
      "He is hoisted up in a whale-boat by tackles",
      "He steps up from the front pew on a wooden box",
    ],
    correct: "A",
    evidence:
      "Father Mapple after gaining the height, slowly turn round, and stooping over the pulpit, deliberately drag up the ladder step by step, till the whole was deposited within",
  },
  {
    kind: "mc", id: "mc-02", chapter: 13,
    question: "What did Queequeg do with the first wheelbarrow he was ever lent?",
    options: [
      "He broke it up for firewood",
      "He put his chest on it, lashed it fast, and carried the barrow on his shoulder",
      "He used it as a bed for the night",
      "He sold it to a barber",
    ],
    correct: "B",
    evidence: "Queequeg puts his chest upon it; lashes it fast; and then shoulders the barrow and marches up the wharf.",
  },
  {
    kind: "mc", id: "mc-03", chapter: 15,
    question: "What choice does Mrs. Hussey put to the narrator and Queequeg when they sit down to supper?",
    options: ["Beef or mutton", "Tea or coffee", "Clam or cod", "Whale steak or biscuit"],
    correct: "C",
    evidence: `"Clam or Cod?" she repeated.`,
  },
  {
    kind: "mc", id: "mc-04", chapter: 16,
    question: "After what was the Pequod named?",
    options: [
      "A famous Nantucket whaling captain",
      "A star used by sailors to steer",
      "A shipyard on Martha's Vineyard",
      "A celebrated tribe of Massachusetts Indians, now extinct",
    ],
    correct: "D",
    evidence:
      "Pequod, you will no doubt remember, was the name of a celebrated tribe of Massachusetts Indians; now extinct as the ancient Medes.",
  },
  {
    kind: "mc", id: "mc-05", chapter: 16,
    question: "What is the Pequod's tiller made of?",
    options: [
      "The long narrow lower jaw of a whale",
      "Mahogany from the West Indies",
      "Iron from a captured cannon",
      "Oak taken from an old church",
    ],
    correct: "A",
    evidence: "that tiller was in one mass, curiously carved from the long narrow lower jaw of her hereditary foe.",
  },
  {
    kind: "mc", id: "mc-06", chapter: 18,
    question: "How does Queequeg prove his skill to the Pequod's owners?",
    options: [
      "He harpoons a shark alongside the wharf",
      "He darts his harpoon across the deck and strikes a small drop of tar on the water",
      "He splits a barrel hoop thrown in the air",
      "He shows them the scars from a hundred whales",
    ],
    correct: "B",
    evidence:
      "he darted the iron right over old Bildad's broad brim, clean across the ship's decks, and struck the glistening tar spot out of sight.",
  },
  {
    kind: "mc", id: "mc-07", chapter: 27,
    question: "Where was Stubb, the second mate, a native of?",
    options: ["Nantucket", "New Bedford", "Cape Cod", "Sag Harbor"],
    correct: "C",
    evidence: "Stubb was the second mate. He was a native of Cape Cod",
  },
  {
    kind: "mc", id: "mc-08", chapter: 27,
    question: "Which harpooneer is Stubb's squire?",
    options: ["Queequeg", "Daggoo", "Fedallah", "Tashtego"],
    correct: "D",
    evidence: "Tashtego was Stubb the second mate's squire.",
  },
  {
    kind: "mc", id: "mc-09", chapter: 30,
    question: "What does Ahab do with his pipe when he decides that smoking no longer soothes him?",
    options: [
      "He tosses it, still lighted, into the sea",
      "He gives it to Stubb",
      "He breaks it over the capstan",
      "He locks it away in his cabin",
    ],
    correct: "A",
    evidence: "He tossed the still lighted pipe into the sea.",
  },
  {
    kind: "mc", id: "mc-10", chapter: 31,
    question: "In the dream Stubb tells Flask about, what does Ahab kick him with?",
    options: ["His boot", "His ivory leg", "A harpoon pole", "A coil of rope"],
    correct: "B",
    evidence: "You know the old man's ivory leg, well I dreamed he kicked me with it",
  },
  {
    kind: "mc", id: "mc-11", chapter: 36,
    question: "On the quarter-deck, how does Tashtego show he knows the white whale Ahab describes?",
    options: [
      "He says the whale has a black spot between its eyes",
      "He says the whale sings at night",
      "He asks whether the whale fan-tails a little curious before he goes down",
      "He says the whale once sank his father's canoe",
    ],
    correct: "C",
    evidence: `"Does he fan-tail a little curious, sir, before he goes down?" said the Gay-Header deliberately.`,
  },
  {
    kind: "mc", id: "mc-12", chapter: 41,
    question: "By what prominent features could Moby Dick be recognised at a long distance?",
    options: [
      "A broken tail fluke and a red eye",
      "An unusually short, low spout",
      "A black stripe running along his back",
      "A peculiar snow-white wrinkled forehead and a high, pyramidical white hump",
    ],
    correct: "D",
    evidence:
      "a peculiar snow-white wrinkled forehead, and a high, pyramidical white hump. These were his prominent features",
  },
  {
    kind: "mc", id: "mc-13", chapter: 47,
    question: "What are the narrator and Queequeg making together just before the first whales are sighted?",
    options: ["A sword-mat", "A new oar", "A harpoon line", "A hammock"],
    correct: "A",
    evidence: "Queequeg and I were mildly employed weaving what is called a sword-mat, for an additional lashing to our boat.",
  },
  {
    kind: "mc", id: "mc-14", chapter: 54,
    question: "What becomes of Radney, the mate of the Town-Ho?",
    options: [
      "He is hanged for mutiny",
      "He is destroyed by Moby Dick",
      "He deserts the ship at Tahiti",
      "He becomes captain of the Town-Ho",
    ],
    correct: "B",
    evidence:
      "Moby Dick rose again, with some tatters of Radney's red woollen shirt, caught in the teeth that had destroyed him.",
  },
  {
    kind: "mc", id: "mc-15", chapter: 71,
    question: "Whom does the crazed young man aboard the Jeroboam announce himself to be?",
    options: ["The ship's true captain", "A prince of the Indies", "The archangel Gabriel", "The prophet Jonah"],
    correct: "C",
    evidence: "He announced himself as the archangel Gabriel, and commanded the captain to jump overboard.",
  },
  {
    kind: "mc", id: "mc-16", chapter: 72,
    question: "What ties the narrator to Queequeg while Queequeg works on the whale alongside the ship?",
    options: [
      "A chain fastened to the mast",
      "A harpoon line tied to the windlass",
      "Nothing; he holds Queequeg's hand",
      "A monkey-rope fast to both their belts",
    ],
    correct: "D",
    evidence:
      "the monkey-rope was fast at both ends; fast to Queequeg's broad canvas belt, and fast to my narrow leather one.",
  },
  {
    kind: "mc", id: "mc-17", chapter: 73,
    question: "What kind of whale do Stubb and Flask kill while the sperm whale's head still hangs at the ship's side?",
    options: ["A right whale", "A narwhal", "A killer whale", "A fin-back"],
    correct: "A",
    evidence: "the announcement was made that a Right Whale should be captured that day, if opportunity offered.",
  },
  {
    kind: "mc", id: "mc-18", chapter: 78,
    question: "Who rescues Tashtego after he falls into the sperm whale's head?",
    options: ["Daggoo", "Queequeg", "Starbuck", "Ahab"],
    correct: "B",
    evidence:
      "through the courage and great skill in obstetrics of Queequeg, the deliverance, or rather, delivery of Tashtego, was successfully accomplished",
  },
  {
    kind: "mc", id: "mc-19", chapter: 90,
    question: "Under the old law of England described in the book, how is a whale captured on its coast divided?",
    options: [
      "The finder keeps it all",
      "The Church takes a tenth",
      "The King has the head and the Queen the tail",
      "It is split evenly among the crew",
    ],
    correct: "C",
    evidence:
      "the King, as Honourary Grand Harpooneer, must have the head, and the Queen be respectfully presented with the tail.",
  },
  {
    kind: "mc", id: "mc-20", chapter: 93,
    question: "How does Pip come to be left alone on the open sea?",
    options: [
      "He falls from the mast-head during a storm",
      "He is marooned as a punishment",
      "His boat is stove by a whale",
      "He jumps from Stubb's boat a second time and is left behind",
    ],
    correct: "D",
    evidence:
      "But we are all in the hands of the Gods; and Pip jumped again. It was under very similar circumstances to the first performance; but this time he did not breast out the line; and hence, when the whale started to run, Pip was left behind on the sea",
  },
  {
    kind: "mc", id: "mc-21", chapter: 99,
    question: "What country's name is stamped around the border of the Pequod's doubloon?",
    options: ["Ecuador", "Spain", "Mexico", "Peru"],
    correct: "A",
    evidence: "On its round border it bore the letters, REPUBLICA DEL ECUADOR: QUITO.",
  },
  {
    kind: "mc", id: "mc-22", chapter: 100,
    question: "What did the captain of the Samuel Enderby lose to the White Whale?",
    options: ["A leg", "An arm", "An eye", "His ship"],
    correct: "B",
    evidence:
      `"Hast seen the White Whale!"\n\n"See you this?" and withdrawing it from the folds that had hidden it, he held up a white arm of sperm whale bone, terminating in a wooden head like a mallet.`,
  },
  {
    kind: "mc", id: "mc-23", chapter: 110,
    question: "When Queequeg believes he is dying, what kind of burial does he ask for?",
    options: [
      "To be sewn into his hammock and dropped into the sea",
      "To be buried ashore on the next island",
      "To be laid in a coffin-canoe like those of Nantucket",
      "To be burned on deck",
    ],
    correct: "C",
    evidence:
      "No: he desired a canoe like those of Nantucket, all the more congenial to him, being a whaleman, that like a whale-boat these coffin-canoes were without a keel",
  },
  {
    kind: "mc", id: "mc-24", chapter: 123,
    question: "During the night after the typhoon, what does Starbuck hold against the door of Ahab's cabin?",
    options: ["A lantern", "A harpoon", "A lance", "A loaded musket"],
    correct: "D",
    evidence: "he placed the loaded musket's end against the door.",
  },
  {
    kind: "mc", id: "mc-25", chapter: 124,
    question: "What does Ahab discover about the ship's compasses after the storm?",
    options: [
      "They point East while the ship is going West",
      "They have been stolen from the binnacle",
      "Their glass is broken by hail",
      "They spin without stopping",
    ],
    correct: "A",
    evidence: "the two compasses pointed East, and the Pequod was as infallibly going West.",
  },
  {
    kind: "mc", id: "mc-26", chapter: 126,
    question: "What is made into the ship's new life-buoy after the old one sinks?",
    options: ["A spare water cask", "Queequeg's coffin", "An empty oil barrel", "A hatch cover"],
    correct: "B",
    evidence: `Queequeg hinted a hint concerning his coffin.\n\n"A life-buoy of a coffin!" cried Starbuck, starting.`,
  },
  {
    kind: "mc", id: "mc-27", chapter: 133,
    question: "On the first day of the chase, who first raises the cry that Moby Dick is in sight?",
    options: ["Tashtego", "Daggoo", "Ahab, while being hoisted to the main royal-mast head", "Starbuck"],
    correct: "C",
    evidence:
      `"What d'ye see?" cried Ahab, flattening his face to the sky.\n\n"Nothing, nothing sir!" was the sound hailing down in reply.\n\n"T'gallant sails!—stunsails! alow and aloft, and on both sides!"\n\nAll sail being set, he now cast loose the life-line, reserved for swaying him to the main royal-mast head; and in a few moments they were hoisting him thither, when, while but two thirds of the way aloft, and while peering ahead through the horizontal vacancy between the main-top-sail and top-gallant-sail, he raised a gull-like cry in the air. "There she blows!—there she blows! A hump like a snow-hill! It is Moby Dick!"`,
  },
  {
    kind: "mc", id: "mc-28", chapter: 135,
    question: "What is seen lashed to the whale's back on the third day of the chase?",
    options: [
      "Ahab's broken ivory leg",
      "A tangle of broken oars",
      "The Pequod's red flag",
      "The half torn body of the Parsee",
    ],
    correct: "D",
    evidence:
      "Lashed round and round to the fish's back; pinioned in the turns upon turns in which, during the past night, the whale had reeled the involutions of the lines around him, the half torn body of the Parsee was seen",
  },
  {
    kind: "mc", id: "mc-29", chapter: 135,
    question: "How does Ahab die?",
    options: [
      "A flying turn of the harpoon line catches him round the neck and he is shot out of the boat",
      "He is crushed between the whale's jaws",
      "He goes down with the Pequod on the quarter-deck",
      "He is struck by lightning at the mast",
    ],
    correct: "A",
    evidence:
      "the flying turn caught him round the neck, and voicelessly as Turkish mutes bowstring their victim, he was shot out of the boat",
  },
];

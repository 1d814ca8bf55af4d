// The built-in multiple-choice SMOKE TEST set, so the MMLU-format suite runs with no import.
//
// THIS IS NOT MMLU. Every question below was written for ctxprobe; none is drawn from MMLU
// (Hendrycks et al. 2021) or any other published question bank. It borrows only MMLU's format
// (four options, 5 dev examples per subject for few-shot prompts) and eight of MMLU's subject ids,
// so the stem / humanities / social_sciences / other grouping of groups.ts applies to it.
// Questions are general-knowledge, high-school level, about stable facts. A score on this set
// says the pipeline works end to end; it is no measure of a model's knowledge and must never be
// reported as an MMLU score.
//
// The right answer's position is placed by hand so that across the 112 test questions each letter
// is right exactly 28 times (25 %); a model that always answers one letter scores 25 %, not more.

import { CHOICE_LETTERS, type ChoiceLetter, type LoadedMcDataset, type McItem } from "./types";

export const SMOKE_SET_ID = "ctxprobe-smoke-mc";
/** Bump when any question, option or answer changes: runs pin `smoke-${version}` as the revision. */
export const SMOKE_SET_VERSION = "1";
export const SMOKE_SET_DESCRIPTION =
  "ctxprobe smoke test: 112 four-option questions (plus 40 few-shot dev examples) in 8 MMLU subjects, " +
  "written for ctxprobe to check that the MMLU-format suite runs end to end. NOT MMLU, and not drawn " +
  "from MMLU or any other published question bank; its scores are not MMLU scores.";

/** [question, the four options in the order shown, the right option's letter]. */
type Row = readonly [question: string, choices: readonly [string, string, string, string], answer: ChoiceLetter];

interface SubjectBlock {
  subject: string;
  dev: readonly Row[];
  test: readonly Row[];
}

const BLOCKS: readonly SubjectBlock[] = [
  {
    subject: "astronomy",
    dev: [
      ["Which planet is closest to the Sun?", ["Mercury", "Venus", "Earth", "Mars"], "A"],
      ["What is the name of the galaxy that contains our Solar System?", ["Andromeda", "Triangulum", "The Milky Way", "The Large Magellanic Cloud"], "C"],
      ["Roughly how long does light from the Sun take to reach Earth?", ["About 8 seconds", "About 1 hour", "About 1 day", "About 8 minutes"], "D"],
      ["What causes the phases of the Moon?", ["Earth's shadow falling on the Moon", "How much of the Moon's sunlit half is visible from Earth", "Changes in the Moon's distance from Earth", "Clouds in the Moon's atmosphere"], "B"],
      ["Which is the largest planet in the Solar System?", ["Jupiter", "Saturn", "Neptune", "Earth"], "A"],
    ],
    test: [
      ["Which planet is known for a bright ring system that is easy to see in a small telescope?", ["Mars", "Saturn", "Venus", "Mercury"], "B"],
      ["What is the main source of the Sun's energy?", ["Chemical burning of carbon", "Radioactive decay of uranium", "Friction between layers of gas", "Nuclear fusion of hydrogen into helium"], "D"],
      ["About how long does the Moon take to complete one orbit of Earth relative to the stars?", ["About 27 days", "About 7 days", "About 365 days", "About 24 hours"], "A"],
      ["Which planet is often called the Red Planet?", ["Jupiter", "Venus", "Mars", "Neptune"], "C"],
      ["What does a light-year measure?", ["Distance", "Time", "Brightness", "Mass"], "A"],
      ["Why does Earth have seasons?", ["Its distance from the Sun changes greatly during the year", "Its rotation axis is tilted relative to its orbit", "The Sun's output rises and falls each year", "The Moon blocks some sunlight in winter"], "B"],
      ["What is the boundary around a black hole beyond which nothing, not even light, can escape?", ["The photosphere", "The corona", "The heliopause", "The event horizon"], "D"],
      ["Which kind of object is made mostly of ice and dust and grows a glowing tail when it passes near the Sun?", ["An asteroid", "A neutron star", "A comet", "A brown dwarf"], "C"],
      ["In 2006 the International Astronomical Union reclassified which body as a dwarf planet?", ["Mercury", "Pluto", "Europa", "Titan"], "B"],
      ["According to Kepler's first law, what shape are the planets' orbits around the Sun?", ["Ellipses", "Perfect circles", "Parabolas", "Spirals"], "A"],
      ["Which planet spins on its side, with its axis tilted by about 98 degrees?", ["Venus", "Jupiter", "Uranus", "Mercury"], "C"],
      ["Which planet has the hottest average surface temperature?", ["Mercury", "Mars", "Earth", "Venus"], "D"],
      ["What force keeps the planets in orbit around the Sun?", ["Gravity", "Magnetism", "Friction", "The strong nuclear force"], "A"],
      ["What is a massive star's violent explosion, which can briefly outshine its whole galaxy, called?", ["A red giant", "A supernova", "A white dwarf", "A nebula"], "B"],
    ],
  },
  {
    subject: "high_school_biology",
    dev: [
      ["Which molecule carries the genetic instructions in most living organisms?", ["Glucose", "DNA", "Cholesterol", "Hemoglobin"], "B"],
      ["Which organelle is the site of photosynthesis in plant cells?", ["The nucleus", "The ribosome", "The mitochondrion", "The chloroplast"], "D"],
      ["What is the basic structural and functional unit of all living things?", ["The cell", "The atom", "The organ", "The tissue"], "A"],
      ["Which blood cells carry oxygen around the human body?", ["White blood cells", "Platelets", "Red blood cells", "Plasma cells"], "C"],
      ["How many chromosomes does a typical human body cell contain?", ["23", "46", "48", "92"], "B"],
    ],
    test: [
      ["Which organelle produces most of a cell's ATP through cellular respiration?", ["The Golgi apparatus", "The lysosome", "The vacuole", "The mitochondrion"], "D"],
      ["Which four bases are found in DNA?", ["Adenine, thymine, guanine and cytosine", "Adenine, uracil, guanine and cytosine", "Alanine, thymine, glycine and cysteine", "Adenine, thymine, glucose and cytosine"], "A"],
      ["Which gas do plants take in from the air to use in photosynthesis?", ["Oxygen", "Nitrogen", "Carbon dioxide", "Hydrogen"], "C"],
      ["Which type of cell division produces gametes such as sperm and egg cells?", ["Mitosis", "Meiosis", "Binary fission", "Budding"], "B"],
      ["Which scientist is best known for the theory of evolution by natural selection?", ["Gregor Mendel", "Louis Pasteur", "Charles Darwin", "Robert Hooke"], "C"],
      ["What is an organism with two different alleles of a gene for a trait called?", ["Homozygous", "Haploid", "Recessive", "Heterozygous"], "D"],
      ["Which rigid layer made mainly of cellulose surrounds plant cells but not animal cells?", ["The cell wall", "The cell membrane", "The cytoplasm", "The nucleolus"], "A"],
      ["Most enzymes are made of which kind of molecule?", ["Lipids", "Carbohydrates", "Proteins", "Minerals"], "C"],
      ["What is the job of ribosomes in a cell?", ["Storing water", "Making proteins", "Digesting waste", "Copying the cell membrane"], "B"],
      ["Which organisms are the producers at the base of most food chains on land?", ["Fungi", "Herbivores", "Decomposers", "Green plants"], "D"],
      ["In which organ does most absorption of nutrients from digested food take place in humans?", ["The small intestine", "The stomach", "The large intestine", "The esophagus"], "A"],
      ["What is the term for an organism keeping a stable internal environment?", ["Metabolism", "Mutation", "Homeostasis", "Pollination"], "C"],
      ["What is the movement of water across a selectively permeable membrane called?", ["Photosynthesis", "Transcription", "Respiration", "Osmosis"], "D"],
      ["To which kingdom do mushrooms belong?", ["Plantae", "Fungi", "Animalia", "Protista"], "B"],
    ],
  },
  {
    subject: "world_religions",
    dev: [
      ["What is the holy book of Islam?", ["The Torah", "The Vedas", "The Quran", "The Tripitaka"], "C"],
      ["In which city is the Kaaba located?", ["Mecca", "Medina", "Jerusalem", "Cairo"], "A"],
      ["Siddhartha Gautama is regarded as the founder of which religion?", ["Hinduism", "Jainism", "Sikhism", "Buddhism"], "D"],
      ["What is the Jewish day of rest, kept from Friday evening to Saturday evening, called?", ["Passover", "Shabbat", "Hanukkah", "Yom Kippur"], "B"],
      ["Which religion was founded by Guru Nanak?", ["Jainism", "Zoroastrianism", "Shinto", "Sikhism"], "D"],
    ],
    test: [
      ["Which Christian holiday celebrates the resurrection of Jesus?", ["Easter", "Christmas", "Pentecost", "Epiphany"], "A"],
      ["The Four Noble Truths are a central teaching of which religion?", ["Hinduism", "Judaism", "Buddhism", "Islam"], "C"],
      ["What is the Islamic month of fasting from dawn to sunset called?", ["Hajj", "Eid", "Shawwal", "Ramadan"], "D"],
      ["Shinto is the native religious tradition of which country?", ["China", "Japan", "Korea", "Vietnam"], "B"],
      ["In Hinduism, what is the cycle of birth, death and rebirth called?", ["Samsara", "Moksha", "Dharma", "Ahimsa"], "A"],
      ["In Judaism, what are the first five books of the Hebrew Bible together called?", ["The Talmud", "The Gospels", "The Torah", "The Psalms"], "C"],
      ["Where is the seat of the Pope and the central government of the Roman Catholic Church?", ["Istanbul", "Vatican City", "Jerusalem", "Geneva"], "B"],
      ["Which of these is one of the Five Pillars of Islam?", ["Baptism", "Meditating on koans", "Resting on Saturday", "Giving alms (zakat)"], "D"],
      ["What is the holy scripture of Sikhism called?", ["The Guru Granth Sahib", "The Bhagavad Gita", "The Avesta", "The Analects"], "A"],
      ["Which Hindu festival of lights is celebrated with oil lamps and fireworks?", ["Holi", "Ramadan", "Diwali", "Vesak"], "C"],
      ["Confucianism grew from the teachings of a philosopher from which country?", ["India", "Japan", "Persia", "China"], "D"],
      ["Which Christian rite uses water to mark a person's entry into the Church?", ["Baptism", "Confirmation", "Communion", "Confession"], "A"],
      ["Zoroastrianism arose in which ancient land?", ["Egypt", "Persia", "Greece", "Mexico"], "B"],
      ["Which principle is most strongly emphasized in Jainism?", ["Predestination", "Ancestor veneration", "Non-violence toward all living beings", "Holy war"], "C"],
    ],
  },
  {
    subject: "high_school_world_history",
    dev: [
      ["In which country were the ancient pyramids of Giza built?", ["Egypt", "Mexico", "Peru", "Iraq"], "A"],
      ["Who was the first emperor of Rome?", ["Julius Caesar", "Augustus", "Nero", "Constantine"], "B"],
      ["In what year did World War II end?", ["1918", "1939", "1945", "1950"], "C"],
      ["Which empire built Machu Picchu?", ["The Aztec Empire", "The Maya", "The Olmecs", "The Inca Empire"], "D"],
      ["Which wall fell in 1989, a symbol of the end of Europe's Cold War division?", ["The Great Wall of China", "Hadrian's Wall", "The Berlin Wall", "The Western Wall"], "C"],
    ],
    test: [
      ["Which 15th-century invention associated with Johannes Gutenberg made books far more available in Europe?", ["The movable-type printing press", "The telescope", "The steam engine", "The magnetic compass"], "A"],
      ["In which country did the Industrial Revolution begin in the 18th century?", ["France", "The United States", "Germany", "Great Britain"], "D"],
      ["Which early civilization arose in Mesopotamia, between the Tigris and Euphrates rivers?", ["The Aztecs", "The Sumerians", "The Mughals", "The Incas"], "B"],
      ["Who founded the Mongol Empire and led its first great conquests in the early 13th century?", ["Attila", "Suleiman the Magnificent", "Genghis Khan", "Charlemagne"], "C"],
      ["Which event in 1914 set off the First World War?", ["The bombing of Pearl Harbor", "The storming of the Bastille", "The fall of Constantinople", "The assassination of Archduke Franz Ferdinand"], "D"],
      ["Who is best known for leading a campaign of nonviolent resistance against British rule in India?", ["Winston Churchill", "Mohandas Gandhi", "Mao Zedong", "Simón Bolívar"], "B"],
      ["In which year did the French Revolution begin?", ["1789", "1492", "1815", "1848"], "A"],
      ["Which city was the capital of the Byzantine Empire?", ["Rome", "Athens", "Alexandria", "Constantinople"], "D"],
      ["Who led the Spanish-sponsored voyage of 1492 that reached the Americas?", ["Vasco da Gama", "Ferdinand Magellan", "Christopher Columbus", "James Cook"], "C"],
      ["In which present-day country did the Renaissance first flourish?", ["Sweden", "Italy", "Russia", "Ireland"], "B"],
      ["Which two countries were the main rivals of the Cold War?", ["The United States and the Soviet Union", "France and Germany", "Britain and Spain", "China and Japan"], "A"],
      ["Who was the first person to walk on the Moon, in 1969?", ["Yuri Gagarin", "Buzz Aldrin", "Neil Armstrong", "John Glenn"], "C"],
      ["The ancient city-states of Athens and Sparta belonged to which civilization?", ["Roman", "Persian", "Egyptian", "Greek"], "D"],
      ["Which English charter of 1215 limited the power of the king?", ["The Declaration of Independence", "Magna Carta", "The Treaty of Versailles", "The Edict of Nantes"], "B"],
    ],
  },
  {
    subject: "high_school_geography",
    dev: [
      ["What is the largest ocean on Earth?", ["The Atlantic Ocean", "The Indian Ocean", "The Arctic Ocean", "The Pacific Ocean"], "D"],
      ["On which continent is the Sahara Desert?", ["Asia", "Africa", "Australia", "South America"], "B"],
      ["What is the imaginary line at 0 degrees latitude called?", ["The equator", "The prime meridian", "The Tropic of Cancer", "The International Date Line"], "A"],
      ["What is the capital of Canada?", ["Toronto", "Vancouver", "Ottawa", "Montreal"], "C"],
      ["Which continent has the most people?", ["Asia", "Africa", "Europe", "North America"], "A"],
    ],
    test: [
      ["On which continent are the Andes mountains?", ["Africa", "Europe", "Asia", "South America"], "D"],
      ["What is the line of 0 degrees longitude that passes through Greenwich, England, called?", ["The equator", "The prime meridian", "The Tropic of Capricorn", "The Arctic Circle"], "B"],
      ["Which country has the largest land area?", ["Russia", "Canada", "China", "The United States"], "A"],
      ["What is the capital of Australia?", ["Sydney", "Melbourne", "Canberra", "Perth"], "C"],
      ["Which river flows through Cairo?", ["The Tigris", "The Congo", "The Amazon", "The Nile"], "D"],
      ["Which mountain has the highest summit above sea level?", ["Mount Everest", "K2", "Kilimanjaro", "Mont Blanc"], "A"],
      ["What is a large group of islands, such as the Philippines, called?", ["A peninsula", "An archipelago", "A delta", "A plateau"], "B"],
      ["Which U.S. state is the largest by area?", ["Texas", "California", "Montana", "Alaska"], "D"],
      ["What is a narrow strip of land that joins two larger land areas called?", ["A peninsula", "A fjord", "An isthmus", "An atoll"], "C"],
      ["Which is the only continent whose mainland belongs entirely to one country?", ["Australia", "Antarctica", "Africa", "South America"], "A"],
      ["Which body of water lies between southern England and northern France?", ["The Baltic Sea", "The English Channel", "The Adriatic Sea", "The Caspian Sea"], "B"],
      ["Which line of latitude is the farthest north at which the Sun can be directly overhead at noon?", ["The Arctic Circle", "The equator", "The Tropic of Capricorn", "The Tropic of Cancer"], "D"],
      ["What is the capital of Japan?", ["Tokyo", "Kyoto", "Osaka", "Seoul"], "A"],
      ["Which is the largest hot desert in the world?", ["The Gobi", "The Kalahari", "The Sahara", "The Mojave"], "C"],
    ],
  },
  {
    subject: "high_school_microeconomics",
    dev: [
      ["By the law of demand, when a good's price rises and nothing else changes, the quantity demanded usually does what?", ["Rises", "Falls", "Stays the same", "Doubles"], "B"],
      ["What is the opportunity cost of a choice?", ["The money price paid", "The total cost of every option", "The value of the next best alternative given up", "The sales tax on the purchase"], "C"],
      ["What is a market with only one seller called?", ["A monopoly", "An oligopoly", "Perfect competition", "A monopsony"], "A"],
      ["If supply increases while demand stays the same, what tends to happen to the equilibrium price?", ["It rises", "It stays exactly the same", "It doubles", "It falls"], "D"],
      ["What are goods that can be used in place of each other, like tea and coffee, called?", ["Complements", "Substitutes", "Inferior goods", "Public goods"], "B"],
    ],
    test: [
      ["What are goods that are usually used together, like cars and gasoline, called?", ["Substitutes", "Complements", "Normal goods", "Luxury goods"], "B"],
      ["What does a price ceiling set below the equilibrium price usually cause?", ["A surplus", "No change at all", "A shortage", "A rise in the market price"], "C"],
      ["If a small change in price causes a large change in quantity demanded, demand is described as what?", ["Elastic", "Inelastic", "Perfectly inelastic", "Fixed"], "A"],
      ["What is the extra cost of producing one more unit of output called?", ["Average cost", "Fixed cost", "Sunk cost", "Marginal cost"], "D"],
      ["What is a market dominated by a few large firms called?", ["A monopoly", "Perfect competition", "An oligopoly", "Monopolistic competition"], "C"],
      ["What does a price floor set above the equilibrium price usually cause?", ["A shortage", "A surplus", "A lower market price", "A rise in quantity demanded"], "B"],
      ["What are costs that do not change with the amount produced in the short run, such as rent, called?", ["Variable costs", "Marginal costs", "Opportunity costs", "Fixed costs"], "D"],
      ["In a perfectly competitive market, individual firms are best described as what?", ["Price takers", "Price makers", "Monopolists", "Government agencies"], "A"],
      ["What is a good whose demand falls when consumers' incomes rise called?", ["A normal good", "A luxury good", "An inferior good", "A complement"], "C"],
      ["Which of these would shift the demand curve for umbrellas to the right?", ["A fall in the price of umbrellas", "A forecast of a very rainy season", "A rise in the cost of making umbrellas", "A new tax on umbrella makers"], "B"],
      ["Pollution from a factory that harms nearby residents is an example of what?", ["A negative externality", "A positive externality", "A subsidy", "A tariff"], "A"],
      ["What is the point where the supply and demand curves cross called?", ["The surplus", "The shortage", "The equilibrium", "The price ceiling"], "C"],
      ["Which idea says that adding more of one input to a fixed input eventually yields less extra output per added unit?", ["The law of demand", "Comparative advantage", "Economies of scale", "The law of diminishing marginal returns"], "D"],
      ["How is a firm's profit calculated?", ["Total revenue plus total cost", "Total revenue minus total cost", "Price times fixed cost", "Marginal cost minus average cost"], "B"],
    ],
  },
  {
    subject: "nutrition",
    dev: [
      ["Which nutrient is the body's main source of quick energy?", ["Vitamin C", "Calcium", "Carbohydrates", "Water"], "C"],
      ["Which vitamin does the skin make when it is exposed to sunlight?", ["Vitamin D", "Vitamin C", "Vitamin A", "Vitamin K"], "A"],
      ["Which mineral is especially important for strong bones and teeth?", ["Sodium", "Iodine", "Iron", "Calcium"], "D"],
      ["About how many kilocalories does one gram of fat provide?", ["4", "9", "1", "2"], "B"],
      ["Which nutrient does the body mainly use to build and repair muscle and other tissue?", ["Fiber", "Sugar", "Protein", "Sodium"], "C"],
    ],
    test: [
      ["A long-term lack of vitamin C causes which disease?", ["Scurvy", "Rickets", "Beriberi", "Pellagra"], "A"],
      ["Iron in the diet is important mainly because it helps the body do what?", ["Digest dietary fat", "Produce stomach acid", "Carry oxygen in the blood", "Make bile"], "C"],
      ["About how many kilocalories does one gram of protein provide?", ["1", "4", "9", "15"], "B"],
      ["Which part of plant foods is not digested but helps keep bowel movements regular?", ["Starch", "Sucrose", "Lactose", "Dietary fiber"], "D"],
      ["Which vitamin is needed for normal blood clotting?", ["Vitamin C", "Vitamin K", "Vitamin B12", "Vitamin E"], "B"],
      ["Which mineral is added to table salt in many countries to prevent goiter?", ["Iodine", "Zinc", "Magnesium", "Potassium"], "A"],
      ["Lactose is a sugar found mainly in which food?", ["Honey", "Table sugar", "Milk", "Corn syrup"], "C"],
      ["Which kind of fat is mainly found in olive oil and is usually liquid at room temperature?", ["Unsaturated fat", "Saturated fat", "Hydrogenated fat", "Butterfat"], "A"],
      ["Vitamin A deficiency is a well-known cause of which problem?", ["Hearing loss", "Hair loss", "Tooth decay", "Night blindness"], "D"],
      ["Which vitamins are fat-soluble?", ["B and C", "A, D, E and K", "C and B12", "Only vitamin C"], "B"],
      ["Which substance makes up the largest share of an adult human body's weight?", ["Protein", "Fat", "Water", "Calcium"], "C"],
      ["Which of these foods is the richest source of vitamin C?", ["White rice", "Oranges", "Butter", "Chicken"], "B"],
      ["Without supplements, vitamin B12 deficiency is most common among people who follow which diet?", ["A high-protein diet", "A Mediterranean diet", "A low-fat diet", "A strict vegan diet"], "D"],
      ["What is the process of breaking food down into molecules the body can absorb called?", ["Digestion", "Respiration", "Excretion", "Circulation"], "A"],
    ],
  },
  {
    subject: "marketing",
    dev: [
      ["What are the \"4 Ps\" of the marketing mix?", ["People, profit, planet and purpose", "Product, price, place and promotion", "Plan, produce, pack and post", "Press, print, poster and podcast"], "B"],
      ["What is dividing a market into distinct groups of buyers with different needs called?", ["Branding", "Pricing", "Distribution", "Market segmentation"], "D"],
      ["What is a name, term, symbol or design that identifies a seller's product called?", ["A brand", "A channel", "A tariff", "A quota"], "A"],
      ["Which pricing strategy sets a low initial price to win market share quickly?", ["Price skimming", "Prestige pricing", "Penetration pricing", "Cost-plus pricing"], "C"],
      ["Which element of the marketing mix covers advertising, sales promotions and public relations?", ["Product", "Place", "Price", "Promotion"], "D"],
    ],
    test: [
      ["What is setting a high initial price for a new product and lowering it over time called?", ["Penetration pricing", "Loss leading", "Price skimming", "Bundle pricing"], "C"],
      ["In the marketing mix, what does \"place\" refer to?", ["The product's design", "The advertising message", "Discounts on the price", "How the product reaches customers"], "D"],
      ["What does B2B stand for in marketing?", ["Brand to buyer", "Business to business", "Buy to borrow", "Back to basics"], "B"],
      ["What is a product sold at a loss to draw in customers who will buy other items called?", ["A loss leader", "A cash cow", "A premium product", "A private label"], "A"],
      ["What is the group of people a company aims its marketing at called?", ["The supply chain", "The board of directors", "The shareholders", "The target market"], "D"],
      ["Which research method gathers information by asking many people the same set of questions?", ["Observation", "Benchmarking", "A survey", "Sponsorship"], "C"],
      ["In a SWOT analysis, what do the four letters stand for?", ["Strengths, weaknesses, opportunities and threats", "Sales, wages, outputs and taxes", "Strategy, workforce, operations and technology", "Suppliers, wholesalers, outlets and traders"], "A"],
      ["Pricing an item at $9.99 instead of $10.00 is an example of what?", ["Cost-plus pricing", "Psychological pricing", "Penetration pricing", "Dynamic pricing"], "B"],
      ["What are the stages of introduction, growth, maturity and decline that a product passes through called?", ["The supply chain", "The value chain", "The product life cycle", "The sales funnel"], "C"],
      ["A company that pays a famous athlete to promote its shoes is using what?", ["Market segmentation", "Price discrimination", "Vertical integration", "Celebrity endorsement"], "D"],
      ["What is word-of-mouth marketing?", ["Paid television advertising", "Customers telling other people about a product", "Jingles played on the radio", "Catalogs sent by mail"], "B"],
      ["When customers keep buying the same brand rather than its competitors, this is called what?", ["Brand loyalty", "Brand extension", "Market saturation", "Price elasticity"], "A"],
      ["What is using an established brand name to launch a product in a new category called?", ["Rebranding", "Segmentation", "Loss leading", "Brand extension"], "D"],
      ["Which of these is a demographic variable for segmenting a market?", ["Personality", "Lifestyle", "Age", "Usage rate"], "C"],
    ],
  },
];

function toItem(subject: string, id: string, [question, choices, letter]: Row): McItem {
  const answer = CHOICE_LETTERS.indexOf(letter) as McItem["answer"];
  return Object.freeze({ id, subject, question, choices: Object.freeze([...choices]) as McItem["choices"], answer });
}

/** Questions asked, subject by subject in BLOCKS order: "astronomy-test-01" … */
export const SMOKE_TEST_ITEMS: readonly McItem[] = Object.freeze(
  BLOCKS.flatMap(({ subject, test }) =>
    test.map((row, i) => toItem(subject, `${subject}-test-${String(i + 1).padStart(2, "0")}`, row)),
  ),
);

/** Subject → its 5 few-shot examples: "astronomy-dev-1" … */
export const SMOKE_DEV_ITEMS: Readonly<Record<string, readonly McItem[]>> = Object.freeze(
  Object.fromEntries(
    BLOCKS.map(({ subject, dev }) => [
      subject,
      Object.freeze(dev.map((row, i) => toItem(subject, `${subject}-dev-${i + 1}`, row))),
    ]),
  ),
);

/** The smoke set as the MMLU-format suite loads a dataset. */
export function smokeSet(): LoadedMcDataset {
  return {
    id: SMOKE_SET_ID,
    name: "ctxprobe smoke set (not MMLU)",
    revision: `smoke-${SMOKE_SET_VERSION}`,
    items: SMOKE_TEST_ITEMS,
    dev: SMOKE_DEV_ITEMS,
    shots_from: "dev",
  };
}

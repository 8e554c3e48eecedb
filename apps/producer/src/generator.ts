import { indexedRandomSources, uuidFromBytes, type RandomSource } from "./random";
import type { UserRecord } from "./record";

interface CountryProfile {
  name: string;
  /** Weight in the country mix, so the dashboard's breakdown is not flat. */
  weight: number;
  places: ReadonlyArray<readonly [city: string, state: string]>;
  streets: readonly string[];
  postCode: (random: RandomSource) => string;
  phone: (random: RandomSource) => string;
}

const digitCharacters = "0123456789";

function digits(random: RandomSource, count: number): string {
  let text = "";
  for (let index = 0; index < count; index++) text += digitCharacters[random.integer(0, 9)];
  return text;
}

const countries: readonly CountryProfile[] = [
  {
    name: "United States",
    weight: 6,
    places: [
      ["Austin", "Texas"],
      ["Portland", "Oregon"],
      ["Columbus", "Ohio"],
      ["Denver", "Colorado"],
    ],
    streets: ["Pine Rd", "Oak Lawn Ave", "Hickory Creek Dr", "W Sherman Dr"],
    postCode: (random) => digits(random, 5),
    phone: (random) => `(${digits(random, 3)}) ${digits(random, 3)}-${digits(random, 4)}`,
  },
  {
    name: "United Kingdom",
    weight: 3,
    places: [
      ["Leeds", "West Yorkshire"],
      ["Bristol", "Avon"],
      ["York", "North Yorkshire"],
    ],
    streets: ["Church Lane", "Victoria Road", "Mill Lane"],
    postCode: (random) =>
      `${random.pick(["LS", "BS", "YO"])}${random.integer(1, 29)} ${random.integer(1, 9)}${random.pick(["AB", "HT", "QZ", "NX"])}`,
    phone: (random) => `0${digits(random, 3)} ${digits(random, 3)} ${digits(random, 4)}`,
  },
  {
    name: "Germany",
    weight: 3,
    places: [
      ["Leipzig", "Sachsen"],
      ["Köln", "Nordrhein-Westfalen"],
      ["Freiburg", "Baden-Württemberg"],
    ],
    streets: ["Lindenstraße", "Gartenweg", "Schulstraße"],
    postCode: (random) => digits(random, 5),
    phone: (random) => `0${digits(random, 3)}-${digits(random, 7)}`,
  },
  {
    name: "France",
    weight: 2,
    places: [
      ["Lyon", "Rhône"],
      ["Nantes", "Loire-Atlantique"],
      ["Toulouse", "Haute-Garonne"],
    ],
    streets: ["Rue de la Paix", "Avenue Jean-Jaurès", "Rue du Bât-d'Argent"],
    postCode: (random) => digits(random, 5),
    phone: (random) =>
      `0${random.integer(1, 5)}-${digits(random, 2)}-${digits(random, 2)}-${digits(random, 2)}-${digits(random, 2)}`,
  },
  {
    name: "Brazil",
    weight: 2,
    places: [
      ["Curitiba", "Paraná"],
      ["Recife", "Pernambuco"],
      ["Campinas", "São Paulo"],
    ],
    streets: ["Rua Três", "Rua São Jorge", "Avenida Brasil"],
    postCode: (random) => `${digits(random, 5)}-${digits(random, 3)}`,
    phone: (random) => `(${digits(random, 2)}) ${digits(random, 4)}-${digits(random, 4)}`,
  },
  {
    name: "India",
    weight: 2,
    places: [
      ["Pune", "Maharashtra"],
      ["Mysuru", "Karnataka"],
      ["Jaipur", "Rajasthan"],
    ],
    streets: ["MG Road", "Station Road", "Temple Street"],
    postCode: (random) => digits(random, 6),
    phone: (random) => `${random.integer(6, 9)}${digits(random, 9)}`,
  },
  {
    name: "Canada",
    weight: 2,
    places: [
      ["Halifax", "Nova Scotia"],
      ["Calgary", "Alberta"],
      ["Victoria", "British Columbia"],
    ],
    streets: ["Dalhousie Ave", "Parliament St", "King St"],
    postCode: (random) =>
      `${random.pick(["B", "T", "V"])}${random.integer(0, 9)}${random.pick(["K", "R", "X"])} ${random.integer(0, 9)}${random.pick(["A", "L", "P"])}${random.integer(0, 9)}`,
    phone: (random) => `${digits(random, 3)}-${digits(random, 3)}-${digits(random, 4)}`,
  },
  {
    name: "Australia",
    weight: 1,
    places: [
      ["Hobart", "Tasmania"],
      ["Cairns", "Queensland"],
      ["Geelong", "Victoria"],
    ],
    streets: ["Hunter St", "Elizabeth St", "Poplar Dr"],
    postCode: (random) => digits(random, 4),
    phone: (random) => `0${random.integer(2, 8)}-${digits(random, 4)}-${digits(random, 4)}`,
  },
  {
    name: "Norway",
    weight: 1,
    places: [
      ["Bergen", "Vestland"],
      ["Tromsø", "Troms"],
      ["Stavanger", "Rogaland"],
    ],
    streets: ["Storgata", "Kirkeveien", "Skolegata"],
    postCode: (random) => digits(random, 4),
    phone: (random) => digits(random, 8),
  },
  {
    name: "Spain",
    weight: 1,
    places: [
      ["Valencia", "Comunidad Valenciana"],
      ["Bilbao", "País Vasco"],
      ["Sevilla", "Andalucía"],
    ],
    streets: ["Calle de Alcalá", "Avenida de América", "Calle Mayor"],
    postCode: (random) => digits(random, 5),
    phone: (random) => `9${digits(random, 2)}-${digits(random, 3)}-${digits(random, 3)}`,
  },
];

const totalCountryWeight = countries.reduce((sum, country) => sum + country.weight, 0);

const femaleFirstNames = [
  "Emma",
  "Olivia",
  "Sofia",
  "Mia",
  "Amelia",
  "Lena",
  "Chloé",
  "Ananya",
  "Ingrid",
  "Lucía",
  "Ava",
  "Isabela",
  "Harper",
  "Nora",
  "Zoe",
] as const;
const maleFirstNames = [
  "Liam",
  "Noah",
  "Lucas",
  "Mateo",
  "Elias",
  "Arjun",
  "Hugo",
  "Jonas",
  "Oliver",
  "Leo",
  "Ethan",
  "Rafael",
  "Henrik",
  "Theo",
  "Samuel",
] as const;
const lastNames = [
  "Smith",
  "Müller",
  "Martin",
  "Silva",
  "Sharma",
  "Tremblay",
  "Brown",
  "Hansen",
  "García",
  "Wilson",
  "Dubois",
  "Costa",
  "Patel",
  "Jensen",
  "Taylor",
  "Schneider",
  "Lopez",
  "Walker",
] as const;
const usernameAdjectives = [
  "happy",
  "silver",
  "lazy",
  "brave",
  "purple",
  "quiet",
  "golden",
  "crazy",
  "tiny",
  "heavy",
] as const;
const usernameNouns = [
  "fish",
  "tiger",
  "rabbit",
  "koala",
  "swan",
  "panda",
  "wolf",
  "leopard",
  "goose",
  "bear",
] as const;

// Fixed bounds (not the clock), so a seed yields the same dates on every run.
const birthEarliest = Date.UTC(1950, 0, 1);
const birthLatest = Date.UTC(2004, 11, 31);
const registeredEarliest = Date.UTC(2003, 0, 1);
const registeredLatest = Date.UTC(2024, 11, 31);

function pickCountry(random: RandomSource): CountryProfile {
  let ticket = random.next() * totalCountryWeight;
  for (const country of countries) {
    ticket -= country.weight;
    if (ticket < 0) return country;
  }
  return countries[countries.length - 1];
}

const twoDigits = (value: number): string => (value < 10 ? `0${value}` : String(value));
const dayMs = 86_400_000;

/**
 * `new Date(ms).toISOString()` for years 1000 to 9999, three times faster: the day's date by Howard Hinnant's
 * civil_from_days (proleptic Gregorian, as ECMAScript's), then the time of day. generator.test.ts compares the two.
 */
export function isoInstant(ms: number): string {
  const days = Math.floor(ms / dayMs);
  let rest = ms - days * dayMs;
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1000 || year > 9999) return new Date(ms).toISOString();
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const milliseconds = rest - seconds * 1000;
  const millisText =
    milliseconds < 10 ? `00${milliseconds}` : milliseconds < 100 ? `0${milliseconds}` : String(milliseconds);
  return `${year}-${twoDigits(month)}-${twoDigits(day)}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}.${millisText}Z`;
}

function randomInstant(random: RandomSource, earliest: number, latest: number): string {
  return isoInstant(earliest + Math.floor(random.next() * (latest - earliest)));
}

const slugs = new Map<string, string>();

/** Lower-case ASCII for e-mail addresses (Müller → muller); names come from fixed lists, so each is worked out once. */
function asciiSlug(text: string): string {
  let slug = slugs.get(text);
  if (slug === undefined) {
    slug = text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "");
    slugs.set(text, slug);
  }
  return slug;
}

let lastSeed: { seed: string; sources: (index: number) => RandomSource } | undefined;

/** The random source of record `index` is that of the text `${seed}#${index}`; the seed's part is hashed once per seed. */
function sourcesOf(seed: string): (index: number) => RandomSource {
  if (lastSeed?.seed !== seed) lastSeed = { seed, sources: indexedRandomSources(`${seed}#`) };
  return lastSeed.sources;
}

/**
 * The user at position `index` of the sequence for `seed`. Each record depends only on
 * (seed, index), so a run can resume at any offset and two runs with the same seed and
 * count produce identical records (same ids, so replays upsert rather than duplicate).
 */
export function generateUser(seed: string, index: number): UserRecord {
  const random = sourcesOf(seed)(index);
  const id = uuidFromBytes(random.bytes(16));
  const gender = random.next() < 0.5 ? "female" : "male";
  const firstName = random.pick(gender === "female" ? femaleFirstNames : maleFirstNames);
  const lastName = random.pick(lastNames);
  const country = pickCountry(random);
  const [city, state] = random.pick(country.places);
  const streetNumber = random.integer(1, 9999);
  const street = random.pick(country.streets);
  const username = `${random.pick(usernameAdjectives)}${random.pick(usernameNouns)}${random.integer(100, 999)}`;
  const portrait = random.integer(0, 99);
  return {
    id,
    first_name: firstName,
    last_name: lastName,
    gender,
    address: `${streetNumber} ${street}, ${city}, ${state}, ${country.name}`,
    post_code: country.postCode(random),
    email: `${asciiSlug(firstName)}.${asciiSlug(lastName)}@example.com`,
    username,
    dob: randomInstant(random, birthEarliest, birthLatest),
    registered_date: randomInstant(random, registeredEarliest, registeredLatest),
    phone: country.phone(random),
    picture: `https://randomuser.me/api/portraits/${gender === "female" ? "women" : "men"}/${portrait}.jpg`,
    country: country.name,
  };
}

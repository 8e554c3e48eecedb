import type { UserDetails } from "../src/repository";

export const fixedNow = new Date("2026-01-15T12:30:30.000Z");

const countries = [
  "Germany",
  "Germany",
  "Germany",
  "Brazil",
  "Brazil",
  "France",
  "India",
  "Canada",
  "Norway",
  "Spain",
  "United States",
  "United States",
];
const firstNames = ["Emma", "Liam", "Sofia", "Noah", "Lena", "Hugo", "Mia", "Arjun"];
const lastNames = ["Müller", "Silva", "Martin", "Sharma", "Hansen", "García"];

function uuidFor(index: number): string {
  const hex = index.toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
}

/**
 * `count` users ingested over the `minutes` minutes before `now`, newest last; each is
 * produced 1.5 s before it is ingested.
 */
export function sampleUsers(count: number, now: Date = fixedNow, minutes = 20): UserDetails[] {
  return Array.from({ length: count }, (_, index) => {
    // A rising ingest curve, so the chart has shape.
    const fraction = Math.sqrt((index + 1) / count);
    const ingestedAt = new Date(now.getTime() - (1 - fraction) * minutes * 60_000 - 1000);
    const firstName = firstNames[index % firstNames.length];
    const lastName = lastNames[(index * 7) % lastNames.length];
    return {
      id: uuidFor(index + 1),
      firstName,
      lastName,
      gender: index % 3 === 0 ? "male" : "female",
      country: countries[(index * 5) % countries.length],
      email: `${firstName.toLowerCase()}.${index}@example.com`,
      username: `user${index}`,
      address: `${index} Main St, Springfield, State, Country`,
      registeredDate: "2015-05-05T00:00:00.000Z",
      producedAt: new Date(ingestedAt.getTime() - 1500).toISOString(),
      ingestedAt: ingestedAt.toISOString(),
    };
  });
}

/** Every profile × Kafka mode: what the synth matrix, the diff and the tests synthesize. */
export const matrix = [
  { profile: "kind", mode: "zookeeper" },
  { profile: "kind", mode: "kraft" },
  { profile: "cloud", mode: "zookeeper" },
  { profile: "cloud", mode: "kraft" },
] as const;

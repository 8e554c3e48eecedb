import { deriveNaming } from "../config/naming";
import { kafkaUserQuotas } from "../constructs/resources/strimzi";
import { pinnedCrdDocuments } from "./support/pinned-crds";
import { profileModeMatrix, synthesizeMatrixEntry } from "./support/synth";

interface Crd {
  kind: string;
  spec: {
    names: { kind: string };
    versions: {
      name: string;
      schema: {
        openAPIV3Schema: {
          properties: {
            spec: {
              properties: Record<string, { properties?: Record<string, { type: string; description: string }> }>;
            };
          };
        };
      };
    }[];
  };
}

/** The producer's KafkaUser carries a byte-rate quota (issue 11); the field is Strimzi's at both pinned versions. */
describe.each(profileModeMatrix.filter((entry) => entry.profile === "cloud"))(
  "$profile profile, $mode mode",
  (entry) => {
    const stack = synthesizeMatrixEntry(entry);
    const naming = deriveNaming(stack.config);
    const users = stack.manifestObjects.map(({ object }) => object).filter((object) => object.kind === "KafkaUser");

    it("gives the producer's KafkaUser its quota and no other user one", () => {
      const quotas = Object.fromEntries(
        users.map((user) => [user.metadata.name, (user.spec as { quotas?: unknown }).quotas]),
      );
      expect(quotas[naming.kafka.users.producer]).toEqual({ producerByteRate: 1024 * 1024 });
      expect(
        Object.entries(quotas).filter(([name, quota]) => name !== naming.kafka.users.producer && quota !== undefined),
      ).toEqual([]);
    });
  },
);

it("uses only quota fields every pinned KafkaUser CRD version defines as a per-broker byte rate", () => {
  const crds = pinnedCrdDocuments<Crd>().filter((crd) => crd.spec.names.kind === "KafkaUser");
  expect(crds.length).toBeGreaterThanOrEqual(2);
  const fields = Object.keys(
    Object.values(kafkaUserQuotas(deriveNaming(synthesizeMatrixEntry(profileModeMatrix[0]).config)))[0] ?? {},
  );
  for (const version of crds.flatMap((crd) => crd.spec.versions)) {
    const quotas = version.schema.openAPIV3Schema.properties.spec.properties.quotas?.properties ?? {};
    for (const field of fields) {
      expect({ version: version.name, field, type: quotas[field]?.type }).toEqual({
        version: version.name,
        field,
        type: "integer",
      });
      expect(quotas[field]?.description).toContain("per-broker");
    }
  }
});

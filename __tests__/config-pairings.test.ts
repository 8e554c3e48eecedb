import { Testing } from "cdktf";
import { loadConfig } from "../config/load";
import { deriveNaming } from "../config/naming";
import { CertManager } from "../constructs/cert-manager";
import { problemsOf } from "./support/config-problems";
import { nodeImageOf } from "../constructs/container-image";

describe("cert-manager and Kafka authentication", () => {
  const message =
    "certManager.enabled: false, but kafka.authentication 'scram-sha-512' needs the stack's certificate authority, which " +
    "works only with the stack's own cert-manager; set certManager.enabled: true or kafka.authentication: none";

  it("refuses an outside cert-manager when Kafka needs the stack's CA, naming both fields and the fix", () => {
    expect(problemsOf(() => loadConfig({ profile: "cloud", overrides: { certManager: { enabled: false } } }))).toEqual([
      message,
    ]);
  });

  it("accepts an outside cert-manager when nothing needs the CA", () => {
    expect(
      problemsOf(() =>
        loadConfig({
          profile: "cloud",
          overrides: { certManager: { enabled: false }, kafka: { authentication: "none" } },
        }),
      ),
    ).toEqual([]);
    expect(
      problemsOf(() =>
        loadConfig({ profile: "cloud", overrides: { certManager: { enabled: false }, kafka: { enabled: false } } }),
      ),
    ).toEqual([]);
    expect(problemsOf(() => loadConfig({ profile: "kind", overrides: { certManager: { enabled: false } } }))).toEqual(
      [],
    );
  });

  it("never builds the CA without the stack's cert-manager, even when called directly", () => {
    const cloud = loadConfig({ profile: "cloud" });
    expect(() =>
      Testing.synthScope((scope) => {
        new CertManager(scope, "cm", {
          naming: deriveNaming(cloud),
          install: false,
          certificateAuthority: true,
          operatorResources: cloud.operatorResources,
          gateImage: nodeImageOf(cloud),
          dependsOn: [],
        });
      }),
    ).toThrow(
      "the stack's certificate authority needs the stack's own cert-manager: set certManager.enabled: true, or kafka.authentication: none",
    );
  });
});

describe("Spark checkpoints and Kafka storage", () => {
  it("keep offsets exactly as durable as the topics they point into, in both profiles", () => {
    for (const profile of ["kind", "cloud"] as const) {
      const config = loadConfig({ profile });
      expect({ profile, pairing: [config.spark.checkpointStorage.type, config.kafka.storage.type] }).toEqual({
        profile,
        pairing: profile === "kind" ? ["ephemeral", "ephemeral"] : ["persistent", "persistent"],
      });
    }
  });

  it("refuse checkpoints on a volume over an ephemeral broker", () => {
    expect(
      problemsOf(() =>
        loadConfig({ profile: "kind", overrides: { spark: { checkpointStorage: { type: "persistent" } } } }),
      ),
    ).toEqual([
      "spark.checkpointStorage.type: 'persistent' with kafka.storage.type 'ephemeral' keeps offsets that a restarted broker " +
        "no longer has, and the job then fails on every start; make both persistent or both ephemeral",
    ]);
    expect(
      problemsOf(() =>
        loadConfig({
          profile: "kind",
          overrides: {
            spark: { checkpointStorage: { type: "persistent" } },
            kafka: { storage: { type: "persistent" } },
          },
        }),
      ),
    ).toEqual([]);
  });
});

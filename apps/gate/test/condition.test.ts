import { parsePath, parseTargets, unmetChecks, valueAt } from "../src/condition";

const kafka = {
  metadata: { generation: 3 },
  status: {
    observedGeneration: 3,
    conditions: [
      { type: "Warning", status: "True", reason: "KafkaStorage" },
      { type: "Ready", status: "True" },
    ],
  },
};
const strimziReady = [
  { path: "status.conditions[type=Ready].status", equals: "True" },
  { path: "status.observedGeneration", equalsPath: "metadata.generation" },
];

describe("valueAt", () => {
  it("follows fields and picks list elements by key", () => {
    expect(valueAt(kafka, "status.conditions[type=Ready].status")).toBe("True");
    expect(valueAt(kafka, "status.conditions[type=Warning].reason")).toBe("KafkaStorage");
    expect(
      valueAt(
        { status: { datacenters: { dc1: { cassandra: { cassandraOperatorProgress: "Ready" } } } } },
        "status.datacenters.dc1.cassandra.cassandraOperatorProgress",
      ),
    ).toBe("Ready");
  });

  it("is undefined for anything missing on the way", () => {
    expect(valueAt({}, "status.conditions[type=Ready].status")).toBeUndefined();
    expect(valueAt({ status: { conditions: "x" } }, "status.conditions[type=Ready].status")).toBeUndefined();
    expect(
      valueAt({ status: { conditions: [{ type: "Other", status: "True" }] } }, "status.conditions[type=Ready].status"),
    ).toBeUndefined();
  });

  it("rejects malformed paths", () => {
    expect(() => parsePath("status..x")).toThrow(/malformed check path segment '' in 'status..x'/);
    expect(() => parsePath("status.conditions[type=Ready")).toThrow(/malformed/);
  });
});

describe("unmetChecks", () => {
  it("is empty when Strimzi would call the resource ready", () => {
    expect(unmetChecks(kafka, strimziReady)).toEqual([]);
  });

  it("names each unmet check with what it found", () => {
    const stale = { ...kafka, metadata: { generation: 4 } };
    expect(unmetChecks(stale, strimziReady)).toEqual([
      "status.observedGeneration is 3, expected it to equal metadata.generation (4)",
    ]);
    const notReady = { metadata: { generation: 1 }, status: { conditions: [{ type: "NotReady", status: "True" }] } };
    expect(unmetChecks(notReady, strimziReady)).toEqual([
      "status.conditions[type=Ready].status is (absent), expected 'True'",
      "status.observedGeneration is (absent), expected it to equal metadata.generation (1)",
    ]);
    const readyFalse = { status: { conditions: [{ type: "Ready", status: "False" }] } };
    expect(unmetChecks(readyFalse, [strimziReady[0]])).toEqual([
      "status.conditions[type=Ready].status is 'False', expected 'True'",
    ]);
  });

  it("compares SparkApplication states exactly", () => {
    const check = [{ path: "status.applicationState.state", equals: "RUNNING" }];
    expect(unmetChecks({ status: { applicationState: { state: "RUNNING" } } }, check)).toEqual([]);
    expect(unmetChecks({ status: { applicationState: { state: "SUBMITTED" } } }, check)).toHaveLength(1);
  });
});

describe("parseTargets", () => {
  const target = {
    apiPath: "/apis/x/v1/namespaces/n/things/a",
    description: "Thing n/a",
    hint: "look",
    checks: strimziReady,
  };

  it("accepts well-formed targets", () => {
    expect(parseTargets(JSON.stringify([target]))).toEqual([target]);
  });

  it.each([
    ["", /not JSON/],
    ["[]", /non-empty JSON list/],
    [JSON.stringify([{ ...target, apiPath: "apis/x" }]), /apiPath must start with/],
    [JSON.stringify([{ ...target, checks: [] }]), /checks must be a non-empty list/],
    [JSON.stringify([{ ...target, checks: [{ path: "status.x" }] }]), /needs equals or equalsPath/],
    [JSON.stringify([{ ...target, checks: [{ path: "status.[", equals: "x" }] }]), /malformed/],
  ])("rejects %s", (json, message) => {
    expect(() => parseTargets(json)).toThrow(message);
  });
});

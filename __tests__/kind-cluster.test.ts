import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadConfig } from "../config/load";
import { stackName } from "../stacks/streamstack-stack";

interface KindCluster {
  name: string;
  nodes: { extraPortMappings: { containerPort: number; hostPort: number }[] }[];
}

const cluster = parse(readFileSync(join(__dirname, "..", "kind", "cluster.yaml"), "utf8")) as KindCluster;
const config = loadConfig({});

describe("kind/cluster.yaml", () => {
  it("maps exactly the node ports the kind profile exposes", () => {
    const mapped = cluster.nodes.flatMap((node) => node.extraPortMappings.map((m) => m.containerPort)).sort();
    expect(mapped).toEqual(Object.values(config.expose.nodePorts).sort());
  });

  it("creates the context the kind profile's providers use", () => {
    expect(`kind-${cluster.name}`).toBe(config.cluster.context);
    expect(stackName(config)).toBe("streamstack-kind");
  });
});

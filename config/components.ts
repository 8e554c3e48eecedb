import type { StreamstackConfig } from "./schema";

export type Component =
  | "certManager"
  | "kafka"
  | "schemaRegistry"
  | "controlCenter"
  | "spark"
  | "cassandra"
  | "postgres"
  | "airflow"
  | "producer"
  | "dashboard";

/** What each component cannot run without; switching one off switches off what needs it. */
const requires: Readonly<Record<Component, readonly Component[]>> = {
  certManager: [],
  kafka: [],
  schemaRegistry: ["kafka"],
  controlCenter: ["kafka"],
  spark: ["kafka", "cassandra"],
  // cert-manager may already run in the cluster, so K8ssandra does not require ours.
  cassandra: [],
  postgres: [],
  airflow: ["postgres"],
  producer: ["kafka", "schemaRegistry"],
  dashboard: ["cassandra"],
};

function switchedOn(config: StreamstackConfig, component: Component): boolean {
  switch (component) {
    case "producer":
      return config.apps.producer.enabled;
    case "dashboard":
      return config.apps.dashboard.enabled;
    default:
      return config[component].enabled;
  }
}

export interface ResolvedComponents {
  /** Components the stack deploys. */
  readonly enabled: ReadonlySet<Component>;
  /** Components switched on in config but skipped, with the reason. */
  readonly skipped: ReadonlyMap<Component, string>;
}

export function resolveComponents(config: StreamstackConfig): ResolvedComponents {
  const enabled = new Set<Component>();
  const skipped = new Map<Component, string>();
  const decided = new Set<Component>();
  // Depth-first over the (acyclic) requirements, so the order of the table does not matter.
  const decide = (component: Component): boolean => {
    if (decided.has(component)) return enabled.has(component);
    decided.add(component);
    if (!switchedOn(config, component)) return false;
    const missing = requires[component].filter((needed) => !decide(needed));
    if (missing.length === 0) enabled.add(component);
    else skipped.set(component, `needs ${missing.join(" and ")}, which is switched off`);
    return missing.length === 0;
  };
  for (const component of Object.keys(requires) as Component[]) decide(component);
  return { enabled, skipped };
}

import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { ChartRelease } from "./chart-release";
import { confluentKafkaValues, type KafkaConnection } from "./kafka";

function serviceValues(config: StreamstackConfig, nodePort: number) {
  return config.expose.serviceType === "nodePort" ? { type: "NodePort", nodePort } : { type: "ClusterIP", nodePort: 0 };
}

export interface SchemaRegistryProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  readonly kafka: KafkaConnection;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** Confluent Schema Registry (our chart) storing schemas in the stack's Kafka. */
export class SchemaRegistry extends Construct {
  /** URL clients use. */
  readonly url: string;
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: SchemaRegistryProps) {
    super(scope, id);
    const { config, naming } = props;
    const release = new ChartRelease(this, "chart", {
      name: naming.schemaRegistry.service,
      namespace: naming.namespaces.apps,
      chart: { localChart: "schema-registry" },
      values: {
        replicas: config.schemaRegistry.replicas,
        kafka: confluentKafkaValues(props.kafka, "schemaRegistry"),
        storeTopic: naming.kafka.schemaRegistryTopic,
        groupId: naming.kafka.schemaRegistryGroup,
        resources: config.schemaRegistry.resources,
        service: serviceValues(config, config.expose.nodePorts.schemaRegistry),
      },
      dependsOn: [...props.kafka.ready, ...props.dependsOn],
    }).release;
    this.url = naming.schemaRegistry.url;
    this.ready = [release];
  }
}

export interface ControlCenterProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  readonly kafka: KafkaConnection;
  /** The registry to show schemas from, when one is deployed. */
  readonly schemaRegistry?: SchemaRegistry;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** Confluent Control Center (our chart) watching the stack's Kafka and Schema Registry. */
export class ControlCenter extends Construct {
  constructor(scope: Construct, id: string, props: ControlCenterProps) {
    super(scope, id);
    const { config, naming } = props;
    new ChartRelease(this, "chart", {
      name: naming.controlCenter.service,
      namespace: naming.namespaces.apps,
      chart: { localChart: "control-center" },
      values: {
        kafka: confluentKafkaValues(props.kafka, "controlCenter"),
        replicationFactor: Math.min(3, config.kafka.brokers),
        schemaRegistryUrl: props.schemaRegistry?.url ?? "",
        resources: config.controlCenter.resources,
        service: serviceValues(config, config.expose.nodePorts.controlCenter),
      },
      dependsOn: [...props.kafka.ready, ...(props.schemaRegistry?.ready ?? []), ...props.dependsOn],
      // Control Center takes minutes to build its stream stores on first start.
      timeoutSeconds: 900,
    });
  }
}

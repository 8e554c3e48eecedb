import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ports, type Naming } from "../config/naming";
import type { ImagePullPolicy, StreamstackConfig } from "../config/schema";
import { ChartRelease } from "./chart-release";
import { recordFlow, type Grantee, type PodsPeer } from "./grants";
import { confluentKafkaValues, type KafkaConnection, type KafkaGrantee } from "./kafka";
import type { ContainerImage } from "./container-image";
import { localChartPods } from "./local-chart-pods";
import { RegistryReader } from "./registry-reader";

function serviceValues(expose: StreamstackConfig["expose"], nodePort: number) {
  return expose.serviceType === "nodePort" ? { type: "NodePort", nodePort } : { type: "ClusterIP", nodePort: 0 };
}

function nodePortOf(expose: StreamstackConfig["expose"], port: number): { port: number } | undefined {
  return expose.serviceType === "nodePort" ? { port } : undefined;
}

/** How clients reach the Schema Registry. */
export interface SchemaRegistryConnection {
  /** URL clients use. */
  readonly url: string;
  /** What a client waits for: the registry's release, ready once its Deployment is. */
  readonly ready: readonly ITerraformDependable[];
}

/** What both Confluent components (our charts on Confluent's images, clients of the stack's Kafka) take. */
interface ConfluentComponentProps {
  /** How services are exposed (the config's `expose` section). */
  readonly expose: StreamstackConfig["expose"];
  /** How the Confluent image is pulled (the config's cluster.imagePullPolicy). */
  readonly imagePullPolicy: ImagePullPolicy;
  readonly naming: Naming;
  readonly kafka: KafkaConnection;
}

export interface SchemaRegistryProps extends ConfluentComponentProps {
  /** The `schemaRegistry` section of the config. */
  readonly settings: StreamstackConfig["schemaRegistry"];
  /** Official Node.js image the read-only front (RegistryReader) runs on. */
  readonly readerImage: ContainerImage;
}

/** Confluent Schema Registry (our chart) storing schemas in the stack's Kafka, and its read-only front. */
export class SchemaRegistry extends Construct implements KafkaGrantee {
  /** For clients that register schemas (grantWrite). */
  readonly connection: SchemaRegistryConnection;
  /** For clients that only look schemas up (grantRead): the read-only front, which refuses every write. */
  readonly readConnection: SchemaRegistryConnection;
  readonly pods: PodsPeer;
  readonly kafkaClient = "schemaRegistry";
  /** The topic and consumer group the registry keeps its schemas in. */
  readonly storeTopic: string;
  readonly storeGroup: string;
  private readonly port: number;
  private readonly reader: RegistryReader | undefined;

  constructor(scope: Construct, id: string, props: SchemaRegistryProps) {
    super(scope, id);
    const { settings, naming } = props;
    const name = naming.schemaRegistry.service;
    this.port = naming.schemaRegistry.port;
    const front = settings.readOnlyFront.enabled;
    // With the front on, outside the cluster reaches the registry (if at all) through the front's NodePort.
    this.pods = localChartPods(
      this,
      name,
      naming.namespaces.apps,
      front ? undefined : nodePortOf(props.expose, this.port),
    );
    this.storeTopic = naming.kafka.schemaRegistryTopic;
    this.storeGroup = naming.kafka.schemaRegistryGroup;
    const release = new ChartRelease(this, "chart", {
      name,
      namespace: naming.namespaces.apps,
      chart: { localChart: "schema-registry" },
      values: {
        imagePullPolicy: props.imagePullPolicy,
        replicas: settings.replicas,
        kafka: confluentKafkaValues(props.kafka, this.kafkaClient),
        storeTopic: this.storeTopic,
        groupId: this.storeGroup,
        resources: settings.resources,
        service: front
          ? { type: "ClusterIP", nodePort: 0 }
          : serviceValues(props.expose, props.expose.nodePorts.schemaRegistry),
      },
      dependsOn: props.kafka.ready,
    }).release;
    this.connection = { url: naming.schemaRegistry.url, ready: [release] };
    this.reader = front
      ? new RegistryReader(this, "reader", {
          naming,
          registry: this.pods,
          image: props.readerImage,
          replicas: settings.replicas,
          resources: settings.readOnlyFront.resources,
          expose: props.expose,
          dependsOn: props.kafka.ready,
        })
      : undefined;
    this.readConnection = this.reader
      ? { url: naming.schemaRegistry.reader.url, ready: [release, this.reader.release] }
      : this.connection;
  }

  /**
   * Lets `grantee` look up schemas, through the read-only front when it runs (use `readConnection`). The registry has
   * no authorization, so the network is what keeps a reader from registering: only the front reaches the registry.
   */
  grantRead(grantee: Grantee): void {
    if (this.reader) {
      recordFlow(this, grantee.pods, this.reader.pods, this.reader.port, "look up schemas (read-only front)");
    } else {
      recordFlow(this, grantee.pods, this.pods, this.port, "look up schemas");
    }
  }

  /** Lets `grantee` register schemas (and look them up). Without authentication, the grant is the network flow. */
  grantWrite(grantee: Grantee): void {
    recordFlow(this, grantee.pods, this.pods, this.port, "register and look up schemas");
  }
}

export interface ControlCenterProps extends ConfluentComponentProps {
  /** The `controlCenter` section of the config. */
  readonly settings: StreamstackConfig["controlCenter"];
  /**
   * The registry to show schemas from.
   * @default - none: Control Center shows no schemas
   */
  readonly schemaRegistry?: SchemaRegistryConnection;
}

/** Confluent Control Center (our chart) watching the stack's Kafka and Schema Registry. */
export class ControlCenter extends Construct implements KafkaGrantee {
  readonly pods: PodsPeer;
  readonly kafkaClient = "controlCenter";
  /** Prefix of the topics and groups Control Center creates for itself. */
  readonly ownPrefix: string;

  constructor(scope: Construct, id: string, props: ControlCenterProps) {
    super(scope, id);
    const { settings, naming } = props;
    const name = naming.controlCenter.service;
    this.pods = localChartPods(this, name, naming.namespaces.apps, nodePortOf(props.expose, ports.controlCenter));
    this.ownPrefix = naming.kafka.controlCenterPrefix;
    new ChartRelease(this, "chart", {
      name,
      namespace: naming.namespaces.apps,
      chart: { localChart: "control-center" },
      values: {
        imagePullPolicy: props.imagePullPolicy,
        kafka: confluentKafkaValues(props.kafka, this.kafkaClient),
        replicationFactor: props.kafka.replicationFactor,
        schemaRegistryUrl: props.schemaRegistry?.url ?? "",
        resources: settings.resources,
        service: serviceValues(props.expose, props.expose.nodePorts.controlCenter),
      },
      dependsOn: [...props.kafka.ready, ...(props.schemaRegistry?.ready ?? [])],
      // Control Center takes minutes to build its stream stores on first start.
      timeoutSeconds: 900,
    });
  }
}

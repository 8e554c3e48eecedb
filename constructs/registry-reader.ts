import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { RegistryReaderVariable } from "../apps/registry-reader/src/config";
import type { Naming } from "../config/naming";
import type { Resources, StreamstackConfig } from "../config/schema";
import type { ContainerImage } from "./container-image";
import { recordFlow, type PodsPeer } from "./grants";
import { NodeApp } from "./node-app";

export interface RegistryReaderProps {
  readonly naming: Naming;
  /** The registry's pods, the only place the reader forwards to. */
  readonly registry: PodsPeer;
  readonly image: ContainerImage;
  /** One reader per registry replica. */
  readonly replicas: number;
  readonly resources: Resources;
  /** With expose.serviceType nodePort, the NodePort serves the reader, so nothing outside the cluster can register. */
  readonly expose: StreamstackConfig["expose"];
  /** What the release installs after: the registry's own prerequisites, so the two start together. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * The read-only front of the Schema Registry (apps/registry-reader): GET and HEAD go through, every write is refused
 * with 405. Consumers reach the registry only through it, so the producer is the one client that can register.
 */
export class RegistryReader extends Construct {
  readonly pods: PodsPeer;
  readonly port: number;
  readonly release: NodeApp["release"];

  constructor(scope: Construct, id: string, props: RegistryReaderProps) {
    super(scope, id);
    const { naming } = props;
    const reader = naming.schemaRegistry.reader;
    const nodePort = props.expose.serviceType === "nodePort";
    const app = new NodeApp(this, "app", {
      app: "registry-reader",
      releaseName: reader.service,
      namespace: naming.namespaces.apps,
      image: props.image,
      replicas: props.replicas,
      resources: props.resources,
      env: {
        REGISTRY_READER_UPSTREAM: naming.schemaRegistry.url,
        REGISTRY_READER_PORT: String(reader.port),
      } satisfies Partial<Record<RegistryReaderVariable, string>>,
      service: {
        port: reader.port,
        type: nodePort ? "NodePort" : "ClusterIP",
        nodePort: nodePort ? props.expose.nodePorts.schemaRegistry : 0,
      },
      dependsOn: props.dependsOn,
    });
    this.pods = app.pods;
    this.port = reader.port;
    this.release = app.release;
    recordFlow(this, this.pods, props.registry, naming.schemaRegistry.port, "forward schema reads");
  }
}

/**
 * Flows nobody wired, which the policies must deny. Each end is selected here by the labels its chart or operator
 * sets (not by the connection graph's peers), so a graph that wrongly wires them shows up as allowed.
 */
import { ports, type Naming } from "../../config/naming";
import { airflowPeers } from "../../constructs/resources/airflow-flows";
import { cloudnativePgPeers } from "../../constructs/resources/cloudnative-pg-flows";
import type { DeniedSample } from "./netpol-analysis";
import type { PodsPeer } from "./netpol-input";

function selected(namespace: string, name: string, labels: Record<string, string>): PodsPeer {
  return { kind: "pods", name, namespace, labels };
}

/** `readOnlyFront`: the config's schemaRegistry.readOnlyFront.enabled; only then must readers be kept from the registry. */
export function deniedSamples(naming: Naming, readOnlyFront: boolean): DeniedSample[] {
  const apps = naming.namespaces.apps;
  const app = (name: string) => selected(apps, name, { "app.kubernetes.io/name": name });
  const producer = app(naming.releases.producer);
  const cnpg = cloudnativePgPeers(naming);
  return [
    {
      description: "producer -> Cassandra CQL",
      from: producer,
      to: selected(naming.namespaces.cassandra, "cassandra", {
        "cassandra.datastax.com/datacenter": naming.cassandra.datacenter,
      }),
      port: ports.cassandraNative,
    },
    {
      description: "dashboard -> any pod of the Kafka namespace, any port",
      from: app(naming.releases.dashboard),
      to: selected(naming.namespaces.kafka, "kafka namespace", {}),
    },
    {
      description: "any pod but Airflow's and the database's own -> PostgreSQL",
      to: selected(naming.namespaces.airflow, "postgres", { "cnpg.io/cluster": naming.postgres.clusterName }),
      port: ports.postgres,
      except: [airflowPeers(naming).all, cnpg.operator, cnpg.clusterPods],
    },
    {
      description: "producer -> Control Center",
      from: producer,
      to: app(naming.controlCenter.service),
      port: ports.controlCenter,
    },
    ...(readOnlyFront
      ? [
          {
            // The registry has no authorization: only the producers may reach it; everyone else reads through its front.
            description:
              "any pod but the producers' and the read-only front's -> Schema Registry (which would let it register)",
            to: app(naming.schemaRegistry.service),
            port: naming.schemaRegistry.port,
            except: [producer, app(naming.airflow.producerTaskApp), app(naming.schemaRegistry.reader.service)],
          },
        ]
      : []),
  ];
}

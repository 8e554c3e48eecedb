import type { CassandraConnection } from "../../constructs/cassandra";

/** A Cassandra connection as a Cassandra construct would expose it, for constructs tested without one. */
export function fakeCassandraConnection(): CassandraConnection {
  return {
    host: "c-dc1-service.ns.svc",
    port: 9042,
    localDatacenter: "dc1",
    keyspace: "ks",
    table: "t",
    credentials: { sparkJob: "job-role", dashboard: "dashboard-role" },
    ready: [],
  };
}

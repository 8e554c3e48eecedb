import { kindSystemRows, requestRows, totals, type RequestRow, type Totals } from "./requests";

/** The Docker VM sizes the README asks for: everything on, and with Control Center and Airflow off. */
export const dockerVm = {
  cpuMillicores: 4000,
  fullMemoryMi: 12 * 1024,
  /** KRaft mode without Control Center, Airflow and its PostgreSQL. */
  leanMemoryMi: 8 * 1024,
  /** The same in ZooKeeper mode, which adds a ZooKeeper pod (448Mi by the measurement rule). */
  leanZookeeperMemoryMi: 8.5 * 1024,
} as const;

/**
 * What requests must leave free in the VM (allocatable < capacity): the VM's kernel and Docker, the kind node's
 * systemd, containerd and kubelet, and kubelet's hard eviction threshold (memory.available < 100Mi by default).
 * An estimate: Docker cannot run here to measure it.
 */
export const vmReserve = { cpuMillicores: 400, memoryMi: 768 } as const;

/** kubelet's default hard eviction threshold: the most any set of pods can ever hold is the VM less this. */
export const evictionThresholdMi = 100;

export interface KindFootprint {
  readonly rows: readonly RequestRow[];
  /** Pods that run all the time, kind's own included, plus the DAG task pods that come and go: must fit with the reserve. */
  readonly steady: Totals;
  /**
   * Everything at once, Jobs and hooks included. Jobs mostly run before the pods that wait for them (readiness gates,
   * the schema Job, initdb), so this overstates any real moment; it must still fit the VM less the eviction threshold.
   */
  readonly everything: Totals;
}

/** Requests of a synthesized kind stack together with kind's own system pods. */
export function kindFootprint(stackJson: Record<string, unknown>): KindFootprint {
  const rows = [...kindSystemRows(), ...requestRows(stackJson)];
  return { rows, steady: totals(rows.filter((r) => r.lifetime !== "once")), everything: totals(rows) };
}

/** Requests the VM can take: its size less the reserve. */
export function schedulableIn(memoryMi: number): { cpuMillicores: number; memoryMi: number } {
  return { cpuMillicores: dockerVm.cpuMillicores - vmReserve.cpuMillicores, memoryMi: memoryMi - vmReserve.memoryMi };
}

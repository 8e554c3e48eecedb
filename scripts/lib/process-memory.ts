import { readdirSync, readFileSync } from "node:fs";
import { runCommand } from "./processes";

/** One process as /proc shows it. */
interface ProcessInfo {
  readonly pid: number;
  readonly groupId: number;
  readonly rssKiB: number;
  readonly pssKiB: number;
  readonly commandLine: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const groupId = Number(fields[2]);
    const field = (file: string, name: string) => {
      const line = readFileSync(`/proc/${pid}/${file}`, "utf8")
        .split("\n")
        .find((candidate) => candidate.startsWith(`${name}:`));
      return line === undefined ? 0 : Number(/(\d+)/.exec(line)?.[1] ?? 0);
    };
    const rssKiB = field("status", "VmRSS");
    const pssKiB = field("smaps_rollup", "Pss");
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
    return { pid, groupId, rssKiB, pssKiB, commandLine };
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}

function allProcesses(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((info): info is ProcessInfo => info !== undefined);
}

/**
 * Resident memory of a whole process group in MiB: what a container running that command tree would hold
 * (spark-submit's JVM and its Python workers, Airflow's forked children). Summing RSS would count pages shared by
 * forks once per fork; summing proportional set sizes (PSS) counts them once, but also splits the node or python
 * binary with unrelated processes on this machine. The figure is the larger of the PSS sum and the biggest single RSS.
 */
export function groupRssMi(groupId: number): number {
  const members = allProcesses().filter((info) => info.groupId === groupId);
  const pss = members.reduce((sum, info) => sum + info.pssKiB, 0);
  const largest = Math.max(0, ...members.map((info) => info.rssKiB));
  return Math.round(Math.max(pss, largest) / 1024);
}

/** The process group of the first process whose command line contains the fragment (a short-lived client). */
export function groupOfCommand(fragment: string): number | undefined {
  return allProcesses().find((info) => info.commandLine.includes(fragment) && !info.commandLine.includes("measure-rss"))
    ?.groupId;
}

/** Java processes of a group, for reading their native memory tracking. */
export function javaProcessesOf(groupId: number): number[] {
  return allProcesses()
    .filter((info) => info.groupId === groupId && /(^|\/)java\s/.test(`${info.commandLine.split(" ")[0] ?? ""} `))
    .map((info) => info.pid);
}

export interface JavaMemory {
  /** Committed heap in MiB. */
  readonly heapCommittedMi: number;
  /** Committed memory outside the heap (metaspace, code cache, threads, GC, direct buffers) in MiB. */
  readonly nonHeapCommittedMi: number;
}

/** Heap and non-heap committed memory from `jcmd VM.native_memory summary` (needs -XX:NativeMemoryTracking). */
export async function javaMemory(pid: number): Promise<JavaMemory | undefined> {
  const result = await runCommand("jcmd", [String(pid), "VM.native_memory", "summary"]);
  if (result.code !== 0) return undefined;
  const total = /Total: reserved=\d+KB, committed=(\d+)KB/.exec(result.output);
  const heap = /Java Heap \(reserved=\d+KB, committed=(\d+)KB\)/.exec(result.output);
  if (total === null || heap === null) return undefined;
  const heapKiB = Number(heap[1]);
  return {
    heapCommittedMi: Math.round(heapKiB / 1024),
    nonHeapCommittedMi: Math.round((Number(total[1]) - heapKiB) / 1024),
  };
}

/** The directories run.sh hands each verify step, read the one way every script reads its flags. */
import { resolve } from "node:path";
import { readInput } from "../lib/script-input";

/** The verify run's work directory when a step is run by hand without --work. */
const defaultWork = ".cache/verify/work";

/** --stacks (the synthesized stacks, one folder each) and --work (the verify run's scratch directory), both required. */
export function readStacksAndWork(usage: string): { readonly stacks: string; readonly work: string } {
  return readInput({ values: ["stacks", "work"], usage }, (input) => ({
    stacks: resolve(input.requiredText({ flag: "stacks" }, "the directory of synthesized stacks")),
    work: resolve(input.requiredText({ flag: "work" }, "the verify work directory")),
  }));
}

/** --work, the directory verify.ts wrote its objects-<stack>.yaml into. */
export function readWork(usage: string): string {
  return readInput({ values: ["work"], usage }, (input) =>
    resolve(input.text({ flag: "work" }, defaultWork, "the verify work directory") ?? defaultWork),
  );
}

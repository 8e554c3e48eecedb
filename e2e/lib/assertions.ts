/** Collects named checks and prints them as PASS/FAIL with a closing `N passed, M failed` line. */
export class AssertionReport {
  private readonly results: { name: string; ok: boolean; detail: string }[] = [];

  check(name: string, ok: boolean, detail = ""): boolean {
    this.results.push({ name, ok, detail });
    process.stdout.write(`${ok ? "PASS" : "FAIL"}  ${name}${detail ? ` — ${detail}` : ""}\n`);
    return ok;
  }

  get failed(): number {
    return this.results.filter((result) => !result.ok).length;
  }

  get passed(): number {
    return this.results.length - this.failed;
  }

  /** Prints the summary; the last line is the plain count CI reads. */
  printSummary(title: string): void {
    process.stdout.write(`\n===== ${title}: ${this.failed === 0 && this.passed > 0 ? "PASS" : "FAIL"} =====\n`);
    for (const result of this.results) {
      process.stdout.write(
        `  ${result.ok ? "PASS" : "FAIL"}  ${result.name}${result.detail ? ` — ${result.detail}` : ""}\n`,
      );
    }
    process.stdout.write(`${this.passed} passed, ${this.failed} failed\n`);
  }
}

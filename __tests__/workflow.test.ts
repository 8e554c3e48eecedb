import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const root = join(__dirname, "..");

/**
 * The inputs each action we use documents in its action.yml at the version we pin (read with `git show <tag>:action.yml`
 * in the action's repository). Pinning another version means reading its action.yml again and updating this table.
 */
const documentedInputs: Readonly<
  Record<string, { readonly inputs: readonly string[]; readonly required?: readonly string[] }>
> = {
  // actions/checkout v4.2.2 (11bd71901bbe5b1630ceea73d27597364c9af683), action.yml
  "actions/checkout@v4.2.2": {
    inputs: [
      "repository",
      "ref",
      "token",
      "ssh-key",
      "ssh-known-hosts",
      "ssh-strict",
      "ssh-user",
      "persist-credentials",
      "path",
      "clean",
      "filter",
      "sparse-checkout",
      "sparse-checkout-cone-mode",
      "fetch-depth",
      "fetch-tags",
      "show-progress",
      "lfs",
      "submodules",
      "set-safe-directory",
      "github-server-url",
    ],
  },
  // actions/setup-node v4.4.0 (49933ea5288caeca8642d1e84afbd3f7d6820020), action.yml
  "actions/setup-node@v4.4.0": {
    inputs: [
      "always-auth",
      "node-version",
      "node-version-file",
      "architecture",
      "check-latest",
      "registry-url",
      "scope",
      "token",
      "cache",
      "cache-dependency-path",
      "mirror",
      "mirror-token",
    ],
  },
  // actions/cache v4.2.3 (5a3ec84eff668545956fd18022155c47e93e2684), action.yml: path and key are required
  "actions/cache@v4.2.3": {
    inputs: [
      "path",
      "key",
      "restore-keys",
      "upload-chunk-size",
      "enableCrossOsArchive",
      "fail-on-cache-miss",
      "lookup-only",
      "save-always",
    ],
    required: ["path", "key"],
  },
  // hashicorp/setup-terraform v3.1.2 (b9cd54a3c349d3f38e8881555d616ced269862dd), action.yml
  "hashicorp/setup-terraform@v3.1.2": {
    inputs: [
      "cli_config_credentials_hostname",
      "cli_config_credentials_token",
      "terraform_version",
      "terraform_wrapper",
    ],
  },
  // marocchino/sticky-pull-request-comment v2.9.4 (773744901bac0e8cbb5a0dc842800d45e9b2b405), action.yml
  "marocchino/sticky-pull-request-comment@v2.9.4": {
    inputs: [
      "header",
      "append",
      "recreate",
      "delete",
      "only_create",
      "only_update",
      "hide_details",
      "hide",
      "hide_and_recreate",
      "hide_classify",
      "message",
      "path",
      "ignore_empty",
      "skip_unchanged",
      "follow_symbolic_links",
      "number",
      "owner",
      "repo",
      "GITHUB_TOKEN",
    ],
  },
};

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly if?: string;
}
interface Workflow {
  readonly jobs: Record<string, { readonly steps: readonly Step[] }>;
}

const workflow = parse(readFileSync(join(root, ".github", "workflows", "ci.yml"), "utf8")) as Workflow;
const steps = Object.entries(workflow.jobs).flatMap(([job, { steps: jobSteps }]) =>
  jobSteps.map((step, index) => ({ where: `jobs.${job}.steps[${index}]${step.name ? ` (${step.name})` : ""}`, step })),
);
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  engines: { node: string };
};

describe("the CI workflow", () => {
  it("pins every action to an exact version whose documented inputs the table above holds", () => {
    const used = steps.filter(({ step }) => step.uses !== undefined);
    expect(used.length).toBeGreaterThan(0);
    for (const { where, step } of used) {
      expect({ where, uses: step.uses }).toEqual({ where, uses: expect.stringMatching(/@v\d+\.\d+\.\d+$/) });
      expect({ where, documented: Object.keys(documentedInputs).includes(String(step.uses)) }).toEqual({
        where,
        documented: true,
      });
    }
  });

  it("gives each action only inputs it documents, and the ones it requires", () => {
    for (const { where, step } of steps.filter(({ step }) => step.uses !== undefined)) {
      const documented = documentedInputs[String(step.uses)];
      const given = Object.keys(step.with ?? {});
      expect({ where, undocumented: given.filter((input) => !documented.inputs.includes(input)) }).toEqual({
        where,
        undocumented: [],
      });
      expect({ where, missing: (documented.required ?? []).filter((input) => !given.includes(input)) }).toEqual({
        where,
        missing: [],
      });
    }
  });

  it("runs the CLI and our tools through the npm scripts, each of which exists", () => {
    const runs = steps.map(({ step }) => step.run ?? "").join("\n");
    expect(runs).not.toMatch(/\bnpx\s+cdktf\b/);
    const scripts = [...runs.matchAll(/\bnpm run (?:--silent )?([\w:-]+)/g)].map((match) => match[1]);
    expect(scripts).toEqual(expect.arrayContaining(["diff:synth", "diff"]));
    for (const script of scripts)
      expect({ script, defined: script in packageJson.scripts }).toEqual({ script, defined: true });
  });

  it("runs both jest tiers, the integration tier even when npm test failed", () => {
    const test = steps.find(({ step }) => step.run === "npm test");
    const integration = steps.find(({ step }) => step.run === "npm run test:integration");
    expect(test).toBeDefined();
    expect(integration?.step.if).toBe("${{ !cancelled() }}");
  });

  it("installs no system Chromium: npm ci brings the browser test's own (@sparticuz/chromium)", () => {
    expect(steps.map(({ step }) => step.run ?? "").join("\n")).not.toMatch(/apt(-get)?\s+install[^\n]*chromium/);
  });

  it("runs on the lowest Node.js major package.json's engines admit", () => {
    const minimum = /^>=\s*(\d+)/.exec(packageJson.engines.node)?.[1];
    for (const { where, step } of steps.filter(({ step }) => String(step.uses).startsWith("actions/setup-node@")))
      expect({ where, node: String(step.with?.["node-version"]) }).toEqual({ where, node: minimum });
  });

  it("posts the Markdown semantic diff, with cdktf diff beside it only when the cluster credential exists, in one comment", () => {
    const diff = workflow.jobs.diff.steps;
    const semantic = diff.find((step) => step.run?.includes("npm run --silent diff:synth"));
    expect(semantic?.run).toMatch(/--base "\$BASE_SHA" --format markdown > comment\.md/);
    expect(semantic?.if).toBeUndefined();
    const cdktf = diff.find((step) => /npm run --silent diff -- /.test(step.run ?? ""));
    expect(cdktf?.if).toBe("steps.cluster.outputs.available == 'true'");
    expect(cdktf?.run).toContain(">> comment.md");
    const comments = diff.filter((step) => step.uses?.startsWith("marocchino/sticky-pull-request-comment@"));
    expect(comments.map((step) => step.with)).toEqual([{ header: "streamstack-diff", path: "comment.md" }]);
    const checkout = diff.find((step) => step.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
  });
});

describe("the CI script (.ci/run)", () => {
  it("runs both jest tiers", () => {
    const lines = readFileSync(join(root, ".ci", "run"), "utf8").split("\n");
    expect(lines).toEqual(expect.arrayContaining(["npm test", "npm run test:integration"]));
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultBrowserSettings, launchTestBrowser } from "./chromium";

// Which Chromium the browser test gets, and the message when none can be launched (./chromium.ts).

let userDataDirectory: string;
beforeEach(() => {
  userDataDirectory = mkdtempSync(join(tmpdir(), "dashboard-chromium-choice-"));
});
afterEach(() => rmSync(userDataDirectory, { recursive: true, force: true }));

it("launches the packaged Chromium that npm ci installed, with no system browser involved", async () => {
  const settings = {
    ...defaultBrowserSettings({ ...process.env, STREAMSTACK_BROWSER: undefined }),
    systemPath: "/nonexistent/chromium",
  };
  const launched = await launchTestBrowser(userDataDirectory, { headless: true, args: ["--no-sandbox"] }, settings);
  try {
    expect(launched.source).toBe("packaged");
    const page = launched.context.pages()[0] ?? (await launched.context.newPage());
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/HeadlessChrome\/\d+/);
  } finally {
    await launched.context.close();
  }
});

it("fails naming every source tried and the fix when no browser can be launched", async () => {
  const settings = {
    ...defaultBrowserSettings({}),
    systemPath: "/nonexistent/chromium",
    resolvePackage: () => {
      throw new Error("Cannot find module '@sparticuz/chromium'");
    },
  };
  const failure = launchTestBrowser(userDataDirectory, { headless: true }, settings);
  await expect(failure).rejects.toThrow(
    [
      "no browser could be launched for the dashboard test:",
      "  - packaged: @sparticuz/chromium is not installed: run `npm ci`",
      "  - system: no Chromium at /nonexistent/chromium",
      "Fix: run `npm ci`",
    ].join("\n"),
  );
});

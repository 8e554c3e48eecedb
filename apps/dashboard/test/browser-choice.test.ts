import { browserSources } from "./chromium";

// Which Chromium the browser test tries, read from STREAMSTACK_BROWSER (./chromium.ts); chromium.test.ts launches them.

it("tries the packaged browser first, then the system one; STREAMSTACK_BROWSER picks one", () => {
  expect(browserSources({})).toEqual(["packaged", "system"]);
  expect(browserSources({ STREAMSTACK_BROWSER: "" })).toEqual(["packaged", "system"]);
  expect(browserSources({ STREAMSTACK_BROWSER: "packaged" })).toEqual(["packaged"]);
  expect(browserSources({ STREAMSTACK_BROWSER: "system" })).toEqual(["system"]);
  expect(() => browserSources({ STREAMSTACK_BROWSER: "firefox" })).toThrow(
    /STREAMSTACK_BROWSER=firefox .*use packaged .* or system/,
  );
});

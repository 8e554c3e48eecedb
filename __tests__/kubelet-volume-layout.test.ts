/** Kubelet's layout of a ConfigMap/Secret volume as support/kubelet-layout.ts writes it (issue 7), in this process. */
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  dataDirectoryName,
  mountSubPath,
  payloadFor,
  writeAtomically,
  type KeyedVolume,
  type ProjectedSource,
} from "./support/kubelet-layout";

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "kubelet-layout-test-"));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const contents = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([key, text]) => [key, Buffer.from(text)]));
const configMapVolume = (source: ProjectedSource = {}): KeyedVolume => ({
  name: "code",
  configMap: { name: "code", ...source },
});

describe("kubelet's layout of a ConfigMap/Secret volume", () => {
  test("files live in ..<timestamp>/, ..data links to it, and each key is a link into ..data", () => {
    const target = join(scratch, "mount");
    const stamped = writeAtomically(target, payloadFor(configMapVolume(), contents({ "a.py": "A", "b.py": "B" })));
    expect(stamped).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/);
    expect(readdirSync(target).sort()).toEqual([stamped, dataDirectoryName, "a.py", "b.py"].sort());
    expect(readlinkSync(join(target, dataDirectoryName))).toBe(stamped);
    expect(readlinkSync(join(target, "a.py"))).toBe(`${dataDirectoryName}/a.py`);
    expect(lstatSync(join(target, stamped, "a.py")).isFile()).toBe(true);
    expect(readFileSync(join(target, "b.py"), "utf8")).toBe("B");
    expect(statSync(join(target, "a.py")).mode & 0o777).toBe(0o644);
  });

  test("items project only the listed keys, at their paths, with item mode over defaultMode", () => {
    const target = join(scratch, "mount");
    const volume = configMapVolume({
      defaultMode: 0o440,
      items: [
        { key: "a.py", path: "lib/first.py" },
        { key: "b.py", path: "second.py", mode: 0o500 },
      ],
    });
    writeAtomically(target, payloadFor(volume, contents({ "a.py": "A", "b.py": "B", "c.py": "C" })));
    expect(
      readdirSync(target)
        .filter((name) => !name.startsWith(".."))
        .sort(),
    ).toEqual(["lib", "second.py"]);
    expect(readlinkSync(join(target, "lib"))).toBe(`${dataDirectoryName}/lib`);
    expect(readFileSync(join(target, "lib", "first.py"), "utf8")).toBe("A");
    expect(statSync(join(target, "lib", "first.py")).mode & 0o777).toBe(0o440);
    expect(statSync(join(target, "second.py")).mode & 0o777).toBe(0o500);
  });

  test("a listed key that is missing fails the mount, unless the volume is optional", () => {
    expect(() => payloadFor(configMapVolume({ items: [{ key: "gone", path: "gone" }] }), contents({ a: "A" }))).toThrow(
      /has no key gone/,
    );
    expect([
      ...payloadFor(
        configMapVolume({ optional: true, items: [{ key: "gone", path: "gone" }] }),
        contents({ a: "A" }),
      ).keys(),
    ]).toEqual([]);
    expect(() => payloadFor(configMapVolume(), undefined)).toThrow(/does not exist/);
  });

  test("a subPath mount is a plain file that does not follow later updates; a missing subPath is an empty directory", () => {
    const volume = join(scratch, "volume");
    writeAtomically(volume, payloadFor(configMapVolume(), contents({ "app.js": "v1" })));
    mountSubPath(volume, "app.js", join(scratch, "container", "app.js"));
    expect(lstatSync(join(scratch, "container", "app.js")).isFile()).toBe(true);
    rmSync(volume, { recursive: true });
    writeAtomically(volume, payloadFor(configMapVolume(), contents({ "app.js": "v2" })));
    expect(readFileSync(join(scratch, "container", "app.js"), "utf8")).toBe("v1");
    mountSubPath(volume, "missing.js", join(scratch, "container", "missing.js"));
    expect(statSync(join(scratch, "container", "missing.js")).isDirectory()).toBe(true);
  });
});

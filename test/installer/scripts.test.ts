import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { launcherScript, rewriteShebang, shebangFor } from "../../src/installer/scripts.ts";
import { parseScriptEntryPoints, parseWheelInfo } from "../../src/installer/wheel-info.ts";

interface ScriptsCorpus {
  shebang_rewrite: { input: string; python: string; expected: string }[];
  entry_points: { entry_points_txt: string; expected: [string, string, string, string][] }[];
  posix_scripts: {
    name: string;
    module: string;
    attr: string;
    section: "console" | "gui";
    executable: string;
    content: string;
  }[];
}

const corpus = JSON.parse(
  readFileSync(new URL("../corpora/installer/scripts.json", import.meta.url), "utf8"),
) as ScriptsCorpus;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe("#!python rewriting (pypa/installer vectors)", () => {
  for (const { input, python, expected } of corpus.shebang_rewrite) {
    test(JSON.stringify(input), () => {
      const bytes = encoder.encode(input);
      const rewritten = rewriteShebang(bytes, python);
      assert.equal(decoder.decode(rewritten ?? bytes), expected);
    });
  }

  test("the rest of the file is kept byte for byte, CRLF included", () => {
    const input = new Uint8Array([...encoder.encode("#!python\r\nprint(1)\r\n"), 0xff, 0x00]);
    const out = rewriteShebang(input, "/venv/bin/python")!;
    assert.deepEqual([...out], [...encoder.encode("#!/venv/bin/python\nprint(1)\r\n"), 0xff, 0x00]);
  });

  test("a long interpreter path uses the /bin/sh trick", () => {
    const python = `/${"x".repeat(130)}/bin/python`;
    const out = decoder.decode(rewriteShebang(encoder.encode("#!python\nbody\n"), python)!);
    assert.equal(out, `#!/bin/sh\n'''exec' '${python}' "$0" "$@"\n' '''\nbody\n`);
  });

  test("a quote in the path is shell-quoted", () => {
    assert.equal(
      shebangFor("/it's here/python"),
      `#!/bin/sh\n'''exec' '/it'\\''s here/python' "$0" "$@"\n' '''\n`,
    );
  });
});

describe("entry_points.txt (pypa/installer vectors)", () => {
  for (const { entry_points_txt, expected } of corpus.entry_points) {
    test(JSON.stringify(entry_points_txt), () => {
      const scripts = parseScriptEntryPoints(entry_points_txt, "entry_points.txt");
      assert.deepEqual(
        scripts.map((s) => [s.name, s.module, s.attr, s.section]),
        expected,
      );
    });
  }

  test("case, extras, comments and `:` separators", () => {
    const text =
      "# comment\n[console_scripts]\ncmdName = cmdmod:cmd\nwith-extra = pkg.cli:main [fancy]\n; c\n[gui_scripts]\nGui: pkg.gui:Main.run\n";
    assert.deepEqual(
      parseScriptEntryPoints(text, "e").map((s) => [s.name, s.module, s.attr, s.section]),
      [
        ["cmdName", "cmdmod", "cmd", "console"],
        ["with-extra", "pkg.cli", "main", "console"],
        ["Gui", "pkg.gui", "Main.run", "gui"],
      ],
    );
  });

  const invalid: [string, RegExp][] = [
    ["[console_scripts]\n../escape = a:b\n", /not a plain file name/],
    ["[console_scripts]\nsub/x = a:b\n", /not a plain file name/],
    ["[console_scripts]\nnoattr = module\n", /not `module:attribute`/],
    ["[console_scripts]\njust-a-name\n", /invalid line/],
  ];
  for (const [text, message] of invalid) {
    test(`refused: ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseScriptEntryPoints(text, "e"), {
        code: "invalid-entry-point",
        message,
      });
    });
  }
});

describe("launcher scripts (pypa/installer's POSIX template, as pip writes it)", () => {
  for (const script of corpus.posix_scripts) {
    test(`${script.section} ${JSON.stringify(script.executable)}`, () => {
      assert.equal(launcherScript(script, script.executable), script.content);
    });
  }
});

describe("WHEEL", () => {
  const table: [string, { rootIsPurelib: boolean } | RegExp][] = [
    ["Wheel-Version: 1.0\nRoot-Is-Purelib: true\n", { rootIsPurelib: true }],
    ["Wheel-Version: 1.1\r\nRoot-Is-Purelib: True\r\n", { rootIsPurelib: true }],
    ["Wheel-Version: 0.1\nRoot-Is-Purelib: false\n", { rootIsPurelib: false }],
    ["Wheel-Version: 1.0\n", { rootIsPurelib: false }],
    ["Wheel-Version: 2.0\nRoot-Is-Purelib: true\n", /Wheel-Version: 2\.0.*1\.x wheels only/],
    ["Root-Is-Purelib: true\n", /no `Wheel-Version`/],
    ["Wheel-Version: one\n", /invalid `Wheel-Version`/],
  ];
  for (const [text, expected] of table) {
    test(JSON.stringify(text), () => {
      if (expected instanceof RegExp) {
        assert.throws(() => parseWheelInfo(text, "x/WHEEL"), { message: expected });
      } else {
        assert.equal(parseWheelInfo(text, "x/WHEEL").rootIsPurelib, expected.rootIsPurelib);
      }
    });
  }
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RequirementsFileError } from "../../src/requirements-txt/index.ts";
import type { LineOptions } from "../../src/requirements-txt/line-options.ts";
import {
  parseRequirementsLine,
  type RequirementsLine,
} from "../../src/requirements-txt/requirements-line.ts";
import type { ErrorCode } from "../../src/support/index.ts";

const parse = (text: string): RequirementsLine =>
  parseRequirementsLine({ line: 7, text, column: 1 }, "reqs/r.txt");

function options(text: string): LineOptions {
  const line = parse(text);
  assert.equal(line.kind, "options", text);
  return (line as Extract<RequirementsLine, { kind: "options" }>).options;
}

/** Asserts that `text` is rejected with `code` and exactly `message`. */
function rejects(text: string, code: ErrorCode, message: string, hint?: RegExp) {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(error instanceof RequirementsFileError, text);
      assert.equal(error.code, code, text);
      assert.equal(error.message, message, text);
      assert.equal(error.file, "reqs/r.txt");
      assert.equal(error.line, 7);
      if (hint) assert.match(error.hint ?? "", hint, text);
      return true;
    },
  );
}

describe("a requirement line", () => {
  test("is the words before the first one starting with `-`", () => {
    const cases: [string, string, string[]][] = [
      ["SomeProject", "SomeProject", []],
      ["SomeProject >= 2", "SomeProject >= 2", []],
      ["pkg==1.0 --hash=sha256:abc", "pkg==1.0", ["sha256:abc"]],
      [
        "pkg==1.0     --hash sha256:abc   --hash=sha512:def",
        "pkg==1.0    ",
        ["sha256:abc", "sha512:def"],
      ],
      ["./dir-name/pkg", "./dir-name/pkg", []],
    ];
    for (const [text, requirement, hashes] of cases) {
      const line = parse(text);
      assert.equal(line.kind, "requirement", text);
      if (line.kind !== "requirement") continue;
      assert.equal(line.text, requirement, text);
      assert.equal(line.editable, false);
      assert.deepEqual(line.options.hashes, hashes, text);
    }
  });

  test("may carry --config-settings, repeated keys collecting a list", () => {
    const line = parse('pkg -C a=1 --config-settings="b=2 3" --config-setting a=4 -Cc=');
    assert.equal(line.kind, "requirement");
    if (line.kind !== "requirement") return;
    assert.deepEqual(
      [...line.options.configSettings],
      [
        ["a", ["1", "4"]],
        ["b", "2 3"],
        ["c", ""],
      ],
    );
  });

  test("-e / --editable takes the requirement from the option", () => {
    const cases: [string, string][] = [
      ["-e .", "."],
      ["-e.", "."],
      ["--editable=./path[extra]", "./path[extra]"],
      ["--editable 'git+https://host/repo#egg=name'", "git+https://host/repo#egg=name"],
      ["-e ./pkg --config-settings k=v", "./pkg"],
    ];
    for (const [text, requirement] of cases) {
      const line = parse(text);
      assert.equal(line.kind, "requirement", text);
      if (line.kind !== "requirement") continue;
      assert.equal(line.text, requirement, text);
      assert.equal(line.editable, true, text);
    }
  });

  test("rejects options that belong elsewhere", () => {
    rejects(
      "pkg --index-url https://host/simple",
      "requirements-file-option",
      "`--index-url` is not allowed on a requirement line at reqs/r.txt:7",
      /on a line of its own/,
    );
    rejects(
      "pkg -r other.txt",
      "requirements-file-option",
      "`--requirement` is not allowed on a requirement line at reqs/r.txt:7",
    );
    rejects(
      "pkg -e ./other",
      "requirements-file-option",
      "`-e` cannot follow a requirement on the same line; one requirement per line at reqs/r.txt:7",
    );
    rejects(
      "-e ./pkg --hash=sha256:abc",
      "requirements-file-option",
      "`--hash` is not allowed on an editable line at reqs/r.txt:7",
    );
    rejects("-e ./a -e ./b", "requirements-file-option", "Only one `-e` per line at reqs/r.txt:7");
    rejects(
      "--hash=sha256:abc",
      "requirements-file-option",
      "`--hash` must follow a requirement on the same line at reqs/r.txt:7",
      /end that line with `\\`/,
    );
  });
});

describe("an include line", () => {
  test("-r / -c in every spelling", () => {
    const cases: [string, string, boolean][] = [
      ["-r other.txt", "other.txt", false],
      ["-rother.txt", "other.txt", false],
      ["--requirement=other.txt", "other.txt", false],
      ["--requirement 'my reqs.txt'", "my reqs.txt", false],
      ["--requirem other.txt", "other.txt", false],
      ["-c constraints.txt", "constraints.txt", true],
      ["--constraint=constraints.txt", "constraints.txt", true],
    ];
    for (const [text, path, constraint] of cases) {
      assert.deepEqual(parse(text), {
        kind: "include",
        location: { file: "reqs/r.txt", line: 7 },
        path,
        constraint,
      });
    }
  });

  test("must be alone on its line", () => {
    for (const text of ["-r a.txt -r b.txt", "-r a.txt -c b.txt", "-r a.txt --pre"]) {
      rejects(
        text,
        "requirements-file-option",
        "`-r` and `-c` must be alone on their line at reqs/r.txt:7",
      );
    }
  });
});

describe("an options line", () => {
  test("index options, in all the spellings optparse accepts", () => {
    for (const text of [
      "-i url",
      "-iurl",
      "-i 'url'",
      "--index-url=url",
      "--index-url url",
      "--index-url='url'",
      "--pypi-url url",
      "--index url",
    ]) {
      assert.equal(options(text).indexUrl, "url", text);
    }
    const o = options("--extra-index-url a --extra-index-url=b -f c --find-links=d --no-index");
    assert.deepEqual(o.extraIndexUrls, ["a", "b"]);
    assert.deepEqual(o.findLinks, ["c", "d"]);
    assert.equal(o.noIndex, true);
  });

  test("flags", () => {
    const o = options("--pre --prefer-binary --require-hashes");
    assert.deepEqual(
      [o.pre, o.preferBinary, o.requireHashes, o.noIndex],
      [true, true, true, false],
    );
    assert.deepEqual(options("--pre").given, ["--pre"]);
  });

  test("--trusted-host and --use-feature", () => {
    const o = options("--trusted-host=host1 --trusted-host host2:8080 --use-feature=fast-deps");
    assert.deepEqual(o.trustedHosts, ["host1", "host2:8080"]);
    assert.deepEqual(o.features, ["fast-deps"]);
  });

  test("--no-binary / --only-binary exclude each other, :all: and :none: as in pip", () => {
    const cases: [string, string[], string[]][] = [
      ["--no-binary fred", ["fred"], []],
      ["--only-binary=Numpy,scipy", [], ["numpy", "scipy"]],
      ["--no-binary :all:", [":all:"], []],
      ["--no-binary :all: --only-binary numpy", [":all:"], ["numpy"]],
      ["--only-binary numpy --no-binary :all:", [":all:"], []],
      ["--no-binary a,b --only-binary b", ["a"], ["b"]],
      ["--no-binary a --no-binary :none:", [], []],
      ["--no-binary :all:,:none:,a", ["a"], []],
      ["--no-binary :all:,b", [":all:"], []],
    ];
    for (const [text, noBinary, onlyBinary] of cases) {
      assert.deepEqual(options(text).formatControl, { noBinary, onlyBinary }, text);
    }
  });

  test("--all-releases / --only-final work the same way", () => {
    assert.deepEqual(options("--all-releases :all:").releaseControl, {
      allReleases: [":all:"],
      onlyFinal: [],
    });
    assert.deepEqual(options("--only-final pkg1,Pkg_2").releaseControl, {
      allReleases: [],
      onlyFinal: ["pkg1", "pkg-2"],
    });
  });

  test("rejects unknown, ambiguous, incomplete and invalid options", () => {
    const cases: [string, ErrorCode, string][] = [
      ["--bogus", "requirements-file-option", "Unknown option `--bogus` at reqs/r.txt:7"],
      ["-x foo", "requirements-file-option", "Unknown option `-x` at reqs/r.txt:7"],
      [
        "--no-use-wheel",
        "requirements-file-option",
        "Unknown option `--no-use-wheel` at reqs/r.txt:7",
      ],
      [
        "--no",
        "requirements-file-option",
        "Ambiguous option `--no` (could be `--no-index`, `--no-binary`) at reqs/r.txt:7",
      ],
      ["--index-url", "requirements-file-option", "`--index-url` needs a value at reqs/r.txt:7"],
      ["-i", "requirements-file-option", "`-i` needs a value at reqs/r.txt:7"],
      ["--pre=yes", "requirements-file-option", "`--pre` does not take a value at reqs/r.txt:7"],
      [
        "--no-binary --pre",
        "requirements-file-option",
        "`--no-binary` needs a value, found `--pre` at reqs/r.txt:7",
      ],
      [
        "--no-binary a,b!",
        "requirements-file-option",
        'Invalid package name in `--no-binary a,b!`: Not a valid package name: "b!" at reqs/r.txt:7',
      ],
      [
        "--use-feature=resolvelib",
        "requirements-file-option",
        "Unknown `--use-feature` value `resolvelib` (choose from `fast-deps`, `inprocess-build-deps`, `venv-isolation`, `truststore`, `no-binary-enable-wheel-cache`, `build-constraint`) at reqs/r.txt:7",
      ],
      [
        "pkg==1.0.0 --hash=somehash",
        "requirements-file-option",
        "`--hash` needs a hash name and a value, like `--hash=sha256:abcde…`, found `somehash` at reqs/r.txt:7",
      ],
      [
        "pkg --hash=md5:abc",
        "requirements-file-option",
        "Unsupported hash algorithm `md5` in `--hash=md5:abc` (allowed: sha256, sha384, sha512) at reqs/r.txt:7",
      ],
      [
        "pkg -C novalue",
        "requirements-file-option",
        "`--config-settings` needs `KEY=VALUE`, found `novalue` at reqs/r.txt:7",
      ],
      [
        "--'data",
        "requirements-file-syntax",
        "Could not split options `--'data` (unclosed quote or trailing backslash) at reqs/r.txt:7",
      ],
      ["-r a.txt b.txt", "requirements-file-option", "Unexpected argument `b.txt` at reqs/r.txt:7"],
      [
        "--index-url https://user:pw@host/simple https://user:pw@other/simple",
        "requirements-file-option",
        "Unexpected argument `https://user:****@other/simple` at reqs/r.txt:7",
      ],
    ];
    for (const [text, code, message] of cases) rejects(text, code, message);
  });

  test("an unknown option's error lists the supported ones", () => {
    rejects(
      "--bogus",
      "requirements-file-option",
      "Unknown option `--bogus` at reqs/r.txt:7",
      /-i\/--index-url/,
    );
  });
});

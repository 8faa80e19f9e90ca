import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { VersionSpecifiers } from "../../src/pep440/index.ts";
import { Requirement } from "../../src/pep508/index.ts";
import {
  isDynamic,
  isStaticForResolution,
  type Metadata,
  parseCoreMetadata,
} from "../../src/pypi-types/index.ts";
import { type ErrorCode, PuffinError } from "../../src/support/index.ts";

const corpus = (path: string) => readFileSync(new URL(`../corpora/${path}`, import.meta.url));

const strings = (values: readonly { toString(): string }[]) => values.map(String);
/** Expected requirements and specifiers are written in any valid form and compared normalized. */
const requirements = (values: string[]) => values.map((s) => Requirement.parse(s).toString());
const specifiers = (value: string) => VersionSpecifiers.parse(value).toString();

interface Summary {
  metadataVersion: string | undefined;
  name: string;
  version: string;
  requiresDist: string[];
  requiresPython: string | undefined;
  providesExtra: string[];
  dynamic: string[];
}

/** The expected summary with its requirements and specifiers normalized. */
function normalized(expected: Summary): Summary {
  return {
    ...expected,
    requiresDist: requirements(expected.requiresDist),
    requiresPython:
      expected.requiresPython === undefined ? undefined : specifiers(expected.requiresPython),
  };
}

/** The resolver-facing fields of `metadata`, as strings, for table comparisons. */
function summarize(metadata: Metadata): Summary {
  return {
    metadataVersion: metadata.metadataVersion,
    name: metadata.name,
    version: metadata.version.toString(),
    requiresDist: strings(metadata.requiresDist),
    requiresPython: metadata.requiresPython?.toString(),
    providesExtra: [...metadata.providesExtra],
    dynamic: [...metadata.dynamic],
  };
}

function assertPuffinError(
  fn: () => unknown,
  code: ErrorCode,
  message: RegExp,
  causeCode?: ErrorCode,
) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof PuffinError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    if (causeCode !== undefined) {
      assert.ok(error.cause instanceof PuffinError, "the parser's error is chained as the cause");
      assert.equal(error.cause.code, causeCode);
    }
    return true;
  });
}

describe("parseCoreMetadata: pypa/packaging's everything.metadata (2.5, every field)", () => {
  const metadata = parseCoreMetadata(corpus("packaging/raw/everything.metadata"));

  test("resolver fields", () => {
    assert.deepEqual(
      summarize(metadata),
      normalized({
        metadataVersion: "2.5",
        name: "beaglevote",
        version: "1.0a2",
        requiresDist: [
          'reportlab ; extra == "pdf"',
          "pkginfo",
          "PasteDeploy",
          "zope.interface (>3.5.0)",
          'pywin32>1.0 ; sys_platform == "win32"',
        ],
        requiresPython: ">=3",
        providesExtra: ["pdf"],
        dynamic: ["obsoletes-dist"],
      }),
    );
    assert.deepEqual(metadata.warnings, []);
  });

  test("raw fields, multiple-use fields in file order, continuation lines kept", () => {
    assert.equal(metadata.summary, "A module for collecting votes from beagles.");
    assert.equal(metadata.description, "This description intentionally left blank.\n");
    assert.equal(metadata.descriptionContentType, "text/markdown; charset=UTF-8; variant=GFM");
    assert.equal(metadata.keywords, "dog,puppy,voting,election");
    assert.equal(metadata.homePage, "http://www.example.com/~cschultz/bvote/");
    assert.equal(metadata.downloadUrl, "…/BeagleVote-0.45.tgz");
    const schultz =
      "C. Schultz, Universal Features Syndicate,\n        Los Angeles, CA <cschultz@peanuts.example.com>";
    assert.equal(metadata.author, schultz);
    assert.equal(metadata.maintainer, schultz);
    assert.equal(metadata.authorEmail, '"C. Schultz" <cschultz@example.com>');
    assert.equal(metadata.maintainerEmail, '"C. Schultz" <cschultz@example.com>');
    assert.equal(
      metadata.license,
      "This software may only be obtained by sending the\n        author a postcard, and then the user promises not\n        to redistribute it.",
    );
    assert.equal(metadata.licenseExpression, "Apache-2.0 OR BSD-2-Clause");
    assert.deepEqual(metadata.licenseFiles, ["LICENSE.APACHE", "LICENSE.BSD"]);
    assert.deepEqual(metadata.classifiers, [
      "Development Status :: 4 - Beta",
      "Environment :: Console (Text Based)",
    ]);
    assert.deepEqual(metadata.platforms, ["ObscureUnix", "RareDOS"]);
    assert.deepEqual(metadata.supportedPlatforms, ["RedHat 7.2", "i386-win32-2791"]);
    assert.deepEqual(metadata.projectUrls, [
      "Bug Tracker, http://bitbucket.org/tarek/distribute/issues/",
      "Documentation, https://example.com/BeagleVote",
    ]);
    assert.deepEqual(metadata.requiresExternal, [
      "C",
      "libpng (>=1.5)",
      'make; sys_platform != "win32"',
    ]);
    assert.deepEqual(metadata.providesDist, [
      "OtherProject",
      "AnotherProject (3.4)",
      'virtual_package; python_version >= "3.4"',
    ]);
    assert.deepEqual(metadata.obsoletesDist, []);
  });

  test("fields this type does not model stay reachable through headers", () => {
    assert.deepEqual(metadata.headers.getAll("Import-Name"), [
      "beaglevote",
      "_beaglevote ; private",
    ]);
    assert.deepEqual(metadata.headers.getAll("Import-Namespace"), ["spam", "_bacon ; private"]);
    assert.equal(metadata.headers.get("ThisIsNotReal"), "Hello!");
  });
});

describe("parseCoreMetadata: pypa/distlib PKG-INFO samples", () => {
  test("PKG-INFO (1.2): legacy markers, and the `       |` Description continuation", () => {
    const metadata = parseCoreMetadata(corpus("distlib/PKG-INFO"));
    assert.deepEqual(
      summarize(metadata),
      normalized({
        metadataVersion: "1.2",
        name: "clvault",
        version: "0.5",
        requiresDist: ['foo ; sys_platform == "okook"', 'bar ; sys_platform == "%s"'],
        requiresPython: undefined,
        providesExtra: [],
        dynamic: [],
      }),
    );
    assert.equal(metadata.keywords, "keyring,password,crypt");
    assert.deepEqual(metadata.platforms, ["UNKNOWN"]);
    const description = metadata.description!;
    assert.ok(description.startsWith("CLVault\n=======\n\nCLVault uses Keyring to provide"));
    assert.ok(description.includes("\n    $ python setup.py install\n"), "indentation survives");
    assert.ok(description.endsWith("Project page: http://bitbucket.org/tarek/clvault\n"));
    assert.equal(metadata.headers.body, undefined);
  });

  // Both setuptools samples have *empty* lines inside their indented Description. Python's
  // email parser (and so pip, importlib.metadata and packaging) ends the headers at the first
  // one: the rest of the description and the trailing Keywords/Classifier/Requires lines become
  // the body. We read them exactly as Python does rather than guess.
  for (const [file, metadataVersion] of [
    ["SETUPTOOLS-PKG-INFO", "1.0"],
    ["SETUPTOOLS-PKG-INFO2", "1.1"],
  ] as const) {
    test(`${file} (${metadataVersion}): an empty line inside Description ends the headers`, () => {
      const metadata = parseCoreMetadata(corpus(`distlib/${file}`));
      assert.equal(metadata.metadataVersion, metadataVersion);
      assert.equal(metadata.name, "setuptools");
      assert.equal(metadata.version.toString(), "0.6rc9");
      assert.equal(metadata.authorEmail, "distutils-sig@python.org");
      assert.equal(metadata.license, "PSF or ZPL");
      assert.equal(
        metadata.description,
        "===============================\nInstalling and Using Setuptools\n===============================",
      );
      assert.deepEqual(metadata.classifiers, []);
      assert.deepEqual(metadata.headers.getAll("Requires"), []);
      assert.ok(metadata.headers.body!.startsWith("        .. contents:: **Table of Contents**\n"));
      assert.ok(metadata.headers.body!.includes("\nClassifier: Topic :: Utilities\n"));
    });
  }
});

describe("parseCoreMetadata: one document per Metadata-Version", () => {
  const cases: { version: string; text: string; expected: Summary }[] = [
    {
      version: "1.0",
      text: "Metadata-Version: 1.0\nName: Old_Pkg\nVersion: 1.0\nSummary: s\nPlatform: any\nLicense: MIT\n",
      expected: {
        metadataVersion: "1.0",
        name: "old-pkg",
        version: "1.0",
        requiresDist: [],
        requiresPython: undefined,
        providesExtra: [],
        dynamic: [],
      },
    },
    {
      // 1.1 (PEP 314) added Requires/Provides/Obsoletes, which no installer uses.
      version: "1.1",
      text: "Metadata-Version: 1.1\nName: p\nVersion: 2\nRequires: re\nProvides: p\nClassifier: A :: B\n",
      expected: {
        metadataVersion: "1.1",
        name: "p",
        version: "2",
        requiresDist: [],
        requiresPython: undefined,
        providesExtra: [],
        dynamic: [],
      },
    },
    {
      // 1.2 (PEP 345) added Requires-Dist (with parenthesized versions) and Requires-Python.
      version: "1.2",
      text: "Metadata-Version: 1.2\nName: p\nVersion: 1.0\nRequires-Dist: a (>=1.0, <2)\nRequires-Dist: b; python_version < '3'\nRequires-Python: >=2.6\n",
      expected: {
        metadataVersion: "1.2",
        name: "p",
        version: "1.0",
        requiresDist: ["a>=1.0, <2", 'b ; python_version < "3"'],
        requiresPython: ">=2.6",
        providesExtra: [],
        dynamic: [],
      },
    },
    {
      // 2.1 (PEP 566) added Provides-Extra, Description-Content-Type and the body.
      version: "2.1",
      text: "Metadata-Version: 2.1\nName: p\nVersion: 1.0\nRequires-Python: >=3.7\nProvides-Extra: Test_All\nRequires-Dist: pytest ; extra == 'test-all'\n\n# p\n",
      expected: {
        metadataVersion: "2.1",
        name: "p",
        version: "1.0",
        requiresDist: ['pytest ; extra == "test-all"'],
        requiresPython: ">=3.7",
        providesExtra: ["test-all"],
        dynamic: [],
      },
    },
    {
      // 2.2 (PEP 643) added Dynamic.
      version: "2.2",
      text: "Metadata-Version: 2.2\nName: p\nVersion: 1.0\nDynamic: Requires-Dist\nDynamic: Summary\n",
      expected: {
        metadataVersion: "2.2",
        name: "p",
        version: "1.0",
        requiresDist: [],
        requiresPython: undefined,
        providesExtra: [],
        dynamic: ["requires-dist", "summary"],
      },
    },
    {
      // 2.3 (PEP 685) requires normalized extra names.
      version: "2.3",
      text: 'Metadata-Version: 2.3\nName: p\nVersion: 1.0\nProvides-Extra: dev\nRequires-Dist: ruff; extra == "dev"\n',
      expected: {
        metadataVersion: "2.3",
        name: "p",
        version: "1.0",
        requiresDist: ['ruff ; extra == "dev"'],
        requiresPython: undefined,
        providesExtra: ["dev"],
        dynamic: [],
      },
    },
    {
      // 2.4 (PEP 639) added License-Expression and License-File.
      version: "2.4",
      text: "Metadata-Version: 2.4\nName: p\nVersion: 1.0\nLicense-Expression: MIT\nLicense-File: LICENSE\nRequires-Dist: numpy>=1.26\n",
      expected: {
        metadataVersion: "2.4",
        name: "p",
        version: "1.0",
        requiresDist: ["numpy>=1.26"],
        requiresPython: undefined,
        providesExtra: [],
        dynamic: [],
      },
    },
    {
      // 2.5 (PEP 794) added Import-Name and Import-Namespace.
      version: "2.5",
      text: "Metadata-Version: 2.5\nName: p\nVersion: 1.0\nImport-Name: p\nRequires-Dist: attrs\n",
      expected: {
        metadataVersion: "2.5",
        name: "p",
        version: "1.0",
        requiresDist: ["attrs"],
        requiresPython: undefined,
        providesExtra: [],
        dynamic: [],
      },
    },
  ];
  for (const { version, text, expected } of cases) {
    test(`Metadata-Version ${version}`, () => {
      const metadata = parseCoreMetadata(text);
      assert.deepEqual(summarize(metadata), normalized(expected));
      assert.deepEqual(metadata.warnings, []);
    });
  }

  test("2.1+: the body is the description; a Description header wins over a body", () => {
    assert.equal(parseCoreMetadata(cases[3]!.text).description, "# p\n");
    assert.equal(
      parseCoreMetadata("Name: p\nVersion: 1\nDescription: header\n\nbody").description,
      "header",
    );
  });

  test("a 1.x Description indented by setuptools loses its 8-space indentation", () => {
    const text =
      "Metadata-Version: 1.1\nName: p\nVersion: 1\nDescription: Title\n        =====\n        \n            code\n";
    assert.equal(parseCoreMetadata(text).description, "Title\n=====\n\n    code");
  });
});

describe("parseCoreMetadata: required fields and errors", () => {
  test("Name and Version are required", () => {
    assertPuffinError(
      () => parseCoreMetadata("Metadata-Version: 1.0"),
      "invalid-metadata",
      /`Name` field is missing/,
    );
    assertPuffinError(
      () => parseCoreMetadata("Metadata-Version: 1.0\nName: asdf"),
      "invalid-metadata",
      /`Version` field is missing/,
    );
    assertPuffinError(
      () => parseCoreMetadata("Name:\nVersion: 1"),
      "invalid-metadata",
      /`Name` field is missing/,
    );
  });

  test("an invalid Name or Version says which field and chains the parser's error", () => {
    assertPuffinError(
      () => parseCoreMetadata("Name: foo bar\nVersion: 1"),
      "invalid-metadata",
      /^Invalid `Name` in metadata: "foo bar" is not a valid name$/,
      "invalid-package-name",
    );
    assertPuffinError(
      () => parseCoreMetadata("Name: foo\nVersion: 1.0-SNAPSHOT"),
      "invalid-metadata",
      /^Invalid `Version` in metadata: "1.0-SNAPSHOT" is not a valid version$/,
      "invalid-version",
    );
  });

  test("an unreadable Requires-Dist is an error naming the line", () => {
    assertPuffinError(
      () => parseCoreMetadata("Name: p\nVersion: 1\nRequires-Dist: ok\nRequires-Dist: bad (>=\n"),
      "invalid-metadata",
      /^Invalid `Requires-Dist` in metadata: "bad \(>=" is not a valid requirement$/,
      "invalid-requirement",
    );
  });

  test("a Metadata-Version with a newer major version is refused", () => {
    assertPuffinError(
      () => parseCoreMetadata("Metadata-Version: 3.0\nName: p\nVersion: 1"),
      "unsupported-metadata-version",
      /"3.0"/,
    );
  });

  test("a missing, malformed or newer-minor Metadata-Version is read with a warning", () => {
    const cases: [string, string][] = [
      ["Name: p\nVersion: 1", "The metadata has no `Metadata-Version`"],
      ["Metadata-Version: two\nName: p\nVersion: 1", '`Metadata-Version` "two" is not a version'],
      ["Metadata-Version: 2.6\nName: p\nVersion: 1", "`Metadata-Version` 2.6 is newer than 2.5"],
    ];
    for (const [text, warning] of cases) {
      assert.deepEqual(parseCoreMetadata(text).warnings, [warning]);
    }
  });
});

describe("parseCoreMetadata: lenient reading of legacy metadata", () => {
  // The legacy spellings uv repairs (crates/uv-pypi-types/src/lenient_requirement.rs tests).
  const requiresDist: [string, string][] = [
    ["elasticsearch-dsl (>=7.2.0<8.0.0)", "elasticsearch-dsl>=7.2.0, <8.0.0"],
    ["jupyter-core (!=~5.0,>=4.12)", "jupyter-core!=5.0.*, >=4.12"],
    ["torch (>=1.9.*)", "torch>=1.9"],
    ["pyzmq (>=2.7,!=3.0*,!=3.1*,!=3.2*)", "pyzmq>=2.7, !=3.0.*, !=3.1.*, !=3.2.*"],
    ["botocore>=1.3.0,<1.4.0',", "botocore>=1.3.0, <1.4.0"],
    ['numpy ">=1.19"; python_version >= "3.7"', 'numpy>=1.19 ; python_version >= "3.7"'],
    ["pkg (>=9.0.0a1.0)", "pkg>=9.0.0a1"],
  ];
  for (const [written, readAs] of requiresDist) {
    test(`Requires-Dist: ${written}`, () => {
      const metadata = parseCoreMetadata(`Name: p\nVersion: 1\nRequires-Dist: ${written}\n`);
      assert.deepEqual(strings(metadata.requiresDist), requirements([readAs]));
      assert.equal(metadata.warnings.length, 2, "no Metadata-Version, and the repair");
      assert.match(metadata.warnings[1]!, /^Repaired invalid `Requires-Dist`/);
    });
  }

  const requiresPython: [string, string][] = [
    [">=2.7.*", ">=2.7"],
    [">= '3.6'", ">=3.6"],
    ['>="3.6"', ">=3.6"],
    [">=2.7,!=3.0*,!=3.1*,!=3.2*", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*"],
    [">=2.7,!=3.0.*,!=3.1.*,<3.4.*", ">=2.7, !=3.0.*, !=3.1.*, <3.4"],
    [">=2.7, !=3.0.*, !=3.1.*', !=3.2.*'", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*"],
  ];
  for (const [written, readAs] of requiresPython) {
    test(`Requires-Python: ${written}`, () => {
      const metadata = parseCoreMetadata(
        `Metadata-Version: 2.1\nName: p\nVersion: 1\nRequires-Python: ${written}\n`,
      );
      assert.equal(metadata.requiresPython?.toString(), specifiers(readAs));
      assert.match(metadata.warnings[0]!, /^Repaired invalid `Requires-Python`/);
    });
  }

  test("an unrepairable Requires-Python is ignored with a warning, as pip does", () => {
    const metadata = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: p\nVersion: 1\nRequires-Python: python3\n",
    );
    assert.equal(metadata.requiresPython, undefined);
    assert.equal(metadata.warnings.length, 1);
    assert.match(metadata.warnings[0]!, /^Ignoring invalid `Requires-Python` "python3": /);
  });

  test("a trailing comma is valid as it is (packaging accepts it too)", () => {
    for (const written of [">=3.6,", ">=3.6, "]) {
      const metadata = parseCoreMetadata(
        `Metadata-Version: 2.1\nName: p\nVersion: 1\nRequires-Python: ${written}\nRequires-Dist: pyzmq ${written}\n`,
      );
      assert.equal(metadata.requiresPython?.toString(), specifiers(">=3.6"));
      assert.deepEqual(strings(metadata.requiresDist), requirements(["pyzmq>=3.6"]));
      assert.deepEqual(metadata.warnings, []);
    }
  });

  test("valid values are never rewritten (no warning)", () => {
    const metadata = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: p\nVersion: 1\nRequires-Python: >=3.8, !=3.9.*\nRequires-Dist: a[x] (==1.*) ; extra == 'y'\nRequires-Dist: b @ https://e.com/b-1.0.tar.gz#sha256=ab\n",
    );
    assert.deepEqual(metadata.warnings, []);
  });

  test("an invalid Provides-Extra is skipped with a warning; valid ones are normalized", () => {
    const metadata = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: p\nVersion: 1\nProvides-Extra: Foo_Bar\nProvides-Extra: not valid!\n",
    );
    assert.deepEqual(metadata.providesExtra, ["foo-bar"]);
    assert.match(metadata.warnings[0]!, /^Ignoring invalid `Provides-Extra` "not valid!": /);
  });

  test("a Requires-Dist folded over two lines is read as one", () => {
    const metadata = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: p\nVersion: 1\nRequires-Dist: a>=1,\n  <2; python_version >= '3'\n",
    );
    assert.deepEqual(
      strings(metadata.requiresDist),
      requirements(['a>=1, <2 ; python_version >= "3"']),
    );
  });

  test("surrounding whitespace of Name and Version is ignored", () => {
    const metadata = parseCoreMetadata("Metadata-Version: 2.1\nName:  p  \nVersion: 1.0 \t\n");
    assert.equal(metadata.name, "p");
    assert.equal(metadata.version.toString(), "1.0");
  });

  test("a CRLF file with a Latin-1 author still yields its dependencies", () => {
    const bytes = Buffer.concat([
      Buffer.from("Metadata-Version: 2.1\r\nName: p\r\nVersion: 1\r\nAuthor: Ren"),
      Buffer.from([0xe9]),
      Buffer.from(
        "\r\nRequires-Dist: a\r\nRequires-Dist: b; extra == 'x'\r\nProvides-Extra: x\r\n\r\nDescription\r\n",
      ),
    ]);
    const metadata = parseCoreMetadata(bytes);
    assert.deepEqual(strings(metadata.requiresDist), requirements(["a", 'b ; extra == "x"']));
    assert.equal(metadata.author, "René");
    assert.equal(metadata.description, "Description\n");
    assert.deepEqual(metadata.warnings, ["Line 4 is not valid UTF-8; read it as Latin-1"]);
  });
});

describe("Dynamic (PEP 643)", () => {
  const parse = (version: string, ...dynamic: string[]) =>
    parseCoreMetadata(
      [
        `Metadata-Version: ${version}`,
        "Name: p",
        "Version: 1",
        ...dynamic.map((d) => `Dynamic: ${d}`),
      ].join("\n"),
    );

  test("field names are compared case-insensitively and stored lowercased", () => {
    const metadata = parse("2.2", "Requires-Dist", "CLASSIFIER");
    assert.deepEqual(metadata.dynamic, ["requires-dist", "classifier"]);
    assert.equal(isDynamic(metadata, "requires-dist"), true);
    assert.equal(isDynamic(metadata, "Classifier"), true);
    assert.equal(isDynamic(metadata, "Requires-Python"), false);
  });

  test("Name, Version and Metadata-Version can never be dynamic", () => {
    const metadata = parse("2.2", "Version", "name", "Summary");
    assert.deepEqual(metadata.dynamic, ["summary"]);
    assert.deepEqual(metadata.warnings, [
      "Ignoring `Dynamic: Version`: that field can never be dynamic",
      "Ignoring `Dynamic: name`: that field can never be dynamic",
    ]);
    for (const version of ["1.0", "2.1", "2.2"]) {
      for (const field of ["Name", "Version", "Metadata-Version"]) {
        assert.equal(isDynamic(parse(version), field), false, `${version} ${field}`);
      }
    }
  });

  test("before 2.2 nothing is promised: every other field may change", () => {
    for (const version of ["1.0", "1.2", "2.1"]) {
      assert.equal(isDynamic(parse(version), "Requires-Dist"), true, version);
      assert.equal(isStaticForResolution(parse(version)), false, version);
    }
    assert.equal(isDynamic(parseCoreMetadata("Name: p\nVersion: 1"), "Requires-Dist"), true);
  });

  test("from 2.2 on, PKG-INFO can replace a build unless a resolver field is dynamic", () => {
    for (const version of ["2.2", "2.3", "2.4", "2.5"]) {
      assert.equal(isStaticForResolution(parse(version)), true, version);
      assert.equal(isStaticForResolution(parse(version, "License", "Summary")), true, version);
      for (const field of ["Requires-Dist", "Requires-Python", "Provides-Extra"]) {
        assert.equal(isStaticForResolution(parse(version, field)), false, `${version} ${field}`);
      }
    }
  });
});

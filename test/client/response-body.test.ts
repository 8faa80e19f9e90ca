import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  announcedLength,
  bodyProblem,
  bodyProblemCode,
  describeBodyProblem,
} from "../../src/client/response-body.ts";

const errorWithCode = (code: string) => Object.assign(new Error(code), { code });

describe("response bodies", () => {
  test("what a broken body is called, and its code", () => {
    const cases: [unknown, number, number | undefined, string, string][] = [
      [
        errorWithCode("UND_ERR_BODY_TIMEOUT"),
        5,
        10,
        "body stalled: no data for 30s",
        "http-timeout",
      ],
      [
        new Error("read", { cause: errorWithCode("ECONNRESET") }),
        1_258_291,
        3_565_158,
        "connection reset after 1.2 MiB of 3.4 MiB",
        "http-connection",
      ],
      [
        errorWithCode("ECONNRESET"),
        808,
        862,
        "connection reset after 808 of 862 bytes",
        "http-connection",
      ],
      [
        errorWithCode("UND_ERR_SOCKET"),
        500,
        1000,
        "truncated: got 500 of 1000 bytes",
        "http-truncated",
      ],
      [
        errorWithCode("UND_ERR_SOCKET"),
        2048,
        undefined,
        "connection closed after 2.0 KiB: other side closed",
        "http-connection",
      ],
    ];
    for (const [error, received, total, message, code] of cases) {
      const problem = bodyProblem(error, {
        received,
        total,
        idleMs: 30_000,
        reason: "other side closed",
      });
      assert.equal(describeBodyProblem(problem), message);
      assert.equal(bodyProblemCode(problem), code);
    }
  });

  test("the announced length: Content-Length, else a 206's Content-Range, never a bodyless status", () => {
    assert.equal(announcedLength(200, { "content-length": "42" }), 42);
    assert.equal(announcedLength(206, { "content-range": "bytes 10-19/100" }), 10);
    assert.equal(
      announcedLength(206, { "content-length": "5", "content-range": "bytes 10-19/100" }),
      5,
    );
    assert.equal(announcedLength(200, {}), undefined);
    assert.equal(announcedLength(200, { "content-length": "nope" }), undefined);
    assert.equal(announcedLength(304, { "content-length": "42" }), undefined);
    assert.equal(announcedLength(204, { "content-length": "42" }), undefined);
  });
});

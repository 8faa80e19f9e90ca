import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crc32, tableCrc32 } from "../../src/zip/crc32.ts";

describe("crc32", () => {
  const cases: [string, Uint8Array, number][] = [
    ["empty", new Uint8Array(0), 0],
    ["the check value of CRC-32/ISO-HDLC", Buffer.from("123456789"), 0xcbf43926],
    ["a pangram", Buffer.from("The quick brown fox jumps over the lazy dog"), 0x414fa339],
  ];
  for (const [what, data, expected] of cases) {
    it(`${what}: native and table implementations agree with the known value`, () => {
      assert.equal(crc32(data), expected);
      assert.equal(tableCrc32(data), expected);
    });
  }

  it("continues from a previous value", () => {
    const whole = Buffer.from("hello, world");
    const first = tableCrc32(whole.subarray(0, 5));
    assert.equal(tableCrc32(whole.subarray(5), first), crc32(whole));
    assert.equal(crc32(whole.subarray(5), crc32(whole.subarray(0, 5))), crc32(whole));
  });

  it("agrees with the native one on every byte value", () => {
    const all = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    assert.equal(tableCrc32(all), crc32(all));
  });
});

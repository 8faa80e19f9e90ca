// Types for the parts of `js-lzma` (https://www.npmjs.com/package/js-lzma, MIT) that
// tar-decompression.ts uses; the package ships none.
declare module "js-lzma" {
  /** Where the decoder reads from: the whole `.lzma` file, byte by byte. */
  export interface LzmaInStream {
    readonly size: number;
    readByte(): number;
  }
  /** Where the decoder writes every decoded byte. */
  export interface LzmaOutStream {
    writeByte(byte: number): void;
  }
  /**
   * Decodes an LZMA-alone (`.lzma`) file: its 13-byte header, then the data. Throws a string
   * (not an Error) for a bad header or corrupt data.
   */
  export function decompressFile(inStream: LzmaInStream, outStream: LzmaOutStream): boolean;
}

import type { HttpClient } from "../client/index.ts";
import { HashingFileSink } from "../client/index.ts";
import { describeSystemError, PuffinError } from "../support/index.ts";

/** What a download tells as it goes: its start (with its size when known), each chunk, its end. */
export interface DownloadProgress {
  start(size: number | undefined): void;
  advance(bytes: number): void;
  end(): void;
}

/**
 * Streams `url` into `path`, hashing with each of `algorithms` as the bytes arrive, and returns
 * the digests. The client retries a broken transfer (resuming it, or resetting the sink to start
 * over), so the digests are always of the file as written. Errors are PuffinErrors naming the URL
 * (`display`, its credentials redacted) — the client's as they are, the disk's as `download-failed`
 * with the path. Checking the digests is the caller's: it knows what they must be.
 */
export async function downloadFile(
  http: HttpClient,
  url: string,
  path: string,
  file: {
    readonly algorithms: Iterable<string>;
    readonly display: string;
    readonly size: number | undefined;
    readonly progress?: DownloadProgress | undefined;
  },
): Promise<Record<string, string>> {
  const { progress } = file;
  const sink = await HashingFileSink.create(path, file.algorithms);
  progress?.start(file.size);
  try {
    await http.download(
      url,
      progress === undefined
        ? sink
        : {
            write: (chunk) => {
              progress.advance(chunk.length);
              return sink.write(chunk);
            },
            reset: () => sink.reset(),
          },
    );
  } catch (error) {
    if (error instanceof PuffinError) throw error;
    throw new PuffinError("download-failed", `Failed to download ${file.display}`, {
      cause: describeSystemError(error, { area: "cache", path }) ?? error,
    });
  } finally {
    await sink.close();
    progress?.end();
  }
  return sink.digests();
}

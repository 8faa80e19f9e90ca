import { type ErrorCode, PuffinError, stripCredentials } from "../support/index.ts";

/**
 * `direct_url.json` (PEP 610): how an installed distribution was obtained when it did not come
 * from an index — an archive or wheel URL, a VCS checkout, or a local directory (maybe editable).
 * https://packaging.python.org/en/latest/specifications/direct-url-data-structure/
 *
 * The JSON has `url`, an optional `subdirectory`, and exactly one of `archive_info`, `vcs_info`,
 * `dir_info`; here that choice is the `kind` discriminant.
 */
export type DirectUrl = ArchiveDirectUrl | VcsDirectUrl | DirDirectUrl;

interface DirectUrlBase {
  /** As persisted: credentials are removed by `serializeDirectUrl` (see `redactDirectUrl`). */
  readonly url: string;
  /** A path inside the archive or repository where the project lives (`pyproject.toml`). */
  readonly subdirectory?: string | undefined;
}

export interface ArchiveDirectUrl extends DirectUrlBase {
  readonly kind: "archive";
  /** Algorithm name (`sha256`) → hex digest; may be empty. */
  readonly hashes: Readonly<Record<string, string>>;
}

export interface VcsDirectUrl extends DirectUrlBase {
  readonly kind: "vcs";
  /** `git`, `hg`, `bzr` or `svn` (others must be registered by a PEP, so are kept as given). */
  readonly vcs: string;
  /** The exact commit that was installed. */
  readonly commitId: string;
  /** The branch, tag or revision the user asked for, when they asked for one. */
  readonly requestedRevision?: string | undefined;
}

export interface DirDirectUrl extends DirectUrlBase {
  readonly kind: "dir";
  readonly editable: boolean;
}

const INVALID = "invalid-direct-url" satisfies ErrorCode;
const LEGACY_HASH = /^([A-Za-z0-9_]+)=([0-9A-Fa-f]+)$/;
/** A `user:password` made of environment variables is allowed to persist (PEP 610). */
/**
 * Parses and validates `direct_url.json`. Throws a `PuffinError` with code `invalid-direct-url`
 * naming the key that is wrong.
 *
 * Like pip, the legacy `archive_info.hash` (`"sha256=…"`) is read into `hashes` when `hashes`
 * does not already hold that algorithm (the spec says `hashes` wins when both are present).
 */
export function parseDirectUrl(json: string): DirectUrl {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new PuffinError(INVALID, "`direct_url.json` is not valid JSON", { cause: error });
  }
  const root = asObject(data, "the top level");
  const url = requiredString(root, "url", "");
  if (!URL.canParse(url)) fail(`\`url\` is not a valid URL: ${JSON.stringify(url)}`);
  const subdirectory = optionalString(root, "subdirectory", "");

  const present = INFO_KEYS.filter((key) => root[key] !== undefined);
  if (present.length !== 1) {
    fail(
      present.length === 0
        ? "it needs one of `archive_info`, `vcs_info`, `dir_info`"
        : `it has more than one of ${present.map((key) => `\`${key}\``).join(", ")}`,
    );
  }
  const key = present[0]!;
  const info = asObject(root[key], `\`${key}\``);
  switch (key) {
    case "archive_info":
      return { kind: "archive", url, subdirectory, hashes: archiveHashes(info) };
    case "vcs_info":
      return {
        kind: "vcs",
        url,
        subdirectory,
        vcs: requiredString(info, "vcs", "vcs_info."),
        commitId: requiredString(info, "commit_id", "vcs_info."),
        requestedRevision: optionalString(info, "requested_revision", "vcs_info."),
      };
    case "dir_info": {
      if (!url.startsWith("file:")) {
        fail(`\`url\` of a \`dir_info\` must be a file:// URL, not ${JSON.stringify(url)}`);
      }
      const editable = info["editable"] ?? false;
      if (typeof editable !== "boolean") fail("`dir_info.editable` must be a boolean");
      return { kind: "dir", url, subdirectory, editable };
    }
  }
}

/**
 * The JSON to write into `*.dist-info/direct_url.json`: keys sorted, `url` redacted,
 * absent optional keys omitted, `dir_info.editable` written only when true (as pip does).
 */
export function serializeDirectUrl(directUrl: DirectUrl): string {
  // Keys are written in sorted order, as pip's `json.dumps(sort_keys=True)` writes them.
  const out: Record<string, unknown> = {};
  if (directUrl.kind === "archive") {
    out["archive_info"] = { hashes: sortedRecord(directUrl.hashes) };
  } else if (directUrl.kind === "dir") {
    out["dir_info"] = directUrl.editable ? { editable: true } : {};
  }
  if (directUrl.subdirectory !== undefined) out["subdirectory"] = directUrl.subdirectory;
  out["url"] = redactDirectUrl(directUrl);
  if (directUrl.kind === "vcs") {
    out["vcs_info"] = {
      commit_id: directUrl.commitId,
      ...(directUrl.requestedRevision === undefined
        ? {}
        : { requested_revision: directUrl.requestedRevision }),
      vcs: directUrl.vcs,
    };
  }
  return JSON.stringify(out);
}

/**
 * `url` without its `user:password@` part, unless that part is made of environment variables
 * (`${USER}:${TOKEN}`) or is the well-known `git` user of a git URL (`ssh://git@host/…`), which
 * PEP 610 allows to persist. The rest of the URL is kept exactly as written.
 */
export function redactDirectUrl(directUrl: DirectUrl): string {
  return stripCredentials(directUrl.url, {
    keepGitUser: directUrl.kind === "vcs" && directUrl.vcs === "git",
  });
}

const INFO_KEYS = ["archive_info", "vcs_info", "dir_info"] as const;

function archiveHashes(info: Record<string, unknown>): Record<string, string> {
  const hashes: Record<string, string> = {};
  const given = info["hashes"];
  if (given !== undefined) {
    for (const [algorithm, digest] of Object.entries(asObject(given, "`archive_info.hashes`"))) {
      if (typeof digest !== "string") fail(`\`archive_info.hashes.${algorithm}\` must be a string`);
      hashes[algorithm] = digest;
    }
  }
  const legacy = optionalString(info, "hash", "archive_info.");
  if (legacy !== undefined) {
    const match = LEGACY_HASH.exec(legacy);
    if (match === null) {
      fail(`\`archive_info.hash\` must look like \`sha256=<hex>\`, not ${JSON.stringify(legacy)}`);
    }
    hashes[match[1]!] ??= match[2]!;
  }
  return hashes;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function requiredString(object: Record<string, unknown>, key: string, prefix: string): string {
  const value = object[key];
  if (value === undefined) fail(`\`${prefix}${key}\` is missing`);
  if (typeof value !== "string") fail(`\`${prefix}${key}\` must be a string`);
  return value;
}

function optionalString(
  object: Record<string, unknown>,
  key: string,
  prefix: string,
): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") fail(`\`${prefix}${key}\` must be a string`);
  return value;
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key]!;
  return sorted;
}

function fail(reason: string): never {
  throw new PuffinError(INVALID, `Invalid \`direct_url.json\`: ${reason}`);
}

/**
 * The cache's buckets: one top-level directory each, versioned in its name. A change to what a
 * bucket stores bumps its version (`wheels-v0` → `wheels-v1`); the old directory becomes unknown
 * to this Puffin and `puffin cache prune` removes it.
 *
 * Sources. Entries that belong to a package live under a *source key* of two segments
 * (`sourceKey` in `cache-key.ts`), then the normalized package name:
 *
 *     <bucket>/index/<digest(index URL)>/<package>…      a package from an index
 *     <bucket>/url/<digest(URL)>/<package>…              a direct URL (wheel or sdist)
 *     <bucket>/path/<digest(absolute path)>/<package>…   a local file or directory
 *     <bucket>/git/<digest(repository URL@commit)>/<package>…
 *
 * So in every per-package bucket, the entries at depth three whose name is `<package>` or starts
 * with `<package>.` are exactly that package's entries (a normalized name never contains a dot),
 * which is how `puffin cache clean PACKAGE` finds them. Digests are 16 hex characters; names
 * starting with a dot are temp files (see `support/atomic-write.ts`), never entries.
 */
export const CacheBucket = {
  /**
   * Parsed index pages (PEP 503 HTML / PEP 691 JSON), one per index and package, stored with
   * their HTTP cache policy (`http-entry.ts`).
   *
   *     simple-v0/
   *     └── index/<digest(index URL)>/
   *         ├── numpy.json
   *         └── requests.json
   */
  Simple: "simple-v0",
  /**
   * Flat indexes (`--find-links` pages and directories): the whole listing of one location,
   * which spans packages, so this bucket is not per package.
   *
   *     flat-index-v0/
   *     └── <digest(find-links URL or path)>.json
   */
  FlatIndex: "flat-index-v0",
  /**
   * Wheels from indexes, URLs and paths, per package: the parsed METADATA with what keeps it
   * valid (the wheel's hash as the index lists it, or a file stamp for local wheels; see
   * `client/wheel-metadata.ts`), and which `archive-v0` tree the wheel unzipped to (see
   * `installer/fetch-wheel.ts`; a wheel listed with a SHA-256 needs no pointer, its archive id
   * derives from the digest).
   *
   *     wheels-v0/
   *     ├── index/<digest(index URL)>/requests/
   *     │   ├── requests-2.32.3-py3-none-any.json           METADATA + validator
   *     │   └── requests-2.32.3-py3-none-any.archive.json   archive id + hashes + validator
   *     ├── url/<digest(URL)>/flask/
   *     │   └── flask-3.0.0-py3-none-any.json
   *     └── path/<digest(path)>/attrs/
   *         └── attrs-24.2.0-py3-none-any.json              METADATA + file stamp
   */
  Wheels: "wheels-v0",
  /**
   * Unzipped wheel trees by content id, shared by every entry that links to them. An archive
   * that nothing links to is garbage (`puffin cache prune`).
   *
   *     archive-v0/
   *     └── <archive id>/
   *         ├── requests/…
   *         └── requests-2.32.3.dist-info/…
   */
  Archive: "archive-v0",
  /**
   * One directory per source artifact (index sdist, URL, path, git commit): a freshness marker,
   * the sdist's metadata, and the wheels built from it. The listing is the truth about which
   * wheels exist; nothing duplicates it. When the source changes, the whole directory goes.
   * (`build/built-wheel-cache.ts` owns the entries.)
   *
   *     built-wheels-v0/
   *     ├── index/<digest(index URL)>/django-allauth/
   *     │   └── django_allauth-0.51.0.tar.gz/
   *     │       ├── revision.json                       HTTP policy, hash or file stamp
   *     │       ├── metadata.json                       the sdist's core metadata
   *     │       └── django_allauth-0.51.0-py3-none-any.whl
   *     ├── url/<digest(URL)>/werkzeug/werkzeug-3.0.1.tar.gz/…
   *     ├── path/<digest(path)>/my-project/my-project/…
   *     └── git/<digest(URL@commit)>/pydantic-extra-types/…
   */
  BuiltWheels: "built-wheels-v0",
  /**
   * Git repositories (bare, by repository URL) and checkouts (by commit). Not per package.
   *
   *     git-v0/
   *     ├── db/<digest(repository URL)>/          bare repository
   *     └── checkouts/<digest(repository URL)>/<commit>/
   */
  Git: "git-v0",
  /**
   * Interpreter probe results keyed by the executable, valid while its file stamp (mtime,
   * size) is unchanged. Not per package. (v1: keyed by `fnvDigest`, not `cacheDigest`.)
   *
   *     interpreter-v1/
   *     └── <fnvDigest(executable path)>.json
   */
  Interpreter: "interpreter-v1",
} as const;
export type CacheBucket = (typeof CacheBucket)[keyof typeof CacheBucket];

/** Every bucket this Puffin knows; any other top-level directory is from another version. */
export const CACHE_BUCKETS: readonly CacheBucket[] = Object.values(CacheBucket);

/** The buckets whose layout is `<source key>/<package>…` (see the module doc). */
export const PER_PACKAGE_BUCKETS: readonly CacheBucket[] = [
  CacheBucket.Simple,
  CacheBucket.Wheels,
  CacheBucket.BuiltWheels,
];

/**
 * `node:crypto`, loaded when first used. Imported where a module loads, it would cost about 3 ms
 * (it brings Node's streams with it) in every process that loads that module, and the modules
 * that hash or draw random bytes (`support`, `cache`) are loaded by `puffin venv` too, which does
 * neither. `process.getBuiltinModule` needs Node 20.16 (undici already needs 20.18.1).
 *
 * Internal to `support`: its type names `node:crypto`, which the library's published declarations
 * must not need (a consumer may have no `@types/node`); `cache-key.ts` makes the same call itself.
 */
export function nodeCrypto(): typeof import("node:crypto") {
  return process.getBuiltinModule("node:crypto");
}

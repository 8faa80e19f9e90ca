export {
  fetchGitSource,
  type GitFetchOptions,
  type GitSource,
} from "./git-source.ts";
export { classifyReference, type GitReference, GitUrl } from "./git-url.ts";

export { fetchGitSource, type GitSource } from "./git-source.ts";
export { GitUrl } from "./git-url.ts";

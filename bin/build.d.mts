// Types of bin/build.mjs for the TypeScript that imports it (tests, benches).
/** The built server, relative to the project's folder: dist/server/stopline.mjs. */
export const SERVER_BUNDLE: string;
/** Runs `build` when dist/web is missing or was built from other sources; true when it built. */
export function buildConsoleIfChanged(root: string, build: () => Promise<void>): Promise<boolean>;
/** True when dist/server/stopline.mjs is there and was built from the current sources. */
export function serverBuildIsCurrent(root: string): boolean;
/** Builds dist/server/stopline.mjs (`build`, default serverBuild) when missing or stale. */
export function buildServerIfChanged(
  root: string,
  build?: (root: string) => Promise<void>,
): Promise<boolean>;
/** The production build of the console, as `npm run build` makes it (from the project's folder). */
export function viteBuild(): Promise<void>;
/** `entry` and the project's modules it imports as one ES module at `outfile` (npm packages
 * stay imports); both paths relative to root. */
export function bundleModule(root: string, entry: string, outfile: string): Promise<void>;
/** The server: src/server/main.ts into dist/server/stopline.mjs. */
export function serverBuild(root: string): Promise<void>;

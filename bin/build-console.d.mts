// Types of bin/build-console.mjs for the TypeScript that imports it (the tests' set-up).
export const STAMP: string;
/** SHA-256 over the console's sources, the shared code, the Vite config and the lock file. */
export function consoleSourcesDigest(root: string): string;
/** Runs `build` when dist/web is missing or was built from other sources; true when it built. */
export function buildConsoleIfChanged(root: string, build: () => Promise<void>): Promise<boolean>;
/** The production build, as `npm run build` makes it (run from the project's folder). */
export function viteBuild(): Promise<void>;

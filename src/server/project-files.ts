// Files Stopline keeps beside its code (the bundled policy, the console's build, the public
// pages' stylesheet), found from the project's folder. This module sits two folders below it
// (src/server/) and so does the built server that contains it (dist/server/stopline.mjs, from
// bin/build.mjs), so the same relative path finds the project from either.
import { fileURLToPath } from 'node:url';

const PROJECT = new URL('../../', import.meta.url);

/** The absolute path of `path`, relative to the project's folder. */
export function projectFile(path: string): string {
  return fileURLToPath(new URL(path, PROJECT));
}

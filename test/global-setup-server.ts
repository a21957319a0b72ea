// Before the int tests: build the server (src/server → dist/server/stopline.mjs) when it is
// missing or was built from other sources (bin/build.mjs, as `npm start` does), so every test that
// runs ./bin/stopline as a process runs the server `npm start` runs, and does not compile the
// TypeScript again in each process (tsx: seconds of CPU per process).
import { buildServerIfChanged } from '../bin/build.mjs';

export default async function setup() {
  await buildServerIfChanged(process.cwd());
}

// Before any test: build the staff console (src/web → dist/web) when it is missing or was built
// from other sources (bin/build.mjs, as `npm start` does), so the browser tests run the
// app as `npm start` serves it.
import { buildConsoleIfChanged, viteBuild } from '../bin/build.mjs';

export default async function setup() {
  await buildConsoleIfChanged(process.cwd(), viteBuild);
}

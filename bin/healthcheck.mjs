#!/usr/bin/env node
// The container's health check, with no curl in the image: asks this instance's /readyz (the
// database answers and every migration is applied) and exits 0 when it says 200, 1 otherwise.
// A server bound to every address (HOST=0.0.0.0 or ::) is asked on the loopback address.
const port = process.env.PORT || '8080';
const bound = process.env.HOST || '127.0.0.1';
const host = ['0.0.0.0', '::', ''].includes(bound) ? '127.0.0.1' : bound;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/readyz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (res.status !== 200) {
    console.error(`unhealthy: ${url} answered ${res.status} ${await res.text()}`);
    process.exit(1);
  }
  process.exit(0);
} catch (error) {
  console.error(`unhealthy: ${url}: ${error.cause?.code ?? error.message}`);
  process.exit(1);
}

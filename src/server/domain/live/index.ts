// The live subject's public surface: notices of what changed, for the stream to the console.
import { createLiveService, type LiveServiceDeps } from './live-service.ts';

export type LivePorts = LiveServiceDeps;

/** The live subject, built by the composition root (container.ts) from its ports. */
export function createLiveModule(ports: LivePorts) {
  return createLiveService(ports);
}

export type LiveModule = ReturnType<typeof createLiveModule>;

export { createLiveService, type LiveService, type Missed } from './live-service.ts';
export { mayHear, type Audience, type LiveNotice } from './live-rules.ts';

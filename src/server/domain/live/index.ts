// The live subject's public surface: notices of what changed, for the stream to the console.
export { createLiveService, type LiveService, type Missed } from './live-service.ts';
export { mayHear, type Audience, type LiveNotice } from './live-rules.ts';
